"""Deceptive-UI benchmark: the page audit on the demo shop, and text-level F1 on real UI strings.

1. Demo shop (every /shop page, detectors only): precision and recall per level-1 category over
   planted patterns, verification accuracy, and seconds per page audited.
2. ../shared/data/darkpatterns/ec-darkpattern-dev.tsv (Yada et al. 2022): text-level F1 of the
   element classifier, cross-validated grouped by page_id (the classifiers' TF-IDF student), next
   to the detectors' text lexicon alone.

Run: .venv/bin/python benchmarks/deceptive.py [--data DIR] [--skip-demo] [--skip-text]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from _machine import SHARED_DATA, machine_line, write_result  # noqa: E402


def _root(selector: str | None) -> str:
    return (selector or "").replace(" > ", " ").split(" ")[0].split(".")[0]


def demo_shop(concurrency: int) -> dict[str, Any]:
    """Audit every demo shop page; P/R per L1 over planted patterns; seconds per page."""
    import tempfile

    from classifiers.deceptive import audit_visits
    from classifiers.deceptive.taxonomy import label_for, level1
    from crawler.visits import visit_urls
    from demo_site.server import serve_in_thread
    from demo_site.truth import ground_truth
    from snarewatch.config import Settings

    truth = ground_truth()
    pages = truth["pages"]
    s = Settings(data_dir=Path(tempfile.mkdtemp()) / "data")
    timings: dict[str, float] = {}
    with serve_in_thread() as base:
        urls = [base + p["path"] for p in pages]
        start = time.perf_counter()
        results = visit_urls(s, urls, concurrency=1)
        timings["sequential_s_per_page"] = (time.perf_counter() - start) / len(urls)
        start = time.perf_counter()
        visit_urls(s, urls, concurrency=concurrency)
        timings[f"concurrency_{concurrency}_s_per_page"] = (time.perf_counter() - start) / len(urls)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    verified_ok = matched = 0
    detect_s = 0.0
    for page, visits in zip(pages, results, strict=True):
        assert not isinstance(visits, Exception), visits
        t = time.perf_counter()
        findings = [d for d in audit_visits(visits) if not d.cleared]
        detect_s += time.perf_counter() - t
        planted = [p for p in page["patterns"] if p["deceptive"]]
        used: set[int] = set()
        for pat in planted:
            l2 = label_for(pat["l2"])
            roots = {_root(pat["selector"]), _root(pat.get("related_selector"))} - {""}
            hit = next(
                (
                    i
                    for i, d in enumerate(findings)
                    if i not in used and d.l2 == l2 and _root(d.selector) in roots
                ),
                None,
            )
            if hit is None:
                fn[pat["l1"]] += 1
                continue
            used.add(hit)
            tp[pat["l1"]] += 1
            matched += 1
            verified_ok += findings[hit].verified_deceptive == pat["verified_deceptive"]
        for i, d in enumerate(findings):
            if i not in used:
                fp[level1(d.l2) or d.l1] += 1
    per_l1 = {}
    for l1 in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[l1] / (tp[l1] + fp[l1]) if tp[l1] + fp[l1] else 0.0
        r = tp[l1] / (tp[l1] + fn[l1]) if tp[l1] + fn[l1] else 0.0
        per_l1[l1] = {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "tp": tp[l1],
            "fp": fp[l1],
            "fn": fn[l1],
        }
    clean_flagged = sum(
        1
        for path in truth["clean_pages"]
        for page, v in zip(pages, results, strict=True)
        if page["path"] == path and any(not d.cleared for d in audit_visits(v))
    )
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    return {
        "pages": len(pages),
        "clean_pages": len(truth["clean_pages"]),
        "clean_pages_with_findings": clean_flagged,
        "planted_deceptive": total_tp + total_fn,
        "precision": round(total_tp / max(total_tp + total_fp, 1), 3),
        "recall": round(total_tp / max(total_tp + total_fn, 1), 3),
        "verification_accuracy": round(verified_ok / max(matched, 1), 3),
        "per_l1": per_l1,
        **{k: round(v, 2) for k, v in timings.items()},
        "detectors_ms_per_page": round(1000 * detect_s / len(pages), 1),
    }


def _lexicon(text: str) -> bool:
    from classifiers.deceptive.claims import claim_type
    from classifiers.deceptive.confirmshaming import shames

    return claim_type(text) is not None or shames(text)


def text_f1(data: Path) -> dict[str, Any]:
    """Page-grouped 5-fold CV of the TF-IDF student on Yada et al.'s strings; the lexicon alone."""
    from classifiers.cv import cross_validate
    from classifiers.metrics import binary_metrics
    from classifiers.text import TfidfStudent

    path = data / "darkpatterns" / "ec-darkpattern-dev.tsv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    texts = [r["text"] for r in rows]
    groups = [r["page_id"] for r in rows]
    binary = ["dark" if r["label"] == "1" else "not_dark" for r in rows]
    start = time.perf_counter()
    res = cross_validate(
        lambda: TfidfStudent(), texts, binary, groups=groups, positive=["dark"], k=5
    )
    seconds = time.perf_counter() - start
    category = [r["Pattern Category"] for r in rows]
    res_cat = cross_validate(
        lambda: TfidfStudent(),
        texts,
        category,
        groups=groups,
        positive=[c for c in set(category) if c != "Not Dark Pattern"],
        k=5,
    )
    truth = [b == "dark" for b in binary]
    lex = binary_metrics(truth, [_lexicon(t) for t in texts])
    # Length is a shortcut on this data (negatives are short): report the student on long texts too.
    long_idx = [i for i, t in enumerate(texts) if len(t) >= 30]
    long_pred = [res.proba[i, res.classes.index("dark")] >= res.threshold for i in long_idx]
    long = binary_metrics([truth[i] for i in long_idx], long_pred)
    return {
        "rows": len(rows),
        "pages": len(set(groups)),
        "grouped": res.grouped,
        "folds": res.folds,
        "tfidf_binary": {
            k: res.metrics.get(k) for k in ("f1", "precision", "recall", "average_precision")
        },
        "tfidf_binary_threshold": round(res.threshold, 3),
        "tfidf_binary_texts_30plus_chars": {
            k: round(v, 3) for k, v in long.items() if k in ("f1", "precision", "recall")
        }
        | {"n": len(long_idx)},
        "tfidf_category_macro_f1": res_cat.metrics.get("macro_f1_classes"),
        "tfidf_category_accuracy": res_cat.metrics.get("accuracy_classes"),
        "lexicon_binary": {
            k: round(v, 3) for k, v in lex.items() if k in ("f1", "precision", "recall")
        },
        "cv_seconds": round(seconds, 1),
    }


