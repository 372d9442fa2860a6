"""Countdown timers: a timer that restarts on reload is deceptive, a fixed deadline is not."""

from __future__ import annotations

import pytest

from classifiers.deceptive.elements import parse_duration
from classifiers.deceptive.timers import detect_timers, judge_timer


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("14:59", 899),
        ("Sale ends in 01:02:03", 3723),
        ("2h 3m 4s left", 7384),
        ("Ends in 5 minutes", 300),
        ("Free shipping", None),
        ("12 months warranty", None),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


def _timer(el, shown):
    return [
        el("Sale ends in", selector="#deal"),
        el(shown, tag="span", selector="#deal > span:nth-of-type(1)", x=120),
    ]


def test_timer_that_resets_on_reload_is_deceptive(el, visits):
    v = visits(
        ("first", 0.0, _timer(el, "15:00")),
        ("later", 2.0, _timer(el, "14:58")),
        ("reload", 2.6, _timer(el, "15:00")),
    )
    [found] = detect_timers(v)
    assert (found.l2, found.l1) == ("countdown_timer", "Social Engineering")
    assert found.verified_deceptive == "yes" and not found.cleared
    assert [r["seconds_left"] for r in found.evidence["readings"]] == [900, 898, 900]


def test_genuine_timer_continuing_after_reload_is_cleared(el, visits):
    v = visits(
        ("first", 0.0, _timer(el, "04:10:00")),
        ("later", 2.0, _timer(el, "04:09:58")),
        ("reload", 2.7, _timer(el, "04:09:57")),
    )
    [found] = detect_timers(v)
    assert found.verified_deceptive == "no" and found.cleared
    assert "same deadline" in found.explanation


def test_number_that_never_ticks_is_not_a_timer(el, visits):
    hose = [el("Flexi Garden Hose 30m", selector="#name")]
    v = visits(("first", 0.0, hose), ("later", 2.0, hose), ("reload", 2.6, hose))
    assert detect_timers(v) == []


def test_ticking_timer_without_reload_is_unknown(el, visits):
    v = visits(("first", 0.0, _timer(el, "10:00")), ("later", 2.0, _timer(el, "09:58")))
    [found] = detect_timers(v)
    assert found.verified_deceptive == "unknown"


def test_judge_timer_went_up_while_open():
    assert judge_timer([("first", 0.0, 100.0, None), ("later", 2.0, 300.0, None)])[0] == "yes"


def test_page_clock_separates_restart_from_fixed_deadline():
    # (visit, seconds since first capture, seconds shown, seconds since that load began)
    restart = [
        ("first", 0.0, 899.0, 0.6),
        ("later", 2.0, 897.0, 2.6),
        ("reload", 3.1, 899.0, 0.6),
        ("reload2", 4.0, 899.0, 0.5),
    ]
    fixed = [
        ("first", 0.0, 899.0, 0.6),
        ("later", 2.0, 897.0, 2.6),
        ("reload", 3.1, 896.0, 0.6),
        ("reload2", 4.0, 895.0, 0.5),
    ]
    assert judge_timer(restart)[0] == "yes"
    assert judge_timer(fixed)[0] == "no"
    # A slow machine delays the reload's first read: the page clock still tells them apart.
    slow = [("first", 0.0, 899.0, 0.6), ("later", 1.2, 898.0, 1.8), ("reload", 2.5, 898.0, 1.6)]
    assert judge_timer(slow)[0] == "yes"


def test_time_ago_in_a_toast_is_not_a_timer(el, visits):
    def toast(text):
        return [el(text, selector="#toast")]

    v = visits(
        ("first", 0.0, toast("Oscar from Perth just bought this 3 minutes ago")),
        ("later", 2.0, toast("Oscar from Perth just bought this 3 minutes ago")),
        ("reload", 3.0, toast("Jack from Hobart just bought this 23 minutes ago")),
    )
    assert detect_timers(v) == []
    assert (
        judge_timer(
            [("first", 0, 180.0, 1.0), ("later", 2, 180.0, 3.0), ("reload", 3, 1380.0, 1.0)]
        )[0]
        == ""
    )
