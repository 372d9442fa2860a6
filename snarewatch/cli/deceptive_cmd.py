"""`snarewatch audit` (one page, end to end, for a site owner) and `snarewatch detect` (the page
detectors over stored captures). Composes crawler.visits -> classifiers.deceptive -> store."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import typer

from snarewatch.cli._common import (
    OutputFormat,
    console,
    err_console,
    esc,
    print_rows,
    progress,
    settings,
)

if TYPE_CHECKING:
    from classifiers.deceptive import Detection
    from snarewatch.config import Settings
    from snarewatch.schema import PageFinding, PageVisits

TASK = "deceptive-ui"

AUDIT_EXAMPLES = """\
Examples:

  snarewatch audit https://shop.example/product/42
  snarewatch audit https://shop.example/product/42 --out report.html
  snarewatch audit http://127.0.0.1:8300/shop/weighted-blanket --format json > findings.json
  snarewatch audit URL --no-checkout --wait 1      # quicker: no cart/checkout, shorter wait

The page is loaded, read again after --wait seconds, reloaded twice and (unless --no-checkout)
followed through add-to-cart to checkout. Findings land in the store (table page_findings):
  snarewatch sql "select l2, verified_deceptive, explanation from page_findings"
"""

DETECT_EXAMPLES = """\
Examples:

  snarewatch detect                # every stored capture with an element map, not yet checked
  snarewatch detect --site tradepost --limit 100
  snarewatch detect --force --format json # re-check captures that already have findings

Stored captures hold one visit, so timers and stock counts cannot be compared across reloads
here: such claims come out as verified "unknown". Use `snarewatch audit URL` for the full checks.
"""


def _load_student(s: Settings) -> tuple[Any, str | None, str | None]:
    """(student or None, model id, a note for the user when there is none)."""
    from classifiers.registry import load_model, promoted_model
    from snarewatch.errors import SnarewatchError

    try:
        info = promoted_model(s, TASK)
    except SnarewatchError as exc:
        return None, None, f"text student unavailable ({exc}); running the page detectors only"
    if info is None:
        return (
            None,
            None,
            (
                f"no {TASK} text student is trained yet: running the page detectors only "
                f"(train one with `snarewatch train {TASK}`)"
            ),
        )
    try:
        return load_model(info), info.model_id, None
    except SnarewatchError as exc:
        return None, None, f"cannot load text student {info.model_id} ({exc}); detectors only"


def _finding_dict(d: Detection) -> dict[str, Any]:
    from classifiers.deceptive.taxonomy import NAMES

    return {**d.as_dict(), "l2_name": NAMES.get(d.l2, d.l2)}


def _site(url: str, s: Settings | None = None, explicit: str | None = None) -> str:
    """The site name of a URL's host: the one its crawls use (one name per host)."""
    if s is None:
        return urlsplit(url).hostname or "local"
    from crawler.sitenames import site_for

    return site_for(s.data_dir, [url], explicit=explicit)


def findings_records(
    visits: PageVisits,
    detections: list[Detection],
    capture_id: str,
    element_ids: dict[str, str],
    annotated: str | None,
    model_id: str | None,
    site: str | None = None,
) -> list[PageFinding]:
    """PageFinding records for detections (cleared look-alikes are not findings)."""
    from snarewatch.schema import PageFinding, stable_id

    site = site or _site(visits.final_url or visits.url)
    return [
        PageFinding(
            finding_id=stable_id(capture_id, d.check, d.l2, d.selector or "", i),
            capture_id=capture_id,
            site=site,
            url=visits.final_url or visits.url,
            element_id=element_ids.get(d.selector or ""),
            l1=d.l1,
            l2=d.l2,
            score=d.score,
            verified_deceptive=d.verified_deceptive,
            check=d.check,
            explanation=d.explanation,
            recommendation=d.recommendation,
            evidence={**d.evidence, "text": d.text, "selector": d.selector},
            box=d.box,
            annotated_sha256=annotated,
            model_id=d.evidence.get("student", {}).get("model_id")
            if d.check == "student"
            else model_id,
        )
        for i, d in enumerate(detections)
        if not d.cleared
    ]


