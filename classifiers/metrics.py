"""Metrics and decision thresholds, computed on out-of-fold or held-out predictions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def binary_metrics(y_true: Sequence[bool], positive: Sequence[bool]) -> dict[str, float]:
    """Precision, recall and F1 of boolean predictions against boolean truth."""
    t = np.asarray(y_true, bool)
    p = np.asarray(positive, bool)
    tp = int((t & p).sum())
    fp = int((~t & p).sum())
    fn = int((t & ~p).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": int(t.sum())}


def choose_threshold(
    y_true: Sequence[bool], score: Sequence[float], *, target: str = "f1",
    min_precision: float | None = None,
) -> tuple[float, dict[str, float]]:
    """The score threshold that maximises F1, or recall subject to a precision floor.

    With `min_precision`, the lowest threshold whose precision reaches the floor (the most recall
    the user's precision budget allows); if no threshold reaches it, the most precise one.
    Returns the threshold and the metrics it gives on these rows.
    """
    t = np.asarray(y_true, bool)
    s = np.asarray(score, float)
    if len(t) == 0 or t.all() or not t.any():
        return 0.5, binary_metrics(t, s >= 0.5)
    # Candidate cuts: midpoints between distinct scores, so the choice generalises a little.
    distinct = np.unique(s)
    cuts = np.concatenate([[distinct[0] - 1e-9], (distinct[:-1] + distinct[1:]) / 2]) if len(
        distinct) > 1 else distinct
    best: tuple[float, float, dict[str, float]] | None = None
    fallback: tuple[float, float, dict[str, float]] | None = None
    for cut in cuts:
        m = binary_metrics(t, s >= cut)
        if min_precision is not None or target == "precision":
            floor = 0.9 if min_precision is None else min_precision
            if m["precision"] >= floor and (best is None or m["recall"] > best[1]):
                best = (float(cut), m["recall"], m)
            if fallback is None or m["precision"] > fallback[1]:
                fallback = (float(cut), m["precision"], m)
        elif best is None or m["f1"] > best[1]:
            best = (float(cut), m["f1"], m)
    chosen = best or fallback
    assert chosen is not None
    return float(np.clip(chosen[0], 0.0, 1.0)), chosen[2]


def classification_report(
    y_true: Sequence[str], y_pred: Sequence[str], classes: Sequence[str] | None = None
) -> dict[str, Any]:
    """Per-class precision/recall/F1, macro averages and the confusion matrix (rows = truth)."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    labels = list(classes) if classes else sorted(set(y_true) | set(y_pred))
    p, r, f, n = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per_class = {c: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                     "support": int(n[i])} for i, c in enumerate(labels)}
    present = [c for c in labels if per_class[c]["support"] > 0]
    macro = {k: float(np.mean([per_class[c][k] for c in present])) if present else 0.0
             for k in ("precision", "recall", "f1")}
    return {"classes": labels, "per_class": per_class, "macro": macro,
            "accuracy": (float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))
                         if len(y_true) else 0.0),
            "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(), "n": len(y_true)}


def average_precision(y_true: Sequence[bool], score: Sequence[float]) -> float:
    """Area under the precision-recall curve (scikit-learn's average precision)."""
    from sklearn.metrics import average_precision_score

    t = np.asarray(y_true, bool)
    if not t.any() or t.all():
        return float("nan")
    return float(average_precision_score(t, score))
