"""Failures are never reported as success: a crawl that fetched nothing fails (exit 1, a reason
and the next step); one that lost some pages is `partial`, with the losses counted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from local_http import free_port, serve

from crawler.run import run_crawl
from snarewatch.store import load_pending, query_records

PRODUCT = b"""<!doctype html><html><head><title>Carved horn cup</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product",
"name":"Carved horn cup","offers":{"@type":"Offer","price":"120.00","priceCurrency":"USD"}}
</script></head><body><h1>Carved horn cup</h1><p>Old stock.</p></body></html>"""


class Misbehaving(BaseHTTPRequestHandler):
    """/ok a product page; /err500 always 500; /hang never answers in time; /loop1 <-> /loop2;
    /huge a body over the profile's byte cap; /list?page=N endless pagination; /mixed links to all
    of them."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (stdlib name)
        path = self.path
        if path == "/robots.txt":
            return self._send(404, b"")
        if path == "/ok":
            return self._send(200, PRODUCT)
        if path == "/err500":
            return self._send(500, b"<html><body>boom</body></html>")
        if path == "/hang":
            time.sleep(3)
            return self._send(200, b"<html><body>late</body></html>")
        if path in ("/loop1", "/loop2"):
            return self._send(302, b"", {"Location": "/loop2" if path == "/loop1" else "/loop1"})
        if path == "/huge":
            return self._send(200, b"<html><body>" + b"<p>filler</p>" * 20_000 + b"</body></html>")
        if path.startswith("/list"):
            page = int(path.split("page=")[1]) if "page=" in path else 1
            nxt = f'<a href="/list?page={page + 1}">next</a>'.encode()
            return self._send(200, b"<html><body><p>results</p>" + nxt + b"</body></html>")
        if path == "/mixed":
            links = "".join(f'<a href="{p}">{p}</a> ' for p in
                            ("/ok", "/err500", "/hang", "/loop1", "/huge"))
            return self._send(200, f"<html><body>{links}</body></html>".encode())
        return self._send(404, b"<html><body>not found</body></html>")


def _profile(tmp_path: Path, seeds: str) -> Path:
    path = tmp_path / "misbehaving.toml"
    path.write_text(f'name = "misbehaving"\nseeds = {seeds}\nrender = "http"\n'
                    "[limits]\ntimeout_s = 1\nretries = 1\nmax_bytes = 100000\nmax_barren = 3\n"
                    "[rate]\nconcurrency = 4\n", encoding="utf-8")
    return path


def sw(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SNAREWATCH_CONFIG": str(cwd / "absent.toml"),
           "SNAREWATCH_DATA_DIR": str(cwd / "data")}
    return subprocess.run([sys.executable, "-m", "snarewatch", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def _one_line_error(out: subprocess.CompletedProcess[str]) -> str:
    assert out.returncode == 1, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, out.stderr
    return errors[0]


def test_unreachable_host_fails_with_a_reason_and_the_next_step(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
    line = _one_line_error(sw("crawl", url, "--max-pages", "5", cwd=tmp_path))
    assert "network_error" in line and "127.0.0.1" in line
    assert "check" in line  # what to do next


@pytest.mark.parametrize("seed, outcome", [
    ("/err500", "server_error"), ("/hang", "timeout"), ("/loop1", "redirect_loop"),
    ("/huge", "too_large"),
])
def test_a_crawl_whose_every_page_failed_exits_1(tmp_path: Path, seed: str, outcome: str) -> None:
    with serve(Misbehaving) as base:
        profile = _profile(tmp_path, f'["{{base}}{seed}"]')
        out = sw("crawl", str(profile), "--base-url", base, "--format", "json", cwd=tmp_path)
    line = _one_line_error(out)
    assert outcome in line
    (summary,) = json.loads(out.stdout)
    assert summary["status"] == "failed" and summary["stop_reason"] == "all_failed"
    assert summary["failed"] == 1 and summary["fetched"] == 0


def test_a_crawl_that_lost_some_pages_is_partial(settings, tmp_path: Path) -> None:
    with serve(Misbehaving) as base:
        summary = run_crawl(settings, str(_profile(tmp_path, '["{base}/mixed"]')), base_url=base)
    assert summary.status == "partial"
    assert summary.fetched == 2 and summary.ads == 1
    assert summary.failed == 4
    assert summary.errors_by_kind == {"server_error": 1, "timeout": 1, "redirect_loop": 1,
                                      "too_large": 1}
    load_pending(settings.db_path, settings.landing_dir)
    (row,) = query_records(settings.db_path, "SELECT status, stats FROM crawls")
    assert row["status"] == "partial" and json.loads(row["stats"])["failed"] == 4


def test_partial_crawl_exits_0_and_says_what_was_lost(tmp_path: Path) -> None:
    with serve(Misbehaving) as base:
        profile = _profile(tmp_path, '["{base}/mixed"]')
        out = sw("crawl", str(profile), "--base-url", base, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "partial" in out.stderr and "4 of 6 pages failed" in out.stderr


def test_endless_pagination_records_why_the_crawl_stopped(settings, tmp_path: Path) -> None:
    with serve(Misbehaving) as base:
        summary = run_crawl(settings, str(_profile(tmp_path, '["{base}/list?page=1"]')),
                            base_url=base)
    assert summary.status == "done" and 2 <= summary.fetched <= 6
    assert summary.stop_reason == "traps_capped"
