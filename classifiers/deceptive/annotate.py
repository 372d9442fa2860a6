"""Annotated screenshots: each finding's box drawn on the page with a short numbered label."""

from __future__ import annotations

import io
from collections.abc import Sequence

from classifiers.deceptive.detection import Detection

COLOURS = {
    "yes": (214, 39, 40),
    "unknown": (230, 110, 0),
    "no": (148, 40, 150),
    "cleared": (34, 139, 34),
}
"""Box colour: red = shown deceptive, orange = unverifiable claim, purple = pattern of design (no
false claim), green = an honest look-alike the checks cleared."""
MAX_HEIGHT = 4000


def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    for name in (
        "DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "LiberationSans-Bold.ttf",
    ):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def annotate(png: bytes, findings: Sequence[Detection], scale: float = 1.0) -> bytes:
    """The screenshot with numbered boxes and short labels for `findings` (PNG bytes)."""
    from PIL import Image, ImageDraw

    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.height > MAX_HEIGHT:
        image = image.crop((0, 0, image.width, MAX_HEIGHT))
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    font = _font(14)
    placed: list[tuple[float, float, float, float]] = []
    for number, finding in enumerate(findings, start=1):
        if len(finding.box) != 4 or finding.box[2] <= 0 or finding.box[3] <= 0:
            continue
        x, y, w, h = (v * scale for v in finding.box)
        if y > image.height or x > image.width:
            continue
        colour = COLOURS["cleared" if finding.cleared else finding.verified_deceptive]
        pad = 3
        draw.rectangle(
            [x - pad, y - pad, x + w + pad, y + h + pad],
            outline=colour + (255,),
            width=3,
            fill=colour + (28,),
        )
        tag = f"{number}. {finding.short}" + (" (honest)" if finding.cleared else "")
        left, top, right, bottom = draw.textbbox((0, 0), tag, font=font)
        tw, th = right - left + 10, bottom - top + 8
        # Right-aligned above the box: the start of the element's text stays readable.
        lx = min(max(0.0, x + w + pad - tw), image.width - tw)
        ly = y - pad - th if y - pad - th >= 0 else y + h + pad
        # Step labels down when they would cover an earlier one.
        while any(abs(ly - py) < th and lx < px + pw and px < lx + tw for px, py, pw, _ in placed):
            ly += th
        placed.append((lx, ly, tw, th))
        draw.rectangle([lx, ly, lx + tw, ly + th], fill=colour + (235,))
        draw.text((lx + 5, ly + 4 - top), tag, fill=(255, 255, 255, 255), font=font)
    out = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    buf = io.BytesIO()
    out.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
