"""Shared CLI plumbing: settings, error handling, output formats, progress bars."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from snarewatch.config import Settings, load_settings
from snarewatch.csvsafe import write_csv
from snarewatch.errors import SnarewatchError

# Control characters (ESC starts terminal escape sequences) and bidirectional overrides in
# crawled text could clear the screen, recolour it or reorder what an analyst reads. Each is
# shown as one visible stand-in character, so Rich's style spans keep their offsets.
_CONTROL_STANDINS = {
    **{c: 0x2400 + c for c in range(0x20) if chr(c) not in "\n\t"},
    0x7F: 0x2421,
    **{c: 0xFFFD for c in range(0x80, 0xA0)},
    **{c: 0xFFFD for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                           *range(0x2066, 0x206A))},
}


def visible(text: str) -> str:
    """`text` with terminal control characters and bidi overrides replaced by visible ones."""
    return text.translate(_CONTROL_STANDINS)


def esc(value: Any) -> str:
    """A value to put inside a Rich markup string: shown as it is, never read as markup."""
    return escape(visible(str(value)))


def plain(value: Any, style: str = "") -> Text:
    """A value as a Rich Text that no markup, highlighter or control character can change."""
    return Text(visible(str(value)), style=style)


class SafeConsole(Console):
    """A Console that never lets control characters through to the terminal.

    Markup in snarewatch's own format strings still works; data interpolated into them must be
    wrapped in `esc()` (or printed as `plain()` Text) so it is never read as markup.
    """

    def render_str(self, text: str, **kwargs: Any) -> Text:  # type: ignore[override]
        """Render like Rich, then replace control characters by visible stand-ins."""
        rendered = super().render_str(text, **kwargs)
        rendered.plain = visible(rendered.plain)
        return rendered

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Print like Rich; Text objects get control characters replaced too."""
        for obj in objects:
            if isinstance(obj, Text):
                obj.plain = visible(obj.plain)
        super().print(*objects, **kwargs)


console = SafeConsole()
err_console = SafeConsole(stderr=True)

# Models load offline only; a hub name would otherwise stall for ~50 s before failing.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

_settings: Settings | None = None


def settings() -> Settings:
    """The settings, built once per process."""
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


class OutputFormat(StrEnum):
    """How listing commands print rows."""

    table = "table"
    csv = "csv"
    json = "json"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


VERTICAL_ABOVE = 5
"""A single row with more columns than this is printed as field/value lines."""


def print_rows(
    rows: Sequence[dict[str, Any]], fmt: OutputFormat = OutputFormat.table, title: str | None = None
) -> None:
    """Print rows as a rich table, CSV or JSON (a list of objects)."""
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps([{k: _jsonable(v) for k, v in r.items()} for r in rows],
                                    ensure_ascii=False, indent=2, default=str) + "\n")
        return
    columns = list(rows[0].keys()) if rows else []
    if fmt is OutputFormat.csv:
        write_csv(sys.stdout, columns, rows)
        return
    # Every cell, header and title is a Text: crawled text is shown, never read as markup.
    table = Table(title=None if title is None else plain(title), show_lines=False)
    if len(rows) == 1 and len(columns) > VERTICAL_ABOVE:
        # One wide record (a plan, a run summary, a card) reads better as field/value lines
        # than as columns folded to a few characters each.
        table.add_column("field", style="bold")
        table.add_column("value", overflow="fold")
        for key, value in rows[0].items():
            table.add_row(plain(key), plain("" if value is None else _jsonable(value)))
        console.print(table)
        return
    for col in columns:
        table.add_column(plain(col), overflow="fold")
    for row in rows:
        table.add_row(*(plain("" if v is None else _jsonable(v)) for v in row.values()))
    console.print(table)
    if not rows:
        console.print("[dim](no rows)[/dim]")


def progress(transient: bool = False) -> Progress:
    """A rich progress bar with count, rate-friendly columns and ETA (to stderr)."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=transient,
    )


def iter_with_progress(items: Iterable[Any], total: int, description: str) -> Iterable[Any]:
    """Yield items while showing a progress bar."""
    with progress() as bar:
        task = bar.add_task(description, total=total, status="")
        for item in items:
            yield item
            bar.advance(task)


def run_app(app: typer.Typer | Callable[..., Any], args: Sequence[str] | None = None) -> int:
    """Run a Typer app on `args` (default: the command line), mapping SnarewatchError to a
    one-line message and exit status 1."""
    try:
        # Non-standalone click returns the command's value, or 1 after an Abort (Ctrl-C at a
        # prompt).
        rc = app(args=args, standalone_mode=False)  # type: ignore[call-arg]
    except SnarewatchError as exc:
        # The message as it is, on one line: it may quote a regex, a path or crawled text.
        err_console.print(Text.assemble(("error:", "bold red"), " ", str(exc)), soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        err_console.print("interrupted")
        return 130
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        err_console.print("aborted")
        return 1
    except typer.TyperException as exc:  # usage errors arrive here in non-standalone mode
        show = getattr(exc, "show", None)
        if show is None:
            raise
        show()
        return int(getattr(exc, "exit_code", 2))
    return rc if isinstance(rc, int) else 0
