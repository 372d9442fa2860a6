"""Typed reads of the store's views: the SQL that several stages and the use cases share lives
here, and comes back as records, not dicts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from snarewatch.schema import Element
from snarewatch.store.db import query_records

SEED_METHOD = "seed"
"""`Sample.method` of a drawn seed set (`snarewatch labels seed`)."""


def seed_weights(db_path: Path, task: str) -> dict[str, float]:
    """Item id → how many items it stands for, for the items of the task's drawn seed sets.

    A seed set is drawn in weighted strata (`labeler.seeds`); estimates made on its hand labels
    (rates, precision, thresholds) weigh each item by this number to stay unbiased.
    """
    rows = query_records(
        db_path,
        "SELECT item_id, TRY_CAST(json_extract(params, '$.weight') AS DOUBLE) AS w FROM samples "
        "WHERE task = ? AND method = ? QUALIFY row_number() OVER "
        "(PARTITION BY item_id ORDER BY created_at DESC) = 1", [task, SEED_METHOD])
    return {str(r["item_id"]): float(r["w"]) for r in rows if r["w"] is not None and r["w"] > 0}


class ItemText(BaseModel):
    """An item as students and samplers read it: its id, kind, where it was seen, its text."""

    model_config = ConfigDict(frozen=True)
    item_id: str
    item_kind: str
    site: str | None = None
    url: str | None = None
    text: str = ""


class FlagCounts(BaseModel):
    """A task's findings (flags nobody rejected) and the items its current student scored."""

    model_config = ConfigDict(frozen=True)
    findings: int = 0
    scored: int = 0


class LabelledText(BaseModel):
    """A task's label in force on an item, with the item's text: what a student learns from."""

    model_config = ConfigDict(frozen=True)
    item_id: str
    value: str
    probability: float | None = None
    source: str = ""
    text: str = ""
    site: str | None = None
    url: str | None = None

    @property
    def human(self) -> bool:
        """Whether a person gave the label (source `human:NAME`)."""
        return self.source.startswith("human:")


class LabelCount(BaseModel):
    """How many of a task's labels in force have one value from one kind of source."""

    model_config = ConfigDict(frozen=True)
    value: str | None  # None: an abstention
    source: str  # "human", "llm", "rule"
    n: int


# Item kind → (table with the template fields, its key, columns that clash with the `items` view).
_ITEM_TABLES = {
    "ad": ("ads", "ad_id", ("site", "url", "captured_at")),
    "ui_element": ("ui_elements", "element_id", ("site", "url", "text", "captured_at")),
}


