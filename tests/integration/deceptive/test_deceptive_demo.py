"""Acceptance on the demo shop: every planted pattern found with its type and verification, and
no findings on clean pages (honest look-alikes are at most cleared checks)."""

from __future__ import annotations

import json

import pytest

from classifiers.deceptive.taxonomy import label_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _id_root(selector: str | None) -> str:
    return (selector or "").replace(" > ", " ").split(" ")[0].split(".")[0]


def _matches(finding, pattern) -> bool:
    roots = {_id_root(pattern["selector"]), _id_root(pattern.get("related_selector"))} - {""}
    return _id_root(finding.selector) in roots and finding.l2 == label_for(pattern["l2"])


def _misses(audited, pages):
    misses = []
    for page in pages:
        findings = [d for d in audited[page["path"]] if not d.cleared]
        for pattern in page["patterns"]:
            hit = [d for d in findings if _matches(d, pattern)]
            if pattern["deceptive"] and not any(
                d.verified_deceptive == pattern["verified_deceptive"] for d in hit
            ):
                misses.append(
                    (page["path"], pattern["id"], [(d.l2, d.verified_deceptive) for d in hit])
                )
            if not pattern["deceptive"] and hit:
                misses.append((page["path"], pattern["id"], "honest look-alike flagged"))
    return misses


def test_every_planted_pattern_found_with_type_and_verification(
    audited, shop_truth, shop_base, audit_settings
):
    misses = _misses(audited, shop_truth["pages"])
    # A made-up count drawn from 2..9 can repeat over all visits by chance (1 in 512 with two
    # reloads): visit a page with a missed dynamic pattern once more before failing.
    dynamic = {(p["path"]) for p in shop_truth["pages"] for pat in p["patterns"] if pat["dynamic"]}
    again = sorted({path for path, *_ in misses if path in dynamic})
    if again:
        from classifiers.deceptive import audit_visits
        from crawler.visits import visit_urls

        for path, visits in zip(
            again,
            visit_urls(audit_settings, [shop_base + p for p in again], wait_s=1.5),
            strict=True,
        ):
            audited[path] = audit_visits(visits)
        misses = _misses(audited, shop_truth["pages"])
    assert misses == []


def test_clean_pages_have_no_findings(audited, shop_truth):
    assert shop_truth["clean_pages"]
    flagged = {
        path: [(d.l2, d.text) for d in audited[path] if not d.cleared]
        for path in shop_truth["clean_pages"]
    }
    assert {p: f for p, f in flagged.items() if f} == {}


def test_genuine_timer_and_constant_stock_are_cleared_with_evidence(audited):
    checks = {d.l2: d for d in audited["/shop/dog-bed"]}
    assert (
        checks["countdown_timer"].cleared and checks["countdown_timer"].verified_deceptive == "no"
    )
    assert len(checks["countdown_timer"].evidence["readings"]) == 4  # first, later, 2 reloads
    assert checks["low_stock_message"].cleared


def test_audit_command_writes_report_and_store(shop_base, tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "SNAREWATCH_DATA_DIR": str(tmp_path / "data"),
        "SNAREWATCH_CONFIG": str(tmp_path / "absent.toml"),
    }
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "snarewatch",
            "audit",
            f"{shop_base}/shop/weighted-blanket",
            "--wait",
            "1.5",
            "--out",
            str(tmp_path / "report.html"),
            "--format",
            "json",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["student"] is None and "no deceptive-ui text student" in result["notes"][0]
    assert {f["l2"] for f in result["findings"]} >= {
        "countdown_timer",
        "confirmshaming",
        "visual_interference",
        "activity_notification",
    }
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "Recommendation" in html
    rows = subprocess.run(
        [
            sys.executable,
            "-m",
            "snarewatch",
            "sql",
            "--format",
            "json",
            "select l2, verified_deceptive, annotated_sha256 is not null as shot, "
            "element_id is not null as linked from page_findings",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    stored = json.loads(rows.stdout)
    assert len(stored) == len(result["findings"]) and all(r["shot"] for r in stored)
    assert any(r["linked"] for r in stored)
