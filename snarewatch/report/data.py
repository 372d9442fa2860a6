"""The figures a report shows, read from the store's analyst views in one read-only connection."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from snarewatch.store import connect_readonly

Rows = list[dict[str, Any]]

AD_TASK = "wildlife"
"""The ad task the per-ad sections show when the store holds it or no other ad task."""
ELEMENT_TASK = "deceptive-ui"
"""The UI-element task the patterns section shows when the store holds it or no other."""
TOP_N = 15

# Each query reads one of the documented views or table macros (docs/report.md), so what the
# report shows is what `snarewatch sql` shows. {ads}, {sellers}, {clusters}, {elements} and
# {sites} are the macros applied to the tasks the report is about. Names become attributes of
# ReportData.
_QUERIES: dict[str, str] = {
    "totals": """
        SELECT (SELECT count(*) FROM ads) AS ads,
               (SELECT count(*) FROM {ads} WHERE positive) AS flagged_ads,
               (SELECT count(*) FROM {sellers} WHERE flagged_ads > 0) AS flagged_sellers,
               (SELECT count(*) FROM {clusters} WHERE flagged_ads > 0 AND ads > 1)
                   AS flagged_clusters,
               (SELECT count(*) FROM page_captures) AS pages,
               (SELECT count(*) FROM ui_elements) AS ui_elements,
               (SELECT count(*) FROM {elements} WHERE flagged) AS flagged_elements,
               (SELECT count(*) FROM page_findings) AS page_findings,
               (SELECT count(*) FROM {sites}) AS sites,
               (SELECT count(*) FROM models) AS models,
               (SELECT count(*) FROM labels WHERE error IS NULL) AS labels,
               (SELECT count(*) FROM predictions) AS predictions,
               (SELECT count(*) FROM {ads} WHERE model_id IS NOT NULL) AS classified_ads""",
    "sites": "SELECT * FROM {sites} ORDER BY flagged_ads + flagged_elements DESC, ads DESC, site",
    "by_category": """
        SELECT coalesce(category, '(none)') AS category, count(*) AS ads,
               count(*) FILTER (WHERE positive) AS flagged
        FROM {ads} GROUP BY 1 ORDER BY flagged DESC, ads DESC LIMIT {top_n}""",
    "by_week": """
        SELECT date_trunc('week', posted_date) AS week, count(*) AS ads,
               count(*) FILTER (WHERE positive) AS flagged
        FROM {ads} WHERE posted_date IS NOT NULL GROUP BY 1 ORDER BY 1""",
    "prices": """
        SELECT currency, price, positive FROM {ads}
        WHERE price > 0 AND currency IS NOT NULL""",
    "price_summary": """
        SELECT currency, positive AS flagged, count(*) AS ads,
               round(median(price), 2) AS median_price, round(min(price), 2) AS min_price,
               round(max(price), 2) AS max_price
        FROM {ads} WHERE price > 0 AND currency IS NOT NULL
        GROUP BY ALL ORDER BY currency, flagged DESC""",
    "top_sellers": """
        SELECT seller, ads, flagged_ads, flag_rate, n_sites, repost_clusters,
               array_to_string(product_types, ', ') AS product_types, first_posted, last_posted
        FROM {sellers} WHERE flagged_ads > 0
        ORDER BY flagged_ads DESC, flag_rate DESC, seller LIMIT {top_n}""",
    "top_clusters": """
        SELECT repost_cluster, ads, flagged_ads, n_sellers,
               array_to_string(sellers, ', ') AS sellers, n_sites, min_price, max_price,
               example_title
        FROM {clusters} WHERE ads > 1
        ORDER BY flagged_ads > 0 DESC, n_sellers DESC, ads DESC, repost_cluster LIMIT {top_n}""",
    "product_types": """
        SELECT product_type, count(*) AS ads, count(*) FILTER (WHERE positive) AS flagged
        FROM {ads} WHERE product_type IS NOT NULL GROUP BY 1 ORDER BY ads DESC""",
    "top_flagged_ads": """
        SELECT site, title, price, currency, seller, product_type, round(score, 3) AS score, url
        FROM {ads} WHERE positive ORDER BY score DESC NULLS LAST, ad_id LIMIT {top_n}""",
    "patterns_by_site": """
        WITH p AS (
            SELECT site, pattern FROM {elements} WHERE pattern IS NOT NULL
            UNION ALL
            -- Page-level findings not tied to an element (e.g. a drip-pricing check) count too.
            SELECT site, trim(regexp_replace(lower(l2), '[^a-z0-9]+', '_', 'g'), '_') AS pattern
            FROM page_findings WHERE element_id IS NULL
        )
        SELECT site, pattern, count(*) AS n FROM p GROUP BY ALL ORDER BY site, n DESC""",
    "top_deceptive": """
        SELECT site, pattern, verified_deceptive, round(greatest(score, finding_score), 3) AS score,
               left(text, 120) AS text, url
        FROM {elements} WHERE pattern IS NOT NULL
        ORDER BY finding_id IS NOT NULL DESC, score DESC NULLS LAST, element_id LIMIT {top_n}""",
    "page_verdicts": """
        SELECT site, url, CASE WHEN deceptive THEN 'deceptive' ELSE 'no' END AS verdict,
               round(probability, 2) AS p, array_to_string(types, ', ') AS types,
               array_to_string(verified_types, ', ') AS shown_false, visits
        FROM current_page_verdicts ORDER BY deceptive DESC, probability DESC, url LIMIT 100""",
    "evidence": """
        SELECT annotated_sha256, any_value(url) AS url, any_value(site) AS site,
               count(*) AS findings, string_agg(DISTINCT l2, ', ' ORDER BY l2) AS patterns
        FROM page_findings WHERE annotated_sha256 IS NOT NULL
        GROUP BY annotated_sha256 ORDER BY findings DESC, annotated_sha256 LIMIT 4""",
    "models": """
        SELECT m.model_id, m.task, m.student, m.threshold, m.classes, m.card, m.created_at,
               (pm.model_id IS NOT NULL) AS promoted
        FROM models m LEFT JOIN promoted_models pm USING (model_id)
        ORDER BY m.task, promoted DESC, m.created_at DESC""",
    "eval_runs": """
        SELECT run_id, kind, started_at, finished_at, params, stats FROM runs
        WHERE kind ILIKE '%eval%' AND status = 'done' ORDER BY coalesce(finished_at, started_at)""",
    "verification": """
        SELECT task, count(*) AS flags,
               count(*) FILTER (WHERE verification = 'confirmed') AS confirmed,
               count(*) FILTER (WHERE verification = 'rejected') AS rejected,
               count(*) FILTER (WHERE verification = 'unverified') AS unverified,
               string_agg(DISTINCT verified_by, ', ') AS checked_by
        FROM flags GROUP BY task ORDER BY task""",
    "task_overview": """
        SELECT task, item_kind, scored, flagged, labelled, findings, flag_rate
        FROM task_overview ORDER BY item_kind, task""",
    "task_top": """
        SELECT task, site, url, text, round(score, 3) AS score FROM task_items WHERE positive
        QUALIFY row_number() OVER (PARTITION BY task ORDER BY score DESC, item_id) <= {top_n}
        ORDER BY task, score DESC, item_id""",
}

_TASKS_SQL = """
    SELECT task, item_kind, count(*) AS n FROM (
        SELECT task, item_kind FROM labels UNION ALL SELECT task, item_kind FROM predictions)
    GROUP BY ALL ORDER BY task"""


@dataclass(frozen=True)
class ReportTasks:
    """The tasks whose flags the per-ad and per-element sections show."""

    ad: str = AD_TASK
    ad_positive: str | None = "wildlife_product"
    """The ad task's one positive label, for `product_type` (None: labels are never types)."""
    ad_title: str = "Wildlife"
    """The ad task's display name as a heading begins, for chart titles."""
    element: str = ELEMENT_TASK

    @property
    def bundled(self) -> bool:
        """True when both are the bundled tasks, whose views carry their own names."""
        return (self.ad, self.element) == (AD_TASK, ELEMENT_TASK)

    def sources(self) -> dict[str, str]:
        """The table macro calls the queries read, with the task names as SQL literals."""
        ad, el = _literal(self.ad), _literal(self.element)
        pos = _literal(self.ad_positive) if self.ad_positive is not None else "NULL"
        return {"ads": f"task_ads({ad}, positive_label := {pos})",
                "sellers": f"task_sellers({ad}, positive_label := {pos})",
                "clusters": f"task_repost_clusters({ad})",
                "elements": f"task_elements({el})",
                "sites": f"task_sites({ad}, {el})"}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _spec_facts(task: str) -> tuple[str | None, str]:
    """The spec's positive label ('' when each positive label is a type) and display name."""
    from snarewatch.errors import ConfigError
    from snarewatch.tasks import load_task

    try:
        spec = load_task(task)
    except ConfigError:
        return None, task
    return (spec.positive[0] if len(spec.positive) == 1 else ""), spec.title