def audit_url(
    s: Settings, url: str, *, wait_s: float, follow_checkout: bool, store: bool = True,
    site: str | None = None,
) -> dict[str, Any]:
    """Audit one URL: visits, detectors + student, annotated screenshot, records; a result dict."""
    from classifiers.deceptive import annotate, audit_visits
    from crawler.capture import element_records
    from crawler.visits import audit_visit
    from snarewatch.schema import PageCapture, stable_id, utcnow
    from snarewatch.store import Blobs, Landing, load_pending

    started = time.perf_counter()
    visits = audit_visit(s, url, wait_s=wait_s, follow_checkout=follow_checkout)
    student, model_id, note = _load_student(s)
    detections = audit_visits(visits, student, model_id=model_id)
    findings = [d for d in detections if not d.cleared]
    cleared = [d for d in detections if d.cleared]
    annotated_png = annotate(visits.screenshot_png, detections) if visits.screenshot_png else None
    now = utcnow()
    capture_id = stable_id("audit", url, now.isoformat())
    result: dict[str, Any] = {
        "url": url,
        "final_url": visits.final_url,
        "capture_id": capture_id,
        "audited_at": now.isoformat(timespec="seconds"),
        "student": model_id,
        "notes": [note] if note else [],
        "visits": [sn.label for sn in visits.snapshots],
        "errors": visits.errors,
        "findings": [_finding_dict(d) for d in findings],
        "cleared": [_finding_dict(d) for d in cleared],
        "annotated_png": annotated_png,
    }
    if store:
        blobs, landing = Blobs(s.blobs_dir), Landing(s.landing_dir)
        shot = blobs.put(visits.screenshot_png) if visits.screenshot_png else None
        annotated = blobs.put(annotated_png) if annotated_png else None
        first = visits.snapshot("first")
        site = _site(visits.final_url or url, s, site)
        elements = element_records(first.elements if first else [], capture_id, site, url)
        element_ids = {str(e.selector): e.element_id for e in elements if e.selector}
        landing.write(
            [
                PageCapture(
                    capture_id=capture_id,
                    crawl_id="audit",
                    site=site,
                    url=url,
                    final_url=visits.final_url,
                    kind="page",
                    engine="browser",
                    fetched_at=now,
                    elapsed_ms=visits.elapsed_s * 1000,
                    title=visits.title,
                    screenshot_sha256=shot,
                )
            ]
        )
        landing.write(elements)
        landing.write(
            findings_records(visits, findings, capture_id, element_ids, annotated, model_id,
                             site)
        )
        load_pending(s.db_path, s.landing_dir)
        result["annotated_sha256"] = annotated
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


_ELEMENT_COLUMNS = (
    "element_id, capture_id, url, site, idx, tag, role, text, x, y, width, height, "
    "font_size, font_weight, color, background_color, visible, input_type, checked, "
    "in_overlay, selector, extra"
)


def _stored_visits(
    s: Settings, capture_ids: list[str]
) -> dict[str, tuple[PageVisits, dict[str, str]]]:
    """PageVisits (one "first" snapshot) and selector -> element_id per stored capture."""
    from snarewatch.schema import PageSnapshot, PageVisits
    from snarewatch.store import Blobs, query_records

    rows = query_records(
        s.db_path,
        f"SELECT {_ELEMENT_COLUMNS} FROM ui_elements "
        "WHERE list_contains(?, capture_id) ORDER BY capture_id, idx",
        [capture_ids],
    )
    shots = {
        r["capture_id"]: r["screenshot_sha256"]
        for r in query_records(
            s.db_path,
            "SELECT capture_id, screenshot_sha256 FROM page_captures "
            "WHERE list_contains(?, capture_id)",
            [capture_ids],
        )
    }
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        extra = row.pop("extra")
        grouped.setdefault(row["capture_id"], []).append(
            {**(json.loads(extra) if isinstance(extra, str) and extra else {}), **row}
        )
    blobs = Blobs(s.blobs_dir)
    out = {}
    for cid, elements in grouped.items():
        sha = shots.get(cid)
        png = blobs.get(sha) if sha and blobs.exists(sha) else None
        url = str(elements[0]["url"] or "")
        visits = PageVisits(
            url=url,
            final_url=url,
            snapshots=[PageSnapshot(label="first", url=url, elements=elements)],
            screenshot_png=png,
        )
        out[cid] = (
            visits,
            {str(e["selector"]): str(e["element_id"]) for e in elements if e["selector"]},
        )
    return out


