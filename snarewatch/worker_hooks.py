"""The worker's hooks for the use cases: progress beats the task's heartbeat, words go to the
log, and loading is left to the one loader unless a use case must read what it just wrote."""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from snarewatch.config import Settings
from snarewatch.pipeline.hooks import Advance, Hooks
from snarewatch.worker_runs import worker_dir

log = logging.getLogger(__name__)


@contextmanager
def file_lock(settings: Settings, name: str) -> Iterator[None]:
    """Hold `data_dir/worker/<name>.lock` (one loader, one recovery pass at a time)."""
    path = worker_dir(settings) / f"{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class WorkerHooks(Hooks):
    """Hooks of a Celery task.

    By default a task does not load: it asks the load queue afterwards, so only the loader
    writes the store. `inline=True` (the active loop and the demo, which read back each step's
    records) loads in the task under the loader's lock.
    """

    def __init__(self, heartbeat: Callable[[], None], *, inline: bool = False) -> None:
        self.heartbeat = heartbeat
        self.loads_inline = inline

    @contextmanager
    def progress(self, description: str, total: int | None = None, *,
                 transient: bool = False) -> Iterator[Advance]:
        """Each move of the bar is a heartbeat (a long run shows it is alive)."""
        def advance(**_: Any) -> None:
            self.heartbeat()

        yield advance

    def load(self, settings: Settings) -> int:
        """Load under the loader's lock when inline; else nothing (the load task follows)."""
        if not self.loads_inline:
            return 0
        from snarewatch.store import load_pending

        with file_lock(settings, "load"):
            return load_pending(settings.db_path, settings.landing_dir).rows
