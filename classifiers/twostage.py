"""A two-stage student: one calibrated "any pattern vs none" decision, then which pattern.

Multi-class heads spread a positive text's probability over many types and cannot be calibrated
when a type has one or two examples. Here a body student (tfidf, embed or hybrid) learns the
binary decision on every label, and a second logistic head, trained on the positive rows only,
names the type. P(type k) = P(positive) x P(k | positive), so P(positive classes) is exactly the
binary student's calibrated score and the type is a bonus that never moves the flag.

Example:
    >>> clf = TwoStageStudent(body="tfidf", negative="not_dark_pattern")
    >>> clf = clf.fit(texts, labels)               # labels: level-2 types or not_dark_pattern
    >>> clf.predict_proba(["Only 2 left!"]).shape  # (1, n_classes)
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Self

import joblib
import numpy as np

from classifiers.base import META_FILE, BaseStudent, StudentError, read_meta

BODY_DIR = "body"
TYPES_FILE = "types.joblib"
_POSITIVE = "positive"
_DIGIT = re.compile(r"\d")


class TwoStageStudent(BaseStudent):
    """Binary body student for the flag, plus a type head over the positive rows.

    Args:
        body: the binary student (`tfidf`, `embed` or `hybrid`).
        negative: the label that means "nothing to report".
        type_C: inverse regularisation strength of the type head.
        mask_digits: read every digit as 0, so "Only 3 left" and "Only 7 left" are one template
            and a price or a clock is not learnt by its figures.
        **kwargs: passed to `BaseStudent` (C for the body, calibrate, positive, threshold, seed).
    """

    name: ClassVar[str] = "twostage"

    def __init__(self, body: str = "tfidf", negative: str = "not_dark_pattern",
                 type_C: float = 4.0, mask_digits: bool = False, C: float | None = None,
                 **kwargs: Any) -> None:
        super().__init__(C=C if C is not None else 0.0, **kwargs)
        self.C = C  # None: the body student's own default
        self.body = body
        self.negative = negative
        self.type_C = type_C
        self.mask_digits = mask_digits

    def get_params(self) -> dict[str, Any]:
        """Constructor parameters."""
        return {**super().get_params(), "body": self.body, "negative": self.negative,
                "type_C": self.type_C, "mask_digits": self.mask_digits}

    def _prepare(self, texts: Sequence[str]) -> list[str]:
        texts = [t or "" for t in texts]
        return [_DIGIT.sub("0", t) for t in texts] if self.mask_digits else texts

    def _make_body(self) -> BaseStudent:
        from classifiers.registry import student_class

        if self.body == self.name:
            raise StudentError("a two-stage student cannot be its own body")
        extra = {} if self.C is None else {"C": self.C}
        return student_class(self.body)(calibrate=self.calibrate, positive=[_POSITIVE],
                                        seed=self.seed, **extra)

    def fit(
        self, texts: Sequence[str], labels: Sequence[str],
        sample_weight: Sequence[float] | None = None,
    ) -> Self:
        """Fit the binary body on every row and the type head on the positive rows."""
        from sklearn.linear_model import LogisticRegression

        texts = self._prepare(texts)
        y = np.asarray([str(v) for v in labels])
        if len(texts) != len(y):
            raise StudentError(f"{len(texts)} texts but {len(y)} labels")
        is_pos = y != self.negative
        if is_pos.all() or not is_pos.any():
            raise StudentError(f"need rows of {self.negative!r} and of at least one other label")
        w = None if sample_weight is None else np.asarray(sample_weight, float)
        binary = np.where(is_pos, _POSITIVE, self.negative)
        self.body_ = self._make_body().fit(texts, binary, w)
        types = sorted(set(y[is_pos].tolist()))
        self.types_ = tuple(types)
        self.type_head_: Any = None
        if len(types) > 1:
            idx = np.flatnonzero(is_pos)
            X = self.body_._features([texts[i] for i in idx], fit=False)
            # newton-cg: ~15x faster than lbfgs on wide sparse n-grams with a dozen classes.
            head = LogisticRegression(C=self.type_C, class_weight="balanced", max_iter=2000,
                                      solver="newton-cg", random_state=self.seed)
            head.fit(X, y[idx], sample_weight=None if w is None else np.clip(w[idx], 0.05, None))
            self.type_head_ = head
        self.head_ = self.body_.head_  # marks the student fitted (BaseStudent's check)
        self.classes_ = (self.negative, *types)
        wanted = self.positive if self.positive is not None else types
        self.positive_ = tuple(c for c in wanted if c in types)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 1 + n_types): P(negative), then P(positive) x P(type | positive) per type."""
        self._check_fitted()
        if len(texts) == 0:
            return np.zeros((0, len(self.classes_)))
        X = self.body_._features(self._prepare(texts), fit=False)
        body_proba = np.asarray(self.body_.head_.predict_proba(X), dtype=float)
        p = body_proba[:, list(self.body_.classes_).index(_POSITIVE)]
        if self.type_head_ is None:
            q = np.ones((len(texts), 1))
        else:
            raw = np.asarray(self.type_head_.predict_proba(X), dtype=float)
            order = [list(self.type_head_.classes_).index(t) for t in self.types_]
            q = raw[:, order]
        return np.column_stack([1.0 - p, p[:, None] * q])

    def save(self, path: Path) -> None:
        """Write the body student, the type head and the metadata to the folder `path`."""
        self._check_fitted()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        params = self.get_params()
        params["positive"] = list(params["positive"]) if params["positive"] else None
        meta = {"student": self.name, "params": params, "classes": list(self.classes_),
                "positive": list(self.positive_), "types": list(self.types_)}
        (path / META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        self.body_.save(path / BODY_DIR)
        joblib.dump(self.type_head_, path / TYPES_FILE)

    @classmethod
    def load(cls, path: Path) -> Self:
        """Read a student written by `save`."""
        from classifiers.registry import student_class

        path = Path(path)
        meta = read_meta(path, cls.name)
        self = cls(**meta["params"])
        self.body_ = student_class(self.body).load(path / BODY_DIR)
        self.head_ = self.body_.head_
        self.type_head_ = joblib.load(path / TYPES_FILE)
        self.types_ = tuple(meta["types"])
        self.classes_ = tuple(meta["classes"])
        self.positive_ = tuple(meta["positive"])
        return self
