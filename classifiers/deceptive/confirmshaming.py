"""Confirmshaming: a decline option worded to shame or guilt. Plain "No thanks" is never flagged.

A lexicon of shaming cues decides; a trained `deceptive-ui` student, when present, can add decline
texts the lexicon misses (the merge in `page.py` handles that).
"""

from __future__ import annotations

import re

from classifiers.deceptive.detection import Detection, detection
from classifiers.deceptive.elements import El, is_control, is_visible, text_of
from snarewatch.schema import PageVisits

# A decline option starts like one of these.
DECLINE = re.compile(
    r"^\s*(?:no\b|nope|not (?:now|today|interested)|i\s*(?:'m| am)?\s*(?:don'?t|do not|"
    r"won'?t|will not|'d rather|would rather|prefer|hate|like|love|am not|'m not)|"
    r"skip|maybe later|never mind|nah|close|dismiss|decline|continue without|"
    r"unsubscribe|cancel|leave)",
    re.I,
)
# Neutral declines: exactly one of these (plus punctuation) is fine.
NEUTRAL = re.compile(
    r"^\s*(?:no,?\s*thanks?|no,?\s*thank you|no|not now|maybe later|skip|close|"
    r"dismiss|decline|cancel|continue without\b.*|not interested|never mind|"
    r"reject(?: all)?|x|×)\s*[.!]?\s*$",
    re.I,
)
# Self-deprecating or guilt-laden wording in a decline.
SHAME = re.compile(
    r"\b(?:full price|paying more|pay more|(?:don'?t|do not|hate|not)\s+(?:\w+\s+){0,2}"
    r"(?:sav\w+|deals?|discounts?|money|bargains?|healthy|health|safe|secure|smart|style|"
    r"fun|happy|good|best|care)|(?:rather|prefer|like|love|enjoy|want)\s+(?:to\s+)?"
    r"(?:pay|miss|lose|waste|overpay|stay|be)|miss(?:ing)? out|i'?m (?:fine|ok|okay) with|"
    r"stupid|dumb|boring|loser|don'?t care|rather not save|i like paying)\b",
    re.I,
)


def shames(text: str) -> bool:
    """True when a decline text shames or guilts the reader (False for neutral "No thanks")."""
    text = " ".join(text.split())
    if not text or len(text) > 160 or NEUTRAL.match(text):
        return False
    return bool(DECLINE.match(text)) and bool(SHAME.search(text))


def is_decline(el: El) -> bool:
    """A visible button or link whose text reads as declining an offer."""
    return is_control(el) and is_visible(el) and bool(DECLINE.match(text_of(el)))


def detect_confirmshaming(visits: PageVisits) -> list[Detection]:
    """Decline buttons and links whose wording shames the visitor (`check = "confirmshaming"`)."""
    found = []
    seen: set[str] = set()
    for label in ("first", "later", "reload"):
        snap = visits.snapshot(label)
        if snap is None:
            continue
        for el in snap.elements:
            text = text_of(el)
            if text.lower() in seen or not is_decline(el) or not shames(text):
                continue
            seen.add(text.lower())
            found.append(
                detection(
                    "confirmshaming",
                    el,
                    check="confirmshaming",
                    verified="no",
                    score=0.9,
                    why=f'The decline option reads "{text[:80]}".',
                    evidence={"decline_text": text, "visit": label},
                )
            )
    return found
