"""What the labeler reads beyond the shared typed reads: its own runs' labels and answers (with
those still in landing, for resuming) and the hand-labelled items with their fields."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from snarewatch.config import Settings
from snarewatch.store import query_records
from snarewatch.store.reads import current_human_labels, item_fields
from snarewatch.taskspec import TaskSpec

log = logging.getLogger(__name__)


def _stored_and_landed(db_path: Path, landing_dir: Path, table: str, task: str,
                       columns: Sequence[str]) -> list[dict[str, Any]]:
    """Rows of one task from a table, oldest first, then those still waiting in landing.

    Records written by an interrupted run may not be loaded yet; they still count for resuming.
    """
    cols = ", ".join(columns)
    rows = query_records(db_path, f"SELECT {cols} FROM {table} WHERE task = ? ORDER BY created_at",
                         [task])
    folder = Path(landing_dir) / table
    if folder.is_dir():
        for path in sorted(folder.glob("*.parquet")):
            batch = pq.read_table(path)
            wanted = [c for c in columns if c in batch.column_names]
            rows.extend(r for r in batch.select(wanted).to_pylist() if r["task"] == task)
    return rows


def existing_labels(db_path: Path, landing_dir: Path, task: str) -> list[dict[str, Any]]:
    """Every answered label of a task (stored or still in landing), oldest first.

    Abstentions are answers (the model's guess was just too unsure to use), so they are kept;
    failed calls are not.
    """
    rows = _stored_and_landed(db_path, landing_dir, "labels", task,
                              ("task", "item_id", "value", "probability", "source", "model",
                               "prompt_hash", "error"))
    return [r for r in rows if r["error"] is None or str(r["error"]).startswith("abstain")]


def human_item_ids(settings: Settings, task: TaskSpec) -> set[str]:
    """Items a person has labelled for the task (stored or still in landing)."""
    return {str(r["item_id"]) for r in existing_labels(settings.db_path, settings.landing_dir,
                                                        task.name)
            if str(r["source"]).startswith("human:")}


def existing_answers(db_path: Path, landing_dir: Path, task: str) -> list[dict[str, Any]]:
    """Every stored teacher answer of a task (the LLM cache), oldest first."""
    rows = _stored_and_landed(db_path, landing_dir, "answers", task,
                              ("task", "item_id", "model", "prompt_hash", "question",
                               "probabilities", "p_positive"))
    for row in rows:
        if isinstance(row["probabilities"], str):  # JSON text in the store
            row["probabilities"] = json.loads(row["probabilities"])
    return rows


def human_labelled(db_path: Path, task: TaskSpec) -> list[dict[str, Any]]:
    """Items of the task's kind with a current human label (the seed / kNN pool), with fields."""
    names = set(task.label_names)
    labels = {i: v for i, v in current_human_labels(db_path, task.name).items() if v in names}
    if not labels:
        return []
    items = item_fields(db_path, task.item_kind, sorted(labels))
    for item in items:
        item["label"] = labels[item["item_id"]]
    return items
