"""How often the seed check's range holds the F1 a student really reaches on the other items.

Run: .venv/bin/python benchmarks/seed_check.py [--only yada-urgency,bird-wanted] [--draws 10]

`snarewatch train` scores each student on the seed set's hand labels, out of fold, and prints
where its F1 over all items likely lies ("on all items likely 0.63-0.94", a 90 % range:
`classifiers.seedcheck`). A researcher reads that range as the trust to put in the flags. This
benchmark checks it the way a researcher cannot: it draws a seed of 40 as `labels seed` does,
takes its labels from the data's gold labels, runs the same check on a student trained on the
seed alone, then fits that student on the whole seed, flags the other items at the seed's cut
and scores them against the gold labels. Per question and in all it prints how often the
measured F1 fell inside the range, under it and above it, and the mean gap between the seed's
F1 and the measured F1 (the seed's F1 is taken with each fold flagged at a cut the other folds
chose; the gap at the cut fitted to the whole seed is printed beside it). In all it also prints
the F1 the same scores reach at a cut that flags the share of items the seed's positive rate
predicts, and at the best cut in hindsight, so the seed's cut is weighed against both. No LLM is
asked, so
the students are those trained on the seed alone (TF-IDF and logistic regression on MiniLM
embeddings); with a teacher's labels added the students change, the check does not. The
questions are those of `questions.py`.
Writes benchmarks/out/seed_check.json.
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
from snarewatch.metrics import binary_metrics  # noqa: E402

STUDENTS = ("tfidf", "embed")
"""Students cheap enough to refit many times; both are among `train`'s candidates."""


def check_draws(name: str, data: Path, draws: int, size: int) -> dict[str, Any]:
    """Per sampling seed and student: the seed check's F1 and range, and the F1 measured on
    every item outside the seed."""
    eq = embedded_question(name, data)
    q, texts, emb, truth = eq.question, eq.texts, eq.embeddings, eq.truth
    embedding.remember(texts, emb)  # the embedding student reads the same vectors
    labels = np.where(truth, q.spec.positive[0], q.spec.negative_label)
    runs: list[dict[str, Any]] = []
    for seed in range(draws):
        draw = draw_seed(emb, eq.by_definition, size, seed=seed)
        idx = np.asarray(draw.indices)
        positives = int(truth[idx].sum())
        if min(positives, len(idx) - positives) < MIN_PER_SIDE:
            runs.append({"seed": seed, "positives": positives, "skipped": "too few on one side"})
            continue
        rest = np.setdiff1d(np.arange(len(texts)), idx)
        weights = np.asarray(draw.weights, dtype=float)
        rate = float(weights @ truth[idx] / weights.sum())  # the seed's estimate, as `classify`'s
        seed_texts = [texts[i] for i in idx]
        for kind in STUDENTS:
            cls = student_class(kind)
            check = check_on_seed(cls, seed_texts, labels[idx], np.ones(len(idx)),
                                  list(range(len(idx))), draw.weights, q.spec.positive,
                                  seed_only=True, seed=seed)
            student = cls()
            student.fit(seed_texts, labels[idx], np.ones(len(idx)))
            scores = student.positive_score(student.predict_proba([texts[i] for i in rest]))
            measured = binary_metrics(truth[rest], scores >= check.threshold)
            low, high = check.metrics["f1_range"]
            f1 = float(measured["f1"])
            runs.append({"seed": seed, "student": kind, "positives": positives,
                         "seed_f1": float(check.metrics["f1"]), "range": [low, high],
                         "fitted_cut_f1": float(check.metrics["at_fitted_cut"]["f1"]),
                         "f1": round(f1, 4), "where": "under" if f1 < low else
                         "above" if f1 > high else "inside",
                         **other_cuts(truth[rest], scores, rate)})
    return {"items": len(texts), "true_rate": round(float(truth.mean()), 4), "runs": runs}


def other_cuts(truth: np.ndarray, scores: np.ndarray, rate: float) -> dict[str, float]:
    """The F1 of the same scores at two other cuts: the one that flags the share of items the
    seed's weighted positive rate predicts, and the best cut in hindsight (a ceiling no rule
    reaches)."""
    from sklearn.metrics import precision_recall_curve

    at_rate = binary_metrics(truth, scores >= np.quantile(scores, 1 - rate))["f1"]
    precision, recall, _ = precision_recall_curve(truth, scores)
    best = np.max(2 * precision * recall / np.maximum(precision + recall, 1e-12))
    return {"rate_cut_f1": round(float(at_rate), 4), "best_cut_f1": round(float(best), 4)}


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Inside / under / above counts and the mean gap of the seed's estimate over the truth."""
    scored = [r for r in runs if "where" in r]
    if not scored:
        return {"runs": 0}
    where = [r["where"] for r in scored]
    return {"runs": len(scored), "inside": where.count("inside"), "under": where.count("under"),
            "above": where.count("above"),
            "mean_gap": round(float(np.mean([r["seed_f1"] - r["f1"] for r in scored])), 3),
            "mean_fitted_gap": round(float(np.mean([r["fitted_cut_f1"] - r["f1"]
                                                    for r in scored])), 3),
            "mean_width": round(float(np.mean([r["range"][1] - r["range"][0]
                                               for r in scored])), 3),
            "mean_f1": round(float(np.mean([r["f1"] for r in scored])), 3),
            "mean_rate_cut_f1": round(float(np.mean([r["rate_cut_f1"] for r in scored])), 3),
            "mean_best_cut_f1": round(float(np.mean([r["best_cut_f1"] for r in scored])), 3)}


def main() -> None:
    """Draw, check, measure and print; save the figures."""
    args = seed_arguments(__doc__.splitlines()[0], draws=10)
    print(f"{'question':<22} {'true':>6} {'runs':>5} {'inside':>7} {'under':>6} {'above':>6} "
          f"{'seed F1 - F1':>13} {'fitted - F1':>12} {'width':>6}")
    results, every = {}, []
    for name in args.only.split(","):
        r = check_draws(name, args.data, args.draws, args.size)
        results[name] = {**r, "summary": summary(r["runs"])}
        every += r["runs"]
        s = results[name]["summary"]
        if not s["runs"]:
            print(f"{name:<22} {r['true_rate']:>6.1%} {'no seed with 3 of each side':>40}")
            continue
        print(f"{name:<22} {r['true_rate']:>6.1%} {s['runs']:>5} {s['inside']:>7} "
              f"{s['under']:>6} {s['above']:>6} {s['mean_gap']:>+13.3f} "
              f"{s['mean_fitted_gap']:>+12.3f} {s['mean_width']:>6.2f}", flush=True)
    total = summary(every)
    if total["runs"]:
        print(f"all: the 90 % range held the measured F1 in {total['inside']} of {total['runs']} "
              f"checks ({total['inside'] / total['runs']:.0%}); under it {total['under']}, above "
              f"it {total['above']}; the seed's F1 ran {total['mean_gap']:+.3f} from the measured "
              f"F1 on average (at the cut fitted to the whole seed it would run "
              f"{total['mean_fitted_gap']:+.3f})")
        print(f"the seed's cut: F1 {total['mean_f1']:.3f} on the other items; a cut flagging the "
              f"share the seed's positive rate predicts: {total['mean_rate_cut_f1']:.3f}; the "
              f"best cut in hindsight: {total['mean_best_cut_f1']:.3f}")
    path = write_result("seed_check", {"draws": args.draws, "size": args.size,
                                       "summary": total, "results": results})
    print(f"figures: {path}")


if __name__ == "__main__":
    main()
