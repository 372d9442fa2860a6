"""Report block: the teacher cards (data_dir/teacher-card-<task>.json, from eval-teacher)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from snarewatch.report.html import table

log = logging.getLogger(__name__)


def load_teacher_cards(data_dir: Path | None, task: str | None = None) -> list[dict[str, Any]]:
    """Every readable teacher card in `data_dir` (optionally one task's), by task name."""
    if data_dir is None or not Path(data_dir).is_dir():
        return []
    cards = []
    for path in sorted(Path(data_dir).glob("teacher-card-*.json")):
        try:
            card = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            log.warning("skipping unreadable teacher card %s: %s", path, exc)
            continue
        if isinstance(card, dict) and (task is None or card.get("task") == task):
            cards.append(card)
    return cards


def teacher_cards_html(data_dir: Path | None, task: str | None = None) -> str:
    """A heading and one row per card: how far the LLM's labels agree with people ("" if none)."""
    cards = load_teacher_cards(data_dir, task)
    head = "<h3>How far to trust the LLM labels (teacher cards)</h3>"
    if not cards:
        return ""  # optional block: a store without cards is complete, not missing anything
    rows = []
    for c in cards:
        strategy = c.get("strategy") or {}
        rows.append({
            "task": c.get("task"), "model": c.get("model"),
            "prompting": "+".join(([f"knn{strategy['knn']}"] if strategy.get("knn") else [])
                                  + (["fudd"] if strategy.get("fudd") else [])
                                  + ([f"sc{strategy['variants']}"]
                                     if (strategy.get("variants") or 1) > 1 else [])) or "plain",
            "human seed items": c.get("n"),
            "agreement": round(float(c.get("agreement", 0.0)), 3),
            "precision": round(float(c.get("precision", 0.0)), 3),
            "recall": round(float(c.get("recall", 0.0)), 3),
            "F1": round(float(c.get("f1", 0.0)), 3),
            "abstains": f"{float(c.get('abstention_rate', 0.0)):.0%}",
            "s/label": round(float(c.get("seconds_per_label", 0.0)), 2),
            "measured": str(c.get("created_at", ""))[:16],
        })
    return head + table(rows)
