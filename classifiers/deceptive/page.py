"""The whole-page audit: every detector over a page's visits, merged with a text student.

The student (a `deceptive-ui` classifier with `predict_proba(texts)`) names the pattern type of
each text; the detectors check what text cannot show (timers across reloads, checkbox states,
banner styling, checkout totals). Where both speak about one element, the detector's verification
decides `verified_deceptive` and the student's opinion is kept as evidence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from classifiers.deceptive.banner import detect_banner
from classifiers.deceptive.claims import detect_claims
from classifiers.deceptive.confirmshaming import NEUTRAL, detect_confirmshaming, is_decline
from classifiers.deceptive.detection import Detection, detection
from classifiers.deceptive.disguised_ad import detect_disguised_ads
from classifiers.deceptive.drip import detect_drip
from classifiers.deceptive.elements import El, is_visible, key_of, text_of
from classifiers.deceptive.preselect import detect_preselection
from classifiers.deceptive.subscription import detect_subscription
from classifiers.deceptive.taxonomy import TYPES
from classifiers.deceptive.testimonials import detect_testimonials
from classifiers.deceptive.timers import detect_timers
from snarewatch.schema import PageVisits

log = logging.getLogger(__name__)

Detector = Callable[[PageVisits], list[Detection]]

DETECTORS: dict[str, Detector] = {
    "timer": detect_timers,
    "claims": detect_claims,
    "preselect": detect_preselection,
    "banner": detect_banner,
    "confirmshaming": detect_confirmshaming,
    "drip": detect_drip,
    "disguised_ad": detect_disguised_ads,
    "subscription": detect_subscription,
    "testimonials": detect_testimonials,
}
"""Detector name -> function; each is pure and reads only the visits."""

# Types whose truth lies in state or styling: a student reading text alone cannot find them, so
# its guesses for these are not reported on their own.
STATE_TYPES = frozenset(
    {"preselection", "visual_interference", "sneak_into_basket", "hidden_costs"}
)
MIN_TEXT, MAX_TEXT = 4, 300


class TextStudent(Protocol):
    """What the audit needs of a student: classes and per-text probabilities."""

    classes_: tuple[str, ...]

    def predict_proba(self, texts: Sequence[str]) -> Any:
        """(n, n_classes) probabilities."""
        ...


def run_detectors(visits: PageVisits, only: Sequence[str] | None = None) -> list[Detection]:
    """Findings of every detector (or of `only` those), one failing detector logged and skipped."""
    found: list[Detection] = []
    for name, fn in DETECTORS.items():
        if only is not None and name not in only:
            continue
        try:
            found.extend(fn(visits))
        except (ValueError, TypeError, KeyError, IndexError, ZeroDivisionError) as exc:
            # An odd page must not hide what the other detectors found on it.
            log.warning("detector %s failed on %s: %s", name, visits.url, exc)
    return found


def student_predictions(
    student: TextStudent, elements: Sequence[El], threshold: float = 0.5
) -> list[tuple[El, str, float]]:
    """(element, level-2 type, probability) for each text the student puts in a pattern class."""
    candidates = [e for e in elements if is_visible(e) and MIN_TEXT <= len(text_of(e)) <= MAX_TEXT]
    texts = sorted({text_of(e) for e in candidates})
    if not texts:
        return []
    proba = student.predict_proba(texts)
    best: dict[str, tuple[str, float]] = {}
    for text, row in zip(texts, proba, strict=True):
        i = int(row.argmax())
        label, p = student.classes_[i], float(row[i])
        if label in TYPES and p >= threshold:
            best[text] = (label, p)
    return [(e, *best[text_of(e)]) for e in candidates if text_of(e) in best]


def _same_element(a: Detection, el: El) -> bool:
    return (a.selector is not None and a.selector == el.get("selector")) or (
        bool(a.text) and a.text == text_of(el)
    )


def merge_student(
    found: list[Detection], predictions: list[tuple[El, str, float]], model_id: str | None = None
) -> list[Detection]:
    """Attach student opinions to detector findings; add student-only findings it can support."""
    merged = list(found)
    seen: set[str] = set()
    for el, l2, p in predictions:
        key = key_of(el)
        if key in seen:
            continue
        seen.add(key)
        match = next((d for d in merged if _same_element(d, el)), None)
        if match is not None:
            match.evidence["student"] = {"label": l2, "score": round(p, 4), "model_id": model_id}
            continue
        if l2 in STATE_TYPES:
            continue
        if l2 == "confirmshaming" and (not is_decline(el) or NEUTRAL.match(text_of(el))):
            continue  # plain "No thanks" stays unflagged whatever the student thinks
        merged.append(
            detection(
                l2,
                el,
                check="student",
                verified="unknown",
                score=p,
                why="The text student classified this text; no page check could confirm it.",
                evidence={"student": {"label": l2, "score": round(p, 4), "model_id": model_id}},
            )
        )
    return merged


def audit_visits(
    visits: PageVisits,
    student: TextStudent | None = None,
    *,
    threshold: float = 0.5,
    model_id: str | None = None,
    include_cleared: bool = True,
) -> list[Detection]:
    """All findings for one page: detectors, then the student's element classification merged in.

    `include_cleared=False` drops honest look-alikes the checks cleared (a genuine timer, a
    constant stock note, a fair banner); they are not findings, but an audit may show them.
    """
    found = run_detectors(visits)
    first = visits.snapshot("first")
    if student is not None and first is not None:
        found = merge_student(
            found, student_predictions(student, first.elements, threshold), model_id
        )
    if not include_cleared:
        found = [d for d in found if not d.cleared]
    order = {"yes": 0, "unknown": 1, "no": 2}
    found.sort(
        key=lambda d: (d.cleared, order[d.verified_deceptive], -d.score, d.box[1:2] or [0.0])
    )
    return found
