"""A crawl's record tells the truth: its duration, totals over every resume, why it stopped."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from local_http import serve

from crawler.run import run_crawl
from crawler.summary import crawl_state_dir
from snarewatch.store import load_pending, query_records

CHAIN = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]


class Small(BaseHTTPRequestHandler):
    """/ links to eight items; /alpha -> /bravo -> ... a chain of distinct pages."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: str) -> None:
        data = f"<!doctype html><html><body>{body}</body></html>".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (stdlib name)
        name = self.path.strip("/")
        if self.path == "/robots.txt":
            return self._send(404, "")
        if self.path == "/":
            return self._send(200, "".join(f'<a href="/item/{i}">item {i}</a>' for i in range(8)))
        if self.path.startswith("/item/"):
            return self._send(200, f"<h1>Item {self.path[6:]}</h1>")
        if name in CHAIN:
            i = CHAIN.index(name)
            nxt = f'<a href="/{CHAIN[i + 1]}">next</a>' if i + 1 < len(CHAIN) else ""
            return self._send(200, f"<h1>{name}</h1>{nxt}")
        return self._send(404, "not found")


def _profile(tmp_path: Path, seed: str = "/", max_depth: int = 8) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(f'name = "small"\nseeds = ["{{base}}{seed}"]\nrender = "http"\n'
                    f"[limits]\nmax_depth = {max_depth}\n[rate]\nconcurrency = 2\n",
                    encoding="utf-8")
    return path


def _crawl_row(settings, crawl_id: str) -> dict:
    load_pending(settings.db_path, settings.landing_dir)
    (row,) = query_records(settings.db_path, "SELECT status, stats FROM crawls WHERE crawl_id = ?",
                           [crawl_id])
    return {"status": row["status"], **json.loads(row["stats"])}


@pytest.fixture
def small_site():
    with serve(Small) as base:
        yield base


def test_stored_stats_carry_the_crawl_duration(settings, tmp_path: Path, small_site: str) -> None:
    summary = run_crawl(settings, str(_profile(tmp_path)), base_url=small_site)
    row = _crawl_row(settings, summary.crawl_id)
    assert summary.seconds > 0 and row["seconds"] > 0
    assert row["fetched"] == summary.fetched == 9


def test_max_pages_is_a_total_across_resume_and_stats_cover_the_whole_crawl(
        settings, tmp_path: Path, small_site: str) -> None:
    profile = str(_profile(tmp_path))
    first = run_crawl(settings, profile, base_url=small_site, max_pages=3)
    assert first.fetched == 3 and first.stop_reason == "max_pages"
    resumed = run_crawl(settings, profile, resume=first.crawl_id, max_pages=5)
    assert resumed.queued_left == 4  # five pages in all, not five more
    assert resumed.fetched == 5 and resumed.run_fetched == 2
    assert resumed.stop_reason == "max_pages"
    row = _crawl_row(settings, first.crawl_id)
    assert row["fetched"] == 5 and row["seconds"] >= first.seconds
    rest = run_crawl(settings, profile, resume=first.crawl_id, max_pages=100)
    assert rest.fetched == 9 and rest.queued_left == 0 and rest.stop_reason == "frontier_empty"
    assert _crawl_row(settings, first.crawl_id)["fetched"] == 9


def test_a_crawl_cut_by_the_depth_cap_says_so(settings, tmp_path: Path, small_site: str) -> None:
    summary = run_crawl(settings, str(_profile(tmp_path, seed="/alpha", max_depth=2)),
                        base_url=small_site)
    assert summary.fetched == 3  # alpha, bravo, charlie
    assert summary.stop_reason == "max_depth"
    assert _crawl_row(settings, summary.crawl_id)["stop_reason"] == "max_depth"


def test_a_crawl_that_ran_out_of_urls_says_so(settings, tmp_path: Path, small_site: str) -> None:
    summary = run_crawl(settings, str(_profile(tmp_path)), base_url=small_site)
    assert summary.status == "done" and summary.stop_reason == "frontier_empty"


def test_an_interrupted_crawl_records_it_and_keeps_its_duration(settings, tmp_path: Path,
                                                                small_site: str) -> None:
    seen: list[str] = []

    def interrupt(progress) -> None:
        seen.append(progress.crawl_id)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_crawl(settings, str(_profile(tmp_path)), base_url=small_site, crawl_id="cut",
                  on_progress=interrupt)
    row = _crawl_row(settings, "cut")
    assert row["status"] == "interrupted" and row["stop_reason"] == "interrupted"
    assert row["seconds"] > 0
    assert (crawl_state_dir(settings, "cut") / "frontier.sqlite").exists()
