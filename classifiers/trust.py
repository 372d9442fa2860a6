"""One line on how far to trust a model's flags, read from its card.

The report and the local API (hence the browser extension) show the same line beside a
model's flags: what it learnt from, how it scored and on what, and whether it passed the
guards of `snarewatch train`.
"""

from __future__ import annotations

from typing import Any


def trust_line(card: dict[str, Any], student: str | None = None) -> str:
    """`3313 labels (1400 positive), CV F1 0.96 on public human labels, ...` for a model card."""
    student = student or card.get("student")
    labels, positives = card.get("n_labels"), card.get("positives")
    parts = [f"{labels} labels" + (f" ({positives} positive)" if positives is not None else "")]
    cv = (card.get("cv") or {}).get(student) or {}
    if isinstance(cv.get("f1"), int | float):
        against = "on the shipped human labels" if card.get("default") else "against the teacher"
        parts.append(f"CV F1 {cv['f1']:.2f} {against}")
    seed = (card.get("seed") or {}).get(student) or {}
    if isinstance(seed.get("f1"), int | float):
        lead = f"{int(seed['positives'])} positive" if "positives" in seed else ""
        parts.append(f"F1 {seed['f1']:.2f} on {int(seed.get('n', 0))} hand labels"
                     f"{range_note(seed, lead)}")
    elif card.get("default"):
        parts.append("shipped default, not adapted to this site")
    else:
        parts.append("not checked against hand labels")
    guards = [str(g) for g in card.get("guards") or []]
    if guards:
        parts.append("not promoted: " + "; ".join(guards))
    return ", ".join(parts)


def range_note(figures: dict[str, Any], lead: str = "") -> str:
    """` (6 positive; on all items likely 0.75-0.99)` for seed figures: `lead`, then the 90 %
    range of the F1 over all the items the seed stands for (absent from figures saved before ranges were kept); empty if neither."""
    bounds = figures.get("f1_range")
    inside = [lead] if lead else []
    if isinstance(bounds, list | tuple) and len(bounds) == 2:
        inside.append(f"on all items likely {bounds[0]:.2f}-{bounds[1]:.2f}")
    return f" ({'; '.join(inside)})" if inside else ""
