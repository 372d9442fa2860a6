"""The httpx engine: keep-alive connection pool, byte and time limits, no JavaScript."""

from __future__ import annotations

import asyncio
import logging
import time
from types import TracebackType

import httpx

from crawler.fetch import Fetched, is_html, outcome_for_status

log = logging.getLogger(__name__)


class HttpEngine:
    """Fetches pages with one shared `httpx.AsyncClient` (HTTP keep-alive, redirects capped)."""

    name = "http"

    def __init__(self, user_agent: str, timeout_s: float = 20.0, max_bytes: int = 5_000_000,
                 max_connections: int = 32, max_redirects: int = 10) -> None:
        self.user_agent = user_agent
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.client = httpx.AsyncClient(
            headers={"User-Agent": user_agent,
                     "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"},
            follow_redirects=True,
            max_redirects=max_redirects,
            timeout=httpx.Timeout(timeout_s),
            limits=httpx.Limits(max_connections=max_connections,
                                max_keepalive_connections=max_connections),
        )

    async def __aenter__(self) -> HttpEngine:
        return self

    async def __aexit__(self, t: type[BaseException] | None, e: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.client.aclose()

    async def fetch(self, url: str) -> Fetched:
        """GET one URL; every failure becomes an outcome on the result, never an exception."""
        start = time.monotonic()
        result = Fetched(url=url, engine=self.name)
        try:
            # One deadline for the whole exchange: httpx's timeouts are per read, so a server that
            # drips a byte a second would otherwise never time out.
            async with asyncio.timeout(self.timeout_s):
                await self._get(url, result)
        except TimeoutError:
            result.outcome = "timeout"
            result.error = f"no complete response within {self.timeout_s:g}s"
        except httpx.TooManyRedirects as exc:
            result.outcome, result.error = "redirect_loop", str(exc)
        except httpx.TimeoutException as exc:
            result.outcome, result.error = "timeout", type(exc).__name__
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            result.outcome, result.error = "blocked", f"unsupported URL: {exc}"
        except httpx.HTTPError as exc:
            result.outcome, result.error = "network_error", f"{type(exc).__name__}: {exc}"
        result.elapsed_ms = (time.monotonic() - start) * 1000
        return result

    async def _get(self, url: str, result: Fetched) -> None:
        async with self.client.stream("GET", url) as resp:
            result.status = resp.status_code
            result.final_url = str(resp.url)
            result.content_type = resp.headers.get("content-type")
            result.retry_after = None
            bad = outcome_for_status(resp.status_code)
            if bad:
                result.outcome, result.error = bad, f"HTTP {resp.status_code}"
                result.extra["retry_after_header"] = resp.headers.get("retry-after")
                return
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                result.outcome = "too_large"
                result.error = f"Content-Length {declared} > {self.max_bytes} bytes"
                return
            if result.content_type and not is_html(result.content_type):
                # Never download (let alone run) what is not a page.
                result.outcome, result.error = "not_html", f"content-type {result.content_type}"
                return
            chunks: list[bytes] = []
            size = 0
            async for chunk in resp.aiter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    result.outcome = "too_large"
                    result.error = f"body exceeds {self.max_bytes} bytes"
                    return
                chunks.append(chunk)
            body = b"".join(chunks)
            if not result.content_type and not is_html(None, body):
                result.outcome, result.error = "not_html", "no content-type and not HTML"
                return
            result.html = body