def detect_stored(
    s: Settings,
    *,
    site: str | None = None,
    limit: int | None = None,
    force: bool = False,
    batch: int = 200,
    student: bool = True,
) -> dict[str, Any]:
    """Detect patterns on stored captures (single visits); returns counts for the summary.

    With `student=False` only the page detectors run, even when a deceptive-ui student is
    promoted: their findings are checks, not predictions.
    """
    from classifiers.deceptive import annotate, audit_visits
    from snarewatch.store import Blobs, Landing, load_pending, query_records

    where, params = ["capture_id IS NOT NULL"], []
    if site:
        where.append("site = ?")
        params.append(site)
    if not force:
        where.append(
            "capture_id NOT IN (SELECT capture_id FROM page_findings WHERE capture_id IS NOT NULL)"
        )
    sql = f"SELECT DISTINCT capture_id FROM ui_elements WHERE {' AND '.join(where)} ORDER BY 1"
    ids = [
        r["capture_id"]
        for r in query_records(s.db_path, sql + (f" LIMIT {int(limit)}" if limit else ""), params)
    ]
    model, model_id, note = _load_student(s) if student else (None, None, None)
    blobs, landing = Blobs(s.blobs_dir), Landing(s.landing_dir)
    by_type: dict[tuple[str, str], int] = {}
    pages = with_findings = n_findings = failed = 0
    with progress() as bar:
        task = bar.add_task("detecting", total=len(ids), status="")
        for start in range(0, len(ids), batch):
            records = []
            for cid, (visits, element_ids) in _stored_visits(s, ids[start : start + batch]).items():
                pages += 1
                try:
                    found = audit_visits(visits, model, model_id=model_id, include_cleared=False)
                    annotated = (
                        blobs.put(annotate(visits.screenshot_png, found))
                        if found and visits.screenshot_png
                        else None
                    )
                except (ValueError, OSError) as exc:  # a broken screenshot or element map
                    failed += 1
                    err_console.print(f"[red]{esc(cid)}: {esc(exc)}[/red]", highlight=False)
                    continue
                records.extend(
                    findings_records(visits, found, cid, element_ids, annotated, model_id,
                                     _site(visits.final_url or visits.url, s))
                )
                with_findings += bool(found)
                for d in found:
                    by_type[(d.l1, d.l2)] = by_type.get((d.l1, d.l2), 0) + 1
                bar.advance(task)
            n_findings += len(records)
            landing.write(records)
        load_pending(s.db_path, s.landing_dir)
    return {
        "notes": [note] if note else [],
        "pages": pages,
        "pages_with_findings": with_findings,
        "findings": n_findings,
        "failed": failed,
        "student": model_id,
        "by_type": [
            {"l1": k[0], "l2": k[1], "findings": v}
            for k, v in sorted(by_type.items(), key=lambda kv: -kv[1])
        ],
    }


