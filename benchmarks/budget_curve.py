"""How many labels does a student need? F1 on held-back gold rows vs labelling budget, per sampler.

Teachers: gold labels as an oracle (isolates sampling and student) on the dark-pattern texts
(20% of pages held back) and the bird ads; then the embedded LLM as teacher on a diversity sample
of the dark-pattern texts (labels appended to benchmarks/out/llm-labels-darkpatterns.jsonl as they
come, so an interrupted run resumes and a re-run costs nothing).

    .venv/bin/python benchmarks/budget_curve.py                      # oracle sweep, then plot
    .venv/bin/python benchmarks/budget_curve.py --only llm-labels    # LLM labels (resumable)
    .venv/bin/python benchmarks/budget_curve.py --only llm           # LLM-teacher curve
    .venv/bin/python benchmarks/budget_curve.py --merge              # JSON + PNG from saved points
    .venv/bin/python benchmarks/budget_curve.py --datasets ads-poultry --methods lts --no-full

Every finished point is appended to benchmarks/out/budget_curve_points.jsonl, so parts can run in
parallel (use OMP_NUM_THREADS=1 on a shared machine) and `--merge` joins them.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from _machine import OUT_DIR, SHARED_DATA, machine_line, write_result  # noqa: E402
from students import (  # noqa: E402
    LLM_CACHE,
    LLM_SAMPLE,
    embeddings,
    llm_labels,
    llm_sample,
    read_dark,
    teacher_speed,
)

from classifiers.classify import predict_texts  # noqa: E402
from classifiers.metrics import binary_metrics  # noqa: E402
from classifiers.train import fit_student  # noqa: E402
from labeler.sampling import select  # noqa: E402

log = logging.getLogger("budget_curve")

BUDGETS = [50, 100, 200, 500, 1000]
METHODS = ["random", "diversity", "lts", "active"]
POINTS = OUT_DIR / "budget_curve_points.jsonl"


# -- data ------------------------------------------------------------------------------------
class Dataset:
    """A pool to sample and label from, and held-back gold test rows."""

    def __init__(self, name: str, pool_texts: list[str], pool_y: np.ndarray,
                 test_texts: list[str], test_y: np.ndarray, pool_groups: list[str] | None,
                 pool_rows: list[int] | None = None) -> None:
        self.name = name
        self.pool_texts, self.pool_y = pool_texts, pool_y
        self.test_texts, self.test_y = test_texts, test_y
        self.pool_groups = pool_groups
        self.pool_rows = pool_rows  # row numbers in the source file (to find cached LLM labels)
        self.emb = embeddings(pool_texts)
        embeddings(test_texts)
        self.matched = length_matched(test_texts, test_y)


def load_dark(data: Path) -> Dataset:
    """Yada et al. UI strings; 20% of pages held back (no page on both sides)."""
    rows = read_dark(data)
    pages = sorted({r["page_id"] for r in rows})
    rng = np.random.default_rng(0)
    test_pages = set(rng.choice(pages, size=len(pages) // 5, replace=False).tolist())
    pool = [i for i, r in enumerate(rows) if r["page_id"] not in test_pages]
    test = [r for r in rows if r["page_id"] in test_pages]
    return Dataset("darkpatterns", [rows[i]["text"] for i in pool],
                   np.array([rows[i]["label"] == "1" for i in pool]), [r["text"] for r in test],
                   np.array([r["label"] == "1" for r in test]), [rows[i]["page_id"] for i in pool],
                   pool_rows=pool)


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
                   [r["text_stop_stem"] for r in test],
                   np.array([r["label1"] == "1" for r in test]), None)


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
        keep += rng.choice(pos, n, replace=False).tolist()
        keep += rng.choice(neg, n, replace=False).tolist()
    return np.array(sorted(keep), dtype=int)


# -- one point of the curve ------------------------------------------------------------------
def score(ds: Dataset, idx: list[int], labels: list[str], student: str = "tfidf",
          weights: list[float] | None = None, seed: int = 0) -> dict[str, float]:
    """Train on pool rows `idx` with labels "1"/"0" (threshold by 3-fold CV); F1 on gold tests."""
    if len(set(labels)) < 2:
        return {"f1": 0.0, "f1_length_matched": 0.0}
    groups = [ds.pool_groups[i] for i in idx] if ds.pool_groups else None
    clf, _ = fit_student(student, [ds.pool_texts[i] for i in idx], labels, weights=weights,
                         positive=["1"], groups=groups, folds=3, seed=seed)
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
        return select("lts", ds.emb, budget, seed=seed, oracle=balance_reward(ds)).indices
    return active(ds, budget, seed)


def balance_reward(ds: Dataset) -> Callable[[Sequence[int]], list[float]]:
    """LTS reward: 1 for an item of the class that is rarer among the labels bought so far.

    On a skewed pool this rewards the rare (usually positive) class, as "reward = positive"
    does; on a balanced pool it keeps the sample balanced instead of filling it with positives.
    """
    seen = [0, 0]

    def oracle(chosen: Sequence[int]) -> list[float]:
        ys = [int(ds.pool_y[i]) for i in chosen]
        rare = None if seen[0] == seen[1] else int(seen[1] < seen[0])
        for y in ys:
            seen[y] += 1
        return [0.5 if rare is None else float(y == rare) for y in ys]

    return oracle


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
            # Centre on the student's own threshold: "uncertain" = near its decision boundary.
            scores = np.clip(raw - clf.threshold + 0.5, 0, 1)
        else:
            method = "diversity"
        new = select(method, ds.emb, n, seed=seed + r, scores=scores, exclude=chosen).indices
        if not new:
            break
        chosen += new
        r += 1
    return chosen


def summarise(runs: list[dict[str, float]]) -> dict[str, Any]:
    """Mean ± sd (ddof 1) of F1 and length-matched F1 over seeds."""
    f1 = np.array([r["f1"] for r in runs])
    lm = np.array([r["f1_length_matched"] for r in runs])
    sd = float(f1.std(ddof=1)) if len(runs) > 1 else 0.0
    return {"f1_mean": round(float(f1.mean()), 4), "f1_sd": round(sd, 4),
            "f1_length_matched_mean": round(float(lm.mean()), 4), "seeds": len(runs)}


def save_point(record: dict[str, Any]) -> None:
    """Append one finished figure to POINTS, so parallel or interrupted runs lose nothing."""
    POINTS.parent.mkdir(parents=True, exist_ok=True)
    with POINTS.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({**record, "load_avg": round(os.getloadavg()[0], 2)}) + "\n")


def curve(ds: Dataset, methods: list[str], budgets: list[int], seeds: int, student: str,
          ) -> dict[str, dict[int, dict[str, Any]]]:
    """Mean ± sd over seeds of test F1 per method and budget (each point saved as it is done)."""
    out: dict[str, dict[int, dict[str, Any]]] = {}
    for method in methods:
        out[method] = {}
        for budget in (b for b in budgets if b <= len(ds.pool_texts)):
            runs = []
            for seed in range(seeds):
                idx = sample(ds, method, budget, seed)
                runs.append(score(ds, idx, gold(ds, idx), student=student, seed=seed))
            p = out[method][budget] = summarise(runs)
            save_point({"dataset": ds.name, "student": student, "method": method,
                        "budget": budget, **p})
            print(f"  {ds.name:<13} {student:<6} {method:<10} {budget:>5}: F1 {p['f1_mean']:.3f}"
                  f" ± {p['f1_sd']:.3f} (length-matched {p['f1_length_matched_mean']:.3f})",
                  flush=True)
    return out


def labels_needed(points: dict[int, dict[str, Any]], target: float) -> int | None:
    """The smallest budget whose mean F1 reaches `target` (None if none does)."""
    for budget in sorted(points):
        if points[budget]["f1_mean"] >= target:
            return budget
    return None


# -- LLM teacher -----------------------------------------------------------------------------
def llm_teacher(ds: Dataset, rows: list[dict[str, str]], n: int, seeds: int) -> dict[str, Any]:
    """Students on LLM labels vs the same rows with gold labels, judged on held-back gold pages."""
    all_texts = [r["text"] for r in rows]
    # Labelling is `--only llm-labels`' job; this part uses what is cached.
    labelled = llm_labels(rows, llm_sample(embeddings(all_texts), n), label_missing=False)
    where = {row: k for k, row in enumerate(ds.pool_rows or [])}
    idx = [where[r] for r in labelled if r in where]  # sampled rows that are in the pool
    llm = ["1" if labelled[ds.pool_rows[i]]["dark"] else "0" for i in idx]  # type: ignore[index]
    weights = [float(labelled[ds.pool_rows[i]]["probability"] or 1.0) for i in idx]  # type: ignore[index]
    teacher = binary_metrics(ds.pool_y[idx], np.array(llm) == "1")
    out: dict[str, Any] = {"labelled": len(labelled), "in_pool": len(idx),
                           "speed": teacher_speed(list(labelled.values())),
                           "teacher_vs_gold_pool": {k: round(v, 4) for k, v in teacher.items()}}
    print(f"  LLM teacher vs gold on {len(idx)} pool rows: F1 {teacher['f1']:.3f} (P "
          f"{teacher['precision']:.3f}, R {teacher['recall']:.3f}); {out['speed']}", flush=True)
    sizes = sorted({s for s in (100, 200, 300, 400) if s < len(idx)} | {len(idx)})
    out["curve"], out["curve_gold_same_rows"] = {}, {}
    rng = np.random.default_rng(0)
    for size in sizes:
        on_llm, on_gold = [], []
        for seed in range(seeds if size < len(idx) else 1):
            pick = sorted(rng.permutation(len(idx))[:size].tolist())
            rows_ = [idx[k] for k in pick]
            on_llm.append(score(ds, rows_, [llm[k] for k in pick],
                                weights=[weights[k] for k in pick], seed=seed))
            on_gold.append(score(ds, rows_, gold(ds, rows_), seed=seed))
        out["curve"][size] = summarise(on_llm)
        out["curve_gold_same_rows"][size] = summarise(on_gold)
        print(f"  LLM teacher, tfidf, {size:>4} labels: F1 {out['curve'][size]['f1_mean']:.3f} ± "
              f"{out['curve'][size]['f1_sd']:.3f}  (gold labels of the same rows: "
              f"{out['curve_gold_same_rows'][size]['f1_mean']:.3f})", flush=True)
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
        for method in (m for m in METHODS if m in res.get("tfidf", {})):  # same colour per method
            points = res["tfidf"][method]
            b = sorted(points, key=int)  # JSON turns the budgets into strings
            m = np.array([points[x]["f1_mean"] for x in b])
            sd = np.array([points[x]["f1_sd"] for x in b])
            b = [int(x) for x in b]
            ax.plot(b, m, marker="o", ms=3, label=method)
            ax.fill_between(b, m - sd, m + sd, alpha=0.12)
        if "llm_teacher" in res:
            c = res["llm_teacher"]["curve"]
            b = sorted(c, key=int)
            ax.errorbar([int(x) for x in b], [c[x]["f1_mean"] for x in b],
                        yerr=[c[x]["f1_sd"] for x in b],
                        fmt="k--x", capsize=3, label="embedded LLM as teacher (diversity sample)")
        full = res["full_data_f1"]
        ax.axhline(full, color="grey", lw=1, label=f"all {res['pool']} gold labels")
        ax.axhline(0.95 * full, color="grey", lw=1, ls=":", label="95% of that")
        ax.set(xscale="log", xlabel="labels bought", ylabel="F1 on held-back gold rows",
               title=f"{name} (TF-IDF student, mean ± sd over {results['seeds']} seeds)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def merge(png: Path) -> dict[str, Any]:
    """Build budget_curve.json from the saved points (the latest of each wins) and plot it."""
    results: dict[str, Any] = {"student": "tfidf", "datasets": {}}
    seeds = set()
    for line in POINTS.read_text(encoding="utf-8").splitlines():
        p = json.loads(line)
        res = results["datasets"].setdefault(p.pop("dataset"), {})
        if "full" in p:
            res[f"full_data_{p.pop('full')}"] = p
            continue
        res.setdefault(p.pop("student"), {}).setdefault(p.pop("method"), {})[p.pop("budget")] = p
        seeds.add(p["seeds"])
    results["seeds"] = min(seeds) if seeds else 0
    for res in results["datasets"].values():
        res["full_data_f1"] = res["full_data_tfidf"]["f1"]
        res.update({k: res["full_data_tfidf"][k] for k in ("pool", "test") if k in
                    res["full_data_tfidf"]})
        target = 0.95 * res["full_data_f1"]
        points = res.get("tfidf", {})
        res["labels_for_95pct"] = {m: labels_needed(p, target) for m, p in points.items()}
        res["sampler_beats_random_le_500"] = {
            str(b): max(points[m][b]["f1_mean"] for m in ("diversity", "lts")
                        if b in points.get(m, {})) > points["random"][b]["f1_mean"]
            for b in sorted(points.get("random", {})) if b <= 500
            and any(b in points.get(m, {}) for m in ("diversity", "lts"))}
    part = OUT_DIR / "budget_curve.darkpatterns.llm.json"
    if part.exists() and "darkpatterns" in results["datasets"]:
        results["datasets"]["darkpatterns"]["llm_teacher"] = json.loads(
            part.read_text())["datasets"]["darkpatterns"]["llm_teacher"]
    plot(results, png)
    print(f"plot: {png}")
    for name, res in results["datasets"].items():
        print(f"{name}: full-data F1 {res['full_data_f1']:.3f}; labels to reach 95% of it: "
              f"{res['labels_for_95pct']}; diversity or LTS beats random: "
              f"{res['sampler_beats_random_le_500']}")
    return results


def main() -> None:
    """Run the sweep, print figures with the machine, save the points; --merge plots them."""
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=SHARED_DATA, help="The shared data folder.")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--datasets", nargs="+", choices=["darkpatterns", "ads-poultry"],
                    default=["darkpatterns", "ads-poultry"])
    ap.add_argument("--methods", nargs="+", choices=METHODS, default=METHODS)
    ap.add_argument("--budgets", nargs="+", type=int, default=BUDGETS)
    ap.add_argument("--no-full", action="store_true", help="Skip the all-labels baselines.")
    ap.add_argument("--embed-curve", action="store_true",
                    help="Also random/diversity at 100 and 500 labels with the embed student.")
    ap.add_argument("--only", choices=["llm-labels", "oracle", "llm"], default=None)
    ap.add_argument("--merge", action="store_true", help="Only merge saved points and plot.")
    ap.add_argument("--llm-n", type=int, default=LLM_SAMPLE, help="LLM labels to use (cached).")
    ap.add_argument("--png", type=Path, default=OUT_DIR.parents[1] / "docs" / "img" /
                    "budget_curve.png")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(machine_line(), f"load average {os.getloadavg()[0]:.2f}", flush=True)
    started = time.perf_counter()
    rows = read_dark(args.data)
    if args.only == "llm-labels":
        got = llm_labels(rows, llm_sample(embeddings([r["text"] for r in rows]), args.llm_n))
        print(f"{len(got)} LLM labels cached in {LLM_CACHE}")
        return
    if not args.merge:
        names = ["darkpatterns"] if args.only == "llm" else args.datasets
        for name in names:
            ds = load_dark(args.data) if name == "darkpatterns" else load_ads(args.data)
            print(f"{ds.name}: pool {len(ds.pool_texts)} ({ds.pool_y.mean():.0%} positive), test"
                  f" {len(ds.test_texts)}, length-matched test {len(ds.matched)}", flush=True)
            all_idx = list(range(len(ds.pool_texts)))
            for student in () if args.no_full or args.only == "llm" else ("tfidf", "hybrid"):
                full = score(ds, all_idx, gold(ds, all_idx), student)
                save_point({"dataset": ds.name, "full": student, "pool": len(all_idx),
                            "test": len(ds.test_texts), **full})
                print(f"  {student} on all {len(all_idx)} gold labels: test F1 {full['f1']:.3f}"
                      f" (length-matched {full['f1_length_matched']:.3f})", flush=True)
            if args.only != "llm":
                curve(ds, args.methods, args.budgets, args.seeds, "tfidf")
                if args.embed_curve:
                    curve(ds, ["random", "diversity"], [100, 500], args.seeds, "embed")
            if ds.name == "darkpatterns" and args.only == "llm":
                part = {"seeds": args.seeds, "datasets": {ds.name: {
                    "llm_teacher": llm_teacher(ds, rows, args.llm_n, args.seeds)}}}
                write_result("budget_curve.darkpatterns.llm", part)
        print(f"done in {time.perf_counter() - started:.0f}s", flush=True)
    if args.merge or (args.only is None and set(args.datasets) == {"darkpatterns", "ads-poultry"}):
        results = merge(args.png)
        results["seconds"] = round(time.perf_counter() - started, 1)
        print(f"wrote {write_result('budget_curve', results)}")


if __name__ == "__main__":
    main()
