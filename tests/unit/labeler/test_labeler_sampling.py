"""Sampling under a budget: sizes, determinism, near-duplicates, exclusions, LTS, uncertainty."""

from __future__ import annotations

import numpy as np
import pytest

from labeler.sampling import select


def blobs(n_per=40, k=5, dim=16, seed=0):
    """k well-separated clusters of n_per points each."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, dim)) * 1.5
    return np.vstack([c + rng.normal(size=(n_per, dim)) for c in centres])


@pytest.mark.parametrize("method, extra", [
    ("random", {}), ("diversity", {}), ("diversity", {"algorithm": "kcenter"}),
    ("diversity", {"allocation": "equal"}),
])
def test_budget_is_filled_once_and_deterministic(method, extra):
    emb = blobs()
    a = select(method, emb, 30, seed=3, **extra)
    b = select(method, emb, 30, seed=3, **extra)
    assert a.indices == b.indices and len(a.indices) == 30 == len(set(a.indices))
    assert a.method == method and a.seed == 3 and "dedup_threshold" in a.params
    assert select(method, emb, 30, seed=4, **extra).indices != a.indices or method == "diversity"


def test_diversity_covers_every_cluster():
    emb = blobs(k=5)
    result = select("diversity", emb, 10, n_clusters=5, allocation="equal")
    truth = np.repeat(np.arange(5), 40)
    assert set(truth[result.indices]) == set(range(5))
    assert result.clusters is not None and len(result.clusters) == 10


def test_proportional_allocation_follows_cluster_size():
    rng = np.random.default_rng(1)
    axis = np.eye(16)
    big = axis[0] * 3 + rng.normal(size=(160, 16)) * 0.5
    small = axis[1] * 3 + rng.normal(size=(40, 16)) * 0.5
    emb = np.vstack([big, small])
    proportional = select("diversity", emb, 20, n_clusters=2)
    assert sum(i < 160 for i in proportional.indices) == 16
    equal = select("diversity", emb, 20, n_clusters=2, allocation="equal")
    assert sum(i < 160 for i in equal.indices) == 10


def test_near_duplicates_never_fill_the_budget_twice():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(10, 16))
    emb = np.vstack([base, base + 1e-4, base + 1e-4])  # every item three times
    for method in ("random", "diversity"):
        result = select(method, emb, 25)
        assert len(result.indices) == 10
        assert result.params["near_duplicates_skipped"] > 0
    result = select("uncertainty", emb, 25, scores=np.full(30, 0.5))
    assert len(result.indices) == 10


def test_exclude_is_respected():
    emb = blobs()
    result = select("random", emb, 50, exclude=range(100))
    assert min(result.indices) >= 100


def test_lts_learns_which_cluster_pays():
    emb = blobs(n_per=60, k=4)
    truth = np.repeat(np.arange(4), 60)
    calls = []

    def oracle(batch):
        calls.append(list(batch))
        return [1.0 if truth[i] == 2 else 0.0 for i in batch]

    result = select("lts", emb, 60, seed=0, oracle=oracle, n_clusters=4, rounds=6)
    assert len(result.indices) == 60 and len(calls) >= 2
    assert sorted(sum(calls, [])) == sorted(result.indices)
    assert result.rounds[0] == 0 and result.rounds[-1] == len(calls) - 1
    late = result.indices[30:]
    assert np.mean(truth[late] == 2) > 0.6  # random would give 0.25


def test_lts_needs_an_oracle_and_uncertainty_needs_scores():
    with pytest.raises(ValueError, match="oracle"):
        select("lts", blobs(), 10)
    with pytest.raises(ValueError, match="scores"):
        select("uncertainty", blobs(), 10)
    with pytest.raises(ValueError, match="method"):
        select("best", blobs(), 10)


def test_uncertainty_picks_items_nearest_one_half():
    emb = blobs()
    scores = np.linspace(0, 1, len(emb))
    result = select("uncertainty", emb, 10, scores=scores)
    assert all(abs(scores[i] - 0.5) < 0.05 for i in result.indices)


def test_budget_larger_than_items_and_empty_input():
    emb = blobs(n_per=3, k=2)
    assert len(select("diversity", emb, 100, dedup_threshold=1.0).indices) == 6
    assert select("random", np.zeros((0, 4)), 5).indices == []
