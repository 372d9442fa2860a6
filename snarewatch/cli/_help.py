"""Help texts that read well in any terminal width.

Typer's rich help keeps every line break of a docstring or epilog, so prose written at 95
columns wraps raggedly in an 80-column terminal. `reflow_app` rewrites every command's help
and epilog once, when the CLI is built: the lines of a prose paragraph are joined (the terminal
wraps them), indented lines (examples) keep their own lines, and in a block of examples where
one is too long for 80 columns, each comment goes on the line above its command.
"""

from __future__ import annotations

import inspect
import re
import textwrap

import typer

EXAMPLE_WIDTH = 78
"""Example lines longer than this get their `# comment` on a line of its own."""

_COMMENT = re.compile(r"^(?P<indent>\s+)(?P<command>\S.*?)\s+# (?P<comment>.*)$")


def reflow(text: str | None) -> str | None:
    """`text` (a help or epilog string, or a docstring `inspect.getdoc` cleaned) with each
    prose paragraph on one line and each example line kept.

    Example:
        >>> reflow("Train a student\\non the labels.\\n\\n  snarewatch train x   # go")
        'Train a student on the labels.\\n\\n  snarewatch train x   # go'
    """
    if not text:
        return text
    paragraphs = []
    # dedent, not cleandoc: an epilog whose lines after the first are all examples keeps them
    # indented.
    for block in textwrap.dedent(text).strip("\n").split("\n\n"):
        lines: list[str] = []
        # One example too wide puts every comment of its block on a line of its own.
        split = any(line[:1].isspace() and len(line.rstrip()) > EXAMPLE_WIDTH
                    and _COMMENT.match(line) for line in block.splitlines())
        for line in block.splitlines():
            if line[:1].isspace():
                lines += _example(line.rstrip(), split)
            elif lines and not lines[-1][:1].isspace():
                lines[-1] = f"{lines[-1]} {line.strip()}"
            else:
                lines.append(line.strip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _example(line: str, split: bool) -> list[str]:
    """An example line, or (`split`) its comment on a line above its command."""
    m = _COMMENT.match(line)
    if not split or m is None:
        return [line]
    return [f"{m['indent']}# {m['comment']}", f"{m['indent']}{m['command']}"]


def _epilog(text: str | None) -> str | None:
    """`reflow`, with a leading line break: Typer dedents an epilog by the indentation its
    lines after the first share, which strips the examples' indent when nothing follows them;
    an empty first line makes "Examples:" count as one of those lines."""
    text = reflow(text)
    return "\n" + text if text else text


def reflow_app(app: typer.Typer) -> None:
    """Reflow the help and epilog of every command and group of `app`, recursively."""
    app.info.help = reflow(app.info.help)
    app.info.epilog = _epilog(app.info.epilog)
    callback = app.registered_callback
    if callback is not None:
        # A callback's docstring is the group's help only when nothing else names one, so it
        # is reflowed only then (setting it would outrank `Typer(help=...)`).
        if not callback.help and not app.info.help:
            callback.help = reflow(inspect.getdoc(callback.callback))
        callback.help = reflow(callback.help)
        callback.epilog = _epilog(callback.epilog)
    for command in app.registered_commands:
        command.help = reflow(command.help or inspect.getdoc(command.callback))
        command.epilog = _epilog(command.epilog)
    for group in app.registered_groups:
        group.help = reflow(group.help)
        group.epilog = _epilog(group.epilog)
        if group.typer_instance is not None:
            reflow_app(group.typer_instance)