def choose_tasks(kinds: dict[str, str], task: str | None = None) -> ReportTasks:
    """Which ad and UI-element tasks the report is about.

    `kinds` maps each stored task to its item kind. A task asked for by name is used for its
    kind; otherwise the bundled task when the store holds it, else the first stored task of
    that kind, else the bundled one.
    """
    def pick(kind: str, default: str) -> str:
        if task is not None and kinds.get(task) == kind:
            return task
        stored = sorted(t for t, k in kinds.items() if k == kind)
        return default if default in stored or not stored else stored[0]

    ad = pick("ad", AD_TASK)
    positive, title = _spec_facts(ad)
    return ReportTasks(ad=ad, ad_positive=positive, ad_title=title[:1].upper() + title[1:],
                       element=pick("ui_element", ELEMENT_TASK))


@dataclass
class ReportData:
    """Everything the report draws, as rows of plain Python values."""

    totals: dict[str, int] = field(default_factory=dict)
    sites: Rows = field(default_factory=list)
    by_category: Rows = field(default_factory=list)
    by_week: Rows = field(default_factory=list)
    prices: Rows = field(default_factory=list)
    price_summary: Rows = field(default_factory=list)
    top_sellers: Rows = field(default_factory=list)
    top_clusters: Rows = field(default_factory=list)
    product_types: Rows = field(default_factory=list)
    top_flagged_ads: Rows = field(default_factory=list)
    patterns_by_site: Rows = field(default_factory=list)
    top_deceptive: Rows = field(default_factory=list)
    page_verdicts: Rows = field(default_factory=list)
    evidence: Rows = field(default_factory=list)
    models: Rows = field(default_factory=list)
    eval_runs: Rows = field(default_factory=list)
    verification: Rows = field(default_factory=list)
    tasks: Rows = field(default_factory=list)
    about: ReportTasks = field(default_factory=ReportTasks)
    task_overview: Rows = field(default_factory=list)
    task_top: Rows = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """True when the store holds nothing to report on."""
        t = self.totals
        return not any(t.get(k) for k in ("ads", "ui_elements", "pages", "page_findings", "models"))


