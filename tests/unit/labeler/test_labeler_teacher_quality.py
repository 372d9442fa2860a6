"""Teacher quality techniques with a scripted LLM: kNN shots, FuDD, self-consistency, calibration,
abstention, cascade selection and the teacher card."""

from __future__ import annotations

import json

import numpy as np
import pytest

from labeler.calibrate import Calibration, fit_calibration, is_abstention
from labeler.card import compute_card
from labeler.cascade import select_unsure
from labeler.fudd import confusable_pairs, differential_notes, pair_key
from labeler.knn import ExamplePool
from labeler.llm.base import Choice
from labeler.llm.fake import FakeBackend
from labeler.prompts import build_prompt, prompt_prefix
from labeler.strategy import Strategy, combine, decide, prompts_for
from snarewatch.errors import ConfigError, LLMError
from snarewatch.tasks import load_task


@pytest.fixture
def wildlife():  # type: ignore[no-untyped-def]
    return load_task("wildlife")


# kNN few-shot -------------------------------------------------------------------------------

def test_knn_picks_the_most_similar_examples_and_never_the_item_itself() -> None:
    emb = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], dtype=np.float32)
    pool = ExamplePool(["ivory a", "ivory b", "phone a", "phone b"],
                       ["wildlife_product", "wildlife_product", "not_wildlife", "not_wildlife"],
                       emb, ids=["a", "b", "c", "d"])
    shots = pool.nearest(np.array([1.0, 0.05]), 2)
    assert [t for t, _ in shots] == ["ivory b", "ivory a"]  # closest last, next to the item
    assert pool.nearest(np.array([1.0, 0.0]), 1, exclude_id="a") == \
        [("ivory b", "wildlife_product")]
    assert pool.nearest(np.array([1.0, 0.0]), 1, exclude_text="ivory  a") == \
        [("ivory b", "wildlife_product")]
    assert pool.nearest(np.array([1.0, 0.0]), 0) == []


def test_knn_shots_come_after_the_shared_prefix(wildlife) -> None:
    shots = [("Carved ivory tusk", "wildlife_product")]
    a = build_prompt(wildlife, {"title": "Ivory bangle"}, shots=shots)
    b = build_prompt(wildlife, {"title": "Shark vacuum"})
    prefix = prompt_prefix(wildlife)
    assert a.startswith(prefix) and b.startswith(prefix)  # the KV-cached part is untouched
    tail = a[len(prefix):]
    assert tail.index("Carved ivory tusk") < tail.index("Input: Ivory bangle")


# FuDD -----------------------------------------------------------------------------------------

def test_fudd_notes_are_written_once_then_cached(wildlife, tmp_path) -> None:
    writer = FakeBackend({"notes": {"wildlife_product": "Real animal material vs imitation."}})
    pairs = confusable_pairs(wildlife, [])
    assert pairs == [("not_wildlife", "wildlife_product")]
    notes = differential_notes(writer, wildlife, pairs, tmp_path)
    assert notes == {pair_key(*pairs[0]): "Real animal material vs imitation."}
    again = differential_notes(writer, wildlife, pairs, tmp_path)
    assert again == notes and writer.generated == 1  # the cache answered the second time
    prefix = prompt_prefix(wildlife, notes=notes)
    assert "How to tell similar labels apart" in prefix
    assert "not_wildlife vs wildlife_product: Real animal material vs imitation." in prefix
    assert prefix.index("How to tell") < prefix.index("Answer with exactly one label name")


def test_fudd_pairs_for_many_labels_come_from_the_top_two_options() -> None:
    task = load_task("deceptive-ui")
    probs = [{"low_stock_message": 0.5, "high_demand_message": 0.4, "not_dark_pattern": 0.1},
             {"high_demand_message": 0.6, "low_stock_message": 0.3, "nagging": 0.1},
             {"not_dark_pattern": 0.7, "confirmshaming": 0.2, "nagging": 0.1}]
    choices = [Choice(max(p, key=p.get), max(p.values()), probabilities=p) for p in probs]
    pairs = confusable_pairs(task, choices, k=1)
    assert pairs == [("high_demand_message", "low_stock_message")]


