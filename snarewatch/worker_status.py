"""What the workers are doing: queue lengths, running and recent runs, crawls, new findings.

Everything here is read-only and safe while workers and the loader run: the store is opened
read-only with retries, queue folders are only listed, and runs still waiting in the landing
area are merged in so a run shows as running before the loader has ingested it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from snarewatch.config import Settings
from snarewatch.errors import SnarewatchError
from snarewatch.schema import utcnow
from snarewatch.store import query_records
from snarewatch.worker_runs import Journal, worker_dir

log = logging.getLogger(__name__)

QUEUE_NAMES = ("crawl", "ml", "load")
# kombu's Redis transport keeps priority levels in extra lists named queue + SEP + level.
_REDIS_PRIORITY_SEP = "\x06\x16"
_REDIS_PRIORITY_STEPS = (0, 3, 6, 9)


@dataclass
class Status:
    """A snapshot for `snarewatch status`."""

    broker: str
    queues: dict[str, int | None]
    in_flight: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    crawls: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    since: datetime | None = None
    problems: list[str] = field(default_factory=list)


def broker_label(settings: Settings) -> str:
    """The broker in use, without any password."""
    if not settings.broker_url:
        return f"filesystem ({worker_dir(settings) / 'queue'})"
    from urllib.parse import urlsplit

    parts = urlsplit(settings.broker_url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def queue_lengths(settings: Settings,
                  queues: tuple[str, ...] = QUEUE_NAMES) -> dict[str, int | None]:
    """Messages waiting per queue (None when the broker cannot be reached)."""
    if not settings.broker_url:
        folder = worker_dir(settings) / "queue"
        counts: dict[str, int | None] = {q: 0 for q in queues}
        if folder.is_dir():
            for name in (p.name for p in folder.iterdir()):
                # kombu names messages <time>_<uuid>.<queue>.msg
                queue = name.partition(".")[2].removesuffix(".msg")
                if queue in counts:
                    counts[queue] = (counts[queue] or 0) + 1
        return counts
    if settings.broker_url.startswith(("redis://", "rediss://", "unix://")):
        return _redis_lengths(settings.broker_url, queues)
    return {q: None for q in queues}


def _redis_lengths(url: str, queues: tuple[str, ...]) -> dict[str, int | None]:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        counts: dict[str, int | None] = {}
        for q in queues:
            keys = [q] + [f"{q}{_REDIS_PRIORITY_SEP}{p}" for p in _REDIS_PRIORITY_STEPS[1:]]
            counts[q] = sum(int(client.llen(k)) for k in keys)
        return counts
    except redis.RedisError as exc:
        log.warning("cannot read queue lengths from %s: %s", url, exc)
        return {q: None for q in queues}


def _landing_rows(settings: Settings, table: str) -> list[dict[str, Any]]:
    """Rows of a table still waiting in the landing area (for runs, which the loader lags)."""
    import pyarrow.parquet as pq

    rows: list[dict[str, Any]] = []
    folder = settings.landing_dir / table
    if not folder.is_dir():
        return rows
    for path in sorted(folder.glob("*.parquet")):
        try:
            rows.extend(pq.read_table(path).to_pylist())
        except (FileNotFoundError, OSError):
            continue  # the loader took it meanwhile; it is in the store now
    return rows


def _json_field(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _query(settings: Settings, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    return query_records(settings.db_path, sql, params)


def current_runs(settings: Settings, limit: int = 20) -> list[dict[str, Any]]:
    """Latest state of the newest runs: store rows merged with those still in the landing area."""
    latest: dict[str, dict[str, Any]] = {}
    stored = _query(settings, "SELECT * FROM runs ORDER BY started_at DESC LIMIT ?", [limit * 5])
    for row in stored:
        latest[row["run_id"]] = row
    # Landing batches are newer than the store and, by file name, in write order.
    for row in _landing_rows(settings, "runs"):
        latest[row["run_id"]] = row
    rows = []
    for row in latest.values():
        row = dict(row)
        row["params"] = _json_field(row.get("params"))
        row["stats"] = _json_field(row.get("stats"))
        rows.append(row)
    rows.sort(key=lambda r: r["started_at"], reverse=True)
    return rows[:limit]


def collect_status(settings: Settings, since: datetime | None = None, limit: int = 20) -> Status:
    """Everything `snarewatch status` shows; each part fails on its own (reported as a problem)."""
    since = since or (utcnow() - timedelta(hours=24))
    status = Status(broker=broker_label(settings), queues=queue_lengths(settings), since=since)
    for entry in Journal(settings).entries():
        status.in_flight.append({
            "task_id": entry.task_id, "task": entry.name.removeprefix("snarewatch."),
            "host": entry.host, "pid": entry.pid, "started_at": entry.started_at,
            "attempt": entry.attempts, "state": "re-sent" if entry.requeued_at else "running"})
    try:
        runs = current_runs(settings, limit=limit * 3)
        status.runs = runs[:limit]
        status.failures = [r for r in runs if r["status"] == "failed"][:limit]
        status.crawls = _query(settings, """
            SELECT site, crawl_id, status, started_at, finished_at, stats
            FROM crawls QUALIFY row_number() OVER (PARTITION BY site ORDER BY started_at DESC) = 1
            ORDER BY site""")
        for row in status.crawls:
            row["stats"] = _json_field(row.get("stats"))
        status.findings = _query(settings, """
            SELECT task, site, count(*) AS new_findings, max(created_at) AS latest
            FROM findings WHERE created_at >= ? GROUP BY task, site ORDER BY new_findings DESC""",
            [since])
    except SnarewatchError as exc:
        status.problems.append(f"store: {exc}")
    if any(v is None for v in status.queues.values()):
        status.problems.append(f"broker {status.broker} unreachable: queue lengths unknown")
    return status


def parse_since(text: str | None) -> datetime | None:
    """`24h`, `90m`, `7d` or an ISO time, as an aware UTC datetime (None for None)."""
    if text is None:
        return None
    text = text.strip()
    units = {"m": "minutes", "h": "hours", "d": "days"}
    if text and text[-1] in units and text[:-1].replace(".", "", 1).isdigit():
        return utcnow() - timedelta(**{units[text[-1]]: float(text[:-1])})
    try:
        when = datetime.fromisoformat(text)
    except ValueError as exc:
        raise SnarewatchError(f"--since {text!r}: use e.g. 24h, 90m, 7d or an ISO time") from exc
    if when.tzinfo is None:
        from datetime import UTC

        when = when.replace(tzinfo=UTC)
    return when


def status_json(status: Status) -> dict[str, Any]:
    """The snapshot as plain JSON-ready data."""
    from dataclasses import asdict

    data = asdict(status)
    return json.loads(json.dumps(data, default=lambda v: v.isoformat() if isinstance(v, datetime)
                                 else str(v)))
