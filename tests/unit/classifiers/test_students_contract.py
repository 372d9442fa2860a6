"""Every student honours the Classifier contract (fit returns self, probabilities, save/load)."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers.base import Classifier
from classifiers.registry import load_model, student_class
from snarewatch.errors import NotFittedError

FAST = ["tfidf", "embed", "hybrid"]
ALL = [*FAST, pytest.param("finetune", marks=pytest.mark.slow),
       pytest.param("setfit", marks=pytest.mark.slow)]


def _student(name: str):
    if name == "finetune":
        return student_class(name)(epochs=1, batch_size=16)
    if name == "setfit":
        return student_class(name)(pairs_per_text=2)
    return student_class(name)()


@pytest.mark.parametrize("name", ALL)
def test_contract(name, texts_labels, tmp_path):
    texts, labels = texts_labels
    clf = _student(name)
    with pytest.raises(NotFittedError):
        clf.predict_proba(["x"])
    assert clf.fit(texts, labels, sample_weight=[0.9] * len(texts)) is clf
    assert isinstance(clf, Classifier)
    assert clf.classes_ == ("dark", "not_dark")
    assert clf.positive_ == ("dark",)
    proba = clf.predict_proba(["Only 3 left!", "About our company", ""])
    assert proba.shape == (3, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert set(clf.predict(texts[:4])) <= set(clf.classes_)
    clf.save(tmp_path / "m")
    again = load_model(tmp_path / "m")
    assert type(again) is type(clf)
    np.testing.assert_allclose(again.predict_proba(texts[:5]), clf.predict_proba(texts[:5]),
                               atol=1e-5)
    assert again.predict_proba([]).shape[0] == 0


@pytest.mark.parametrize("name", FAST)
def test_learns_the_training_set(name, texts_labels):
    texts, labels = texts_labels
    clf = _student(name).fit(texts, labels)
    assert (clf.predict(texts) == np.asarray(labels)).mean() >= 0.9


def test_multiclass_and_explicit_positive(texts_labels):
    texts, labels = texts_labels
    labels = [("urgency" if "end" in t.lower() or "expire" in t.lower() else "scarcity")
              if y == "dark" else y for t, y in zip(texts, labels, strict=True)]
    clf = student_class("tfidf")(positive=["urgency", "scarcity"]).fit(texts, labels)
    assert clf.classes_ == ("not_dark", "scarcity", "urgency")
    assert set(clf.positive_) == {"urgency", "scarcity"}
    p = clf.predict_proba(["Sale ends in 5 minutes"])
    assert p.shape == (1, 3)
    assert clf.positive_score(p)[0] > 0.5


def test_single_class_is_refused():
    from classifiers.base import StudentError

    with pytest.raises(StudentError):
        student_class("tfidf")().fit(["a", "b"], ["x", "x"])


def test_unknown_student():
    from classifiers.base import StudentError

    with pytest.raises(StudentError):
        student_class("bert-xxl")