def test_fudd_without_generation_is_a_config_error(wildlife, tmp_path) -> None:
    class ChooseOnly:
        name = "choose-only"

    with pytest.raises(ConfigError):
        differential_notes(ChooseOnly(), wildlife, confusable_pairs(wildlife, []), tmp_path)


# Self-consistency -----------------------------------------------------------------------------

def test_combine_averages_option_probabilities() -> None:
    opts = ["a", "b"]
    out = combine([Choice("a", 0.6, probabilities={"a": 0.6, "b": 0.4}),
                   Choice("b", 0.9, probabilities={"a": 0.1, "b": 0.9})], opts)
    assert out.label == "b" and out.probability == pytest.approx(0.65)
    assert out.probabilities == pytest.approx({"a": 0.35, "b": 0.65})
    # Without per-option probabilities the remainder is spread over the other options.
    out = combine([Choice("a", 0.8), Choice("a", 0.6)], opts)
    assert out.label == "a" and out.probability == pytest.approx(0.7)


def test_variants_differ_in_wording_and_label_order(wildlife) -> None:
    prompts = prompts_for(wildlife, {"title": "Ivory bangle"}, Strategy(variants=3,
                                                                         answer="names"))
    assert len(set(prompts)) == 3
    first, second = prompts[0], prompts[1]
    assert first.index("- wildlife_product") < first.index("- not_wildlife")
    assert second.index("- not_wildlife") < second.index("- wildlife_product")
    assert all(p.endswith("Input: Ivory bangle\nLabel:") for p in prompts)
    lettered = prompts_for(wildlife, {"title": "Ivory bangle"}, Strategy(variants=2,
                                                                         answer="letters"))
    assert "A) wildlife_product" in lettered[0] and "A) not_wildlife" in lettered[1]


def test_decide_asks_variant_by_variant_and_reports_failures_per_item(wildlife) -> None:
    seen: list[str] = []

    def answer(prompt, options):  # type: ignore[no-untyped-def]
        seen.append(prompt.split("\n", 1)[0][:12] + "|" + prompt.rsplit("Input:", 1)[1].strip())
        if "broken" in prompt.rsplit("Input:", 1)[1]:
            raise LLMError("scripted")
        return Choice("wildlife_product", 0.8)

    backend = FakeBackend(answer=answer)
    items = [{"title": "ivory"}, {"title": "broken"}, {"title": "horn"}]
    sets = [prompts_for(wildlife, i, Strategy(variants=2)) for i in items]
    out = decide(backend, Strategy().question(wildlife), sets)
    assert isinstance(out[1], LLMError)
    assert out[0].label == "wildlife_product" and out[2].probability == pytest.approx(0.8)
    # All items under the first variant, then all under the second (prefix reuse).
    heads = [s.split("|")[0] for s in seen]
    assert heads[:3] == [heads[0]] * 3 and heads[3:] == [heads[3]] * 3 and heads[0] != heads[3]


def test_strategy_validates_and_names_itself() -> None:
    assert Strategy().name == "plain"
    assert Strategy(knn=4, fudd=True, variants=3).name == "knn4+fudd+sc3"
    with pytest.raises(ConfigError):
        Strategy(variants=9)


# Calibration and abstention -------------------------------------------------------------------

def test_calibration_picks_the_lowest_threshold_that_reaches_the_target_precision() -> None:
    # Predicted "pos": right at 0.99, 0.95, 0.9; wrong at 0.7; right at 0.65.
    gold = ["pos", "pos", "pos", "neg", "pos"] + ["neg"] * 5
    pred = ["pos"] * 5 + ["neg"] * 5
    prob = [0.99, 0.95, 0.9, 0.7, 0.65] + [0.9] * 5
    cal = fit_calibration(gold, pred, prob, target_precision=0.9, max_abstain=0.5, min_support=5)
    assert cal.thresholds["pos"] == pytest.approx(0.9)
    assert cal.thresholds["neg"] == pytest.approx(0.9)
    assert cal.abstains("pos", 0.7) and not cal.abstains("pos", 0.95)
    assert cal.abstains(None, 0.99)  # no answer at all
    assert cal.seed_abstain_rate == pytest.approx(0.2)


