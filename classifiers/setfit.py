"""The few-shot student: MiniLM tuned contrastively on a handful of labels, then a linear head.

SetFit's recipe (Tunstall et al. 2022) for when labels are few, as in a seed set of 40 hand
labels: pairs of labelled texts teach the encoder that texts with the same label belong close
together and texts with different labels apart (cosine-similarity loss), then a logistic head
is fitted on the tuned embeddings. With a few dozen labels this beats a frozen encoder, and it
is the baseline every student trained on LLM labels must beat (`snarewatch train` reports both).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np

from classifiers.base import BaseStudent, StudentError
from classifiers.tuning import embed_with_grad, freeze_lower_layers, trainable_encoder
from snarewatch.encoder import encoder_path

log = logging.getLogger(__name__)

BODY_DIR = "encoder"


def contrastive_pairs(labels: Sequence[str], per_text: int, seed: int = 0,
                      ) -> list[tuple[int, int, float]]:
    """(i, j, target) pairs: for each text, `per_text` partners with its label (target 1) and as
    many with another label (target 0), drawn at random."""
    rng = np.random.default_rng(seed)
    y = np.asarray([str(v) for v in labels])
    pairs: list[tuple[int, int, float]] = []
    for i, label in enumerate(y):
        same = np.flatnonzero((y == label) & (np.arange(len(y)) != i))
        other = np.flatnonzero(y != label)
        for pool, target in ((same, 1.0), (other, 0.0)):
            if len(pool):
                for j in rng.choice(pool, size=per_text, replace=len(pool) < per_text):
                    pairs.append((i, int(j), target))
    rng.shuffle(pairs)  # type: ignore[arg-type]
    return pairs


class SetFitStudent(BaseStudent):
    """MiniLM tuned on label pairs (contrastive) + the shared calibrated logistic head.

    Args:
        pairs_per_text: partners drawn per text and per kind (same label, other label).
        epochs: passes over the pairs.
        batch_size: pairs per optimiser step.
        lr: AdamW learning rate of the encoder.
        max_length: tokens kept per text.
        tuned_layers: top transformer layers tuned (None: all); the rest stay as shipped.
        **kwargs: passed to `BaseStudent` (C, calibrate, positive, threshold, seed).
    """

    name: ClassVar[str] = "setfit"

    def __init__(self, pairs_per_text: int = 6, epochs: int = 1, batch_size: int = 16,
                 lr: float = 2e-5, max_length: int = 64, tuned_layers: int | None = 2,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tuned_layers = tuned_layers
        self.pairs_per_text = pairs_per_text
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.max_length = max_length

    def get_params(self) -> dict[str, Any]:
        """Constructor parameters."""
        return {**super().get_params(), "pairs_per_text": self.pairs_per_text,
                "epochs": self.epochs, "batch_size": self.batch_size, "lr": self.lr,
                "max_length": self.max_length, "tuned_layers": self.tuned_layers}

    def _tune(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        import torch

        torch.manual_seed(self.seed)
        self.encoder_ = trainable_encoder(encoder_path(), self.max_length)
        pairs = contrastive_pairs(labels, self.pairs_per_text, self.seed)
        trainable = freeze_lower_layers(self.encoder_, self.tuned_layers)
        optim = torch.optim.AdamW(trainable, lr=self.lr)
        self.encoder_.train()
        for epoch in range(self.epochs):
            total = 0.0
            for start in range(0, len(pairs), self.batch_size):
                batch = pairs[start:start + self.batch_size]
                # Each text of the batch is embedded once, however many pairs it is in: a
                # seed of tens of texts repeats them often, and the encoder is the whole cost.
                rows = sorted({i for i, _, _ in batch} | {j for _, j, _ in batch})
                where = {item: n for n, item in enumerate(rows)}
                vectors = embed_with_grad(self.encoder_, [texts[i] for i in rows])
                a = vectors[[where[i] for i, _, _ in batch]]
                b = vectors[[where[j] for _, j, _ in batch]]
                target = torch.tensor([t for _, _, t in batch], dtype=torch.float32)
                loss = torch.nn.functional.mse_loss((a * b).sum(dim=-1), target)
                optim.zero_grad()
                loss.backward()
                optim.step()
                total += float(loss.detach()) * len(batch)
            log.info("setfit epoch %d/%d loss %.4f", epoch + 1, self.epochs,
                     total / max(1, len(pairs)))
        self.encoder_.eval()

    def _features(self, texts: Sequence[str], fit: bool) -> Any:
        return np.asarray(self.encoder_.encode(list(texts), batch_size=64,
                                               normalize_embeddings=True,
                                               convert_to_numpy=True, show_progress_bar=False))

    def fit(self, texts: Sequence[str], labels: Sequence[str],
            sample_weight: Sequence[float] | None = None) -> Self:
        """Tune the encoder on label pairs, then fit the head; returns self."""
        if len(set(map(str, labels))) < 2:
            raise StudentError(f"need at least two classes to train, got {sorted(set(labels))}")
        texts = [t or "" for t in texts]
        self._tune(texts, labels)
        return super().fit(texts, labels, sample_weight)

    def _save_body(self, path: Path) -> None:
        self.encoder_.save(str(Path(path) / BODY_DIR))

    def _load_body(self, path: Path) -> None:
        self.encoder_ = trainable_encoder(Path(path) / BODY_DIR, self.max_length)
        self.encoder_.eval()
