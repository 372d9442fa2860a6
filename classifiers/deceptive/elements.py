"""Helpers over element maps (dicts from the crawler's capture): boxes, colours, contrast."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

El = dict[str, Any]
"""One element of an element map: text, tag, role, x/y/width/height, colours, checked, selector…"""

_RGB = re.compile(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:[,\s/]+([\d.]+%?))?\s*\)")
_HEX = re.compile(r"^#([0-9a-f]{3}|[0-9a-f]{6})$", re.I)

RGB = tuple[float, float, float]


def text_of(el: El) -> str:
    """The element's text, whitespace-collapsed."""
    return " ".join(str(el.get("text") or "").split())


def box_of(el: El) -> list[float]:
    """[x, y, width, height] of the element in page pixels (zeros when unknown)."""
    return [float(el.get(k) or 0.0) for k in ("x", "y", "width", "height")]


def area(el: El) -> float:
    """The element's box area in square pixels."""
    return float(el.get("width") or 0.0) * float(el.get("height") or 0.0)


def contains(outer: El, inner: El, slack: float = 2.0) -> bool:
    """True when `inner`'s box lies inside `outer`'s (within `slack` pixels)."""
    ox, oy, ow, oh = box_of(outer)
    ix, iy, iw, ih = box_of(inner)
    return (
        ix >= ox - slack
        and iy >= oy - slack
        and ix + iw <= ox + ow + slack
        and iy + ih <= oy + oh + slack
    )


def is_visible(el: El) -> bool:
    """Visible with a non-empty box."""
    return bool(el.get("visible", True)) and area(el) > 0


def is_control(el: El) -> bool:
    """A button, link or clickable element a visitor acts on."""
    return (
        el.get("tag") in {"button", "a"}
        or el.get("role") in {"button", "link"}
        or el.get("input_type") in {"button", "submit"}
    )


def key_of(el: El) -> str:
    """A key that identifies the same element across visits of a page (its CSS selector)."""
    return str(
        el.get("selector")
        or f"{el.get('tag')}@{round(float(el.get('x') or 0))},{round(float(el.get('y') or 0))}"
    )


def parse_color(value: str | None) -> tuple[RGB, float] | None:
    """A CSS colour (`rgb()`, `rgba()`, `#hex`) as ((r, g, b), alpha); None if unreadable."""
    if not value:
        return None
    value = value.strip().lower()
    if value == "transparent":
        return (0.0, 0.0, 0.0), 0.0
    m = _RGB.match(value)
    if m:
        alpha_text = m.group(4)
        alpha = 1.0
        if alpha_text:
            alpha = float(alpha_text[:-1]) / 100 if alpha_text.endswith("%") else float(alpha_text)
        return (float(m.group(1)), float(m.group(2)), float(m.group(3))), alpha
    m = _HEX.match(value)
    if m:
        h = m.group(1)
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        return (float(int(h[0:2], 16)), float(int(h[2:4], 16)), float(int(h[4:6], 16))), 1.0
    return None


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2.x relative luminance of an sRGB colour (0 black … 1 white)."""

    def channel(c: float) -> float:
        c = c / 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(fg: RGB, bg: RGB) -> float:
    """WCAG contrast ratio of two colours, 1 (none) … 21 (black on white)."""
    la, lb = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def blend(top: RGB, alpha: float, under: RGB) -> RGB:
    """A semi-transparent colour composited over an opaque one."""
    return tuple(alpha * t + (1 - alpha) * u for t, u in zip(top, under, strict=True))  # type: ignore[return-value]


def effective_background(
    el: El, elements: Iterable[El], default: RGB = (255.0, 255.0, 255.0)
) -> RGB:
    """The colour behind an element: its own background, else the smallest enclosing opaque one."""
    own = parse_color(el.get("background_color"))
    if own and own[1] >= 0.5:
        return own[0]
    best: tuple[float, RGB] | None = None
    for other in elements:
        if other is el or not contains(other, el):
            continue
        parsed = parse_color(other.get("background_color"))
        if parsed and parsed[1] >= 0.5 and (best is None or area(other) < best[0]):
            best = (area(other), parsed[0])
    return best[1] if best else default


_CLOCK = re.compile(r"(?<![\d.,])(?:(\d{1,3})\s*:\s*)?(\d{1,2})\s*:\s*(\d{2})(?![\d.,:])")
_UNITS = re.compile(
    r"(?:(\d+)\s*(?:d|days?)\b[\s,:]*)?(?:(\d+)\s*(?:h|hrs?|hours?)\b[\s,:]*)?"
    r"(\d+)\s*(?:m|mins?|minutes?)\b[\s,:]*(?:(\d+)\s*(?:s|secs?|seconds?)\b)?",
    re.I,
)


def parse_duration(text: str) -> float | None:
    """Seconds shown by a countdown-like text ("09:58", "1:02:03", "2h 3m 4s"); None if none."""
    m = _CLOCK.search(text)
    if m:
        h, mi, s = m.group(1), m.group(2), m.group(3)
        return (int(h) * 3600 if h else 0) + int(mi) * 60 + int(s)
    m = _UNITS.search(text)
    if m and m.group(0).strip():
        d, h, mi, s = (int(g) if g else 0 for g in m.groups())
        return d * 86400 + h * 3600 + mi * 60 + s
    return None


_NUMBER = re.compile(r"\d[\d,]*")


def numbers_in(text: str) -> list[int]:
    """The integers written in a text, in order ("Only 3 left" -> [3])."""
    out = []
    for token in _NUMBER.findall(text):
        try:
            out.append(int(token.replace(",", "")))
        except ValueError:
            continue
    return out


_MONEY = re.compile(
    r"(?:(?P<cur>[$€£¥]|A\$|US\$|AU\$|AUD|USD|EUR|GBP)\s?(?P<a>\d[\d,]*(?:\.\d{1,2})?)"
    r"|(?P<b>\d[\d,]*(?:\.\d{1,2})?)\s?(?P<cur2>[$€£]|AUD|USD|EUR|GBP)(?![a-z]))",
    re.I,
)


def money_in(text: str) -> list[float]:
    """Money amounts in a text ("$12.50"; "12,50 €" reads as 1250: decimals use dots)."""
    out = []
    for m in _MONEY.finditer(text):
        raw = m.group("a") or m.group("b") or ""
        try:
            out.append(float(raw.replace(",", "")))
        except ValueError:
            continue
    return out


def mask_digits(text: str) -> str:
    """The text with digit runs replaced by '#', to match one claim with another number."""
    return re.sub(r"\d+", "#", text.lower())


def walk(elements: Iterable[El], *, visible_only: bool = True) -> Iterator[El]:
    """Elements with text, optionally only visible ones."""
    for el in elements:
        if visible_only and not is_visible(el):
            continue
        if text_of(el):
            yield el
