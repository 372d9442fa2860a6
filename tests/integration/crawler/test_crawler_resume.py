"""Killing a crawl mid-way and resuming it yields the same ads as an uninterrupted crawl."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from crawler.run import run_crawl
from snarewatch.config import Settings
from snarewatch.store import load_pending, query_records

CHILD = """
import sys
from snarewatch.config import Settings
from crawler.run import run_crawl
run_crawl(Settings(data_dir=sys.argv[1]), "demo", base_url=sys.argv[2], engine="http",
          crawl_id="killed")
"""


def _done(frontier: Path) -> int:
    if not frontier.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{frontier}?mode=ro", uri=True) as db:
            return db.execute("SELECT count(*) FROM urls WHERE state = 'done'").fetchone()[0]
    except sqlite3.OperationalError:  # created but not initialised yet
        return 0


def _ads(settings: Settings) -> dict[str, str | None]:
    load_pending(settings.db_path, settings.landing_dir)
    rows = query_records(settings.db_path, "SELECT ad_id, title, price FROM ads")
    return {r["ad_id"]: (r["title"], r["price"]) for r in rows}


def test_kill_and_resume_gives_the_same_ads(tmp_path: Path, demo_base: str, truth,
                                            monkeypatch) -> None:
    monkeypatch.setenv("SNAREWATCH_CONFIG", str(tmp_path / "absent.toml"))
    killed_dir = tmp_path / "killed"
    env = {**os.environ, "SNAREWATCH_CONFIG": str(tmp_path / "absent.toml")}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(killed_dir), demo_base], env=env)
    frontier = killed_dir / "crawls" / "killed" / "frontier.sqlite"
    deadline = time.monotonic() + 60
    while _done(frontier) < 80 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    assert _done(frontier) < len(truth)  # it really was interrupted

    killed = Settings(data_dir=killed_dir)
    resumed = run_crawl(killed, "demo", resume="killed")
    assert resumed.crawl_id == "killed" and resumed.queued_left == 0
    ads_after_resume = _ads(killed)

    clean = Settings(data_dir=tmp_path / "clean")
    run_crawl(clean, "demo", base_url=demo_base, engine="http")
    assert ads_after_resume == _ads(clean)
    assert len(ads_after_resume) == len(truth)
    # One capture per URL for the crawl, however often it was interrupted.
    dupes = query_records(killed.db_path, "SELECT url, count(*) n FROM page_captures "
                                          "GROUP BY url HAVING n > 1")
    assert dupes == []
