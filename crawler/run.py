"""`run_crawl`: crawl a site profile or a start URL and write records to the landing area."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from crawler.sites import Site, load_site
from crawler.urls import is_crawlable
from snarewatch.aio import run_sync
from snarewatch.config import Settings
from snarewatch.errors import ConfigError
from snarewatch.schema import stable_id, utcnow

log = logging.getLogger(__name__)
ENGINES = ("auto", "browser", "http")


@dataclass
class CrawlProgress:
    """A snapshot reported after every page."""

    crawl_id: str
    fetched: int = 0
    queued: int = 0
    ads: int = 0
    errors: int = 0
    elapsed_s: float = 0.0

    @property
    def pages_per_min(self) -> float:
        """Fetch rate so far."""
        return self.fetched * 60.0 / self.elapsed_s if self.elapsed_s > 0 else 0.0


@dataclass
class CrawlSummary:
    """What a crawl did; `errors_by_kind` counts failed URLs by outcome."""

    crawl_id: str
    site: str = ""
    status: str = "done"
    fetched: int = 0
    ads: int = 0
    elements: int = 0
    screenshots: int = 0
    duplicates: int = 0
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    queued_left: int = 0
    seconds: float = 0.0
    stop_reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (for JSON output and the Crawl record's stats)."""
        return asdict(self)


def crawl_state_dir(settings: Settings, crawl_id: str) -> Path:
    """Where a crawl's frontier and parameters persist."""
    return settings.data_dir / "crawls" / crawl_id


def resolve_site(target: str, base_url: str | None) -> Site:
    """A profile name or TOML path with its base URL bound, or the generic profile for a URL."""
    if is_crawlable(target):
        return load_site("generic").with_base(target)
    return load_site(target).with_base(base_url)


def run_crawl(settings: Settings, target: str, *, base_url: str | None = None,
              keywords: Sequence[str] | None = None, max_pages: int | None = None,
              screenshots: bool | None = None, engine: str | None = None,
              resume: str | None = None, crawl_id: str | None = None,
              on_progress: Callable[[CrawlProgress], None] | None = None) -> CrawlSummary:
    """Crawl `target` (profile name, TOML path or start URL); records go to the landing area.

    Idempotent per (crawl_id, url); `resume=CRAWL_ID` continues a crawl from its persisted
    frontier with the parameters it started with (explicit arguments override them).
    """
    from crawler.crawl import Crawler, CrawlParams

    if engine is not None and engine not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    params = CrawlParams(target=target, base_url=base_url, keywords=list(keywords or []),
                         max_pages=max_pages, screenshots=screenshots, engine=engine)
    if resume:
        state = crawl_state_dir(settings, resume)
        if not (state / "frontier.sqlite").exists():
            raise ConfigError(f"no crawl {resume!r} to resume under {state.parent}")
        crawl_id = resume
        params = CrawlParams.load(state).merged(params)
    elif crawl_id is None:
        crawl_id = stable_id("crawl", target, base_url, utcnow().isoformat(), length=12)
    site = resolve_site(params.target, params.base_url)
    crawler = Crawler(settings, site, params, crawl_id, crawl_state_dir(settings, crawl_id),
                      resumed=bool(resume), on_progress=on_progress)
    start = time.monotonic()
    summary = run_sync(crawler.run())
    summary.seconds = round(time.monotonic() - start, 3)
    return summary
