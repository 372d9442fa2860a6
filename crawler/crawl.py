"""The crawl loop: workers pull URLs from the persisted frontier, fetch, extract, write records."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from crawler.capture import element_records
from crawler.engine_http import HttpEngine
from crawler.extract import extract_fields
from crawler.fetch import RETRYABLE, Fetched
from crawler.frontier import Frontier, QueuedUrl
from crawler.politeness import HostGate, Robots, backoff_seconds, retry_after_seconds
from crawler.records import ad_record, capture_id_for, capture_record, guess_kind, site_label
from crawler.reposts import RepostIndex
from crawler.run import CrawlProgress, CrawlSummary
from crawler.sites import Site
from crawler.urls import canonical, host, is_crawlable, url_pattern
from snarewatch.config import Settings
from snarewatch.errors import StoreError
from snarewatch.schema import Crawl, Record, utcnow
from snarewatch.store import Blobs, Landing, query_records

log = logging.getLogger(__name__)
FLUSH_PAGES = 25
FLUSH_SECONDS = 2.0
_TAGS = re.compile(rb"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.S | re.I)
_NUM = re.compile(r"\d+")
_EXEC_SCRIPT = re.compile(rb"<script(?![^>]*type=[\"']?application/(ld\+)?json)")
_LOADING = re.compile(rb">\s*loading[^<]{0,40}<", re.I)


@dataclass
class CrawlParams:
    """The parameters a crawl started with (persisted, so a resume uses the same ones)."""

    target: str
    base_url: str | None = None
    keywords: list[str] = field(default_factory=list)
    max_pages: int | None = None
    screenshots: bool | None = None
    engine: str | None = None

    def save(self, state_dir: Path) -> None:
        """Write params.json in the crawl's state folder."""
        (state_dir / "params.json").write_text(json.dumps(asdict(self), indent=1), "utf-8")

    @classmethod
    def load(cls, state_dir: Path) -> CrawlParams:
        """Read params.json from the crawl's state folder."""
        return cls(**json.loads((state_dir / "params.json").read_text("utf-8")))

    def merged(self, override: CrawlParams) -> CrawlParams:
        """These parameters with every explicitly given value of `override` on top."""
        updates = {f.name: getattr(override, f.name) for f in fields(self)
                   if f.name != "target" and getattr(override, f.name) not in (None, [])}
        return replace(self, **updates)


def needs_js(html: bytes) -> bool:
    """True when a page needs JavaScript: scripts and almost no text, or a "Loading…" slot."""
    lower = html.lower()
    if _EXEC_SCRIPT.search(lower) is None:  # JSON-LD blocks are data, not code
        return False
    return len(_TAGS.sub(b" ", html).split()) < 40 or _LOADING.search(lower) is not None