def _rows(conn: duckdb.DuckDBPyConnection, sql: str) -> Rows:
    cursor = conn.execute(sql)
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _decode_json(rows: Rows, *columns: str) -> Rows:
    # DuckDB hands JSON columns back as text; the report wants dicts.
    for row in rows:
        for col in columns:
            value = row.get(col)
            if isinstance(value, str):
                try:
                    row[col] = json.loads(value)
                except ValueError:
                    row[col] = {}
            elif value is None:
                row[col] = {}
    return rows


def load_report_data(db_path: Path, task: str | None = None) -> ReportData:
    """Run every report query against the store (read-only; an absent store reads as empty).

    The per-ad and per-element figures are those of `task` when it names a stored task of
    that kind, else of the tasks `choose_tasks` picks.
    """
    data = ReportData()
    with connect_readonly(db_path) as conn:
        data.tasks = _rows(conn, _TASKS_SQL)
        data.about = choose_tasks({r["task"]: r["item_kind"] for r in data.tasks}, task)
        names = {**data.about.sources(), "top_n": TOP_N}
        for name, sql in _QUERIES.items():
            rows = _rows(conn, sql.format(**names))
            setattr(data, name, rows[0] if name == "totals" else rows)
    _decode_json(data.models, "card")
    _decode_json(data.eval_runs, "params", "stats")
    return data
