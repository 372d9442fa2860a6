"""Reading what the labeler needs from the store: items with their fields, labels, predictions."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from snarewatch.store import connect_readonly
from snarewatch.taskspec import TaskSpec

log = logging.getLogger(__name__)

# Item kind → (table with the template fields, its key, columns that clash with the `items` view).
_SOURCES = {
    "ad": ("ads", "ad_id", ("site", "url", "captured_at")),
    "ui_element": ("ui_elements", "element_id", ("site", "url", "text", "captured_at")),
}


def load_items(
    db_path: Path, item_kind: str, item_ids: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Items of one kind from the `items` view, joined to their table's fields, by item_id."""
    if item_kind in _SOURCES:
        table, key, clash = _SOURCES[item_kind]
        sql = (f"SELECT i.*, t.* EXCLUDE ({', '.join(clash)}) FROM items i "
               f"JOIN {table} t ON t.{key} = i.item_id WHERE i.item_kind = ?")
    else:
        sql = "SELECT * FROM items WHERE item_kind = ?"
    params: list[Any] = [item_kind]
    if item_ids is not None:
        sql += " AND i.item_id IN (SELECT unnest(?))" if item_kind in _SOURCES else \
            " AND item_id IN (SELECT unnest(?))"
        params.append(list(item_ids))
    with connect_readonly(db_path) as conn:
        cursor = conn.execute(sql + " ORDER BY 1", params)
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _landing_labels(landing_dir: Path, task: str) -> list[dict[str, Any]]:
    # Labels written by an interrupted run may not be loaded yet; they still count for resuming.
    folder = Path(landing_dir) / "labels"
    rows: list[dict[str, Any]] = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.parquet")):
            table = pq.read_table(path, columns=["task", "item_id", "value", "probability",
                                                 "source", "model", "prompt_hash", "error"])
            rows.extend(r for r in table.to_pylist() if r["task"] == task)
    return rows


def existing_labels(db_path: Path, landing_dir: Path, task: str) -> list[dict[str, Any]]:
    """Every answered label of a task (stored or still in landing), oldest first.

    Abstentions are answers (the model's guess was just too unsure to use), so they are kept
    for caching; failed calls are not.
    """
    with connect_readonly(db_path) as conn:
        cursor = conn.execute(
            "SELECT task, item_id, value, probability, source, model, prompt_hash, error "
            "FROM labels WHERE task = ? ORDER BY created_at", [task])
        names = [d[0] for d in cursor.description or []]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    rows += _landing_labels(landing_dir, task)
    return [r for r in rows if r["error"] is None or str(r["error"]).startswith("abstain")]


def positive_scores(db_path: Path, task: TaskSpec) -> dict[str, float]:
    """P(positive) per item from the current predictions of the task's student.

    A prediction's `score` is already the probability of the task's positive labels (see
    `snarewatch.schema.Prediction`), whatever its argmax `label` is.
    """
    with connect_readonly(db_path) as conn:
        rows = conn.execute(
            "SELECT item_id, score FROM current_predictions WHERE task = ?", [task.name]
        ).fetchall()
    return {item: float(score) for item, score in rows}



def human_labelled(db_path: Path, task: TaskSpec) -> list[dict[str, Any]]:
    """Items of the task's kind with a current human label (the seed / kNN pool), with fields."""
    with connect_readonly(db_path) as conn:
        rows = conn.execute(
            "SELECT item_id, value FROM current_labels WHERE task = ? AND source LIKE 'human:%' "
            "AND value IS NOT NULL", [task.name]).fetchall()
    labels = {item: str(value) for item, value in rows if value in set(task.label_names)}
    if not labels:
        return []
    items = load_items(db_path, task.item_kind, sorted(labels))
    for item in items:
        item["label"] = labels[item["item_id"]]
    return items
