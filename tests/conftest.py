"""Fixtures shared by every test: an isolated data dir and settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Settings whose data dir is a fresh temporary folder (no snarewatch.toml is read)."""
    from snarewatch.config import Settings

    monkeypatch.setenv("SNAREWATCH_CONFIG", str(tmp_path / "absent.toml"))
    return Settings(data_dir=tmp_path / "data")

DARK = [
    "Hurry! Only {n} left in stock", "Sale ends in {n} minutes", "{n} people are viewing this item",
    "Limited time offer: {n}% off today only", "Selling fast! {n} sold in the last hour",
    "Only {n} rooms left at this price", "Offer expires in 0{n}:59:12",
    "Almost gone: {n} remaining",
    "{n} shoppers bought this today", "Don't miss out, deal ends at midnight ({n} hrs)",
]
PLAIN = [
    "Add to cart", "Free shipping on orders over ${n}", "Size guide", "Product details and care",
    "Customer service: call 555-01{n}", "Write a review", "Returns within {n} days",
    "Men's shoes size {n}", "Privacy policy", "Contact us at store {n}",
]


def make_texts(n_per: int = 3) -> tuple[list[str], list[str]]:
    """Dark and plain shopping-page strings with labels "dark" / "not_dark"."""
    texts, labels = [], []
    for n in range(2, 2 + n_per):
        for t in DARK:
            texts.append(t.format(n=n))
            labels.append("dark")
        for t in PLAIN:
            texts.append(t.format(n=n))
            labels.append("not_dark")
    return texts, labels


@pytest.fixture
def labelled_texts() -> tuple[list[str], list[str]]:
    """80 labelled shopping-page strings, half dark (written for the tests, not real data)."""
    return make_texts(4)


@pytest.fixture
def texts_labels() -> tuple[list[str], list[str]]:
    """60 labelled shopping-page strings, half dark."""
    return make_texts(3)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow tests first (order otherwise kept): with `-n 2` the longest modules start at once
    on their own worker instead of arriving last while the other worker idles."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
