"""Page verdicts: the default deceptive-UI student and the page checks, one decision a page.

1. Demo shop, every /shop page audited (load, wait, 2 reloads, cart, checkout), default student,
   no LLM label: the verdict's weights are fitted on half the pages (stratified, seed 0) and
   reported on that half, on the held-out half and on all pages; then with the weights shipped in
   classifiers/deceptive/verdict.py. Also for single visits (what `snarewatch detect` sees).
2. Real product pages (Zyte, rendered offline, one visit): pages called deceptive, on the
   held-out shops and the dev shops, with what decided, and whether the pages holding a
   hand-marked dark pattern (benchmarks/gold/ui-heldout-patterns.tsv) are found.

Run: .venv/bin/python benchmarks/page_verdicts.py   (after benchmarks/ui_strings.py)
Writes benchmarks/out/page_verdicts.json.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from _machine import OUT_DIR, machine_line, write_result  # noqa: E402

GOLD = Path(__file__).resolve().parent / "gold" / "ui-heldout-patterns.tsv"


def demo_visits() -> tuple[dict[str, Any], dict[str, Any]]:
    """(path -> PageVisits of a full audit, ground truth)."""
    from crawler.visits import visit_urls
    from demo_site.server import serve_in_thread
    from demo_site.truth import ground_truth
    from snarewatch.config import Settings

    truth = ground_truth()
    paths = [p["path"] for p in truth["pages"]]
    s = Settings(data_dir=Path(tempfile.mkdtemp()) / "data")
    with serve_in_thread() as base:
        results = visit_urls(s, [base + p for p in paths], concurrency=3)
    for path, v in zip(paths, results, strict=True):
        if isinstance(v, Exception):
            raise SystemExit(f"{path}: {v}")
    return dict(zip(paths, results, strict=True)), truth


def single_visit(visits: Any) -> Any:
    """The same page as a stored capture: its first element map only."""
    first = visits.snapshot("first")
    return visits.model_copy(update={"snapshots": [first] if first else []})


def split(paths: list[str], labels: list[bool], seed: int = 0) -> tuple[set[str], set[str]]:
    """Half the pages to fit on, half held out, stratified by label."""
    from sklearn.model_selection import train_test_split

    fit, held = train_test_split(paths, test_size=0.5, stratify=labels, random_state=seed)
    return set(fit), set(held)


def score(rows: list[dict[str, Any]], weights: dict[str, float]) -> dict[str, Any]:
    """Deceptive pages found and clean pages flagged under `weights`."""
    from classifiers.deceptive.verdict import probability

    dec = [r for r in rows if r["deceptive"]]
    clean = [r for r in rows if not r["deceptive"]]
    found = sum(probability(r["features"], weights) >= 0.5 for r in dec)
    flagged = sum(probability(r["features"], weights) >= 0.5 for r in clean)
    brier = sum((probability(r["features"], weights) - r["deceptive"]) ** 2 for r in rows)
    return {"deceptive_found": f"{found} of {len(dec)}",
            "clean_flagged": f"{flagged} of {len(clean)}",
            "brier": round(brier / max(len(rows), 1), 4)}


def demo_part(student: Any, model_id: str) -> dict[str, Any]:
    """Fit the verdict on half the demo pages; report both halves, all, and single visits."""
    from classifiers.deceptive.page import audit_page
    from classifiers.deceptive.verdict import WEIGHTS, fit_weights, page_features

    visits, truth = demo_visits()
    deceptive = {p["path"]: any(x["deceptive"] for x in p["patterns"]) for p in truth["pages"]}
    rows, single_rows = [], []
    for path, v in visits.items():
        for target, vis in ((rows, v), (single_rows, single_visit(v))):
            audit = audit_page(vis, student, model_id=model_id)
            target.append({"path": path, "deceptive": deceptive[path],
                           "features": page_features(audit)})
    paths = list(visits)
    fit, held = split(paths, [deceptive[p] for p in paths])
    fit_x = [r["features"] for r in rows if r["path"] in fit]
    fit_y = [r["deceptive"] for r in rows if r["path"] in fit]
    fitted = {"checks+text": fit_weights(fit_x, fit_y),
              "checks only": fit_weights(fit_x, fit_y, use_text=False)}
    out: dict[str, Any] = {"pages": len(rows), "deceptive_pages": sum(deceptive.values()),
                           "clean_pages": len(truth["clean_pages"]), "fitted_weights": fitted,
                           "shipped_weights": WEIGHTS, "fit_pages": sorted(fit)}
    for name, weights in (*fitted.items(), ("shipped", WEIGHTS)):
        out[name] = {
            "fit_half": score([r for r in rows if r["path"] in fit], weights),
            "held_out_half": score([r for r in rows if r["path"] in held], weights),
            "all": score(rows, weights),
            "single_visit_all": score(single_rows, weights),
        }
    out["features"] = {r["path"]: r["features"].__dict__ for r in rows}
    return out


def zyte_part(student: Any, model_id: str, weights: dict[str, dict[str, float]],
              ) -> dict[str, Any]:
    """Verdicts on the real product pages (one static visit each), by split, with the shipped
    weights; `weights` are other weight sets whose flag counts are reported beside them."""
    from classifiers.deceptive.page import audit_page
    from classifiers.deceptive.verdict import page_features, probability
    from snarewatch.schema import PageSnapshot, PageVisits

    marked: dict[str, list[str]] = {}
    if GOLD.is_file():
        with GOLD.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if row["judgement"] == "dark":
                    marked.setdefault(row["text"], []).append(row["type"])
    path = OUT_DIR / "zyte-elements.jsonl.gz"
    out: dict[str, Any] = {}
    pages = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            v = PageVisits(url=r["url"], final_url=r["url"], snapshots=[
                PageSnapshot(label="first", url=r["url"], elements=r["elements"])])
            audit = audit_page(v, student, model_id=model_id)
            f = page_features(audit)
            texts = {" ".join(str(e.get("text") or "").split()) for e in r["elements"]}
            pages.append({"split": r["split"], "site": r["site"], "url": r["url"],
                          "p": round(probability(f), 3), "features": f.__dict__,
                          "other": {k: probability(f, w) >= 0.5 for k, w in weights.items()},
                          "marked": sorted(t for t in texts if t in marked),
                          "checks": sorted({f"{d.check}:{d.l2}" for d in audit.detections
                                            if not d.cleared and d.check != "student"})})
    for split_name in ("held-out", "dev"):
        rows = [p for p in pages if p["split"] == split_name]
        flagged = [p for p in rows if p["p"] >= 0.5]
        with_marked = [p for p in rows if p["marked"]]
        out[split_name] = {
            "pages": len(rows), "flagged": len(flagged),
            "flagged_by_checks": sum(1 for p in flagged if p["features"]["checks"]),
            "flagged_by_text_only": sum(1 for p in flagged if not p["features"]["checks"]),
            "pages_with_marked_pattern": len(with_marked),
            "marked_found": sum(1 for p in with_marked if p["p"] >= 0.5),
            "flagged_with": {k: sum(1 for p in rows if p["other"][k]) for k in weights},
            "flagged_pages": [{k: p[k] for k in ("site", "url", "p", "checks", "marked")}
                              for p in flagged],
        }
    return out


def main() -> None:
    """Train the default student, run both parts, print and save the figures."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--skip-demo", action="store_true")
    ap.add_argument("--skip-zyte", action="store_true")
    args = ap.parse_args()
    from classifiers.deceptive.default_student import default_model_id, train_default

    print(machine_line())
    t = time.perf_counter()
    student, card = train_default()
    print(f"default student trained in {time.perf_counter() - t:.0f}s, "
          f"threshold {card['threshold']:.3f}")
    figures: dict[str, Any] = {"student": default_model_id()}
    if not args.skip_demo:
        figures["demo"] = demo = demo_part(student, default_model_id())
        print(f"\nDemo shop: {demo['deceptive_pages']} deceptive, {demo['clean_pages']} clean "
              f"pages; weights fitted on half: {demo['fitted_weights']}")
        for name in (*demo["fitted_weights"], "shipped"):
            for part, m in demo[name].items():
                print(f"  {name:<12} {part:<17} deceptive found {m['deceptive_found']:<9} "
                      f"clean flagged {m['clean_flagged']:<9} Brier {m['brier']}")
    if not args.skip_zyte:
        fitted = figures.get("demo", {}).get("fitted_weights", {})
        figures["zyte"] = zyte = zyte_part(student, default_model_id(), fitted)
        for split_name, m in zyte.items():
            print(f"\nReal product pages ({split_name}): {m['flagged']} of {m['pages']} called "
                  f"deceptive ({m['flagged_by_checks']} by a check, {m['flagged_by_text_only']} "
                  f"by text alone); hand-marked pattern pages found {m['marked_found']} of "
                  f"{m['pages_with_marked_pattern']}; with the other weights: "
                  f"{m['flagged_with']}")
            for p in m["flagged_pages"]:
                print(f"    {p['p']:.2f} {p['site']:<12} {', '.join(p['checks']) or 'text'}")
    print(f"\nwrote {write_result('page_verdicts', figures)}")


if __name__ == "__main__":
    main()
