"""How many positives a second seed set finds: ranked by the definition, or by the hand labels.

Run: .venv/bin/python benchmarks/seed_draw.py [--only bird-wanted,demo-wildlife] [--draws 4]

A researcher whose first 40 hand labels hold few positives draws 40 more (`labels seed` again).
Half of each set comes from the items that look most positive. This benchmark draws the first
set as `labels seed` does (ranked by the task's definition and examples), takes its labels from
the data's gold labels, then draws the second set twice from the same items: once ranked by the
definition again, once by the hand labels (`labeler.seeds.guided_scores`: a logistic
regression on the labelled items' sentence embeddings, the definition's anchors counted as
positives). It prints the positives each second set holds, per question and in all, over
`--draws` sampling seeds. No LLM is asked. The questions are those of `questions.py`; the way of
ranking was chosen on nine of them; `demo-wildlife`, `mathur-high-demand` and
`mathur-countdown` are reported apart as held out.
Writes benchmarks/out/seed_draw.json.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from benchmarks._machine import OUT_DIR, machine_line, write_result  # noqa: E402
from benchmarks.questions import QUESTIONS, Question, add_question_arguments  # noqa: E402
from labeler.embed import embed_texts  # noqa: E402
from labeler.seeds import draw_seed, guided_scores, positive_anchors, prototype_scores  # noqa: E402

HELD_OUT = {"demo-wildlife", "mathur-high-demand", "mathur-countdown"}
"""Questions the ranking was not chosen on."""


CACHE = OUT_DIR / "seed_draw_cache"
"""Sentence embeddings of the questions' items, kept between runs."""


@dataclass
class EmbeddedQuestion:
    """A question's items as `labels seed` sees them: their texts, sentence embeddings, gold
    sides and similarity to the spec's positive side."""

    question: Question
    texts: list[str]
    embeddings: np.ndarray
    truth: np.ndarray
    by_definition: np.ndarray


def embedded_question(name: str, data: Path) -> EmbeddedQuestion:
    """Load a question of `questions.py` and embed its items as `labels seed` does."""
    q = QUESTIONS[name](data)
    items = [{**r.model_dump(), "item_id": getattr(r, "ad_id", None) or r.element_id}
             for r in q.records]
    texts = [q.spec.render(i) for i in items]
    emb = embed_texts(texts, cache_dir=CACHE, keys=[i["item_id"] for i in items])
    truth = np.array([q.truth[i["item_id"]] for i in items])
    return EmbeddedQuestion(q, texts, emb, truth, prototype_scores(q.spec, texts, emb, CACHE))


def seed_arguments(description: str, draws: int) -> argparse.Namespace:
    """Parse the options every seed benchmark takes (questions, data, draws, seed size), check
    the data is there and print the machine line."""
    parser = argparse.ArgumentParser(description=description)
    add_question_arguments(parser)
    parser.add_argument("--draws", type=int, default=draws, help="Sampling seeds per question.")
    parser.add_argument("--size", type=int, default=40, help="Hand labels per seed set.")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"no data at {args.data}: pass --data ../shared/data")
    print(machine_line())
    return args


def second_draws(name: str, data: Path, draws: int, size: int) -> dict[str, Any]:
    """Positives in the first set and in the second set under each ranking, per sampling seed."""
    eq = embedded_question(name, data)
    emb, truth, by_definition = eq.embeddings, eq.truth, eq.by_definition
    anchors = embed_texts(positive_anchors(eq.question.spec), cache_dir=CACHE)
    out: dict[str, Any] = {"items": len(truth), "true_rate": round(float(truth.mean()), 4),
                           "first": [], "definition": [], "hand labels": []}
    for seed in range(draws):
        first = draw_seed(emb, by_definition, size, seed=seed).indices
        out["first"].append(int(truth[first].sum()))
        guided = guided_scores(emb, first, truth[first].tolist(), anchors)
        for way, scores in (("definition", by_definition), ("hand labels", guided)):
            if scores is None:  # no hand-labelled negative: the definition is all there is
                scores = by_definition
            second = draw_seed(emb, scores, size, seed=seed, exclude=first).indices
            out[way].append(int(truth[second].sum()))
    return out


def main() -> None:
    """Draw, count and print; save the figures."""
    args = seed_arguments(__doc__.splitlines()[0], draws=4)
    results = {}
    print(f"{'question':<22} {'true':>6} {'first':>6} {'2nd by definition':>18} "
          f"{'2nd by hand labels':>19}")
    for name in args.only.split(","):
        r = second_draws(name, args.data, args.draws, args.size)
        results[name] = r
        mean = {k: float(np.mean(r[k])) for k in ("first", "definition", "hand labels")}
        tag = " (held out)" if name in HELD_OUT else ""
        print(f"{name:<22} {r['true_rate']:>6.1%} {mean['first']:>6.1f} "
              f"{mean['definition']:>18.1f} {mean['hand labels']:>19.1f}{tag}", flush=True)
    for group, names in (("chosen on", [n for n in results if n not in HELD_OUT]),
                         ("held out", [n for n in results if n in HELD_OUT])):
        if not names:
            continue
        before = sum(np.mean(results[n]["definition"]) for n in names)
        after = sum(np.mean(results[n]["hand labels"]) for n in names)
        print(f"{group} ({len(names)} questions): second sets hold {after:.1f} positives ranked "
              f"by hand labels vs {before:.1f} by the definition ({after / before - 1:+.0%})")
    path = write_result("seed_draw", {"draws": args.draws, "size": args.size,
                                      "results": results})
    print(f"figures: {path}")


if __name__ == "__main__":
    main()
