"""Thresholds for a target, grouped folds, and the (label, score, positive) rule of predict_texts."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from classifiers.classify import predict_texts
from classifiers.cv import cross_validate, make_folds
from classifiers.metrics import binary_metrics, choose_threshold, classification_report, f1_range
from classifiers.registry import student_class


def test_threshold_maximises_f1():
    y = [0, 0, 0, 1, 1, 1]
    s = [0.1, 0.2, 0.35, 0.3, 0.8, 0.9]
    cut, m = choose_threshold(y, s)
    assert 0.2 < cut <= 0.3 and m["f1"] == binary_metrics(y, np.asarray(s) >= cut)["f1"]
    assert m["recall"] == 1.0


def test_threshold_with_precision_floor_keeps_most_recall():
    y = [0, 0, 1, 0, 1, 1, 1]
    s = [0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.9]
    cut, m = choose_threshold(y, s, min_precision=1.0)
    assert m["precision"] == 1.0 and m["recall"] == 0.75 and 0.4 < cut <= 0.6


def test_threshold_on_one_class_is_neutral():
    assert choose_threshold([1, 1], [0.2, 0.9])[0] == 0.5


def test_f1_range_narrows_as_the_positives_grow():
    few = f1_range([1] * 6 + [0] * 34, [1] * 6 + [0] * 34)
    many = f1_range([1] * 60 + [0] * 340, [1] * 60 + [0] * 340)
    assert few[0] < many[0] < 1.0 and few[1] <= 1.0
    assert few[0] < 0.9  # six right answers out of six do not prove a perfect student


def test_f1_range_leaves_room_for_positives_a_large_stratum_did_not_show():
    # 20 rows drawn among the 160 items most like the positives (6 positive, all found), 20
    # among the other 1,440 (none positive): the check never saw what the student misses there.
    truth = [1] * 6 + [0] * 34
    flags = list(truth)
    as_drawn = f1_range(truth, flags)
    stratified = f1_range(truth, flags, [8.0] * 20 + [72.0] * 20)
    assert stratified[0] < as_drawn[0] - 0.2


def test_rate_range_holds_the_rate_and_widens_for_a_large_stratum_seen_through_few_rows():
    from snarewatch.metrics import rate_range

    low, high = rate_range([True] * 6 + [False] * 34)
    assert 0.05 < low < 6 / 40 < high < 0.3
    many = rate_range([True] * 60 + [False] * 340)
    assert low < many[0] < 0.15 < many[1] < high
    # 14 positives among 20 rows standing for 3 items each, none among 20 standing for 60
    # each: the weighted rate is 42/1260 and the empty stratum may still hide some.
    weighted = rate_range([True] * 14 + [False] * 26, [3.0] * 20 + [60.0] * 20)
    assert weighted[0] < 42 / 1260 < weighted[1] and weighted[1] > 0.08


def test_folds_never_split_a_group():
    labels = ["a", "b"] * 30
    groups = [f"page{i // 3}" for i in range(60)]
    folds, grouped = make_folds(labels, groups, k=5)
    assert grouped and len(folds) == 5
    for train, test in folds:
        assert not {groups[i] for i in train} & {groups[i] for i in test}


def test_folds_without_groups_are_stratified():
    folds, grouped = make_folds(["a"] * 10 + ["b"] * 10, None, k=5)
    assert not grouped and all(sorted(np.bincount([i >= 10 for i in t])) == [2, 2] for _, t in folds)


def test_cross_validate_scores_every_row(texts_labels):
    texts, labels = texts_labels
    cv = cross_validate(lambda: student_class("tfidf")(), texts, labels, positive=["dark"], k=3)
    assert cv.proba.shape == (len(texts), 2)
    np.testing.assert_allclose(cv.proba.sum(axis=1), 1.0, atol=1e-6)
    assert cv.metrics["f1"] > 0.8 and cv.metrics["folds"] == 3


def test_report_has_confusion_and_macro():
    r = classification_report(["a", "a", "b", "c"], ["a", "b", "b", "c"])
    assert r["confusion"] == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    assert r["per_class"]["a"]["recall"] == 0.5 and 0 < r["macro"]["f1"] < 1


def test_predict_texts_label_agrees_with_flag(texts_labels):
    texts, labels = texts_labels
    multi = [("urgency" if "end" in t.lower() else "scarcity") if y == "dark" else y
             for t, y in zip(texts, labels, strict=True)]
    clf = student_class("tfidf")(positive=["urgency", "scarcity"]).fit(texts, multi)
    for threshold in (0.01, 0.5, 0.99):
        clf.threshold = threshold
        for label, score, positive in predict_texts(clf, ["Sale ends in 4 minutes", "Size guide"]):
            assert positive == (score >= threshold)
            assert (label in clf.positive_) == positive
    assert predict_texts(clf, []) == []


def test_rare_labels_share_a_stratum_without_warnings() -> None:
    import warnings

    labels = ["none"] * 30 + ["timer"] * 8 + ["forced_enrollment"] + ["nagging"] * 2
    groups = [f"page{n // 2}" for n in range(len(labels))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # sklearn warns when a class has fewer rows than folds
        for g in (groups, None):
            folds, _ = make_folds(labels, g, k=5)
            test_rows = sorted(i for _, test in folds for i in test)
            assert test_rows == list(range(len(labels)))  # every row held out exactly once


def _check(student: str, f1: float) -> SimpleNamespace:
    return SimpleNamespace(student=student, metrics={"f1": f1})


@pytest.mark.parametrize(("scores", "chosen"), [
    # A tie, or a gain under the margin, goes to the student that learnt from people alone.
    ({"tfidf": 0.96, "hybrid": 0.955, "setfit": 0.96}, "setfit"),
    ({"tfidf": 0.965, "setfit": 0.96}, "setfit"),
    # Beating it by the margin earns the LLM labels their place; the faster of near equals wins.
    ({"tfidf": 0.95, "hybrid": 0.955, "setfit": 0.90}, "tfidf"),
    ({"tfidf": 0.90, "hybrid": 0.97, "setfit": 0.92}, "hybrid"),
    ({"tfidf": 0.80, "setfit": 0.92}, "setfit"),
])
def test_students_on_llm_labels_must_beat_the_seed_only_baseline(scores, chosen) -> None:
    from classifiers.train import _baseline_verdict, _choose_on_seed

    checks = {n: _check(n, f) for n, f in scores.items()}
    name, why = _choose_on_seed(checks, None)  # type: ignore[arg-type]
    assert name == chosen
    verdict = _baseline_verdict(checks, name)
    if chosen == "setfit":
        assert "did not help" in verdict and ("kept" in verdict or "won" in verdict)
    else:
        assert "beat the seed-only baseline by +" in verdict
