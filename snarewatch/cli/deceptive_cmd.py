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
    from snarewatch.schema import PageFinding, PageVerdict, PageVisits

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
                f"no {TASK} text student is installed: running the page detectors only "
                f"(install the default with `snarewatch models install-default`)"
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
    from classifiers.deceptive import annotate
    from classifiers.deceptive.page import audit_page
    from classifiers.deceptive.verdict import page_verdict
    from crawler.capture import element_records
    from crawler.visits import audit_visit
    from snarewatch.schema import PageCapture, stable_id, utcnow
    from snarewatch.store import Blobs, Landing, load_pending

    started = time.perf_counter()
    visits = audit_visit(s, url, wait_s=wait_s, follow_checkout=follow_checkout)
    student, model_id, note = _load_student(s)
    audit = audit_page(visits, student, model_id=model_id)
    detections = audit.detections
    findings = [d for d in detections if not d.cleared]
    cleared = [d for d in detections if d.cleared]
    annotated_png = annotate(visits.screenshot_png, detections) if visits.screenshot_png else None
    now = utcnow()
    capture_id = stable_id("audit", url, now.isoformat())
    site = _site(visits.final_url or url, s, site) if store else _site(visits.final_url or url)
    verdict = page_verdict(audit, visits, site=site, capture_id=capture_id)
    result: dict[str, Any] = {
        "url": url,
        "final_url": visits.final_url,
        "capture_id": capture_id,
        "audited_at": now.isoformat(timespec="seconds"),
        "student": model_id,
        "notes": [note] if note else [],
        "verdict": verdict_dict(verdict),
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
        landing.write([verdict])
        load_pending(s.db_path, s.landing_dir)
        result["annotated_sha256"] = annotated
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def detect_stored(s: Settings, **kwargs: Any) -> dict[str, Any]:
    """Detect patterns on stored captures and give each page a verdict (see deceptive_detect)."""
    from snarewatch.cli.deceptive_detect import detect_stored as run

    return run(s, **kwargs)


def verdict_dict(v: PageVerdict) -> dict[str, Any]:
    """The verdict as printed and returned by `audit --format json`."""
    from classifiers.deceptive.taxonomy import NAMES

    return {"deceptive": v.deceptive, "probability": v.probability, "types": v.types,
            "type_names": [NAMES.get(t, t) for t in v.types], "verified_types": v.verified_types,
            "rule": v.rule, "features": v.evidence.get("features", {})}


def verdict_line(verdict: dict[str, Any]) -> str:
    """One line for people: the decision, its probability and the types behind it."""
    p = f"P {verdict['probability']:.2f}"
    if not verdict["deceptive"]:
        hint = f"; text hints: {', '.join(verdict['type_names'])}" if verdict["types"] else ""
        return f"Verdict: no deceptive design found ({p}{hint})"
    shown = set(verdict["verified_types"])
    types = ", ".join(name + (" (shown false)" if t in shown else "")
                      for t, name in zip(verdict["types"], verdict["type_names"], strict=True))
    return f"Verdict: DECEPTIVE ({p}): {types}"


def _print_audit(result: dict[str, Any], fmt: OutputFormat) -> None:
    for note in result["notes"]:
        err_console.print(f"[yellow]note:[/yellow] {esc(note)}", highlight=False)
    if fmt is OutputFormat.table and result.get("verdict"):
        style = "bold red" if result["verdict"]["deceptive"] else "bold green"
        console.print(f"[{style}]{esc(verdict_line(result['verdict']))}[/{style}]", highlight=False)
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