def test_calibration_respects_the_abstention_cap() -> None:
    gold = ["pos", "neg"] * 10
    pred = ["pos"] * 20  # half wrong at every probability: no threshold reaches 0.9
    prob = [0.5 + i / 50 for i in range(20)]
    cal = fit_calibration(gold, pred, prob, target_precision=0.9, max_abstain=0.2)
    # The cap holds for new items, (abstained + 1) / (n + 1): 3 of 20 seed items, not 4.
    assert cal.seed_abstain_rate == pytest.approx(3 / 20)
    assert Calibration.from_dict(json.loads(json.dumps(cal.to_dict()))) == cal


def test_abstained_labels_are_kept_out_of_training_and_queued_for_review(store) -> None:
    from labeler.run import Teaching, label_items
    from snarewatch.store import load_pending, query_records
    from snarewatch.store.review_reads import uncertain_for_review

    task = load_task("wildlife")
    backend = FakeBackend({"rules": [["ivory", "wildlife_product", 0.95],
                                     ["rhino", "wildlife_product", 0.55]],
                           "default": "not_wildlife"})
    cal = Calibration(thresholds={"wildlife_product": 0.8}, default=0.5)
    summary = label_items(store, task, budget=12, method="random", backend=backend,
                          teaching=Teaching(calibration=cal))
    load_pending(store.db_path, store.landing_dir)
    assert summary.abstained == 1 and summary.failed == 0
    current = {r["item_id"]: r for r in query_records(
        store.db_path, "SELECT item_id, value, error FROM current_labels WHERE task = 'wildlife'")}
    assert current["ad01"]["value"] is None and is_abstention(current["ad01"]["error"])  # rhino
    assert current["ad00"]["value"] == "wildlife_product"  # ivory, sure enough
    training = query_records(store.db_path, "SELECT item_id FROM current_labels WHERE task = "
                                            "'wildlife' AND value IS NOT NULL")
    assert "ad01" not in {r["item_id"] for r in training} and len(training) == 11
    queue = uncertain_for_review(store.db_path, task.name, task.item_kind)
    assert [(r.item_id, r.llm_label) for r in queue] == [("ad01", "wildlife_product")]
    # A rerun reuses the stored guess (abstentions are answers, not failures).
    calls = backend.calls
    label_items(store, task, budget=12, method="random", backend=backend,
                teaching=Teaching(calibration=cal))
    assert backend.calls == calls


def test_knn_and_variants_flow_through_a_labelling_run(store) -> None:
    from labeler.run import Teaching, label_items

    task = load_task("wildlife")
    prompts: list[str] = []

    def answer(prompt, options):  # type: ignore[no-untyped-def]
        prompts.append(prompt)
        return Choice("not_wildlife", 0.9, probabilities={"wildlife_product": 0.1,
                                                           "not_wildlife": 0.9})

    pool = ExamplePool(["Narwhal tusk", "Plush tiger toy"], ["wildlife_product", "not_wildlife"],
                       np.eye(2, 32, dtype=np.float32))
    summary = label_items(store, task, budget=3, method="random",
                          backend=FakeBackend(answer=answer),
                          teaching=Teaching(strategy=Strategy(knn=1, variants=2), pool=pool))
    assert summary.labelled == 3 and len(prompts) == 6
    assert all("Labelled examples similar to this input" in p for p in prompts)


# Cascade --------------------------------------------------------------------------------------

def test_cascade_sends_only_unsure_and_unscored_items_most_uncertain_first() -> None:
    scores = {"a": 0.05, "b": 0.45, "c": 0.7, "d": 0.95, "e": 0.52}
    picked = select_unsure(["a", "b", "c", "d", "e", "f"], scores, low=0.2, high=0.8)
    assert picked.item_ids == ["f", "e", "b", "c"]
    assert picked.student_sure == 2 and picked.unscored == 1
    assert select_unsure(["f"], scores, include_unscored=False).item_ids == []
    with pytest.raises(ConfigError):
        select_unsure(["a"], scores, low=0.9, high=0.1)


