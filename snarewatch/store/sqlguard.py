"""A guard for user SQL: read-only statements only, and no file or network access."""

from __future__ import annotations

import duckdb

from snarewatch.errors import SQLRefusedError

# Statement kinds a user may run through `snarewatch sql`.
_ALLOWED = {"SELECT", "EXPLAIN", "PRAGMA", "RELATION"}

_HINTS = {
    "INSERT": "the store is written only by snarewatch commands (import, crawl, label, ...)",
    "UPDATE": "the store is written only by snarewatch commands",
    "DELETE": "the store is written only by snarewatch commands",
    "DROP": "the store is written only by snarewatch commands",
    "CREATE": "use a CTE (WITH ...) instead of creating objects",
    "ALTER": "the schema changes only through migrations",
    "ATTACH": "only the snarewatch database may be queried",
    "DETACH": "only the snarewatch database may be queried",
    "COPY": "use --out FILE with --format csv|json|parquet to export results",
    "EXPORT": "use --out FILE with --format csv|json|parquet to export results",
    "LOAD": "extensions cannot be loaded from `snarewatch sql`",
    "INSTALL": "extensions cannot be installed from `snarewatch sql`",
    "SET": "settings cannot be changed from `snarewatch sql`",
    "VARIABLE_SET": "settings cannot be changed from `snarewatch sql`",
    "CALL": "table functions in a SELECT are allowed; CALL is not",
}


def check_sql(conn: duckdb.DuckDBPyConnection, sql: str) -> list[duckdb.Statement]:
    """Parse `sql` and return its statements, or raise SQLRefusedError saying why not."""
    if not sql.strip():
        raise SQLRefusedError("empty SQL statement")
    try:
        statements = conn.extract_statements(sql)
    except duckdb.Error as exc:
        raise SQLRefusedError(f"SQL syntax error: {str(exc).splitlines()[0]}") from exc
    if not statements:
        raise SQLRefusedError("empty SQL statement")
    for statement in statements:
        kind = statement.type.name.upper()
        if kind not in _ALLOWED:
            hint = _HINTS.get(kind, "only SELECT queries are allowed")
            raise SQLRefusedError(f"refused: {kind} statements are not allowed ({hint})")
    return statements


def lock_down(conn: duckdb.DuckDBPyConnection) -> None:
    """Forbid reading or writing files and the network, and lock the configuration."""
    conn.execute("SET enable_external_access = false")
    conn.execute("SET lock_configuration = true")
