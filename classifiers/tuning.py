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


def freeze_lower_layers(encoder: Any, tuned_layers: int | None) -> list[Any]:
    """Freeze the token embeddings and all but the top `tuned_layers` transformer layers
    (None: tune them all); returns the parameters left to train.

    A few tens of texts move the top layers most; stopping the backward pass there saves most
    of its cost, which dominates training on a CPU.
    """
    params = list(encoder.parameters())
    if tuned_layers is None:
        return params
    bert = encoder[0].auto_model
    layers = bert.encoder.layer
    frozen = [bert.embeddings, *layers[:max(0, len(layers) - tuned_layers)]]
    for module in frozen:
        for p in module.parameters():
            p.requires_grad_(False)
    return [p for p in params if p.requires_grad]
