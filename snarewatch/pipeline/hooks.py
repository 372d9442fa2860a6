"""How a door follows a use case while it runs: progress, words for people, and loading.

A use case never prints and never decides how its landed records reach the store: the door
that runs it passes `Hooks`. The CLI's hooks draw rich progress bars and print to the terminal
and load the store in-process; the worker's hooks log, beat the task's heartbeat and leave
loading to the one loader. The base class is the quiet default (logs, loads in-process).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from snarewatch.config import Settings

log = logging.getLogger(__name__)

Advance = Callable[..., None]
"""Moves a progress bar: `advance(completed=, total=, status=)`, every argument optional."""


class Hooks:
    """The quiet hooks: notes go to the log, progress nowhere, loads happen in-process.

    Example:
        >>> from snarewatch.pipeline.hooks import Hooks
        >>> Hooks().note("nothing to label")  # logged at INFO
    """

    loads_inline: bool = True
    """Whether `load` ingests now (CLI) or the door loads after the run (worker)."""

    def say(self, text: str) -> None:
        """A line of the run's own story for people (rich markup allowed; stdout on a CLI)."""
        log.info("%s", text)

    def note(self, text: str, *, style: str | None = None) -> None:
        """A remark beside the results (plain text; stderr on a CLI, `style` a rich style)."""
        log.info("%s", text)

    def step(self, title: str) -> None:
        """The start of a named step of a longer run (the demo's stages)."""
        log.info("== %s", title)

    def show(self, renderable: Any) -> None:
        """A table or panel for people (rich renderables on a terminal; logged as text here)."""
        log.info("%s", renderable)

    @contextmanager
    def progress(self, description: str, total: int | None = None, *,
                 transient: bool = False) -> Iterator[Advance]:
        """A progress bar for the `with` block; yields the function that moves it."""
        yield lambda **_: None

    def load(self, settings: Settings) -> int:
        """Bring landed batches into the store now, when this door loads inline; rows loaded."""
        if not self.loads_inline:
            return 0
        from snarewatch.store import load_pending

        return load_pending(settings.db_path, settings.landing_dir).rows


QUIET = Hooks()
"""Hooks for library callers and tests: log, no progress, load in-process."""
