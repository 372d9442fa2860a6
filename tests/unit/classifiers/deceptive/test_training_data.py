"""The shipped training data of the default deceptive-UI student and Yada's type mapping."""

from __future__ import annotations

from collections import Counter

import pytest

from classifiers.deceptive.taxonomy import NOT_DARK, TYPES
from classifiers.deceptive.training_data import (
    BENIGN_FILE,
    YADA_FILE,
    data_path,
    data_sha256,
    load_corpus,
    yada_type,
)


@pytest.mark.parametrize(("text", "category", "expected"), [
    ("Hurry! Sale ends in 02:14:36", "Urgency", "countdown_timer"),
    ("00DAYS07HOURS09MINUTES39SECONDS", "Urgency", "countdown_timer"),
    ("Limited time only!", "Urgency", "limited_time_message"),
    ("Only 3 left in stock", "Scarcity", "low_stock_message"),
    ("Hurry, this style is selling fast!", "Scarcity", "high_demand_message"),
    ("Selling fast! Only 2 left", "Scarcity", "low_stock_message"),
    ("Sierra in Cypress bought a dress 46 minutes ago", "Social Proof", "activity_notification"),
    ("What our reviewers are saying", "Social Proof", "testimonials_of_uncertain_origin"),
    ("No thanks, I'd rather pay full price", "Misdirection", "confirmshaming"),
    ("Uncheck the box if you prefer not to receive email updates.", "Misdirection",
     "trick_question"),
    ("Add on something to make it extra special!", "Misdirection", "pressured_selling"),
    ("You may cancel your membership by calling us", "Obstruction", "hard_to_cancel"),
    ("After 1 year, subscription auto renews with fee.", "Sneaking", "hidden_subscription"),
    ("Service Charge: $14.99 Total: $90.61", "Sneaking", "hidden_costs"),
    ("SUPPORT THE ASSOCIATION", "Sneaking", "sneak_into_basket"),
    ("I agree to receive marketing emails", "Forced Action", "forced_enrollment"),
    ("Write a review", "Not Dark Pattern", NOT_DARK),
])
def test_yada_type(text, category, expected):
    assert yada_type(text, category) == expected


def test_unknown_category_is_an_error():
    with pytest.raises(ValueError):
        yada_type("x", "Nagging")


def test_corpus():
    corpus = load_corpus()
    counts = Counter(corpus.labels)
    assert len(corpus.where("yada")) == 1900
    assert len(corpus.where("zyte")) > 1000
    assert sum(n for label, n in counts.items() if label != NOT_DARK) == 938
    assert set(counts) - {NOT_DARK} <= set(TYPES)
    assert all(corpus.labels[i] == NOT_DARK for i in corpus.where("zyte"))
    assert {g.split(":")[0] for g in corpus.groups} == {"yada", "zyte"}
    assert len(load_corpus(benign=False)) == 1900
    assert len(data_sha256()) == 64 and data_sha256() == data_sha256()


def test_licences_ship_with_the_data():
    folder = data_path(YADA_FILE).parent
    assert data_path(BENIGN_FILE).is_file()
    assert "Apache License" in (folder / "LICENSE-yada-Apache-2.0.txt").read_text()
    assert "MIT License" in (folder / "LICENSE-zyte-MIT.txt").read_text()
    readme = (folder / "README.md").read_text()
    assert "Yada" in readme and "Zyte" in readme
