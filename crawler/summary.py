"""What a crawl is asked and what it did: its parameters, its progress and its summary.

Plain records shared by the crawl loop (`crawler.crawl`), its entry point (`crawler.run`) and
the words about its outcome (`crawler.outcome`), so none of them imports another for them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from snarewatch.config import Settings


@dataclass
class CrawlParams:
    """The parameters a crawl started with (persisted, so a resume uses the same ones).

    `site` is the name the user gave (`--site`); `site_name` the name the crawl stores its
    pages under, fixed on its first run.
    """

    target: str
    base_url: str | None = None
    keywords: list[str] = field(default_factory=list)
    max_pages: int | None = None
    screenshots: bool | None = None
    engine: str | None = None
    start: list[str] = field(default_factory=list)
    site: str | None = None
    site_name: str | None = None

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
                   if f.name not in ("target", "site_name")
                   and getattr(override, f.name) not in (None, [])}
        return replace(self, **updates)


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
    """What a crawl did, over all its runs (a resume adds to it); `run_*` is the last run only.

    `errors_by_kind` counts unfetched URLs by outcome, `failed` those that are failures (not
    robots.txt or content-type refusals); `status` is done, partial (some failed), failed (none
    fetched) or interrupted; `stop_reason` says why it stopped; `note` why it found no ad.
    """

    crawl_id: str
    site: str = ""
    status: str = "done"
    fetched: int = 0
    ads: int = 0
    elements: int = 0
    screenshots: int = 0
    duplicates: int = 0
    failed: int = 0
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    pages_by_kind: dict[str, int] = field(default_factory=dict)
    queued_left: int = 0
    seconds: float = 0.0
    stop_reason: str | None = None
    capped: int = 0
    depth_capped: int = 0
    run_fetched: int = 0
    run_seconds: float = 0.0
    first_error: str | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (for JSON output and the Crawl record's stats)."""
        return asdict(self)

    @classmethod
    def restore(cls, crawl_id: str, stats: dict[str, Any] | None) -> CrawlSummary:
        """The totals a crawl had stored, to continue counting on a resume."""
        known = {f for f in cls.__dataclass_fields__ if not f.startswith("run_")}
        return cls(**{k: v for k, v in (stats or {}).items() if k in known} | {
            "crawl_id": crawl_id})


def crawl_state_dir(settings: Settings, crawl_id: str) -> Path:
    """Where a crawl's frontier and parameters persist."""
    return settings.data_dir / "crawls" / crawl_id