def _print_audit(result: dict[str, Any], fmt: OutputFormat) -> None:
    for note in result["notes"]:
        err_console.print(f"[yellow]note:[/yellow] {esc(note)}", highlight=False)
    rows = [
        {
            "#": i,
            "verified": f["verified_deceptive"],
            "type": f["l2_name"],
            "L1": f["l1"],
            "check": f["check"],
            "text": f["text"][:50],
            "why": f["explanation"],
        }
        for i, f in enumerate(result["findings"], start=1)
    ]
    print_rows(rows, fmt, title=f"Deceptive patterns on {result['url']}")
    if fmt is not OutputFormat.table:
        return
    for f in result["cleared"]:
        console.print(
            f"[green]checked, honest:[/green] {esc(f['l2_name'])}: {esc(f['explanation'])}",
            highlight=False
        )
    console.print(
        f"[dim]{len(result['findings'])} findings in {result['seconds']} s "
        f"(visits: {esc(', '.join(result['visits']))})[/dim]"
    )


def register(app: typer.Typer) -> None:
    """Add the `audit` and `detect` commands."""

    @app.command("audit", epilog=AUDIT_EXAMPLES)
    def audit(
        url: str = typer.Argument(..., help="The page to audit (http/https)."),
        out: Path = typer.Option(
            None, "--out", "-o", help="Write a self-contained HTML report here."
        ),
        fmt: OutputFormat = typer.Option(
            OutputFormat.table, "--format", "-f", help="table (human) or json (machine)."
        ),
        wait: float = typer.Option(
            2.0, "--wait", min=0, help="Seconds between the first two reads."
        ),
        checkout: bool = typer.Option(
            True, "--checkout/--no-checkout", help="Follow add-to-cart to checkout (drip pricing)."
        ),
        screenshot_out: Path = typer.Option(
            None, "--png", help="Also save the annotated screenshot."
        ),
        store: bool = typer.Option(
            True, "--store/--no-store", help="Keep the findings in the store."
        ),
        site: str = typer.Option(
            None, "--site", help="Name the site (default: the name its host already has)."
        ),
    ) -> None:
        """Audit one page for deceptive design, for its owner.

        Each finding comes with its type, verification, evidence and a recommendation,
        drawn on an annotated screenshot.

        Works offline: without a trained deceptive-ui text student the page detectors
        run alone, and the output says so.
        """
        if urlsplit(url).scheme not in {"http", "https"}:
            raise typer.BadParameter("give a full http(s) URL", param_hint="URL")
        from snarewatch.cli.audit_html import render_audit_html

        with progress(transient=True) as bar:
            bar.add_task(f"auditing {url}", total=None, status="")
            result = audit_url(settings(), url, wait_s=wait, follow_checkout=checkout, store=store,
                               site=site)
        png = result.pop("annotated_png")
        if out is not None:
            out.write_text(
                render_audit_html(url, result["findings"], result["cleared"], png, result),
                encoding="utf-8",
            )
            err_console.print(f"wrote {esc(out)}")
        if screenshot_out is not None and png:
            screenshot_out.write_bytes(png)
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
        else:
            _print_audit(result, fmt)

    @app.command("detect", epilog=DETECT_EXAMPLES)
    def detect(
        site: str = typer.Option(None, "--site", help="Only captures of this site."),
        limit: int = typer.Option(None, "--limit", min=1, help="At most this many captures."),
        force: bool = typer.Option(
            False, "--force", help="Also captures that already have findings."
        ),
        no_student: bool = typer.Option(
            False, "--no-student", help="Page detectors only, even when a student is promoted."
        ),
        fmt: OutputFormat = typer.Option(
            OutputFormat.table, "--format", "-f", help="Output format."
        ),
    ) -> None:
        """Run the deceptive-UI page detectors over stored captures.

        The promoted deceptive-ui text student joins in when there is one. Writes PageFinding
        records and annotated screenshots.
        """
        summary = detect_stored(settings(), site=site, limit=limit, force=force,
                                student=not no_student)
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps(summary, indent=2, default=str) + "\n")
            return
        for note in summary.pop("notes"):
            err_console.print(f"[yellow]note:[/yellow] {esc(note)}", highlight=False)
        print_rows(summary.pop("by_type"), fmt, title="Findings by type")
        console.print(esc(", ".join(f"{k}: {v}" for k, v in summary.items())))
