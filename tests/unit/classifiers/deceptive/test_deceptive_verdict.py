"""Page verdicts: one calibrated decision a page, from the checks and the text student."""

from __future__ import annotations

import numpy as np

from classifiers.deceptive.page import audit_page
from classifiers.deceptive.verdict import (
    WEIGHTS,
    PageFeatures,
    fit_weights,
    page_features,
    page_verdict,
    probability,
)


class KeywordStudent:
    """Flags texts that contain a key as its type with probability 0.95."""

    threshold = 0.6

    def __init__(self, rules: dict[str, str]) -> None:
        self.rules = rules
        self.classes_ = ("not_dark_pattern", *sorted(set(rules.values())))

    def predict_proba(self, texts):
        out = np.zeros((len(texts), len(self.classes_)))
        for i, text in enumerate(texts):
            label = next((lb for key, lb in self.rules.items() if key in text), None)
            if label is None:
                out[i, 0] = 0.9
                out[i, 1] = 0.1
            else:
                out[i, self.classes_.index(label)] = 0.95
                out[i, 0] = 0.05
        return out


def test_a_check_makes_a_page_deceptive_and_names_its_type(el, visits):
    page = [el("Only 3 left in stock", selector="#stock"), el("Add to basket", tag="button")]
    changed = [el("Only 1 left in stock", selector="#stock"), el("Add to basket", tag="button")]
    v = visits(("first", 0, page), ("reload", 3, changed))
    audit = audit_page(v, KeywordStudent({"left in stock": "low_stock_message"}), model_id="m")
    verdict = page_verdict(audit, v, site="shop.test", capture_id="c1")
    assert verdict.deceptive and verdict.probability >= 0.5
    assert verdict.types == ["low_stock_message"] and verdict.verified_types == ["low_stock_message"]
    entry = verdict.evidence["types"]["low_stock_message"]
    assert entry["checks"] == ["claims"] and entry["verified"] == "yes"
    assert verdict.evidence["features"]["checks"] == 1 and verdict.visits == 2
    assert verdict.student_model_id == "m" and verdict.rule


def test_an_honest_lookalike_and_text_hints_alone_do_not(el, visits):
    note = [el("Only 3 left in stock", selector="#stock"),
            el("Customers who viewed this also viewed", selector="#cv")]
    v = visits(("first", 0, note), ("reload", 3, note))
    student = KeywordStudent({"left in stock": "low_stock_message",
                              "viewed": "activity_notification"})
    audit = audit_page(v, student)
    features = page_features(audit)
    assert (features.checks, features.cleared, features.text) == (0, 1, 1)
    verdict = page_verdict(audit, v, site="shop.test")
    assert not verdict.deceptive and verdict.probability < 0.5
    assert verdict.types == ["activity_notification"] and verdict.verified_types == []


def test_student_texts_next_to_a_check_are_covered_by_it(el, visits):
    label = el("Sale ends in", selector="#deal")
    digits = [el(f"00:14:{s:02d}", selector="#deal > b") for s in (50, 48, 50)]
    v = visits(("first", 0, [label, digits[0]]), ("later", 2, [label, digits[1]]),
               ("reload", 4, [label, digits[2]]))
    audit = audit_page(v, KeywordStudent({"ends in": "limited_time_message"}))
    assert page_features(audit).text == 0


def test_probability_is_monotone_in_the_evidence():
    none = PageFeatures(checks=0, checks_verified=0, text=0, text_max=0.0, cleared=0)
    one = PageFeatures(checks=1, checks_verified=1, text=0, text_max=0.0, cleared=0)
    many = PageFeatures(checks=9, checks_verified=0, text=9, text_max=0.9, cleared=0)
    assert probability(none) < 0.5 <= probability(one) < probability(many) < 1.0
    assert WEIGHTS["text"] == 0.0


def test_fit_weights_learns_that_checks_matter():
    pages = [PageFeatures(checks=c, checks_verified=0, text=t, text_max=0.0, cleared=0)
             for c, t in [(0, 0), (0, 1), (0, 0), (1, 1), (2, 0), (1, 0)]]
    labels = [False, False, False, True, True, True]
    w = fit_weights(pages, labels)
    assert w["checks"] > 0 and set(w) == {"intercept", "checks", "text"}
    assert fit_weights(pages, labels, use_text=False)["text"] == 0.0
