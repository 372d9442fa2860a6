"""The active-loop use case: sample, label, train, repeat, until the budget is spent or F1 stops
rising.

The loop belongs to no stage: it composes the labeler (embed, select, label) and the
classifiers (train, predict). `active_loop` takes the labeler's functions as arguments, so it
runs on stand-ins too; `run` wires the real ones. Rounds alternate uncertainty sampling (items
the current student is least sure of) with diversity sampling (items unlike anything labelled
yet): uncertainty alone keeps asking about one confusing region of the data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from classifiers.classify import predict_texts
from classifiers.registry import load_model
from classifiers.train import MIN_LABELS, TrainResult, train_task
from snarewatch.config import Settings
from snarewatch.pipeline.hooks import QUIET, Hooks
from snarewatch.pipeline.jobs import LoopJob
from snarewatch.schema import Promotion
from snarewatch.store import Landing
from snarewatch.store.reads import item_texts, labelled_item_ids
from snarewatch.tasks import resolve_task
from snarewatch.taskspec import TaskSpec

log = logging.getLogger(__name__)

LabelFn = Callable[[list[str]], Any]
"""Labels the given item ids (writes Label records to landing)."""
EmbedFn = Callable[[list[str], list[str]], np.ndarray]
"""(texts, item_ids) -> normalised embeddings."""
SelectFn = Callable[..., Sequence[int]]
"""(method, embeddings, budget, *, seed, scores, exclude) -> chosen row indices."""


@dataclass
class RoundReport:
    """One round: how items were chosen, how many, and the student trained after labelling."""

    round: int
    method: str
    chosen: int
    labels: int
    model_id: str | None
    cv_f1: float | None
    gold_f1: float | None = None


@dataclass
class LoopSummary:
    """All rounds, why the loop stopped, and the final model."""

    task: str
    rounds: list[RoundReport] = field(default_factory=list)
    stopped: str = ""
    final: TrainResult | None = None
    curve: Any = None
    plan: Any = None


def _items_and_labels(settings: Settings,
                      task: TaskSpec) -> tuple[list[str], list[str], set[str]]:
    items = item_texts(settings.db_path, task.item_kind)
    return ([i.item_id for i in items], [i.text for i in items],
            labelled_item_ids(settings.db_path, task.name))


def active_loop(
    settings: Settings,
    task: TaskSpec | str,
    *,
    rounds: int,
    per_round: int,
    label_fn: LabelFn,
    embed_fn: EmbedFn,
    select_fn: SelectFn,
    student: str = "tfidf",
    seed: int = 0,
    min_gain: float = 0.005,
    promote: bool = True,
    on_round: Callable[[RoundReport], None] | None = None,
    hooks: Hooks = QUIET,
    spent: Callable[[], str | None] | None = None,
) -> LoopSummary:
    """Run up to `rounds` rounds of `per_round` labels each; train after every round.

    `spent`, asked after each round's labels, names a cap that was reached (then the loop
    stops after training on what it has).
    """
    task = resolve_task(task)
    summary = LoopSummary(task=task.name)
    ids, texts, labelled = _items_and_labels(settings, task)
    emb = embed_fn(texts, ids)
    best_f1 = -1.0
    result: TrainResult | None = None
    scores: np.ndarray | None = None
    for r in range(rounds):
        exclude = [i for i, item in enumerate(ids) if item in labelled]
        if len(exclude) >= len(ids):
            summary.stopped = "every item is labelled"
            break
        method = "uncertainty" if scores is not None and r % 2 == 1 else "diversity"
        chosen = list(select_fn(method, emb, per_round, seed=seed + r,
                                scores=scores if method == "uncertainty" else None,
                                exclude=exclude))
        label_fn([ids[i] for i in chosen])
        hooks.load(settings)
        capped = spent() if spent is not None else None
        ids, texts, labelled = _items_and_labels(settings, task)
        report = RoundReport(round=r, method=method, chosen=len(chosen), labels=len(labelled),
                             model_id=None, cv_f1=None)
        if len(labelled) >= MIN_LABELS:
            result = train_task(settings, task, student=student, seed=seed, promote_if_first=False)
            hooks.load(settings)
            f1 = float(result.cv[result.student]["f1"])
            report.model_id, report.cv_f1 = result.model.model_id, f1
            clf = load_model(result.model)
            # The sampler ranks by distance to 0.5; centring on the threshold makes it rank by
            # distance to the student's actual decision boundary.
            raw = np.array([s for _, s, _ in predict_texts(clf, texts)])
            scores = np.clip(raw - clf.threshold + 0.5, 0.0, 1.0)
            summary.rounds.append(report)
            if on_round:
                on_round(report)
            if f1 < best_f1 + min_gain and r > 0:
                summary.stopped = f"CV F1 stopped improving ({f1:.3f} vs best {best_f1:.3f})"
                best_f1 = max(best_f1, f1)
                break
            best_f1 = max(best_f1, f1)
        else:
            summary.rounds.append(report)
            if on_round:
                on_round(report)
        if not chosen:
            summary.stopped = "the sampler found nothing new to label"
            break
        if capped:
            summary.stopped = capped
            break
    else:
        summary.stopped = f"budget spent ({rounds} rounds of {per_round})"
    summary.final = result
    if promote and result is not None:
        Landing(settings.landing_dir).write([Promotion(task=task.name,
                                                       model_id=result.model.model_id)])
        hooks.load(settings)
    return summary


def run(settings: Settings, job: LoopJob, hooks: Hooks = QUIET, *,
        on_round: Callable[[RoundReport], None] | None = None) -> LoopSummary:
    """The loop with the real teacher, encoder and sampler; `max_cost` caps all its rounds."""
    from labeler.embed import embed_texts
    from labeler.llm import make_backend
    from labeler.run import label_items
    from labeler.sampling import select
    from snarewatch.tasks import load_task

    spec = load_task(job.task)
    if job.plan:
        from labeler.plan import plan_labels

        # Every round's labels at once: what the whole loop may ask of the teacher.
        return LoopSummary(task=spec.name, stopped="plan only", plan=plan_labels(
            settings, spec, budget=job.rounds * job.per_round, method="random",
            backend=job.backend, measure=3))
    llm = make_backend(settings, job.backend)
    cost = [0.0]

    def label(item_ids: list[str]) -> Any:
        # The loop already chose these items; "random" over exactly them keeps them all.
        left = None if job.max_cost is None else max(0.0, job.max_cost - cost[0])
        done = label_items(settings, spec, budget=len(item_ids), method="random", backend=llm,
                           seed=job.seed, item_ids=item_ids, max_cost=left)
        cost[0] += done.cost_usd
        return done

    def choose(method: str, emb: Any, budget: int, **kw: Any) -> list[int]:
        return list(select(method, emb, budget, **kw).indices)

    curve = None
    if job.gold is not None:
        from classifiers.budget import BudgetCurve
        from snarewatch.report.evaluations import BUDGET_CURVE_FILE

        curve = BudgetCurve(settings.data_dir / BUDGET_CURVE_FILE, spec.name, job.gold)

    def scored(r: RoundReport) -> None:
        if curve is not None and r.model_id is not None:
            r.gold_f1 = curve.add(settings, r.model_id, r.labels)
        if on_round is not None:
            on_round(r)

    def capped() -> str | None:
        if job.max_cost is not None and cost[0] >= job.max_cost:
            return f"max cost reached (${cost[0]:.4f} of ${job.max_cost:.4f})"
        return None

    summary = active_loop(
        settings, spec, rounds=job.rounds, per_round=job.per_round, label_fn=label,
        embed_fn=lambda texts, ids: embed_texts(texts, cache_dir=settings.cache_dir, keys=ids),
        select_fn=choose, student=job.student, seed=job.seed, min_gain=job.min_gain,
        on_round=scored, hooks=hooks, spent=capped)
    summary.curve = curve
    return summary
