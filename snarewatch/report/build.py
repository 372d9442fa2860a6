"""Assemble the analyst report: data from the views, charts, and one self-contained HTML file."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from snarewatch.report import plots
from snarewatch.report.data import AD_TASK, ReportData, load_report_data
from snarewatch.report.evaluations import (
    budget_curve_candidates,
    budget_series,
    latest_evaluations,
    load_budget_curve,
    model_cards,
)
from snarewatch.report.evidence import load_evidence
from snarewatch.report.html import empty, esc, figure, page, section, table, tiles
from snarewatch.report.task_sections import tasks_section
from snarewatch.report.teacher_cards import teacher_cards_html

log = logging.getLogger(__name__)

MAX_SITES = 15

GET_STARTED = (
    "snarewatch demo                      # the whole loop on a local demo marketplace",
    "snarewatch crawl SITE                # or: snarewatch import ads FILE.csv",
    "snarewatch label wildlife            # LLM labels on a diverse sample",
    "snarewatch train wildlife && snarewatch classify wildlife",
    "snarewatch report",
)


@dataclass
class ReportResult:
    """What `build_report` wrote."""

    path: Path
    sections: list[str] = field(default_factory=list)
    empty: bool = False
    bytes: int = 0


@dataclass
class _Context:
    data: ReportData
    task: str | None
    registry_dir: Path | None
    data_dir: Path | None
    budget_curve_path: Path | None
    blobs_dir: Path | None = None


def _wants(ctx: _Context, task: str) -> bool:
    return ctx.task is None or ctx.task == task


def _kind_task(ctx: _Context, kind: str) -> str:
    """The task whose flags the sections on this item kind show."""
    about = ctx.data.about
    return about.ad if kind == "ad" else about.element


def _sql_names(ctx: _Context, *views: str) -> str:
    """How to query what a section shows: the bundled views, or the macros for the tasks."""
    about = ctx.data.about
    if about.bundled:
        return "views " + " and ".join(views)
    calls = {"sites": f"task_sites('{about.ad}', '{about.element}')",
             "wildlife_ads": f"task_ads('{about.ad}')",
             "sellers": f"task_sellers('{about.ad}')",
             "repost_clusters": f"task_repost_clusters('{about.ad}')",
             "deceptive_elements": f"task_elements('{about.element}')"}
    return " and ".join(calls.get(v, v) for v in views)


def _where(ctx: _Context) -> str:
    d = ctx.data
    if not d.totals.get("ads") and not d.sites:
        return empty("No ads or pages stored yet.", GET_STARTED[:2])
    parts = []
    if not d.totals.get("classified_ads"):
        parts.append(empty("Ads are stored but none is classified yet, so nothing is flagged.",
                           (f"snarewatch train {d.about.ad}", f"snarewatch classify {d.about.ad}")))
    by_site = plots.flagged_bars(d.sites[:MAX_SITES], "site", "ads", "flagged_ads",
                                 f"{d.about.ad_title} flags by site")
    by_cat = plots.flagged_bars(d.by_category, "category", "ads", "flagged",
                                f"{d.about.ad_title} flags by category")
    parts.append(f'<div class="grid2">{figure(by_site, "flags by site")}'
                 f'{figure(by_cat, "flags by category")}</div>')
    parts.append(figure(plots.flags_over_time(d.by_week, "Ads and flags per week (posting date)"),
                        "flags over time", "Posting date as the site shows it; the capture date "
                        "when an ad has none."))
    parts.append(table(d.sites, ["site", "pages", "ads", "flagged_ads", "ad_flag_rate",
                                 "ui_elements", "flagged_elements", "page_findings",
                                 "page_finding_rate", "last_crawl"]))
    return section("where", "Where and when", "Flagged ads by site, category and week. "
                   f"SQL: {_sql_names(ctx, 'sites', 'wildlife_ads')}.", "".join(parts))


def _prices(ctx: _Context) -> str:
    d = ctx.data
    if not d.prices:
        return section("prices", "Prices", "Price distributions of flagged and other ads.",
                       empty("No ads with a parsed price and currency yet."))
    chart = plots.price_distributions(d.prices)
    why = (" Wildlife products often sit far above the price of look-alike goods."
           if d.about.ad == AD_TASK else "")
    return section("prices", "Prices", "Flagged ads (red) against all other ads (grey), per "
                   f"currency on a log scale; dashed lines are medians.{why} "
                   f"SQL: {_sql_names(ctx, 'wildlife_ads')}.",
                   figure(chart, "price distributions") + table(d.price_summary))


def _who(ctx: _Context) -> str:
    d = ctx.data
    if not d.top_sellers and not d.top_clusters:
        return section("who", "Sellers and reposts", "Who sells flagged items, and reposted ads.",
                       empty("No flagged sellers or repost clusters yet (needs classified ads "
                             "with seller names; repost clusters come from the crawler)."))
    sellers = plots.ranked_bars(d.top_sellers, "seller", "flagged_ads",
                                "Top sellers by flagged ads", note="ads")
    clusters = plots.clusters_chart(d.top_clusters, "Largest repost clusters")
    sellers_fig = figure(sellers, "top sellers", "Number after each bar: all ads by the seller.")
    body = (f'<div class="grid2">{sellers_fig}'
            f'{figure(clusters, "repost clusters", "Red: the cluster holds flagged ads.")}</div>'
            "<h3>Top sellers</h3>" + (table(d.top_sellers) or empty("No flagged sellers."))
            + "<h3>Repost clusters (several copies; several seller names hide one source)</h3>"
            + (table(d.top_clusters) or empty("No ad was posted more than once.")))
    if d.product_types:
        body += "<h3>Product types (from labels)</h3>" + table(d.product_types)
    if d.top_flagged_ads:
        body += "<h3>Highest-scoring flagged ads</h3>" + table(d.top_flagged_ads, max_chars=70)
    return section("who", "Sellers and reposts", "Sellers with the most flagged ads, and ads "
                   "reposted as near-copies. "
                   f"SQL: {_sql_names(ctx, 'sellers', 'repost_clusters')}.", body)


def _patterns(ctx: _Context) -> str:
    d = ctx.data
    if not d.patterns_by_site:
        msg = ("No deceptive patterns found yet." if d.totals.get("ui_elements") else
               "No UI elements stored yet: crawl shopping pages with the browser engine.")
        return section("patterns", "Deceptive patterns", "Pattern types by site.",
                       empty(msg, ("snarewatch audit URL",
                                   f"snarewatch classify {d.about.element}"))
                       + _verdicts(d.page_verdicts))
    chart = plots.stacked_patterns(d.patterns_by_site, "Deceptive pattern types by site")
    shots = load_evidence(d.evidence, ctx.blobs_dir)
    gallery = ""
    if shots:
        gallery = "<h3>Annotated pages</h3>" + '<div class="grid2">' + "".join(
            figure(e.uri, f"annotated page {e.url}",
                   f"{e.site}: {e.findings} finding(s): {e.patterns}. {e.url}") for e in shots
        ) + "</div>"
    return section("patterns", "Deceptive patterns", "Flagged UI elements and page findings by "
                   f"pattern type. SQL: {_sql_names(ctx, 'deceptive_elements')} and table "
                   "page_findings.",
                   figure(chart, "pattern types by site") + _verdicts(d.page_verdicts)
                   + "<h3>Strongest examples</h3>" + table(d.top_deceptive, max_chars=80)
                   + gallery)


def _verdicts(rows: list[dict[str, Any]]) -> str:
    """The audited pages' verdicts, the same `snarewatch audit` prints and the extension shows."""
    if not rows:
        return ""
    called = sum(r["verdict"] == "deceptive" for r in rows)
    return (f"<h3>Page verdicts</h3><p>{called} of the {len(rows)} audited pages shown called "
            "deceptive "
            "(one calibrated decision a page from the page checks and the text student; "
            "SQL: view current_page_verdicts).</p>" + table(rows, max_chars=80))


