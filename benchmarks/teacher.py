"""Teacher quality: each prompting technique and combination, calibration, and the student it makes.

Run: .venv/bin/python benchmarks/teacher.py [--data ../shared/data] [--dark-rows 240]
         [--configs plain,fudd,sc2,fudd+sc2,knn4] [--backend embedded]

Data and splits (fixed seed, nothing tuned on the test split):
- wildlife: benchmarks/gold/wildlife.csv (225 hand-written titles), stratified into seed (20%),
  dev (40%) and test (40%).
- dark patterns: a page-grouped sample of ec-darkpattern-dev.tsv, whole pages into seed (20%),
  dev (40%) and test (40%); scored binary (dark or not) and at level 1 (Mathur category mapped
  to the level-1 strategy).
The seed split is the "human-labelled seed set": the kNN pool, the FuDD pair finder and the
calibration set. Seed items are never scored. Each task's recommended configuration is the one
with the best binary F1 (after abstention) on its dev split; its test-split figures are reported.
Because one small seed set is luck, every configuration without kNN is also re-calibrated on 200
random seed sets (20 % of all rows, whole pages) and scored on the remaining rows: the mean and
spread of those draws are the figures to trust. The ROC AUC of the teacher's positive probability
shows how far any threshold or calibration could take it.
Student check: the project's embedding student (all-MiniLM-L6-v2 + logistic regression) trained
on dev items with the teacher's labels (abstentions dropped) vs the same items' human labels,
both evaluated on the test split's human labels; and the same with the seed's human labels added
to both (how labels are used in practice: human labels win).
Prints every figure with the machine and writes benchmarks/out/teacher.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from labeler.evaluate import gold_item, macro_f1, positive_probability, prf, roc_auc  # noqa: E402
from labeler.llm import make_backend  # noqa: E402
from labeler.strategy import Strategy  # noqa: E402
from labeler.teach import GoldRun, calibrate_on, fudd_notes, pool_from_rows, run_gold  # noqa: E402
from snarewatch.config import load_settings  # noqa: E402
from snarewatch.tasks import load_task  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[0].parent / "shared" / "data"
MAX_PER_PAGE = 6
DEFAULT_CONFIGS = "plain,fudd,sc2,fudd+sc2,knn4"
RESAMPLE_DRAWS = 200
RESAMPLE_SEED = 7
PARTS = ("seed", "dev", "test")

# Mathur et al.'s categories → Gray et al.'s level-1 strategies (shared/TAXONOMY.md).
MATHUR_TO_L1 = {
    "Urgency": "Social Engineering", "Scarcity": "Social Engineering",
    "Social Proof": "Social Engineering", "Misdirection": "Interface Interference",
    "Sneaking": "Sneaking", "Obstruction": "Obstruction", "Forced Action": "Forced Action",
    "Not Dark Pattern": "not_dark_pattern",
}
# For the kNN pool and calibration a dark seed row needs a task label: the most typical level-2
# type of its Mathur category (the data set has no level-2 labels).
MATHUR_TO_L2 = {
    "Urgency": "limited_time_message", "Scarcity": "low_stock_message",
    "Social Proof": "activity_notification", "Misdirection": "confirmshaming",
    "Sneaking": "hidden_costs", "Obstruction": "hard_to_cancel",
    "Forced Action": "forced_enrollment", "Not Dark Pattern": "not_dark_pattern",
}


def machine() -> dict[str, object]:
    """The machine the figures were measured on."""
    return {"processor": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "platform": platform.platform(),
            "load_average_at_start": os.getloadavg()[0]}


def parse_config(name: str) -> Strategy:
    """"knn4+fudd+sc2" → Strategy(knn=4, fudd=True, variants=2); "plain" → Strategy()."""
    knn, fudd, variants = 0, False, 1
    for part in name.split("+"):
        if part.startswith("knn"):
            knn = int(part[3:] or 4)
        elif part == "fudd":
            fudd = True
        elif part.startswith("sc"):
            variants = int(part[2:] or 2)
        elif part != "plain":
            raise SystemExit(f"unknown technique {part!r} in {name!r}")
    return Strategy(knn=knn, fudd=fudd, variants=variants)


def split3(keys: list[str], seed: int) -> tuple[set[str], set[str], set[str]]:
    """Shuffle keys and cut 20/40/40 into seed, dev and test."""
    keys = sorted(keys)
    random.Random(seed).shuffle(keys)
    a, b = round(0.2 * len(keys)), round(0.6 * len(keys))
    return set(keys[:a]), set(keys[a:b]), set(keys[b:])


def wildlife_rows(gold: Path, seed: int, n: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """The gold titles (a stratified random `n` of them), by label into seed / dev / test."""
    with gold.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if n is not None and n < len(rows):
        rng = random.Random(seed)
        rows = [r for label in sorted({r["label"] for r in rows})
                for r in rng.sample([x for x in rows if x["label"] == label],
                                    round(n * sum(x["label"] == label for x in rows) / len(rows)))]
    out: dict[str, list[dict[str, Any]]] = {"seed": [], "dev": [], "test": []}
    for label in sorted({r["label"] for r in rows}):
        mine = [r for r in rows if r["label"] == label]
        s, d, _ = split3([str(i) for i in range(len(mine))], seed)
        for i, r in enumerate(mine):
            out["seed" if str(i) in s else "dev" if str(i) in d else "test"].append(
                {**r, "binary": r["label"] == "wildlife_product", "l1": r["label"]})
    return out


def dark_rows(path: Path, n_rows: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    """Whole pages, in random order, until `n_rows` rows; pages split into seed / dev / test."""
    by_page: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            by_page[row["page_id"]].append(row)
    pages = sorted(by_page)
    rng = random.Random(seed)
    rng.shuffle(pages)
    # A few pages hold dozens of strings: at most MAX_PER_PAGE of each keeps one page from
    # filling a split (still page-grouped: a page's strings all land in the same split).
    for page in pages:
        if len(by_page[page]) > MAX_PER_PAGE:
            by_page[page] = rng.sample(by_page[page], MAX_PER_PAGE)
    taken: list[str] = []
    count = 0
    for page in pages:
        if count >= n_rows:
            break
        taken.append(page)
        count += len(by_page[page])
    # Cut by rows, not pages (page sizes vary a lot): pages fill seed to 20%, dev to 60%.
    order = sorted(taken)
    random.Random(seed + 1).shuffle(order)
    part_of: dict[str, str] = {}
    filled = 0
    for page in order:
        part_of[page] = "seed" if filled < 0.2 * count else "dev" if filled < 0.6 * count \
            else "test"
        filled += len(by_page[page])
    out: dict[str, list[dict[str, Any]]] = {"seed": [], "dev": [], "test": []}
    for page in taken:
        part = part_of[page]
        for r in by_page[page]:
            cat = r["Pattern Category"]
            out[part].append({"text": r["text"], "page_id": page, "binary": r["label"] == "1",
                              "l1": MATHUR_TO_L1[cat], "label": MATHUR_TO_L2[cat]})
    return out


def metrics(task, rows, pred, prob, cal) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Binary P/R/F1 and level-1 macro-F1, on all rows and on the rows not abstained on."""
    groups = task.groups
    kept = [n for n, (p, q) in enumerate(zip(pred, prob, strict=True))
            if p is not None and not (cal and cal.abstains(p, q))]

    def score(idx: list[int]) -> dict[str, float]:
        gold_b = [rows[i]["binary"] for i in idx]
        pred_b = [task.is_positive(pred[i]) for i in idx]
        precision, recall, f1 = prf(gold_b, pred_b)
        out = {"n": len(idx), "precision": precision, "recall": recall, "f1": f1}
        if task.name == "deceptive-ui":
            out["l1_macro_f1"] = macro_f1([rows[i]["l1"] for i in idx],
                                          [groups.get(str(pred[i]), "not_dark_pattern")
                                           for i in idx])
        return out

    every = list(range(len(rows)))
    return {"all": score(every), "answered": score(kept),
            "abstain_rate": 1 - len(kept) / len(rows) if rows else 0.0}


