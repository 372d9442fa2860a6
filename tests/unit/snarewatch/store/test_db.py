"""Migrations, blobs and the loader's exactly-once ingestion."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from snarewatch.errors import StoreError
from snarewatch.schema import RECORDS_BY_TABLE, Ad, Label, Run, utcnow
from snarewatch.store import Blobs, Landing, connect_readonly, load_pending, migrate, query_records
from snarewatch.store.arrow import arrow_schema
from snarewatch.store.db import migration_names


def test_migrations_from_empty_create_every_table_once(settings):
    applied = migrate(settings.db_path)
    assert applied == migration_names()
    assert migrate(settings.db_path) == []
    with connect_readonly(settings.db_path) as conn:
        tables = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        recorded = [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY name").fetchall()]
    assert set(RECORDS_BY_TABLE) <= tables
    assert {"items", "findings", "current_labels", "promoted_models"} <= tables
    assert recorded == migration_names()


@pytest.mark.parametrize("table", sorted(RECORDS_BY_TABLE))
def test_parquet_schema_matches_table_columns(settings, table):
    migrate(settings.db_path)
    with connect_readonly(settings.db_path) as conn:
        columns = [r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position", [table]).fetchall()]
    assert columns == arrow_schema(RECORDS_BY_TABLE[table]).names


def test_blobs_are_content_addressed(settings):
    blobs = Blobs(settings.blobs_dir)
    sha = blobs.put(b"<html>x</html>")
    assert blobs.put(b"<html>x</html>") == sha
    assert blobs.get(sha) == b"<html>x</html>"
    assert blobs.path_for(sha).parent.name == sha[:2]
    with pytest.raises(StoreError):
        blobs.get("0" * 64)
    with pytest.raises(StoreError):
        blobs.path_for("../etc/passwd")


def _ad(i: int, title: str = "t") -> Ad:
    return Ad(ad_id=f"ad{i}", site="s", title=f"{title}{i}", price=float(i), image_urls=["a", "b"],
              field_sources={"title": "jsonld"})


def test_each_batch_loads_exactly_once_and_latest_state_wins(settings):
    landing = Landing(settings.landing_dir)
    landing.write([_ad(i) for i in range(10)])
    landing.write([_ad(3, title="changed")])
    landing.write([Label(label_id="L1", task="wildlife", item_id="ad1", item_kind="ad", value="yes",
                         source="llm:x")])
    report = load_pending(settings.db_path, settings.landing_dir)
    assert (report.batches, report.rows) == (3, 12)
    assert landing.pending() == []
    again = load_pending(settings.db_path, settings.landing_dir)
    assert again.batches == 0
    rows = query_records(settings.db_path, "SELECT ad_id, title, image_urls, field_sources FROM ads ORDER BY ad_id")
    assert len(rows) == 10
    changed = next(r for r in rows if r["ad_id"] == "ad3")
    assert changed["title"] == "changed3"
    assert changed["image_urls"] == ["a", "b"]


def test_duplicate_keys_inside_one_batch_keep_the_last(settings):
    Landing(settings.landing_dir).write([_ad(1, "first"), _ad(1, "second")])
    load_pending(settings.db_path, settings.landing_dir)
    assert query_records(settings.db_path, "SELECT title FROM ads") == [{"title": "second1"}]


def test_corrupt_batch_is_quarantined_and_others_still_load(settings):
    landing = Landing(settings.landing_dir)
    landing.write([_ad(1)])
    bad = settings.landing_dir / "ads" / "00000000T000000000000-corrupt.parquet"
    bad.write_bytes(b"not parquet")
    wrong = settings.landing_dir / "labels" / "00000000T000000000001-wrongschema.parquet"
    wrong.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"unexpected": [1]}), wrong)
    report = load_pending(settings.db_path, settings.landing_dir)
    assert report.rows == 1
    assert set(report.failed) == {"ads/" + bad.name, "labels/" + wrong.name}
    assert (settings.landing_dir / "_failed" / "ads" / bad.name).exists()
    assert landing.pending() == []


def test_current_labels_prefers_humans_then_newest(settings):
    from datetime import timedelta

    t0 = utcnow()
    Landing(settings.landing_dir).write([
        Label(label_id="a", task="t", item_id="i", item_kind="ad", value="no", source="human:ann", created_at=t0),
        Label(label_id="b", task="t", item_id="i", item_kind="ad", value="yes", source="llm:m",
              created_at=t0 + timedelta(seconds=5)),
        Label(label_id="c", task="t", item_id="j", item_kind="ad", value="yes", source="llm:m", created_at=t0),
        Label(label_id="d", task="t", item_id="j", item_kind="ad", value="no", source="llm:m",
              created_at=t0 + timedelta(seconds=5)),
        Label(label_id="e", task="t", item_id="k", item_kind="ad", source="llm:m", error="timeout"),
    ])
    load_pending(settings.db_path, settings.landing_dir)
    rows = query_records(settings.db_path, "SELECT item_id, value FROM current_labels ORDER BY item_id")
    assert rows == [{"item_id": "i", "value": "no"}, {"item_id": "j", "value": "no"}]


def test_readers_wait_for_the_writer_then_succeed(settings):
    import threading
    import time

    migrate(settings.db_path)
    writer = duckdb.connect(str(settings.db_path))
    released = threading.Event()

    def release() -> None:
        time.sleep(0.5)
        writer.close()
        released.set()

    threading.Thread(target=release).start()
    # DuckDB locks are per process; a reader in another process is what really waits.
    import subprocess
    import sys

    code = ("from snarewatch.store import query_records; import sys; "
            "print(query_records(sys.argv[1], 'SELECT count(*) n FROM runs')[0]['n'])")
    out = subprocess.run([sys.executable, "-c", code, str(settings.db_path)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "0"
    assert released.is_set()


def test_run_records_replace_by_key(settings):
    landing = Landing(settings.landing_dir)
    started = utcnow()
    landing.write([Run(run_id="r1", kind="crawl", started_at=started)])
    landing.write([Run(run_id="r1", kind="crawl", started_at=started, status="done", stats={"n": 3})])
    load_pending(settings.db_path, settings.landing_dir)
    assert query_records(settings.db_path, "SELECT status, stats FROM runs") == [
        {"status": "done", "stats": '{"n": 3}'}]


def test_a_broken_store_file_fails_with_a_clear_error_after_a_short_retry(tmp_path):
    import time

    from snarewatch.store import connect_readwrite
    from snarewatch.store.db import HALF_WRITTEN_RETRY_S

    broken = tmp_path / "snarewatch.duckdb"
    broken.write_bytes(b"this is not a database" * 1000)
    start = time.monotonic()
    with pytest.raises(StoreError, match="not a valid DuckDB database file"):
        with connect_readwrite(broken):
            pass
    # Retried as a file caught half-written, then given up on: not after the 120 s lock timeout.
    assert time.monotonic() - start < HALF_WRITTEN_RETRY_S + 5