def _models(ctx: _Context) -> str:
    d = ctx.data
    cards = [c for c in model_cards(d.models) if _wants(ctx, c.task)]
    parts: list[str] = []
    if cards:
        promoted_or_latest = {}
        for c in cards:  # rows arrive promoted first, then newest: keep one per task for the chart
            promoted_or_latest.setdefault(c.task, c)
        parts.append(figure(plots.metrics_chart(list(promoted_or_latest.values()),
                                                "Cross-validated quality on LLM labels"),
                            "model metrics", "★ promoted model. Out-of-fold scores against the "
                            "teacher's labels, not against people: see the gold evaluation."))
        parts.append(table([{
            "task": c.task, "model": c.model_id, "student": c.student,
            "promoted": c.promoted, "trust": c.trust, "threshold": c.threshold,
            **{k: round(v, 3) for k, v in c.metrics.items()},
            "trained": c.created_at,
        } for c in cards[:20]]))
        if d.verification:
            parts.append("<h3>How the flags were checked</h3>")
            parts.append(table([r for r in d.verification if _wants(ctx, r["task"])]))
    else:
        parts.append(empty("No trained models yet.", ("snarewatch train wildlife",
                                                      "snarewatch train deceptive-ui")))
    evals = {t: e for t, e in latest_evaluations(d.eval_runs, ctx.registry_dir, d.models,
                                                   ctx.data_dir).items()
             if _wants(ctx, t)}
    parts.append("<h3>Latest gold evaluation per task</h3>")
    if evals:
        figs = []
        for task, ev in sorted(evals.items()):
            caption = ", ".join(f"{k} {v:.3f}" if k != "n" else f"n {int(v)}"
                                for k, v in ev.metrics.items())
            if ev.teacher_metrics:
                caption += "; teacher on the same rows: " + ", ".join(
                    f"{k} {v:.3f}" for k, v in ev.teacher_metrics.items() if k != "n")
            figs.append(figure(plots.confusion_matrix(ev.classes, ev.confusion,
                                                      f"{task}: {ev.model_id or 'model'}"),
                               f"confusion matrix {task}", f"{caption} ({ev.source})"))
        parts.append(f'<div class="grid2">{"".join(figs)}</div>')
    else:
        parts.append(empty("No gold evaluation stored yet: score a model against human labels.",
                           ("snarewatch eval wildlife --gold gold.csv",)))
    parts.append(teacher_cards_html(ctx.data_dir, ctx.task))
    parts.append("<h3>Budget curve</h3>")
    doc, path = load_budget_curve(ctx.budget_curve_path, ctx.data_dir)
    series = budget_series(doc) if doc else {}
    if ctx.task is not None:
        series = {k: v for k, v in series.items() if ctx.task in k} or series
    if series:
        parts.append(figure(plots.budget_curve(series, "Student quality against labelling budget"),
                            "budget curve", f"from {path}"))
    else:
        where = (f" (looked for {budget_curve_candidates(ctx.data_dir)[0]})"
                 if ctx.data_dir is not None else "")
        parts.append(empty(f"No budget curve yet{where}. `snarewatch loop` with "
                           "--gold scores the student of each labelling round on your gold file "
                           "and writes one; or pass --budget-curve FILE.",
                           (f"snarewatch loop {ctx.task or 'wildlife'} --rounds 5 --per-round 50 "
                            "--gold gold.csv",)))
    return section("models", "How sure are the models", "Model cards, the latest gold "
                   "evaluation and how quality grows with the labelling budget.", "".join(parts))


