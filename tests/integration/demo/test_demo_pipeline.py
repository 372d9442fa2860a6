"""`snarewatch demo` end to end on the demo site, with a scripted teacher instead of the LLM."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from labeler.llm.base import Choice
from labeler.llm.fake import FakeBackend
from snarewatch.cli.demo_pipeline import run_demo
from snarewatch.store import query_records

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Words that make the scripted teacher answer a positive label of either task.
WILDLIFE_WORDS = ("ivory", "parrot", "tortoise", "python skin", "horn", "pangolin", "shark fin",
                  "macaw", "cockatoo", "tiger skin", "bear bile")
DECEPTIVE_WORDS = {"ends in": "countdown_timer", "only ": "low_stock_message",
                   "no thanks": "confirmshaming", "people are viewing": "high_demand_message"}


def scripted_answer(prompt: str, options: Sequence[str]) -> Choice:
    """Keyword rules per task; everything else gets the task's negative label."""
    item = prompt.rsplit("Input:", 1)[-1].lower()
    if "wildlife_product" in options:
        label = "wildlife_product" if any(w in item for w in WILDLIFE_WORDS) else "not_wildlife"
    else:
        label = next((v for k, v in DECEPTIVE_WORDS.items() if k in item), "not_dark_pattern")
    return Choice(label=label, probability=0.9, tokens_in=len(prompt) // 4, tokens_out=1,
                  cost_usd=0.0)


def hashed_embeddings(texts: Sequence[str], *args: object, **kwargs: object) -> np.ndarray:
    """Stand-in for the sentence encoder (the sampler only needs stable vectors)."""
    rows = [np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)).normal(
        size=32) for t in texts]
    return np.array(rows, dtype=np.float32).reshape(len(texts), 32)


def test_demo_runs_every_stage_and_scores_itself(settings, capsys, monkeypatch) -> None:
    monkeypatch.setattr("labeler.run.embed_texts", hashed_embeddings)
    figures = run_demo(settings, budget=120, backend=FakeBackend(answer=scripted_answer),
                       max_pages=None, seed=0)
    out = capsys.readouterr().out

    assert figures["crawl"].ads == 1600
    for task in ("wildlife", "deceptive-ui"):
        assert figures[task]["labels"].labelled > 0
        assert figures[task]["classify"] is not None
    counts = query_records(settings.db_path, """
        SELECT (SELECT count(*) FROM labels WHERE task = 'wildlife'
                AND source NOT LIKE 'human:%') AS wl,
               (SELECT count(*) FROM labels WHERE task = 'wildlife'
                AND source = 'human:demo-ground-truth') AS seed,
               (SELECT count(*) FROM labels WHERE task = 'deceptive-ui') AS dl,
               (SELECT count(*) FROM predictions WHERE task = 'wildlife') AS wp,
               (SELECT count(*) FROM page_findings) AS pf""")[0]
    assert counts["dl"] == 120
    # The 40 seed ads are human labels; the LLM labels the rest of the 120-ad sample.
    assert counts["seed"] == 40 and 80 <= counts["wl"] <= 120
    assert "seed set: 40 ads" in out and "abstains below" in out
    assert counts["wp"] == 1600  # every ad classified, not just the labelled ones
    assert counts["pf"] > 0
    assert "snarewatch demo" in out and "snarewatch sql" in out
    assert {"wildlife flags vs ground truth", "page checks: deceptive shop pages found",
            "page checks: clean shop pages flagged"} <= set(figures["quality"])
