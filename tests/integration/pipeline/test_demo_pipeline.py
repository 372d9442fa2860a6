"""`snarewatch demo` end to end on the demo site, with a scripted teacher instead of the LLM."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from labeler.llm.base import Choice
from labeler.llm.fake import FakeBackend
from snarewatch.cli.hooks import ConsoleHooks
from snarewatch.pipeline.demo import run as run_demo
from snarewatch.pipeline.jobs import DemoJob
from snarewatch.store import query_records

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Words that make the scripted teacher call an ad a wildlife product.
WILDLIFE_WORDS = ("ivory", "parrot", "tortoise", "python skin", "horn", "pangolin", "shark fin",
                  "macaw", "cockatoo", "tiger skin", "bear bile")


def scripted_answer(prompt: str, options: Sequence[str]) -> Choice:
    """Keyword rules; the backend maps the label to the question's answer format."""
    item = prompt.rsplit("Input:", 1)[-1].lower()
    label = "wildlife_product" if any(w in item for w in WILDLIFE_WORDS) else "not_wildlife"
    return Choice(label=label, probability=0.9, tokens_in=len(prompt) // 4, tokens_out=1,
                  cost_usd=0.0)


def hashed_embeddings(texts: Sequence[str], *args: object, **kwargs: object) -> np.ndarray:
    """Stand-in for the sentence encoder (the sampler only needs stable vectors)."""
    rows = [np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)).normal(
        size=32) for t in texts]
    return np.array(rows, dtype=np.float32).reshape(len(texts), 32)


def test_demo_runs_every_stage_and_scores_itself(settings, capsys, monkeypatch) -> None:
    monkeypatch.setattr("labeler.run.embed_texts", hashed_embeddings)
    figures = run_demo(settings, DemoJob(budget=120, seed=0), ConsoleHooks(),
                       backend=FakeBackend(answer=scripted_answer))
    out = capsys.readouterr().out

    assert figures["crawl"].ads == 1600
    assert figures["wildlife"]["labels"].labelled > 0
    assert figures["wildlife"]["classify"] is not None
    counts = query_records(settings.db_path, """
        SELECT (SELECT count(*) FROM labels WHERE task = 'wildlife'
                AND source NOT LIKE 'human:%') AS wl,
               (SELECT count(*) FROM labels WHERE task = 'wildlife'
                AND source = 'human:demo-ground-truth') AS seed,
               (SELECT count(*) FROM labels WHERE task = 'deceptive-ui') AS dl,
               (SELECT count(DISTINCT item_id) FROM predictions WHERE task = 'wildlife') AS wp,
               (SELECT count(*) FROM predictions WHERE task = 'deceptive-ui') AS dp,
               (SELECT count(*) FROM current_page_verdicts) AS verdicts""")[0]
    # The 40 seed ads are human labels; the LLM labels the rest of the 120-ad sample; then the
    # review adds the ground truth of up to 40 findings, which the student trained again learns.
    reviewed = figures["wildlife"].get("reviewed", [])
    assert counts["seed"] == 40 + len(reviewed) and 80 <= counts["wl"] <= 120
    assert 0 < len(reviewed) <= 40 and figures["wildlife"]["train"].model.card[
        "label_sources"]["human"] == counts["seed"]
    flat = " ".join(out.split())  # the console wraps long lines
    assert "seed set: 40 ads" in flat
    assert figures["wildlife"]["labels"].calibration.split(":")[0] in flat
    assert counts["wp"] == 1600  # every ad classified, not just the labelled ones
    # Deceptive UI needs no LLM label: the shipped default student scores every element.
    assert counts["dl"] == 0
    assert figures["deceptive-ui"]["install"].model.card.get("default")
    assert counts["dp"] == figures["crawl"].elements > 0  # every crawled element scored
    assert figures["pages"]["pages"] == counts["verdicts"] == 33
    assert figures["pages"]["failed"] == 0
    # The audited shop pages belong to the crawled site: one host, one site name.
    sites = query_records(settings.db_path, "SELECT DISTINCT site FROM current_page_verdicts "
                          "UNION SELECT DISTINCT site FROM page_captures")
    assert [r["site"] for r in sites] == ["demo"]
    assert "snarewatch demo" in out and "snarewatch sql" in out
    quality = figures["quality"]
    found, deceptive = _counts(quality["page verdicts: deceptive shop pages found"])
    called, clean = _counts(quality["page verdicts: clean shop pages called deceptive"])
    assert (deceptive, clean) == (15, 18)
    assert found >= 14 and called <= 1
    assert {"wildlife findings vs ground truth, before the review",
            "wildlife findings vs ground truth, after the review"} <= set(quality)


def _counts(figure: str) -> tuple[int, int]:
    """"3 of 18" -> (3, 18)."""
    a, b = figure.split(" of ")
    return int(a), int(b)
