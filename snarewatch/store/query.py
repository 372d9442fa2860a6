"""Run guarded user SQL on a read-only connection and export results."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from snarewatch.csvsafe import write_csv
from snarewatch.errors import SnarewatchError, SQLRefusedError, StoreError
from snarewatch.store.db import connect_readonly
from snarewatch.store.sqlguard import check_sql, lock_down


def run_query(db_path: Path, sql: str) -> pa.Table:
    """Run one guarded read-only query and return the result as an Arrow table."""
    with connect_readonly(db_path) as conn:
        lock_down(conn)
        statements = check_sql(conn, sql)
        if len(statements) != 1:
            raise SQLRefusedError("run one statement at a time")
        try:
            return conn.sql(sql).to_arrow_table()
        except duckdb.PermissionException as exc:
            raise SQLRefusedError(
                "refused: queries may read only the snarewatch store, not files or URLs"
            ) from exc
        except duckdb.Error as exc:
            raise StoreError(f"SQL error: {str(exc).splitlines()[0]}") from exc


def _rows(table: pa.Table) -> Iterator[dict[str, Any]]:
    # Batch by batch: a large result is never turned into Python objects all at once.
    for batch in table.to_batches():
        yield from batch.to_pylist()


def export_table(table: pa.Table, out: Path, fmt: str) -> None:
    """Write an Arrow table to `out` as csv, json (array of objects) or parquet."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        pq.write_table(table, out)
    elif fmt == "csv":
        # Lists and structs (views like `sellers` have them) become JSON text in the writer.
        write_csv(out, table.column_names, _rows(table))
    elif fmt == "json":
        out.write_text(json.dumps(table.to_pylist(), default=str, ensure_ascii=False, indent=1),
                       encoding="utf-8")
    else:
        raise SnarewatchError(f"unknown export format {fmt!r}: use csv, json or parquet")
