"""Bookkeeping for worker tasks: `Run` records, and a journal of tasks in flight on disk.

Brokers lose a task whose worker is SIGKILLed (the filesystem transport always, Redis until its
visibility timeout). So each task writes a journal entry under `data_dir/worker/inflight/` when it
starts (which process runs it, and everything needed to send it again) and deletes it when it
ends. A worker that starts, and beat every few minutes, re-send the tasks whose process is gone;
the tasks are idempotent (a crawl resumes its crawl id), so a re-sent task completes the work.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from snarewatch.config import Settings
from snarewatch.schema import Run, utcnow
from snarewatch.store import Landing

log = logging.getLogger(__name__)

STALE_AFTER_S = 30 * 60.0
"""A journal entry from another machine not touched for this long belongs to a dead worker."""


def worker_dir(settings: Settings) -> Path:
    """Everything the workers keep on disk: queues, results, journal, beat state."""
    return settings.data_dir / "worker"


@dataclass
class InFlight:
    """A task being run: by which process, and how to send it again."""

    task_id: str
    name: str
    kwargs: dict[str, Any]
    queue: str
    host: str
    pid: int
    pid_started: str
    started_at: str
    chain: list[dict[str, Any]] | None = None
    attempts: int = 1
    requeued_at: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _proc_stat(pid: int) -> list[str]:
    # Fields of /proc/<pid>/stat after the command name: state is [0], start time is [19].
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _process_start(pid: int) -> str:
    # The kernel's start time of a process tells a live pid from a recycled one.
    fields = _proc_stat(pid)
    return fields[19] if len(fields) > 19 else ""


def process_alive(pid: int, started: str) -> bool:
    """True if `pid` runs and is the same process that wrote `started` (its start time)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    fields = _proc_stat(pid)
    if fields and fields[0] in {"Z", "X"}:
        return False  # a killed process nobody has reaped yet (containers often lack an init)
    return not started or not fields or fields[19] == started


class Journal:
    """Tasks in flight, one JSON file each, written atomically."""

    def __init__(self, settings: Settings) -> None:
        self.root = worker_dir(settings) / "inflight"

    def _path(self, task_id: str) -> Path:
        return self.root / f"{task_id}.json"

    def start(self, task_id: str, name: str, kwargs: dict[str, Any], queue: str,
              chain: list[dict[str, Any]] | None = None) -> InFlight:
        """Record that this process now runs a task (re-runs keep counting attempts)."""
        previous = self.get(task_id)
        entry = InFlight(task_id=task_id, name=name, kwargs=kwargs, queue=queue,
                         host=socket.gethostname(), pid=os.getpid(),
                         pid_started=_process_start(os.getpid()), started_at=utcnow().isoformat(),
                         chain=chain, attempts=(previous.attempts + 1) if previous else 1)
        self._write(entry)
        return entry

    def touch(self, task_id: str) -> None:
        """Heartbeat: a long task shows it is alive (other machines judge by the file's age)."""
        try:
            os.utime(self._path(task_id))
        except FileNotFoundError:
            pass

    def finish(self, task_id: str) -> None:
        """The task ended (done or failed for good): nothing to recover."""
        self._path(task_id).unlink(missing_ok=True)

    def mark_requeued(self, entry: InFlight) -> None:
        """Note that a lost task was sent again (so a second recovery pass leaves it alone)."""
        entry.requeued_at = time.time()
        self._write(entry)

    def get(self, task_id: str) -> InFlight | None:
        """The entry of one task, if any."""
        return self._read(self._path(task_id))

    def entries(self) -> list[InFlight]:
        """All entries, oldest first."""
        if not self.root.is_dir():
            return []
        found = [e for p in sorted(self.root.glob("*.json")) if (e := self._read(p)) is not None]
        return sorted(found, key=lambda e: e.started_at)

    def orphans(self, stale_after_s: float = STALE_AFTER_S) -> list[InFlight]:
        """Entries whose process is gone (this host) or silent for too long (other hosts)."""
        host = socket.gethostname()
        now = time.time()
        dead = []
        for entry in self.entries():
            if entry.requeued_at is not None:
                # Already sent again; only a re-send that nobody picked up for long is lost too.
                if now - entry.requeued_at > stale_after_s:
                    dead.append(entry)
                continue
            if entry.host == host:
                if not process_alive(entry.pid, entry.pid_started):
                    dead.append(entry)
            else:
                try:
                    age = now - self._path(entry.task_id).stat().st_mtime
                except FileNotFoundError:
                    continue
                if age > stale_after_s:
                    dead.append(entry)
        return dead

    def _write(self, entry: InFlight) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".{entry.task_id}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(asdict(entry), default=str), encoding="utf-8")
        tmp.replace(self._path(entry.task_id))

    @staticmethod
    def _read(path: Path) -> InFlight | None:
        try:
            return InFlight(**json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (ValueError, TypeError) as exc:
            log.warning("ignoring unreadable journal entry %s: %s", path, exc)
            return None


def as_stats(summary: Any) -> dict[str, Any]:
    """A stage's summary object (dataclass, pydantic model, dict) as JSON-friendly run stats."""
    if summary is None:
        return {}
    if hasattr(summary, "model_dump"):
        data = summary.model_dump(mode="json")
    elif is_dataclass(summary) and not isinstance(summary, type):
        data = asdict(summary)
    elif isinstance(summary, dict):
        data = dict(summary)
    else:
        data = {"result": str(summary)}
    return json.loads(json.dumps(data, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def write_run(settings: Settings, run: Run) -> None:
    """Append a Run record to the landing area (the load task brings it into the store)."""
    Landing(settings.landing_dir).write([run])


def run_record(run_id: str, kind: str, started: datetime, params: dict[str, Any], *,
               status: str = "running", stats: dict[str, Any] | None = None,
               error: str | None = None) -> Run:
    """A Run for a worker task; `finished_at` is set for every status but running."""
    return Run(run_id=run_id, kind=kind, started_at=started,
               finished_at=None if status == "running" else utcnow(),
               status=status,  # type: ignore[arg-type]
               params=json.loads(json.dumps(params, default=_json_default)),
               stats=stats or {}, error=error)