def bench_config(backend, task, splits, name, pool, cache_dir, notes_cache) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """One configuration on seed (for calibration), dev and test."""
    seed_rows = splits["seed"]
    strategy = parse_config(name)
    notes = None
    if strategy.fudd:
        if task.name not in notes_cache:
            started = time.monotonic()
            notes_cache[task.name] = fudd_notes(backend, task, cache_dir, seed_rows)
            notes_cache[task.name + ":seconds"] = time.monotonic() - started
        notes = notes_cache[task.name]
    out: dict[str, Any] = {"strategy": strategy.params()}
    runs = {}
    for part in ("seed", "dev", "test"):
        rows = splits[part]
        runs[part] = run_gold(task, backend, rows, strategy, pool=pool, notes=notes,
                              cache_dir=cache_dir, ids=[f"{part}{n}" for n in range(len(rows))])
    n_all = sum(len(splits[p]) for p in runs)
    out["seconds_per_label"] = sum(r.seconds for r in runs.values()) / n_all
    out["_pred"] = {p: runs[p].pred for p in PARTS}
    out["_prob"] = {p: runs[p].prob for p in PARTS}
    every = [r for p in PARTS for r in splits[p]]
    positive = [positive_probability(task, c) for p in PARTS for c in runs[p].choices]
    out["auc"] = roc_auc([r["binary"] for r in every], positive)
    score_config(task, splits, name, out)
    return out


