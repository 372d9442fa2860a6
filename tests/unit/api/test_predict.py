"""Promoted models load once and reload when a new one is promoted."""

from __future__ import annotations

from snarewatch.api_predict import PromotedModels, TaskModel, negative_label
from snarewatch.schema import ModelInfo, Promotion
from snarewatch.store import Landing, load_pending


def _promote(settings, task: str, model_id: str) -> None:
    landing = Landing(settings.landing_dir)
    landing.write(
        [
            ModelInfo(
                model_id=model_id,
                task=task,
                student="tfidf",
                path=f"/m/{model_id}",
                classes=["not_wildlife", "wildlife"],
                threshold=0.5,
            )
        ]
    )
    landing.write([Promotion(task=task, model_id=model_id)])
    load_pending(settings.db_path, settings.landing_dir)


def test_models_load_once_and_reload_on_promotion(settings):
    loads: list[str] = []

    def loader(s, task):
        from snarewatch.store import query_records

        (row,) = query_records(s.db_path, "SELECT * FROM promoted_models WHERE task = ?", [task])
        loads.append(row["model_id"])
        return TaskModel(
            task=task,
            model_id=row["model_id"],
            student="tfidf",
            classes=tuple(row["classes"]),
            threshold=0.5,
            item_kind="ad",
            predict=lambda texts: [("wildlife", 0.9, True) for _ in texts],
        )

    source = PromotedModels(settings, refresh_s=0.0, loader=loader)
    assert source.models() == {}
    _promote(settings, "wildlife", "m1")
    assert source.models()["wildlife"].model_id == "m1"
    assert source.models()["wildlife"].model_id == "m1"
    assert loads == ["m1"]
    _promote(settings, "wildlife", "m2")
    assert source.models()["wildlife"].model_id == "m2"
    assert loads == ["m1", "m2"]


def test_a_model_that_fails_to_load_is_reported_not_retried(settings):
    calls = []

    def loader(s, task):
        calls.append(task)
        raise OSError("model file missing")

    _promote(settings, "wildlife", "m1")
    source = PromotedModels(settings, refresh_s=0.0, loader=loader)
    assert source.models() == {} and source.models() == {}
    assert calls == ["wildlife"]
    assert "model file missing" in source.errors["wildlife"]


def test_negative_label():
    assert negative_label(("Countdown Timer", "not_dark_pattern")) == "not_dark_pattern"
    assert negative_label(("other", "wildlife")) == "other"
    assert negative_label(("a", "b")) is None
