"""Typed job records: what each use case is asked to do, the same from every door.

The CLI builds a job from its options, the API from its request, a schedule entry from its
TOML; a Celery task's payload is the job's `model_dump(mode="json")` and the task validates it
back. Fields keep the names the worker's payloads and `[[schedule]]` options have always used.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Job(BaseModel):
    """Base of the job records: frozen, and unknown fields are an error, not ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def payload(self) -> dict[str, object]:
        """The job as a JSON-friendly dict (a Celery task's kwargs)."""
        return self.model_dump(mode="json")


class CrawlJob(Job):
    """Crawl a site profile, a .toml profile or a start URL; or a batch of seed URLs.

    `site` is what to crawl (a profile name, a .toml path or a URL); `site_name` names the
    site its pages are stored under (`--site`). A given `crawl_id` whose frontier exists is
    resumed, so a re-delivered task completes its own crawl.
    """

    site: str | None = None
    seeds: list[str] = Field(default_factory=list)
    crawl_id: str | None = None
    resume: str | None = None
    base_url: str | None = None
    keywords: list[str] = Field(default_factory=list)
    max_pages: int | None = Field(default=None, ge=1)
    screenshots: bool | None = None
    engine: str | None = None  # checked by the crawler: auto, browser or http
    start: list[str] = Field(default_factory=list)
    site_name: str | None = None
    load: bool = True


class LabelJob(Job):
    """Label a sample of a task's items with the teacher (plan only, with `plan`)."""

    task: str
    budget: int | None = Field(default=None, ge=0)
    method: Literal["diversity", "random", "lts", "uncertainty"] = "diversity"
    backend: str | None = None
    seed: int = 0
    max_cost: float | None = Field(default=None, ge=0)
    answer: Literal["yesno", "letters", "names"] = "yesno"
    knn: int = Field(default=0, ge=0)
    fudd: bool = False
    variants: int = Field(default=1, ge=1)
    abstain: bool = False
    cascade: bool = False
    band: tuple[float, float] = (0.2, 0.8)
    plan: bool = False


class TrainJob(Job):
    """Train a student on a task's current labels (human over LLM)."""

    task: str
    student: Literal["auto", "tfidf", "embed", "hybrid", "finetune"] = "auto"
    min_precision: float | None = Field(default=None, ge=0.0, le=1.0)
    folds: int = Field(default=5, ge=2)
    seed: int = 0
    force: bool = False


class ClassifyJob(Job):
    """Classify a task's items with a student; the teacher re-checks flags with `verify`.

    `verify=None` verifies when the task has hand labels of both kinds.
    """

    task: str
    model_id: str | None = None
    since: datetime | None = None
    verify: bool | None = False
    verify_budget: int | None = Field(default=None, ge=0)
    backend: str | None = None
    load: bool = True


class AuditJob(Job):
    """Audit pages for deceptive design: visits, page checks, text student, verdict."""

    urls: list[str]
    wait_s: float = Field(default=2.0, ge=0)
    follow_checkout: bool = True
    store: bool = True
    site: str | None = None
    concurrency: int = Field(default=1, ge=1)


class DetectJob(Job):
    """Run the deceptive-UI page checks over stored captures and give each page a verdict."""

    site: str | None = None
    limit: int | None = Field(default=None, ge=1)
    force: bool = False
    batch: int = Field(default=200, ge=1)
    student: bool = True


class LoopJob(Job):
    """Active learning: label what the student is unsure of, retrain, repeat."""

    task: str
    rounds: int = Field(default=5, ge=1)
    per_round: int = Field(default=100, ge=1)
    student: Literal["auto", "tfidf", "embed", "hybrid", "finetune"] = "tfidf"
    backend: str | None = None
    min_gain: float = 0.005
    seed: int = 0
    max_cost: float | None = Field(default=None, ge=0)
    gold: Path | None = None
    plan: bool = False


class DemoJob(Job):
    """The whole pipeline on the local demo marketplace, scored against its ground truth."""

    budget: int = Field(default=240, ge=1)
    backend: str | None = None
    max_pages: int | None = Field(default=None, ge=1)
    seed: int = 0
    review: int = Field(default=40, ge=0)  # least sure findings a person checks (0: none)
