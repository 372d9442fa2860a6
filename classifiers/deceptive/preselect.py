"""Checkbox and radio options: pre-ticked extras or consents (bad defaults) and trick questions.

The tick is read from the page, so the finding is certain; it is a pattern of design rather than a
false claim, hence `verified_deceptive = "no"` (Mathur et al.'s "Deceptive?" column).
"""

from __future__ import annotations

import re

from classifiers.deceptive.detection import Detection, detection
from classifiers.deceptive.elements import El, text_of
from snarewatch.schema import PageVisits

# What a visitor would not choose by default: extras that cost money, or giving away data.
EXTRAS = re.compile(
    r"\b(?:insurance|protect(?:ion)?|warranty|guarantee|cover(?:age)?|add[- ]?on|extra|upgrade|"
    r"donat\w*|tip|gift ?wrap|priority|express|premium|membership|subscri\w*|newsletter|"
    r"offers?|promotions?|marketing|partners?|third[- ]part\w*|e-?mails?|sms|updates|news|"
    r"consent|agree to (?:receive|share)|share my|personali[sz]ed)\b",
    re.I,
)
# Ticked boxes that are the visitor's own choice or the neutral default are fine.
FINE = re.compile(
    r"\b(?:remember me|keep me (?:signed|logged) in|same as (?:billing|shipping)|"
    r"standard (?:shipping|delivery)|free (?:shipping|delivery)|necessary|essential)\b",
    re.I,
)


# Negations in one option label; two or more make it a double negative.
NEGATION = re.compile(
    r"\b(?:not|no|never|don'?t|doesn'?t|won'?t|untick|uncheck|unselect|opt[- ]out|"
    r"unsubscribe|decline|refuse)\b|n't\b",
    re.I,
)


def is_trick_question(el: El) -> bool:
    """A checkbox/radio whose label stacks two or more negations ("untick if you would not prefer
    to not receive ...")."""
    if el.get("input_type") not in {"checkbox", "radio"}:
        return False
    return len(NEGATION.findall(text_of(el))) >= 2


def is_bad_default(el: El) -> bool:
    """True for a ticked checkbox/radio whose label names an extra or a data/marketing consent."""
    if el.get("input_type") not in {"checkbox", "radio"} or not el.get("checked"):
        return False
    text = text_of(el)
    return bool(EXTRAS.search(text)) and not FINE.search(text)


def detect_preselection(visits: PageVisits) -> list[Detection]:
    """Ticked extras and consents, and trick questions, on first load (`check = "preselect"`)."""
    first = visits.snapshot("first")
    if first is None:
        return []
    found = []
    for el in first.elements:
        label = text_of(el)
        if is_trick_question(el):
            negatives = len(NEGATION.findall(label))
            found.append(
                detection(
                    "trick_question",
                    el,
                    check="preselect",
                    verified="no",
                    score=0.9,
                    why=f'The option "{label[:100]}" stacks {negatives} negatives'
                    + (" and is ticked in advance." if el.get("checked") else "."),
                    evidence={
                        "label": label,
                        "negations": NEGATION.findall(label),
                        "checked": bool(el.get("checked")),
                    },
                )
            )
            continue
        if not is_bad_default(el):
            continue
        found.append(
            detection(
                "preselection",
                el,
                check="preselect",
                verified="no",
                score=1.0,
                why=f'The box "{label[:80]}" was already ticked when the page loaded.',
                evidence={"input_type": el.get("input_type"), "checked": True, "label": label},
            )
        )
    return found
