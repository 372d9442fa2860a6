"""Metrics and decision thresholds, computed on out-of-fold or held-out predictions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from snarewatch.metrics import binary_metrics, choose_threshold, f1_range

__all__ = [
    "average_precision", "binary_metrics", "choose_threshold", "classification_report", "f1_range",
]


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