class Crawler:
    """One crawl of one site: a frontier, an httpx engine, a Chromium engine when needed."""

    def __init__(self, settings: Settings, site: Site, params: CrawlParams, crawl_id: str,
                 state_dir: Path, resumed: bool = False,
                 on_progress: Callable[[CrawlProgress], None] | None = None) -> None:
        self.settings, self.site, self.params, self.crawl_id = settings, site, params, crawl_id
        self.state_dir, self.resumed, self.on_progress = state_dir, resumed, on_progress
        self.mode = params.engine or site.render
        self.screenshots = (params.screenshots if params.screenshots is not None
                            else self.mode == "browser")
        self.limits = site.limits if params.max_pages is None else replace(
            site.limits, max_pages=params.max_pages)
        first = (site.seeds or site.search_templates or (site.base_url or "",))[0]
        self.site_name = site_label(site, first)
        self.hosts = {host(u) for u in (*site.seeds, *site.search_templates) if u}
        self.gate = HostGate(site.rate.concurrency, site.rate.delay_s)
        self.summary = CrawlSummary(crawl_id=crawl_id, site=self.site_name)
        self.progress = CrawlProgress(crawl_id=crawl_id)
        self.errors: Counter[str] = Counter()
        self.capped = 0
        self.started = 0
        self.stop_reason: str | None = None
        self.seen: set[str] = set()
        self.pattern_count: Counter[str] = Counter()
        self.barren: Counter[str] = Counter()
        self.html_seen: dict[str, str] = {}
        self.buffer: dict[str, list[Record]] = {}
        self.done: list[tuple[str, str]] = []
        self.last_flush = time.monotonic()
        self.queue: asyncio.Queue[QueuedUrl] = asyncio.Queue()
        self.browser: Any = None
        self._browser_lock = asyncio.Lock()
        self.t0 = time.monotonic()

    # -- setup and teardown -------------------------------------------------------------------
    async def run(self) -> CrawlSummary:
        """Crawl until the frontier is empty or a limit is hit; flush records even on Ctrl-C."""
        self.frontier = Frontier(self.state_dir)
        self.params.save(self.state_dir)
        self.landing = Landing(self.settings.landing_dir)
        self.blobs = Blobs(self.settings.blobs_dir)
        self.reposts = RepostIndex(self.settings.data_dir / "crawls" / "_reposts.sqlite")
        self.known_ads = self._stored_ads()
        self.started_at = utcnow()
        self._write_crawl("running")
        self.seen = {u for (u,) in self.frontier.db.execute("SELECT url FROM urls")}
        self.pattern_count.update(self.frontier.pattern_counts())
        if self.seen:  # a resumed crawl: what was queued (or in flight) when it stopped
            for q in self.frontier.queued():
                self.queue.put_nowait(q)
        else:
            seeds = [*self.site.seeds, *self.site.search_urls(self.params.keywords)]
            self._enqueue(seeds, depth=0)
        status = "interrupted"
        http = HttpEngine(self.settings.user_agent, self.limits.timeout_s, self.limits.max_bytes,
                          max_connections=max(8, self.site.rate.concurrency * 2))
        try:
            async with http:
                self.http = http
                self.robots = Robots(http.client, self.settings.user_agent)
                workers = [asyncio.create_task(self._worker())
                           for _ in range(max(1, self.site.rate.concurrency))]
                try:
                    await self._until_done()
                finally:
                    for w in workers:
                        w.cancel()
                    await asyncio.gather(*workers, return_exceptions=True)
                    if self.browser is not None:
                        await self.browser.__aexit__(None, None, None)
            status = "done"
        finally:
            self._flush()
            self.summary.errors_by_kind = dict(self.errors)
            self.summary.queued_left = self.frontier.counts().get("queued", 0)
            self.summary.stop_reason = self.stop_reason
            self.summary.status = status
            self._write_crawl(status)
            self.reposts.close()
            self.frontier.close()
        return self.summary

    async def _until_done(self) -> None:
        deadline = self.t0 + self.limits.max_seconds
        join = asyncio.ensure_future(self.queue.join())
        while not join.done():
            await asyncio.wait([join], timeout=0.5)
            if time.monotonic() > deadline and not self.stop_reason:
                self.stop_reason = "max_seconds"
            if time.monotonic() - self.last_flush > FLUSH_SECONDS:
                self._flush()

    def _stored_ads(self) -> dict[str, str]:
        if not self.settings.db_path.exists():
            return {}
        try:
            rows = query_records(self.settings.db_path,
                                 "SELECT ad_id, content_hash FROM ads WHERE site = ?",
                                 [self.site_name])
        except StoreError as exc:
            log.warning("cannot read stored ads (%s); duplicates counted within this crawl", exc)
            return {}
        return {r["ad_id"]: r["content_hash"] for r in rows}

    def _write_crawl(self, status: str) -> None:
        self.landing.write([Crawl(
            crawl_id=self.crawl_id, site=self.site_name, started_at=self.started_at,
            finished_at=None if status == "running" else utcnow(), status=status,  # type: ignore[arg-type]
            params={**asdict(self.params), "profile": self.site.name, "mode": self.mode,
                    "screenshots": self.screenshots, "resumed": self.resumed},
            stats=self.summary.as_dict() | {"capped": self.capped})])

    # -- the work ---------------------------------------------------------------------------
    async def _worker(self) -> None:
        while True:
            q = await self.queue.get()
            try:
                if self.stop_reason:
                    continue  # stays queued in the frontier for a resume
                if self.started >= self.limits.max_pages:
                    self.stop_reason = "max_pages"
                    continue
                self.started += 1
                await self._process(q)
            except Exception as exc:  # one bad page must not stop the crawl: record it
                log.exception("crawler error on %s", q.fetch_url)
                self._fail(q, Fetched(url=q.fetch_url, engine="http", outcome="crawler_error",
                                      error=f"{type(exc).__name__}: {exc}"[:500]))
            finally:
                self.queue.task_done()

    async def _process(self, q: QueuedUrl) -> None:
        url = q.fetch_url
        if self.site.obey_robots and not await self.robots.allowed(url):
            self._fail(q, Fetched(url=url, engine="http", outcome="robots",
                                  error="disallowed by robots.txt"))
            return
        f = await self._fetch(url, q)
        if not f.ok or f.html is None:
            self._fail(q, f)
            return
        final = canonical(f.final_url or url)
        # Hashing and writing megabyte screenshots off the event loop keeps the browser fed.
        html_sha = await asyncio.to_thread(self.blobs.put, f.html)
        shot_sha = await asyncio.to_thread(self.blobs.put, f.screenshot) if f.screenshot else None
        other = self.html_seen.setdefault(html_sha, q.url)
        if other != q.url:
            self.summary.duplicates += 1
            self._record(q, [capture_record(
                f, crawl_id=self.crawl_id, site=self.site_name, canonical_url=q.url,
                kind=self.site.kind_of(final) or "page", depth=q.depth, html_sha=html_sha,
                outcome="duplicate", error=f"same content as {other}")], "duplicate")
            return
        ex = f.extra.get("extracted") or extract_fields(
            f.html, f.final_url or url, self.site.selectors,
            main_text=self.site.kind_of(final) in (None, "ad"))
        kind = guess_kind(self.site, final, ex)
        cap = capture_record(f, crawl_id=self.crawl_id, site=self.site_name, canonical_url=q.url,
                             kind=kind, depth=q.depth, title=ex.fields.get("title"),
                             html_sha=html_sha, shot_sha=shot_sha)
        out: list[Record] = [cap]
        self.summary.fetched += 1
        self.summary.screenshots += shot_sha is not None
        if f.elements:
            els = element_records(f.elements, cap.capture_id, self.site_name, f.final_url or url)
            out.extend(els)
            self.summary.elements += len(els)
        if kind == "ad":
            ad = ad_record(ex, crawl_id=self.crawl_id, capture_id=cap.capture_id,
                           site=self.site_name, url=f.final_url or url, canonical_url=final)
            ad = ad.model_copy(update={"repost_cluster": self.reposts.assign(
                ad.ad_id, ad.text, ad.seller_url or ad.seller)})
            if self.known_ads.get(ad.ad_id) == ad.content_hash:
                self.summary.duplicates += 1  # stored already, unchanged: nothing to add
            else:
                out.append(ad)
                self.summary.ads += 1
        self._enqueue(ex.links, q.depth + 1, parent=final)
        self._record(q, out, "ok")

    async def _fetch(self, url: str, q: QueuedUrl) -> Fetched:
        hint = self.site.kind_of(q.url)
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
        f.extra["extracted"] = ex  # reused by _process when the http page is kept
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
            if f.outcome not in RETRYABLE or attempt > self.limits.retries:
                return f
            cap = self.site.rate.max_retry_after_s
            wait = retry_after_seconds(f.extra.get("retry_after_header"), float("inf"))
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

    def _enqueue(self, links: list[str], depth: int, parent: str | None = None) -> None:
        if depth > self.limits.max_depth:
            return
        items: list[tuple[QueuedUrl, str]] = []
        same, other = 0, 0
        parent_key = _NUM.sub("N", parent) if parent else None
        follow = self.site.patterns.get("follow", ())
        for link in links:
            if not is_crawlable(link):
                continue
            if not self.site.follow_external and host(link) not in self.hosts:
                continue
            if self.site.skips(link) or (follow and not any(re.search(p, link) for p in follow)):
                continue
            canon = canonical(link)
            if canon in self.seen:
                continue
            key = _NUM.sub("N", canon)
            if key == parent_key and self.barren[key] >= self.limits.max_barren:
                self.capped += 1
                continue
            pat = url_pattern(canon)
            if self.pattern_count[pat] >= self.limits.max_per_pattern:
                self.capped += 1
                continue
            self.seen.add(canon)
            self.pattern_count[pat] += 1
            same, other = same + (key == parent_key), other + (key != parent_key)
            items.append((QueuedUrl(canon, link, depth), pat))
        if parent_key:
            # A page whose only new link is "more of the same" (next month, next page) is barren;
            # a chain of them is a trap (endless calendar, pagination loop) and stops there.
            self.barren[parent_key] = self.barren[parent_key] + 1 if (same and not other) else 0
        for q in self.frontier.add(items):
            self.queue.put_nowait(q)

    # -- bookkeeping --------------------------------------------------------------------------
    def _fail(self, q: QueuedUrl, f: Fetched) -> None:
        self.errors[f.outcome] += 1
        self.progress.errors += 1
        cap = capture_record(f, crawl_id=self.crawl_id, site=self.site_name, canonical_url=q.url,
                             kind=self.site.kind_of(q.url) or "other", depth=q.depth)
        self._record(q, [cap], f.outcome)

    def _record(self, q: QueuedUrl, records: list[Record], outcome: str) -> None:
        for r in records:
            self.buffer.setdefault(r.__table__, []).append(r)
        self.done.append((q.url, outcome))
        p = self.progress
        p.fetched, p.ads = self.summary.fetched + sum(self.errors.values()), self.summary.ads
        p.queued, p.elapsed_s = self.queue.qsize(), time.monotonic() - self.t0
        if self.on_progress:
            self.on_progress(p)
        if len(self.done) >= FLUSH_PAGES:
            self._flush()

    def _flush(self) -> None:
        """Records to the landing area first, then the frontier: a crash in between refetches."""
        for records in self.buffer.values():
            self.landing.write(records)
        self.buffer.clear()
        self.reposts.flush()
        if self.done:
            self.frontier.mark_done(self.done)
            self.done.clear()
        self.last_flush = time.monotonic()


__all__ = ["Crawler", "CrawlParams", "capture_id_for"]
