"""The TF-IDF student: word and character n-grams with a logistic-regression head.

The cheapest student: trains in a second on a few thousand labels and scores tens of thousands
of short texts per second on one core, so it is the default for the browser extension's API.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import joblib
import numpy as np

from classifiers.base import BaseStudent

BODY_FILE = "tfidf.joblib"


class TfidfStudent(BaseStudent):
    """Word 1–2-grams plus character 2–5-grams (within word boundaries), sublinear TF-IDF.

    Character n-grams make it robust to the stemmed, misspelt and multilingual text of ads.

    Args:
        max_features: vocabulary cap per analyser, bounding memory on millions of ads.
        **kwargs: passed to `BaseStudent` (C, calibrate, positive, threshold, seed).
    """

    name: ClassVar[str] = "tfidf"

    def __init__(self, max_features: int = 100_000, C: float = 16.0, **kwargs: Any) -> None:
        # Unit-norm sparse rows need weak regularisation; C=16 was best on page-grouped CV.
        super().__init__(C=C, **kwargs)
        self.max_features = max_features

    def get_params(self) -> dict[str, Any]:
        """Constructor parameters."""
        return {**super().get_params(), "max_features": self.max_features}

    def _features(self, texts: Sequence[str], fit: bool) -> Any:
        if fit:
            from sklearn.feature_extraction.text import TfidfVectorizer
            from sklearn.pipeline import FeatureUnion

            self.vectorizer_ = FeatureUnion([
                ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True,
                                         max_features=self.max_features, dtype=np.float32)),
                ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                         max_features=self.max_features, dtype=np.float32)),
            ])
            return self.vectorizer_.fit_transform(texts)
        return self.vectorizer_.transform(texts)

    def _save_body(self, path: Path) -> None:
        joblib.dump(self.vectorizer_, path / BODY_FILE)

    def _load_body(self, path: Path) -> None:
        self.vectorizer_ = joblib.load(path / BODY_FILE)
