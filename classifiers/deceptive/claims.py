"""Urgency and social-proof claims (low stock, activity, high demand, limited time), compared
across visits: a number or a buyer that changes on every reload is made up.
"""

from __future__ import annotations

import re
from typing import Any

from classifiers.deceptive.detection import Detection, Verified, detection
from classifiers.deceptive.elements import El, key_of, mask_digits, numbers_in, text_of, walk
from snarewatch.schema import PageSnapshot, PageVisits

_ORDER = (
    "low_stock_message",
    "high_demand_message",
    "activity_notification",
    "limited_time_message",
)
PATTERNS: dict[str, re.Pattern[str]] = {
    "low_stock_message": re.compile(
        r"\bonly\s+(?:\d+\s+)?(?:\w+\s+)?(?:left|remaining|in stock|available)\b|\b(?:\d+\s+)?"
        r"(?:items?\s+)?(?:left|remaining)\s+in stock\b|"
        r"\b(?:low stock|almost gone|few (?:items )?left|last (?:one|item|few)|selling out|"
        r"nearly sold out)\b",
        re.I,
    ),
    "activity_notification": re.compile(
        r"\b(?:just (?:bought|purchased|ordered)|(?:is|are) (?:viewing|looking at|watching)|"
        r"(?:bought|purchased|ordered) (?:this|one|it)?\s*(?:\d+ )?\w* ago|"
        r"in (?:their|\d+) (?:carts?|baskets?)|people (?:are )?(?:viewing|looking|watching))\b",
        re.I,
    ),
    "high_demand_message": re.compile(
        r"\b(?:(?:in )?high demand|selling fast|popular (?:item|right now)|hot item|"
        r"\d+\s*(?:people )?(?:bought|sold) (?:in|over) the (?:last|past)|trending now|"
        r"flying off the shelves)\b",
        re.I,
    ),
    "limited_time_message": re.compile(
        r"\b(?:limited[- ]time|ends soon|ending soon|today only|while (?:it|they|stocks?) lasts?|"
        r"(?:sale|offer|deal|price) ends soon|for a limited time|don'?t miss out|last chance)\b",
        re.I,
    ),
}
"""Level-2 type -> the wording that marks a claim of that type."""

# A deadline in the text ("ends 31 October", "until 23:59 on Friday") makes a limited-time message
# checkable and honest; without one the urgency cannot be verified.
_DEADLINE = re.compile(
    r"\b(?:until|till|ends?|through|before)\b.{0,30}?(?:\d{1,2}[:/.]\d{2}|\d{1,2}(?:st|nd|rd|th)?\s+"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|"
    r"oct|nov|dec)\w*\s+\d{1,2}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|midnight)",
    re.I,
)

_WHY = {
    "low_stock_message": "stock count",
    "activity_notification": "activity message",
    "high_demand_message": "demand claim",
}


def claim_type(text: str) -> str | None:
    """The level-2 type whose wording `text` uses, or None (first match in PATTERNS order)."""
    if len(text) > 200:
        return None
    for l2 in _ORDER:
        if PATTERNS[l2].search(text):
            return l2
    return None


def full_text(el: El, elements: list[El]) -> str:
    """The element's own text followed by its descendants' (a count often sits in a child <b>)."""
    sel = el.get("selector")
    if not sel:
        return text_of(el)
    prefix = f"{sel} > "
    parts = [text_of(el)] + [
        text_of(o) for o in elements if str(o.get("selector") or "").startswith(prefix)
    ]
    return " ".join(p for p in parts if p)


def _claims(snapshot: PageSnapshot | None) -> list[tuple[str, El, str]]:
    """(type, element, full text) of each claim in a snapshot."""
    if snapshot is None:
        return []
    out = []
    for el in walk(snapshot.elements):
        l2 = claim_type(text_of(el))
        if l2:
            out.append((l2, el, full_text(el, snapshot.elements)))
    return out


def _same_claim(
    views: dict[str, list[tuple[str, El, str]]], l2: str, el: El, text: str
) -> dict[str, str]:
    """The text of this claim in each visit, matched by selector, else by digit-masked wording."""
    out = {}
    for label, items in views.items():
        match = next((t for k, e, t in items if k == l2 and key_of(e) == key_of(el)), None)
        if match is None:
            match = next(
                (t for k, _, t in items if k == l2 and mask_digits(t) == mask_digits(text)), None
            )
        if match is None and l2 == "activity_notification":
            match = next((t for k, _, t in items if k == l2), None)  # toasts move and change text
        if match is not None:
            out[label] = match
    return out


def judge_claim(l2: str, texts: dict[str, str]) -> tuple[Verified, str]:
    """Verdict on one claim from its text in each visit (label -> text)."""
    if l2 == "limited_time_message":
        only = next(iter(texts.values()))
        if _DEADLINE.search(only):
            return "no", "it names a specific deadline"
        return "unknown", "no deadline is given, so the urgency cannot be checked"
    numbers = {label: numbers_in(t) for label, t in texts.items()}
    if len(texts) < 2:
        return "unknown", "seen in only one visit, so it could not be compared"
    distinct_numbers = {tuple(n) for n in numbers.values()}
    distinct_texts = set(texts.values())
    what = _WHY.get(l2, "claim")
    if len(distinct_numbers) > 1:
        shown = ", ".join(f"{lb}: {' '.join(map(str, n)) or '-'}" for lb, n in numbers.items())
        return "yes", f"the {what} changed between visits ({shown}), so it is not real data"
    if len(distinct_texts) > 1:
        return "yes", f"the {what} named different people or items on each visit"
    if l2 == "high_demand_message" and not any(numbers.values()):
        return "unknown", "a demand claim without figures cannot be checked from the page"
    return "no", f"the {what} stayed the same across {len(texts)} visits, consistent with real data"


def detect_claims(visits: PageVisits) -> list[Detection]:
    """Stock, activity, demand and limited-time claims, each compared across visits."""
    labels = [
        s.label
        for s in visits.snapshots
        if s.label in ("first", "later") or s.label.startswith("reload")
    ]
    views = {lb: _claims(visits.snapshot(lb)) for lb in labels}
    found: list[Detection] = []
    seen: set[tuple[str, str]] = set()
    for lb in labels:  # a toast may appear only after the wait
        for l2, el, text in views.get(lb, []):
            ident = (l2, key_of(el)) if l2 != "activity_notification" else (l2, "toast")
            if ident in seen:
                continue
            seen.add(ident)
            texts = _same_claim(views, l2, el, text)
            verdict, reason = judge_claim(l2, texts)
            evidence: dict[str, Any] = {"texts_by_visit": texts, "reason": reason}
            score = {"yes": 1.0, "unknown": 0.7, "no": 0.2}[verdict]
            # A claim that held across visits (or names its deadline) is an honest look-alike.
            found.append(
                detection(
                    l2,
                    el,
                    check="claims",
                    verified=verdict,
                    score=score,
                    why=reason[0].upper() + reason[1:] + ".",
                    evidence=evidence,
                    cleared=verdict == "no",
                )
            )
            found[-1].text = text  # with the count from child elements, as a reader sees it
    return found
