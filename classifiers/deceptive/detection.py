"""A detector's output: one suspected pattern on a page, its type, verification and evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from classifiers.deceptive.elements import El, box_of, text_of
from classifiers.deceptive.taxonomy import pattern

Verified = Literal["yes", "no", "unknown"]
"""Mathur et al.'s "Deceptive?": yes = shown false or hidden by evidence (a timer that resets, a
fee that appears only at checkout); no = no false claim (a pattern of design, like confirmshaming,
or an honest look-alike the checks cleared); unknown = a claim the page cannot prove or disprove."""


@dataclass
class Detection:
    """One finding before it becomes a `PageFinding` record (the CLI adds ids, URL and site)."""

    l1: str
    l2: str
    score: float
    verified_deceptive: Verified
    check: str
    explanation: str
    recommendation: str
    evidence: dict[str, Any] = field(default_factory=dict)
    box: list[float] = field(default_factory=list)
    text: str = ""
    selector: str | None = None
    cleared: bool = False  # the checks showed an honest look-alike (genuine timer, fair banner)

    @property
    def short(self) -> str:
        """A short label for the annotated screenshot."""
        return pattern(self.l2).short

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly fields."""
        return {
            "l1": self.l1,
            "l2": self.l2,
            "score": round(self.score, 4),
            "verified_deceptive": self.verified_deceptive,
            "check": self.check,
            "text": self.text,
            "selector": self.selector,
            "box": self.box,
            "cleared": self.cleared,
            "explanation": self.explanation,
            "recommendation": self.recommendation,
            "evidence": self.evidence,
        }


def detection(
    l2: str,
    el: El | None,
    *,
    check: str,
    verified: Verified,
    score: float,
    why: str,
    evidence: dict[str, Any] | None = None,
    box: list[float] | None = None,
    cleared: bool = False,
) -> Detection:
    """A Detection of type `l2` on `el`; its explanation is the type's plus this check's `why`."""
    entry = pattern(l2)
    rec = entry.recommendation + (
        f" Relevant rules: {entry.regulation}." if entry.regulation else ""
    )
    return Detection(
        l1=entry.l1,
        l2=l2,
        score=float(score),
        verified_deceptive=verified,
        check=check,
        explanation=f"{entry.explanation} {why}".strip(),
        recommendation=rec,
        evidence=dict(evidence or {}),
        box=list(box) if box is not None else (box_of(el) if el is not None else []),
        text=text_of(el) if el is not None else "",
        selector=(str(el.get("selector")) if el is not None and el.get("selector") else None),
        cleared=cleared,
    )
