"""Out-of-fold predictions: what a student scores on labels it did not see, grouped by page/site."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from classifiers.base import BaseStudent
from classifiers.metrics import average_precision, choose_threshold, classification_report

log = logging.getLogger(__name__)


@dataclass
class CVResult:
    """Out-of-fold probabilities of one student, the threshold they suggest and its metrics."""

    student: str
    classes: tuple[str, ...]
    positive: tuple[str, ...]
    proba: np.ndarray
    folds: int
    grouped: bool
    threshold: float
    metrics: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    truth: np.ndarray | None = None  # whether each row's label is positive

    @property
    def score(self) -> np.ndarray:
        """Out-of-fold P(positive classes) per row."""
        cols = [self.classes.index(c) for c in self.positive if c in self.classes]
        return self.proba[:, cols].sum(axis=1)


def make_folds(
    labels: Sequence[str], groups: Sequence[Any] | None, k: int = 5, seed: int = 0
) -> tuple[list[tuple[np.ndarray, np.ndarray]], bool]:
    """Stratified folds, grouped when `groups` has enough distinct values (no page in two folds)."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    k = max(2, min(k, len(labels) // 4 or 2))
    y = _strata(labels, k)
    smallest = min(Counter(y.tolist()).values())
    dummy = np.zeros(len(y))
    if groups is not None and len(set(groups)) >= k and len(set(groups)) < len(y):
        splitter: Any = StratifiedGroupKFold(k, shuffle=True, random_state=seed)
        return list(splitter.split(dummy, y, groups=np.asarray(groups))), True
    # Folds cannot outnumber the rarest stratum's rows, or a fold trains without it.
    splitter = StratifiedKFold(max(2, min(k, smallest)), shuffle=True, random_state=seed)
    return list(splitter.split(dummy, y)), False


def _strata(labels: Sequence[str], k: int) -> np.ndarray:
    """The labels folds are balanced on: classes with fewer than `k` rows share one stratum
    (joined to the largest class if even together they are fewer), so rare level-2 labels
    (one `forced_enrollment` among 240) neither break stratification nor warn about it."""
    counts = Counter(str(v) for v in labels)
    rare = {c for c, n in counts.items() if n < k}
    if not rare or len(rare) == len(counts):
        return np.asarray([str(v) for v in labels])
    merged = "(rare)" if sum(counts[c] for c in rare) >= k else counts.most_common(1)[0][0]
    return np.asarray([merged if str(v) in rare else str(v) for v in labels])


def cross_validate(
    make_student: Callable[[], BaseStudent],
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    sample_weight: Sequence[float] | None = None,
    groups: Sequence[Any] | None = None,
    positive: Sequence[str] | None = None,
    k: int = 5,
    seed: int = 0,
    target: str = "f1",
    min_precision: float | None = None,
) -> CVResult:
    """Out-of-fold probabilities of a fresh student per fold, a threshold for `target`, metrics."""
    import time

    start = time.perf_counter()
    texts = list(texts)
    y = np.asarray([str(v) for v in labels])
    w = None if sample_weight is None else np.asarray(sample_weight, float)
    classes = tuple(sorted(set(y.tolist())))
    pos = tuple(positive) if positive is not None else None
    proba = np.zeros((len(y), len(classes)))
    folds, grouped = make_folds(y, groups, k=k, seed=seed)
    name = "?"
    for train_idx, test_idx in folds:
        student = make_student()
        name = student.name
        if len(set(y[train_idx].tolist())) < 2:
            proba[np.ix_(test_idx, [classes.index(y[train_idx][0])])] = 1.0
            continue
        student.fit([texts[i] for i in train_idx], y[train_idx],
                    None if w is None else w[train_idx])
        p = student.predict_proba([texts[i] for i in test_idx])
        cols = [classes.index(c) for c in student.classes_]
        proba[np.ix_(test_idx, cols)] = p
        if pos is None:
            pos = student.positive_
    pos = pos or (classes[-1],)
    is_pos = np.isin(y, pos)
    score = proba[:, [classes.index(c) for c in pos if c in classes]].sum(axis=1)
    threshold, at = choose_threshold(is_pos, score, target=target, min_precision=min_precision)
    predicted = np.asarray(classes, dtype=object)[proba.argmax(axis=1)]
    metrics: dict[str, Any] = {
        **{k_: round(v, 4) if isinstance(v, float) else v for k_, v in at.items()},
        "average_precision": round(average_precision(is_pos, score), 4),
        "n": len(y), "folds": len(folds), "grouped": grouped,
    }
    if len(classes) > 2:
        report = classification_report(y.tolist(), predicted.tolist(), classes)
        metrics["macro_f1_classes"] = round(report["macro"]["f1"], 4)
        metrics["accuracy_classes"] = round(report["accuracy"], 4)
    return CVResult(student=name, classes=classes, positive=tuple(pos), proba=proba,
                    folds=len(folds), grouped=grouped, threshold=threshold, metrics=metrics,
                    seconds=time.perf_counter() - start, truth=is_pos)
