"""Retry-After under pressure: after a 429, no request reaches the host before the pause ends."""

from __future__ import annotations

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from local_http import serve

from crawler.politeness import HostGate
from crawler.run import run_crawl

RETRY_AFTER = 2  # seconds the server asks for
PAGES = 12


class RateLimited(BaseHTTPRequestHandler):
    """Pages /p/0 ... /p/11; the fourth page request gets 429 + Retry-After once.

    Pages take a moment to answer, so requests the crawler sent before it could read the 429 are
    already at the server when the 429 leaves: every later arrival was sent after it.
    """

    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    arrivals: list[tuple[float, str]] = []
    limited_at: float | None = None

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
        if self.path == "/robots.txt":
            return self._send(404, b"")
        with RateLimited.lock:
            RateLimited.arrivals.append((time.monotonic(), self.path))
            first_limit = RateLimited.limited_at is None and len(RateLimited.arrivals) == 4
        if first_limit:
            self._send(429, b"<html><body>slow down</body></html>",
                       {"Retry-After": str(RETRY_AFTER)})
            RateLimited.limited_at = time.monotonic()  # after the response left
            return None
        time.sleep(0.25)
        n = self.path.rsplit("/", 1)[-1]
        return self._send(200, f"<html><body><h1>Item {n}</h1></body></html>".encode())


def _profile(tmp_path: Path, base: str, delay_s: float) -> Path:
    seeds = ", ".join(f'"{base}/p/{i}"' for i in range(PAGES))
    path = tmp_path / "limited.toml"
    path.write_text(f'name = "limited"\nseeds = [{seeds}]\nrender = "http"\n'
                    f"[limits]\nmax_depth = 0\nretries = 2\ntimeout_s = 5\n"
                    f"[rate]\nconcurrency = 4\ndelay_s = {delay_s}\n", encoding="utf-8")
    return path


def test_every_request_after_a_429_waits_for_retry_after(settings, tmp_path: Path) -> None:
    # A per-host delay like the generic profile's: the next request is already waiting out the
    # delay inside the gate when the 429 arrives, and must not leave before the pause ends.
    RateLimited.arrivals, RateLimited.limited_at = [], None
    with serve(RateLimited) as base:
        summary = run_crawl(settings, str(_profile(tmp_path, base, delay_s=0.5)))
    assert RateLimited.limited_at is not None
    after = [(t - RateLimited.limited_at, path) for t, path in RateLimited.arrivals
             if t > RateLimited.limited_at]
    assert after, "the crawl never came back to the host"
    too_soon = [(round(gap, 2), path) for gap, path in after if gap < RETRY_AFTER]
    assert too_soon == []
    assert summary.fetched == PAGES  # the limited page was fetched again after the pause


def test_a_pause_reaches_requests_already_waiting_for_their_turn() -> None:
    async def scenario() -> list[float]:
        gate = HostGate(concurrency=4, delay_s=0.3)
        url = "http://example.invalid/x"
        starts: list[float] = []

        async def request() -> None:
            async with gate.slot(url):
                starts.append(time.monotonic())

        first = asyncio.create_task(request())
        await first
        waiting = asyncio.create_task(request())  # sleeps out the 0.3 s delay inside the gate
        await asyncio.sleep(0.05)
        paused_at = time.monotonic()
        gate.pause(url, 1.0)
        await waiting
        await request()
        return [s - paused_at for s in starts[1:]]

    gaps = asyncio.run(scenario())
    assert all(g >= 1.0 for g in gaps), gaps
