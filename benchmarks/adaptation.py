"""Adapting the default deceptive-UI student to a site with LLM labels: how many does it take?

On the demo shop, as a user would: install the default student, audit-crawl every /shop page
into a fresh store, `snarewatch classify deceptive-ui` (the default's predictions feed the
cascade), then rounds of `snarewatch label deceptive-ui --cascade --backend embedded` (LLM labels
on the elements the default student is least sure of) and `snarewatch models adapt` (default
data + the site's labels), up to each cumulative budget; the cascade keeps reading the default's
predictions, and each site-label weight in --site-weights is tried.

After each round, on the demo's product pages: planted text patterns the student flags (a
pattern counts when any text of its widget is flagged), strings flagged on clean pages (honest
look-alikes apart) and on the rest of the deceptive pages, clean pages with a student-only
flag, and the page verdicts (deceptive pages found, clean pages flagged) with the shipped rule.

Run: .venv/bin/python benchmarks/adaptation.py [--budgets 50,100,200] [--backend embedded]
Writes benchmarks/out/adaptation.json (every round as it finishes).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from _machine import machine_line, write_result  # noqa: E402

TEXT_PATTERNS = {"timer_reset", "stock_fake", "activity", "high_demand", "limited_time",
                 "testimonials", "confirmshame", "trick_question", "hidden_subscription"}
"""Planted deceptive patterns whose text shows them (the rest are states, styling, checkout)."""
SW = str(Path(sys.executable).with_name("snarewatch"))


def _belongs(el: dict[str, Any], pattern: dict[str, Any]) -> bool:
    """True when an element shows a planted pattern: it contains the pattern's stable text, or
    it is (inside) the pattern's element when that is named by a plain id."""
    text = " ".join(str(el.get("text") or "").split()).lower()
    if pattern["text"] and pattern["text"].lower() in text:
        return True
    root, sel = pattern["selector"], str(el.get("selector") or "")
    return " " not in root and (sel == root or sel.startswith(root + " > "))


