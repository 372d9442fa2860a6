"""The demo store of the report's unit tests, built once for these CLI and browser tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The store builder lives with the unit tests; share it rather than copy it.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "report"))

from report_store import DemoStore, build_demo_store  # noqa: E402


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> DemoStore:
    """Ads, labels and predictions equal to the demo truth, shop elements, a model and an eval."""
    return build_demo_store(tmp_path_factory.mktemp("report-cli") / "data")
