"""Embedded teacher quality and speed: wildlife gold titles and real dark-pattern texts.

Run: .venv/bin/python benchmarks/teacher.py [--data ../shared/data] [--dark-rows 300]
Prints accuracy / precision / recall / F1 and labels per minute, with the machine, and writes
benchmarks/out/teacher.json.
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

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from labeler.evaluate import evaluate_teacher, macro_f1, prf  # noqa: E402
from labeler.llm import make_backend  # noqa: E402
from labeler.prompts import build_prompt  # noqa: E402
from labeler.taskspecs import load_task  # noqa: E402
from snarewatch.config import load_settings  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[0].parent / "shared" / "data"

# Mathur et al.'s categories → Gray et al.'s level-1 strategies (shared/TAXONOMY.md).
MATHUR_TO_L1 = {
    "Urgency": "Social Engineering", "Scarcity": "Social Engineering",
    "Social Proof": "Social Engineering", "Misdirection": "Interface Interference",
    "Sneaking": "Sneaking", "Obstruction": "Obstruction", "Forced Action": "Forced Action",
    "Not Dark Pattern": "not_dark_pattern",
}


def machine() -> dict[str, object]:
    """The machine the figures were measured on."""
    return {"processor": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "platform": platform.platform()}


def page_sample(path: Path, rows: int, seed: int) -> list[dict[str, str]]:
    """Whole pages, in random order, until `rows` rows are taken (no page split across sets)."""
    by_page: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            by_page[row["page_id"]].append(row)
    pages = sorted(by_page)
    random.Random(seed).shuffle(pages)
    out: list[dict[str, str]] = []
    for page in pages:
        if len(out) >= rows:
            break
        out.extend(by_page[page])
    return out


def bench_wildlife(backend, gold: Path) -> dict[str, object]:  # type: ignore[no-untyped-def]
    task = load_task("wildlife")
    with gold.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    report = evaluate_teacher(task, backend, rows)
    wrong = [(r["title"], r["label"], p) for r, p in zip(rows, report.predictions, strict=True)
             if p != r["label"]]
    return {"rows": report.n, "accuracy": report.accuracy, "precision": report.precision,
            "recall": report.recall, "f1": report.f1, "failed": report.failed,
            "labels_per_minute": report.labels_per_minute, "errors_sample": wrong[:15]}


def bench_darkpatterns(backend, path: Path, n_rows: int, seed: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    task = load_task("deceptive-ui")
    rows = page_sample(path, n_rows, seed)
    groups = task.groups
    gold_bin, pred_bin, gold_l1, pred_l1 = [], [], [], []
    started = time.monotonic()
    for row in rows:
        choice = backend.choose(build_prompt(task, {"text": row["text"]}), task.label_names)
        gold_bin.append(row["label"] == "1")
        pred_bin.append(task.is_positive(choice.label))
        gold_l1.append(MATHUR_TO_L1[row["Pattern Category"]])
        pred_l1.append(groups.get(str(choice.label), "not_dark_pattern"))
    seconds = time.monotonic() - started
    precision, recall, f1 = prf(gold_bin, pred_bin)
    n = len(rows)
    return {
        "rows": n, "pages": len({r["page_id"] for r in rows}),
        "positives": sum(gold_bin),
        "binary": {"accuracy": sum(a == b for a, b in zip(gold_bin, pred_bin, strict=True)) / n,
                   "precision": precision, "recall": recall, "f1": f1},
        "level1": {"accuracy": sum(a == b for a, b in zip(gold_l1, pred_l1, strict=True)) / n,
                   "macro_f1": macro_f1(gold_l1, pred_l1)},
        "labels_per_minute": 60 * n / seconds,
    }


def main() -> int:
    """Run both benchmarks and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--gold", type=Path, default=HERE / "gold" / "wildlife.csv")
    parser.add_argument("--dark-rows", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--backend", default="embedded")
    args = parser.parse_args()

    settings = load_settings()
    started = time.monotonic()
    backend = make_backend(settings, args.backend)
    if hasattr(backend, "load"):
        backend.load()
    result: dict[str, object] = {"machine": machine(), "backend": backend.name,
                                 "load_seconds": round(time.monotonic() - started, 2)}
    result["wildlife_gold"] = bench_wildlife(backend, args.gold)
    dark = args.data / "darkpatterns" / "ec-darkpattern-dev.tsv"
    if dark.exists():
        result["darkpatterns"] = bench_darkpatterns(backend, dark, args.dark_rows, args.seed)
    else:
        print(f"skipping dark patterns: {dark} not found", file=sys.stderr)

    m = result["machine"]
    print(f"machine: {m['processor']}, {m['cpus']} CPUs, Python {m['python']}")  # type: ignore[index]
    print(f"teacher: {backend.name} (load {result['load_seconds']} s)")
    w = result["wildlife_gold"]
    print(f"wildlife gold ({w['rows']} titles): accuracy {w['accuracy']:.3f}  precision "  # type: ignore[index]
          f"{w['precision']:.3f}  recall {w['recall']:.3f}  F1 {w['f1']:.3f}  "  # type: ignore[index]
          f"{w['labels_per_minute']:.0f} labels/min")  # type: ignore[index]
    if "darkpatterns" in result:
        d = result["darkpatterns"]
        b, l1 = d["binary"], d["level1"]  # type: ignore[index]
        print(f"dark patterns ({d['rows']} texts, {d['pages']} pages): binary accuracy "  # type: ignore[index]
              f"{b['accuracy']:.3f} P {b['precision']:.3f} R {b['recall']:.3f} F1 {b['f1']:.3f}; "
              f"level-1 accuracy {l1['accuracy']:.3f} macro-F1 {l1['macro_f1']:.3f}; "
              f"{d['labels_per_minute']:.0f} labels/min")  # type: ignore[index]
    out = HERE / "out" / "teacher.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
