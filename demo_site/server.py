"""The demo marketplace's HTTP server (stdlib only): routing, and a thread helper for tests."""

from __future__ import annotations

import contextlib
import http.server
import json
import logging
import re
import socketserver
import threading
from collections.abc import Callable, Iterator
from importlib import resources
from typing import cast
from urllib.parse import parse_qs, urlsplit

from demo_site import ad_pages, checkout_pages, listing_pages, shop_pages
from demo_site import catalog as cat
from demo_site.generator import Catalog, build_catalog
from demo_site.images import placeholder

DEFAULT_SEED = 7
DEFAULT_N_ADS = 1600
log = logging.getLogger(__name__)

HTML = "text/html; charset=utf-8"
STATIC_TYPES = {"site.css": "text/css; charset=utf-8", "site.js": "text/javascript; charset=utf-8"}
_AD = re.compile(r"^/ad/(\d+)(?:/([a-z0-9-]*))?/?$")
_API_AD = re.compile(r"^/api/ads/(\d+)\.json$")
_IMG = re.compile(r"^/img/([a-z0-9-]{1,80})\.svg$")
_MANUAL = re.compile(r"^/files/([a-z0-9-]+)-manual\.txt$")


class Response:
    """A fully rendered response: status, content type, body and extra headers."""

    __slots__ = ("status", "ctype", "body", "headers")

    def __init__(self, status: int, ctype: str, body: bytes | str,
                 headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.ctype = ctype
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.headers = headers or {}


RouteFn = Callable[["Router", str, dict[str, list[str]], str], "Response | None"]


def _static(name: str) -> bytes:
    return (resources.files("demo_site") / "static" / name).read_bytes()


def _page_number(qs: dict[str, list[str]]) -> int | None:
    raw = qs.get("page", ["1"])[0]
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) < 6 else None


