"""`run_crawl`: crawl a site profile or a start URL and write records to the landing area."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from crawler.crawl import Crawler
from crawler.sitenames import check_name
from crawler.sites import Site, load_site
from crawler.summary import CrawlParams, CrawlProgress, CrawlSummary, crawl_state_dir
from crawler.urls import is_crawlable
from snarewatch.aio import run_sync
from snarewatch.config import Settings
from snarewatch.errors import ConfigError
from snarewatch.schema import stable_id, utcnow

log = logging.getLogger(__name__)
ENGINES = ("auto", "browser", "http")


def resolve_site(target: str, base_url: str | None,
                 start: Sequence[str] | None = None) -> Site:
    """A profile (name, TOML path, or the generic profile for a URL) with its start bound.

    A URL target is the start URL of the generic profile. `start` URLs replace a profile's seeds
    (and give its base URL when `base_url` is not set); the generic profile needs one.
    """
    starts = [*([target] if is_crawlable(target) else []), *(start or [])]
    for url in starts:
        if not is_crawlable(url):
            raise ConfigError(f"start URL {url!r} is not an http(s) URL")
    site = load_site("generic" if is_crawlable(target) else target)
    if starts:
        return site.with_start(starts, base_url)
    if site.name == "generic":
        raise ConfigError("the generic profile needs a start URL: snarewatch crawl generic "
                          "--start https://... (or simply: snarewatch crawl https://...)")
    return site.with_base(base_url)


def run_crawl(settings: Settings, target: str, *, base_url: str | None = None,
              keywords: Sequence[str] | None = None, max_pages: int | None = None,
              screenshots: bool | None = None, engine: str | None = None,
              resume: str | None = None, crawl_id: str | None = None,
              start: Sequence[str] | None = None, site: str | None = None,
              on_progress: Callable[[CrawlProgress], None] | None = None) -> CrawlSummary:
    """Crawl `target` (profile name, TOML path or start URL); records go to the landing area.

    Idempotent per (crawl_id, url); `resume=CRAWL_ID` continues a crawl from its persisted
    frontier with the parameters it started with (explicit arguments override them), and
    `max_pages` counts every page of the crawl, resumed or not. `start` URLs replace the
    profile's seeds; `site` names the site (default: the name its host already has, else the
    profile's name, else the host).
    """
    if engine is not None and engine not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    params = CrawlParams(target=target, base_url=base_url, keywords=list(keywords or []),
                         max_pages=max_pages, screenshots=screenshots, engine=engine,
                         start=list(start or []), site=check_name(site) if site else None)
    if resume:
        state = crawl_state_dir(settings, resume)
        if not (state / "frontier.sqlite").exists():
            raise ConfigError(f"no crawl {resume!r} to resume under {state.parent}")
        crawl_id = resume
        saved = CrawlParams.load(state)
        if site and saved.site_name and site != saved.site_name:
            raise ConfigError(f"crawl {resume} stores its pages as site {saved.site_name!r}; "
                              f"start a new crawl to name it {site!r}")
        params = saved.merged(params)
    elif crawl_id is None:
        crawl_id = stable_id("crawl", target, base_url, *params.start, utcnow().isoformat(),
                             length=12)
    profile = resolve_site(params.target, params.base_url, params.start)
    crawler = Crawler(settings, profile, params, crawl_id, crawl_state_dir(settings, crawl_id),
                      resumed=bool(resume), on_progress=on_progress)
    return run_sync(crawler.run())