def cli(env: dict[str, str], *args: str) -> str:
    """Run `snarewatch ARGS` on the benchmark's store; its stdout+stderr."""
    done = subprocess.run([SW, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"snarewatch {' '.join(args)} failed: {done.stderr[-800:]}")
    return done.stdout + done.stderr


def crawl(settings: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Visit every demo /shop page; store its first element map as a capture; (visits, truth)."""
    from crawler.capture import element_records
    from crawler.visits import visit_urls
    from demo_site.server import serve_in_thread
    from demo_site.truth import ground_truth
    from snarewatch.schema import PageCapture, stable_id
    from snarewatch.store import Landing, load_pending

    truth = ground_truth()
    paths = [p["path"] for p in truth["pages"]]
    with serve_in_thread() as base:
        results = visit_urls(settings, [base + p for p in paths], concurrency=3)
    landing = Landing(settings.landing_dir)
    visits = {}
    for path, v in zip(paths, results, strict=True):
        if isinstance(v, Exception):
            raise SystemExit(f"{path}: {v}")
        visits[path] = v
        cid = stable_id("bench", path)
        first = v.snapshot("first")
        landing.write([PageCapture(capture_id=cid, crawl_id="bench", site="demo-shop",
                                   url=v.final_url or v.url, kind="page", engine="browser")])
        landing.write(element_records(first.elements if first else [], cid, "demo-shop",
                                      v.final_url or v.url))
    load_pending(settings.db_path, settings.landing_dir)
    return visits, truth


def evaluate(student: Any, visits: dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    """Element and page figures of one student on the demo shop."""
    from classifiers.deceptive.elements import text_of
    from classifiers.deceptive.page import audit_page, student_scores, student_threshold
    from classifiers.deceptive.verdict import page_features, probability

    cut = student_threshold(student)
    pages = {p["path"]: p for p in truth["pages"]}
    found = planted = 0
    clean_flag = clean_n = other_flag = other_n = clean_pages_text = 0
    dec_found = clean_called = 0
    for path, v in visits.items():
        spec = pages[path]
        on_page = [p for p in spec["patterns"] if p["path"] == path]
        deceptive = any(p["deceptive"] for p in spec["patterns"])
        scores = student_scores(student, v.snapshot("first").elements)
        in_widget: set[str] = set()
        for p in on_page:
            hit = [(e, s) for e, _, s in scores if _belongs(e, p)]
            in_widget |= {text_of(e) for e, _ in hit}
            if p["deceptive"] and p["id"] in TEXT_PATTERNS:
                planted += 1
                found += any(s >= cut for _, s in hit)
        rest = {text_of(e): s for e, _, s in scores if text_of(e) not in in_widget}
        flagged = sum(s >= cut for s in rest.values())
        if deceptive:
            other_flag += flagged
            other_n += len(rest)
        else:
            clean_flag += flagged
            clean_n += len(rest)
        audit = audit_page(v, student)
        features = page_features(audit)
        called = probability(features) >= 0.5
        dec_found += deceptive and called
        clean_called += (not deceptive) and called
        clean_pages_text += (not deceptive) and features.text > 0
    return {
        "planted_text_patterns_found": f"{found} of {planted}",
        "clean_page_strings_flagged": f"{clean_flag} of {clean_n}",
        "other_strings_on_deceptive_pages_flagged": f"{other_flag} of {other_n}",
        "clean_pages_with_a_student_only_flag": f"{clean_pages_text} of "
                                                 f"{len(truth['clean_pages'])}",
        "verdict_deceptive_pages_found": f"{dec_found} of "
                                         f"{len(visits) - len(truth['clean_pages'])}",
        "verdict_clean_pages_flagged": f"{clean_called} of {len(truth['clean_pages'])}",
        "threshold": round(cut, 4),
    }


def _values(settings: Any) -> dict[str, int]:
    """How many current site labels of each value."""
    from snarewatch.store import query_records

    rows = query_records(settings.db_path, "SELECT value, count(*) AS n FROM current_labels "
                         "WHERE task = 'deceptive-ui' AND value IS NOT NULL GROUP BY 1")
    return {r["value"]: int(r["n"]) for r in rows}


def main() -> None:
    """Install, crawl, classify, then label/adapt rounds; print and save each round."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--budgets", default="50,100,200", help="cumulative LLM label budgets")
    ap.add_argument("--backend", default="embedded", help="LLM backend for `snarewatch label`")
    ap.add_argument("--data", type=Path, default=None, help="store folder (default: a temp one)")
    ap.add_argument("--site-weights", default="1,0.3", help="weights of a site label to try")
    args = ap.parse_args()
    from classifiers.deceptive.adapt import adapt_default
    from classifiers.registry import load_model, promoted_model
    from snarewatch.config import Settings

    data = args.data or Path(tempfile.mkdtemp()) / "data"
    env = {**os.environ, "SNAREWATCH_DATA_DIR": str(data),
           "SNAREWATCH_CONFIG": str(data.parent / "absent.toml")}
    settings = Settings(data_dir=data)
    print(machine_line())
    print(cli(env, "models", "install-default").strip())
    visits, truth = crawl(settings)
    print(cli(env, "classify", "deceptive-ui").strip().splitlines()[-1])
    default = promoted_model(settings, "deceptive-ui")
    rounds: list[dict[str, Any]] = [{"labels": 0, "model": default.model_id,
                                     **evaluate(load_model(default), visits, truth)}]
    print(f"\n0 LLM labels (default student): {rounds[0]}")
    figures: dict[str, Any] = {"backend": args.backend, "rounds": rounds}
    done = 0
    for budget in [int(b) for b in args.budgets.split(",") if b]:
        # The cascade keeps reading the default's predictions: each round adds LLM labels on
        # more of the elements the default is least sure of.
        start = time.perf_counter()
        out = cli(env, "label", "deceptive-ui", "--cascade", "--budget", str(budget - done),
                  "--backend", args.backend)
        label_s = time.perf_counter() - start
        picked = re.search(r"cascade: (\d+) items", out)
        for weight in [float(w) for w in args.site_weights.split(",")]:
            result = adapt_default(settings, site_weight=weight, promote=False)
            done = result.site_labels
            row = {"labels": done, "site_weight": weight, "label_seconds": round(label_s),
                   "unsure_items": int(picked.group(1)) if picked else None,
                   "model": result.model.model_id, "site_cv": result.cv["site"],
                   "label_values": _values(settings),
                   **evaluate(load_model(result.model), visits, truth)}
            rounds.append(row)
            print(f"\n{done} LLM labels, site weight {weight} ({label_s:.0f} s): {row}",
                  flush=True)
        write_result("adaptation", figures)
    print(f"\nwrote {write_result('adaptation', figures)}")


if __name__ == "__main__":
    main()
