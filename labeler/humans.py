"""Human in the loop: export labelled items for review in a spreadsheet, import the verdicts."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from snarewatch.csvsafe import write_csv
from snarewatch.errors import ConfigError
from snarewatch.schema import Label, stable_id, utcnow
from snarewatch.store import Landing, query_records
from snarewatch.taskspec import TaskSpec

EXPORT_COLUMNS = ("item_id", "site", "url", "text", "llm_label", "llm_probability", "llm_model",
                  "human_label", "note")


def export_rows(db_path: Path, task: TaskSpec, *, only_llm: bool = True) -> list[dict[str, Any]]:
    """Items with their newest LLM label and any human label, lowest LLM confidence first."""
    sql = r"""
    WITH llm AS (
        SELECT * FROM labels WHERE task = $task AND source LIKE 'llm:%' AND error IS NULL
        QUALIFY row_number() OVER (PARTITION BY item_id ORDER BY created_at DESC) = 1),
    human AS (
        SELECT * FROM labels WHERE task = $task AND source LIKE 'human:%' AND error IS NULL
        QUALIFY row_number() OVER (PARTITION BY item_id ORDER BY created_at DESC) = 1)
    SELECT i.item_id, i.site, i.url, trim(regexp_replace(i.text, '\s+', ' ', 'g')) AS text,
           llm.value AS llm_label,
           round(llm.probability, 4) AS llm_probability, llm.model AS llm_model,
           human.value AS human_label, '' AS note
    FROM items i LEFT JOIN llm USING (item_id) LEFT JOIN human USING (item_id)
    WHERE i.item_kind = $kind AND (llm.item_id IS NOT NULL OR human.item_id IS NOT NULL
                                   OR NOT $only_llm)
    ORDER BY llm.probability NULLS LAST, i.item_id
    """
    return query_records(db_path, sql, {"task": task.name, "kind": task.item_kind,
                                        "only_llm": only_llm})


def export_uncertain(db_path: Path, task: TaskSpec) -> list[dict[str, Any]]:
    """The review queue: items whose label in force is an abstention, least sure first.

    `llm_label` is the model's guess; `reason` says which threshold it missed.
    """
    sql = r"""
    SELECT u.item_id, i.site, i.url, trim(regexp_replace(i.text, '\s+', ' ', 'g')) AS text,
           u.guess AS llm_label, round(u.probability, 4) AS llm_probability, u.model AS llm_model,
           NULL AS human_label, u.reason AS note
    FROM uncertain_labels u JOIN items i USING (item_id)
    WHERE u.task = $task AND i.item_kind = $kind
    ORDER BY u.probability NULLS FIRST, u.item_id
    """
    return query_records(db_path, sql, {"task": task.name, "kind": task.item_kind})


def export_flags(db_path: Path, task: TaskSpec) -> list[dict[str, Any]]:
    """The review queue of a student's work: its findings nobody has labelled by hand, least
    sure first.

    `llm_label` is the flagged label and `llm_probability` the student's score; `note` says
    whether the teacher confirmed the flag or nobody checked it. A person's label on a finding
    overrules the flag at once and weighs most when the student is trained again.
    """
    sql = r"""
    SELECT f.item_id, f.site, f.url, trim(regexp_replace(f.text, '\s+', ' ', 'g')) AS text,
           f.label AS llm_label, round(f.score, 4) AS llm_probability, f.model_id AS llm_model,
           NULL AS human_label,
           f.verification || coalesce(' by ' || f.verified_by, '') AS note
    FROM findings f
    WHERE f.task = $task AND f.item_kind = $kind AND f.item_id NOT IN (
        SELECT item_id FROM current_labels WHERE task = $task AND source LIKE 'human:%')
    ORDER BY f.score, f.item_id
    """
    return query_records(db_path, sql, {"task": task.name, "kind": task.item_kind})


def write_export(rows: list[dict[str, Any]], path: Path) -> None:
    """Write rows as CSV (default) or JSON lines (`.jsonl`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in {".jsonl", ".json"}:
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        return
    write_csv(path, EXPORT_COLUMNS, rows)


def read_table(path: Path) -> list[dict[str, Any]]:
    """Rows of a CSV or JSON-lines file as dicts; ConfigError if unreadable."""
    try:
        if path.suffix.lower() in {".jsonl", ".json"}:
            with path.open(encoding="utf-8") as fh:
                return [json.loads(line) for line in fh if line.strip()]
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    except (OSError, json.JSONDecodeError, csv.Error, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc


@dataclass
class ImportReport:
    """What `labels import` did."""

    imported: int = 0
    blank: int = 0
    invalid: list[str] = field(default_factory=list)


def import_labels(landing_dir: Path, task: TaskSpec, path: Path, annotator: str,
                  column: str = "human_label") -> ImportReport:
    """Write human labels from a reviewed export (item_id + `column`) as `human:<annotator>`.

    Blank cells are skipped; values outside the task's labels are reported, not imported.
    `abstain` records that the reviewer could not decide.
    """
    rows = read_table(path)
    if rows and ("item_id" not in rows[0] or column not in rows[0]):
        raise ConfigError(f"{path} needs columns item_id and {column} (found {list(rows[0])})")
    report = ImportReport()
    records = []
    now = utcnow()
    for n, row in enumerate(rows, start=2):
        value = str(row.get(column) or "").strip()
        if not value:
            report.blank += 1
            continue
        if value != "abstain" and value not in task.label_names:
            report.invalid.append(f"row {n}: {value!r} is not a label of {task.name}")
            continue
        item_id = str(row["item_id"])
        records.append(Label(
            label_id=stable_id(task.name, item_id, annotator, value, now.isoformat()),
            task=task.name, item_id=item_id, item_kind=task.item_kind,
            value=None if value == "abstain" else value, probability=1.0,
            source=f"human:{annotator}", created_at=now,
            p_positive=None if value == "abstain" else float(task.is_positive(value)),
        ))
    Landing(landing_dir).write(records)
    report.imported = len(records)
    return report
