"""Cascade: once a student exists, the LLM labels only the items the student is unsure about.

The student's P(positive) comes from `current_predictions` (the labeler never imports the
classifiers). An item is unsure when its score lies inside the band [low, high]; items the
student never scored are unsure too. The most uncertain (score nearest 0.5) come first, so a
budget spends itself where the student needs help most.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from snarewatch.config import Settings
from snarewatch.errors import ConfigError
from snarewatch.store.reads import positive_scores
from snarewatch.taskspec import TaskSpec


@dataclass(frozen=True)
class CascadeSelection:
    """Which items go to the LLM and how many the student keeps."""

    item_ids: list[str]
    student_sure: int  # items the student decides alone
    unscored: int  # items without a prediction (sent to the LLM)


def select_unsure(item_ids: Sequence[str], scores: Mapping[str, float], *, low: float = 0.2,
                  high: float = 0.8, include_unscored: bool = True) -> CascadeSelection:
    """Items whose student score is within [low, high] (or missing), most uncertain first."""
    if not 0.0 <= low <= high <= 1.0:
        raise ConfigError(f"cascade band must satisfy 0 <= low <= high <= 1, got [{low}, {high}]")
    unsure: list[tuple[float, str]] = []
    unscored = 0
    for item_id in item_ids:
        score = scores.get(item_id)
        if score is None:
            if include_unscored:
                unscored += 1
                unsure.append((-1.0, item_id))  # never scored: ask before any scored item
            continue
        if low <= score <= high:
            unsure.append((abs(score - 0.5), item_id))
    unsure.sort()
    chosen = [item_id for _, item_id in unsure]
    return CascadeSelection(chosen, len(item_ids) - len(chosen), unscored)


def cascade_items(settings: Settings, task: TaskSpec, item_ids: Sequence[str], *,
                  low: float = 0.2, high: float = 0.8) -> CascadeSelection:
    """`select_unsure` over the task's current predictions; ConfigError if there are none."""
    scores = positive_scores(settings.db_path, task.name)
    if not scores:
        raise ConfigError(f"no student predictions for task {task.name!r}: train and predict "
                          "first (`snarewatch train`, `snarewatch predict`), or drop --cascade")
    return select_unsure(item_ids, scores, low=low, high=high)
