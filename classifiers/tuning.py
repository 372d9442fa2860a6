"""A private, trainable copy of the shipped MiniLM encoder, for the students that tune it.

The shared encoder (snarewatch.encoder) must stay frozen for everyone else, so the fine-tuned
and the SetFit students each load their own copy and embed with gradients through it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def trainable_encoder(source: Path, max_length: int) -> Any:
    """A SentenceTransformer loaded from `source` on the CPU, keeping `max_length` tokens."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(source), device="cpu")
    model.max_seq_length = max_length
    return model


def embed_with_grad(encoder: Any, texts: Sequence[str]) -> Any:
    """L2-normalised sentence embeddings of `texts` as a tensor that gradients flow through."""
    import torch

    feats = encoder.preprocess(list(texts))
    return torch.nn.functional.normalize(encoder(feats)["sentence_embedding"], dim=-1)
