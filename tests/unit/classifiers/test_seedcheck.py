"""The seed check's folds and the flags its F1 range is taken over."""

from __future__ import annotations

import numpy as np

from classifiers.seedcheck import nested_flags, seed_folds


def test_seed_folds_cover_every_row_once_and_keep_positives_in_each() -> None:
    truth = np.array([True] * 6 + [False] * 34)
    folds = seed_folds(truth, k=5, seed=0)
    rows = np.sort(np.concatenate(folds))
    assert rows.tolist() == list(range(40))
    assert all(truth[fold].any() for fold in folds)


def test_seed_folds_shrink_to_the_rarer_side() -> None:
    truth = np.array([True] * 3 + [False] * 37)
    assert len(seed_folds(truth, k=5)) == 3


def test_nested_flags_find_separable_positives_with_cuts_from_other_folds() -> None:
    truth = np.array([True] * 8 + [False] * 32)
    scores = np.where(truth, 0.9, 0.1)
    folds = seed_folds(truth, k=4)
    flags = nested_flags(truth, scores, np.ones(40), folds, min_precision=None)
    assert flags.tolist() == truth.tolist()


def test_nested_flags_pay_for_a_cut_that_only_fits_its_own_rows() -> None:
    # One positive scores lower than every other row: a cut fitted on all rows could reach it
    # only by flagging everything, so the fold holding it misses it; the rest stay right.
    truth = np.array([True] * 8 + [False] * 32)
    scores = np.where(truth, 0.9, 0.2)
    scores[0] = 0.05
    folds = seed_folds(truth, k=4)
    flags = nested_flags(truth, scores, np.ones(40), folds, min_precision=None)
    assert not flags[0]
    assert flags[1:8].all() and not flags[8:].any()