def main() -> None:
    """Run both parts, print the figures with the machine, write benchmarks/out/deceptive.json."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=SHARED_DATA, help="the shared data folder")
    ap.add_argument(
        "--concurrency", type=int, default=3, help="pages at once for the throughput run"
    )
    ap.add_argument("--skip-demo", action="store_true")
    ap.add_argument("--skip-text", action="store_true")
    args = ap.parse_args()
    print(machine_line())
    figures: dict[str, Any] = {}
    if not args.skip_demo:
        figures["demo_shop"] = demo = demo_shop(args.concurrency)
        print(
            f"\nDemo shop: {demo['pages']} pages, "
            f"{demo['planted_deceptive']} planted deceptive patterns, "
            f"{demo['clean_pages']} clean pages ({demo['clean_pages_with_findings']} with findings)"
        )
        print(
            f"  overall precision {demo['precision']:.3f} recall {demo['recall']:.3f}; "
            f"verification accuracy {demo['verification_accuracy']:.3f}"
        )
        for l1, m in demo["per_l1"].items():
            print(
                f"  {l1:<24} P {m['precision']:.3f}  R {m['recall']:.3f}  "
                f"(tp {m['tp']}, fp {m['fp']}, fn {m['fn']})"
            )
        print(
            f"  seconds per page: {demo['sequential_s_per_page']} sequential, "
            f"{demo[f'concurrency_{args.concurrency}_s_per_page']} "
            f"at {args.concurrency} pages at once; "
            f"detectors {demo['detectors_ms_per_page']} ms/page"
        )
    if not args.skip_text:
        if not (args.data / "darkpatterns").is_dir():
            print(f"\n(skipping text F1: {args.data / 'darkpatterns'} not found)")
        else:
            figures["text"] = text = text_f1(args.data)
            print(
                f"\nText F1, Yada et al. strings ({text['rows']} rows, {text['pages']} pages, "
                f"{text['folds']}-fold grouped by page: {text['grouped']})"
            )
            print(f"  TF-IDF student, dark vs not: {text['tfidf_binary']}")
            print(f"  same, texts of 30+ chars only: {text['tfidf_binary_texts_30plus_chars']}")
            print(
                "  TF-IDF student, 7 categories + not dark: "
                f"macro F1 {text['tfidf_category_macro_f1']}, "
                f"accuracy {text['tfidf_category_accuracy']}"
            )
            print(f"  detectors' lexicon alone: {text['lexicon_binary']}")
    print(f"\nwrote {write_result('deceptive', figures)}")


if __name__ == "__main__":
    main()