def _headline(ctx: _Context) -> str:
    t = ctx.data.totals
    items: list[tuple[str, object, bool]] = []
    if _wants(ctx, _kind_task(ctx, "ad")):
        items += [("ads", t["ads"], False), ("flagged ads", t["flagged_ads"], True),
                  ("sellers flagged", t["flagged_sellers"], True),
                  ("flagged repost clusters", t["flagged_clusters"], True)]
    if _wants(ctx, _kind_task(ctx, "ui_element")):
        items += [("UI elements", t["ui_elements"], False),
                  ("deceptive elements", t["flagged_elements"], True),
                  ("page findings", t["page_findings"], True)]
    items += [("pages crawled", t["pages"], False), ("sites", t["sites"], False),
              ("models", t["models"], False)]
    return tiles(items)


SECTIONS: dict[str, tuple[str, str | None, Callable[[_Context], str]]] = {
    "where": ("Where & when", "ad", _where),
    "prices": ("Prices", "ad", _prices),
    "who": ("Sellers & reposts", "ad", _who),
    "patterns": ("Deceptive patterns", "ui_element", _patterns),
    "tasks": ("Tasks", None, lambda ctx: tasks_section(ctx.data, lambda t: _wants(ctx, t))),
    "models": ("Models", None, _models),
}
"""Report sections: anchor -> (navigation title, item kind of the task it shows or None for all
tasks, builder)."""


