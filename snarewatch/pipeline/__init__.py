"""The use cases: one module each, between the stages below and the doors above.

Each use case module has `run(settings, job, hooks) -> summary`: it takes the `Settings`, a
typed job record (`snarewatch.pipeline.jobs`) and the door's `Hooks`, composes the stages and
returns one typed summary. The CLI commands, the Celery tasks and the HTTP API are thin
adapters over these, so every capability runs from every door with the same caps.

Stage imports stay inside the functions: importing this package loads no stage.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from snarewatch.pipeline.jobs import (
    AuditJob,
    ClassifyJob,
    CrawlJob,
    DemoJob,
    DetectJob,
    Job,
    LabelJob,
    LoopJob,
    TrainJob,
)

USE_CASES: dict[str, type[Job]] = {
    "crawl": CrawlJob,
    "label": LabelJob,
    "train": TrainJob,
    "classify": ClassifyJob,
    "audit": AuditJob,
    "detect": DetectJob,
    "loop": LoopJob,
    "demo": DemoJob,
}
"""Use case name -> its job record; the module is `snarewatch.pipeline.<name>`."""


def use_case(name: str) -> ModuleType:
    """The module of a use case (imported on first use; its `run` does the work)."""
    if name not in USE_CASES:
        raise KeyError(f"no use case {name!r} (known: {', '.join(USE_CASES)})")
    return importlib.import_module(f"snarewatch.pipeline.{name}")


__all__ = ["USE_CASES", "use_case"]
