"""The crawl use case: one crawl of a site, or one crawl per seed URL of a batch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from snarewatch.config import Settings
from snarewatch.pipeline.hooks import QUIET, Hooks
from snarewatch.pipeline.jobs import CrawlJob
from snarewatch.schema import stable_id

if TYPE_CHECKING:
    from crawler.summary import CrawlProgress, CrawlSummary


@dataclass
class CrawlRun:
    """The crawls a job made (one, or one per seed), how many were resumed, rows loaded."""

    crawls: list[CrawlSummary] = field(default_factory=list)
    resumed: int = 0
    loaded: int | None = None

    @property
    def status(self) -> str:
        """done when every crawl is done, else their statuses joined by commas."""
        statuses = [c.status for c in self.crawls]
        return "done" if all(s == "done" for s in statuses) else ",".join(statuses)

    def stats(self) -> dict[str, Any]:
        """Totals over the crawls (and, for one crawl, its whole summary)."""
        totals: dict[str, Any] = {
            "crawls": len(self.crawls), "resumed": self.resumed,
            "fetched": sum(c.fetched for c in self.crawls),
            "ads": sum(c.ads for c in self.crawls),
            "errors": sum(sum(c.errors_by_kind.values()) for c in self.crawls)}
        if len(self.crawls) == 1:
            totals.update(self.crawls[0].as_dict())
        totals["status"] = self.status
        return totals


def targets(job: CrawlJob) -> list[tuple[str, str | None]]:
    """(what to crawl, crawl id) pairs: the site, or each seed with an id derived from the job's."""
    if job.site:
        return [(job.site, job.crawl_id)]
    if not job.seeds:
        raise ValueError("crawl needs a site or seeds")
    return [(seed, stable_id(job.crawl_id, seed, length=12) if job.crawl_id else None)
            for seed in job.seeds]


def run(settings: Settings, job: CrawlJob, hooks: Hooks = QUIET, *,
        on_progress: Callable[[CrawlProgress], None] | None = None) -> CrawlRun:
    """Crawl what the job names; records land, and are loaded when the door loads inline."""
    from crawler.run import run_crawl
    from crawler.summary import crawl_state_dir

    result = CrawlRun()
    for target, crawl_id in targets(job):
        resume = job.resume
        if resume is None and crawl_id is not None and \
                (crawl_state_dir(settings, crawl_id) / "frontier.sqlite").exists():
            resume = crawl_id  # a re-run of the same job continues its crawl
        summary = run_crawl(settings, target, base_url=job.base_url,
                            keywords=job.keywords or None, max_pages=job.max_pages,
                            screenshots=job.screenshots, engine=job.engine, resume=resume,
                            crawl_id=None if resume else crawl_id, start=job.start or None,
                            site=job.site_name, on_progress=on_progress)
        result.crawls.append(summary)
        result.resumed += int(resume is not None)
    if job.load and hooks.loads_inline:
        result.loaded = hooks.load(settings)
    return result