def item_fields(db_path: Path, item_kind: str,
                item_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Items of one kind from the `items` view with every field of their own table (the fields
    a task spec's template renders), by item_id; dicts, as the fields differ by kind."""
    if item_kind in _ITEM_TABLES:
        table, key, clash = _ITEM_TABLES[item_kind]
        sql = (f"SELECT i.*, t.* EXCLUDE ({', '.join(clash)}) FROM items i "
               f"JOIN {table} t ON t.{key} = i.item_id WHERE i.item_kind = ?")
    else:
        sql = "SELECT * FROM items i WHERE i.item_kind = ?"
    params: list[Any] = [item_kind]
    if item_ids is not None:
        sql += " AND list_contains(?, i.item_id)"
        params.append(list(item_ids))
    return query_records(db_path, sql + " ORDER BY 1", params)


def item_exists(db_path: Path, item_id: str, *, timeout_s: float = 60.0) -> bool:
    """Whether any stored item (ad, UI element, page) has this id."""
    return bool(query_records(db_path, "SELECT 1 AS found FROM items WHERE item_id = ? LIMIT 1",
                              [item_id], timeout_s=timeout_s))


def positive_scores(db_path: Path, task: str) -> dict[str, float]:
    """Item id → P(positive) from the current predictions of the task's student.

    A prediction's `score` is already the probability of the task's positive labels (see
    `snarewatch.schema.Prediction`), whatever its argmax `label` is.
    """
    return {str(r["item_id"]): float(r["score"]) for r in query_records(
        db_path, "SELECT item_id, score FROM current_predictions WHERE task = ?", [task])}


def item_texts(db_path: Path, item_kind: str) -> list[ItemText]:
    """Every item of one kind (the `items` view), by id."""
    return [ItemText(**{**r, "text": r["text"] or ""}) for r in query_records(
        db_path, "SELECT item_id, item_kind, site, url, text FROM items WHERE item_kind = ? "
                 "ORDER BY item_id", [item_kind])]


def labelled_texts(db_path: Path, task: str, item_kind: str) -> list[LabelledText]:
    """The task's labels in force on items of its kind, abstentions and errors left out, by id."""
    return [LabelledText(**{**r, "text": r["text"] or "", "source": r["source"] or ""})
            for r in query_records(db_path, """
        SELECT l.item_id, l.value, l.probability, l.source, i.text, i.site, i.url
        FROM current_labels l JOIN items i USING (item_id)
        WHERE l.task = ? AND l.value IS NOT NULL AND i.item_kind = ? ORDER BY l.item_id""",
                                                [task, item_kind])]


def texts_of(db_path: Path, item_ids: list[str]) -> dict[str, str]:
    """Item id → its text, for the given ids that are stored."""
    return {str(r["item_id"]): r["text"] or "" for r in query_records(
        db_path, "SELECT item_id, text FROM items WHERE list_contains(?, item_id)", [item_ids])}


def labels_of(db_path: Path, task: str, item_ids: list[str]) -> dict[str, str]:
    """Item id → the task's label in force (not an abstention), for the given ids."""
    return {str(r["item_id"]): str(r["value"]) for r in query_records(
        db_path, "SELECT item_id, value FROM current_labels WHERE task = ? "
                 "AND value IS NOT NULL AND list_contains(?, item_id)", [task, item_ids])}


def unscored_items(db_path: Path, item_kind: str, task: str, model_id: str, *,
                   since: datetime | None = None) -> tuple[list[ItemText], int]:
    """The items of a kind the model has not scored for the task yet (captured since `since`),
    by id, and how many items of the kind there are in all (since `since`)."""
    when, params = ("AND captured_at >= ?", [since]) if since is not None else ("", [])
    rows = query_records(db_path, f"""
        SELECT item_id, item_kind, site, url, text FROM items
        WHERE item_kind = ? {when} AND item_id NOT IN
            (SELECT item_id FROM predictions WHERE task = ? AND model_id = ?)
        ORDER BY item_id""", [item_kind, *params, task, model_id])
    total = query_records(db_path, f"SELECT count(*) AS n FROM items WHERE item_kind = ? {when}",
                     [item_kind, *params])[0]["n"]
    return [ItemText(**{**r, "text": r["text"] or ""}) for r in rows], int(total)


def label_counts(db_path: Path, task: str) -> list[LabelCount]:
    """The task's labels in force counted by value and kind of source, most first."""
    return [LabelCount(**r) for r in query_records(
        db_path, "SELECT value, split_part(source, ':', 1) AS source, count(*) AS n "
                 "FROM current_labels WHERE task = ? GROUP BY ALL ORDER BY n DESC, value",
        [task])]


def labelled_item_ids(db_path: Path, task: str) -> set[str]:
    """The items with a current label (not an abstention) for the task."""
    return {r["item_id"] for r in query_records(
        db_path, "SELECT item_id FROM current_labels WHERE task = ? AND value IS NOT NULL",
        [task])}


def current_human_labels(db_path: Path, task: str) -> dict[str, str]:
    """Item id → the task's label in force where a person gave it (the seed and kNN pool)."""
    return {str(r["item_id"]): str(r["value"]) for r in query_records(
        db_path, "SELECT item_id, value FROM current_labels WHERE task = ? "
                 "AND source LIKE 'human:%' AND value IS NOT NULL", [task])}


def flag_models(db_path: Path, task: str, *, unverified_only: bool = False
                ) -> list[tuple[str, str, float]]:
    """(item id, model id, student score) of the task's flags, surest first; with
    `unverified_only`, those nobody has checked yet."""
    where = " AND verification = 'unverified'" if unverified_only else ""
    return [(str(r["item_id"]), str(r["model_id"] or ""), float(r["score"])) for r in query_records(
        db_path, f"SELECT item_id, model_id, score FROM flags WHERE task = ?{where} "
                 "ORDER BY score DESC, item_id", [task])]


def last_label_run_stats(db_path: Path, task: str, *, having: str | None = None
                         ) -> dict[str, Any]:
    """The stats of the task's latest labelling run (its calibrator, decisions and warnings),
    of the latest one whose stats hold the key `having` if given; empty when there is none."""
    where = "AND json_extract(stats, '$.' || $key) IS NOT NULL" if having else ""
    rows = query_records(db_path, f"""
        SELECT stats FROM runs
        WHERE kind = 'label' AND json_extract_string(params, '$.task') = $task
        {where} ORDER BY started_at DESC LIMIT 1""",
                         {"task": task, **({"key": having} if having else {})})
    stats = rows[0]["stats"] if rows else None
    stats = json.loads(stats) if isinstance(stats, str) else stats
    return stats if isinstance(stats, dict) else {}


def store_totals(db_path: Path, flag_tasks: Sequence[str]) -> dict[str, int]:
    """How many ads, UI elements, pages and labels the store holds, then each task's findings
    (keyed `<task>_flags`, dashes as underscores)."""
    totals = query_records(db_path, """
        SELECT (SELECT count(*) FROM ads) AS ads, (SELECT count(*) FROM ui_elements) AS elements,
               (SELECT count(*) FROM page_captures) AS pages,
               (SELECT count(*) FROM labels) AS labels""")[0]
    found = {r["task"]: r["n"] for r in query_records(
        db_path, "SELECT task, count(*) AS n FROM findings WHERE list_contains(?, task) "
                 "GROUP BY task", [list(flag_tasks)])}
    return {**{k: int(v) for k, v in totals.items()},
            **{f"{t.replace('-', '_')}_flags": int(found.get(t, 0)) for t in flag_tasks}}


def flag_counts(db_path: Path, task: str) -> FlagCounts:
    """How many findings the task has, of how many scored items."""
    rows = query_records(db_path, """
        SELECT (SELECT count(*) FROM findings WHERE task = $task) AS findings,
               (SELECT count(*) FROM current_predictions WHERE task = $task) AS scored""",
                    {"task": task})
    return FlagCounts(**rows[0])


def captures_to_check(db_path: Path, *, site: str | None = None, limit: int | None = None,
                      again: bool = False) -> list[str]:
    """Stored captures with an element map, not yet given a verdict or findings (all: `again`)."""
    where, params = ["capture_id IS NOT NULL"], []
    if site:
        where.append("site = ?")
        params.append(site)
    if not again:
        # A page is done once it has a verdict (or, from before verdicts, findings).
        where.append("capture_id NOT IN "
                     "(SELECT capture_id FROM page_findings WHERE capture_id IS NOT NULL)")
        where.append("capture_id NOT IN "
                     "(SELECT capture_id FROM page_verdicts WHERE capture_id IS NOT NULL)")
    sql = f"SELECT DISTINCT capture_id FROM ui_elements WHERE {' AND '.join(where)} ORDER BY 1"
    return [r["capture_id"] for r in query_records(
        db_path, sql + (f" LIMIT {int(limit)}" if limit else ""), params)]


R = TypeVar("R", bound=BaseModel)


def stored_record(model: type[R], row: dict[str, Any], json_column: str) -> R:
    """A stored row as its record: the JSON text column parsed (empty: {}), and a NULL column
    left to the record's default (a field the writer did not record)."""
    text = row.get(json_column)
    row = {**row, json_column: json.loads(text) if isinstance(text, str) and text else {}}
    return model.model_validate({k: v for k, v in row.items() if v is not None})


def stored_elements(db_path: Path, capture_ids: list[str]) -> dict[str, list[Element]]:
    """The element map of each capture, in page order."""
    grouped: dict[str, list[Element]] = {}
    rows = query_records(db_path, "SELECT * FROM ui_elements WHERE list_contains(?, capture_id) "
                                  "ORDER BY capture_id, idx", [capture_ids])
    for row in rows:
        grouped.setdefault(row["capture_id"], []).append(stored_record(Element, row, "extra"))
    return grouped


def capture_screenshots(db_path: Path, capture_ids: list[str]) -> dict[str, str | None]:
    """Capture id -> the sha256 of its screenshot blob (None: no screenshot)."""
    return {r["capture_id"]: r["screenshot_sha256"] for r in query_records(
        db_path, "SELECT capture_id, screenshot_sha256 FROM page_captures "
                 "WHERE list_contains(?, capture_id)", [capture_ids])}
