"""Which 40 rows a person should check after the first `classify`: the least sure findings or
the closest calls on both sides of the cut.

Run: .venv/bin/python benchmarks/review_queue.py [--only yada-urgency,bird-supplies] [--draws 6]

After `classify`, a researcher checks 40 rows by hand and trains again. `labels export --flags`
lists the findings nobody checked, least sure first: it finds false flags. `labels export
--closest` takes its rows in turn from both sides of the student's cut: it finds false flags
and missed positives. `classify` points at `--flags` when it flags more items than the seed's
likely range of positives allows and at `--closest` otherwise. This benchmark checks that rule with
gold labels and no LLM: it draws a seed of 40 as `labels seed` does, trains a student on it
alone (TF-IDF, and logistic regression on MiniLM embeddings) at the seed check's cut, builds
both queues of 40 from the other items, labels each from the gold labels, trains again on the
seed and the queue, and scores both students on the items neither queue holds. Printed per
question and split by the first student's flag rate (under the seed's estimate, from there to
the top of the seed's likely range, above it): the F1 before the review, after the `--flags`
review and after the `--closest` review; then the F1 after the queue `classify` names
(`FlagRate.queue`), run by run.
Writes benchmarks/out/review_queue.json.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from benchmarks._machine import write_result  # noqa: E402
from benchmarks.seed_draw import embedded_question, seed_arguments  # noqa: E402
from classifiers import embedding  # noqa: E402
from classifiers.registry import student_class  # noqa: E402
from classifiers.seedcheck import MIN_PER_SIDE, check_on_seed  # noqa: E402
from labeler.seeds import draw_seed  # noqa: E402
from snarewatch.metrics import binary_metrics, rate_range  # noqa: E402
from snarewatch.pipeline.classify import FlagRate  # noqa: E402

STUDENTS = ("tfidf", "embed")
"""Students cheap enough to refit many times; both are among `train`'s candidates."""

REVIEW = 40
"""Rows a person checks, as the README's flow and `benchmarks/questions.py` take."""


def _fit(kind: str, texts: list[str], labels: np.ndarray, rows: np.ndarray,
         weights: np.ndarray, positive: list[str], seed: int) -> tuple[Any, float]:
    """A student trained on `rows` alone, and the cut the seed check chooses for it."""
    cls = student_class(kind)
    chosen = [texts[i] for i in rows]
    check = check_on_seed(cls, chosen, labels[rows], np.ones(len(rows)), list(range(len(rows))),
                          list(weights), positive, seed_only=True, seed=seed)
    student = cls()
    student.fit(chosen, labels[rows], np.ones(len(rows)))
    return student, check.threshold


def queues(scores: dict[int, float], cut: float) -> dict[str, list[int]]:
    """The first rows of `labels export --flags` (least sure findings) and `--closest` (the
    least sure finding, then the highest-scored unflagged item, in turn)."""
    flagged = sorted((i for i, s in scores.items() if s >= cut), key=lambda i: (scores[i], i))
    unflagged = sorted((i for i, s in scores.items() if s < cut), key=lambda i: (-scores[i], i))
    closest: list[int] = []
    for turn in range(max(len(flagged), len(unflagged))):
        closest += [side[turn] for side in (flagged, unflagged) if turn < len(side)]
    return {"flags": flagged[:REVIEW], "closest": closest[:REVIEW]}


