"""Calibrated decisions: label-free on the batch, Platt on seed labels, collapse detection."""

from __future__ import annotations

import numpy as np
import pytest

from labeler.decisions import (
    NO_GROUPS,
    Calibrator,
    Decided,
    collapse,
    fit_batch,
    fit_seed,
    log_odds,
    mostly_positive,
    seed_disputes,
    unseparated,
)


def _skewed_teacher(n: int = 400, positive_share: float = 0.1, seed: int = 0):
    """A teacher that ranks well but says "yes" far too often: negatives sit around P 0.4."""
    rng = np.random.default_rng(seed)
    gold = rng.random(n) < positive_share
    z = np.where(gold, rng.normal(2.0, 0.6, n), rng.normal(-0.4, 0.6, n))
    return gold, 1 / (1 + np.exp(-z))


def test_batch_calibration_fixes_a_teacher_that_leans_to_yes() -> None:
    gold, raw = _skewed_teacher()
    naive = raw >= 0.5
    cal = fit_batch(raw)
    decided = cal(raw) >= 0.5
    assert cal.method == "batch" and "batch-calibrated on 400 answers" in cal.describe()
    assert naive.mean() > 2.5 * gold.mean()  # the raw decision over-flags
    assert abs(decided.mean() - gold.mean()) < 0.05
    assert (decided & gold).sum() / gold.sum() > 0.85  # and keeps the positives


def test_batch_calibration_is_monotone_and_round_trips() -> None:
    _, raw = _skewed_teacher(seed=3)
    cal = fit_batch(raw)
    grid = np.linspace(0.001, 0.999, 500)
    assert np.all(np.diff(cal(grid)) >= -1e-12)
    again = Calibrator.from_dict(cal.to_dict())
    assert np.allclose(again(grid), cal(grid))


def test_batch_calibration_falls_back_when_it_cannot_tell() -> None:
    assert fit_batch([0.9] * 10).method == "raw"  # too few answers
    assert fit_batch([0.7] * 50).method == "raw"  # no spread at all
    raw = Calibrator("raw")
    assert raw([0.3, 0.7]).tolist() == [0.3, 0.7]


def test_seed_calibration_needs_both_sides_and_follows_the_labels() -> None:
    gold, raw = _skewed_teacher(n=60, positive_share=0.25, seed=1)
    assert fit_seed(raw[:10], [False] * 10) is None
    cal = fit_seed(raw, gold)
    assert cal is not None and cal.method == "seed" and cal.params["a"] > 0
    assert 0.5 < cal.threshold_raw < 0.95  # "yes" at raw 0.5 is not enough for this teacher
    weighted = fit_seed(raw, gold, weights=np.where(gold, 0.2, 1.0))
    assert weighted.threshold_raw > cal.threshold_raw  # positives drawn 5x too often: stricter


def test_collapse_names_the_one_sided_runs() -> None:
    assert collapse([False] * 149 + [True], [0.1] * 150).reason.startswith("149 of 150")
    assert "positive" in collapse([True] * 40, [0.9] * 40).reason
    assert "leaned to 'yes'" in collapse([True] * 10 + [False] * 30, [0.8] * 40).reason
    assert collapse([True] * 10 + [False] * 30, [0.8] * 10 + [0.2] * 30) is None
    assert collapse([False] * 10, [0.1] * 10) is None  # too small to say


def test_answers_without_two_clear_groups_are_called_guesses() -> None:
    # Two clear groups (the skewed teacher above): label-free decisions stand.
    _, raw = _skewed_teacher()
    assert unseparated(fit_batch(raw)) is None
    # One broad hump of answers: a mixture still splits it, near the middle, into two halves.
    hump = 1 / (1 + np.exp(-np.random.default_rng(0).normal(-0.5, 0.6, 150)))
    cal = fit_batch(hump)
    problem = unseparated(cal)
    assert problem is not None and "close to guesses" in problem.reason
    assert "labels seed" in problem.advice
    # Answers the mixture cannot split at all are one group, and said to be.
    single = unseparated(Calibrator("raw", n=150, note=NO_GROUPS))
    assert single is not None and "single group" in single.reason
    # Seed-fitted decisions and runs too small to judge are left to the other guards.
    assert unseparated(Calibrator("seed", {"a": 1.0, "b": 0.0}, n=150)) is None
    assert unseparated(fit_batch(hump[:20])) is None


