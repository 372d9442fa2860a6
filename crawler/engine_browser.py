"""The Playwright engine: one Chromium per process, a few reused pages, optional screenshots."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from crawler.capture import capture_elements
from crawler.fetch import Fetched, is_html, outcome_for_status

log = logging.getLogger(__name__)

# Pages that fill slots from an API after `load` show "Loading…" until then; wait briefly for
# those slots (returns at once on pages without one).
_SETTLED_JS = r"""() => !/(^|\n)\s*loading[^\n]{0,40}(…|\.\.\.)/i.test(
    document.body ? document.body.innerText : '')"""
SETTLE_TIMEOUT_MS = 3000
CLOSE_TIMEOUT_S = 10.0
"""Longest wait for a page or browser to close (a hung renderer never answers)."""
API_TYPES = frozenset({"fetch", "xhr"})
_NEXT_FRAME_JS = "() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))"

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


class BrowserEngine:
    """Renders pages in headless Chromium; pages are reused (a new page per URL is 3x slower)."""

    name = "browser"

    def __init__(self, chromium_path: Path | str, user_agent: str, pages: int = 3,
                 timeout_s: float = 20.0, max_bytes: int = 5_000_000,
                 viewport: tuple[int, int] = (1280, 800)) -> None:
        self.chromium_path = str(chromium_path)
        self.user_agent = user_agent
        self.n_pages = max(1, pages)
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.viewport = viewport
        self._pw: Any = None
        self._browser: Any = None
        self._context: Any = None
        self._pages: asyncio.Queue[Any] = asyncio.Queue()
        self._inflight: dict[Any, set[Any]] = {}

    async def __aenter__(self) -> BrowserEngine:
        from playwright.async_api import async_playwright

        self._pw = await async_playwright().start()
        self._browser = await self._pw.chromium.launch(
            executable_path=self.chromium_path, headless=True, args=CHROMIUM_ARGS)
        self._context = await self._browser.new_context(
            user_agent=self.user_agent, accept_downloads=False,
            viewport={"width": self.viewport[0], "height": self.viewport[1]})
        for _ in range(self.n_pages):
            self._pages.put_nowait(await self._new_page())
        return self

    async def __aexit__(self, t: type[BaseException] | None, e: BaseException | None,
                        tb: TracebackType | None) -> None:
        for obj in (self._context, self._browser):
            if obj is not None:
                try:
                    # A hung renderer can keep close() waiting forever; the process ends anyway.
                    await asyncio.wait_for(obj.close(), CLOSE_TIMEOUT_S)
                except Exception as exc:  # closing a crashed browser raises; nothing to save
                    log.debug("close failed: %s", exc)
        if self._pw is not None:
            await self._pw.stop()

    async def fetch(self, url: str, screenshot: bool = False, elements: bool = True) -> Fetched:
        """Render one URL on a pooled page; failures become outcomes, never exceptions."""
        from playwright.async_api import Error as PlaywrightError

        page = await self._pages.get()
        start = time.monotonic()
        result = Fetched(url=url, engine=self.name)
        try:
            async with asyncio.timeout(self.timeout_s + 5):
                await self._render(page, url, result, screenshot, elements)
        except TimeoutError:
            result.outcome = "timeout"
            result.error = f"page not rendered within {self.timeout_s:g}s"
            page = await self._replace(page)
        except PlaywrightError as exc:
            msg = str(exc).splitlines()[0]
            if "Timeout" in msg:
                result.outcome = "timeout"
            elif "ERR_TOO_MANY_REDIRECTS" in msg:
                result.outcome = "redirect_loop"
            elif "Download is starting" in msg:
                result.outcome = "not_html"  # a file, not a page: the download is refused
            else:
                result.outcome = "network_error"
            result.error = msg[:500]
            # A timed-out navigation keeps loading and would abort the page's next goto; a
            # crashed or closed page is useless: start the next URL on a fresh page.
            if result.outcome == "timeout" or "closed" in msg.lower() or "crash" in msg.lower():
                page = await self._replace(page)
        finally:
            self._pages.put_nowait(page)
        result.elapsed_ms = (time.monotonic() - start) * 1000
        return result

    async def _replace(self, page: Any) -> Any:
        try:
            await asyncio.wait_for(page.close(), CLOSE_TIMEOUT_S)
        except Exception as exc:  # already gone, or hung: a fresh page replaces it either way
            log.debug("page close failed: %s", exc)
        return await self._new_page()

    async def _new_page(self) -> Any:
        """A page that tracks its in-flight fetch/XHR requests (content loaded after `load`)."""
        page = await self._context.new_page()
        inflight: set[Any] = set()
        page.on("request", lambda r: inflight.add(r) if r.resource_type in API_TYPES else None)
        page.on("requestfinished", lambda r: inflight.discard(r))
        page.on("requestfailed", lambda r: inflight.discard(r))
        self._inflight[page] = inflight
        return page

    async def _settle(self, page: Any) -> None:
        """Let API calls started by the page finish (bounded), then one frame for the DOM."""
        inflight = self._inflight.get(page)
        if not inflight:
            return
        deadline = time.monotonic() + SETTLE_TIMEOUT_MS / 1000
        while inflight and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await page.evaluate(_NEXT_FRAME_JS)

    async def _render(self, page: Any, url: str, result: Fetched, screenshot: bool,
                      elements: bool) -> None:
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        self._inflight.get(page, set()).clear()  # requests of the previous URL do not count
        resp = await page.goto(url, wait_until="load", timeout=self.timeout_s * 1000)
        result.final_url = page.url
        if resp is None:
            result.outcome, result.error = "network_error", "no response"
            return
        result.status = resp.status
        result.content_type = await resp.header_value("content-type")
        bad = outcome_for_status(resp.status)
        if bad:
            result.outcome, result.error = bad, f"HTTP {resp.status}"
            result.extra["retry_after_header"] = await resp.header_value("retry-after")
            return
        if result.content_type and not is_html(result.content_type):
            result.outcome, result.error = "not_html", f"content-type {result.content_type}"
            return
        await self._settle(page)
        if not await page.evaluate(_SETTLED_JS):  # one cheap check; most pages are settled
            try:
                await page.wait_for_function(_SETTLED_JS, timeout=SETTLE_TIMEOUT_MS, polling=50)
            except PlaywrightTimeout:
                result.extra["unsettled"] = True  # keep what rendered; the placeholder stays
        html = (await page.content()).encode("utf-8")
        if len(html) > self.max_bytes:
            result.outcome, result.error = "too_large", f"DOM exceeds {self.max_bytes} bytes"
            return
        result.html = html
        if elements:
            result.elements = await capture_elements(page)
        if screenshot:
            result.screenshot = await page.screenshot(full_page=True, type="png",
                                                      timeout=self.timeout_s * 1000)
