"""Cookie banners: Accept vs Reject by area, font size and WCAG contrast."""

from __future__ import annotations

import pytest

from classifiers.deceptive.banner import detect_banner
from classifiers.deceptive.elements import contrast_ratio, parse_color


def test_wcag_contrast_ratio():
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert parse_color("rgba(10, 20, 30, 0.5)") == ((10.0, 20.0, 30.0), 0.5)
    assert parse_color("#fff") == ((255.0, 255.0, 255.0), 1.0)


def _banner(el, reject):
    text = el(
        "We and our partners use cookies to personalise ads.",
        selector="#cb > p:nth-of-type(1)",
        in_overlay=True,
        y=700,
    )
    accept = el(
        "Accept all",
        tag="button",
        selector="#cb > div > button:nth-of-type(1)",
        x=900,
        y=690,
        width=220,
        height=52,
        font_size=18.0,
        color="rgb(255, 255, 255)",
        background_color="rgb(22, 163, 74)",
        in_overlay=True,
    )
    return [text, accept] + ([reject] if reject else [])


def test_tiny_pale_reject_link_steers(el, visits):
    reject = el(
        "reject",
        tag="a",
        selector="#cb > div > a:nth-of-type(1)",
        x=1130,
        y=705,
        width=30,
        height=14,
        font_size=11.0,
        color="rgb(208, 208, 208)",
        in_overlay=True,
    )
    [found] = detect_banner(visits(("first", 0, _banner(el, reject))))
    assert found.l2 == "visual_interference" and not found.cleared
    assert found.evidence["reject"]["contrast"] < 3 and found.evidence["area_ratio"] > 3


def test_equal_buttons_are_cleared(el, visits):
    reject = el(
        "Reject all",
        tag="button",
        selector="#cb > div > button:nth-of-type(2)",
        x=1130,
        y=690,
        width=220,
        height=52,
        font_size=18.0,
        color="rgb(255, 255, 255)",
        background_color="rgb(22, 163, 74)",
        in_overlay=True,
    )
    [found] = detect_banner(visits(("first", 0, _banner(el, reject))))
    assert found.cleared and found.evidence["area_ratio"] == 1.0


def test_missing_reject_steers(el, visits):
    [found] = detect_banner(visits(("first", 0, _banner(el, None))))
    assert not found.cleared and "no Reject" in found.explanation


def test_newsletter_modal_is_not_a_cookie_banner(el, visits):
    els = [
        el("Join our newsletter", selector="#nl > p:nth-of-type(1)", in_overlay=True),
        el(
            "Yes, give me 10% off",
            tag="button",
            selector="#nl > button:nth-of-type(1)",
            in_overlay=True,
        ),
    ]
    assert detect_banner(visits(("first", 0, els))) == []
