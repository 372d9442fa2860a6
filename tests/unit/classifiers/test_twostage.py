"""The two-stage student: a binary flag from its body, the pattern type as a bonus."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers.base import Classifier, StudentError
from classifiers.registry import load_model, student_class
from snarewatch.errors import NotFittedError


def _typed(texts: list[str], labels: list[str]) -> list[str]:
    def kind(t: str) -> str:
        low = t.lower()
        if any(w in low for w in ("end", "expire", "limited")):
            return "countdown_timer"
        if any(w in low for w in ("left", "remaining", "gone")):
            return "low_stock_message"
        return "activity_notification"

    return [kind(t) if y == "dark" else "not_dark_pattern"
            for t, y in zip(texts, labels, strict=True)]


def test_contract(texts_labels, tmp_path):
    texts, labels = texts_labels
    labels = _typed(texts, labels)
    clf = student_class("twostage")(body="tfidf")
    with pytest.raises(NotFittedError):
        clf.predict_proba(["x"])
    assert clf.fit(texts, labels, sample_weight=[0.8] * len(texts)) is clf
    assert isinstance(clf, Classifier)
    assert clf.classes_[0] == "not_dark_pattern"
    assert set(clf.positive_) == set(clf.classes_[1:]) == set(labels) - {"not_dark_pattern"}
    proba = clf.predict_proba(["Only 3 left!", "About our company", ""])
    assert proba.shape == (3, len(clf.classes_))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    clf.save(tmp_path / "m")
    again = load_model(tmp_path / "m")
    assert type(again) is type(clf) and again.classes_ == clf.classes_
    np.testing.assert_allclose(again.predict_proba(texts[:5]), clf.predict_proba(texts[:5]),
                               atol=1e-6)
    assert again.predict_proba([]).shape == (0, len(clf.classes_))


def test_flag_is_the_bodys_binary_score(texts_labels):
    texts, labels = texts_labels
    typed = _typed(texts, labels)
    clf = student_class("twostage")(body="tfidf", seed=3).fit(texts, typed)
    body = student_class("tfidf")(positive=["positive"], seed=3).fit(
        texts, ["positive" if y == "dark" else "not_dark_pattern" for y in labels])
    probe = ["Hurry, only 2 left", "Size guide", "Deal ends in 5 minutes"]
    np.testing.assert_allclose(clf.positive_score(clf.predict_proba(probe)),
                               body.positive_score(body.predict_proba(probe)), atol=1e-9)
    best = clf.predict(["Almost gone: 2 remaining"])[0]
    assert best == "low_stock_message"


def test_mask_digits_reads_every_number_alike(texts_labels):
    texts, labels = texts_labels
    clf = student_class("twostage")(body="tfidf", mask_digits=True).fit(
        texts, _typed(texts, labels))
    a, b = clf.predict_proba(["Only 3 left in stock", "Only 8 left in stock"])
    np.testing.assert_allclose(a, b)


def test_needs_both_sides():
    with pytest.raises(StudentError):
        student_class("twostage")().fit(["a", "b", "c"], ["low_stock_message"] * 3)


def test_one_positive_type_has_no_type_head(texts_labels):
    texts, labels = texts_labels
    only = ["low_stock_message" if y == "dark" else "not_dark_pattern" for y in labels]
    clf = student_class("twostage")().fit(texts, only)
    assert clf.classes_ == ("not_dark_pattern", "low_stock_message")
    np.testing.assert_allclose(clf.predict_proba(texts[:3]).sum(axis=1), 1.0)
