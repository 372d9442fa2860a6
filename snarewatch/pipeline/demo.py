"""The demo use case: demo site → crawl → sample + LLM labels → student → classify → audit.

Every stage is the real one, run through the same use cases as the CLI and the worker; only the
target site is local. The summary scores the flags against the demo site's ground truth so
users see how far to trust them.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from snarewatch.config import Settings
from snarewatch.pipeline.hooks import QUIET, Hooks
from snarewatch.pipeline.jobs import (
    AuditJob,
    ClassifyJob,
    CrawlJob,
    DemoJob,
    LabelJob,
    TrainJob,
)
from snarewatch.store.page_reads import ad_flags, captured_urls, urls_with_positive_predictions
from snarewatch.store.reads import store_totals
from snarewatch.verdicts import page_verdicts


def run(s: Settings, job: DemoJob, hooks: Hooks = QUIET, *, backend: Any = None
        ) -> dict[str, Any]:
    """Run the demo pipeline and tell it through `hooks`; returns the figures it told.

    `backend` (an LLM backend object) overrides the job's backend name.
    """
    from demo_site.server import serve_in_thread
    from snarewatch.pipeline import crawl

    teacher = backend if backend is not None else job.backend
    timings: dict[str, float] = {}
    figures: dict[str, Any] = {}
    with serve_in_thread() as base_url:
        hooks.say(f"demo marketplace running at {base_url}")
        hooks.step("1/7 crawl")
        t = time.perf_counter()
        with hooks.progress("crawling", transient=True) as advance:
            done = crawl.run(s, CrawlJob(site="demo", base_url=base_url,
                                         max_pages=job.max_pages), hooks,
                             on_progress=lambda p: advance(
                                 completed=p.fetched, total=p.fetched + p.queued,
                                 status=f"{p.ads} ads · {p.errors} errors"))
        crawled = done.crawls[0]
        timings["crawl"] = time.perf_counter() - t
        figures["crawl"] = crawled
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(crawled.errors_by_kind.items())) \
            or "none"
        hooks.say(f"crawl {crawled.crawl_id}: {crawled.fetched:,} pages, {crawled.ads:,} ads, "
                  f"{crawled.elements:,} UI elements; not captured (recorded with the reason): "
                  f"{skipped}")
        figures["wildlife"] = _run_task(s, "wildlife", job, teacher, hooks, timings)
        figures["deceptive-ui"] = _run_default_student(s, hooks, timings)
        figures["pages"] = _run_audits(s, base_url, hooks, timings)
    before = (figures.get("wildlife") or {}).get("before_review")
    figures["quality"] = _summary(s, hooks, timings, before)
    figures["timings"] = timings
    return figures


def _run_task(s: Settings, task_name: str, job: DemoJob, teacher: Any, hooks: Hooks,
              timings: dict[str, float]) -> dict[str, Any]:
    """Label a diversity sample, train a student and classify every item of one task."""
    from snarewatch.pipeline import label
    from snarewatch.pipeline.demo_seed import seed_from_truth
    from snarewatch.tasks import load_task

    task = load_task(task_name)
    hooks.step(f"2/7 label [{task_name}]: diversity sample of {job.budget} from every ad")
    t = time.perf_counter()
    # A researcher's first step: a small hand-labelled seed set (here from the site's truth).
    seeded = seed_from_truth(s, task, job.seed, hooks)
    labels = label.run(s, LabelJob(task=task_name, budget=job.budget, method="diversity",
                                   seed=job.seed), hooks, backend=teacher).summary
    timings[f"label {task_name}"] = time.perf_counter() - t
    by_value = ", ".join(f"{k} {v}" for k, v in sorted(labels.by_value.items(),
                                                      key=lambda kv: -kv[1]))
    hooks.say(f"{labels.labelled} new labels, {labels.cached} from the cache, "
              f"{labels.failed} failed ({labels.label_seconds:.0f} s with {labels.backend}): "
              f"{by_value}; {labels.calibration}")
    if labels.seed_agreement is not None:
        hooks.say(f"the teacher agrees with {labels.seed_agreement:.0%} of the seed labels "
                  "(weighted)")
        for line in labels.dispute_lines():
            hooks.say(escape(line))  # ad text, not markup
    result: dict[str, Any] = {"labels": labels, "train": None, "classify": None}
    hooks.step(f"3/7 train [{task_name}]")
    t = time.perf_counter()
    seeded = _train(s, task, job, seeded, hooks, result)
    timings[f"train {task_name}"] = time.perf_counter() - t
    if result["train"] is None or not result["train"].promoted:
        return result
    hooks.step(f"4/7 classify [{task_name}]")
    t = time.perf_counter()
    _classify(s, task_name, seeded > 0, teacher, hooks, result)
    timings[f"classify {task_name}"] = time.perf_counter() - t
    if seeded and job.review:
        _review(s, task, job, teacher, hooks, timings, result)
    return result


def _train(s: Settings, task: Any, job: DemoJob, seeded: int, hooks: Hooks,
           result: dict[str, Any]) -> int:
    """Train the task's student into `result["train"]` (None when none could be trained).

    A student refused for thin hand labels gets what `train` advises, a second seed set, and
    one more try before the demo gives up on flags. Returns the hand labels drawn so far.
    """
    from classifiers.base import StudentError
    from snarewatch.pipeline import train
    from snarewatch.pipeline.demo_seed import seed_from_truth

    for attempt in range(2):
        try:
            result["train"] = train.run(s, TrainJob(task=task.name, seed=job.seed), hooks)
        except StudentError as exc:  # e.g. the sample held no positive: say so, go on
            hooks.say(f"[yellow]no student for {task.name}:[/yellow] {escape(str(exc))}")
            result["train"] = None
            return seeded
        hooks.say(escape(str(result["train"])))
        if result["train"].verdict:
            hooks.say(f"baseline: {escape(str(result['train'].verdict))}")
        if result["train"].promoted:
            return seeded
        refused = escape("; ".join(result["train"].refused))
        if attempt or not seeded:
            hooks.say(f"[yellow]{task.name}: the student was not promoted[/yellow] ({refused}):"
                      " no flags")
            return seeded
        hooks.say(f"[yellow]{task.name}: the student was not promoted[/yellow] ({refused}); as "
                  "`train` advises, a second seed set")
        seeded += seed_from_truth(s, task, job.seed, hooks)
    return seeded


def _review(s: Settings, task: Any, job: DemoJob, teacher: Any, hooks: Hooks,
            timings: dict[str, float], result: dict[str, Any]) -> None:
    """The researcher reads the least sure findings, and the student learns what they said."""
    from classifiers.base import StudentError
    from snarewatch.pipeline import train
    from snarewatch.pipeline.demo_seed import review_from_truth

    hooks.step(f"5/7 review [{task.name}]: a person checks the {job.review} least sure findings")
    t = time.perf_counter()
    result["before_review"] = _wildlife_quality(s)
    truth = review_from_truth(s, task, job.review, hooks)
    result["reviewed"] = truth
    hooks.say(f"`labels export --flags`: {len(truth)} findings labelled from the demo's ground "
              f"truth in place of a researcher ({len(truth) - sum(truth)} of them false)")
    if not truth:
        return
    try:
        result["train"] = train.run(s, TrainJob(task=task.name, seed=job.seed), hooks)
    except StudentError as exc:
        hooks.say(f"[yellow]no new student for {task.name}:[/yellow] {escape(str(exc))}")
        return
    hooks.say(escape(str(result["train"])))
    _classify(s, task.name, True, teacher, hooks, result)
    timings[f"review {task.name}"] = time.perf_counter() - t


def _classify(s: Settings, task_name: str, verify: bool, teacher: Any, hooks: Hooks,
              result: dict[str, Any]) -> None:
    """Classify every item with the promoted student; the teacher re-checks the new flags."""
    from snarewatch.pipeline import classify

    run = classify.run(s, ClassifyJob(task=task_name, verify=verify), _Quiet(hooks),
                       backend=teacher)
    result["classify"] = run.summary
    hooks.say(escape(str(run.summary)))
    if run.checked is not None:
        checked = run.checked
        result["verify"] = checked
        hooks.say(f"the teacher re-checked {checked.verified} flags: {checked.confirmed} "
                  f"confirmed, {checked.rejected} rejected ({checked.time_text()}; "
                  f"{escape(str(checked.calibration))})")


class _Quiet(Hooks):
    """The door's hooks without its notes: the demo tells each step in its own words."""

    def __init__(self, inner: Hooks) -> None:
        self.inner = inner
        self.loads_inline = inner.loads_inline

    def progress(self, description: str, total: int | None = None, *,
                 transient: bool = False) -> Any:
        """The door's progress bar."""
        return self.inner.progress(description, total, transient=transient)

    def load(self, settings: Settings) -> int:
        """The door's loader."""
        return self.inner.load(settings)


