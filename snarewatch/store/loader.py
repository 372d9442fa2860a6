"""The single loader: ingests each landing batch into DuckDB exactly once, in short transactions."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from snarewatch.errors import StoreError
from snarewatch.schema import RECORDS_BY_TABLE
from snarewatch.store.db import connect_readwrite
from snarewatch.store.landing import Landing

log = logging.getLogger(__name__)

# Tables whose rows are a thing's latest state (a re-crawled ad, a finished run) replace the
# stored row with the same key; the rest are append-only and ignore exact re-deliveries.
REPLACE_TABLES = frozenset({"runs", "crawls", "ads", "models", "predictions", "page_captures"})

LEDGER_DDL = """
CREATE TABLE IF NOT EXISTS _loaded_batches (
    batch_id VARCHAR PRIMARY KEY, table_name VARCHAR, rows BIGINT, loaded_at TIMESTAMPTZ
)"""


@dataclass
class LoadReport:
    """What one loader pass did."""

    batches: int = 0
    rows: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    by_table: dict[str, int] = field(default_factory=dict)


def _load_one(conn: duckdb.DuckDBPyConnection, table: str, path: Path) -> int | None:
    batch_id = f"{table}/{path.name}"
    record_type = RECORDS_BY_TABLE[table]
    key = ", ".join(f'"{k}"' for k in record_type.__key__)
    columns = ", ".join(f'"{c}"' for c in record_type.model_fields)
    verb = "INSERT OR REPLACE" if table in REPLACE_TABLES else "INSERT OR IGNORE"
    conn.execute("BEGIN TRANSACTION")
    try:
        if conn.execute("SELECT 1 FROM _loaded_batches WHERE batch_id = ?", [batch_id]).fetchone():
            conn.execute("ROLLBACK")
            return None
        # Within one batch the last row per key wins: DuckDB refuses two rows with one key in a
        # single INSERT ... OR REPLACE.
        conn.execute(
            f'{verb} INTO "{table}" ({columns}) SELECT {columns} FROM ('
            f"SELECT * FROM read_parquet(?, file_row_number = true) "
            f"QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY file_row_number DESC) = 1)",
            [str(path)],
        )
        rows = conn.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()[0]  # type: ignore[index]
        conn.execute("INSERT INTO _loaded_batches VALUES (?, ?, ?, now())", [batch_id, table, rows])
        conn.execute("COMMIT")
        log.debug("loaded %s: %d rows", batch_id, rows)
        return int(rows)
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def load_pending(
    db_path: Path, landing_root: Path, max_seconds: float = 5.0, max_batches: int | None = None
) -> LoadReport:
    """Load pending batches until none remain (reopening the file every `max_seconds`).

    Each batch loads in its own transaction together with its ledger row, so a loader killed
    mid-batch leaves nothing partial and the next pass loads that batch once. The connection is
    closed between slices so read-only readers get their turn.
    """
    landing = Landing(landing_root)
    report = LoadReport()
    start = time.monotonic()
    while True:
        pending = [p for p in landing.pending() if f"{p[0]}/{p[1].name}" not in report.failed]
        if max_batches is not None:
            pending = pending[: max(0, max_batches - report.batches - report.skipped)]
        if not pending:
            break
        slice_start = time.monotonic()
        with connect_readwrite(db_path) as conn:
            conn.execute(LEDGER_DDL)
            for table, path in pending:
                batch_id = f"{table}/{path.name}"
                try:
                    rows = _load_one(conn, table, path)
                except duckdb.Error as exc:
                    # A corrupt or mismatched batch is quarantined, not retried forever.
                    report.failed[batch_id] = str(exc).splitlines()[0]
                    _quarantine(landing_root, table, path)
                    log.error("batch %s failed to load: %s", batch_id, exc)
                    continue
                if rows is None:
                    report.skipped += 1
                else:
                    report.batches += 1
                    report.rows += rows
                    report.by_table[table] = report.by_table.get(table, 0) + rows
                path.unlink(missing_ok=True)
                if time.monotonic() - slice_start > max_seconds:
                    break
    report.seconds = time.monotonic() - start
    return report


def _quarantine(landing_root: Path, table: str, path: Path) -> None:
    target = Path(landing_root) / "_failed" / table
    target.mkdir(parents=True, exist_ok=True)
    try:
        path.replace(target / path.name)
    except OSError as exc:
        raise StoreError(f"cannot move failed batch {path} aside: {exc}") from exc
