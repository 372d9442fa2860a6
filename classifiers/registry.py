"""The model registry: trained students in folders with their cards, indexed in the store.

Each model lives in `settings.registry_dir/<model_id>/` (the student's files plus `card.json`);
a `ModelInfo` record makes it queryable (`models` table) and a `Promotion` record makes it the
one `classify` and the API use for its task.
"""

from __future__ import annotations

import importlib
import json
import logging
from pathlib import Path
from typing import Any

from classifiers.base import BaseStudent, StudentError, read_student_kind
from snarewatch.config import Settings
from snarewatch.errors import SnarewatchError
from snarewatch.schema import ModelInfo, Promotion, stable_id, utcnow
from snarewatch.store import Landing, model_reads

log = logging.getLogger(__name__)

CARD_FILE = "card.json"

STUDENTS: dict[str, str] = {
    "tfidf": "classifiers.text:TfidfStudent",
    "embed": "classifiers.embedding:EmbeddingStudent",
    "hybrid": "classifiers.hybrid:HybridStudent",
    "finetune": "classifiers.finetune:FinetuneStudent",
    "setfit": "classifiers.setfit:SetFitStudent",
    "twostage": "classifiers.twostage:TwoStageStudent",
}
"""Student name -> "module:Class", imported on first use (finetune pulls in torch training)."""


class ModelNotFoundError(SnarewatchError):
    """No model with that id, or no model at all for a task."""


def student_class(name: str) -> type[BaseStudent]:
    """The class of a student by name (`tfidf`, `embed`, `hybrid`, `finetune`)."""
    try:
        module, cls = STUDENTS[name].split(":")
    except KeyError:
        raise StudentError(
            f"unknown student {name!r}: choose one of {', '.join(STUDENTS)}") from None
    return getattr(importlib.import_module(module), cls)  # type: ignore[no-any-return]


def new_model_id(task: str, student: str) -> str:
    """A readable, unique, time-sortable model id: `<task>-<student>-<YYYYmmddHHMMSS>-<hash>`."""
    now = utcnow()
    suffix = stable_id(task, student, now.isoformat(), length=6)
    return f"{task}-{student}-{now:%Y%m%d%H%M%S}-{suffix}"


def save_model(settings: Settings, clf: BaseStudent, card: dict[str, Any]) -> ModelInfo:
    """Save a fitted student and its card under the registry; land its `ModelInfo` record."""
    task = str(card["task"])
    model_id = card.get("model_id") or new_model_id(task, clf.name)
    path = settings.registry_dir / model_id
    clf.save(path)
    full_card = {**card, "model_id": model_id, "student": clf.name,
                 "classes": list(clf.classes_), "positive": list(clf.positive_),
                 "threshold": clf.threshold,
                 "created_at": card.get("created_at") or utcnow().isoformat()}
    (path / CARD_FILE).write_text(json.dumps(full_card, indent=1, default=str), encoding="utf-8")
    info = ModelInfo(model_id=model_id, task=task, student=clf.name, path=str(path.resolve()),
                     classes=list(clf.classes_), threshold=clf.threshold, card=full_card)
    Landing(settings.landing_dir).write([info])
    log.info("saved model %s to %s", model_id, path)
    return info


def load_model(path_or_info: ModelInfo | Path | str) -> BaseStudent:
    """Load a saved student from its folder or its `ModelInfo`."""
    path = Path(path_or_info.path if isinstance(path_or_info, ModelInfo) else path_or_info)
    return student_class(read_student_kind(path)).load(path)


def read_card(path_or_info: ModelInfo | Path | str) -> dict[str, Any]:
    """The card saved beside a model."""
    path = Path(path_or_info.path if isinstance(path_or_info, ModelInfo) else path_or_info)
    try:
        return dict(json.loads((path / CARD_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise ModelNotFoundError(f"no model card in {path}: {exc}") from exc


def list_models(settings: Settings, task: str | None = None) -> list[ModelInfo]:
    """Models in the store, newest first (optionally of one task)."""
    return model_reads.models_of(settings.db_path, task)


def get_model(settings: Settings, model_id: str) -> ModelInfo:
    """One model by id (a unique prefix is enough); ModelNotFoundError otherwise."""
    rows = model_reads.models_matching(settings.db_path, model_id)
    exact = [r for r in rows if r.model_id == model_id]
    if exact or len(rows) == 1:
        return (exact or rows)[0]
    if not rows:
        raise ModelNotFoundError(f"no model {model_id!r}: see `snarewatch models list`")
    raise ModelNotFoundError(f"{model_id!r} matches {len(rows)} models: give more of the id")


def default_model(settings: Settings, task: str) -> ModelInfo | None:
    """The newest shipped default model of a task (card `default: true`), or None."""
    return model_reads.default_model_of(settings.db_path, task)


def promoted_model(settings: Settings, task: str) -> ModelInfo | None:
    """The promoted model of a task, else its shipped default, else None.

    A site-adapted student takes over from the default the moment it is promoted. A model
    that `train` saved but refused to promote (too few positives, F1 under the floor) is never
    used in its place: its flags would mislead.
    """
    return (model_reads.promoted_model_of(settings.db_path, task)
            or default_model(settings, task))


def newest_model(settings: Settings, task: str) -> ModelInfo | None:
    """The task's most recently trained model, promoted or not (None without any)."""
    return model_reads.newest_model_of(settings.db_path, task)


def current_model_ids(settings: Settings) -> dict[str, str]:
    """Task -> the id of the model it uses now (promoted, else the shipped default)."""
    return model_reads.current_model_ids(settings.db_path)


def promoted_ids(settings: Settings) -> set[str]:
    """Ids of the models currently promoted, one per task."""
    return model_reads.promoted_model_ids(settings.db_path)


def promote(settings: Settings, model_id: str) -> ModelInfo:
    """Make a model the one its task uses from now on (lands a `Promotion` record)."""
    info = get_model(settings, model_id)
    Landing(settings.landing_dir).write([Promotion(task=info.task, model_id=info.model_id)])
    return info