def score_config(task, splits, name: str, out: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    """Calibrate on the seed split, score dev and test, re-draw seed sets (from saved answers)."""
    pred, prob = out["_pred"], out["_prob"]
    cal = seed_calibration(task, splits["seed"], pred["seed"], prob["seed"])
    out["calibration"] = cal.to_dict()
    for part in ("dev", "test"):
        rows = splits[part]
        out[part] = {"raw": metrics(task, rows, pred[part], prob[part], None),
                     "calibrated": metrics(task, rows, pred[part], prob[part], cal)}
    if not out["strategy"]["knn"]:  # a kNN prompt depends on the seed set: no offline re-draws
        out["resampled"] = resample(task, [r for p in PARTS for r in splits[p]],
                                    [x for p in PARTS for x in pred[p]],
                                    [x for p in PARTS for x in prob[p]])
    d, t = out["dev"]["calibrated"], out["test"]["calibrated"]
    auc = "n/a" if out.get("auc") is None else f"{out['auc']:.3f}"
    print(f"  {task.name:13s} {name:15s} dev F1 {out['dev']['raw']['all']['f1']:.3f} → "
          f"{d['answered']['f1']:.3f} @abst {d['abstain_rate']:.2f} | test F1 "
          f"{out['test']['raw']['all']['f1']:.3f} → {t['answered']['f1']:.3f} @abst "
          f"{t['abstain_rate']:.2f} | AUC {auc} | {out['seconds_per_label']:.2f} s/label",
          flush=True)
    if "resampled" in out:
        r = out["resampled"]
        print(f"  {'':13s} {'':15s} {r['draws']} seed draws: F1 {r['raw_f1']['mean']:.3f} raw → "
              f"{r['answered_f1']['mean']:.3f} ± {r['answered_f1']['sd']:.3f} @abst "
              f"{r['abstain_rate']['mean']:.2f} (over 0.20 in {r['share_over_cap']:.0%} of draws)",
              flush=True)


def seed_calibration(task, seed_rows, pred, prob):  # type: ignore[no-untyped-def]
    """Per-side thresholds from seed rows, as `snarewatch eval-teacher --calibrate` fits them."""
    return calibrate_on(task, [r["label"] for r in seed_rows],
                        GoldRun(pred=list(pred), prob=list(prob), choices=[], seconds=0.0,
                                failed=0), target_precision=0.9, max_abstain=0.2)


def resample(task, rows, pred, prob, draws: int = RESAMPLE_DRAWS) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Calibration on many random seed sets (20 % of the rows, whole pages), scored on the rest.

    One fixed split rests on one small seed set; re-drawing it shows how much the figures move
    (the answers themselves do not change: they are the same prompts).
    """
    import statistics

    groups: dict[str, list[int]] = defaultdict(list)
    for n, r in enumerate(rows):
        groups[str(r.get("page_id", n))].append(n)
    keys = sorted(groups)
    rng = random.Random(RESAMPLE_SEED)
    f1s, raws, abst = [], [], []
    for _ in range(draws):
        rng.shuffle(keys)
        seed_idx: list[int] = []
        for k in keys:
            if len(seed_idx) >= 0.2 * len(rows):
                break
            seed_idx += groups[k]
        chosen = set(seed_idx)
        rest = [n for n in range(len(rows)) if n not in chosen]
        cal = seed_calibration(task, [rows[n] for n in seed_idx], [pred[n] for n in seed_idx],
                               [prob[n] for n in seed_idx])
        m = metrics(task, [rows[n] for n in rest], [pred[n] for n in rest],
                    [prob[n] for n in rest], cal)
        f1s.append(m["answered"]["f1"])
        raws.append(m["all"]["f1"])
        abst.append(m["abstain_rate"])

    def summary(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {"mean": statistics.fmean(values), "sd": statistics.pstdev(values),
                "p10": ordered[len(ordered) // 10], "p90": ordered[(9 * len(ordered)) // 10]}

    return {"draws": draws, "seed_fraction": 0.2, "answered_f1": summary(f1s),
            "raw_f1": summary(raws), "abstain_rate": summary(abst),
            "share_over_cap": sum(a > 0.2 for a in abst) / draws}


def student_check(task, splits, result, cache_dir) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Embedding student on dev items: teacher labels (abstentions dropped) vs human labels."""
    from classifiers.train import fit_student

    cal_dict = result["calibration"]
    from labeler.calibrate import Calibration

    cal = Calibration.from_dict(cal_dict)
    dev, test = splits["dev"], splits["test"]
    pred, prob = result["_pred"]["dev"], result["_prob"]["dev"]
    texts = [task.render(gold_item(task, r)) for r in dev]
    test_texts = [task.render(gold_item(task, r)) for r in test]
    gold_test = [r["binary"] for r in test]

    from classifiers.base import StudentError

    def fit_eval(xs: list[str], ys: list[str]) -> dict[str, Any]:
        try:
            clf, _ = fit_student("embed", xs, ys, positive=["pos"], folds=3)
        except StudentError as exc:
            return {"n_train": len(xs), "precision": 0.0, "recall": 0.0, "f1": 0.0,
                    "error": str(exc)}
        positive = clf.predict(test_texts)
        p, r, f = prf(gold_test, [str(v) == "pos" for v in positive])
        return {"n_train": len(xs), "precision": p, "recall": r, "f1": f}

    human = fit_eval(texts, ["pos" if r["binary"] else "neg" for r in dev])
    kept = [n for n in range(len(dev))
            if pred[n] is not None and not cal.abstains(pred[n], prob[n])]
    teacher_x = [texts[n] for n in kept]
    teacher_y = ["pos" if task.is_positive(pred[n]) else "neg" for n in kept]
    teacher = fit_eval(teacher_x, teacher_y)
    # As the project trains in practice: the human seed labels too (human labels win).
    seed = splits["seed"]
    seed_x = [task.render(gold_item(task, r)) for r in seed]
    seed_y = ["pos" if r["binary"] else "neg" for r in seed]
    human_all = fit_eval(seed_x + texts, seed_y + ["pos" if r["binary"] else "neg" for r in dev])
    with_seed = fit_eval(seed_x + teacher_x, seed_y + teacher_y)
    return {"human_labels": human, "teacher_labels": teacher,
            "gap_f1": human["f1"] - teacher["f1"],
            "with_seed": {"human_labels": human_all, "teacher_labels": with_seed,
                          "gap_f1": human_all["f1"] - with_seed["f1"]}}


def main() -> int:
    """Run every configuration on both data sets and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--gold", type=Path, default=HERE / "gold" / "wildlife.csv")
    parser.add_argument("--dark-rows", type=int, default=240)
    parser.add_argument("--wildlife-rows", type=int, default=None,
                        help="A stratified sample of the gold set (default: all 225).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--backend", default="embedded")
    parser.add_argument("--configs", default=DEFAULT_CONFIGS)
    parser.add_argument("--only", choices=["wildlife", "dark"], default=None)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "teacher.json")
    parser.add_argument("--finish", action="store_true",
                        help="From --out's saved answers, without the LLM: calibrate and score "
                             "again, choose on dev and run the student check (after a run was "
                             "stopped early, or after a change to calibration).")
    args = parser.parse_args()
    if args.finish:
        return finish_only(args)

    settings = load_settings()
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    started = time.monotonic()
    backend = make_backend(settings, args.backend)
    if hasattr(backend, "load"):
        backend.load()
    result: dict[str, Any] = {"machine": machine(), "backend": backend.name,
                              "load_seconds": round(time.monotonic() - started, 2),
                              "configs": configs, "tasks": {}}
    m = result["machine"]
    print(f"machine: {m['processor']}, {m['cpus']} CPUs, Python {m['python']}, load average "
          f"{m['load_average_at_start']:.1f} at start (shared machine: speeds are noisy)")
    print(f"teacher: {backend.name} (load {result['load_seconds']} s)")
    print("  F1 raw → F1 on answered items after calibrated abstention @ abstention rate")
    data: dict[str, tuple[Any, dict[str, list[dict[str, Any]]]]] = {}
    if args.only in (None, "wildlife"):
        data["wildlife"] = (load_task("wildlife"),
                            wildlife_rows(args.gold, args.seed, args.wildlife_rows))
    dark = args.data / "darkpatterns" / "ec-darkpattern-dev.tsv"
    if args.only in (None, "dark"):
        if dark.exists():
            data["dark"] = (load_task("deceptive-ui"), dark_rows(dark, args.dark_rows, args.seed))
        else:
            print(f"skipping dark patterns: {dark} not found", file=sys.stderr)
    notes_cache: dict[str, Any] = {}
    pools = {}
    for key, (task, splits) in data.items():
        sizes = {p: len(v) for p, v in splits.items()}
        print(f"{key}: {sizes}")
        result["tasks"][key] = {"sizes": sizes, "results": {}}
        pools[key] = pool_from_rows(task, splits["seed"], settings.cache_dir)
    # Configuration-major, saving after each one: a long run interrupted keeps what it measured.
    for name in configs:
        for key, (task, splits) in data.items():
            result["tasks"][key]["results"][name] = bench_config(
                backend, task, splits, name, pools[key], settings.cache_dir, notes_cache)
            _save(args.out, result)
    finish(result, data, settings.cache_dir)
    result["fudd_notes"] = {k: v for k, v in notes_cache.items() if not k.endswith(":seconds")}
    result["total_seconds"] = round(time.monotonic() - started, 1)
    _save(args.out, result)
    print(f"total {result['total_seconds']} s; wrote {args.out}")
    return 0


def finish(result: dict[str, Any], data: dict[str, Any], cache_dir: Path) -> None:
    """Choose each task's configuration on its dev split, print its test figures and run the
    student check (a configuration is a per-task choice: `eval-teacher` and `label` take it)."""
    done = [c for c in result["configs"]
            if all(c in t["results"] for t in result["tasks"].values())]
    result["recommended"] = {}
    for key, t in result["tasks"].items():
        best = max(done, key=lambda c: t["results"][c]["dev"]["calibrated"]["answered"]["f1"])
        result["recommended"][key] = best
        print(f"{key}: recommended on dev (of {', '.join(done)}): {best}")
    for key, t in result["tasks"].items():
        r = t["results"][result["recommended"][key]]
        test = r["test"]["calibrated"]
        a = test["answered"]
        line = (f"  {key}: test F1 {a['f1']:.3f} (P {a['precision']:.3f} R {a['recall']:.3f})"
                f" on answered, abstaining {test['abstain_rate']:.2f};"
                f" raw F1 {r['test']['raw']['all']['f1']:.3f}")
        if "l1_macro_f1" in a:
            line += f"; level-1 macro-F1 {a['l1_macro_f1']:.3f}"
        print(line)
        task, splits = data[key]
        t["student"] = student_check(task, splits, r, cache_dir)
        st = t["student"]
        ws = st["with_seed"]
        print(f"  {key} student (embed) F1 on test: human labels {st['human_labels']['f1']:.3f} "
              f"vs teacher labels {st['teacher_labels']['f1']:.3f} (gap {st['gap_f1']:+.3f}); "
              f"with the seed's human labels added: {ws['human_labels']['f1']:.3f} vs "
              f"{ws['teacher_labels']['f1']:.3f} (gap {ws['gap_f1']:+.3f})")
        if "resampled" in r:
            rs = r["resampled"]
            print(f"  {key}: over {rs['draws']} seed draws F1 {rs['answered_f1']['mean']:.3f} ± "
                  f"{rs['answered_f1']['sd']:.3f} on answered, abstaining "
                  f"{rs['abstain_rate']['mean']:.2f}; AUC {r['auc']:.3f}")


def _save(out: Path, result: dict[str, Any]) -> None:
    """Write the JSON copy (with the per-row answers, so `--finish` can run the student check)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")


def finish_only(args: argparse.Namespace) -> int:
    """`--finish`: reload a partial run's JSON, rebuild the same splits, finish it."""
    result = json.loads(args.out.read_text(encoding="utf-8"))
    data: dict[str, Any] = {}
    if "wildlife" in result["tasks"]:
        data["wildlife"] = (load_task("wildlife"),
                            wildlife_rows(args.gold, args.seed, args.wildlife_rows))
    if "dark" in result["tasks"]:
        data["dark"] = (load_task("deceptive-ui"), dark_rows(
            args.data / "darkpatterns" / "ec-darkpattern-dev.tsv", args.dark_rows, args.seed))
    for key, (task, splits) in data.items():
        if {p: len(v) for p, v in splits.items()} != result["tasks"][key]["sizes"]:
            raise SystemExit(f"{key}: splits differ from the run's; pass the same options")
        for name, out in result["tasks"][key]["results"].items():
            if "seed" in out["_pred"]:  # runs saved before the seed answers were kept: as they are
                score_config(task, splits, name, out)
    finish(result, data, load_settings().cache_dir)
    result["rescored_from_saved_answers"] = True
    _save(args.out, result)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