def test_cascade_reads_student_predictions_from_the_store(store) -> None:
    from labeler.cascade import cascade_items
    from snarewatch.schema import Prediction
    from snarewatch.store import Landing, load_pending

    task = load_task("wildlife")
    with pytest.raises(ConfigError):
        cascade_items(store, task, ["ad00"])
    Landing(store.landing_dir).write([
        Prediction(task="wildlife", item_id=f"ad{i:02d}", item_kind="ad", model_id="m1",
                   label="wildlife_product" if s > 0.5 else "not_wildlife", score=s,
                   threshold=0.5, positive=s > 0.5)
        for i, s in enumerate([0.99, 0.5, 0.01, 0.3])])
    load_pending(store.db_path, store.landing_dir)
    picked = cascade_items(store, task, ["ad00", "ad01", "ad02", "ad03", "ad04"])
    assert picked.item_ids == ["ad04", "ad01", "ad03"]


# Teacher card ---------------------------------------------------------------------------------

def test_teacher_card_scores_answered_items_and_counts_abstentions(wildlife) -> None:
    gold = ["wildlife_product", "wildlife_product", "not_wildlife", "not_wildlife", "not_wildlife"]
    pred = ["wildlife_product", "not_wildlife", "wildlife_product", "not_wildlife", None]
    prob = [0.95, 0.9, 0.6, 0.99, None]
    cal = Calibration(thresholds={"wildlife_product": 0.8}, default=0.5)
    card = compute_card(wildlife, "m", gold, pred, prob, calibration=cal, seconds=10.0,
                        strategy=Strategy(knn=2).params())
    assert card.n == 5 and card.failed == 1
    assert card.abstention_rate == pytest.approx(0.2)  # the 0.6 guess
    assert card.answered == 3 and card.agreement == pytest.approx(2 / 3)
    assert card.precision == 1.0 and card.recall == 0.5
    assert card.per_label["not_wildlife"]["precision"] == 0.5
    assert card.seconds_per_label == pytest.approx(2.0)
    assert json.loads(card.to_json())["strategy"]["knn"] == 2


def test_calibration_by_side_judges_the_yes_no_decision() -> None:
    from labeler.calibrate import POSITIVE_SIDE

    # Fine labels are often wrong (timer vs stock) while the side is right: by side, that is right.
    gold = ["timer", "stock"] * 5 + ["none"] * 10
    pred = ["stock", "timer"] * 5 + ["none"] * 10
    prob = [0.6 + 0.035 * i for i in range(10)] + [0.9] * 10
    by_label = fit_calibration(gold, pred, prob, max_abstain=1.0)
    by_side = fit_calibration(gold, pred, prob, max_abstain=1.0, positive=["timer", "stock"])
    assert by_label.abstains("timer", 0.8)
    assert not by_side.abstains("timer", 0.8) and not by_side.abstains("none", 0.9)
    assert set(by_side.thresholds) == {POSITIVE_SIDE, "(negative)"}
    assert Calibration.from_dict(json.loads(json.dumps(by_side.to_dict()))) == by_side


def test_the_card_reports_how_well_the_teacher_ranks() -> None:
    wildlife = load_task("wildlife")
    gold = ["wildlife_product", "not_wildlife", "wildlife_product", "not_wildlife"]
    pred = ["wildlife_product", "wildlife_product", "wildlife_product", "not_wildlife"]
    prob = [0.9, 0.6, 0.8, 0.7]
    # P(positive): every wildlife item above every other one, though one answer is wrong.
    card = compute_card(wildlife, "m", gold, pred, prob, positive_prob=[0.9, 0.6, 0.8, 0.3])
    assert card.f1 < 1.0 and card.ranking_auc == pytest.approx(1.0)
    assert compute_card(wildlife, "m", gold, pred, prob).ranking_auc is None
