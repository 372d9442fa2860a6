"""Choose which items the LLM labels under a budget: random, diversity, LTS rounds, uncertainty.

Every method is seeded and returns what it did (method, parameters, seed) so a sample can be
recorded and reproduced. Near-duplicates (cosine >= `dedup_threshold` to an item already chosen)
never take two places in the budget.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

METHODS = ("random", "diversity", "lts", "uncertainty")
DEDUP_THRESHOLD = 0.95

Oracle = Callable[[Sequence[int]], Sequence[float]]


@dataclass(frozen=True)
class SampleResult:
    """The chosen item indices, in choice order, and how they were chosen."""

    indices: list[int]
    method: str
    params: dict[str, Any]
    seed: int
    clusters: list[int] | None = None  # cluster of each chosen item (diversity, lts)
    rounds: list[int] = field(default_factory=list)  # round of each chosen item (lts); else empty


class _Picker:
    """Accumulates chosen items, refusing near-duplicates of those already chosen."""

    def __init__(self, embeddings: np.ndarray, threshold: float, exclude: Sequence[int]) -> None:
        self.emb = _normalise(embeddings)
        self.threshold = threshold
        self.chosen: list[int] = []
        self.blocked = np.zeros(len(embeddings), dtype=bool)
        self.blocked[list(exclude)] = True
        self.duplicates = 0

    def try_add(self, i: int) -> bool:
        """Choose item i unless it is excluded, chosen, or a near-duplicate of a chosen one."""
        if self.blocked[i]:
            return False
        self.blocked[i] = True
        if self.chosen and self.threshold < 1.0:
            sims = self.emb[self.chosen] @ self.emb[i]
            if float(sims.max()) >= self.threshold:
                self.duplicates += 1
                return False
        self.chosen.append(i)
        return True


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


def _kmeans(emb: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.cluster import KMeans, MiniBatchKMeans

    k = max(1, min(k, len(emb)))
    # MiniBatch keeps clustering of 100k+ items to seconds; results differ only marginally.
    model_cls = MiniBatchKMeans if len(emb) > 20_000 else KMeans
    model = model_cls(n_clusters=k, random_state=seed, n_init=3)
    assign = model.fit_predict(emb)
    return assign, model.cluster_centers_


def _k_center(emb: np.ndarray, k: int, rng: np.random.Generator, allowed: np.ndarray) -> list[int]:
    """Greedy farthest-point traversal: each new centre is the item farthest from all centres."""
    candidates = np.flatnonzero(allowed)
    if len(candidates) == 0:
        return []
    first = int(rng.choice(candidates))
    centres = [first]
    dist = 1.0 - emb @ emb[first]
    dist[~allowed] = -np.inf
    while len(centres) < k:
        nxt = int(np.argmax(dist))
        if not np.isfinite(dist[nxt]) or dist[nxt] <= 0:
            break
        centres.append(nxt)
        dist = np.minimum(dist, 1.0 - emb @ emb[nxt])
        dist[~allowed] = -np.inf
    return centres


def _allocate(sizes: np.ndarray, budget: int, mode: str) -> np.ndarray:
    """Items per cluster: proportional to size (largest remainder) or equal, capped by size."""
    alloc = np.zeros(len(sizes), dtype=int)
    remaining = budget
    active = sizes > 0
    while remaining > 0 and active.any():
        cap = sizes - alloc
        if mode == "equal":
            share = np.where(active, remaining / active.sum(), 0.0)
        else:
            share = np.where(active, remaining * cap / cap[active].sum(), 0.0)
        add = np.minimum(np.floor(share).astype(int), cap)
        if add.sum() == 0:  # hand out the remainder one by one, largest share first
            for c in np.argsort(-share, kind="stable"):
                if remaining == 0:
                    break
                if active[c] and cap[c] > 0:
                    add[c] += 1
                    remaining -= 1
            alloc += add
        else:
            alloc += add
            remaining -= int(add.sum())
        active = (sizes - alloc) > 0
    return alloc


def _random(picker: _Picker, budget: int, rng: np.random.Generator) -> None:
    for i in rng.permutation(len(picker.emb)):
        if len(picker.chosen) >= budget:
            break
        picker.try_add(int(i))


def _diversity(
    picker: _Picker, budget: int, rng: np.random.Generator, seed: int, params: dict[str, Any]
) -> list[int]:
    algorithm = params.setdefault("algorithm", "kmeans")
    allocation = params.setdefault("allocation", "proportional")
    n = len(picker.emb)
    allowed = ~picker.blocked
    if algorithm == "kcenter":
        centres = _k_center(picker.emb, budget, rng, allowed)
        for c in centres:
            picker.try_add(c)
        assign = np.argmax(picker.emb @ picker.emb[centres].T, axis=1) if centres else np.zeros(n)
        if len(picker.chosen) < budget:  # too few distinct items: top up at random
            _random(picker, budget, rng)
        return [int(assign[i]) for i in picker.chosen]
    if algorithm != "kmeans":
        raise ValueError(f"diversity algorithm must be kmeans or kcenter, not {algorithm!r}")
    k = int(params.setdefault("n_clusters", max(2, min(budget, int(np.sqrt(n)) + 1, 50))))
    assign, _ = _kmeans(picker.emb, k, seed)
    members = [rng.permutation(np.flatnonzero((assign == c) & allowed)) for c in range(k)]
    sizes = np.array([len(m) for m in members])
    cursor = [0] * k
    # Allocate, fill, and re-allocate what near-duplicates left unused to clusters with room.
    while len(picker.chosen) < budget:
        want = _allocate(sizes - np.array(cursor), budget - len(picker.chosen), allocation)
        if want.sum() == 0:
            break
        for c in range(k):
            got = 0
            while got < want[c] and cursor[c] < sizes[c]:
                got += picker.try_add(int(members[c][cursor[c]]))
                cursor[c] += 1
    return [int(assign[i]) for i in picker.chosen]


def _lts(
    picker: _Picker, budget: int, rng: np.random.Generator, seed: int, params: dict[str, Any],
    oracle: Oracle | None,
) -> tuple[list[int], list[int]]:
    """Learn-to-Sample: clusters are arms; Thompson sampling favours clusters that paid off."""
    if oracle is None:
        raise ValueError("method 'lts' needs an oracle (reward per item: 1 = positive or uncertain)")
    n = len(picker.emb)
    k = int(params.setdefault("n_clusters", max(2, min(20, int(np.sqrt(n))))))
    n_rounds = int(params.setdefault("rounds", 5))
    warmup = int(params.setdefault("warmup_per_cluster", 1))
    assign, _ = _kmeans(picker.emb, k, seed)
    allowed = ~picker.blocked
    pools = [list(rng.permutation(np.flatnonzero((assign == c) & allowed))) for c in range(k)]
    alpha, beta = np.ones(k), np.ones(k)
    rounds: list[int] = []
    per_round = max(1, int(np.ceil(budget / n_rounds)))

    def draw(c: int) -> int | None:
        while pools[c]:
            i = int(pools[c].pop())
            if picker.try_add(i):
                return i
        return None

    r = 0
    while len(picker.chosen) < budget and any(pools):
        batch: list[int] = []
        room = min(per_round, budget - len(picker.chosen))
        if r == 0 and warmup:  # round 0 visits every cluster so each arm has evidence
            for c in range(k):
                for _ in range(warmup):
                    if len(batch) < room and (i := draw(c)) is not None:
                        batch.append(i)
        while len(batch) < room and any(pools):
            theta = rng.beta(alpha, beta)
            theta[[not p for p in pools]] = -1.0
            if (i := draw(int(np.argmax(theta)))) is not None:
                batch.append(i)
        if not batch:
            break
        rewards = oracle(batch)
        for i, reward in zip(batch, rewards, strict=True):
            c = int(assign[i])
            alpha[c] += float(reward)
            beta[c] += 1.0 - float(reward)
        rounds.extend([r] * len(batch))
        log.info("lts round %d: %d items, reward %.2f", r, len(batch), float(np.mean(rewards)))
        r += 1
    params["posterior_mean"] = [round(float(a / (a + b)), 4) for a, b in zip(alpha, beta,
                                                                             strict=True)]
    return [int(assign[i]) for i in picker.chosen], rounds


def _uncertainty(picker: _Picker, budget: int, scores: np.ndarray | None) -> None:
    if scores is None:
        raise ValueError("method 'uncertainty' needs scores (current P(positive) per item)")
    scores = np.asarray(scores, dtype=float)
    if scores.shape != (len(picker.emb),):
        raise ValueError("scores must hold one probability per item")
    for i in np.argsort(np.abs(scores - 0.5), kind="stable"):
        if len(picker.chosen) >= budget:
            break
        picker.try_add(int(i))


def select(
    method: str,
    embeddings: np.ndarray,
    budget: int,
    *,
    seed: int = 0,
    oracle: Oracle | None = None,
    scores: np.ndarray | None = None,
    exclude: Sequence[int] = (),
    **params: Any,
) -> SampleResult:
    """Choose up to `budget` item indices (rows of `embeddings`) with `method`.

    Example:
        >>> select("diversity", emb, 100, seed=1, allocation="equal").indices[:3]
    """
    if method not in METHODS:
        raise ValueError(f"sampling method must be one of {METHODS}, not {method!r}")
    if budget < 0:
        raise ValueError("budget must be >= 0")
    params = dict(params)
    threshold = float(params.setdefault("dedup_threshold", DEDUP_THRESHOLD))
    rng = np.random.default_rng(seed)
    picker = _Picker(embeddings, threshold, exclude)
    clusters: list[int] | None = None
    rounds: list[int] = []
    if len(picker.emb) and budget:
        if method == "random":
            _random(picker, budget, rng)
        elif method == "diversity":
            clusters = _diversity(picker, budget, rng, seed, params)
        elif method == "lts":
            clusters, rounds = _lts(picker, budget, rng, seed, params, oracle)
        else:
            _uncertainty(picker, budget, scores)
    params["near_duplicates_skipped"] = picker.duplicates
    return SampleResult(list(picker.chosen), method, params, seed, clusters, rounds)
