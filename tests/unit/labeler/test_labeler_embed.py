"""Embeddings: the real encoder, normalised, cached per key, text and encoder version."""

from __future__ import annotations

import numpy as np
import pytest

import labeler.embed as embed

pytestmark = pytest.mark.real_encoder


def test_embeddings_are_normalised_and_cached(tmp_path, monkeypatch):
    texts = ["ivory bangle", "shark vacuum", "ivory bangle"]
    first = embed.embed_texts(texts, cache_dir=tmp_path, keys=["a", "b", "c"])
    assert first.shape == (3, 384)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-3)
    assert float(first[0] @ first[2]) > 0.99 and float(first[0] @ first[1]) < 0.8

    calls = []
    real = embed.encode
    monkeypatch.setattr(embed, "encode", lambda t, b=64: calls.append(list(t)) or real(t, b))
    again = embed.embed_texts(texts, cache_dir=tmp_path, keys=["a", "b", "c"])
    # Exactly equal: a draw made on the first call picks the same items on a later one.
    assert calls == [] and np.array_equal(again, first)
    embed.embed_texts(["shark vacuum, new"], cache_dir=tmp_path, keys=["b"])  # text changed
    assert calls == [["shark vacuum, new"]]


def test_no_cache_and_empty_input():
    assert embed.embed_texts([]).shape == (0, 384)
    assert embed.embed_texts(["x"]).shape == (1, 384)
