"""The page audit: detectors merged with a text student; the detectors' verification decides."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np

from classifiers.deceptive import TYPES, audit_visits
from classifiers.deceptive.taxonomy import NAMES, label_for, level1


class FakeStudent:
    """Says `label` with probability 0.9 for texts containing a key, else not_dark_pattern."""

    def __init__(self, rules: dict[str, str]) -> None:
        self.rules = rules
        self.classes_ = ("not_dark_pattern", *sorted(set(rules.values())))

    def predict_proba(self, texts):
        out = np.zeros((len(texts), len(self.classes_)))
        for i, text in enumerate(texts):
            label = next((lb for key, lb in self.rules.items() if key in text), "not_dark_pattern")
            out[i, self.classes_.index(label)] = 0.9
            out[i, 0 if label != "not_dark_pattern" else -1] += 0.1
        return out


def test_taxonomy_matches_the_bundled_task():
    spec = Path(__file__).resolve().parents[4] / "snarewatch" / "tasks" / "deceptive-ui.toml"
    task = tomllib.loads(spec.read_text(encoding="utf-8"))
    assert set(task["positive"]) == set(TYPES) == set(NAMES)
    groups = {lb["name"]: lb.get("group") for lb in task["labels"]}
    assert all(level1(name) == groups[name] for name in TYPES)
    assert label_for("Countdown Timer") == "countdown_timer"
    assert label_for("False Hierarchy / Visual Interference") == "visual_interference"


def test_student_opinion_is_evidence_on_a_detector_finding(el, visits):
    note = [el("Only 3 left in stock", selector="#stock")]
    v = visits(("first", 0, note), ("reload", 3, [el("Only 8 left in stock", selector="#stock")]))
    [found] = audit_visits(v, FakeStudent({"left in stock": "low_stock_message"}), model_id="m1")
    assert found.check == "claims" and found.verified_deceptive == "yes"
    assert found.evidence["student"]["label"] == "low_stock_message"


def test_student_only_finding_is_unverified(el, visits):
    v = visits(("first", 0, [el("Everyone is buying this!", selector="#hype")]))
    [found] = audit_visits(v, FakeStudent({"Everyone": "high_demand_message"}))
    assert found.check == "student" and found.verified_deceptive == "unknown"


def test_neutral_no_thanks_stays_unflagged_even_if_the_student_says_so(el, visits):
    v = visits(("first", 0, [el("No thanks", tag="button", selector="#m > button")]))
    assert audit_visits(v, FakeStudent({"No thanks": "confirmshaming"})) == []


def test_student_cannot_claim_state_patterns(el, visits):
    v = visits(("first", 0, [el("Protection plan included", selector="#pp")]))
    assert audit_visits(v, FakeStudent({"Protection": "preselection"})) == []


def test_cleared_lookalikes_can_be_left_out(el, visits):
    note = [el("Only 3 left in stock", selector="#stock")]
    v = visits(("first", 0, note), ("reload", 3, note))
    assert [d.cleared for d in audit_visits(v)] == [True]
    assert audit_visits(v, include_cleared=False) == []


def test_a_real_tfidf_student_through_its_public_api(el, visits):
    from classifiers.text import TfidfStudent

    texts = (
        [f"Only {n} left in stock" for n in range(2, 12)]
        + [f"Free shipping over ${n}0" for n in range(2, 12)]
        + [f"Hurry, {n} people bought this today" for n in range(2, 12)]
    )
    labels = ["low_stock_message"] * 10 + ["not_dark_pattern"] * 10 + ["activity_notification"] * 10
    student = TfidfStudent().fit(texts, labels)
    page = [
        el("Only 4 left in stock", selector="#s"),
        el("Free shipping over $50", selector="#f"),
        el("Hurry, 9 people bought this today", selector="#a"),
    ]
    found = {d.selector: d for d in audit_visits(visits(("first", 0, page)), student, model_id="m")}
    assert "#f" not in found
    assert (
        found["#s"].check == "claims"
        and found["#s"].evidence["student"]["label"] == "low_stock_message"
    )
    assert found["#a"].l2 == "activity_notification"
