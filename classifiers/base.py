"""The Classifier protocol and the shared body of every student (scikit-learn conventions).

A student turns texts into features (its "body") and fits a class-weighted, calibrated
logistic-regression head on them. Subclasses only say how texts become features.

Example:
    >>> from classifiers.text import TfidfStudent
    >>> clf = TfidfStudent().fit(["hurry, 2 left!", "About us"], ["dark", "not_dark"])
    >>> clf.predict_proba(["only 1 left"]).shape
    (1, 2)
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

import joblib
import numpy as np

from snarewatch.errors import NotFittedError, SnarewatchError

log = logging.getLogger(__name__)

META_FILE = "student.json"
HEAD_FILE = "head.joblib"

# Class names that read as "nothing to report" when a binary task does not say which is positive.
NEGATIVE_NAMES = frozenset({"0", "no", "false", "negative", "not", "none", "other", "benign"})


@runtime_checkable
class Classifier(Protocol):
    """What every student offers: scikit-learn's fit / predict_proba / predict plus save / load."""

    classes_: tuple[str, ...]

    def fit(
        self, texts: Sequence[str], labels: Sequence[str],
        sample_weight: Sequence[float] | None = None,
    ) -> Self:
        """Learn from labelled texts; returns self."""
        ...

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (n, n_classes), columns in `classes_` order."""
        ...

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The most probable class of each text."""
        ...

    def save(self, path: Path) -> None:
        """Write the fitted model to the folder `path`."""
        ...

    @classmethod
    def load(cls, path: Path) -> Self:
        """Read a model written by `save`."""
        ...


class StudentError(SnarewatchError):
    """A student cannot be trained or loaded (too few labels, a corrupt model folder)."""


def read_meta(path: Path, student: str) -> dict[str, Any]:
    """The metadata of a student saved at `path`, checked to be of kind `student`."""
    try:
        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StudentError(f"{path} is not a saved student: {exc}") from exc
    if meta.get("student") != student:
        raise StudentError(f"{path} holds a {meta.get('student')!r} student, not {student!r}")
    return meta  # type: ignore[no-any-return]


def default_positive(classes: Sequence[str]) -> tuple[str, ...]:
    """The positive classes when none are given: every class that does not read as negative."""
    pos = tuple(c for c in classes if c.lower() not in NEGATIVE_NAMES and not c.startswith("not_"))
    if len(classes) == 2 and len(pos) != 1:
        return (classes[-1],)  # e.g. ("a", "b"): the later one, like scikit-learn's pos_label
    return pos or (classes[-1],)


class BaseStudent:
    """Features from `_features`, then a class-weighted logistic regression, sigmoid-calibrated.

    Args:
        C: inverse regularisation strength of the head.
        calibrate: calibrate probabilities with 3-fold Platt scaling when every class has 3+ rows.
        positive: classes that count as a finding (default: those not named like a negative).
        threshold: P(positive classes) at or above which an item is positive.
        seed: random state of the head and of calibration folds.
    """

    name: ClassVar[str] = "base"

    def __init__(
        self,
        C: float = 4.0,
        calibrate: bool = True,
        positive: Sequence[str] | None = None,
        threshold: float = 0.5,
        seed: int = 0,
    ) -> None:
        self.C = C
        self.calibrate = calibrate
        self.positive = tuple(positive) if positive is not None else None
        self.threshold = threshold
        self.seed = seed

    # -- what subclasses provide -------------------------------------------------------------
    def _features(self, texts: Sequence[str], fit: bool) -> Any:
        """Texts to a feature matrix; `fit=True` may learn a vocabulary first."""
        raise NotImplementedError

    def _save_body(self, path: Path) -> None:
        """Write whatever `_features` needs besides the head."""

    def _load_body(self, path: Path) -> None:
        """Read what `_save_body` wrote."""

    def get_params(self) -> dict[str, Any]:
        """Constructor parameters (scikit-learn convention), used by save and clone."""
        return {"C": self.C, "calibrate": self.calibrate, "positive": self.positive,
                "threshold": self.threshold, "seed": self.seed}

    # -- the shared head ---------------------------------------------------------------------
    def fit(
        self, texts: Sequence[str], labels: Sequence[str],
        sample_weight: Sequence[float] | None = None,
    ) -> Self:
        """Fit the body and the head on texts and their labels; returns self."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression

        texts = [t or "" for t in texts]
        y = np.asarray([str(v) for v in labels])
        if len(texts) != len(y):
            raise StudentError(f"{len(texts)} texts but {len(y)} labels")
        counts = Counter(y.tolist())
        if len(counts) < 2:
            raise StudentError(f"need at least two classes to train, got {sorted(counts)}")
        weights = (None if sample_weight is None
                   else np.clip(np.asarray(sample_weight, float), 0.05, None))
        X = self._features(texts, fit=True)
        head = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000,
                                  random_state=self.seed)
        folds = min(3, min(counts.values()))
        if self.calibrate and folds >= 2 and len(y) >= 20:
            # Balanced class weights skew probabilities toward rare classes; Platt scaling on
            # held-out folds brings them back to frequencies a threshold can be set on.
            from sklearn.model_selection import StratifiedKFold

            cv = StratifiedKFold(folds, shuffle=True, random_state=self.seed)
            model: Any = CalibratedClassifierCV(head, method="sigmoid", cv=cv)
        else:
            model = head
        model.fit(X, y, sample_weight=weights)
        self.head_ = model
        self.classes_ = tuple(str(c) for c in model.classes_)
        if self.positive is None:
            self.positive_ = default_positive(self.classes_)
        else:
            self.positive_ = tuple(c for c in self.positive if c in self.classes_)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "head_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet: call fit() first")

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, shape (n, n_classes), columns in `classes_` order."""
        self._check_fitted()
        if len(texts) == 0:
            return np.zeros((0, len(self.classes_)))
        proba = self.head_.predict_proba(self._features([t or "" for t in texts], fit=False))
        return np.asarray(proba, dtype=float)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The most probable class of each text."""
        proba = self.predict_proba(texts)
        return np.asarray(self.classes_, dtype=object)[proba.argmax(axis=1)]

    def positive_score(self, proba: np.ndarray) -> np.ndarray:
        """P(any positive class) per row of `predict_proba` output."""
        self._check_fitted()
        cols = [self.classes_.index(c) for c in self.positive_]
        return proba[:, cols].sum(axis=1) if cols else np.zeros(len(proba))

    # -- persistence -------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write the fitted student to the folder `path` (created if needed)."""
        self._check_fitted()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        params = self.get_params()
        params["positive"] = list(params["positive"]) if params["positive"] else None
        meta = {"student": self.name, "params": params, "classes": list(self.classes_),
                "positive": list(self.positive_)}
        (path / META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        joblib.dump(self.head_, path / HEAD_FILE)
        self._save_body(path)

    @classmethod
    def load(cls, path: Path) -> Self:
        """Read a student written by `save`."""
        path = Path(path)
        meta = read_meta(path, cls.name)
        self = cls(**meta["params"])
        self.head_ = joblib.load(path / HEAD_FILE)
        self.classes_ = tuple(meta["classes"])
        self.positive_ = tuple(meta["positive"])
        self._load_body(path)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


def read_student_kind(path: Path) -> str:
    """The student name recorded in a saved model folder."""
    try:
        return str(json.loads((Path(path) / META_FILE).read_text(encoding="utf-8"))["student"])
    except (OSError, ValueError, KeyError) as exc:
        raise StudentError(f"{path} is not a saved student: {exc}") from exc
