"""The audit use case: visit pages, run the page checks and the text student, give each page a
verdict, keep the findings. Composes crawler.visits -> classifiers.deceptive -> store;
`snarewatch audit`, the worker's audit task, `detect` and the demo use it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from snarewatch.pipeline.hooks import QUIET, Hooks
from snarewatch.pipeline.jobs import AuditJob

if TYPE_CHECKING:
    from classifiers.deceptive import Detection
    from snarewatch.config import Settings
    from snarewatch.errors import FetchError
    from snarewatch.schema import PageFinding, PageVerdict, PageVisits

TASK = "deceptive-ui"


def load_student(s: Settings) -> tuple[Any, str | None, str | None]:
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


def site_name(url: str, s: Settings | None = None, explicit: str | None = None) -> str:
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

    site = site or site_name(visits.final_url or visits.url)
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


def audit_urls(
    s: Settings, urls: list[str], *, wait_s: float, follow_checkout: bool, store: bool = True,
    site: str | None = None, concurrency: int = 1, hooks: Hooks = QUIET,
) -> list[dict[str, Any] | FetchError]:
    """Audit pages with one Chromium, `concurrency` at a time: visits, detectors + student,
    annotated screenshot, verdict, records. One result dict per URL, or the FetchError that
    stopped its visit (the others go on)."""
    from crawler.visits import visit_urls

    student, model_id, note = load_student(s)
    visits = visit_urls(s, urls, concurrency=concurrency, wait_s=wait_s,
                        follow_checkout=follow_checkout)
    out: list[dict[str, Any] | FetchError] = []
    for url, v in zip(urls, visits, strict=True):
        if isinstance(v, Exception):
            out.append(v)
            continue
        result = _audit_result(s, url, v, student, model_id, store=store, site=site)
        result["notes"] = [note] if note else []
        result["seconds"] = round(v.elapsed_s, 2)
        out.append(result)
    if store:
        hooks.load(s)
    return out


@dataclass
class AuditRun:
    """One result per URL: the audit's dict, or the FetchError that stopped its visit."""

    results: list[dict[str, Any] | FetchError] = field(default_factory=list)

    @property
    def done(self) -> list[dict[str, Any]]:
        """The pages that were audited."""
        return [r for r in self.results if not isinstance(r, Exception)]

    @property
    def failed(self) -> list[FetchError]:
        """The pages whose visit failed."""
        return [r for r in self.results if isinstance(r, Exception)]

    def stats(self) -> dict[str, Any]:
        """Counts for the worker's run record (and the demo's summary)."""
        done = self.done
        return {"pages": len(done), "deceptive": sum(r["verdict"]["deceptive"] for r in done),
                "findings": sum(len(r["findings"]) for r in done), "failed": len(self.failed),
                "verdicts": [{"url": r["url"], **r["verdict"]} for r in done]}


def run(s: Settings, job: AuditJob, hooks: Hooks = QUIET) -> AuditRun:
    """Audit the job's pages (`concurrency` at a time in one Chromium)."""
    with hooks.progress(f"auditing {', '.join(job.urls) if len(job.urls) == 1 else len(job.urls)}"
                        + ("" if len(job.urls) == 1 else
                           f" pages, {job.concurrency} at a time"), transient=True):
        results = audit_urls(s, list(job.urls), wait_s=job.wait_s,
                             follow_checkout=job.follow_checkout, store=job.store,
                             site=job.site, concurrency=job.concurrency, hooks=hooks)
    return AuditRun(results=results)


def audit_url(
    s: Settings, url: str, *, wait_s: float, follow_checkout: bool, store: bool = True,
    site: str | None = None,
) -> dict[str, Any]:
    """Audit one URL (see `audit_urls`); raises FetchError when the page cannot be visited."""
    result = audit_urls(s, [url], wait_s=wait_s, follow_checkout=follow_checkout, store=store,
                        site=site)[0]
    if isinstance(result, Exception):
        raise result
    return result


def _audit_result(
    s: Settings, url: str, visits: PageVisits, student: Any, model_id: str | None, *,
    store: bool, site: str | None,
) -> dict[str, Any]:
    """Detections, verdict and (with `store`) the landed records of one visited page."""
    from classifiers.deceptive import annotate
    from classifiers.deceptive.page import audit_page
    from classifiers.deceptive.verdict import page_verdict
    from crawler.capture import element_records
    from snarewatch.schema import PageCapture, stable_id, utcnow
    from snarewatch.store import Blobs, Landing

    audit = audit_page(visits, student, model_id=model_id)
    detections = audit.detections
    findings = [d for d in detections if not d.cleared]
    cleared = [d for d in detections if d.cleared]
    annotated_png = annotate(visits.screenshot_png, detections) if visits.screenshot_png else None
    now = utcnow()
    capture_id = stable_id("audit", url, now.isoformat())
    final = visits.final_url or url
    site = site_name(final, s, site) if store else site_name(final)
    verdict = page_verdict(audit, visits, site=site, capture_id=capture_id)
    result: dict[str, Any] = {
        "url": url,
        "final_url": visits.final_url,
        "capture_id": capture_id,
        "audited_at": now.isoformat(timespec="seconds"),
        "student": model_id,
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
        result["annotated_sha256"] = annotated
    return result


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
