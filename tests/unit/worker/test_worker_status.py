"""`snarewatch status` data: queue lengths, runs merged from store and landing, crawls, findings."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from snarewatch.config import Settings
from snarewatch.errors import SnarewatchError
from snarewatch.schema import Crawl, Run, utcnow
from snarewatch.store import Landing, load_pending
from snarewatch.worker_runs import Journal, worker_dir
from snarewatch.worker_status import (
    broker_label,
    collect_status,
    current_runs,
    parse_since,
    queue_lengths,
    status_json,
)


def test_filesystem_queue_lengths_count_message_files(settings: Settings) -> None:
    folder = worker_dir(settings) / "queue"
    folder.mkdir(parents=True)
    for i, queue in enumerate(["crawl", "crawl", "load", "ml", "other"]):
        (folder / f"{1000 + i}_abc{i}.{queue}.msg").write_bytes(b"{}")
    assert queue_lengths(settings) == {"crawl": 2, "ml": 1, "load": 1}


def test_unreachable_redis_gives_unknown_lengths(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path, broker_url="redis://:secret@127.0.0.1:1/0")
    assert queue_lengths(s) == {"crawl": None, "ml": None, "load": None}
    assert "secret" not in broker_label(s)
    snap = collect_status(s)
    assert any("unreachable" in p for p in snap.problems)


def test_runs_in_landing_override_stored_ones(settings: Settings) -> None:
    landing = Landing(settings.landing_dir)
    t0 = utcnow() - timedelta(minutes=5)
    landing.write([Run(run_id="a", kind="crawl", started_at=t0)])
    landing.write([Run(run_id="b", kind="label", started_at=t0 + timedelta(minutes=1))])
    load_pending(settings.db_path, settings.landing_dir)
    # Not loaded yet: run a has finished, run b failed, run c started.
    landing.write([Run(run_id="a", kind="crawl", started_at=t0, finished_at=utcnow(),
                       status="done", stats={"ads": 3})])
    landing.write([Run(run_id="b", kind="label", started_at=t0 + timedelta(minutes=1),
                       finished_at=utcnow(), status="failed", error="LLMError: no model")])
    landing.write([Run(run_id="c", kind="crawl", started_at=utcnow())])
    runs = current_runs(settings)
    assert [(r["run_id"], r["status"]) for r in runs] == [("c", "running"), ("b", "failed"),
                                                          ("a", "done")]
    assert runs[2]["stats"] == {"ads": 3}
    snap = collect_status(settings)
    assert [f["run_id"] for f in snap.failures] == ["b"]
    assert snap.failures[0]["error"] == "LLMError: no model"


def test_status_shows_last_crawl_per_site_and_tasks_in_flight(settings: Settings) -> None:
    t0 = utcnow() - timedelta(hours=2)
    Landing(settings.landing_dir).write([
        Crawl(crawl_id="old", site="demo", started_at=t0, status="done"),
        Crawl(crawl_id="new", site="demo", started_at=t0 + timedelta(hours=1), status="failed"),
        Crawl(crawl_id="x", site="other", started_at=t0, status="done", stats={"ads": 7}),
    ])
    load_pending(settings.db_path, settings.landing_dir)
    Journal(settings).start("t9", "snarewatch.crawl", {"site": "demo"}, "crawl")
    snap = collect_status(settings)
    assert [(c["site"], c["crawl_id"]) for c in snap.crawls] == [("demo", "new"), ("other", "x")]
    assert snap.crawls[1]["stats"] == {"ads": 7}
    assert [(e["task_id"], e["task"], e["state"]) for e in snap.in_flight] == [
        ("t9", "crawl", "running")]
    assert snap.findings == [] and snap.problems == []
    data = status_json(snap)
    assert data["queues"] == {"crawl": 0, "ml": 0, "load": 0}


def test_parse_since() -> None:
    now = utcnow()
    assert abs((now - parse_since("24h")) - timedelta(hours=24)) < timedelta(seconds=5)
    assert abs((now - parse_since("90m")) - timedelta(minutes=90)) < timedelta(seconds=5)
    assert parse_since("2026-01-02T03:04:05").tzinfo is not None
    with pytest.raises(SnarewatchError):
        parse_since("yesterday")
