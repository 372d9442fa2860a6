"""The default deceptive-UI student: which kind, how good on Yada's texts, how quiet on real pages.

1. Kind: page-grouped 5-fold CV of the two-stage student with each body (tfidf, embed, hybrid)
   on the shipped data (Yada's 1,900 strings + the hand-checked benign UI strings): F1 on Yada's
   rows at the threshold the CV picks, average precision, share of shipped benign rows flagged
   out of fold, speed. The shipped recipe again with a nested threshold (chosen by 3-fold CV
   inside each outer training split), and without the benign strings.
2. Benign benchmark: the shipped student on the visible UI strings of real product pages (Zyte)
   of the held-out shops, of the dev shops (whose hand-checked strings it trains on), and of the
   demo shop's clean pages; share flagged. Strings marked dark or ambiguous in
   benchmarks/gold/ui-heldout-patterns.tsv are not counted as benign; the dark ones are reported
   as found or missed. The demo's honest look-alikes ("Only 3 left in stock", a genuine timer)
   read exactly like patterns and are counted apart: the page checks clear them.

Run: .venv/bin/python benchmarks/default_student.py [--kinds tfidf,embed,hybrid] (after
benchmarks/ui_strings.py). Writes benchmarks/out/default_student.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from _machine import OUT_DIR, machine_line, write_result  # noqa: E402

GOLD = Path(__file__).resolve().parent / "gold" / "ui-heldout-patterns.tsv"
# English-looking: one of these words (not "in", "to", "on": other languages have them too).
_ENGLISH = re.compile(r"\b(?:the|and|of|for|your|you|with|this|is|are|item|items|add|buy|now|"
                      r"shop|free|delivery|order|view|all|see|size|new|price|cart|basket|stock|"
                      r"more|our|from|by|at|customers?|reviews?)\b", re.I)


def _yada_metrics(corpus: Any, score: np.ndarray, threshold: float) -> dict[str, float]:
    from classifiers.metrics import average_precision, binary_metrics

    truth = np.asarray([label != "not_dark_pattern" for label in corpus.labels])
    yada = np.asarray(corpus.where("yada"))
    zyte = np.asarray(corpus.where("zyte"))
    m = binary_metrics(truth[yada], score[yada] >= threshold)
    return {"f1": round(m["f1"], 4), "precision": round(m["precision"], 4),
            "recall": round(m["recall"], 4),
            "average_precision": round(average_precision(truth[yada], score[yada]), 4),
            "benign_oof_flagged": round(float((score[zyte] >= threshold).mean()), 4)
            if len(zyte) else None,
            "threshold": round(float(threshold), 4)}


def kinds(names: list[str]) -> dict[str, Any]:
    """Page-grouped CV of the two-stage student with each body, and its speed."""
    from classifiers.cv import cross_validate
    from classifiers.deceptive.default_student import RECIPE, positive_labels
    from classifiers.deceptive.training_data import load_corpus
    from classifiers.embedding import forget
    from classifiers.twostage import TwoStageStudent

    corpus = load_corpus()
    positive = [c for c in positive_labels() if c in set(corpus.labels)]
    out: dict[str, Any] = {}
    for body in names:
        recipe = {**RECIPE, "body": body}
        start = time.perf_counter()
        res = cross_validate(lambda r=recipe: TwoStageStudent(**r, positive=positive),
                             corpus.texts, corpus.labels, groups=corpus.groups,
                             positive=positive, k=5)
        seconds = time.perf_counter() - start
        score = 1.0 - res.proba[:, res.classes.index("not_dark_pattern")]
        clf = TwoStageStudent(**recipe, positive=positive).fit(corpus.texts, corpus.labels)
        probe = [f"{t} {i}" for i, t in enumerate(corpus.texts[:500])]  # unseen strings
        forget()
        t = time.perf_counter()
        clf.predict_proba(probe)
        per_s = len(probe) / (time.perf_counter() - t)
        out[body] = {**_yada_metrics(corpus, score, res.threshold), "cv_seconds": round(seconds),
                     "texts_per_s": round(per_s)}
        print(f"  {body:<7} {out[body]}", flush=True)
    return out


def nested_and_ablation() -> dict[str, Any]:
    """The shipped recipe with a nested threshold, and trained without the benign strings."""
    from classifiers.cv import cross_validate, make_folds
    from classifiers.deceptive.default_student import RECIPE, positive_labels
    from classifiers.deceptive.training_data import load_corpus
    from classifiers.metrics import binary_metrics
    from classifiers.twostage import TwoStageStudent

    corpus = load_corpus()
    positive = [c for c in positive_labels() if c in set(corpus.labels)]
    y = np.asarray(corpus.labels)
    truth = y != "not_dark_pattern"
    score = np.zeros(len(y))
    flag = np.zeros(len(y), bool)
    folds, _ = make_folds(y.tolist(), corpus.groups, k=5)
    for train, test in folds:
        texts = [corpus.texts[i] for i in train]
        inner = cross_validate(lambda: TwoStageStudent(**RECIPE, positive=positive), texts,
                               y[train].tolist(), groups=[corpus.groups[i] for i in train],
                               positive=positive, k=3)
        clf = TwoStageStudent(**RECIPE, positive=positive).fit(texts, y[train].tolist())
        score[test] = clf.positive_score(clf.predict_proba([corpus.texts[i] for i in test]))
        flag[test] = score[test] >= inner.threshold
    yada = np.asarray(corpus.where("yada"))
    m = binary_metrics(truth[yada], flag[yada])
    nested = {"f1": round(m["f1"], 4), "precision": round(m["precision"], 4),
              "recall": round(m["recall"], 4)}
    print(f"  nested threshold: {nested}", flush=True)
    yada_only = load_corpus(benign=False)
    res = cross_validate(lambda: TwoStageStudent(**RECIPE, positive=positive), yada_only.texts,
                         yada_only.labels, groups=yada_only.groups, positive=positive, k=5)
    s = 1.0 - res.proba[:, res.classes.index("not_dark_pattern")]
    ablation = _yada_metrics(yada_only, s, res.threshold)
    print(f"  without the benign strings: {ablation}", flush=True)
    model = TwoStageStudent(**RECIPE, positive=positive, threshold=res.threshold)
    return {"nested_threshold": nested, "without_benign": ablation,
            "without_benign_model": model.fit(yada_only.texts, yada_only.labels)}


def _marks() -> dict[str, str]:
    if not GOLD.is_file():
        return {}
    with GOLD.open(encoding="utf-8") as fh:
        return {r["text"]: r["judgement"] for r in csv.DictReader(fh, delimiter="\t")}


def benign(student: Any, threshold: float) -> dict[str, Any]:
    """Share of benign real and demo strings the student flags (distinct strings per page)."""
    from classifiers.deceptive.training_data import BENIGN_FILE, data_path

    marks = _marks()
    shipped = {r["text"] for r in csv.DictReader(
        data_path(BENIGN_FILE).read_text(encoding="utf-8").splitlines(), delimiter="\t")}
    def rows(name: str) -> list[dict[str, Any]]:
        with (OUT_DIR / f"ui-strings-{name}.jsonl").open(encoding="utf-8") as fh:
            return [json.loads(line) for line in fh]

    zyte, demo = rows("zyte"), rows("demo")
    texts = sorted({r["text"] for r in zyte} | {r["text"] for r in demo})
    scores = dict(zip(texts, student.positive_score(student.predict_proba(texts)), strict=True))

    def share(rows: list[dict[str, Any]]) -> dict[str, Any]:
        flagged = [r for r in rows if float(scores[r["text"]]) >= threshold]
        return {"strings": len(rows), "pages": len({r["page_id"] for r in rows}),
                "flagged": len(flagged),
                "share": round(len(flagged) / max(len(rows), 1), 4),
                "top": [t[:70] for t in sorted({r["text"] for r in flagged},
                                               key=lambda t: -float(scores[t]))[:12]]}

    held = [r for r in zyte if r["split"] == "held-out"]
    held_benign = [r for r in held if r["text"] not in marks]
    dev = [r for r in zyte if r["split"] == "dev"]
    dark = [t for t, j in marks.items() if j == "dark"]
    out = {
        "threshold": round(threshold, 4),
        "held_out_shops": share(held_benign),
        "held_out_shops_english": share([r for r in held_benign if _ENGLISH.search(r["text"])]),
        "held_out_dark_marked": {"strings": len(dark),
                                 "found": int(sum(float(scores.get(t, 0)) >= threshold
                                                  for t in dark))},
        "dev_shops_all_strings": share(dev),
        "dev_shops_not_shipped": share([r for r in dev if r["text"] not in shipped]),
        "demo_clean_pages": share([r for r in demo if not r["lookalike"]]),
        "demo_lookalikes": share([r for r in demo if r["lookalike"]]),
    }
    return out


def main() -> None:
    """Run both parts, print the figures with the machine, write the JSON."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--kinds", default="tfidf,embed,hybrid", help="bodies to cross-validate")
    ap.add_argument("--skip-nested", action="store_true")
    args = ap.parse_args()
    from classifiers.deceptive.default_student import train_default

    print(machine_line())
    figures: dict[str, Any] = {}
    print("\n1. Student kind, page-grouped 5-fold CV on the shipped data (F1 on Yada's rows):")
    figures["kinds"] = kinds([k for k in args.kinds.split(",") if k])
    start = time.perf_counter()
    student, card = train_default()
    figures["shipped"] = {"recipe": card["recipe"], "train_seconds": round(
        time.perf_counter() - start), "cv": card["cv"], "threshold": card["threshold"],
        "n_labels": card["n_labels"]}
    print(f"\nshipped recipe {card['recipe']}, trained (CV + fit) in "
          f"{figures['shipped']['train_seconds']} s: {card['cv']}")
    ablation_model = None
    if not args.skip_nested:
        extra = nested_and_ablation()
        ablation_model = extra.pop("without_benign_model")
        figures.update(extra)
    print("\n2. Benign UI strings flagged by the shipped student:")
    figures["benign"] = b = benign(student, float(card["threshold"]))
    for key, m in b.items():
        if isinstance(m, dict):
            print(f"  {key:<28} {json.dumps({k: v for k, v in m.items() if k != 'top'})}")
    print(f"  most confident false alarms on held-out shops: {b['held_out_shops']['top'][:8]}")
    if ablation_model is not None:
        figures["benign_without_benign_training"] = nb = benign(
            ablation_model, float(ablation_model.threshold))
        print(f"  trained without the benign strings: held-out shops "
              f"{nb['held_out_shops']['share']}, "
              f"demo clean pages {nb['demo_clean_pages']['share']}")
    print(f"\nwrote {write_result('default_student', figures)}")


if __name__ == "__main__":
    main()
