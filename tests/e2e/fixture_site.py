"""A tiny local shop and marketplace for the extension tests (html.escape on every text)."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

XSS_TITLE = 'Carved ivory bangle <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'

ADS = {
    "1": ("Antique ivory bangle, carved", "Real elephant ivory, old and heavy."),
    "2": ("Red road bicycle, 52cm", "Shimano gears, new chain."),
    "3": (XSS_TITLE, "Genuine ivory, old."),
    "4": ("Pangolin scales, dried, 2kg", "For traditional medicine, clean."),
}

SHOP = [
    "Only 2 left in stock - order soon!",
    "Offer ends in 00:09:59",
    "23 people are viewing this right now",
    "No thanks, I prefer paying full price",
    "Add to cart",
    "Product details",
    "Free returns within 30 days",
]
CLEAN = ["Add to cart", "Product details", "Free returns within 30 days", "Material: 100% cotton",
         "Size guide", "Customer reviews"]


def _page(title: str, body: str, script: str = "") -> bytes:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<style>body{font:16px sans-serif;margin:24px} .card{border:1px solid #ccc;"
            "padding:8px;margin:8px 0} p,button,li{margin:6px 0}</style></head>"
            f"<body>{body}{script}</body></html>").encode()


def _texts(texts: list[str]) -> str:
    return "".join(f"<p>{html.escape(t)}</p>" for t in texts)


def render(path: str) -> bytes | None:
    """The page at `path`, or None for 404."""
    if path == "/shop/deals":
        return _page("Deals", "<h1>Cotton shirt</h1>" + _texts(SHOP))
    if path == "/shop/clean":
        return _page("Shirt", "<h1>Cotton shirt</h1>" + _texts(CLEAN))
    if path == "/shop/late":
        # Text that appears after load: the extension must rescan on DOM changes.
        late = "document.getElementById('late').textContent = 'Only 3 left - order soon';"
        return _page("Late", "<h1>Cotton shirt</h1><p>Add to cart</p><div><p id='late'></p></div>",
                     f"<script>setTimeout(() => {{ {late} }}, 1500)</script>")
    if path == "/category/curios":
        cards = "".join(
            f"<li class='card'><a href='/ad/{i}/item'>{html.escape(t)}</a><p>{html.escape(d)}</p></li>"
            for i, (t, d) in ADS.items())
        return _page("Curios", f"<h1>Curios</h1><ul>{cards}</ul>")
    parts = path.strip("/").split("/")
    if len(parts) >= 2 and parts[0] == "ad" and parts[1] in ADS:
        title, desc = ADS[parts[1]]
        return _page(title, f"<h1>{html.escape(title)}</h1><div class='description'>"
                            f"{html.escape(desc)}</div><p>Contact seller</p>")
    return None


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        body = render(self.path.split("?")[0])
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        body = body or b"not found"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serve_site() -> Iterator[str]:
    """Serve the pages on 127.0.0.1 (free port); yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
