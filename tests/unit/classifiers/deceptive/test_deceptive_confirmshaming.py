"""Confirmshaming only when the decline text shames; plain "No thanks" never."""

from __future__ import annotations

import pytest

from classifiers.deceptive.confirmshaming import detect_confirmshaming, shames


@pytest.mark.parametrize(
    "text",
    [
        "No thanks, I don't like saving money",
        "No, I prefer paying full price",
        "I'd rather miss out on great deals",
        "No thanks, I don't care about my health",
    ],
)
def test_shaming_declines(text):
    assert shames(text)


@pytest.mark.parametrize(
    "text",
    [
        "No thanks",
        "No, thank you",
        "Not now",
        "Maybe later",
        "Close",
        "Skip",
        "Continue without an account",
        "No thanks.",
        "Sign up and save 10%",
    ],
)
def test_neutral_declines(text):
    assert not shames(text)


def test_neutral_no_thanks_button_is_not_flagged(el, visits):
    els = [el("No thanks", tag="button", selector="#m > button:nth-of-type(2)", in_overlay=True)]
    assert detect_confirmshaming(visits(("first", 0, els))) == []


def test_shaming_button_is_flagged(el, visits):
    els = [
        el(
            "No thanks, I don't like saving money",
            tag="button",
            selector="#m > button:nth-of-type(2)",
        )
    ]
    [found] = detect_confirmshaming(visits(("first", 0, els)))
    assert (found.l1, found.l2, found.verified_deceptive) == (
        "Interface Interference",
        "confirmshaming",
        "no",
    )


def test_shaming_text_that_is_not_a_control_is_ignored(el, visits):
    assert (
        detect_confirmshaming(visits(("first", 0, [el("No thanks, I don't like saving money")])))
        == []
    )
