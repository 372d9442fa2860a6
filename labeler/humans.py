"""Human in the loop: write the rows to review (`snarewatch.store.review_reads`) for a
spreadsheet, and import the verdicts."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from snarewatch.csvsafe import write_csv
from snarewatch.errors import ConfigError
from snarewatch.schema import Label, stable_id, utcnow
from snarewatch.store import Landing
from snarewatch.store.review_reads import REVIEW_COLUMNS, ReviewRow
from snarewatch.taskspec import TaskSpec


def write_export(rows: Sequence[ReviewRow], path: Path) -> None:
    """Write rows to review as CSV (default) or JSON lines (`.jsonl`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in {".jsonl", ".json"}:
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(row.model_dump_json() + "\n")
        return
    write_csv(path, REVIEW_COLUMNS, [r.model_dump() for r in rows])


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
