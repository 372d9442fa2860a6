"""kNN few-shot: for each item, the most similar human-labelled examples from a pool.

Small models copy the label of a close example far more reliably than they apply a definition, so
a handful of nearest labelled neighbours (cosine similarity of sentence embeddings) is added to
each prompt. The pool's own items never get themselves as an example (leave-one-out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from labeler.embed import unit_rows
from labeler.prompts import Shot


@dataclass
class ExamplePool:
    """Human-labelled examples (rendered text, label) with their embeddings."""

    texts: list[str]
    labels: list[str]
    embeddings: np.ndarray
    ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.texts) != len(self.labels) or len(self.texts) != len(self.embeddings):
            raise ValueError("texts, labels and embeddings must have the same length")
        self.embeddings = unit_rows(self.embeddings) if len(self.texts) else \
            np.zeros((0, 1), dtype=np.float32)
        if not self.ids:
            self.ids = [str(i) for i in range(len(self.texts))]

    def __len__(self) -> int:
        return len(self.texts)

    def nearest(self, embedding: np.ndarray, k: int, *, exclude_id: str | None = None,
                exclude_text: str | None = None) -> list[Shot]:
        """The `k` most similar examples, least similar first (the closest sits next to the item).

        An example with the item's own id or text is skipped, so a pool item is never its own shot.
        """
        if k <= 0 or not len(self):
            return []
        query = unit_rows(np.asarray(embedding).reshape(1, -1))[0]
        sims = self.embeddings @ query
        order = np.argsort(-sims, kind="stable")
        picked: list[int] = []
        norm_text = " ".join(exclude_text.split()) if exclude_text else None
        for i in order:
            if exclude_id is not None and self.ids[i] == exclude_id:
                continue
            if norm_text is not None and " ".join(self.texts[i].split()) == norm_text:
                continue
            picked.append(int(i))
            if len(picked) == k:
                break
        return [(self.texts[i], self.labels[i]) for i in reversed(picked)]


def shots_for(pool: ExamplePool | None, embeddings: np.ndarray | None, k: int,
              ids: Sequence[str], texts: Sequence[str]) -> list[list[Shot]]:
    """kNN shots for every item (empty lists when there is no pool or k is 0)."""
    if pool is None or embeddings is None or k <= 0 or not len(pool):
        return [[] for _ in ids]
    return [pool.nearest(embeddings[n], k, exclude_id=ids[n], exclude_text=texts[n])
            for n in range(len(ids))]
