"""The shipped default deceptive-UI student: installed once, used until one is promoted."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from classifiers.registry import current_model_ids, default_model, promoted_model, save_model
from classifiers.twostage import TwoStageStudent
from snarewatch.schema import Element, Label, Promotion
from snarewatch.store import Landing, load_pending

TASK = "deceptive-ui"


def _small_model(settings, texts_labels, *, default: bool, model_id: str):
    texts, labels = texts_labels
    typed = ["low_stock_message" if y == "dark" else "not_dark_pattern" for y in labels]
    clf = TwoStageStudent().fit(texts, typed)
    info = save_model(settings, clf, {"task": TASK, "item_kind": "ui_element",
                                      "default": default, "model_id": model_id})
    load_pending(settings.db_path, settings.landing_dir)
    return info


def test_default_is_used_until_a_model_is_promoted(settings, texts_labels):
    assert promoted_model(settings, TASK) is None and current_model_ids(settings) == {}
    _small_model(settings, texts_labels, default=True, model_id="deceptive-ui-default-x")
    assert default_model(settings, TASK).model_id == "deceptive-ui-default-x"
    assert promoted_model(settings, TASK).model_id == "deceptive-ui-default-x"
    assert current_model_ids(settings) == {TASK: "deceptive-ui-default-x"}
    # A newer, unpromoted model does not replace the default...
    _small_model(settings, texts_labels, default=False, model_id="deceptive-ui-site")
    assert promoted_model(settings, TASK).model_id == "deceptive-ui-default-x"
    # ...a promoted one does.
    Landing(settings.landing_dir).write([Promotion(task=TASK, model_id="deceptive-ui-site")])
    load_pending(settings.db_path, settings.landing_dir)
    assert promoted_model(settings, TASK).model_id == "deceptive-ui-site"
    assert current_model_ids(settings) == {TASK: "deceptive-ui-site"}


def test_the_api_serves_the_default(settings, texts_labels):
    from snarewatch.api_predict import PromotedModels

    _small_model(settings, texts_labels, default=True, model_id="deceptive-ui-default-x")
    models = PromotedModels(settings, refresh_s=0.0).models()
    model = models[TASK]
    assert model.model_id == "deceptive-ui-default-x" and model.item_kind == "ui_element"
    (label, score, flag), = model.predict_cached(["Hurry! Only 2 left in stock"])
    assert flag and label == "low_stock_message" and score >= model.threshold


@pytest.mark.slow
def test_install_default_is_idempotent_and_cards_its_data(settings, monkeypatch, tmp_path):
    import snarewatch.cli._common as common
    from classifiers.deceptive.default_student import default_model_id, install_default
    from classifiers.registry import load_model, read_card
    from snarewatch.cli import app

    monkeypatch.setattr(common, "_settings", settings)
    result = CliRunner().invoke(app, ["models", "install-default", "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    assert card["installed"] and card["default"] and card["model_id"] == default_model_id()
    assert set(card["trained_on"]) == {"data/yada-ec-darkpattern-dev.tsv",
                                       "data/benign-ui-zyte.tsv"}
    assert card["cv"]["twostage"]["f1"] >= 0.95
    again = install_default(settings)
    assert not again.installed and again.model.model_id == card["model_id"]
    info = promoted_model(settings, TASK)
    assert info.model_id == card["model_id"] and read_card(info)["default"]
    clf = load_model(info)
    scores = clf.positive_score(clf.predict_proba(["Only 2 left in stock - order soon",
                                                   "No thanks, I'd rather pay full price",
                                                   "Add to basket", "Delivery & returns"]))
    assert (scores >= info.threshold).tolist() == [True, True, False, False]


@pytest.mark.slow
def test_adapt_trains_on_default_data_plus_site_labels(settings):
    from classifiers.deceptive.adapt import adapt_default
    from classifiers.deceptive.default_student import install_default

    install_default(settings)
    texts = [f"Only {n} seats left on this tour" for n in range(2, 8)] + [
        f"Tour guide number {n} speaks French" for n in range(2, 8)]
    elements = [Element(element_id=f"e{i}", site="tours", url=f"https://tours.test/p/{i % 4}",
                        text=t) for i, t in enumerate(texts)]
    labels = [Label(label_id=f"l{i}", task=TASK, item_id=f"e{i}", item_kind="ui_element",
                    value="low_stock_message" if "left" in t else "not_dark_pattern",
                    probability=0.9, source="llm:test") for i, t in enumerate(texts)]
    Landing(settings.landing_dir).write(elements)
    Landing(settings.landing_dir).write(labels)
    load_pending(settings.db_path, settings.landing_dir)
    result = adapt_default(settings)
    assert result.site_labels == 12 and result.promoted
    assert promoted_model(settings, TASK).model_id == result.model.model_id
    card = result.model.card
    assert card["adapted"] and card["site_labels"] == 12 and card["n_labels"] > 3000
    assert "before_f1" in card["cv"]["twostage"]["site"]
