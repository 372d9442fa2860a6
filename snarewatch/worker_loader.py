"""The loader worker's process rules: one per data dir, and never outliving its worker.

`snarewatch worker` with the `load` queue among others starts the loader as a child process. If
the worker is killed outright (SIGKILL, the OOM killer) nothing runs its clean-up, so the child
asks the kernel to signal it when its parent dies (Linux `prctl(PR_SET_PDEATHSIG)`) and, where
that is missing, watches its parent's pid. Independently of that, every loader holds an exclusive
lock on `<data_dir>/worker/loader.lock` while it runs, so a second one refuses to start: that the
first one went away is never what keeps the store consistent.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from snarewatch.errors import SnarewatchError

log = logging.getLogger(__name__)

LOCK_FILE_NAME = "loader.lock"
PARENT_ENV = "SNAREWATCH_LOADER_PARENT"
"""Set by a worker for the loader child it starts: the pid that child must not outlive."""
_PR_SET_PDEATHSIG = 1
_WATCH_EVERY_S = 1.0


class LoaderRunningError(SnarewatchError):
    """Another loader holds the data dir's loader lock."""


class LoaderLock:
    """An exclusive lock on the loader lock file, held until `release` or process exit.

    The lock belongs to the open file: forked pool processes share it, so it is free only when
    the loader and all its pool processes are gone.
    """

    def __init__(self, worker_dir: Path) -> None:
        self.path = Path(worker_dir) / LOCK_FILE_NAME
        self._fd: int | None = None

    def acquire(self, wait_s: float = 0.0) -> LoaderLock:
        """Take the lock, retrying for `wait_s` seconds; LoaderRunningError if it stays taken."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + wait_s
        logged = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    raise
            holder = self.holder()
            if time.monotonic() >= deadline:
                os.close(fd)
                raise LoaderRunningError(
                    f"another loader (pid {holder or '?'}) is running on "
                    f"{self.path.parent.parent}: one loader per data dir; stop it first, or "
                    "start this worker without the load queue (e.g. -Q crawl,ml)")
            if not logged:
                log.warning("waiting for the loader pid %s to exit", holder or "?")
                logged = True
            time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def holder(self) -> int | None:
        """The pid written by the loader holding the lock (None if unknown)."""
        try:
            text = self.path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return int(text) if text.isdigit() else None

    def release(self) -> None:
        """Give the lock up (process exit does it too)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def die_with_parent(parent_pid: int, sig: int = signal.SIGTERM, *, watch: bool = True) -> None:
    """Get `sig` when the process `parent_pid` (this process's parent) dies.

    Linux delivers it through PR_SET_PDEATHSIG; a daemon thread also compares the parent pid
    every second (other systems, and a parent that died before the request was made).
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            log.warning("prctl(PR_SET_PDEATHSIG) failed (errno %d); watching the parent pid",
                        ctypes.get_errno())
    if os.getppid() != parent_pid:
        log.warning("parent %d is gone before this process started; exiting", parent_pid)
        os.kill(os.getpid(), sig)
        return
    if watch:
        threading.Thread(target=_watch_parent, args=(parent_pid, sig), name="parent-watch",
                         daemon=True).start()


def _watch_parent(parent_pid: int, sig: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(_WATCH_EVERY_S)
    log.warning("parent %d died; stopping", parent_pid)
    os.kill(os.getpid(), sig)
