"""The demo shop served for the module, its ground truth, and every shop page audited once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="module")
def shop_base() -> Iterator[str]:
    """Base URL of the demo site on a free port."""
    from demo_site.server import serve_in_thread

    with serve_in_thread(port=0) as base:
        yield base


@pytest.fixture(scope="module")
def shop_truth() -> dict[str, Any]:
    """The demo site's ground truth: shop pages with planted patterns, and the clean pages."""
    from demo_site.truth import ground_truth

    return ground_truth()


@pytest.fixture(scope="module")
def audit_settings(tmp_path_factory: pytest.TempPathFactory):
    """Settings with an empty data dir (so no text student exists: detectors only)."""
    from snarewatch.config import Settings

    return Settings(data_dir=Path(tmp_path_factory.mktemp("audit")) / "data")


@pytest.fixture(scope="module")
def audited(shop_base, shop_truth, audit_settings) -> dict[str, Any]:
    """Findings (cleared look-alikes included) per shop page path, from one pass over all pages."""
    from classifiers.deceptive import audit_visits
    from crawler.visits import visit_urls

    paths = [p["path"] for p in shop_truth["pages"]]
    results = visit_urls(audit_settings, [shop_base + p for p in paths], concurrency=3, wait_s=1.5)
    out = {}
    for path, visits in zip(paths, results, strict=True):
        assert not isinstance(visits, Exception), visits
        out[path] = audit_visits(visits)
    return out
