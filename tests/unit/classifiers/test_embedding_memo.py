"""The embedding memo: vectors handed in are reused, and forgetting them forces a re-encode."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers import embedding


def test_remembered_vectors_are_returned_without_the_encoder(monkeypatch):
    def no_encoder():
        raise AssertionError("the encoder must not be loaded for remembered texts")

    monkeypatch.setattr(embedding, "load_encoder", no_encoder)
    vectors = np.eye(2, 384, dtype=np.float32)
    embedding.remember(["only 2 left", "add to cart"], vectors)
    try:
        got = embedding.embed(["add to cart", "only 2 left", "add to cart"])
        assert np.array_equal(got, vectors[[1, 0, 1]])
    finally:
        embedding.forget()


def test_forget_empties_the_memo(monkeypatch):
    embedding.remember(["sale ends soon"], np.ones((1, 384), dtype=np.float32))
    embedding.forget()

    def no_encoder():
        raise RuntimeError("encoder called")

    monkeypatch.setattr(embedding, "load_encoder", no_encoder)
    with pytest.raises(RuntimeError, match="encoder called"):
        embedding.embed(["sale ends soon"])


def test_remember_refuses_mismatched_lengths():
    with pytest.raises(ValueError):
        embedding.remember(["a", "b"], np.zeros((1, 384), dtype=np.float32))
    embedding.forget()
