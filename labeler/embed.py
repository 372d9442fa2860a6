"""Sentence embeddings of item texts, batched and cached per item and encoder version."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from snarewatch.encoder import ENCODER_VERSION, load_encoder

log = logging.getLogger(__name__)

DIM = 384


def unit_rows(rows: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (float32; an all-zero row stays zero)."""
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)


def _cache_key(key: str, text: str) -> str:
    # The text is part of the key: an item whose text changed (a re-crawled ad) is re-embedded.
    return hashlib.sha256(f"{key}\x1f{text}".encode()).hexdigest()[:32]


def _cache_folder(cache_dir: Path) -> Path:
    safe = ENCODER_VERSION.replace("=", "_").replace("/", "_")
    return Path(cache_dir) / "embeddings" / safe


def _read_cache(folder: Path) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    if not folder.is_dir():
        return found
    for chunk in sorted(folder.glob("chunk-*.npz")):
        with np.load(chunk) as data:
            for key, vec in zip(data["keys"].tolist(), data["vectors"], strict=True):
                found[key] = vec
    return found


def _write_chunk(folder: Path, keys: list[str], vectors: np.ndarray) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"chunk-{uuid.uuid4().hex[:12]}.npz"
    tmp = folder / f".{name}.tmp.npz"
    # float16 halves the cache; cosine similarities change by < 1e-3.
    np.savez(tmp, keys=np.array(keys), vectors=vectors.astype(np.float16))
    tmp.replace(folder / name)


def encode(texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Embed texts with the shared encoder, L2-normalised, float32 of shape (n, 384)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    try:  # the weight-loading progress bar would break the CLI's own progress display
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:
        pass
    model = load_encoder()
    vectors = model.encode(
        list(texts), batch_size=batch_size, normalize_embeddings=True,
        show_progress_bar=False, convert_to_numpy=True,
    )
    return np.asarray(vectors, dtype=np.float32)


def embed_texts(
    texts: Sequence[str],
    *,
    cache_dir: Path | None = None,
    keys: Sequence[str] | None = None,
    batch_size: int = 64,
) -> np.ndarray:
    """Normalised embeddings of `texts`; with `cache_dir`, reuse vectors stored under each key.

    `keys` default to the texts themselves; vectors are stored per (key, text) and encoder
    version, so a new encoder or a changed text is re-embedded.
    """
    texts = list(texts)
    if keys is not None and len(keys) != len(texts):
        raise ValueError("keys and texts differ in length")
    if cache_dir is None:
        return encode(texts, batch_size)
    folder = _cache_folder(cache_dir)
    cache_keys = [_cache_key(k, t) for k, t in zip(keys if keys is not None else texts, texts,
                                                   strict=True)]
    cached = _read_cache(folder)
    todo = sorted({k: i for i, k in enumerate(cache_keys) if k not in cached}.values())
    if todo:
        fresh = encode([texts[i] for i in todo], batch_size)
        new_keys = [cache_keys[i] for i in todo]
        _write_chunk(folder, new_keys, fresh)
        # The vectors as the cache holds them: a first call and every later one see the same
        # numbers, so a draw with the same seed picks the same items.
        fresh = fresh.astype(np.float16).astype(np.float32)
        cached.update(zip(new_keys, fresh, strict=True))
    log.info("embeddings: %d cached, %d computed", len(texts) - len(todo), len(todo))
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for i, key in enumerate(cache_keys):
        out[i] = cached[key]
    return out
