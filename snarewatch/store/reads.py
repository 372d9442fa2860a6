"""Typed reads of the store's views: the SQL that several stages and the use cases share lives
here, and comes back as records, not dicts."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from snarewatch.schema import Element
from snarewatch.store.db import connect_readonly

SEED_METHOD = "seed"
"""`Sample.method` of a drawn seed set (`snarewatch labels seed`)."""


def seed_weights(db_path: Path, task: str) -> dict[str, float]:
    """Item id → how many items it stands for, for the items of the task's drawn seed sets.

    A seed set is drawn in weighted strata (`labeler.seeds`); estimates made on its hand labels
    (rates, precision, thresholds) weigh each item by this number to stay unbiased.
    """
    with connect_readonly(db_path) as conn:
        rows = conn.execute(
            "SELECT item_id, TRY_CAST(json_extract(params, '$.weight') AS DOUBLE) FROM samples "
            "WHERE task = ? AND method = ? QUALIFY row_number() OVER "
            "(PARTITION BY item_id ORDER BY created_at DESC) = 1",
            [task, SEED_METHOD]).fetchall()
    return {str(i): float(w) for i, w in rows if w is not None and w > 0}


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


def _records(db_path: Path, sql: str, params: Any = None) -> list[dict[str, Any]]:
    with connect_readonly(db_path) as conn:
        cursor = conn.execute(sql, params or [])
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def item_texts(db_path: Path, item_kind: str) -> list[ItemText]:
    """Every item of one kind (the `items` view), by id."""
    return [ItemText(**{**r, "text": r["text"] or ""}) for r in _records(
        db_path, "SELECT item_id, item_kind, site, url, text FROM items WHERE item_kind = ? "
                 "ORDER BY item_id", [item_kind])]


def labelled_texts(db_path: Path, task: str, item_kind: str) -> list[LabelledText]:
    """The task's labels in force on items of its kind, abstentions and errors left out, by id."""
    return [LabelledText(**{**r, "text": r["text"] or "", "source": r["source"] or ""})
            for r in _records(db_path, """
        SELECT l.item_id, l.value, l.probability, l.source, i.text, i.site, i.url
        FROM current_labels l JOIN items i USING (item_id)
        WHERE l.task = ? AND l.value IS NOT NULL AND i.item_kind = ? ORDER BY l.item_id""",
                                                [task, item_kind])]


def texts_of(db_path: Path, item_ids: list[str]) -> dict[str, str]:
    """Item id → its text, for the given ids that are stored."""
    return {str(r["item_id"]): r["text"] or "" for r in _records(
        db_path, "SELECT item_id, text FROM items WHERE list_contains(?, item_id)", [item_ids])}


def labels_of(db_path: Path, task: str, item_ids: list[str]) -> dict[str, str]:
    """Item id → the task's label in force (not an abstention), for the given ids."""
    return {str(r["item_id"]): str(r["value"]) for r in _records(
        db_path, "SELECT item_id, value FROM current_labels WHERE task = ? "
                 "AND value IS NOT NULL AND list_contains(?, item_id)", [task, item_ids])}


def unscored_items(db_path: Path, item_kind: str, task: str, model_id: str, *,
                   since: datetime | None = None) -> tuple[list[ItemText], int]:
    """The items of a kind the model has not scored for the task yet (captured since `since`),
    by id, and how many items of the kind there are in all (since `since`)."""
    when, params = ("AND captured_at >= ?", [since]) if since is not None else ("", [])
    rows = _records(db_path, f"""
        SELECT item_id, item_kind, site, url, text FROM items
        WHERE item_kind = ? {when} AND item_id NOT IN
            (SELECT item_id FROM predictions WHERE task = ? AND model_id = ?)
        ORDER BY item_id""", [item_kind, *params, task, model_id])
    total = _records(db_path, f"SELECT count(*) AS n FROM items WHERE item_kind = ? {when}",
                     [item_kind, *params])[0]["n"]
    return [ItemText(**{**r, "text": r["text"] or ""}) for r in rows], int(total)


def label_counts(db_path: Path, task: str) -> list[LabelCount]:
    """The task's labels in force counted by value and kind of source, most first."""
    return [LabelCount(**r) for r in _records(
        db_path, "SELECT value, split_part(source, ':', 1) AS source, count(*) AS n "
                 "FROM current_labels WHERE task = ? GROUP BY ALL ORDER BY n DESC, value",
        [task])]


def labelled_item_ids(db_path: Path, task: str) -> set[str]:
    """The items with a current label (not an abstention) for the task."""
    return {r["item_id"] for r in _records(
        db_path, "SELECT item_id FROM current_labels WHERE task = ? AND value IS NOT NULL",
        [task])}


def current_human_labels(db_path: Path, task: str) -> dict[str, str]:
    """Item id → the task's label in force where a person gave it (the seed and kNN pool)."""
    return {str(r["item_id"]): str(r["value"]) for r in _records(
        db_path, "SELECT item_id, value FROM current_labels WHERE task = ? "
                 "AND source LIKE 'human:%' AND value IS NOT NULL", [task])}


def flag_models(db_path: Path, task: str, *, unverified_only: bool = False
                ) -> list[tuple[str, str, float]]:
    """(item id, model id, student score) of the task's flags, surest first; with
    `unverified_only`, those nobody has checked yet."""
    where = " AND verification = 'unverified'" if unverified_only else ""
    return [(str(r["item_id"]), str(r["model_id"] or ""), float(r["score"])) for r in _records(
        db_path, f"SELECT item_id, model_id, score FROM flags WHERE task = ?{where} "
                 "ORDER BY score DESC, item_id", [task])]


def last_label_run_stats(db_path: Path, task: str) -> dict[str, Any]:
    """The stats of the task's latest labelling run (its calibrator, decisions and warnings);
    empty when it has none."""
    rows = _records(db_path, """
        SELECT stats FROM runs WHERE kind = 'label' AND json_extract_string(params, '$.task') = ?
        ORDER BY started_at DESC LIMIT 1""", [task])
    stats = rows[0]["stats"] if rows else None
    stats = json.loads(stats) if isinstance(stats, str) else stats
    return stats if isinstance(stats, dict) else {}


def flag_counts(db_path: Path, task: str) -> FlagCounts:
    """How many findings the task has, of how many scored items."""
    rows = _records(db_path, """
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
    return [r["capture_id"] for r in _records(
        db_path, sql + (f" LIMIT {int(limit)}" if limit else ""), params)]


def stored_elements(db_path: Path, capture_ids: list[str]) -> dict[str, list[Element]]:
    """The element map of each capture, in page order."""
    grouped: dict[str, list[Element]] = {}
    for row in _records(db_path, "SELECT * FROM ui_elements WHERE list_contains(?, capture_id) "
                                 "ORDER BY capture_id, idx", [capture_ids]):
        extra = row.get("extra")
        row["extra"] = json.loads(extra) if isinstance(extra, str) and extra else {}
        # A NULL column is a field the capture did not record: the record's default stands.
        grouped.setdefault(row["capture_id"], []).append(
            Element.model_validate({k: v for k, v in row.items() if v is not None}))
    return grouped


def capture_screenshots(db_path: Path, capture_ids: list[str]) -> dict[str, str | None]:
    """Capture id -> the sha256 of its screenshot blob (None: no screenshot)."""
    return {r["capture_id"]: r["screenshot_sha256"] for r in _records(
        db_path, "SELECT capture_id, screenshot_sha256 FROM page_captures "
                 "WHERE list_contains(?, capture_id)", [capture_ids])}
