"""A demo marketplace served for the whole module, and its ground truth."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

SEED, N_ADS = 7, 300


@pytest.fixture(scope="module")
def demo_base() -> Iterator[str]:
    """Base URL of the demo marketplace (seed 7, 300 ads) on a free port."""
    from demo_site.server import serve_in_thread

    with serve_in_thread(port=0, seed=SEED, n_ads=N_ADS) as base:
        yield base


@pytest.fixture(scope="module")
def truth() -> dict[str, dict[str, Any]]:
    """Ground-truth ads by id."""
    from demo_site.truth import ground_truth

    return {a["id"]: a for a in ground_truth(SEED, N_ADS)["ads"]}
