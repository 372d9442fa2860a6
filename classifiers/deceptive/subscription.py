"""Hidden subscriptions: a recurring charge only in the small print of a "free" or one-off offer."""

from __future__ import annotations

import re

from classifiers.deceptive.detection import Detection, detection
from classifiers.deceptive.elements import text_of, walk
from snarewatch.schema import PageVisits

RECURRING = re.compile(
    r"\b(?:every (?:month|week|year|\d+ (?:days|weeks|months))|per (?:month|week|year)|"
    r"monthly|/\s?(?:mo|month)\b|recurring|auto[- ]?renew\w*|until cancell?ed|"
    r"billed (?:monthly|annually|yearly))",
    re.I,
)
OFFER = re.compile(r"\b(?:free|trial|one[- ]off|one[- ]time|just pay|only pay)\b", re.I)
# Text this much smaller than the page's typical body text counts as small print.
SMALL_PRINT = 0.9


def detect_subscription(visits: PageVisits) -> list[Detection]:
    """Recurring charges told only in small print beside a free/one-off offer."""
    first = visits.snapshot("first")
    if first is None:
        return []
    elements = list(walk(first.elements))
    page_text = " ".join(text_of(e) for e in elements)
    if not OFFER.search(page_text):
        return []
    sizes = sorted(float(e.get("font_size") or 0) for e in elements if e.get("font_size"))
    body = sizes[len(sizes) // 2] if sizes else 16.0
    for el in elements:
        text = text_of(el)
        if not RECURRING.search(text) or len(text) > 400:
            continue
        size = float(el.get("font_size") or body)
        small = size < SMALL_PRINT * body
        headline = any(
            RECURRING.search(text_of(e)) and float(e.get("font_size") or 0) >= body * 1.2
            for e in elements
        )
        if headline:
            return []  # the recurring price is announced prominently: not hidden
        return [
            detection(
                "hidden_subscription",
                el,
                check="subscription",
                verified="unknown",
                score=0.8,
                why=(
                    f"A recurring charge is stated only in {'small print' if small else 'terms'}: "
                    f'"{text[:120]}"; whether it is charged cannot be seen from the page.'
                ),
                evidence={
                    "terms": text,
                    "font_size": size,
                    "body_font_size": body,
                    "small_print": small,
                },
            )
        ]
    return []
