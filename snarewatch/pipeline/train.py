"""The train use case: a student from a task's current labels, saved with its card."""

from __future__ import annotations

from typing import Any

from snarewatch.config import Settings
from snarewatch.pipeline.hooks import QUIET, Hooks
from snarewatch.pipeline.jobs import TrainJob


def run(settings: Settings, job: TrainJob, hooks: Hooks = QUIET) -> Any:
    """Train, cross-validate and (when the guards allow) promote; returns the `TrainResult`."""
    from classifiers.train import train_task
    from snarewatch.tasks import load_task

    spec = load_task(job.task)
    with hooks.progress(f"training {spec.name} ({job.student})", transient=True):
        result = train_task(settings, spec, student=job.student, seed=job.seed, folds=job.folds,
                            target="precision" if job.min_precision is not None else "f1",
                            min_precision=job.min_precision, force=job.force)
    hooks.load(settings)
    return result
