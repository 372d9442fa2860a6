"""Run guarded user SQL on a read-only connection and export results."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

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


def _flatten_nested(table: pa.Table) -> pa.Table:
    """Lists and structs as JSON text: CSV has no nested types (views like `sellers` have them)."""
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_nested(field.type):
            column = pa.array([None if v is None else json.dumps(v, default=str, ensure_ascii=False)
                               for v in column.to_pylist()], pa.string())
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def export_table(table: pa.Table, out: Path, fmt: str) -> None:
    """Write an Arrow table to `out` as csv, json (array of objects) or parquet."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        pq.write_table(table, out)
    elif fmt == "csv":
        pacsv.write_csv(_flatten_nested(table), out)
    elif fmt == "json":
        out.write_text(json.dumps(table.to_pylist(), default=str, ensure_ascii=False, indent=1),
                       encoding="utf-8")
    else:
        raise SnarewatchError(f"unknown export format {fmt!r}: use csv, json or parquet")
