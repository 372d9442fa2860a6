"""The active loop: rounds of labels and students, stopped by a cap, a budget or no gain."""

from __future__ import annotations

import numpy as np

from snarewatch.config import Settings
from snarewatch.pipeline.loop import active_loop
from snarewatch.schema import Ad, Label, stable_id
from snarewatch.store import Landing, load_pending

POS = ["ivory bangle carved", "rhino horn piece", "pangolin scales bag", "tiger skin rug old"]
NEG = ["red bicycle", "oak table", "garden hose", "kids books"]


def test_rounds_label_train_and_stop_at_the_cap(settings: Settings) -> None:
    texts = [t for i in range(6) for t in (f"{POS[i % 4]} {i}", f"{NEG[i % 4]} {i}")]
    Landing(settings.landing_dir).write(
        [Ad(ad_id=f"a{i:02d}", site="s", title=t) for i, t in enumerate(texts)])
    load_pending(settings.db_path, settings.landing_dir)
    truth = {f"a{i:02d}": any(p.split()[0] in t for p in POS) for i, t in enumerate(texts)}
    asked: list[list[str]] = []

    def label(ids: list[str]) -> None:
        asked.append(ids)
        Landing(settings.landing_dir).write([
            Label(label_id=stable_id("loop", i), task="wildlife", item_id=i, item_kind="ad",
                  value="wildlife_product" if truth[i] else "not_wildlife", source="rule:test")
            for i in ids])

    def choose(method: str, emb: np.ndarray, budget: int, *, exclude: list[int],
               **_: object) -> list[int]:
        return [i for i in range(len(emb)) if i not in set(exclude)][:budget]

    rounds = []
    summary = active_loop(settings, "wildlife", rounds=3, per_round=6, label_fn=label,
                          embed_fn=lambda t, ids: np.eye(len(t)), select_fn=choose,
                          min_gain=-1.0, on_round=rounds.append,
                          spent=lambda: "cap reached" if len(asked) == 2 else None)
    assert [len(a) for a in asked] == [6, 6] and summary.stopped == "cap reached"
    assert [r.labels for r in rounds] == [6, 12]
    assert rounds[-1].model_id is not None and summary.final is not None
