"""A demo store built once per session from the demo marketplace's ground truth."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_store import DemoStore, build_demo_store


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> DemoStore:
    """Ads, labels and predictions equal to the truth, shop elements, findings, a model, an eval."""
    return build_demo_store(tmp_path_factory.mktemp("report") / "data")


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    """Path of a store that does not exist yet (readers create it empty)."""
    return tmp_path / "empty" / "snarewatch.duckdb"
