"""The end-to-end demo: demo site → crawl → sample + LLM labels → student → classify → DuckDB.

Every stage is the real one; only the target site is local. The summary scores the flags
against the demo site's ground truth so users see how far to trust them.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from snarewatch.cli._common import console
from snarewatch.config import Settings


def _load(s: Settings) -> int:
    from snarewatch.store import load_pending

    return load_pending(s.db_path, s.landing_dir).rows


def _step(title: str) -> None:
    console.rule(f"[bold]{escape(title)}")


def run_demo(
    s: Settings, *, budget: int, backend: Any, max_pages: int | None, seed: int
) -> dict[str, Any]:
    """Run the demo pipeline and print a summary; returns the figures it printed.

    `backend` is a backend name (None: the configured one, the embedded LLM by default) or an
    LLM backend object.
    """
    from crawler.run import run_crawl
    from demo_site.server import serve_in_thread

    timings: dict[str, float] = {}
    figures: dict[str, Any] = {}
    with serve_in_thread() as base_url:
        console.print(f"demo marketplace running at {base_url}")
        _step("1/6 crawl")
        t = time.perf_counter()
        crawl = run_crawl(s, "demo", base_url=base_url, max_pages=max_pages,
                          on_progress=_crawl_progress())
        _load(s)
        timings["crawl"] = time.perf_counter() - t
        figures["crawl"] = crawl
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(crawl.errors_by_kind.items())) or "none"
        console.print(f"crawl {crawl.crawl_id}: {crawl.fetched:,} pages, {crawl.ads:,} ads, "
                      f"{crawl.elements:,} UI elements; not captured (recorded with the reason): "
                      f"{skipped}")
        figures["wildlife"] = _run_task(s, "wildlife", budget=budget, backend=backend,
                                        seed=seed, timings=timings)
        figures["deceptive-ui"] = _run_default_student(s, timings)
        figures["pages"] = _run_audits(s, base_url, timings)
    figures["quality"] = _summary(s, figures, timings)
    figures["timings"] = timings
    return figures


def _crawl_progress():  # type: ignore[no-untyped-def]
    from snarewatch.cli._common import progress

    bar = progress(transient=True)
    state: dict[str, Any] = {}

    def update(p: Any) -> None:
        if "task" not in state:
            bar.start()
            state["task"] = bar.add_task("crawling", total=None, status="")
        bar.update(state["task"], completed=p.fetched, total=p.fetched + p.queued,
                   status=f"{p.ads} ads · {p.errors} errors")
        if p.queued == 0:
            bar.stop()

    return update


def _run_task(s: Settings, task_name: str, *, budget: int, backend: Any, seed: int,
              timings: dict[str, float]) -> dict[str, Any]:
    """Label a diversity sample, train a student and classify every item of one task."""
    from classifiers.base import StudentError
    from classifiers.classify import classify_task
    from classifiers.train import train_task
    from labeler.run import label_items
    from labeler.taskspecs import load_task
    from snarewatch.cli._common import progress

    task = load_task(task_name)
    _step(f"2/6 label [{task_name}]: diversity sample of {budget} from every ad")
    t = time.perf_counter()
    from snarewatch.cli.demo_seed import seed_from_truth

    # A researcher's first step: a small hand-labelled seed set (here from the site's truth).
    seeded = seed_from_truth(s, task, seed)
    with progress() as bar:
        bar_task = bar.add_task(f"label {task_name}", total=budget, status="")

        def on_progress(done: int, total: int, cost: float, labels_per_min: float,
                        failed: int) -> None:
            bar.update(bar_task, completed=done, total=total,
                       status=f"{labels_per_min:.0f} labels/min · {failed} failed")

        labels = label_items(s, task, budget=budget, method="diversity", backend=backend,
                             seed=seed, on_progress=on_progress)
    _load(s)
    timings[f"label {task_name}"] = time.perf_counter() - t
    by_value = ", ".join(f"{k} {v}" for k, v in sorted(labels.by_value.items(),
                                                      key=lambda kv: -kv[1]))
    console.print(f"{labels.labelled} new labels, {labels.cached} from the cache, "
                  f"{labels.failed} failed ({labels.label_seconds:.0f} s with {labels.backend}): "
                  f"{by_value}; {labels.calibration}", highlight=False)
    if labels.seed_agreement is not None:
        console.print(f"the teacher agrees with {labels.seed_agreement:.0%} of the seed labels "
                      "(weighted)", highlight=False)
    result: dict[str, Any] = {"labels": labels, "train": None, "classify": None}
    _step(f"3/6 train [{task_name}]")
    t = time.perf_counter()
    try:
        result["train"] = train_task(s, task, student="auto", seed=seed)
    except StudentError as exc:  # e.g. the sample held no positive: say so, go on
        console.print(f"[yellow]no student for {task_name}:[/yellow] {exc}", highlight=False)
        return result
    _load(s)
    timings[f"train {task_name}"] = time.perf_counter() - t
    console.print(str(result["train"]), highlight=False)
    if result["train"].verdict:
        console.print(f"baseline: {result['train'].verdict}", highlight=False)
    if not result["train"].promoted:
        console.print(f"[yellow]{task_name}: the student was not promoted[/yellow] "
                      f"({'; '.join(result['train'].refused)}): no flags", highlight=False)
        return result
    _step(f"4/6 classify [{task_name}]")
    t = time.perf_counter()
    result["classify"] = classify_task(s, task, propose=seeded > 0)
    _load(s)
    console.print(str(result["classify"]), highlight=False)
    if seeded:
        from labeler.verify import verify_flags

        checked = verify_flags(s, task, backend=backend)
        _load(s)
        result["verify"] = checked
        console.print(f"the teacher re-checked {checked.verified} flags: {checked.confirmed} "
                      f"confirmed, {checked.rejected} rejected ({checked.seconds_per_flag:.2f} s "
                      f"a flag; {checked.calibration})", highlight=False)
    timings[f"classify {task_name}"] = time.perf_counter() - t
    return result


def _run_default_student(s: Settings, timings: dict[str, float]) -> dict[str, Any]:
    """Score every UI element with the shipped deceptive-UI student (no LLM label needed)."""
    from classifiers.classify import classify_task
    from classifiers.deceptive.default_student import install_default
    from labeler.taskspecs import load_task

    _step("5/6 classify [deceptive-ui] with the shipped default student")
    t = time.perf_counter()
    installed = install_default(s)
    console.print(str(installed), highlight=False)
    result = classify_task(s, load_task("deceptive-ui"))
    _load(s)
    timings["classify deceptive-ui"] = time.perf_counter() - t
    console.print(str(result), highlight=False)
    return {"install": installed, "classify": result}


def _run_audits(s: Settings, base_url: str, timings: dict[str, float]) -> dict[str, Any]:
    """Audit every crawled shop page (reloads, cart, checkout) and give each a verdict."""
    from snarewatch.cli._common import progress
    from snarewatch.cli.deceptive_audit import audit_urls
    from snarewatch.store import query_records

    paths = sorted({urlsplit(r["url"]).path for r in query_records(
        s.db_path, "SELECT DISTINCT url FROM page_captures WHERE regexp_matches(url, '/shop/')")})
    _step(f"6/6 audit [{len(paths)} shop pages: page checks across visits, text student, verdict]")
    t = time.perf_counter()
    with progress(transient=True) as bar:
        bar.add_task(f"auditing {len(paths)} pages, 3 at a time", total=None, status="")
        results = audit_urls(s, [base_url + p for p in paths], wait_s=2.0,
                             follow_checkout=True, concurrency=3)
    timings["audit"] = time.perf_counter() - t
    failed = [r for r in results if isinstance(r, Exception)]
    done = [r for r in results if not isinstance(r, Exception)]
    deceptive = sum(r["verdict"]["deceptive"] for r in done)
    console.print(f"{len(done)} pages audited, {deceptive} called deceptive, "
                  f"{sum(len(r['findings']) for r in done)} findings, {len(failed)} failed")
    return {"pages": len(done), "deceptive": deceptive, "failed": len(failed)}


def _summary(s: Settings, figures: dict[str, Any], timings: dict[str, float]) -> dict[str, str]:
    from snarewatch.store import query_records

    counts = query_records(s.db_path, """
        SELECT (SELECT count(*) FROM ads) AS ads, (SELECT count(*) FROM ui_elements) AS elements,
               (SELECT count(*) FROM page_captures) AS pages,
               (SELECT count(*) FROM labels) AS labels,
               (SELECT count(*) FROM findings WHERE task = 'wildlife') AS wildlife_flags,
               (SELECT count(*) FROM findings WHERE task = 'deceptive-ui') AS deceptive_flags""")[0]
    table = Table(title="snarewatch demo", show_header=False)
    for key, value in counts.items():
        table.add_row(key.replace("_", " "), f"{value:,}")
    for key, value in timings.items():
        table.add_row(f"time: {key}", f"{value:.1f} s")
    quality = _score_against_truth(s)
    for key, value in quality.items():
        table.add_row(key, value)
    console.print(table)
    console.print(Panel.fit(
        f"data: {s.data_dir.resolve()}  (DuckDB file {s.db_path.name}, blobs/, landing/)\n\n"
        "try:\n"
        '  snarewatch sql "select count(*) from ads"\n'
        "  snarewatch sql \"select site, url, text, score from findings where task='wildlife' "
        'order by score desc limit 20"\n'
        "  snarewatch sql \"select label, count(*) from findings where task='deceptive-ui' "
        'group by 1 order by 2 desc"',
        title="next"))
    return quality


def _score_against_truth(s: Settings) -> dict[str, str]:
    """Precision and recall of the wildlife flags against the demo site's ground truth."""
    from demo_site.truth import ground_truth
    from snarewatch.store import query_records

    truth = ground_truth()
    wildlife_paths = {ad["url"] for ad in truth["ads"] if ad["is_wildlife"]}
    rows = query_records(s.db_path, """
        SELECT a.url, f.item_id IS NOT NULL AS flagged
        FROM ads a
        LEFT JOIN findings f ON f.item_id = a.ad_id AND f.task = 'wildlife'""")

    tp = fp = fn = 0
    for row in rows:
        path = urlsplit(row["url"] or "").path
        actual = path in wildlife_paths
        tp += actual and row["flagged"]
        fp += (not actual) and row["flagged"]
        fn += actual and not row["flagged"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    pages = _score_pages(s, truth)
    return {"wildlife flags vs ground truth":
            f"precision {precision:.2f}, recall {recall:.2f}, F1 {f1:.2f}", **pages}


def _score_pages(s: Settings, truth: dict[str, Any]) -> dict[str, str]:
    """Page verdicts and text flags vs the shop pages with a deceptive pattern planted.

    Pages whose only planted patterns are honest look-alikes (a real timer, a neutral decline)
    count as clean.
    """
    from snarewatch.store import query_records

    deceptive = {p["path"] for p in truth["pages"]
                 if any(pat["deceptive"] for pat in p["patterns"])}
    clean = set(truth["clean_pages"])
    called = {urlsplit(r["url"]).path for r in query_records(
        s.db_path, "SELECT url FROM current_page_verdicts WHERE deceptive")}
    predicted = {urlsplit(r["url"]).path for r in query_records(s.db_path, """
        SELECT DISTINCT e.url FROM current_predictions p JOIN ui_elements e
        ON e.element_id = p.item_id WHERE p.task = 'deceptive-ui' AND p.positive""")}
    return {
        "page verdicts: deceptive shop pages found":
            f"{len(deceptive & called)} of {len(deceptive)}",
        "page verdicts: clean shop pages called deceptive":
            f"{len(clean & called)} of {len(clean)}",
        "deceptive-ui text student alone: deceptive shop pages with a flag":
            f"{len(deceptive & predicted)} of {len(deceptive)}",
        "deceptive-ui text student alone: clean shop pages with a flag":
            f"{len(clean & predicted)} of {len(clean)}",
    }
