"""Pre-ticked extras and consents; trick questions with stacked negations."""

from __future__ import annotations

from classifiers.deceptive.preselect import detect_preselection, is_bad_default, is_trick_question


def _box(el, text, checked, **kw):
    return el(text, tag="input", input_type="checkbox", checked=checked, **kw)


def test_prechecked_protection_plan_is_found(el, visits):
    [found] = detect_preselection(
        visits(("first", 0, [_box(el, "Add 2-year protection plan $14.99", True)]))
    )
    assert (found.l1, found.l2) == ("Interface Interference", "preselection")
    assert found.verified_deceptive == "no" and found.evidence["checked"] is True


def test_unchecked_optional_addon_is_not_found(el, visits):
    assert (
        detect_preselection(
            visits(("first", 0, [_box(el, "Add gift wrapping $4.99 (optional)", False)]))
        )
        == []
    )


def test_user_friendly_defaults_are_fine(el):
    assert not is_bad_default(_box(el, "Remember me", True))
    assert not is_bad_default(_box(el, "Standard shipping (free)", True))
    assert is_bad_default(_box(el, "Send me offers from our partners", True))


def test_double_negative_is_a_trick_question(el, visits):
    box = _box(el, "Untick this box if you would not prefer to not receive partner offers.", True)
    assert is_trick_question(box)
    [found] = detect_preselection(visits(("first", 0, [box])))
    assert found.l2 == "trick_question"
    assert not is_trick_question(_box(el, "Do not send me offers", False))