def test_log_odds_is_finite_at_the_edges() -> None:
    assert np.isfinite(log_odds([0.0, 1.0])).all()
    assert log_odds([0.5])[0] == pytest.approx(0.0)


def test_f1_cut_takes_the_fairly_sure_positives_and_never_exceeds_a_half() -> None:
    from labeler.decisions import f1_cut

    # Five sure positives and five items at 0.4: taking the five lowers the expected F1
    # (2 * 7 / (7 + 10) = 0.82 against 2 * 5 / (7 + 5) = 0.83), so the cut stays at a half;
    # at 0.45 they come in (2 * 7.25 / 17.25 = 0.84 against 2 * 5 / 12.25 = 0.82).
    assert f1_cut([1.0] * 5 + [0.4] * 5 + [0.0] * 90) == 0.5
    assert f1_cut([1.0] * 5 + [0.45] * 5 + [0.0] * 90) == pytest.approx(0.45)
    assert f1_cut([0.9] * 50 + [0.8] * 50) == 0.5  # never stricter than "more likely than not"
    assert f1_cut([]) == 0.5


def test_with_a_seed_the_decision_cut_is_the_one_of_best_expected_f1() -> None:
    from labeler.decisions import choose_calibrator, decide_item
    from labeler.seeds import SeedRow
    from snarewatch.tasks import load_task

    gold, raw = _skewed_teacher(n=300, positive_share=0.08, seed=3)
    seed_gold, seed_raw = _skewed_teacher(n=40, positive_share=0.3, seed=4)
    seeds = [SeedRow(item={"item_id": f"s{i}"}, label="x", positive=bool(g))
             for i, g in enumerate(seed_gold)]
    cal = choose_calibrator(list(raw), seeds, list(seed_raw))
    assert cal.method == "semi" and cal.cut <= 0.5
    task = load_task("wildlife")
    decided = [decide_item(task, float(r), cal, None) for r in raw]
    assert all(d.positive == (d.p_positive >= cal.cut) for d in decided)
    assert all((d.value == "wildlife_product") == d.positive for d in decided)
    assert Calibrator.from_dict(cal.to_dict()).cut == cal.cut
    # Without a seed the cut stays at a half.
    assert choose_calibrator(list(raw), [], []).cut == 0.5


def test_mostly_positive_flags_a_label_free_run_calling_most_items_positive() -> None:
    problem = mostly_positive([True] * 111 + [False] * 39)
    assert problem is not None and problem.reason.startswith("111 of 150 answers are positive")
    assert "labels seed" in problem.advice
    assert mostly_positive([True] * 75 + [False] * 75) is None  # half is not most
    assert mostly_positive([True] * 20 + [False] * 130) is None
    assert mostly_positive([True] * 20) is None  # too small to say


def test_seed_disputes_are_the_hand_labels_contradicted_most_surely_first() -> None:
    from labeler.seeds import SeedRow

    hand = [True, True, False, False, True]
    p = [0.9, 0.3, 0.05, 0.8, 0.02]  # s1 and s4 (slightly and surely) and s3 (surely) disagree
    seeds = [SeedRow(item={"item_id": f"s{i}"}, label="x", positive=h)
             for i, h in enumerate(hand)]
    decided = [Decided("x", 0.0, q, positive=q >= 0.5) for q in p]
    found = seed_disputes(seeds, decided, top=2)
    assert [d.item_id for d in found] == ["s4", "s3"]
    assert found[0].strength == pytest.approx(0.98)
    assert seed_disputes(seeds, [None] * 5) == []

