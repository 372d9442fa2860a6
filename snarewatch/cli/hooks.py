"""The CLI's hooks for the use cases: rich progress bars on stderr, the story on stdout,
remarks on stderr, and the store loaded in-process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from snarewatch.cli._common import console, err_console, esc, progress
from snarewatch.pipeline.hooks import Advance, Hooks


class ConsoleHooks(Hooks):
    """Hooks that show a run on the terminal; `quiet` drops remarks (for `--format json`)."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet

    def say(self, text: str) -> None:
        """Print a line of the run's story (rich markup allowed) on stdout."""
        console.print(text, highlight=False)

    def note(self, text: str, *, style: str | None = None) -> None:
        """Print a remark on stderr, unless quiet."""
        if self.quiet:
            return
        shown = f"[{style}]{esc(text)}[/{style}]" if style else esc(text)
        err_console.print(shown, highlight=False)

    def step(self, title: str) -> None:
        """A rule with the step's title."""
        console.rule(f"[bold]{esc(title)}")

    def show(self, renderable: Any) -> None:
        """Print a table or panel on stdout."""
        console.print(renderable)

    @contextmanager
    def progress(self, description: str, total: int | None = None, *,
                 transient: bool = False) -> Iterator[Advance]:
        """A rich progress bar on stderr for the `with` block."""
        with progress(transient=transient) as bar:
            task = bar.add_task(description, total=total, status="")

            def advance(**fields: Any) -> None:
                bar.update(task, **fields)

            yield advance
