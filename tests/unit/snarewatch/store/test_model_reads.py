"""Typed reads of the models: which exist, and which each task uses."""

from __future__ import annotations

from datetime import UTC, datetime

from snarewatch.config import Settings
from snarewatch.schema import ModelInfo, Promotion
from snarewatch.store import Landing, load_pending
from snarewatch.store.model_reads import (
    current_model_ids,
    default_model_of,
    models_matching,
    models_of,
    newest_model_of,
    promoted_model_ids,
    promoted_model_of,
)


def _model(model_id: str, task: str, day: int, **card: object) -> ModelInfo:
    return ModelInfo(model_id=model_id, task=task, student="tfidf", path=f"/m/{model_id}",
                     classes=["a", "b"], threshold=0.4, card=dict(card),
                     created_at=datetime(2026, 11, day, tzinfo=UTC))


def test_the_model_each_task_uses_is_the_promoted_one_else_the_shipped_default(
        settings: Settings) -> None:
    landing = Landing(settings.landing_dir)
    landing.write([_model("dui-default", "deceptive-ui", 1, default=True),
                   _model("dui-site", "deceptive-ui", 2),
                   _model("wild-1", "wildlife", 3), _model("wild-2", "wildlife", 4)])
    landing.write([Promotion(task="wildlife", model_id="wild-1")])
    load_pending(settings.db_path, settings.landing_dir)
    db = settings.db_path

    assert [m.model_id for m in models_of(db)] == ["wild-2", "wild-1", "dui-site", "dui-default"]
    assert [m.model_id for m in models_of(db, "wildlife")] == ["wild-2", "wild-1"]
    assert {m.model_id for m in models_matching(db, "wild-")} == {"wild-1", "wild-2"}
    default = default_model_of(db, "deceptive-ui")
    assert default is not None and default.card == {"default": True}
    assert default.classes == ["a", "b"] and default.threshold == 0.4
    assert default_model_of(db, "wildlife") is None
    promoted = promoted_model_of(db, "wildlife")
    assert promoted is not None and promoted.model_id == "wild-1"
    assert promoted_model_of(db, "deceptive-ui") is None  # a default is not a promotion
    newest = newest_model_of(db, "wildlife")
    assert newest is not None and newest.model_id == "wild-2"
    assert current_model_ids(db) == {"wildlife": "wild-1", "deceptive-ui": "dui-default"}
    assert promoted_model_ids(db) == {"wild-1"}
