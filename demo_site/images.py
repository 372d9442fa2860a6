"""Deterministic SVG placeholder photos: the same name always gives the same bytes."""

from __future__ import annotations

import zlib
from html import escape

FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
           '<rect width="32" height="32" rx="6" fill="#0f766e"/>'
           '<text x="16" y="23" font-size="20" text-anchor="middle" fill="#fff" '
           'font-family="sans-serif">T</text></svg>')


def _hue(name: str) -> int:
    # crc32, not hash(): Python salts str hashes per process, which would break determinism.
    return zlib.crc32(name.encode()) % 360


def placeholder(name: str, label: str, colour: str | None = None,
                size: tuple[int, int] = (640, 480)) -> bytes:
    """An SVG 'photo' with a tinted background, a simple object silhouette and a caption."""
    if name == "favicon":
        return FAVICON.encode()
    w, h = size
    hue = _hue(name)
    bg = colour or f"hsl({hue},45%,55%)"
    shape = zlib.crc32(name[::-1].encode()) % 3
    cx, cy = w // 2, h // 2 - 20
    body = (
        f'<circle cx="{cx}" cy="{cy}" r="{h // 5}" fill="hsl({hue},30%,92%)" opacity=".85"/>',
        f'<rect x="{cx - w // 6}" y="{cy - h // 6}" width="{w // 3}" height="{h // 3}" rx="18" '
        f'fill="hsl({hue},30%,92%)" opacity=".85"/>',
        f'<ellipse cx="{cx}" cy="{cy}" rx="{w // 5}" ry="{h // 8}" '
        f'fill="hsl({hue},30%,92%)" opacity=".85"/>',
    )[shape]
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        f'role="img" aria-label="{escape(label)}">'
        f'<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
        f'<stop offset="0" stop-color="{bg}"/>'
        f'<stop offset="1" stop-color="hsl({(hue + 40) % 360},40%,35%)"/></linearGradient></defs>'
        f'<rect width="{w}" height="{h}" fill="url(#g)"/>{body}'
        f'<text x="{cx}" y="{h - 40}" font-family="Helvetica, Arial, sans-serif" font-size="26" '
        f'fill="#fff" text-anchor="middle">{escape(label)}</text></svg>'
    )
    return svg.encode("utf-8")
