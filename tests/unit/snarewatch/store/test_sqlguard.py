"""The SQL guard: reads are allowed, writes and file access are refused with a clear reason."""

from __future__ import annotations

import pytest

from snarewatch.errors import SQLRefusedError, StoreError
from snarewatch.schema import Ad
from snarewatch.store import Landing, load_pending
from snarewatch.store.query import export_table, run_query


@pytest.fixture
def store(settings):
    Landing(settings.landing_dir).write([Ad(ad_id=f"a{i}", site="s", title=f"t{i}") for i in range(3)])
    load_pending(settings.db_path, settings.landing_dir)
    return settings


@pytest.mark.parametrize("sql, reason", [
    ("DROP TABLE ads", "DROP"),
    ("INSERT INTO ads (ad_id, site, source) VALUES ('x', 's', 'import')", "INSERT"),
    ("UPDATE ads SET title = 'x'", "UPDATE"),
    ("DELETE FROM ads", "DELETE"),
    ("ATTACH 'other.duckdb' AS o", "ATTACH"),
    ("INSTALL httpfs", "extensions"),
    ("LOAD httpfs", "extensions"),
    ("COPY ads TO 'out.csv'", "COPY"),
    ("CREATE TABLE x AS SELECT 1", "CREATE"),
    ("SET enable_external_access = true", "SET"),
    ("SELECT * FROM read_csv('/etc/passwd')", "files"),
    ("SELECT 1; DROP TABLE ads", "DROP"),
    ("SELECT 1; SELECT 2", "one statement"),
    ("SELEC 1", "syntax"),
    ("   ", "empty"),
])
def test_refused_statements_say_why(store, sql, reason):
    with pytest.raises(SQLRefusedError, match=reason):
        run_query(store.db_path, sql)


def test_select_and_views_work(store):
    assert run_query(store.db_path, "SELECT count(*) AS n FROM items").to_pylist() == [{"n": 3}]
    rows = run_query(store.db_path, "WITH x AS (SELECT * FROM ads) SELECT ad_id FROM x ORDER BY 1")
    assert rows.column("ad_id").to_pylist() == ["a0", "a1", "a2"]


def test_a_path_as_table_name_reads_nothing(store):
    with pytest.raises(StoreError):
        run_query(store.db_path, "SELECT * FROM '/etc/hostname'")


def test_unknown_table_is_a_clear_error(store):
    with pytest.raises(StoreError, match="SQL error"):
        run_query(store.db_path, "SELECT * FROM nope")


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_export_formats(store, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    export_table(run_query(store.db_path, "SELECT ad_id, title FROM ads ORDER BY ad_id"), out, fmt)
    assert out.stat().st_size > 0
    if fmt == "csv":
        assert out.read_text().splitlines()[0].replace('"', "") == "ad_id,title"
