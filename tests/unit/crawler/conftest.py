"""Fixtures for crawler tests: the misbehaving server and profiles pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import faultserver
import pytest


@pytest.fixture
def fault_site() -> Iterator[str]:
    """Base URL of a fresh misbehaving server (hit counters reset)."""
    with faultserver.serve() as base:
        yield base
