"""The persisted frontier: every URL of a crawl with its depth, priority and state, in SQLite.

A URL is marked done only after its records are in the landing area, so a crash or Ctrl-C loses
at most in-flight pages, which a resume fetches again (ids are stable, so no duplicate ads).
URLs are fetched by priority (likely ads first), then in discovery order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY, fetch_url TEXT NOT NULL, depth INTEGER NOT NULL, seq INTEGER NOT NULL,
    pattern TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'queued', outcome TEXT,
    priority INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS urls_state ON urls(state, seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class QueuedUrl:
    """A URL waiting to be fetched: canonical form (identity), the URL to request, its depth and
    priority (lower first)."""

    url: str
    fetch_url: str
    depth: int
    priority: int = 1


class Frontier:
    """URL states of one crawl in `<state_dir>/frontier.sqlite` (WAL, one writer: this process)."""

    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / "frontier.sqlite"
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(urls)")}
        if "priority" not in columns:  # a frontier written before priorities existed
            self.db.execute("ALTER TABLE urls ADD COLUMN priority INTEGER NOT NULL DEFAULT 1")
        row = self.db.execute("SELECT coalesce(max(seq), 0) FROM urls").fetchone()
        self._seq = int(row[0])

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def add(self, items: Iterable[tuple[QueuedUrl, str]]) -> list[QueuedUrl]:
        """Insert (url, pattern) pairs not seen before; returns the new ones in order."""
        new: list[QueuedUrl] = []
        self.db.execute("BEGIN")
        try:
            for q, pattern in items:
                self._seq += 1
                cur = self.db.execute(
                    "INSERT OR IGNORE INTO urls (url, fetch_url, depth, seq, pattern, priority) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (q.url, q.fetch_url, q.depth, self._seq, pattern, q.priority))
                if cur.rowcount:
                    new.append(q)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return new

    def known(self, url: str) -> bool:
        """True if the canonical URL is already in the frontier (any state)."""
        return self.db.execute("SELECT 1 FROM urls WHERE url = ?", (url,)).fetchone() is not None

    def mark_done(self, items: Iterable[tuple[str, str]],
                  meta: dict[str, Any] | None = None) -> None:
        """Record (canonical url, outcome) pairs as finished, with `meta` values, in one
        transaction (so stored counts always match the finished URLs)."""
        self.db.execute("BEGIN")
        try:
            self.db.executemany("UPDATE urls SET state = 'done', outcome = ? WHERE url = ?",
                                [(outcome, url) for url, outcome in items])
            for key, value in (meta or {}).items():
                self.set_meta(key, value)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def queued(self) -> list[QueuedUrl]:
        """URLs not finished yet, by priority then discovery order (what a resume fetches)."""
        rows = self.db.execute(
            "SELECT url, fetch_url, depth, priority FROM urls WHERE state = 'queued' "
            "ORDER BY priority, seq").fetchall()
        return [QueuedUrl(*r) for r in rows]

    def done_count(self) -> int:
        """How many URLs are finished (fetched or failed)."""
        return int(self.db.execute("SELECT count(*) FROM urls WHERE state = 'done'").fetchone()[0])

    def pattern_counts(self) -> dict[str, int]:
        """How many URLs each URL pattern already has (trap caps survive a resume)."""
        rows = self.db.execute("SELECT pattern, count(*) FROM urls GROUP BY pattern")
        return dict(rows.fetchall())

    def counts(self) -> dict[str, int]:
        """URLs per state."""
        return dict(self.db.execute("SELECT state, count(*) FROM urls GROUP BY state").fetchall())

    def outcomes(self) -> dict[str, int]:
        """Finished URLs per outcome."""
        return dict(self.db.execute(
            "SELECT outcome, count(*) FROM urls WHERE state = 'done' GROUP BY outcome").fetchall())

    def get_meta(self, key: str) -> Any:
        """A JSON value stored with the crawl (its parameters), or None."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, key: str, value: Any) -> None:
        """Store a JSON value with the crawl."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))
