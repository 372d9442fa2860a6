"""DuckDB connections with lock-aware retries, and append-only named migrations."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from snarewatch.errors import StoreError

log = logging.getLogger(__name__)

MIGRATIONS_PACKAGE = "snarewatch.store.migrations"


HALF_WRITTEN_RETRY_S = 3.0
"""How long an open retries a file that reads as "not a valid DuckDB database file"."""


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def _is_half_written(exc: Exception) -> bool:
    # Another process opening or checkpointing the file can leave its header unreadable for an
    # instant; a file that stays unreadable is really broken and fails after a few seconds.
    return "not a valid duckdb database file" in str(exc).lower()


def _connect(path: Path, read_only: bool, timeout_s: float) -> duckdb.DuckDBPyConnection:
    # DuckDB lets one process open a file read-write, and even read-only opens fail while it does.
    # The loader holds the lock only for short transactions, so both sides back off and retry.
    start = time.monotonic()
    deadline = start + timeout_s
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            now = time.monotonic()
            retry = _is_lock_error(exc) or (
                _is_half_written(exc) and now - start < min(HALF_WRITTEN_RETRY_S, timeout_s))
            if not retry or now >= deadline:
                mode = "read-only" if read_only else "read-write"
                raise StoreError(f"cannot open {path} {mode}: {exc}") from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


@contextmanager
def connect_readwrite(path: Path, timeout_s: float = 120.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection (for the loader and migrations only), migrated and closed on exit."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect(path, read_only=False, timeout_s=timeout_s)
    try:
        _apply_migrations(conn)
        yield conn
    finally:
        conn.close()


@contextmanager
def connect_readonly(path: Path, timeout_s: float = 60.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, retried while a writer holds the file; creates an empty store first."""
    path = Path(path)
    if not path.exists():
        migrate(path)
    conn = _connect(path, read_only=True, timeout_s=timeout_s)
    try:
        yield conn
    finally:
        conn.close()


def migration_names() -> list[str]:
    """All bundled migrations in the order they apply."""
    files = resources.files(MIGRATIONS_PACKAGE)
    return sorted(f.name for f in files.iterdir() if f.name.endswith(".sql"))


def _apply_migrations(conn: duckdb.DuckDBPyConnection) -> list[str]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ)"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM _migrations").fetchall()}
    applied = []
    for name in migration_names():
        if name in done:
            continue
        sql = resources.files(MIGRATIONS_PACKAGE).joinpath(name).read_text(encoding="utf-8")
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(sql)
            conn.execute("INSERT INTO _migrations VALUES (?, now())", [name])
            conn.execute("COMMIT")
        except duckdb.Error as exc:
            conn.execute("ROLLBACK")
            raise StoreError(f"migration {name} failed: {exc}") from exc
        log.info("applied migration %s", name)
        applied.append(name)
    return applied


def migrate(path: Path) -> list[str]:
    """Create or upgrade the store at `path`; returns the migrations applied now."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect(path, read_only=False, timeout_s=120.0)
    try:
        return _apply_migrations(conn)
    finally:
        conn.close()


def query_records(path: Path, sql: str,
                  params: list[Any] | dict[str, Any] | None = None, *,
                  timeout_s: float = 60.0) -> list[dict[str, Any]]:
    """Run one read-only query and return rows as dicts (for small results); `params` are
    positional (`?`) or named (`$name`); `timeout_s` bounds the wait for a writer's lock."""
    with connect_readonly(path, timeout_s=timeout_s) as conn:
        cursor = conn.execute(sql, params or [])
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
