"""The label use case: how the teacher is asked (kNN, FuDD, abstain, cascade), plan or run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from snarewatch.config import Settings
from snarewatch.pipeline.hooks import QUIET, Hooks
from snarewatch.pipeline.jobs import LabelJob
from snarewatch.store.reads import item_fields


@dataclass
class LabelRun:
    """A label run's summary (or, with `plan`, its plan), and the teacher that was asked.

    `cascade` holds the cascade's split (items for the LLM, unscored, left to the student).
    """

    task: Any
    summary: Any = None
    plan: Any = None
    backend: Any = None
    cascade: Any = None

    def stats(self) -> Any:
        """What the worker records for the run: the label summary, else the plan."""
        return self.summary if self.summary is not None else self.plan


def teaching_for(s: Settings, task: Any, backend_name: Any, *, knn: int = 0,
                 fudd: bool = False, variants: int = 1, abstain: bool = False,
                 answer: str = "yesno", hooks: Hooks = QUIET) -> tuple[Any, Any]:
    """The backend and the `Teaching` (kNN pool, FuDD notes, abstention) the options ask for.

    `backend_name` is a backend name (None: the configured one) or a backend object.
    """
    from labeler.llm import make_backend
    from labeler.run import Teaching
    from labeler.strategy import Strategy
    from labeler.teach import fudd_notes, pool_from_store

    backend = make_backend(s, backend_name) if backend_name is None or \
        isinstance(backend_name, str) else backend_name
    teaching = Teaching(strategy=Strategy(knn=knn, fudd=fudd, variants=variants, answer=answer),
                        abstain=abstain)
    if knn:
        teaching.pool = pool_from_store(s, task)
        if teaching.pool is None:
            hooks.note(f"--knn: no human labels for {task.name} yet, so no examples "
                       f"(draw some with `snarewatch labels seed {task.name}`)")
    if fudd:
        seed = [] if teaching.pool is None else \
            [{"text": t, "label": lab} for t, lab in zip(teaching.pool.texts,
                                                          teaching.pool.labels, strict=True)]
        teaching.notes = fudd_notes(backend, task, s.cache_dir, seed)
    return backend, teaching


def run(settings: Settings, job: LabelJob, hooks: Hooks = QUIET, *,
        backend: Any = None) -> LabelRun:
    """Plan or run a label job; `backend` (an object) overrides the job's backend name."""
    from snarewatch.tasks import load_task

    task = load_task(job.task)
    hooks.load(settings)
    result = LabelRun(task=task)
    item_ids = None
    if job.cascade:
        from labeler.cascade import cascade_items
        ids = [i["item_id"] for i in item_fields(settings.db_path, task.item_kind)]
        result.cascade = cascade_items(settings, task, ids, low=job.band[0], high=job.band[1])
        item_ids = result.cascade.item_ids
        hooks.note(f"cascade: {len(item_ids)} items for the LLM ({result.cascade.unscored} "
                   f"unscored), {result.cascade.student_sure} left to the student")
    if job.plan:
        from labeler.plan import plan_labels
        from labeler.strategy import Strategy

        result.plan = plan_labels(settings, task, budget=job.budget, method=job.method,
                                  backend=job.backend, item_ids=item_ids,
                                  strategy=Strategy(knn=job.knn, fudd=job.fudd,
                                                    variants=job.variants, answer=job.answer),
                                  measure=3)
        return result
    from labeler.run import label_items

    result.backend, teaching = teaching_for(
        settings, task, backend if backend is not None else job.backend, knn=job.knn,
        fudd=job.fudd, variants=job.variants, abstain=job.abstain, answer=job.answer,
        hooks=hooks)
    with hooks.progress(f"label {task.name}") as advance:
        def on_progress(done: int, total: int, cost: float, labels_per_min: float,
                        failed: int) -> None:
            advance(completed=done, total=total,
                    status=f"{labels_per_min:.0f} labels/min  ${cost:.4f}  {failed} failed")

        result.summary = label_items(settings, task, budget=job.budget, method=job.method,
                                     backend=result.backend, seed=job.seed,
                                     max_cost=job.max_cost, on_progress=on_progress,
                                     item_ids=item_ids, teaching=teaching)
    hooks.load(settings)
    return result
