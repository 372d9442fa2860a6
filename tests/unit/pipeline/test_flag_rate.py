"""The flag rate held against the positive rate the labels suggest, and what `classify` says."""

from __future__ import annotations

import pytest

from snarewatch.errors import UntrustworthyResultError
from snarewatch.pipeline.classify import ClassifyRun, FlagRate


def _rate(flag_rate: float, likely: tuple[float, float] | None = (0.09, 0.22)) -> FlagRate:
    return FlagRate(flag_rate=flag_rate, expected=0.15, source="your 40 seed labels",
                    findings=round(flag_rate * 1000), scored=1000, likely=likely)


def test_as_many_flags_as_the_seed_suggests_points_at_the_closest_calls_on_both_sides():
    rate = _rate(0.18)
    assert not (rate.too_high or rate.too_low or rate.above_likely)
    assert "(likely 9.0%-22.0%)" in rate.line()
    advice = rate.advice("birds")
    assert advice.startswith("to firm up the 180 findings")
    assert "labels export birds --closest" in advice


def test_fewer_flags_than_the_seed_suggests_points_at_the_closest_calls():
    rate = _rate(0.10)  # inside the range, under its middle: misses are the likelier error
    assert not (rate.too_low or rate.above_likely)
    advice = rate.advice("birds")
    assert advice.startswith("fewer flags than the 15.0% the labels suggest")
    assert "labels export birds --closest" in advice


def test_under_the_seed_range_the_student_may_miss_positives_and_the_closest_calls_help():
    rate = _rate(0.086)  # a third of 15 % would be 5 %: only the seed's range sees this
    assert rate.too_low and not rate.above_likely
    advice = rate.advice("birds")
    assert "may miss many positives" in advice and "labels export birds --closest" in advice


def test_over_the_seed_range_says_false_flags_are_likely_before_the_hard_guard():
    rate = _rate(0.30)
    assert rate.above_likely and not rate.too_high
    advice = rate.advice("birds")
    assert advice.startswith("more flags than your seed labels suggest")
    assert "labels export birds --flags" in advice


def test_over_three_times_the_labelled_rate_points_at_the_least_sure_findings():
    rate = _rate(0.50, likely=None)
    assert rate.too_high
    assert "labels export birds --flags" in rate.advice("birds")


def test_without_a_range_only_the_threefold_rules_apply():
    assert not _rate(0.30, likely=None).above_likely
    assert not _rate(0.06, likely=None).too_low and _rate(0.04, likely=None).too_low


def test_over_three_times_the_expected_rate_exits_with_the_reason_and_next_step():
    class Task:
        name = "birds"

    run = ClassifyRun(task=Task(), summary=None, rate=_rate(0.5))
    with pytest.raises(UntrustworthyResultError, match="over three times.*labels seed birds"):
        run.check_rate()
    ClassifyRun(task=Task(), summary=None, rate=_rate(0.3)).check_rate()  # warned, not refused
