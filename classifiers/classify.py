"""Run a task's student over every item of its kind and land the predictions.

Idempotent: items this model already scored are skipped, so a re-run (or a run after a crash)
only scores what is new. `predict_texts` is the fast path the local API uses per request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from classifiers.base import BaseStudent
from classifiers.registry import (
    ModelNotFoundError,
    get_model,
    load_model,
    newest_model,
    promoted_model,
)
from snarewatch.config import Settings
from snarewatch.errors import SnarewatchError
from snarewatch.schema import Prediction, Run, stable_id, utcnow
from snarewatch.store import Landing
from snarewatch.store.reads import unscored_items
from snarewatch.taskspec import TaskSpec

log = logging.getLogger(__name__)

BATCH = 1024


@dataclass
class ClassifySummary:
    """Counts of one classify run."""

    task: str
    model_id: str
    run_id: str
    total: int = 0
    skipped: int = 0
    predicted: int = 0
    positive: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def __str__(self) -> str:
        return (f"classified {self.predicted} of {self.total} items with {self.model_id} "
                f"({self.skipped} already done, {self.failed} failed): {self.positive} positive, "
                f"{self.items_per_s:,.0f} items/s")

    @property
    def items_per_s(self) -> float:
        """Prediction throughput of the run."""
        return self.predicted / self.seconds if self.seconds else 0.0


def predict_texts(clf: BaseStudent, texts: Sequence[str],
                  threshold: float | None = None) -> list[tuple[str, float, bool]]:
    """(label, score, positive) per text: score = P(positive classes), positive = score >= cut.

    The cut is the student's threshold unless `threshold` is given. The label is the most
    probable positive class for a positive text and the most probable negative class
    otherwise, so label and flag never disagree.
    """
    if not texts:
        return []
    cut = clf.threshold if threshold is None else threshold
    proba = clf.predict_proba(list(texts))
    pos_cols = [clf.classes_.index(c) for c in clf.positive_]
    neg_cols = [i for i in range(len(clf.classes_)) if i not in pos_cols]
    score = proba[:, pos_cols].sum(axis=1)
    flag = score >= cut
    best_pos = np.asarray(pos_cols)[proba[:, pos_cols].argmax(axis=1)]
    best_neg = (np.asarray(neg_cols)[proba[:, neg_cols].argmax(axis=1)] if neg_cols
                else best_pos)
    chosen = np.where(flag, best_pos, best_neg)
    return [(clf.classes_[c], float(s), bool(f))
            for c, s, f in zip(chosen, score, flag, strict=True)]


def _pending_items(settings: Settings, task: str, kind: str, model_id: str,
                   since: datetime | None) -> tuple[list[tuple[str, str]], int]:
    items, total = unscored_items(settings.db_path, kind, task, model_id, since=since)
    return [(i.item_id, i.text) for i in items], total


def classify_task(
    settings: Settings,
    task: TaskSpec | str,
    *,
    model_id: str | None = None,
    since: datetime | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH,
    propose: bool = False,
) -> ClassifySummary:
    """Predict every not-yet-scored item of the task's kind with a model (default: promoted).

    `propose` flags from the card's `propose_threshold` (for a teacher to verify) instead of its
    threshold; students trained now record the threshold itself there, older cards a lower,
    recall-oriented cut.
    """
    start = time.perf_counter()
    name = task if isinstance(task, str) else task.name
    info = get_model(settings, model_id) if model_id else promoted_model(settings, name)
    if info is None:
        newest = newest_model(settings, name)
        if newest is not None:
            raise ModelNotFoundError(
                f"task {name!r} has no promoted model: {newest.model_id} was not promoted ("
                f"{'; '.join(newest.card.get('guards') or ['see its card'])}); label more and "
                f"train again, or `snarewatch models promote {newest.model_id}`")
        raise ModelNotFoundError(f"task {name!r} has no model yet: run `snarewatch train {name}`")
    if info.task != name:
        raise ModelNotFoundError(f"model {info.model_id} is for task {info.task!r}, not {name!r}")
    kind = task.item_kind if not isinstance(task, str) else info.card.get("item_kind")
    if kind is None:
        raise SnarewatchError(f"model {info.model_id} does not say which items it classifies")
    clf = load_model(info)
    cut = float(info.card.get("propose_threshold", clf.threshold)) if propose else clf.threshold
    run_id = f"classify-{stable_id(name, info.model_id, utcnow().isoformat(), length=12)}"
    started = utcnow()
    items, total = _pending_items(settings, name, str(kind), info.model_id, since)
    summary = ClassifySummary(task=name, model_id=info.model_id, run_id=run_id, total=total,
                              skipped=total - len(items))
    landing = Landing(settings.landing_dir)
    if on_progress:
        on_progress(0, len(items))
    for lo in range(0, len(items), batch_size):
        batch = items[lo:lo + batch_size]
        results = _predict_batch(clf, batch, summary, cut)
        landing.write([
            Prediction(task=name, item_id=item_id, item_kind=kind, model_id=info.model_id,
                       label=label, score=score, threshold=cut, positive=flag,
                       run_id=run_id)
            for (item_id, _), (label, score, flag) in results
        ])
        summary.predicted += len(results)
        summary.positive += sum(1 for _, (_, _, flag) in results if flag)
        if on_progress:
            on_progress(min(lo + batch_size, len(items)), len(items))
    summary.seconds = time.perf_counter() - start
    landing.write([Run(run_id=run_id, kind="classify", started_at=started, finished_at=utcnow(),
                       status="done", params={"task": name, "model_id": info.model_id,
                                              "since": since.isoformat() if since else None},
                       stats={"total": total, "skipped": summary.skipped,
                              "predicted": summary.predicted, "positive": summary.positive,
                              "failed": summary.failed})])
    return summary


def _predict_batch(clf: BaseStudent, batch: list[tuple[str, str]], summary: ClassifySummary,
                   cut: float) -> list[tuple[tuple[str, str], tuple[str, float, bool]]]:
    try:
        return list(zip(batch, predict_texts(clf, [t for _, t in batch], cut), strict=True))
    except (ValueError, RuntimeError, MemoryError) as exc:
        # One bad text must not cost the batch: retry item by item and count the failures.
        log.warning("batch failed (%s); retrying item by item", exc)
    out = []
    for item in batch:
        try:
            out.append((item, predict_texts(clf, [item[1]], cut)[0]))
        except (ValueError, RuntimeError) as exc:
            summary.failed += 1
            summary.errors.append(f"{item[0]}: {exc}")
    return out