def _run_default_student(s: Settings, hooks: Hooks, timings: dict[str, float]) -> dict[str, Any]:
    """Score every UI element with the shipped deceptive-UI student (no LLM label needed)."""
    from classifiers.deceptive.default_student import install_default
    from snarewatch.pipeline import classify

    hooks.step("6/7 classify [deceptive-ui] with the shipped default student")
    t = time.perf_counter()
    installed = install_default(s)
    hooks.say(escape(str(installed)))
    result = classify.run(s, ClassifyJob(task="deceptive-ui", verify=False), _Quiet(hooks))
    timings["classify deceptive-ui"] = time.perf_counter() - t
    hooks.say(escape(str(result.summary)))
    return {"install": installed, "classify": result.summary}


def _run_audits(s: Settings, base_url: str, hooks: Hooks,
                timings: dict[str, float]) -> dict[str, Any]:
    """Audit every crawled shop page (reloads, cart, checkout) and give each a verdict."""
    from snarewatch.pipeline import audit

    paths = sorted({urlsplit(u).path for u in captured_urls(s.db_path, matching="/shop/")})
    hooks.step(f"7/7 audit [{len(paths)} shop pages: page checks across visits, text student, "
               "verdict]")
    t = time.perf_counter()
    done = audit.run(s, AuditJob(urls=[base_url + p for p in paths], wait_s=2.0,
                                 follow_checkout=True, concurrency=3), hooks)
    timings["audit"] = time.perf_counter() - t
    stats = done.stats()
    hooks.say(f"{stats['pages']} pages audited, {stats['deceptive']} called deceptive, "
              f"{stats['findings']} findings, {stats['failed']} failed")
    return {"pages": stats["pages"], "deceptive": stats["deceptive"], "failed": stats["failed"]}


