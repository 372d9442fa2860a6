"""The active loop: sample, label, train, repeat, until the budget is spent or F1 stops rising.

The loop belongs to no stage: the caller (the CLI) passes the labeler's functions in, so the
classifiers stage never imports the labeler. Rounds alternate uncertainty sampling (items the
current student is least sure of) with diversity sampling (items unlike anything labelled yet):
uncertainty alone keeps asking about one confusing region of the data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from classifiers.classify import predict_texts
from classifiers.registry import load_model
from classifiers.train import MIN_LABELS, TrainResult, resolve_task, train_task
from snarewatch.config import Settings
from snarewatch.schema import Promotion
from snarewatch.store import Landing, load_pending, query_records
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


@dataclass
class LoopSummary:
    """All rounds, why the loop stopped, and the final model."""

    task: str
    rounds: list[RoundReport] = field(default_factory=list)
    stopped: str = ""
    final: TrainResult | None = None


def _items_and_labels(settings: Settings, task: TaskSpec) -> tuple[list[str], list[str], set[str]]:
    items = query_records(settings.db_path, "SELECT item_id, text FROM items WHERE item_kind = ? "
                          "ORDER BY item_id", [task.item_kind])
    labelled = query_records(settings.db_path, "SELECT item_id FROM current_labels WHERE task = ? "
                             "AND value IS NOT NULL", [task.name])
    return ([r["item_id"] for r in items], [r["text"] or "" for r in items],
            {r["item_id"] for r in labelled})


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
) -> LoopSummary:
    """Run up to `rounds` rounds of `per_round` labels each; train after every round."""
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
        load_pending(settings.db_path, settings.landing_dir)
        ids, texts, labelled = _items_and_labels(settings, task)
        report = RoundReport(round=r, method=method, chosen=len(chosen), labels=len(labelled),
                             model_id=None, cv_f1=None)
        if len(labelled) >= MIN_LABELS:
            result = train_task(settings, task, student=student, seed=seed, promote_if_first=False)
            load_pending(settings.db_path, settings.landing_dir)
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
    else:
        summary.stopped = f"budget spent ({rounds} rounds of {per_round})"
    summary.final = result
    if promote and result is not None:
        Landing(settings.landing_dir).write([Promotion(task=task.name,
                                                       model_id=result.model.model_id)])
        load_pending(settings.db_path, settings.landing_dir)
    return summary
