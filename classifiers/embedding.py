"""The embedding student: frozen all-MiniLM-L6-v2 sentence embeddings with a logistic head.

Understands paraphrases the TF-IDF student has never seen ("just a few left" vs "low stock"),
at the cost of running a small transformer per text (~400 short texts/s on 2 cores).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from classifiers.base import BaseStudent
from snarewatch.encoder import ENCODER_VERSION, load_encoder

# Cross-validation, threshold search and the active loop embed the same texts many times;
# an in-process memo (bounded, ~1.5 KB a text) makes each text cost one encoder pass.
_MEMO_MAX = 200_000
_memo: OrderedDict[str, np.ndarray] = OrderedDict()


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def embed(texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Normalised MiniLM embeddings (n, 384) of texts, memoised per process."""
    keys = [_key(t) for t in texts]
    missing = list(dict.fromkeys(k for k in keys if k not in _memo))
    if missing:
        by_key = dict(zip(keys, texts, strict=True))
        vectors = load_encoder().encode([by_key[k] for k in missing], batch_size=batch_size,
                                        normalize_embeddings=True, convert_to_numpy=True,
                                        show_progress_bar=False)
        for k, v in zip(missing, vectors, strict=True):
            _memo[k] = v.astype(np.float32)
        while len(_memo) > _MEMO_MAX:
            _memo.popitem(last=False)
    if not keys:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([_memo[k] for k in keys])


def remember(texts: Sequence[str], vectors: np.ndarray) -> None:
    """Seed the memo with vectors computed elsewhere (e.g. the labeler's on-disk cache)."""
    for text, vec in zip(texts, np.asarray(vectors, dtype=np.float32), strict=True):
        _memo[_key(text)] = vec
    while len(_memo) > _MEMO_MAX:
        _memo.popitem(last=False)


def forget() -> None:
    """Empty the memo (so a benchmark times the encoder, not the memo)."""
    _memo.clear()


class EmbeddingStudent(BaseStudent):
    """MiniLM (frozen) body + calibrated, class-weighted logistic-regression head (SetFit's shape).

    Args:
        **kwargs: passed to `BaseStudent` (C, calibrate, positive, threshold, seed).
    """

    name: ClassVar[str] = "embed"
    encoder: ClassVar[str] = ENCODER_VERSION

    def __init__(self, C: float = 4.0, **kwargs: Any) -> None:
        super().__init__(C=C, **kwargs)

    def _features(self, texts: Sequence[str], fit: bool) -> Any:
        return embed(texts)
