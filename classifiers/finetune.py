"""The fine-tuned student: all-MiniLM-L6-v2 trained end to end with a linear head, on the CPU.

Opt-in (`--student finetune`): ~40 texts/s of training on 2 cores, so a few hundred labels take
a minute or two, against seconds for the other students. Probabilities are the softmax of the
head; the threshold chosen on out-of-fold scores absorbs most of their miscalibration.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np

from classifiers.base import META_FILE, BaseStudent, StudentError, default_positive, read_meta
from classifiers.tuning import embed_with_grad, trainable_encoder
from snarewatch.encoder import encoder_path

log = logging.getLogger(__name__)

BODY_DIR = "encoder"
HEAD_FILE = "head.pt"
# A randomly initialised head needs far larger steps than the pretrained encoder.
HEAD_LR = 1e-2


class FinetuneStudent(BaseStudent):
    """MiniLM fine-tuned with a class- and sample-weighted cross-entropy loss.

    Args:
        epochs: passes over the labels (few: the labels are noisy pseudo-labels).
        batch_size: texts per optimiser step (small keeps memory and step time low on a CPU).
        lr: AdamW learning rate of the encoder (the fresh head uses `head_lr`).
        max_length: tokens kept per text.
        **kwargs: passed to `BaseStudent` (positive, threshold, seed).
    """

    name: ClassVar[str] = "finetune"

    def __init__(self, epochs: int = 3, batch_size: int = 16, lr: float = 3e-5,
                 max_length: int = 64, **kwargs: Any) -> None:
        kwargs.setdefault("calibrate", False)
        super().__init__(**kwargs)
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.max_length = max_length

    def get_params(self) -> dict[str, Any]:
        """Constructor parameters."""
        return {**super().get_params(), "epochs": self.epochs, "batch_size": self.batch_size,
                "lr": self.lr, "max_length": self.max_length}

    def fit(
        self, texts: Sequence[str], labels: Sequence[str],
        sample_weight: Sequence[float] | None = None,
    ) -> Self:
        """Fine-tune the encoder and a linear head on the labelled texts; returns self."""
        import torch

        texts = [t or "" for t in texts]
        y_text = [str(v) for v in labels]
        counts = Counter(y_text)
        if len(counts) < 2:
            raise StudentError(f"need at least two classes to train, got {sorted(counts)}")
        self.classes_ = tuple(sorted(counts))
        index = {c: i for i, c in enumerate(self.classes_)}
        y = torch.tensor([index[v] for v in y_text])
        w = torch.ones(len(y)) if sample_weight is None else torch.tensor(
            np.clip(np.asarray(sample_weight, float), 0.05, None), dtype=torch.float32)
        class_w = torch.tensor([len(y) / (len(counts) * counts[c]) for c in self.classes_],
                               dtype=torch.float32)
        torch.manual_seed(self.seed)
        self.encoder_ = trainable_encoder(encoder_path(), self.max_length)
        self.linear_ = torch.nn.Linear(384, len(self.classes_))
        optim = torch.optim.AdamW([
            {"params": self.encoder_.parameters(), "lr": self.lr},
            {"params": self.linear_.parameters(), "lr": HEAD_LR},
        ])
        rng = np.random.default_rng(self.seed)
        self.encoder_.train()
        for epoch in range(self.epochs):
            order = rng.permutation(len(texts))
            total = 0.0
            for start in range(0, len(order), self.batch_size):
                idx = order[start:start + self.batch_size]
                # Scale 20: normalised embeddings have tiny logits otherwise.
                logits = self.linear_(embed_with_grad(self.encoder_, [texts[i] for i in idx]) * 20)
                loss = torch.nn.functional.cross_entropy(logits, y[idx], weight=class_w,
                                                         reduction="none")
                loss = (loss * w[idx]).sum() / w[idx].sum()
                optim.zero_grad()
                loss.backward()
                optim.step()
                total += float(loss.detach()) * len(idx)
            log.info("finetune epoch %d/%d loss %.4f", epoch + 1, self.epochs, total / len(texts))
        self.encoder_.eval()
        self.head_ = self.linear_
        self.positive_ = (default_positive(self.classes_) if self.positive is None
                          else tuple(c for c in self.positive if c in self.classes_))
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Softmax probabilities, shape (n, n_classes), columns in `classes_` order."""
        import torch

        self._check_fitted()
        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), 64):
                batch = [t or "" for t in texts[start:start + 64]]
                logits = self.linear_(embed_with_grad(self.encoder_, batch) * 20)
                out.append(torch.softmax(logits, dim=-1).numpy())
        return np.concatenate(out) if out else np.zeros((0, len(self.classes_)))

    def save(self, path: Path) -> None:
        """Write the encoder, the head and the metadata to the folder `path`."""
        import torch

        self._check_fitted()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        params = self.get_params()
        params["positive"] = list(params["positive"]) if params["positive"] else None
        meta = {"student": self.name, "params": params, "classes": list(self.classes_),
                "positive": list(self.positive_)}
        (path / META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        self.encoder_.save(str(path / BODY_DIR))
        torch.save(self.linear_.state_dict(), path / HEAD_FILE)

    @classmethod
    def load(cls, path: Path) -> Self:
        """Read a student written by `save`."""
        import torch

        path = Path(path)
        meta = read_meta(path, cls.name)
        self = cls(**meta["params"])
        self.classes_ = tuple(meta["classes"])
        self.positive_ = tuple(meta["positive"])
        self.encoder_ = trainable_encoder(path / BODY_DIR, self.max_length)
        self.encoder_.eval()
        self.linear_ = torch.nn.Linear(384, len(self.classes_))
        self.linear_.load_state_dict(torch.load(path / HEAD_FILE, weights_only=True))
        self.head_ = self.linear_
        return self
