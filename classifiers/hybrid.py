"""The hybrid student: TF-IDF n-grams and MiniLM embeddings side by side, one logistic head.

n-grams catch the exact wording of a pattern ("only 3 left"), embeddings its paraphrases; on
page-grouped dark-pattern texts the pair beats either alone. It costs the same as the embedding
student to run (the encoder dominates).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from classifiers.embedding import embed
from classifiers.text import TfidfStudent


class HybridStudent(TfidfStudent):
    """TF-IDF word+char n-grams concatenated with normalised MiniLM sentence embeddings.

    Args:
        embedding_weight: scale of the embedding block relative to the unit-norm TF-IDF rows.
        **kwargs: passed to `TfidfStudent` (max_features, C, calibrate, positive, threshold, seed).
    """

    name: ClassVar[str] = "hybrid"

    def __init__(self, embedding_weight: float = 1.0, C: float = 16.0, **kwargs: Any) -> None:
        super().__init__(C=C, **kwargs)
        self.embedding_weight = embedding_weight

    def get_params(self) -> dict[str, Any]:
        """Constructor parameters."""
        return {**super().get_params(), "embedding_weight": self.embedding_weight}

    def _features(self, texts: Sequence[str], fit: bool) -> Any:
        import scipy.sparse as sp

        ngrams = super()._features(texts, fit)
        dense = sp.csr_matrix(embed(texts) * self.embedding_weight)
        return sp.hstack([ngrams, dense], format="csr")
