"""How good is the teacher? Accuracy, precision/recall/F1 against a hand-labelled gold file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from labeler.llm.base import Choice
from labeler.prompts import POSITIVE_SIDE
from snarewatch.metrics import binary_metrics
from snarewatch.taskspec import TaskSpec


def prf(gold: Sequence[bool], pred: Sequence[bool]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class."""
    m = binary_metrics(gold, pred)
    return m["precision"], m["recall"], m["f1"]


def positive_share(task: TaskSpec, probabilities: Mapping[str, float]) -> float:
    """P(positive side) of an answer over labels (or over yes/no sides)."""
    return float(sum(p for k, p in probabilities.items()
                     if k == POSITIVE_SIDE or k in task.positive))


def positive_probability(task: TaskSpec, choice: Choice | None) -> float | None:
    """The teacher's probability that an item is positive (any positive label), if it said."""
    if choice is None:
        return None
    if choice.probabilities:
        return positive_share(task, choice.probabilities)
    if choice.probability is None:
        return None
    return choice.probability if task.is_positive(choice.label) else 1 - choice.probability


def roc_auc(gold: Sequence[bool], score: Sequence[float | None]) -> float | None:
    """ROC AUC of a positive-class score: how well any threshold on it could separate the classes
    (0.5 = chance, 1 = perfectly). None without both classes or without scores."""
    from sklearn.metrics import roc_auc_score

    pairs = [(g, s) for g, s in zip(gold, score, strict=True) if s is not None]
    if len({g for g, _ in pairs}) < 2:
        return None
    return float(roc_auc_score([g for g, _ in pairs], [s for _, s in pairs]))


def macro_f1(gold: Sequence[str], pred: Sequence[str | None]) -> float:
    """Unweighted mean of per-label F1 over the labels present in the gold set."""
    labels = sorted(set(gold))
    scores = [prf([g == lab for g in gold], [p == lab for p in pred])[2] for lab in labels]
    return sum(scores) / len(scores) if scores else 0.0


def score(task: TaskSpec, gold: Sequence[str], pred: Sequence[str | None]) -> dict[str, Any]:
    """Every metric of predictions against gold labels (task label names)."""
    n = len(gold)
    gold_pos = [task.is_positive(g) for g in gold]
    pred_pos = [task.is_positive(p) for p in pred]
    precision, recall, f1 = prf(gold_pos, pred_pos)
    groups = task.groups
    has_groups = any(label.group for label in task.labels)
    confusion: dict[str, dict[str, int]] = {}
    for g, p in zip(gold, pred, strict=True):
        row = confusion.setdefault(g, {})
        row[str(p)] = row.get(str(p), 0) + 1
    return {
        "n": n,
        "accuracy": sum(g == p for g, p in zip(gold, pred, strict=True)) / n if n else 0.0,
        "precision": precision, "recall": recall, "f1": f1,
        "binary_accuracy": sum(a == b for a, b in zip(gold_pos, pred_pos, strict=True)) / n
        if n else 0.0,
        "group_accuracy": (sum(groups.get(g) == groups.get(str(p)) for g, p in
                               zip(gold, pred, strict=True)) / n if n else 0.0)
        if has_groups else None,
        "macro_f1": macro_f1(gold, pred),
        "confusion": confusion,
    }


def gold_item(task: TaskSpec, row: dict[str, Any]) -> dict[str, Any]:
    """A gold row as an item: its own fields, with `text` standing in for a missing first field."""
    item = dict(row)
    fields = task.template_fields()
    if fields and fields[0] not in item and "text" in item:
        item[fields[0]] = item["text"]
    return item
