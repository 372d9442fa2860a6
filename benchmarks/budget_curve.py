"""How many labels does a student need? F1 on held-back gold rows vs labelling budget, per sampler.

Teachers: gold labels as an oracle (isolates sampling and student) on the dark-pattern texts
(held-back pages) and the bird ads; then the embedded LLM as teacher on a 600-text diversity
sample of the dark-pattern pool (labels cached in benchmarks/out/, so re-runs skip the LLM).

    .venv/bin/python benchmarks/budget_curve.py                 # everything (~15 min on 2 cores)
    .venv/bin/python benchmarks/budget_curve.py --seeds 2 --quick
    .venv/bin/python benchmarks/budget_curve.py --only llm-labels   # just label (and cache)
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from _machine import OUT_DIR, SHARED_DATA, machine_line, write_result  # noqa: E402

from classifiers.classify import predict_texts  # noqa: E402
from classifiers.embedding import embed  # noqa: E402
from classifiers.metrics import binary_metrics  # noqa: E402
from classifiers.train import fit_student  # noqa: E402
from labeler.sampling import select  # noqa: E402

log = logging.getLogger("budget_curve")

BUDGETS = [50, 100, 200, 300, 500, 750, 1000]
METHODS = ["random", "diversity", "lts", "active"]
LLM_SAMPLE = 600
LLM_CACHE = OUT_DIR / "llm-labels-darkpatterns.json"


# -- data ------------------------------------------------------------------------------------
class Dataset:
    """A pool to sample and label from, and held-back gold test rows."""

    def __init__(self, name: str, pool_texts: list[str], pool_y: np.ndarray,
                 test_texts: list[str], test_y: np.ndarray, pool_groups: list[str] | None) -> None:
        self.name = name
        self.pool_texts, self.pool_y = pool_texts, pool_y
        self.test_texts, self.test_y = test_texts, test_y
        self.pool_groups = pool_groups
        self.emb = embed(pool_texts)
        self.matched = length_matched(test_texts, test_y)


def load_dark(data: Path) -> Dataset:
    """Yada et al. UI strings; 20% of pages held back (no page on both sides)."""
    with (data / "darkpatterns" / "ec-darkpattern-dev.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    pages = sorted({r["page_id"] for r in rows})
    rng = np.random.default_rng(0)
    test_pages = set(rng.choice(pages, size=len(pages) // 5, replace=False).tolist())
    pool = [r for r in rows if r["page_id"] not in test_pages]
    test = [r for r in rows if r["page_id"] in test_pages]
    return Dataset("darkpatterns", [r["text"] for r in pool],
                   np.array([r["label"] == "1" for r in pool]), [r["text"] for r in test],
                   np.array([r["label"] == "1" for r in test]), [r["page_id"] for r in pool])


def load_ads(data: Path, pool_size: int = 6000, test_size: int = 2000) -> Dataset:
    """Stringham et al. bird ads, label1 (domestic poultry); NA dropped; a random pool and test."""
    with (data / "ads" / "stringham-bird-ads.csv").open(encoding="latin-1") as fh:
        rows = [r for r in csv.DictReader(fh) if r["label1"] in {"0", "1"}]
    rng = np.random.default_rng(0)
    order = rng.permutation(len(rows))
    pool = [rows[i] for i in order[:pool_size]]
    test = [rows[i] for i in order[pool_size:pool_size + test_size]]
    return Dataset("ads-poultry", [r["text_stop_stem"] for r in pool],
                   np.array([r["label1"] == "1" for r in pool]),
                   [r["text_stop_stem"] for r in test], np.array([r["label1"] == "1" for r in test]),
                   None)


def length_matched(texts: list[str], y: np.ndarray, bins: int = 8) -> np.ndarray:
    """Indices of a test subset where positives and negatives have the same length profile.

    Yada's negatives are short strings; a student that learnt "long = dark" scores well on the
    full test set but not here.
    """
    lengths = np.array([len(t) for t in texts])
    edges = np.unique(np.quantile(lengths, np.linspace(0, 1, bins + 1)))
    which = np.clip(np.searchsorted(edges, lengths, side="right") - 1, 0, len(edges) - 2)
    rng = np.random.default_rng(0)
    keep: list[int] = []
    for b in range(len(edges) - 1):
        pos = np.flatnonzero((which == b) & y)
        neg = np.flatnonzero((which == b) & ~y)
        n = min(len(pos), len(neg))
        keep += rng.choice(pos, n, replace=False).tolist() + rng.choice(neg, n, replace=False).tolist()
    return np.array(sorted(keep), dtype=int)


# -- one point of the curve ------------------------------------------------------------------
def score(ds: Dataset, idx: list[int], labels: list[str], student: str = "tfidf",
          positive: list[str] | None = None, seed: int = 0) -> dict[str, float]:
    """Train on pool rows `idx` with `labels`, threshold by 3-fold CV; F1 on the gold test rows."""
    positive = positive or ["1"]
    if len({lab in positive for lab in labels}) < 2:
        return {"f1": 0.0, "f1_length_matched": 0.0}
    groups = [ds.pool_groups[i] for i in idx] if ds.pool_groups else None
    clf, _ = fit_student(student, [ds.pool_texts[i] for i in idx], labels, positive=positive,
                         groups=groups, folds=3, seed=seed)
    flags = np.array([p for _, _, p in predict_texts(clf, ds.test_texts)])
    m = binary_metrics(ds.test_y, flags)
    lm = binary_metrics(ds.test_y[ds.matched], flags[ds.matched])
    return {"f1": m["f1"], "precision": m["precision"], "recall": m["recall"],
            "f1_length_matched": lm["f1"]}


def gold(ds: Dataset, idx: list[int]) -> list[str]:
    """Oracle teacher: the gold label of each chosen row."""
    return ["1" if ds.pool_y[i] else "0" for i in idx]


def sample(ds: Dataset, method: str, budget: int, seed: int) -> list[int]:
    """Pool rows chosen by a sampler (the oracle answers LTS rewards and active rounds)."""
    if method in {"random", "diversity"}:
        return select(method, ds.emb, budget, seed=seed).indices
    if method == "lts":
        # Reward = the item is positive: clusters rich in the rare class get more budget.
        return select("lts", ds.emb, budget, seed=seed,
                      oracle=lambda chosen: [float(ds.pool_y[i]) for i in chosen]).indices
    return active(ds, budget, seed)


def active(ds: Dataset, budget: int, seed: int) -> list[int]:
    """Diversity first, then rounds alternating uncertainty (TF-IDF student) and diversity."""
    step = max(25, budget // 4)
    chosen = select("diversity", ds.emb, min(step, budget), seed=seed).indices
    r = 1
    while len(chosen) < budget:
        n = min(step, budget - len(chosen))
        method = "uncertainty" if r % 2 == 1 else "diversity"
        scores = None
        labels = gold(ds, chosen)
        if method == "uncertainty" and len(set(labels)) == 2:
            clf, _ = fit_student("tfidf", [ds.pool_texts[i] for i in chosen], labels,
                                 positive=["1"], folds=3, seed=seed)
            raw = np.array([s for _, s, _ in predict_texts(clf, ds.pool_texts)])
            scores = np.clip(raw - clf.threshold + 0.5, 0, 1)
        else:
            method = "diversity"
        new = select(method, ds.emb, n, seed=seed + r, scores=scores, exclude=chosen).indices
        if not new:
            break
        chosen += new
        r += 1
    return chosen


def curve(ds: Dataset, methods: list[str], budgets: list[int], seeds: int, student: str,
          ) -> dict[str, dict[int, dict[str, Any]]]:
    """Mean ± sd over seeds of test F1 per method and budget."""
    out: dict[str, dict[int, dict[str, Any]]] = {}
    for method in methods:
        out[method] = {}
        for budget in budgets:
            if budget > len(ds.pool_texts):
                continue
            runs = []
            for seed in range(seeds):
                idx = sample(ds, method, budget, seed)
                runs.append(score(ds, idx, gold(ds, idx), student=student, seed=seed))
            f1 = np.array([r["f1"] for r in runs])
            lm = np.array([r["f1_length_matched"] for r in runs])
            out[method][budget] = {"f1_mean": round(float(f1.mean()), 4),
                                   "f1_sd": round(float(f1.std(ddof=1)) if seeds > 1 else 0.0, 4),
                                   "f1_length_matched_mean": round(float(lm.mean()), 4),
                                   "seeds": seeds}
            print(f"  {ds.name:<13} {student:<6} {method:<10} {budget:>5}: F1 "
                  f"{f1.mean():.3f} ± {out[method][budget]['f1_sd']:.3f} "
                  f"(length-matched {lm.mean():.3f})", flush=True)
    return out


def labels_needed(points: dict[int, dict[str, Any]], target: float) -> int | None:
    """The smallest budget whose mean F1 reaches `target` (None if none does)."""
    for budget in sorted(points):
        if points[budget]["f1_mean"] >= target:
            return budget
    return None


# -- LLM teacher -----------------------------------------------------------------------------
def llm_labels(ds: Dataset, n: int = LLM_SAMPLE) -> dict[str, Any]:
    """Embedded-LLM labels (deceptive-ui task) of a diversity sample of the pool, cached."""
    if LLM_CACHE.exists():
        cached = json.loads(LLM_CACHE.read_text())
        if cached.get("n") == n:
            return cached
    from labeler.llm import make_backend
    from labeler.prompts import build_prompt
    from labeler.taskspecs import load_task
    from snarewatch.config import Settings

    task = load_task("deceptive-ui")
    backend = make_backend(Settings(), "embedded")
    idx = select("diversity", ds.emb, n, seed=0).indices
    labels: list[str | None] = []
    probs: list[float | None] = []
    start = time.perf_counter()
    for k, i in enumerate(idx):
        choice = backend.choose(build_prompt(task, {"text": ds.pool_texts[i]}), task.label_names)
        labels.append(choice.label)
        probs.append(choice.probability)
        if k % 50 == 0:
            print(f"  llm labelled {k}/{len(idx)}", flush=True)
    seconds = time.perf_counter() - start
    result = {"n": n, "task": "deceptive-ui", "backend": backend.name, "indices": idx,
              "texts": [ds.pool_texts[i] for i in idx], "labels": labels, "probabilities": probs,
              "positive": list(task.positive), "seconds": seconds,
              "labels_per_s": len(idx) / seconds}
    LLM_CACHE.parent.mkdir(parents=True, exist_ok=True)
    LLM_CACHE.write_text(json.dumps(result, indent=1))
    return result


def llm_teacher(ds: Dataset, seeds: int) -> dict[str, Any]:
    """Students on LLM labels vs the same rows with gold labels, judged on held-back gold."""
    from classifiers.cv import cross_validate
    from classifiers.registry import student_class

    cached = llm_labels(ds)
    assert [ds.pool_texts[i] for i in cached["indices"]] == cached["texts"], "pool changed"
    keep = [k for k, lab in enumerate(cached["labels"]) if lab is not None]
    idx = [cached["indices"][k] for k in keep]
    llm = [cached["labels"][k] for k in keep]
    positive = cached["positive"]
    llm_bin = np.array([lab in positive for lab in llm])
    truth = ds.pool_y[idx]
    teacher = binary_metrics(truth, llm_bin)
    out: dict[str, Any] = {"labelled": len(cached["labels"]), "abstained": len(cached["labels"]) - len(keep),
                           "teacher_labels_per_s": round(cached["labels_per_s"], 2),
                           "teacher_vs_gold": {k: round(v, 4) for k, v in teacher.items()},
                           "teacher_label_counts": {lab: llm.count(lab) for lab in sorted(set(llm))}}
    print(f"  teacher vs gold on its {len(idx)} labels: F1 {teacher['f1']:.3f} "
          f"(P {teacher['precision']:.3f}, R {teacher['recall']:.3f}), "
          f"{cached['labels_per_s']:.2f} labels/s", flush=True)
    for student in ("tfidf", "hybrid"):
        on_llm = score(ds, idx, llm, student=student, positive=positive)
        on_gold = score(ds, idx, gold(ds, idx), student=student)
        out[f"{student}_on_llm_labels"] = on_llm
        out[f"{student}_on_gold_labels_same_rows"] = on_gold
        print(f"  {student}: test F1 {on_llm['f1']:.3f} from LLM labels vs {on_gold['f1']:.3f} "
              f"from gold labels of the same {len(idx)} rows (length-matched "
              f"{on_llm['f1_length_matched']:.3f} vs {on_gold['f1_length_matched']:.3f})", flush=True)
    # Page-grouped 5-fold CV on the labelled sample: train on LLM labels, judge against gold.
    groups = [ds.pool_groups[i] for i in idx] if ds.pool_groups else None
    cv = cross_validate(lambda: student_class("tfidf")(positive=positive),
                        [ds.pool_texts[i] for i in idx], llm, groups=groups, positive=positive, k=5)
    score_pos = cv.proba[:, [cv.classes.index(c) for c in positive if c in cv.classes]].sum(axis=1)
    oof = binary_metrics(truth, score_pos >= cv.threshold)
    out["grouped_cv_llm_train_gold_judge"] = {k: round(v, 4) for k, v in oof.items()}
    print(f"  page-grouped 5-fold CV, trained on LLM labels, judged on gold: F1 {oof['f1']:.3f}")
    rng = np.random.default_rng(0)
    sizes = [100, 200, 300, 400, len(idx)]
    out["curve"] = {}
    for size in sizes:
        f1s = []
        for seed in range(seeds if size < len(idx) else 1):
            pick = sorted(rng.permutation(len(idx))[:size].tolist())
            f1s.append(score(ds, [idx[k] for k in pick], [llm[k] for k in pick],
                             positive=positive, seed=seed)["f1"])
        out["curve"][size] = {"f1_mean": round(float(np.mean(f1s)), 4),
                              "f1_sd": round(float(np.std(f1s, ddof=1)) if len(f1s) > 1 else 0.0, 4)}
        print(f"  LLM teacher, tfidf, {size:>4} labels: F1 {np.mean(f1s):.3f}", flush=True)
    return out


# -- main ------------------------------------------------------------------------------------
def plot(results: dict[str, Any], path: Path) -> None:
    """One panel per dataset: mean F1 ± sd per method, the full-data line and its 95%."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(results["datasets"])
    fig, axes = plt.subplots(1, len(names), figsize=(6 * len(names), 4.5), dpi=100, squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        res = results["datasets"][name]
        for method, points in res["tfidf"].items():
            b = sorted(points)
            m = np.array([points[x]["f1_mean"] for x in b])
            sd = np.array([points[x]["f1_sd"] for x in b])
            ax.plot(b, m, marker="o", label=method)
            ax.fill_between(b, m - sd, m + sd, alpha=0.15)
        if "llm_teacher" in res:
            c = res["llm_teacher"]["curve"]
            ax.plot(list(c), [v["f1_mean"] for v in c.values()], "k--", marker="x",
                    label="LLM teacher (diversity 600)")
        full = res["full_data_f1"]
        ax.axhline(full, color="grey", lw=1, label=f"all {res['pool']} gold labels")
        ax.axhline(0.95 * full, color="grey", lw=1, ls=":", label="95% of that")
        ax.set(xscale="log", xlabel="labels bought", ylabel="F1 on held-back gold rows",
               title=f"{name} (TF-IDF student)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    """Run the sweep, print figures with the machine, save JSON and PNG."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=SHARED_DATA, help="The shared data folder.")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="Fewer budgets (smoke run).")
    ap.add_argument("--only", choices=["llm-labels", "oracle", "llm"], default=None)
    ap.add_argument("--no-llm", action="store_true", help="Skip the LLM-teacher part.")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(machine_line(), flush=True)
    started = time.perf_counter()
    budgets = [50, 200, 500] if args.quick else BUDGETS
    dark = load_dark(args.data)
    if args.only == "llm-labels":
        llm_labels(dark)
        print(f"cached {LLM_CACHE}")
        return
    results: dict[str, Any] = {"budgets": budgets, "seeds": args.seeds, "student": "tfidf",
                               "datasets": {}}
    datasets: list[Callable[[], Dataset]] = [lambda: dark, lambda: load_ads(args.data)]
    for make in datasets:
        ds = make()
        print(f"{ds.name}: pool {len(ds.pool_texts)} ({ds.pool_y.mean():.0%} positive), test "
              f"{len(ds.test_texts)}, length-matched test {len(ds.matched)}", flush=True)
        res: dict[str, Any] = {"pool": len(ds.pool_texts), "test": len(ds.test_texts),
                               "length_matched_test": len(ds.matched)}
        all_idx = list(range(len(ds.pool_texts)))
        for student in ("tfidf", "hybrid"):
            full = score(ds, all_idx, gold(ds, all_idx), student=student)
            res[f"full_data_{student}"] = full
            print(f"  {student} on all {len(all_idx)} gold labels: test F1 {full['f1']:.3f} "
                  f"(length-matched {full['f1_length_matched']:.3f})", flush=True)
        res["full_data_f1"] = res["full_data_tfidf"]["f1"]
        if args.only != "llm":
            res["tfidf"] = curve(ds, METHODS, budgets, args.seeds, "tfidf")
            res["embed"] = curve(ds, ["random", "diversity"], [100, 500], args.seeds, "embed")
            target = 0.95 * res["full_data_f1"]
            res["labels_for_95pct"] = {m: labels_needed(p, target) for m, p in res["tfidf"].items()}
            res["sampler_beats_random_le_500"] = {
                str(b): max(res["tfidf"][m][b]["f1_mean"] for m in ("diversity", "lts"))
                > res["tfidf"]["random"][b]["f1_mean"] for b in budgets if b <= 500}
            print(f"  labels to reach 95% of full-data F1 ({target:.3f}): "
                  f"{res['labels_for_95pct']}", flush=True)
            print(f"  diversity or LTS beats random (budget <= 500): "
                  f"{res['sampler_beats_random_le_500']}", flush=True)
        if ds.name == "darkpatterns" and not args.no_llm and args.only != "oracle":
            res["llm_teacher"] = llm_teacher(ds, args.seeds)
        results["datasets"][ds.name] = res
    results["seconds"] = round(time.perf_counter() - started, 1)
    if args.only is None:
        png = OUT_DIR / "budget_curve.png"
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        plot(results, png)
        print(f"plot: {png}")
    print(f"wrote {write_result('budget_curve', results)} in {results['seconds']:.0f}s")


if __name__ == "__main__":
    main()
