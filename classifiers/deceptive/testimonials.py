"""Testimonials of uncertain origin: glowing quotes signed only with a first name and an initial."""

from __future__ import annotations

import re

from classifiers.deceptive.detection import Detection, detection
from classifiers.deceptive.elements import El, box_of, text_of, walk
from snarewatch.schema import PageVisits

# "— Sarah K., Verified Buyer": an unverifiable signature.
SIGNATURE = re.compile(
    r"^[\s—–-]*[A-Z][a-z]+\s+[A-Z]\.?(?:(?:,\s*|\s+)(?:(?i:verified (?:buyer|customer|purchase))|"
    r"[A-Z][a-z]+))?\s*$"
)
# A testimonial is a quote with its signature under it: a signature with no text block of this
# many characters just above it is a menu entry or a brand ("Filippa K", "Sporty I").
MIN_QUOTE_CHARS = 30
QUOTE_GAP_PX = 150.0
# Reviews that link to their source (a review platform, a profile) are checkable.
SOURCE_HREF = re.compile(
    r"trustpilot|google\.com/maps|productreview|yotpo|reviews\.io|/reviews?/\d|/profiles?/", re.I
)
MIN_SIGNATURES = 2


def _union(els: list[El]) -> list[float]:
    boxes = [box_of(e) for e in els]
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return [x0, y0, x1 - x0, y1 - y0]


def _quoted(sig: El, quotes: list[El]) -> bool:
    sx, sy = float(sig.get("x") or 0), float(sig.get("y") or 0)
    for q in quotes:
        bottom = float(q.get("y") or 0) + float(q.get("height") or 0)
        if bottom <= sy + 5 and sy - bottom <= QUOTE_GAP_PX and abs(float(q.get("x") or 0) - sx) \
                <= 300:
            return True
    return False


def detect_testimonials(visits: PageVisits) -> list[Detection]:
    """A block of two or more quotes signed "First L." with no source (`check = "testimonials"`)."""
    first = visits.snapshot("first")
    if first is None:
        return []
    elements = list(walk(first.elements))
    quotes = [e for e in elements if len(text_of(e)) >= MIN_QUOTE_CHARS]
    signed = [e for e in elements if SIGNATURE.match(text_of(e)) and _quoted(e, quotes)]
    if len(signed) < MIN_SIGNATURES:
        return []
    if any(SOURCE_HREF.search(str(e.get("href") or "")) for e in elements):
        return []
    names = [text_of(e).strip(" —–-") for e in signed]
    return [
        detection(
            "testimonials_of_uncertain_origin",
            signed[0],
            check="testimonials",
            verified="unknown",
            score=0.7,
            box=_union(signed),
            why=f"{len(signed)} testimonials are signed only {', '.join(names[:3])}, "
            "with no source a visitor could check.",
            evidence={"signatures": names},
        )
    ]
