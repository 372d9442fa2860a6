"""Crawls, loads, status and schedules through real worker and beat processes, on both brokers."""

from __future__ import annotations

import json
import subprocess
import sys

from worker_env import Env, wait_for
from worker_shop import serve_shop, write_profile

from snarewatch.store import query_records


def _status(env: Env) -> dict:
    out = subprocess.run([sys.executable, "-m", "snarewatch", "status", "--format", "json"],
                         env=env.environ(), cwd=env.root, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _count(env: Env, sql: str, params: list | None = None) -> int:
    s = env.settings()
    if not s.db_path.exists():
        return 0
    return int(next(iter(query_records(s.db_path, sql, params)[0].values())))


def test_crawl_task_lands_loads_and_shows_in_status(env: Env) -> None:
    profile = write_profile(env.root)
    env.worker("load")
    env.worker("crawl,ml")
    app = env.app()
    with serve_shop(n_ads=25) as base:
        result = app.send_task("snarewatch.crawl", kwargs={"site": str(profile), "base_url": base,
                                                           "crawl_id": "crawl-one"},
                               task_id="crawl-one", queue="crawl")
        stats = result.get(timeout=90)
    assert stats["crawl_id"] == "crawl-one"
    assert stats["ads"] == 25
    # The crawl task asks the loader to load; status works while the workers run.
    wait_for(lambda: _count(env, "SELECT count(*) FROM runs WHERE run_id = 'crawl-one' "
                                 "AND status = 'done'") == 1, 60, "the crawl's run to be loaded")
    assert _count(env, "SELECT count(DISTINCT ad_id) FROM ads") == 25
    status = _status(env)
    assert status["queues"] == {"crawl": 0, "ml": 0, "load": 0}
    run = next(r for r in status["runs"] if r["run_id"] == "crawl-one")
    assert run["status"] == "done" and run["kind"] == "crawl"
    assert [c["site"] for c in status["crawls"]] == ["testshop"]
    assert status["in_flight"] == [] and status["failures"] == []


def test_beat_fires_scheduled_crawls(env: Env) -> None:
    profile = write_profile(env.root)
    with serve_shop(n_ads=5) as base:
        env.config.write_text(
            '[[schedule]]\nname = "shop-often"\n'
            f'site = "{profile}"\nevery_minutes = 0.05\n'
            f'options = {{ base_url = "{base}" }}\n', encoding="utf-8")
        env.worker("load")
        env.worker("crawl,ml")
        env.start("beat", "--loglevel", "info", ready="beat: Starting")
        wait_for(lambda: _count(env, "SELECT count(*) FROM runs WHERE kind = 'crawl' "
                                     "AND status <> 'running'") >= 2, 90, "two scheduled crawls")
    # Each firing is a crawl of its own (a new crawl id); the store holds every ad once.
    assert _count(env, "SELECT count(DISTINCT run_id) FROM runs WHERE kind = 'crawl'") >= 2
    assert _count(env, "SELECT count(*) FROM ads") == 5
