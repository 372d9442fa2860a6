"""A local misbehaving web server for the crawler's fault suite (stdlib only, 127.0.0.1)."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from local_http import serve as serve_handler

PRODUCT = """<!doctype html><html lang="en"><head><title>Ivory carving</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product",
"name":"Antique ivory carving","description":"Hand carved, old stock, discreet shipping.",
"offers":{"@type":"Offer","price":"450.00","priceCurrency":"USD",
"seller":{"@type":"Person","name":"curio_dealer"}}}</script></head>
<body><h1>Antique ivory carving</h1><p>Hand carved, old stock, discreet shipping.</p>
<a href="/">home</a></body></html>"""

JS_ONLY = """<!doctype html><html><head><title>Loading</title></head><body><div id="app"></div>
<script>document.getElementById('app').innerHTML =
'<h1>Rendered rhino horn cup</h1><p class="price">$ 1,200</p><p>Only visible with JavaScript.</p>';
</script></body></html>"""

CASES = ["/err500", "/flaky503", "/rate429", "/rate429long", "/slow", "/drip", "/malformed",
         "/huge", "/loop1", "/file.zip", "/data.json", "/private/secret", "/list?page=1",
         "/cal/2026/1", "/product/1", "/product/1?sessionid=abc", "/js-only", "/notfound",
         "mailto:x@example.org", "javascript:alert(1)", "ftp://127.0.0.1/x"]


def _page(body: str, title: str = "page") -> bytes:
    head = f"<!doctype html><html><head><title>{title}</title></head>"
    return f"{head}<body>{body}</body></html>".encode()


class Handler(BaseHTTPRequestHandler):
    """Routes: one per failure mode in CASES."""

    protocol_version = "HTTP/1.1"
    hits: Counter[str] = Counter()

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (stdlib name)
        path = self.path
        Handler.hits[path.split("?")[0]] += 1
        n = Handler.hits[path.split("?")[0]]
        if path == "/robots.txt":
            return self._send(200, b"User-agent: *\nDisallow: /private\n", "text/plain")
        if path == "/":
            links = "".join(f'<a href="{c}">{c}</a> ' for c in CASES)
            return self._send(200, _page(links, "fault index"))
        if path == "/err500":
            return self._send(500, _page("boom"))
        if path == "/flaky503":
            if n == 1:
                return self._send(503, _page("busy"), headers={"Retry-After": "1"})
            return self._send(200, _page("<h1>Recovered</h1><p>ok after a 503</p>"))
        if path == "/rate429":
            if n == 1:
                return self._send(429, _page("slow down"), headers={"Retry-After": "1"})
            return self._send(200, _page("<h1>After 429</h1>"))
        if path == "/rate429long":
            return self._send(429, _page("go away"), headers={"Retry-After": "3600"})
        if path == "/slow":
            time.sleep(4)
            return self._send(200, _page("late"))
        if path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b"<p>.</p>")
                    self.wfile.flush()
                    time.sleep(0.2)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        if path == "/malformed":
            return self._send(200, b"<html><body><div><p>unclosed <b>tags <table><tr><td>cell"
                                   b"<a href='/product/1'>x</a><script>var x = '</div>")
        if path == "/huge":
            filler = b"<p>filler text</p>" * 150_000
            return self._send(200, b"<html><body>" + filler + b"</body></html>")
        if path == "/loop1":
            return self._send(302, b"", headers={"Location": "/loop2"})
        if path == "/loop2":
            return self._send(302, b"", headers={"Location": "/loop1"})
        if path == "/file.zip":
            return self._send(200, b"PK\x03\x04" + b"\0" * 1000, "application/zip")
        if path == "/data.json":
            return self._send(200, json.dumps({"a": 1}).encode(), "application/json")
        if path.startswith("/private"):
            return self._send(200, _page("secret"))
        if path.startswith("/list"):
            page = int(path.split("page=")[1]) if "page=" in path else 1
            nxt = f'<a href="/list?page={page + 1}">next</a>'
            return self._send(200, _page(f"<p>results page {page}</p>{nxt}"))
        if path.startswith("/cal/"):
            _, _, y, m = path.split("/")
            yy, mm = (int(y), int(m) + 1) if int(m) < 12 else (int(y) + 1, 1)
            nxt = f'<a href="/cal/{yy}/{mm}">next month</a>'
            return self._send(200, _page(f"<p>calendar {y}-{m}</p>{nxt}"))
        if path.startswith("/product/1"):
            return self._send(200, PRODUCT.encode())
        if path == "/js-only":
            return self._send(200, JS_ONLY.encode())
        return self._send(404, _page("not found"))


@contextmanager
def serve() -> Iterator[str]:
    """Run the server on a free port; yields its base URL."""
    Handler.hits = Counter()
    with serve_handler(Handler) as base:
        yield base


def write_profile(path: Path, *, seeds: str = '["{base}/"]', render: str = "http",
                  extra: str = "") -> Path:
    """A small profile with short timeouts for the fault server."""
    path.write_text(f"""name = "faults"
seeds = {seeds}
render = "{render}"
{extra}
[limits]
timeout_s = 1.5
max_bytes = 1000000
retries = 2
max_barren = 3
[rate]
concurrency = 4
max_retry_after_s = 5
""", encoding="utf-8")
    return path
