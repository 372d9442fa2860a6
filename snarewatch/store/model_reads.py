"""Typed reads of the trained models: which exist, which a task uses, as `ModelInfo` records.

A model is a `ModelInfo` record in the `models` table; a `Promotion` makes it the one its task
uses (`promoted_models`). A shipped default (card `default: true`) serves a task until a model
is promoted for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from snarewatch.schema import ModelInfo
from snarewatch.store.db import connect_readonly, query_records

_COLUMNS = "model_id, task, student, path, classes, threshold, card, created_at"
_IS_DEFAULT = "coalesce(json_extract_string(card, '$.default'), 'false') = 'true'"

CURRENT_MODELS_SQL = f"""
SELECT task, model_id FROM promoted_models
UNION ALL
SELECT task, model_id FROM models
WHERE {_IS_DEFAULT} AND task NOT IN (SELECT task FROM promoted_models)
QUALIFY row_number() OVER (PARTITION BY task ORDER BY created_at DESC, model_id DESC) = 1"""
"""(task, model_id) of the model each task uses: the promoted one, else the shipped default."""


def _models(db_path: Path, where: str, params: list[Any]) -> list[ModelInfo]:
    return [ModelInfo(**{**r, "classes": list(r["classes"] or []),
                         "card": (json.loads(r["card"]) if isinstance(r["card"], str)
                                  else r["card"]) or {}})
            for r in query_records(db_path, f"SELECT {_COLUMNS} {where}", params)]


def models_of(db_path: Path, task: str | None = None) -> list[ModelInfo]:
    """Every model in the store, newest first (optionally of one task)."""
    where, params = ("WHERE task = ?", [task]) if task else ("", [])
    return _models(db_path, f"FROM models {where} ORDER BY created_at DESC", params)


def models_matching(db_path: Path, prefix: str) -> list[ModelInfo]:
    """The models whose id starts with `prefix`."""
    return _models(db_path, "FROM models WHERE starts_with(model_id, ?)", [prefix])


def default_model_of(db_path: Path, task: str) -> ModelInfo | None:
    """The newest shipped default model of a task (card `default: true`), or None."""
    rows = _models(db_path, f"FROM models WHERE task = ? AND {_IS_DEFAULT} "
                            "ORDER BY created_at DESC, model_id DESC LIMIT 1", [task])
    return rows[0] if rows else None


def promoted_model_of(db_path: Path, task: str) -> ModelInfo | None:
    """The model promoted for a task, or None (a shipped default is not a promotion)."""
    rows = _models(db_path, "FROM promoted_models WHERE task = ?", [task])
    return rows[0] if rows else None


def newest_model_of(db_path: Path, task: str) -> ModelInfo | None:
    """The task's most recently trained model, promoted or not (None without any)."""
    rows = _models(db_path, "FROM models WHERE task = ? ORDER BY created_at DESC LIMIT 1", [task])
    return rows[0] if rows else None


def current_model_ids(db_path: Path, *, timeout_s: float = 60.0) -> dict[str, str]:
    """Task → the id of the model it uses now (promoted, else the shipped default)."""
    with connect_readonly(db_path, timeout_s=timeout_s) as conn:
        return {str(t): str(m) for t, m in conn.execute(CURRENT_MODELS_SQL).fetchall()}


def promoted_model_ids(db_path: Path) -> set[str]:
    """Ids of the models currently promoted, one per task."""
    return {str(r["model_id"]) for r in query_records(db_path,
                                                      "SELECT model_id FROM promoted_models")}
