"""The detect use case over stored captures: rebuild each page's visit from the store, run the
page audit, write findings and a page verdict. Composes classifiers.deceptive with the store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from snarewatch.pipeline.audit import findings_records, load_student, site_name
from snarewatch.pipeline.hooks import QUIET, Hooks
from snarewatch.pipeline.jobs import DetectJob

if TYPE_CHECKING:
    from snarewatch.config import Settings
    from snarewatch.schema import PageFinding, PageVerdict, PageVisits


def _stored_visits(
    s: Settings, capture_ids: list[str]
) -> dict[str, tuple[PageVisits, dict[str, str]]]:
    """PageVisits (one "first" snapshot) and selector -> element_id per stored capture."""
    from snarewatch.schema import PageSnapshot, PageVisits
    from snarewatch.store import Blobs
    from snarewatch.store.reads import capture_screenshots, stored_elements

    shots = capture_screenshots(s.db_path, capture_ids)
    blobs = Blobs(s.blobs_dir)
    out = {}
    for cid, records in stored_elements(s.db_path, capture_ids).items():
        # The page checks read elements as mappings: the record's fields over its extras.
        elements = [{**e.extra, **e.model_dump(exclude={"extra", "source", "captured_at"})}
                    for e in records]
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
            {str(e.selector): e.element_id for e in records if e.selector},
        )
    return out


def run(s: Settings, job: DetectJob, hooks: Hooks = QUIET) -> dict[str, Any]:
    """Detect patterns on the stored captures the job selects (see `detect_stored`)."""
    return detect_stored(s, site=job.site, limit=job.limit, force=job.force, batch=job.batch,
                         student=job.student, hooks=hooks)


def detect_stored(
    s: Settings,
    *,
    site: str | None = None,
    limit: int | None = None,
    force: bool = False,
    batch: int = 200,
    student: bool = True,
    hooks: Hooks = QUIET,
) -> dict[str, Any]:
    """Detect patterns on stored captures (single visits); returns counts for the summary.

    With `student=False` only the page detectors run, even when a deceptive-ui student is
    promoted: their findings are checks, not predictions. Each page also gets a verdict
    (`page_verdicts`); pages with a verdict or findings are skipped unless `force`.
    """
    from classifiers.deceptive import annotate
    from classifiers.deceptive.page import audit_page
    from classifiers.deceptive.verdict import page_verdict
    from snarewatch.store import Blobs, Landing
    from snarewatch.store.reads import captures_to_check

    ids = captures_to_check(s.db_path, site=site, limit=limit, again=force)
    model, model_id, note = load_student(s) if student else (None, None, None)
    blobs, landing = Blobs(s.blobs_dir), Landing(s.landing_dir)
    by_type: dict[tuple[str, str], int] = {}
    pages = with_findings = n_findings = failed = deceptive = 0
    done = 0
    with hooks.progress("detecting", total=len(ids)) as advance:
        for start in range(0, len(ids), batch):
            records: list[PageFinding] = []
            verdicts: list[PageVerdict] = []
            for cid, (visits, element_ids) in _stored_visits(s, ids[start : start + batch]).items():
                pages += 1
                try:
                    audit = audit_page(visits, model, model_id=model_id)
                    found = [d for d in audit.detections if not d.cleared]
                    annotated = (
                        blobs.put(annotate(visits.screenshot_png, found))
                        if found and visits.screenshot_png
                        else None
                    )
                except (ValueError, OSError) as exc:  # a broken screenshot or element map
                    failed += 1
                    hooks.note(f"{cid}: {exc}", style="red")
                    continue
                page_site = site_name(visits.final_url or visits.url, s)
                records.extend(
                    findings_records(visits, found, cid, element_ids, annotated, model_id,
                                     page_site)
                )
                verdict = page_verdict(audit, visits, site=page_site, capture_id=cid)
                verdicts.append(verdict)
                deceptive += verdict.deceptive
                with_findings += bool(found)
                for d in found:
                    by_type[(d.l1, d.l2)] = by_type.get((d.l1, d.l2), 0) + 1
                done += 1
                advance(completed=done)
            n_findings += len(records)
            landing.write(records)
            landing.write(verdicts)
            verdicts = []
        hooks.load(s)
    return {
        "notes": [note] if note else [],
        "pages": pages,
        "pages_with_findings": with_findings,
        "pages_deceptive": deceptive,
        "findings": n_findings,
        "failed": failed,
        "student": model_id,
        "by_type": [
            {"l1": k[0], "l2": k[1], "findings": v}
            for k, v in sorted(by_type.items(), key=lambda kv: -kv[1])
        ],
    }
