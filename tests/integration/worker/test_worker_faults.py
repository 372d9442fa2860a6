"""Fault tests: a worker SIGKILLed mid-crawl, a loader SIGKILLed mid-batch, a dead site."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow.parquet as pq
from local_http import free_port
from worker_env import Env, wait_for
from worker_shop import serve_shop, write_profile

from snarewatch.config import Settings
from snarewatch.schema import Ad
from snarewatch.store import Landing, connect_readonly, load_pending, query_records
from snarewatch.worker_runs import Journal

N_ADS = 60


def _ad_ids(settings: Settings) -> list[str]:
    return [r["ad_id"] for r in query_records(settings.db_path, "SELECT ad_id FROM ads")]


def _landed_ads(settings: Settings) -> int:
    folder = settings.landing_dir / "ads"
    if not folder.is_dir():
        return 0
    return sum(pq.read_metadata(p).num_rows for p in folder.glob("*.parquet"))


def test_sigkilled_worker_mid_crawl_completes_after_restart(env: Env, tmp_path: Path) -> None:
    profile = write_profile(env.root)
    with serve_shop(n_ads=N_ADS, delay_s=0.08) as base:
        # The reference: the same crawl, uninterrupted, in this process.
        from crawler.run import run_crawl

        reference = Settings(data_dir=tmp_path / "reference")
        run_crawl(reference, str(profile), base_url=base, crawl_id="reference")
        load_pending(reference.db_path, reference.landing_dir)
        expected = sorted(_ad_ids(reference))
        assert len(expected) == N_ADS

        s = env.settings()
        worker = env.worker("crawl")
        env.app().send_task("snarewatch.crawl", kwargs={"site": str(profile), "base_url": base,
                                                        "crawl_id": "killed"},
                            task_id="killed", queue="crawl")
        # Kill the worker and its pool process once some, not all, ads have landed.
        wait_for(lambda: _landed_ads(s) >= 5, 60, "the crawl to land some ads")
        env.kill(worker, signal.SIGKILL)
        assert 0 < _landed_ads(s) < N_ADS
        assert Journal(s).get("killed") is not None  # the task is known to be in flight

        # A restarted worker re-sends the lost task; it resumes the same crawl id.
        env.worker("load")
        env.worker("crawl")
        wait_for(lambda: s.db_path.exists() and query_records(
            s.db_path, "SELECT 1 FROM runs WHERE run_id = 'killed' AND status <> 'running'"),
            90, "the resumed crawl to end and load")
    run = query_records(s.db_path, "SELECT status, error FROM runs WHERE run_id = 'killed'")[0]
    assert run == {"status": "done", "error": None}
    got = _ad_ids(s)
    assert sorted(got) == expected  # 0 lost, 0 duplicated
    crawl = query_records(s.db_path, "SELECT crawl_id, status FROM crawls")
    assert crawl == [{"crawl_id": "killed", "status": "done"}]
    assert Journal(s).get("killed") is None


LOADER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from snarewatch.store import load_pending
    load_pending(Path(sys.argv[1]), Path(sys.argv[2]))
""")


def test_sigkilled_loader_leaves_no_partial_batch(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path / "data")
    landing = Landing(s.landing_dir)
    batches, per_batch = 30, 4000
    for b in range(batches):
        landing.write([Ad(ad_id=f"{b}-{i}", site="bulk", crawl_id=f"batch-{b}",
                          title=f"item {i} of batch {b}", description="x" * 200)
                       for i in range(per_batch)])
    proc = subprocess.Popen([sys.executable, "-c", LOADER, str(s.db_path), str(s.landing_dir)])
    try:
        wait_for(lambda: len(landing.pending()) < batches or proc.poll() is not None, 60,
                 "the loader to finish a batch")
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    left = len(landing.pending())
    with connect_readonly(s.db_path) as conn:
        counts = dict(conn.execute("SELECT crawl_id, count(*) FROM ads GROUP BY 1").fetchall())
        ledger = conn.execute("SELECT count(*) FROM _loaded_batches").fetchone()[0]
    # Every batch is either wholly in the store (with its ledger row) or not at all.
    assert set(counts.values()) <= {per_batch}
    assert ledger == len(counts)
    assert len(counts) + left >= batches  # a batch loaded but not yet deleted is in both

    report = load_pending(s.db_path, s.landing_dir)
    assert report.batches + report.skipped == left
    with connect_readonly(s.db_path) as conn:
        n, distinct = conn.execute("SELECT count(*), count(DISTINCT ad_id) FROM ads").fetchone()
        ledger = conn.execute("SELECT count(*) FROM _loaded_batches").fetchone()[0]
    assert n == distinct == batches * per_batch
    assert ledger == batches
    assert landing.pending() == []


def test_dead_site_does_not_stall_other_sites(fs_env: Env) -> None:
    env = fs_env
    profile = write_profile(env.root)
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    env.worker("load")
    env.worker("crawl", concurrency=1)
    app = env.app()
    with serve_shop(n_ads=15) as base:
        first = app.send_task("snarewatch.crawl", kwargs={"site": str(profile), "base_url": dead,
                                                          "crawl_id": "dead"},
                              task_id="dead", queue="crawl")
        second = app.send_task("snarewatch.crawl", kwargs={"site": str(profile), "base_url": base,
                                                           "crawl_id": "alive"},
                               task_id="alive", queue="crawl")
        alive = second.get(timeout=90)
    first.get(timeout=30, propagate=False)
    assert alive["ads"] == 15
    s = env.settings()
    wait_for(lambda: s.db_path.exists() and len(query_records(
        s.db_path, "SELECT 1 FROM runs WHERE run_id IN ('dead', 'alive') AND status <> 'running'"
    )) == 2, 60, "both runs to be loaded")
    runs = {r["run_id"]: r for r in query_records(
        s.db_path, "SELECT run_id, status, stats::VARCHAR AS stats, error FROM runs")}
    # The dead site's crawl ends (recorded with its errors) instead of holding the queue.
    assert runs["alive"]["status"] == "done"
    dead_run = runs["dead"]
    assert dead_run["status"] == "failed" or json.loads(dead_run["stats"])["errors"] > 0
