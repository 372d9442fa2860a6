"""Element maps and multi-visit captures written for the deceptive-UI detector tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from snarewatch.schema import PageSnapshot, PageVisits


def make_el(
    text: str = "",
    *,
    tag: str = "p",
    selector: str | None = None,
    x: float = 10,
    y: float = 10,
    width: float = 200,
    height: float = 20,
    **kw: Any,
) -> dict[str, Any]:
    """One element-map entry with sensible defaults (visible, black on white, 16 px)."""
    el = {
        "text": text,
        "tag": tag,
        "role": kw.pop("role", None),
        "x": x,
        "y": y,
        "width": width,
        "height": height,
        "font_size": 16.0,
        "font_weight": 400,
        "color": "rgb(0, 0, 0)",
        "background_color": "rgba(0, 0, 0, 0)",
        "visible": True,
        "input_type": None,
        "checked": None,
        "in_overlay": False,
        "selector": selector or f"#el-{abs(hash(text)) % 10**6}",
    }
    el.update(kw)
    return el


def make_visits(
    *snapshots: tuple[str, float, list[dict[str, Any]]], url: str = "https://shop.test/p/1"
) -> PageVisits:
    """PageVisits from (label, seconds since first, elements) triples."""
    return PageVisits(
        url=url,
        final_url=url,
        snapshots=[
            PageSnapshot(label=label, url=url, at_s=at, elements=els)
            for label, at, els in snapshots
        ],
    )


@pytest.fixture
def el() -> Callable[..., dict[str, Any]]:
    """Factory of element-map entries."""
    return make_el


@pytest.fixture
def visits() -> Callable[..., PageVisits]:
    """Factory of PageVisits from (label, at_s, elements) triples."""
    return make_visits
