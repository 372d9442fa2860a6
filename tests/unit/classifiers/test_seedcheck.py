"""The seed check's folds, the flags its figures and F1 range are taken over, and its report."""

from __future__ import annotations

import numpy as np

from classifiers.metrics import binary_metrics, choose_threshold
from classifiers.seedcheck import check_on_seed, nested_flags, seed_folds


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


class _FixedScores:
    """A student whose score for each text is fixed in advance (fitting changes nothing)."""

    name = "fixed"

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores

    def fit(self, texts: object, labels: object, weights: object) -> _FixedScores:
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.array([self.scores[t] for t in texts])

    def positive_score(self, proba: np.ndarray) -> np.ndarray:
        return proba


def test_check_on_seed_reports_the_figures_of_cuts_each_fold_did_not_choose() -> None:
    # Overlapping scores: the cut fitted to all forty rows finds the luckiest gap among them,
    # so its F1 flatters the student; the figures reported are the nested ones.
    rng = np.random.default_rng(1)
    truth = np.array([True] * 10 + [False] * 30)
    values = np.where(truth, rng.normal(0.6, 0.2, 40), rng.normal(0.4, 0.2, 40))
    texts = [f"item {n}" for n in range(40)]
    labels = ["yes" if t else "no" for t in truth]
    weights = np.ones(40)
    check = check_on_seed(lambda: _FixedScores(dict(zip(texts, values, strict=True))), texts,
                          labels, weights, list(range(40)), weights, ["yes"], seed=0)
    nested = nested_flags(truth, values, weights, seed_folds(truth, 5, 0), None)
    expected = binary_metrics(truth, nested, weights)
    assert check.metrics["f1"] == round(expected["f1"], 4)
    assert check.metrics["precision"] == round(expected["precision"], 4)
    fitted_cut, at_cut = choose_threshold(truth, values, weights=weights)
    assert check.threshold == fitted_cut
    assert check.metrics["at_fitted_cut"]["f1"] == round(at_cut["f1"], 4)
    assert check.metrics["at_fitted_cut"]["f1"] > check.metrics["f1"]
