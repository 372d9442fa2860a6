"""The crawl loop: workers pull URLs from the persisted frontier, fetch, extract, write records."""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

from crawler.capture import element_records
from crawler.extract import extract_fields
from crawler.fetch import Fetched
from crawler.fetching import Fetcher, needs_js
from crawler.frontier import Frontier, QueuedUrl
from crawler.outcome import crawl_status, failed_count, no_ads_note, stop_reason
from crawler.records import ad_record, capture_id_for, capture_record
from crawler.reposts import RepostIndex
from crawler.roles import link_priority, page_role, url_shape
from crawler.sitenames import site_for
from crawler.sites import Site
from crawler.summary import CrawlParams, CrawlProgress, CrawlSummary
from crawler.urls import canonical, host, is_crawlable, url_pattern
from snarewatch.config import Settings
from snarewatch.errors import StoreError
from snarewatch.schema import Crawl, Record, utcnow
from snarewatch.store import Blobs, Landing, query_records

log = logging.getLogger(__name__)
FLUSH_PAGES = 25
FLUSH_SECONDS = 2.0
_NUM = re.compile(r"\d+")


class Crawler:
    """One crawl of one site: a priority frontier, an httpx engine, Chromium when needed."""

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
        self.hosts = {host(u) for u in (*site.seeds, *site.search_templates) if u}
        self.starts = {canonical(u) for u in site.start_urls}
        self.summary = CrawlSummary(crawl_id=crawl_id)
        self.progress = CrawlProgress(crawl_id=crawl_id)
        self.errors: Counter[str] = Counter()
        self.started = 0
        self.limit: str | None = None
        self.seen: set[str] = set()
        self.pattern_count: Counter[str] = Counter()
        self.barren: Counter[str] = Counter()
        self.ad_shapes: set[str] = set()
        self.html_seen: dict[str, str] = {}
        self.buffer: dict[str, list[Record]] = {}
        self.done: list[tuple[str, str]] = []
        self.last_flush = time.monotonic()
        self.queue: asyncio.PriorityQueue[tuple[int, int, QueuedUrl]] = asyncio.PriorityQueue()
        self._order = itertools.count()
        self.t0 = time.monotonic()
        self.seconds_before = 0.0

    # -- setup and teardown -------------------------------------------------------------------
    async def run(self) -> CrawlSummary:
        """Crawl until the frontier is empty or a limit is hit; flush records even on Ctrl-C."""
        self.frontier = Frontier(self.state_dir)
        self.site_name = self.params.site_name or site_for(
            self.settings.data_dir,
            [*self.site.seeds, *self.site.search_templates, self.site.base_url or ""],
            explicit=self.params.site,
            profile=None if self.site.name == "generic" else self.site.name)
        self.params.site_name = self.site_name
        self.params.save(self.state_dir)
        if self.resumed:  # totals go on from where the crawl stopped
            self.summary = CrawlSummary.restore(self.crawl_id, self.frontier.get_meta("summary"))
            self.errors.update(self.summary.errors_by_kind)
            self.seconds_before = self.summary.seconds
            self.started = self.frontier.done_count()
        self.summary.site = self.site_name
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
                self._put(q)
        else:
            seeds = [*self.site.seeds, *self.site.search_urls(self.params.keywords)]
            self._enqueue(seeds, depth=0)
        interrupted = True
        self.fetcher = Fetcher(self.settings, self.site, self.mode, self.screenshots, self.limits)
        try:
            workers = [asyncio.create_task(self._worker())
                       for _ in range(max(1, self.site.rate.concurrency))]
            try:
                await self._until_done()
            finally:
                for w in workers:
                    w.cancel()
                await asyncio.gather(*workers, return_exceptions=True)
                await self.fetcher.aclose()
            interrupted = False
        finally:
            self._flush()
            s = self.summary
            s.queued_left = self.frontier.counts().get("queued", 0)
            s.stop_reason = stop_reason(s, interrupted, self.limit)
            s.status = crawl_status(s, interrupted)
            s.note = no_ads_note(s, generic=not self.site.patterns.get("ad"))
            self._write_crawl(s.status)
            self.frontier.set_meta("summary", s.as_dict())
            self.reposts.close()
            self.frontier.close()
        return self.summary

    async def _until_done(self) -> None:
        deadline = self.t0 + self.limits.max_seconds
        join = asyncio.ensure_future(self.queue.join())
        while not join.done():
            await asyncio.wait([join], timeout=0.5)
            if time.monotonic() > deadline and not self.limit:
                self.limit = "max_seconds"
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
        self._tally()
        self.landing.write([Crawl(
            crawl_id=self.crawl_id, site=self.site_name, started_at=self.started_at,
            finished_at=None if status == "running" else utcnow(), status=status,  # type: ignore[arg-type]
            params={**asdict(self.params), "profile": self.site.name, "mode": self.mode,
                    "screenshots": self.screenshots, "resumed": self.resumed},
            stats=self.summary.as_dict())])

    def _tally(self) -> None:
        """Bring the derived totals up to date (before they are stored or returned)."""
        s = self.summary
        s.errors_by_kind = dict(self.errors)
        s.failed = failed_count(s.errors_by_kind)
        s.run_seconds = round(time.monotonic() - self.t0, 3)
        s.seconds = round(self.seconds_before + s.run_seconds, 3)

    # -- the work ---------------------------------------------------------------------------
    def _put(self, q: QueuedUrl) -> None:
        self.queue.put_nowait((q.priority, next(self._order), q))

    async def _worker(self) -> None:
        while True:
            _, _, q = await self.queue.get()
            try:
                if self.limit:
                    continue  # stays queued in the frontier for a resume
                if self.started >= self.limits.max_pages:
                    self.limit = "max_pages"
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
        if self.site.obey_robots and not await self.fetcher.allowed(url):
            self._fail(q, Fetched(url=url, engine="http", outcome="robots",
                                  error="disallowed by robots.txt"))
            return
        # A URL shaped like the ads found so far is fetched as an ad: under auto, rendered in
        # Chromium when plain HTTP lacks its price or description.
        hint = self.site.kind_of(q.url) or ("ad" if url_shape(q.url) in self.ad_shapes else None)
        f = await self.fetcher.fetch(url, hint)
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
        start = q.depth == 0 and (q.url in self.starts or final in self.starts)
        kind = page_role(self.site, final, ex, start=start)
        cap = capture_record(f, crawl_id=self.crawl_id, site=self.site_name, canonical_url=q.url,
                             kind=kind, depth=q.depth, title=ex.fields.get("title"),
                             html_sha=html_sha, shot_sha=shot_sha)
        out: list[Record] = [cap]
        self.summary.fetched += 1
        self.summary.run_fetched += 1
        self.summary.pages_by_kind[kind] = self.summary.pages_by_kind.get(kind, 0) + 1
        self.summary.screenshots += shot_sha is not None
        if f.elements:
            els = element_records(f.elements, cap.capture_id, self.site_name, f.final_url or url)
            out.extend(els)
            self.summary.elements += len(els)
        if kind == "ad":
            shape = url_shape(final)
            if shape.count("/") >= 2:  # "/*" alone would match every one-segment page
                self.ad_shapes.add(shape)
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

    def _enqueue(self, links: list[str], depth: int, parent: str | None = None) -> None:
        follow = self.site.patterns.get("follow", ())
        wanted: dict[str, str] = {}
        for link in links:
            if not is_crawlable(link):
                continue
            if not self.site.follow_external and host(link) not in self.hosts:
                continue
            if self.site.skips(link) or (follow and not any(re.search(p, link) for p in follow)):
                continue
            canon = canonical(link)
            if canon not in self.seen:
                wanted.setdefault(canon, link)
        if depth > self.limits.max_depth:
            self.summary.depth_capped += len(wanted)  # recorded: the depth cap cut the crawl
            return
        items: list[tuple[QueuedUrl, str]] = []
        same, other = 0, 0
        parent_key = _NUM.sub("N", parent) if parent else None
        for canon, link in wanted.items():
            key = _NUM.sub("N", canon)
            if key == parent_key and self.barren[key] >= self.limits.max_barren:
                self.summary.capped += 1
                continue
            pat = url_pattern(canon)
            if self.pattern_count[pat] >= self.limits.max_per_pattern:
                self.summary.capped += 1
                continue
            self.seen.add(canon)
            self.pattern_count[pat] += 1
            same, other = same + (key == parent_key), other + (key != parent_key)
            priority = link_priority(self.site, canon, self.ad_shapes)
            items.append((QueuedUrl(canon, link, depth, priority), pat))
        if parent_key:
            # A page whose only new link is "more of the same" (next month, next page) is barren;
            # a chain of them is a trap (endless calendar, pagination loop) and stops there.
            self.barren[parent_key] = self.barren[parent_key] + 1 if (same and not other) else 0
        for q in self.frontier.add(items):
            self._put(q)

    # -- bookkeeping --------------------------------------------------------------------------
    def _fail(self, q: QueuedUrl, f: Fetched) -> None:
        self.errors[f.outcome] += 1
        self.progress.errors += 1
        if self.summary.first_error is None:
            self.summary.first_error = f"{q.fetch_url}: {f.error or f.outcome}"[:300]
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
            self._tally()
            # The totals are stored with the URLs they count, so a resume continues them.
            self.frontier.mark_done(self.done, meta={"summary": self.summary.as_dict()})
            self.done.clear()
        self.last_flush = time.monotonic()


__all__ = ["Crawler", "CrawlParams", "capture_id_for", "needs_js"]
