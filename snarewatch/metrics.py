"""Binary metrics and decision thresholds, weighted or not: shared by the labeler and students."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def binary_metrics(y_true: Sequence[bool], positive: Sequence[bool],
                   weights: Sequence[float] | None = None) -> dict[str, float]:
    """Precision, recall and F1 of boolean predictions against boolean truth.

    With `weights` (how many items each row stands for, e.g. a stratified seed set) the counts
    are weighted, so the figures estimate those of the whole population.
    """
    t = np.asarray(y_true, bool)
    p = np.asarray(positive, bool)
    w = np.ones(len(t)) if weights is None else np.asarray(weights, float)
    tp = float(w[t & p].sum())
    fp = float(w[~t & p].sum())
    fn = float(w[t & ~p].sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": int(t.sum())}


def choose_threshold(
    y_true: Sequence[bool], score: Sequence[float], *, target: str = "f1",
    min_precision: float | None = None, weights: Sequence[float] | None = None,
) -> tuple[float, dict[str, float]]:
    """The score threshold that maximises F1, or recall subject to a precision floor.

    With `min_precision`, the lowest threshold whose precision reaches the floor (the most recall
    the user's precision budget allows); if no threshold reaches it, the most precise one.
    `weights` weigh the rows (see `binary_metrics`). Returns the threshold and the metrics it
    gives on these rows.
    """
    t = np.asarray(y_true, bool)
    s = np.asarray(score, float)
    if len(t) == 0 or t.all() or not t.any():
        return 0.5, binary_metrics(t, s >= 0.5, weights)
    # Candidate cuts: midpoints between distinct scores, so the choice generalises a little.
    distinct = np.unique(s)
    cuts = np.concatenate([[distinct[0] - 1e-9], (distinct[:-1] + distinct[1:]) / 2]) if len(
        distinct) > 1 else distinct
    best: tuple[float, float, dict[str, float]] | None = None
    fallback: tuple[float, float, dict[str, float]] | None = None
    for cut in cuts:
        m = binary_metrics(t, s >= cut, weights)
        if min_precision is not None or target == "precision":
            floor = 0.9 if min_precision is None else min_precision
            if m["precision"] >= floor and (best is None or m["recall"] > best[1]):
                best = (float(cut), m["recall"], m)
            if fallback is None or m["precision"] > fallback[1]:
                fallback = (float(cut), m["precision"], m)
        elif best is None or m["f1"] > best[1]:
            best = (float(cut), m["f1"], m)
    chosen = best or fallback
    assert chosen is not None
    return float(np.clip(chosen[0], 0.0, 1.0)), chosen[2]



PRIOR_PER_CELL = 0.25
"""Pseudo-count of each confusion cell (hit, false flag, miss, rest) in every stratum: one row's
worth of doubt in all, so a stratum where no positive was drawn may still hold some."""


def f1_range(y_true: Sequence[bool], positive: Sequence[bool],
             weights: Sequence[float] | None = None, *, level: float = 0.9,
             draws: int = 4000, seed: int = 0) -> tuple[float, float]:
    """Where the F1 measured on these rows may really lie, at `level` (0.9: from 5 % to 95 %).

    A check on 40 hand labels with 6 positives says little: one more missed positive moves
    recall by a sixth. Rows of equal weight form a stratum (a seed set drawn in strata weighs
    each row by how many items its stratum holds); each stratum's shares of hits, false flags,
    misses and the rest get a Dirichlet posterior, the strata are summed by their sizes and F1
    is drawn from the sums. A large stratum with no positive among its few rows thus still
    leaves room for positives the check never saw, and for misses among them.
    """
    if not len(y_true):
        return 0.0, 1.0
    cells = _stratum_cells(y_true, positive, weights, draws, seed)
    hits, false_flags, misses = cells[:, 0], cells[:, 1], cells[:, 2]
    f1 = 2 * hits / np.maximum(2 * hits + false_flags + misses, 1e-12)
    return _central(f1, level)


def rate_range(y_true: Sequence[bool], weights: Sequence[float] | None = None, *,
               level: float = 0.9, draws: int = 4000, seed: int = 0) -> tuple[float, float]:
    """Where the positive rate of all the items these rows stand for may lie, at `level`: the
    same stratified posterior as `f1_range`, read for positives instead of F1 (40 hand labels
    with 6 positives put the rate anywhere from about 8 % to 26 %)."""
    if not len(y_true):
        return 0.0, 1.0
    cells = _stratum_cells(y_true, [False] * len(y_true), weights, draws, seed)
    positives = cells[:, 0] + cells[:, 2]  # with nothing flagged, hits hold only prior doubt
    return _central(positives / np.maximum(cells.sum(axis=1), 1e-12), level)


def _stratum_cells(y_true: Sequence[bool], positive: Sequence[bool],
                   weights: Sequence[float] | None, draws: int, seed: int) -> np.ndarray:
    """Posterior draws of the weighted confusion cells (hits, false flags, misses, rest), one
    Dirichlet per stratum of equal weight, summed by the strata's sizes."""
    t = np.asarray(y_true, bool)
    p = np.asarray(positive, bool)
    w = np.ones(len(t)) if weights is None else np.asarray(weights, float)
    rng = np.random.default_rng(seed)
    cells = np.zeros((draws, 4))
    for weight in np.unique(np.round(w, 6)):
        rows = np.isclose(w, weight)
        counts = np.array([(t & p)[rows].sum(), (~t & p)[rows].sum(), (t & ~p)[rows].sum(),
                           (~t & ~p)[rows].sum()], float)
        cells += w[rows].sum() * rng.dirichlet(counts + PRIOR_PER_CELL, size=draws)
    return cells


def _central(values: np.ndarray, level: float) -> tuple[float, float]:
    """The central `level` interval of posterior draws."""
    tail = (1 - level) / 2
    return float(np.quantile(values, tail)), float(np.quantile(values, 1 - tail))
