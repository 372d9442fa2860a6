"""Fixtures for labeler tests: a store with a few ads and UI texts, and scripted backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from snarewatch.schema import Ad, Element
from snarewatch.store import Landing, load_pending

AD_TITLES = [
    "Antique elephant ivory bangle", "Carved rhino horn cup", "Tiger Balm red 30g",
    "Shark Navigator vacuum cleaner", "Baby African grey parrot", "Faux fur leopard coat",
    "iPhone 12 silicone case", "Pangolin scales 500g", "Lego Creator tiger set",
    "Bear bile capsules", "Hawksbill turtle shell comb", "Puma running shoes size 9",
]
UI_TEXTS = ["Only 2 left in stock!", "Add to cart", "No thanks, I hate saving money",
            "Offer ends in 00:09:59", "Free returns within 30 days"]


@pytest.fixture
def store(settings):  # type: ignore[no-untyped-def]
    """Settings whose store holds 12 ads and 5 UI elements, loaded."""
    landing = Landing(settings.landing_dir)
    landing.write([Ad(ad_id=f"ad{i:02d}", site="test", url=f"http://x/{i}", title=t,
                      description="")
                   for i, t in enumerate(AD_TITLES)])
    landing.write([Element(element_id=f"el{i}", site="shop", text=t)
                   for i, t in enumerate(UI_TEXTS)])
    load_pending(settings.db_path, settings.landing_dir)
    return settings


@pytest.fixture
def wildlife_script() -> dict:
    """A fake-backend script that knows which test ads are wildlife."""
    return {"rules": [[w, "wildlife_product", 0.9] for w in
                      ("ivory", "rhino", "parrot", "pangolin", "bear bile", "hawksbill")],
            "default": "not_wildlife"}


def load(settings) -> None:  # type: ignore[no-untyped-def]
    """Load pending landing batches."""
    load_pending(Path(settings.db_path), Path(settings.landing_dir))


def hashed_embeddings(texts, **_kw):  # type: ignore[no-untyped-def]
    """Deterministic stand-in vectors (one per distinct text), so unit tests skip the encoder."""
    import hashlib

    import numpy as np

    rows = []
    for text in texts:
        seed = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
        rows.append(np.random.default_rng(seed).normal(size=32))
    return np.array(rows, dtype=np.float32).reshape(len(texts), 32)


@pytest.fixture(autouse=True)
def no_encoder(request, monkeypatch):  # type: ignore[no-untyped-def]
    """Replace the sentence encoder in the labelling run (tests marked `encoder` keep it)."""
    if "real_encoder" not in request.keywords:
        monkeypatch.setattr("labeler.run.embed_texts", hashed_embeddings)
        monkeypatch.setattr("labeler.teach.embed_texts", hashed_embeddings)
