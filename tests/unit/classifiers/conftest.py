"""Small labelled texts for the classifier tests (written for these tests, not real data)."""

from __future__ import annotations

import pytest

DARK = [
    "Hurry! Only {n} left in stock", "Sale ends in {n} minutes", "{n} people are viewing this item",
    "Limited time offer: {n}% off today only", "Selling fast! {n} sold in the last hour",
    "Only {n} rooms left at this price", "Offer expires in 0{n}:59:12", "Almost gone: {n} remaining",
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
def texts_labels() -> tuple[list[str], list[str]]:
    """60 labelled strings, half dark."""
    return make_texts(3)
