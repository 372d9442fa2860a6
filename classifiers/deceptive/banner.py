"""Cookie/consent banner asymmetry: Accept vs Reject compared by area, font size and WCAG contrast.

A banner that offers no Reject on its first layer, or shows it as a tiny or low-contrast link next
to a big Accept button, steers the choice (EU DSA Art. 25(3)(a); GDPR consent must be as easy to
refuse as to give).
"""

from __future__ import annotations

import re
from typing import Any

from classifiers.deceptive.detection import Detection, detection
from classifiers.deceptive.elements import (
    El,
    area,
    box_of,
    contrast_ratio,
    effective_background,
    is_control,
    is_visible,
    parse_color,
    text_of,
)
from snarewatch.schema import PageVisits

BANNER = re.compile(
    r"\b(?:cookies?|consent|tracking|gdpr|your privacy|we value your privacy)\b", re.I
)
ACCEPT = re.compile(
    r"^\s*(?:accept|agree|allow|i agree|ok(?:ay)?|got it|yes|sounds good|"
    r"i understand|continue and accept)\b",
    re.I,
)
REJECT = re.compile(
    r"\b(?:reject|decline|refuse|deny|disagree|opt[- ]out|do not (?:accept|allow)|"
    r"don'?t (?:accept|allow)|(?:only |use )?(?:strictly )?(?:necessary|essential)"
    r"(?: cookies)?(?: only)?|no,? thanks)\b",
    re.I,
)

# Thresholds: Accept three times the area of Reject, Reject's text a quarter smaller, or Reject's
# contrast below WCAG's 3:1 floor for any text are each enough to steer a visitor.
AREA_RATIO = 3.0
FONT_RATIO = 0.75
MIN_CONTRAST = 3.0
NEAR_PX = 260.0


def _contrast(el: El, elements: list[El]) -> float | None:
    fg = parse_color(el.get("color"))
    if fg is None:
        return None
    bg = parse_color(el.get("effective_background")) if el.get("effective_background") else None
    back = bg[0] if bg else effective_background(el, elements)
    return round(contrast_ratio(fg[0], back), 2)


def _near(a: El, b: El) -> bool:
    ay, by_ = box_of(a)[1], box_of(b)[1]
    return abs(ay - by_) <= NEAR_PX and bool(a.get("in_overlay")) == bool(b.get("in_overlay"))


def _id_root(el: El) -> str | None:
    """The id-anchored first step of the element's selector ("#cookie-banner"), if it has one."""
    first = str(el.get("selector") or "").split(" > ")[0]
    return first if first.startswith("#") else None


def measure(accept: El, reject: El | None, elements: list[El]) -> dict[str, Any]:
    """Sizes, fonts and contrast of the Accept and Reject options, and their ratios."""
    out: dict[str, Any] = {
        "accept": {
            "text": text_of(accept),
            "area": round(area(accept)),
            "font_size": accept.get("font_size"),
            "contrast": _contrast(accept, elements),
        },
    }
    if reject is None:
        out["reject"] = None
        return out
    out["reject"] = {
        "text": text_of(reject),
        "area": round(area(reject)),
        "font_size": reject.get("font_size"),
        "contrast": _contrast(reject, elements),
        "tag": reject.get("tag"),
    }
    out["area_ratio"] = round(area(accept) / max(area(reject), 1.0), 2)
    fa, fr = float(accept.get("font_size") or 0), float(reject.get("font_size") or 0)
    out["font_ratio"] = round(fr / fa, 2) if fa and fr else None
    return out


def judge_banner(m: dict[str, Any]) -> tuple[bool, list[str]]:
    """(steers, reasons) from `measure` output: does the banner push visitors towards Accept?"""
    reject = m.get("reject")
    if reject is None:
        return True, ["there is no Reject option next to Accept"]
    reasons = []
    if m["area_ratio"] >= AREA_RATIO:
        reasons.append(f"Accept is {m['area_ratio']:.1f}x the size of Reject")
    if m.get("font_ratio") is not None and m["font_ratio"] <= FONT_RATIO:
        reasons.append(f"Reject's text is {m['font_ratio']:.0%} of Accept's size")
    rc, ac = reject.get("contrast"), m["accept"].get("contrast")
    if rc is not None and rc < MIN_CONTRAST and (ac is None or ac > rc):
        reasons.append(f"Reject's contrast ratio is {rc:.1f}:1, below WCAG's 3:1")
    return bool(reasons), reasons


def detect_banner(visits: PageVisits) -> list[Detection]:
    """Consent banners whose Accept and Reject options are unequal (`check = "banner"`)."""
    first = visits.snapshot("first")
    if first is None:
        return []
    elements = [e for e in first.elements if is_visible(e)]
    found = []
    banners = [
        e
        for e in elements
        if BANNER.search(text_of(e)) and not is_control(e) and len(text_of(e)) < 600
    ]
    used: set[int] = set()
    for text_el in banners:
        root = _id_root(text_el)
        controls = [
            e
            for e in elements
            if is_control(e)
            and id(e) not in used
            and (_id_root(e) == root if root else _near(e, text_el))
        ]
        if root and not controls:  # the id belonged to the text itself, not to the banner
            controls = [
                e for e in elements if is_control(e) and id(e) not in used and _near(e, text_el)
            ]
        accepts = [e for e in controls if ACCEPT.search(text_of(e))]
        if not accepts:
            continue
        accept = max(accepts, key=area)
        rejects = [e for e in controls if REJECT.search(text_of(e)) and e is not accept]
        reject = max(rejects, key=area) if rejects else None
        used.update(id(e) for e in controls)
        m = measure(accept, reject, elements)
        steers, reasons = judge_banner(m)
        why = (
            ("; ".join(reasons) + ".")
            if reasons
            else ("Accept and Reject are offered with comparable size, font and contrast.")
        )
        target = reject if (reject is not None and steers) else accept
        # Styling makes no false claim: a steering banner is a pattern with verified "no".
        found.append(
            detection(
                "visual_interference",
                target,
                check="banner",
                verified="no",
                score=1.0 if steers else 0.2,
                why=why[0].upper() + why[1:],
                evidence={**m, "banner_text": text_of(text_el)[:200], "reasons": reasons},
                cleared=not steers,
            )
        )
    return found