class Router:
    """Maps a request (method, path, query, origin) to a Response, from in-memory data only."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.static = {name: _static(name) for name in STATIC_TYPES}

    def not_found(self, path: str) -> Response:
        """The 404 response."""
        return Response(404, HTML, listing_pages.not_found(path))

    def __call__(self, method: str, target: str, base: str) -> Response:
        """Route one request; unknown paths get the 404 page."""
        parts = urlsplit(target)
        path, qs = parts.path, parse_qs(parts.query)
        if method == "POST":
            if path == "/checkout/confirm":
                return Response(200, HTML, checkout_pages.confirmation_page())
            return Response(405, HTML, listing_pages.not_found(path), {"Allow": "GET, HEAD"})
        handler = self.exact.get(path)
        if handler is not None:
            return handler(self, path, qs, base) or self.not_found(path)
        for prefix, fn in self.prefixed:
            if path.startswith(prefix):
                res = fn(self, path, qs, base)
                if res is not None:
                    return res
        return self.not_found(path)

    # Route handlers: (router, path, query, base) -> Response (or None for "not mine").
    def _home(self, path: str, qs: dict[str, list[str]], base: str) -> Response:
        return Response(200, HTML, listing_pages.home(self.catalog))

    def _robots(self, path: str, qs: dict[str, list[str]], base: str) -> Response:
        return Response(200, "text/plain; charset=utf-8", listing_pages.robots_txt(base))

    def _sitemap(self, path: str, qs: dict[str, list[str]], base: str) -> Response:
        xml = listing_pages.sitemap(self.catalog, base)
        return Response(200, "application/xml; charset=utf-8", xml)

    def _search(self, path: str, qs: dict[str, list[str]], base: str) -> Response:
        n = _page_number(qs)
        html = listing_pages.search(self.catalog, qs.get("q", [""])[0], n) if n else None
        return Response(200, HTML, html) if html else self.not_found(path)

    def _category(self, path: str, qs: dict[str, list[str]], base: str) -> Response | None:
        n = _page_number(qs)
        html = listing_pages.category(self.catalog, path[3:].rstrip("/"), n) if n else None
        return Response(200, HTML, html) if html else None

    def _seller(self, path: str, qs: dict[str, list[str]], base: str) -> Response | None:
        n = _page_number(qs)
        html = listing_pages.seller(self.catalog, path[8:].rstrip("/"), n) if n else None
        return Response(200, HTML, html) if html else None

    def _ad(self, path: str, qs: dict[str, list[str]], base: str) -> Response | None:
        m = _AD.match(path)
        ad = self.catalog.by_id.get(m.group(1)) if m else None
        if ad is None or m is None:
            return None
        if m.group(2) != ad.slug:
            # Like real classifieds: any slug (or none) redirects to the canonical URL.
            return Response(301, HTML, "", {"Location": ad.path})
        return Response(200, HTML, ad_pages.render_ad(self.catalog, ad, base))

    def _api(self, path: str, qs: dict[str, list[str]], base: str) -> Response | None:
        m = _API_AD.match(path)
        ad = self.catalog.by_id.get(m.group(1)) if m else None
        if ad is None:
            return None
        data = ad_pages.ad_json(ad, self.catalog.sellers[ad.seller_id])
        return Response(200, "application/json", json.dumps(data, ensure_ascii=False),
                        {"Cache-Control": "no-cache"})

    def _img(self, path: str, qs: dict[str, list[str]], base: str) -> Response | None:
        m = _IMG.match(path)
        if m is None:
            return None
        name = m.group(1)
        label, colour = "Photo", None
        ad_id, _, num = name.partition("-")
        ad = self.catalog.by_id.get(ad_id)
        if ad is not None:
            c = cat.CATEGORY_BY_SLUG[ad.category]
            label, colour = f"{c.name} · photo {num}", c.colour
        elif name.startswith("shop-"):
            p = shop_pages.find_product(name[5:])
            label = p.name if p else "Product"
        return Response(200, "image/svg+xml", placeholder(name, label, colour),
                        {"Cache-Control": "public, max-age=86400"})

    def _static_file(self, path: str, qs: dict[str, list[str]], base: str) -> Response | None:
        name = path[len("/static/"):]
        if name not in self.static:
            return None
        return Response(200, STATIC_TYPES[name], self.static[name],
                        {"Cache-Control": "public, max-age=3600"})

    def _shop(self, path: str, qs: dict[str, list[str]], base: str) -> Response | None:
        slug = path[len("/shop/"):].rstrip("/")
        p = shop_pages.find_product(slug)
        if p is None:
            return None
        return Response(200, HTML, shop_pages.product_page(p), {"Cache-Control": "no-store"})

    def _shop_index(self, path: str, qs: dict[str, list[str]], base: str) -> Response:
        return Response(200, HTML, shop_pages.shop_index())

    def _cart(self, path: str, qs: dict[str, list[str]], base: str) -> Response:
        slug = qs.get("add", [""])[0]
        p = shop_pages.find_product(slug) if slug else None
        if slug and p is None:
            return self.not_found(path)
        render = checkout_pages.cart_page if path == "/cart" else checkout_pages.checkout_page
        return Response(200, HTML, render(p, qs.get("addon", [])), {"Cache-Control": "no-store"})

    def _manual(self, path: str, qs: dict[str, list[str]], base: str) -> Response | None:
        m = _MANUAL.match(path)
        p = shop_pages.find_product(m.group(1)) if m else None
        if p is None or "download_genuine" not in p.patterns:
            return None
        return Response(200, "text/plain; charset=utf-8", checkout_pages.manual_text(p))

    def _sponsored(self, path: str, qs: dict[str, list[str]], base: str) -> Response:
        return Response(200, HTML, checkout_pages.sponsored_page())

    def _help(self, path: str, qs: dict[str, list[str]], base: str) -> Response | None:
        html = listing_pages.help_page(path[len("/help/"):].rstrip("/"))
        return Response(200, HTML, html) if html else None

    def _account(self, path: str, qs: dict[str, list[str]], base: str) -> Response | None:
        if path != "/account" and not path.startswith("/account/"):
            return None
        return Response(200, HTML, listing_pages.account_page(path), {"Cache-Control": "no-store"})

    exact: dict[str, RouteFn] = {
        "/": _home, "/robots.txt": _robots, "/sitemap.xml": _sitemap, "/search": _search,
        "/shop": _shop_index, "/shop/": _shop_index, "/cart": _cart, "/checkout": _cart,
        "/sponsored/click": _sponsored,
    }
    prefixed: tuple[tuple[str, RouteFn], ...] = (
        ("/ad/", _ad), ("/c/", _category), ("/seller/", _seller), ("/api/ads/", _api),
        ("/img/", _img), ("/static/", _static_file), ("/shop/", _shop), ("/files/", _manual),
        ("/help/", _help), ("/account", _account),
    )


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves Router responses with Content-Length, keep-alive and HEAD support."""

    protocol_version = "HTTP/1.1"  # keep-alive: crawler benchmarks reuse connections
    # Headers and body go out in separate writes; with Nagle on, keep-alive clients stall ~40 ms.
    disable_nagle_algorithm = True
    server_version = "TradepostDemo/1.0"
    router: Router

    def _send(self, head_only: bool) -> None:
        host = self.headers.get("Host") or "{}:{}".format(*_address(self.server))
        try:
            res = self.router(self.command, self.path, f"http://{host}")
        except Exception:  # noqa: BLE001 - one bad request must not kill the server thread
            log.exception("demo site failed on %s", self.path)
            res = Response(500, "text/plain; charset=utf-8", "Internal Server Error")
        self.send_response(res.status)
        self.send_header("Content-Type", res.ctype)
        self.send_header("Content-Length", str(len(res.body)))
        for key, value in res.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if not head_only:
            self.wfile.write(res.body)

    def do_GET(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        """Answer a GET."""
        self._send(head_only=False)

    def do_HEAD(self) -> None:  # noqa: N802
        """Answer a HEAD: the GET headers without a body."""
        self._send(head_only=True)

    def do_POST(self) -> None:  # noqa: N802
        """Answer a POST (only the checkout form posts); the body is read and discarded."""
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 1 << 20))
        self._send(head_only=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: per-request lines would swamp benchmark output."""
        log.debug(format, *args)


def _address(server: socketserver.BaseServer) -> tuple[str, int]:
    """The bound host and port (socketserver types the address loosely)."""
    host, port = cast(tuple[str, int], server.server_address)[:2]
    return host, port


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # several concurrent crawler clients; the default 5 drops connections
    allow_reuse_address = True


def make_server(host: str = "127.0.0.1", port: int = 0, seed: int = DEFAULT_SEED,
                n_ads: int = DEFAULT_N_ADS) -> http.server.ThreadingHTTPServer:
    """A bound (not yet serving) server for the site built from (seed, n_ads); port 0 = free."""
    router = Router(build_catalog(seed, n_ads))
    handler = type("DemoHandler", (_Handler,), {"router": router})
    return _Server((host, port), handler)


@contextlib.contextmanager
def serve_in_thread(host: str = "127.0.0.1", port: int = 0, seed: int = DEFAULT_SEED,
                    n_ads: int = DEFAULT_N_ADS) -> Iterator[str]:
    """Serve in a background thread; yields the base URL ("http://127.0.0.1:43123")."""
    server = make_server(host, port, seed, n_ads)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="demo-site", daemon=True)
    thread.start()
    try:
        bound_host, bound_port = _address(server)
        yield f"http://{bound_host}:{bound_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def serve_forever(
    host: str, port: int, seed: int, n_ads: int, on_ready: Callable[[str], None] | None = None
) -> None:
    """Serve until interrupted (used by `snarewatch demo-site`); `on_ready` gets the base URL."""
    server = make_server(host, port, seed, n_ads)
    if on_ready is not None:
        on_ready("http://%s:%s/" % _address(server))
    log.info("demo site on http://%s:%s (seed=%s, ads=%s)", *_address(server), seed, n_ads)
    try:
        server.serve_forever()
    finally:
        server.server_close()
