"""Stock, activity, demand and limited-time claims compared across visits."""

from __future__ import annotations

import pytest

from classifiers.deceptive.claims import claim_type, detect_claims, judge_claim


@pytest.mark.parametrize(
    ("text", "l2"),
    [
        ("Only 3 left in stock – order soon", "low_stock_message"),
        ("Only left in stock – order soon", "low_stock_message"),  # the count sits in a child <b>
        ("In high demand – people are viewing this right now", "high_demand_message"),
        ("Emma from Perth just bought this 4 minutes ago", "activity_notification"),
        ("Sale ends soon! Up to 40% off", "limited_time_message"),
        ("Free shipping Australia-wide", None),
        ("In stock", None),
        ("4.5 (1,203 reviews)", None),
    ],
)
def test_claim_type(text, l2):
    assert claim_type(text) == l2


def _stock(el, n):
    return [
        el("Only left in stock", selector="#stock"),
        el(str(n), tag="b", selector="#stock > b:nth-of-type(1)"),
    ]


def test_stock_count_changing_on_reload_is_deceptive(el, visits):
    v = visits(
        ("first", 0, _stock(el, 4)), ("later", 2, _stock(el, 4)), ("reload", 3, _stock(el, 7))
    )
    [found] = detect_claims(v)
    assert found.l2 == "low_stock_message" and found.verified_deceptive == "yes"
    assert found.evidence["texts_by_visit"]["reload"].endswith("7")


def test_constant_stock_note_is_cleared(el, visits):
    note = [el("Only 3 left in stock", selector="#stock")]
    v = visits(("first", 0, note), ("later", 2, note), ("reload", 3, note), ("reload2", 4, note))
    [found] = detect_claims(v)
    assert found.cleared and found.verified_deceptive == "no"


def test_activity_toast_naming_different_buyers_is_deceptive(el, visits):
    def toast(text):
        return [el(text, selector="#toast", in_overlay=True)]

    v = visits(
        ("first", 0, toast("Emma from Perth just bought this 5 minutes ago")),
        ("reload", 3, toast("Leo from Hobart just bought this 5 minutes ago")),
    )
    [found] = detect_claims(v)
    assert found.l2 == "activity_notification" and found.verified_deceptive == "yes"


def test_claim_seen_once_is_unknown(el, visits):
    [found] = detect_claims(visits(("first", 0, [el("Only 2 left in stock")])))
    assert found.verified_deceptive == "unknown" and not found.cleared


def test_limited_time_needs_a_deadline():
    assert judge_claim("limited_time_message", {"first": "Sale ends soon!"})[0] == "unknown"
    assert (
        judge_claim(
            "limited_time_message", {"first": "Limited time: offer ends 31 October at 23:59"}
        )[0]
        == "no"
    )
