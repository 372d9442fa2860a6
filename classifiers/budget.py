"""The budget curve of an active-learning run: each round's student scored on a gold file.

`snarewatch loop TASK --gold FILE` writes it to `<data_dir>/budget_curve.json`, where the report
finds it: `{"points": [{"task", "method", "budget", "f1", "model_id", "n_gold"}, ...]}`, budget
being the labels the round's student was trained on. A new run replaces the points an earlier
run of the same task and method left; other tasks' points stay.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from classifiers.evaluate import check_gold_labels, evaluate, read_gold
from classifiers.registry import get_model, load_model
from snarewatch.config import Settings
from snarewatch.tasks import resolve_task

log = logging.getLogger(__name__)

LOOP_METHOD = "active loop"


class BudgetCurve:
    """Scores students on gold rows and keeps `path` up to date after every point."""

    def __init__(self, path: Path, task: str, gold: Path, method: str = LOOP_METHOD) -> None:
        self.path = Path(path)
        self.task = task
        self.gold = Path(gold)
        self.method = method
        self.points: list[dict[str, Any]] = []
        # Checked before any label is bought: a gold file with other label names would score 0.
        check_gold_labels(read_gold(self.gold), task, list(resolve_task(task).label_names))

    def add(self, settings: Settings, model_id: str, budget: int) -> float:
        """Score the model on the gold file, record (budget, F1 of the positive class), save."""
        info = get_model(settings, model_id)
        report = evaluate(settings, self.task, load_model(info), info.model_id, self.gold)
        f1 = float(report.student["binary"]["f1"])
        self.points.append({"task": self.task, "method": self.method, "budget": budget,
                            "f1": round(f1, 4), "model_id": info.model_id,
                            "n_gold": report.n_gold})
        self._save()
        return f1

    def _save(self) -> None:
        doc: dict[str, Any] = {"points": []}
        if self.path.is_file():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
            except ValueError as exc:
                log.warning("replacing unreadable budget curve %s: %s", self.path, exc)
            else:
                if isinstance(loaded, dict) and isinstance(loaded.get("points"), list):
                    doc = loaded
        others = [p for p in doc["points"] if not (isinstance(p, dict)
                  and p.get("task") == self.task and p.get("method") == self.method)]
        doc["points"] = others + self.points
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps(doc, indent=1), encoding="utf-8")
        tmp.replace(self.path)