def review_draws(name: str, data: Path, draws: int, size: int) -> list[dict[str, Any]]:
    """Per sampling seed and student: flag rate against the seed's estimate, and the F1 before
    and after each review."""
    eq = embedded_question(name, data)
    q, texts, truth = eq.question, eq.texts, eq.truth
    embedding.remember(texts, eq.embeddings)
    labels = np.where(truth, q.spec.positive[0], q.spec.negative_label)
    runs: list[dict[str, Any]] = []
    for seed in range(draws):
        draw = draw_seed(eq.embeddings, eq.by_definition, size, seed=seed)
        idx = np.asarray(draw.indices)
        if min(truth[idx].sum(), len(idx) - truth[idx].sum()) < MIN_PER_SIDE:
            continue
        weights = np.asarray(draw.weights, dtype=float)
        estimate = float(weights @ truth[idx] / weights.sum())
        likely = rate_range(truth[idx].tolist(), weights.tolist())
        rest = np.setdiff1d(np.arange(len(texts)), idx)
        for kind in STUDENTS:
            student, cut = _fit(kind, texts, labels, idx, weights, q.spec.positive, seed)
            scored = student.positive_score(student.predict_proba([texts[i] for i in rest]))
            flagged = scored >= cut
            by_item = dict(zip(rest.tolist(), scored.tolist(), strict=True))
            queued = queues(by_item, cut)
            # Both students are scored on the same items: those neither queue holds.
            held = np.setdiff1d(rest, queued["flags"] + queued["closest"])
            run = {"question": name, "seed": seed, "student": kind, "estimate": estimate,
                   "likely": likely, "flag_rate": float(flagged.mean()),
                   "before": binary_metrics(truth[held], np.array([by_item[i] >= cut
                                                                   for i in held]))["f1"]}
            # The queue `classify` would name for this flag rate.
            run["advised"] = FlagRate(run["flag_rate"], estimate, "seed", int(flagged.sum()),
                                      len(scored), likely).queue
            for way, rows in queued.items():
                both = np.concatenate([idx, np.asarray(rows, dtype=int)])
                # Reviewed rows were not drawn: they weigh as the average seed item, as in `train`.
                w = np.concatenate([weights, np.full(len(rows), weights.mean())])
                again, cut2 = _fit(kind, texts, labels, both, w, q.spec.positive, seed)
                after = again.positive_score(again.predict_proba([texts[i] for i in held]))
                run[way] = binary_metrics(truth[held], after >= cut2)["f1"]
            runs.append(run)
    return runs


def _means(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean F1 before and after each review, and how often each review did better."""
    if not runs:
        return {"runs": 0}
    return {"runs": len(runs),
            **{k: round(float(np.mean([r[k] for r in runs])), 3)
               for k in ("before", "flags", "closest")},
            "closest_better": sum(r["closest"] > r["flags"] + 1e-9 for r in runs),
            "flags_better": sum(r["flags"] > r["closest"] + 1e-9 for r in runs)}


def main() -> None:
    """Draw, review both ways, retrain and print; save the figures."""
    args = seed_arguments(__doc__.splitlines()[0], draws=6)
    print(f"{'question':<26} {'runs':>5} {'before':>7} {'--flags':>8} {'--closest':>10}")
    every: list[dict[str, Any]] = []
    for name in args.only.split(","):
        runs = review_draws(name, args.data, args.draws, args.size)
        every += runs
        m = _means(runs)
        if m["runs"]:
            print(f"{name:<26} {m['runs']:>5} {m['before']:>7.3f} {m['flags']:>8.3f} "
                  f"{m['closest']:>10.3f}", flush=True)
    split = {"fewer flags than the seed's estimate":
             _means([r for r in every if r["flag_rate"] < r["estimate"]]),
             "as many or more, inside the seed's likely range":
                 _means([r for r in every if r["estimate"] <= r["flag_rate"] <= r["likely"][1]]),
             "above the seed's likely range":
                 _means([r for r in every if r["flag_rate"] > r["likely"][1]]),
             "all": _means(every)}
    for label, m in split.items():
        if m["runs"]:
            print(f"{label}: {m['runs']} runs, F1 {m['before']:.3f} before, {m['flags']:.3f} "
                  f"after --flags, {m['closest']:.3f} after --closest (better in "
                  f"{m['closest_better']} runs, --flags in {m['flags_better']})")
    advised = round(float(np.mean([r[r["advised"]] for r in every])), 3) if every else None
    if every:
        print(f"the queue `classify` names, run by run: F1 {advised:.3f} after the review "
              f"(--flags in {sum(r['advised'] == 'flags' for r in every)} of {len(every)} runs)")
    path = write_result("review_queue", {"draws": args.draws, "size": args.size,
                                         "review": REVIEW, "summary": split,
                                         "advised": advised, "runs": every})
    print(f"figures: {path}")


if __name__ == "__main__":
    main()