def _summary(s: Settings, hooks: Hooks, timings: dict[str, float],
             before_review: str | None) -> dict[str, str]:
    counts = store_totals(s.db_path, ["wildlife", "deceptive-ui"])
    table = Table(title="snarewatch demo", show_header=False)
    for key, value in counts.items():
        table.add_row(key.replace("_", " "), f"{value:,}")
    for key, value in timings.items():
        table.add_row(f"time: {key}", f"{value:.1f} s")
    quality = _score_against_truth(s, before_review)
    for key, value in quality.items():
        table.add_row(key, value)
    hooks.show(table)
    hooks.show(Panel.fit(
        f"data: {s.data_dir.resolve()}  (DuckDB file {s.db_path.name}, blobs/, landing/)\n\n"
        "try:\n"
        '  snarewatch sql "select count(*) from ads"\n'
        "  snarewatch sql \"select site, url, text, score from findings where task='wildlife' "
        'order by score desc limit 20"\n'
        "  snarewatch sql \"select label, count(*) from findings where task='deceptive-ui' "
        'group by 1 order by 2 desc"',
        title="next"))
    return quality


def _score_against_truth(s: Settings, before_review: str | None) -> dict[str, str]:
    """Precision and recall of the wildlife findings (and of the shop verdicts) against the demo
    site's ground truth, before and after the review when there was one."""
    from demo_site.truth import ground_truth

    truth = ground_truth()
    figures = {"wildlife findings vs ground truth": _wildlife_quality(s)}
    if before_review:
        figures = {"wildlife findings vs ground truth, before the review": before_review,
                   "wildlife findings vs ground truth, after the review": _wildlife_quality(s)}
    return {**figures, **_score_pages(s, truth)}


def _wildlife_quality(s: Settings) -> str:
    """Precision, recall and F1 of the wildlife findings over every ad, against ground truth."""
    from demo_site.truth import ground_truth

    wildlife_paths = {ad["url"] for ad in ground_truth()["ads"] if ad["is_wildlife"]}
    tp = fp = fn = 0
    for url, flagged in ad_flags(s.db_path, "wildlife"):
        actual = urlsplit(url or "").path in wildlife_paths
        tp += actual and flagged
        fp += (not actual) and flagged
        fn += actual and not flagged
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"precision {precision:.2f}, recall {recall:.2f}, F1 {f1:.2f}"


def _score_pages(s: Settings, truth: dict[str, Any]) -> dict[str, str]:
    """Page verdicts and text flags vs the shop pages with a deceptive pattern planted.

    Pages whose only planted patterns are honest look-alikes (a real timer, a neutral decline)
    count as clean.
    """
    deceptive = {p["path"] for p in truth["pages"]
                 if any(pat["deceptive"] for pat in p["patterns"])}
    clean = set(truth["clean_pages"])
    called = {urlsplit(v.url).path for v in page_verdicts(s.db_path, deceptive=True)}
    predicted = {urlsplit(u).path
                 for u in urls_with_positive_predictions(s.db_path, "deceptive-ui")}
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
