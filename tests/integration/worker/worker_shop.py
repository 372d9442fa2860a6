"""A tiny marketplace for worker tests: paginated listings of ads, each ad page with JSON-LD.

Every response waits `delay_s` so a crawl lasts long enough to be killed in the middle.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from local_http import serve

PER_PAGE = 10

PROFILE = """\
name = "{name}"
description = "worker test shop"
render = "http"
seeds = ["{{base}}/list/1"]
obey_robots = false

[patterns]
ad = ['/ad/\\\\d+$']
listing = ['/list/\\\\d+$']

[limits]
max_pages = 1000
max_depth = 20
timeout_s = 5.0
retries = 0

[rate]
concurrency = 2
delay_s = 0.0
"""


def write_profile(folder: Path, name: str = "testshop") -> Path:
    """A site profile TOML for the shop (its base URL comes with the crawl)."""
    path = folder / f"{name}.toml"
    path.write_text(PROFILE.format(name=name), encoding="utf-8")
    return path


def ad_title(i: int) -> str:
    """Even ads sell ivory, odd ones wooden bowls (so a student can learn the difference)."""
    return f"Carved elephant ivory bangle {i}" if i % 2 == 0 else f"Carved wooden salad bowl {i}"


def _ad_html(i: int) -> str:
    title = ad_title(i)
    text = f"{title}, hand carved, shipped worldwide."
    data = {"@context": "https://schema.org", "@type": "Product", "name": title,
            "description": text,
            "offers": {"@type": "Offer", "price": f"{10 + i}.00", "priceCurrency": "USD"}}
    return (f"<html><head><title>{title}</title>"
            f'<script type="application/ld+json">{json.dumps(data)}</script></head>'
            f"<body><h1>{title}</h1><p class='price'>${10 + i}.00</p>"
            f"<p>{text}</p></body></html>")


def _list_html(page: int, n_ads: int) -> str:
    first = (page - 1) * PER_PAGE
    links = "".join(f'<li><a href="/ad/{i}">{ad_title(i)}</a></li>'
                    for i in range(first, min(first + PER_PAGE, n_ads)))
    nxt = f'<a href="/list/{page + 1}">next</a>' if first + PER_PAGE < n_ads else ""
    return (f"<html><head><title>Listing {page}</title></head>"
            f"<body><ul>{links}</ul>{nxt}</body></html>")


@contextmanager
def serve_shop(n_ads: int = 40, delay_s: float = 0.0) -> Iterator[str]:
    """Serve the shop on 127.0.0.1 (a free port); yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            time.sleep(delay_s)
            parts = self.path.strip("/").split("/")
            body: str | None = None
            if len(parts) == 2 and parts[1].isdigit():
                n = int(parts[1])
                if parts[0] == "ad" and n < n_ads:
                    body = _ad_html(n)
                elif parts[0] == "list" and 1 <= n <= (n_ads + PER_PAGE - 1) // PER_PAGE:
                    body = _list_html(n, n_ads)
            data = (body or "<html><body>not found</body></html>").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            return None

    with serve(Handler) as base:
        yield base
