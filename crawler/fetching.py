"""Fetching one URL for a crawl: the engine choice (http, browser, auto), retries, Retry-After."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from crawler.engine_http import HttpEngine
from crawler.extract import extract_fields
from crawler.fetch import RETRYABLE, Fetched
from crawler.politeness import HostGate, Robots, backoff_seconds, retry_after_seconds
from crawler.sites import Limits, Site
from snarewatch.config import Settings

log = logging.getLogger(__name__)
_TAGS = re.compile(rb"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.S | re.I)
_EXEC_SCRIPT = re.compile(rb"<script(?![^>]*type=[\"']?application/(ld\+)?json)")
_LOADING = re.compile(rb">\s*loading[^<]{0,40}<", re.I)


def needs_js(html: bytes) -> bool:
    """True when a page needs JavaScript: scripts and almost no text, or a "Loading…" slot."""
    lower = html.lower()
    if _EXEC_SCRIPT.search(lower) is None:  # JSON-LD blocks are data, not code
        return False
    return len(_TAGS.sub(b" ", html).split()) < 40 or _LOADING.search(lower) is not None


class Fetcher:
    """The engines of one crawl behind one per-host gate: `fetch(url)` never raises for HTTP
    trouble, it returns a Fetched with the outcome."""

    def __init__(self, settings: Settings, site: Site, mode: str, screenshots: bool,
                 limits: Limits) -> None:
        self.settings, self.site, self.mode = settings, site, mode
        self.screenshots, self.limits = screenshots, limits
        self.gate = HostGate(site.rate.concurrency, site.rate.delay_s)
        self.http = HttpEngine(settings.user_agent, limits.timeout_s, limits.max_bytes,
                               max_connections=max(8, site.rate.concurrency * 2))
        self.robots = Robots(self.http.client, settings.user_agent)
        self.browser: Any = None
        self._browser_lock = asyncio.Lock()

    async def aclose(self) -> None:
        """Close the browser (if one was started) and the HTTP pool."""
        try:
            if self.browser is not None:
                await self.browser.__aexit__(None, None, None)
        finally:
            await self.http.__aexit__(None, None, None)

    async def allowed(self, url: str) -> bool:
        """True if robots.txt lets us fetch the URL; its Crawl-delay raises the host delay."""
        if not await self.robots.allowed(url):
            return False
        delay = await self.robots.crawl_delay(url)
        if delay:
            self.gate.set_delay(min(delay, self.site.rate.max_retry_after_s))
        return True

    async def fetch(self, url: str, hint: str | None) -> Fetched:
        """Fetch a page with the engine its kind hint and the crawl's mode call for."""
        # Under auto, `page` URLs (shop, cart, checkout) are the ones whose UI is audited for
        # deceptive patterns, so they always get the browser: element map and screenshot.
        browser = self.mode == "browser" or (
            self.mode == "auto" and (self.screenshots or hint == "page"))
        f = await self._with_retries(url, browser)
        if self.mode == "auto" and not browser and f.ok and f.html is not None:
            thin = needs_js(f.html) or (hint == "ad" and not self._has_ad_fields(f))
            if thin:
                rendered = await self._with_retries(url, True)
                if rendered.ok:
                    return rendered
        return f

    def _has_ad_fields(self, f: Fetched) -> bool:
        ex = extract_fields(f.html or b"", f.final_url or f.url, self.site.selectors)
        f.extra["extracted"] = ex  # reused by the crawl when the http page is kept
        return "price" in ex.fields and "description" in ex.fields

    async def _with_retries(self, url: str, browser: bool) -> Fetched:
        engine = await self._browser() if browser else self.http
        attempt = 0
        while True:
            attempt += 1
            async with self.gate.slot(url):
                if browser:
                    shot = self.screenshots or (
                        self.mode == "auto" and self.site.kind_of(url) == "page")
                    f = await engine.fetch(url, screenshot=shot, elements=self.site.elements)
                else:
                    f = await engine.fetch(url)
            f.attempts = attempt
            cap = self.site.rate.max_retry_after_s
            wait = retry_after_seconds(f.extra.get("retry_after_header"), float("inf"))
            if wait is not None:
                # The whole host waits, even when we give up on this URL: a longer wait than
                # we accept is still honoured up to our limit.
                self.gate.pause(url, min(wait, cap))
            if f.outcome not in RETRYABLE or attempt > self.limits.retries:
                return f
            if wait is not None and wait > cap:
                f.error = f"{f.error}; Retry-After {wait:.0f}s is over the {cap:g}s limit"
                return f
            wait = wait if wait is not None else backoff_seconds(attempt)
            log.info("%s on %s: retry %d in %.1fs", f.outcome, url, attempt, wait)
            self.gate.pause(url, wait)

    async def _browser(self) -> Any:
        async with self._browser_lock:
            if self.browser is None:
                from crawler.engine_browser import BrowserEngine

                engine = BrowserEngine(self.settings.chromium_path, self.settings.user_agent,
                                       pages=min(4, max(1, self.site.rate.concurrency)),
                                       timeout_s=self.limits.timeout_s,
                                       max_bytes=self.limits.max_bytes)
                self.browser = await engine.__aenter__()
            return self.browser