def render_report(data: ReportData, *, task: str | None = None, registry_dir: Path | None = None,
                  data_dir: Path | None = None, budget_curve: Path | None = None,
                  blobs_dir: Path | None = None, source: str = "") -> tuple[str, list[str]]:
    """The report as HTML text and the anchors of the sections it holds."""
    ctx = _Context(data, task, registry_dir, data_dir, budget_curve, blobs_dir)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = "snarewatch findings" + (f": {task}" if task else "")
    subtitle = f"{source} · generated {now}" if source else f"generated {now}"
    footer = ("Flags are a small student model's predictions distilled from LLM labels: check "
              "before acting. Every figure here is a query on the store's views; see "
              "docs/report.md.")
    if data.is_empty:
        body = ('<section class="hero-empty"><h2>Nothing to report yet</h2>'
                "<p class=\"lead\">The store holds no ads, pages or models. Fill it first, then "
                "run the report again:</p>"
                f"<pre>{esc(chr(10).join(GET_STARTED))}</pre></section>")
        return page(title, subtitle, [], body, footer), ["empty"]
    chosen = [(a, n, fn) for a, (n, kind, fn) in SECTIONS.items()
              if kind is None or _wants(ctx, _kind_task(ctx, kind))]
    body = _headline(ctx) + "".join(fn(ctx) for _, _, fn in chosen)
    nav = [(a, n) for a, n, _ in chosen]
    return page(title, subtitle, nav, body, footer), [a for a, _, _ in chosen]


def build_report(db_path: Path, out: Path, *, task: str | None = None,
                 registry_dir: Path | None = None, data_dir: Path | None = None,
                 budget_curve: Path | None = None, blobs_dir: Path | None = None) -> ReportResult:
    """Read the store, draw the charts and write one self-contained HTML file to `out`.

    `data_dir` is where eval-*.json and budget_curve.json are looked for; `blobs_dir` holds the
    annotated screenshots of audited pages (default: `data_dir/blobs`).
    """
    data = load_report_data(db_path, task)
    if blobs_dir is None and data_dir is not None:
        blobs_dir = Path(data_dir) / "blobs"
    text, sections = render_report(data, task=task, registry_dir=registry_dir, data_dir=data_dir,
                                   budget_curve=budget_curve, blobs_dir=blobs_dir,
                                   source=f"store {db_path}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)  # never leave a half-written report behind
    log.info("wrote report %s (%d bytes)", out, len(text))
    return ReportResult(path=out, sections=sections, empty=data.is_empty, bytes=len(text.encode()))
