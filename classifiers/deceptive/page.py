"""The whole-page audit: every detector over a page's visits, merged with a text student.

The student (a `deceptive-ui` classifier with `predict_proba(texts)`) names the pattern type of
each text; the detectors check what text cannot show (timers across reloads, checkbox states,
banner styling, checkout totals). Where both speak about one element, the detector's verification
decides `verified_deceptive` and the student's opinion is kept as evidence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

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


def student_threshold(student: TextStudent, threshold: float | None = None) -> float:
    """The cut on P(any pattern): `threshold` if given, else the student's own, else 0.5."""
    if threshold is not None:
        return float(threshold)
    own = getattr(student, "threshold", None)
    return float(own) if own is not None else 0.5


def student_scores(student: TextStudent, elements: Sequence[El]) -> list[tuple[El, str, float]]:
    """(element, most likely pattern type, P(any pattern type)) for every visible text the
    student reads (4-300 characters); each distinct text is scored once."""
    candidates = [e for e in elements if is_visible(e) and MIN_TEXT <= len(text_of(e)) <= MAX_TEXT]
    texts = sorted({text_of(e) for e in candidates})
    cols = [i for i, c in enumerate(student.classes_) if c in TYPES]
    if not texts or not cols:
        return []
    proba = np.asarray(student.predict_proba(texts), dtype=float)[:, cols]
    score = proba.sum(axis=1)
    best = proba.argmax(axis=1)
    by_text = {t: (student.classes_[cols[int(b)]], float(p))
               for t, b, p in zip(texts, best, score, strict=True)}
    return [(e, *by_text[text_of(e)]) for e in candidates]


def student_predictions(
    student: TextStudent, elements: Sequence[El], threshold: float | None = None
) -> list[tuple[El, str, float]]:
    """(element, level-2 type, P(any pattern)) for each text the student flags: P(any pattern
    type) at or above `threshold` (default: the student's own threshold)."""
    cut = student_threshold(student, threshold)
    return [s for s in student_scores(student, elements) if s[2] >= cut]


def _nested(a: str, b: str) -> bool:
    """True when selector `a` is `b`, or one is inside the other ("#timer" / "#timer > b")."""
    return a == b or a.startswith(b + " > ") or b.startswith(a + " > ")


def same_widget(a: Detection, el: El) -> bool:
    """True when a detection is about `el`: the same element or text, or one nested in the other
    (a timer's "Sale ends in" label around its digits)."""
    sel = el.get("selector")
    return (a.selector is not None and bool(sel) and _nested(a.selector, str(sel))) or (
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
        match = next((d for d in merged if same_widget(d, el)), None)
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


@dataclass
class PageAudit:
    """One page's audit: every detection (cleared look-alikes included) and the student's score
    for every text it read (empty without a student); the input of a page verdict."""

    detections: list[Detection]
    scores: list[tuple[El, str, float]] = field(default_factory=list)
    threshold: float | None = None  # the student's cut on P(any pattern); None without one
    model_id: str | None = None


def audit_page(
    visits: PageVisits,
    student: TextStudent | None = None,
    *,
    threshold: float | None = None,
    model_id: str | None = None,
) -> PageAudit:
    """Detectors, then the student's flags merged in (see `merge_student`), plus every score."""
    found = run_detectors(visits)
    first = visits.snapshot("first")
    scores: list[tuple[El, str, float]] = []
    cut = None
    if student is not None and first is not None:
        cut = student_threshold(student, threshold)
        scores = student_scores(student, first.elements)
        found = merge_student(found, [s for s in scores if s[2] >= cut], model_id)
    order = {"yes": 0, "unknown": 1, "no": 2}
    found.sort(
        key=lambda d: (d.cleared, order[d.verified_deceptive], -d.score, d.box[1:2] or [0.0])
    )
    return PageAudit(found, scores, cut, model_id)


def audit_visits(
    visits: PageVisits,
    student: TextStudent | None = None,
    *,
    threshold: float | None = None,
    model_id: str | None = None,
    include_cleared: bool = True,
) -> list[Detection]:
    """All findings for one page: detectors, then the student's element classification merged in.

    The student flags a text when its P(any pattern type) reaches `threshold` (default: the
    student's own). `include_cleared=False` drops honest look-alikes the checks cleared (a
    genuine timer, a constant stock note, a fair banner); they are not findings, but an audit
    may show them.
    """
    found = audit_page(visits, student, threshold=threshold, model_id=model_id).detections
    return found if include_cleared else [d for d in found if not d.cleared]
