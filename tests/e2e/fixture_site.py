"""A tiny local marketplace with a hostile ad title, for the one case the demo site lacks."""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

from local_http import serve

XSS_TITLE = ('Carved ivory bangle <img src=x onerror="window.__pwned=1">'
             "<script>window.__pwned=2</script>")

# The demo marketplace has no hostile titles (and adding one would shift its ground truth), so this
# one case lives here: a listing whose ad title carries markup and a script.
ADS = {
    "1": ("Antique ivory bangle, carved", "Real elephant ivory, old and heavy."),
    "2": ("Red road bicycle, 52cm", "Shimano gears, new chain."),
    "3": (XSS_TITLE, "Genuine ivory, old."),
}


def _page(title: str, body: str) -> bytes:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<style>body{font:16px sans-serif;margin:24px} .card{border:1px solid #ccc;"
            "padding:8px;margin:8px 0} p,li{margin:6px 0}</style></head>"
            f"<body>{body}</body></html>").encode()


def render(path: str) -> bytes | None:
    """The page at `path`, or None for 404."""
    if path == "/category/curios":
        cards = "".join(
            f"<li class='card'><a href='/ad/{i}/item'>{html.escape(t)}</a>"
            f"<p>{html.escape(d)}</p></li>"
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
    with serve(_Handler) as base:
        yield base
