"""Guards of the local API: the Host name, the allowed origin, the bearer token, request size
and rate limits.

They run as one plain ASGI middleware in front of FastAPI so a refused request costs almost
nothing and never reaches a handler (or the database). The token is checked before the rate
limit: requests without it draw on their own, smaller budget, so a flood of them can never use up
the budget of the extension that has the token.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import os
import secrets
import stat
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from snarewatch.errors import ConfigError

log = logging.getLogger(__name__)

TOKEN_FILE_NAME = "api-token"

EXTENSION_ID = "hepegbmjmjhffhfmilmfpoklidfkjhlc"
"""The unpacked extension's id, pinned by the public `key` in extension/src/manifest.json."""

EXTENSION_ORIGIN = f"chrome-extension://{EXTENSION_ID}"
"""The only origin the API answers by default (CORS)."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def token_path(data_dir: Path) -> Path:
    """Where the API token lives: `<data_dir>/api-token`."""
    return Path(data_dir) / TOKEN_FILE_NAME


def load_or_create_token(data_dir: Path) -> str:
    """Read the API token, creating it (random, mode 0600) on first run."""
    path = token_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two servers starting at once never overwrite each other's token.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(32) + "\n")
        log.info("created API token in %s", path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        # Anyone who can read the token can query and label through the API.
        os.chmod(path, 0o600)
        log.warning("tightened permissions of %s from %o to 600", path, mode)
    token = path.read_text(encoding="utf-8").strip()
    if len(token) < 16:
        raise ConfigError(f"{path}: the API token is too short; delete the file to make a new one")
    return token


@dataclass
class RateLimiter:
    """A token bucket: `rate` requests per second on average, bursts up to `burst`."""

    rate: float = 50.0
    burst: float = 100.0
    _tokens: float = field(default=-1.0, init=False)
    _stamp: float = field(default_factory=time.monotonic, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def allow(self) -> float:
        """0.0 if a request may pass now, else the seconds until one may."""
        with self._lock:
            now = time.monotonic()
            if self._tokens < 0:
                self._tokens = self.burst
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self.rate


LOOPBACK_NAMES = frozenset({"localhost"})
"""Host names always answered, besides loopback addresses (127.0.0.0/8, ::1)."""


def host_name(header: str) -> str | None:
    """The name in a Host header, lower-cased, without port or IPv6 brackets; None if malformed."""
    value = header.strip().lower()
    if value.startswith("["):  # [::1]:8765
        name, closed, rest = value[1:].partition("]")
        if not closed or (rest and not rest.startswith(":")):
            return None
        port = rest[1:]
    elif value.count(":") == 1:
        name, _, port = value.partition(":")
    else:  # a name without a port, or an IPv6 address without brackets
        name, port = value, ""
    if not name or (port and not port.isdigit()):
        return None
    return name.rstrip(".")


def is_allowed_host(name: str | None, extra: frozenset[str]) -> bool:
    """True for localhost, a loopback address, or one of the `extra` names (the configured host)."""
    if name is None:
        return False
    if name in LOOPBACK_NAMES or name in extra:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class GuardConfig:
    """What the guard enforces."""

    token: str
    allowed_origins: frozenset[str] = frozenset({EXTENSION_ORIGIN})
    max_body_bytes: int = 2_000_000
    rate_per_s: float = 50.0
    burst: int = 100
    open_paths: frozenset[str] = frozenset()
    allowed_hosts: frozenset[str] = frozenset()
    """Host names answered besides localhost and loopback addresses (e.g. the bound host)."""
    anonymous_rate_per_s: float = 2.0
    anonymous_burst: int = 20
    """The budget of requests without a valid token (refused ones and open paths)."""


class Guard:
    """ASGI middleware: Host name, CORS for allowed origins only, bearer token, body size and
    rate limits (separate budgets with and without the token)."""

    def __init__(self, app: ASGIApp, config: GuardConfig) -> None:
        self.app = app
        self.config = config
        self.limiter = RateLimiter(rate=config.rate_per_s, burst=float(config.burst))
        self.anonymous = RateLimiter(rate=config.anonymous_rate_per_s,
                                     burst=float(config.anonymous_burst))
        self._token = config.token.encode("utf-8")
        self._hosts = frozenset(h.strip().lower().strip("[]") for h in config.allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check one request and pass it on, or answer it with an error."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope["headers"])
        if not is_allowed_host(host_name(headers.get("host", "")), self._hosts):
            # DNS rebinding: a page on a name the attacker controls, resolved to 127.0.0.1, is
            # same-origin to itself and sends no Origin header; its Host header gives it away.
            await _error(send, 421, "this server answers only to localhost", None)
            return
        origin = headers.get("origin")
        if origin is not None and origin not in self.config.allowed_origins:
            # Browsers send Origin on cross-origin requests: a web page must never reach the API.
            await _error(send, 403, "origin not allowed", None)
            return
        if scope["method"] == "OPTIONS" and origin is not None:
            await self._preflight(send, origin)
            return
        authorised = self._authorised(headers)
        wait = (self.limiter if authorised else self.anonymous).allow()
        if wait > 0:
            await _error(send, 429, "too many requests", origin, [(b"retry-after", _ceil(wait))])
            return
        if not authorised and scope["path"] not in self.config.open_paths:
            await _error(
                send,
                401,
                "missing or wrong API token",
                origin,
                [(b"www-authenticate", b'Bearer realm="snarewatch"')],
            )
            return
        length = headers.get("content-length")
        if length is not None and (
            not length.isdigit() or int(length) > self.config.max_body_bytes
        ):
            await _error(send, 413, "request body too large", origin)
            return
        state = {"started": False, "too_large": False}
        cors_send = self._with_cors(send, origin)

        async def guarded_send(message: Message) -> None:
            # The framework turns a failed body read into its own 400: answer 413 instead.
            if state["too_large"]:
                if message["type"] == "http.response.start" and not state["started"]:
                    state["started"] = True
                    await _error(send, 413, "request body too large", origin)
                return
            state["started"] = state["started"] or message["type"] == "http.response.start"
            await cors_send(message)

        try:
            await self.app(scope, self._limited(receive, state), guarded_send)
        except BodyTooLarge:
            if state["started"]:
                raise
            await _error(send, 413, "request body too large", origin)

    def _authorised(self, headers: dict[str, str]) -> bool:
        value = headers.get("authorization", "")
        scheme, _, given = value.partition(" ")
        if scheme.lower() != "bearer":
            given = headers.get("x-snarewatch-token", "")
        return hmac.compare_digest(given.strip().encode("utf-8"), self._token)

    async def _preflight(self, send: Send, origin: str) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 204,
                "headers": [
                    *_cors_headers(origin),
                    (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
                    (
                        b"access-control-allow-headers",
                        b"authorization, content-type, x-snarewatch-token",
                    ),
                    (b"access-control-max-age", b"600"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    def _limited(self, receive: Receive, state: dict[str, bool]) -> Receive:
        # Chunked bodies carry no Content-Length: count the bytes as they arrive.
        seen = 0
        limit = self.config.max_body_bytes

        async def wrapped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    state["too_large"] = True
                    raise BodyTooLarge()
            return message

        return wrapped

    def _with_cors(self, send: Send, origin: str | None) -> Send:
        if origin is None:
            return send

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_cors_headers(origin)]
            await send(message)

        return wrapped


class BodyTooLarge(Exception):
    """A chunked request body went past the size limit."""


def _headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}


def _cors_headers(origin: str) -> list[tuple[bytes, bytes]]:
    return [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]


def _ceil(seconds: float) -> bytes:
    return str(max(1, int(seconds + 0.999))).encode()


async def _error(
    send: Send,
    status: int,
    detail: str,
    origin: str | None,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = json.dumps({"detail": detail}).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if origin is not None and status != 403:
        headers += _cors_headers(origin)
    await send(
        {"type": "http.response.start", "status": status, "headers": headers + (extra or [])}
    )
    await send({"type": "http.response.body", "body": body})
