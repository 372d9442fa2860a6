"""Annotated screenshots of audited pages (`snarewatch audit`) as embedded thumbnails."""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snarewatch.errors import StoreError
from snarewatch.store import Blobs

log = logging.getLogger(__name__)

MAX_WIDTH = 900
MAX_RAW_BYTES = 400_000  # without Pillow to shrink it, a larger screenshot is left out


@dataclass
class Evidence:
    """One annotated page screenshot ready to embed."""

    uri: str
    url: str
    site: str
    patterns: str
    findings: int


def _shrink(png: bytes) -> tuple[bytes, str] | None:
    try:
        from PIL import Image
    except ImportError:
        return (png, "image/png") if len(png) <= MAX_RAW_BYTES else None
    with Image.open(io.BytesIO(png)) as img:
        img = img.convert("RGB")
        if img.width > MAX_WIDTH:
            img = img.resize((MAX_WIDTH, round(img.height * MAX_WIDTH / img.width)))
        # A page screenshot can be very tall; the annotated top is what an analyst needs first.
        img = img.crop((0, 0, img.width, min(img.height, int(MAX_WIDTH * 1.4))))
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=80, optimize=True)
    return buf.getvalue(), "image/jpeg"


def load_evidence(rows: list[dict[str, Any]], blobs_dir: Path | None) -> list[Evidence]:
    """Thumbnails for evidence rows (annotated_sha256, url, site, patterns, findings)."""
    if blobs_dir is None or not rows:
        return []
    blobs = Blobs(blobs_dir)
    out = []
    for row in rows:
        try:
            png = blobs.get(row["annotated_sha256"])
        except (StoreError, OSError) as exc:
            log.warning("annotated screenshot %s unavailable: %s", row["annotated_sha256"], exc)
            continue
        try:
            shrunk = _shrink(png)
        except (OSError, ValueError) as exc:
            log.warning("annotated screenshot %s unreadable: %s", row["annotated_sha256"], exc)
            continue
        if shrunk is None:
            continue
        data, mime = shrunk
        out.append(Evidence(uri=f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}",
                            url=row["url"], site=row["site"], patterns=row["patterns"],
                            findings=int(row["findings"])))
    return out
