"""Fault suite: every misbehaviour of a local server ends as a recorded outcome with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from faultserver import write_profile

from crawler.run import run_crawl
from snarewatch.store import load_pending, query_records

EXPECTED = {
    "/err500": "server_error", "/rate429long": "rate_limited", "/slow": "timeout",
    "/drip": "timeout", "/huge": "too_large", "/loop1": "redirect_loop", "/file.zip": "not_html",
    "/data.json": "not_html", "/private/secret": "robots", "/notfound": "not_found",
    "/flaky503": "ok", "/rate429": "ok", "/malformed": "ok", "/product/1": "ok", "/js-only": "ok",
}


def _captures(settings) -> dict[str, dict]:
    load_pending(settings.db_path, settings.landing_dir)
    rows = query_records(settings.db_path, "SELECT * FROM page_captures")
    return {r["url"].split("//", 1)[1].split("/", 1)[1].join(["/", ""]): r for r in rows}


def test_fault_suite_http(settings, fault_site: str, tmp_path: Path) -> None:
    profile = write_profile(tmp_path / "faults.toml")
    summary = run_crawl(settings, str(profile), base_url=fault_site)
    assert summary.status == "partial"  # some pages failed, and are counted
    assert summary.failed == sum(n for k, n in summary.errors_by_kind.items()
                                 if k not in ("robots", "not_html"))
    caps = _captures(settings)
    for path, outcome in EXPECTED.items():
        assert caps[path]["outcome"] == outcome, path
        if outcome != "ok":
            assert caps[path]["error"], path  # a reason is recorded
    assert "Retry-After" in caps["/rate429long"]["error"]
    assert summary.errors_by_kind["timeout"] == 2 and summary.errors_by_kind["not_html"] == 2
    # Traps: the endless pagination and calendar stop after a few barren pages.
    lists = [p for p in caps if p.startswith("/list")]
    cals = [p for p in caps if p.startswith("/cal/")]
    assert 2 <= len(lists) <= 6 and 2 <= len(cals) <= 6
    # Session-id and non-http links never become separate fetches.
    assert not any("sessionid" in p or p.startswith("mailto") for p in caps)
    ads = query_records(settings.db_path, "SELECT title, price, currency, seller FROM ads")
    assert ads == [{"title": "Antique ivory carving", "price": 450.0, "currency": "USD",
                    "seller": "curio_dealer"}]
    # Nothing already captured is lost: every finished page has its HTML blob.
    from snarewatch.store import Blobs

    blobs = Blobs(settings.blobs_dir)
    assert all(blobs.exists(c["html_sha256"]) for c in caps.values() if c["outcome"] == "ok")


def test_limits_stop_the_crawl_and_leave_the_rest_queued(settings, fault_site: str,
                                                         tmp_path: Path) -> None:
    profile = write_profile(tmp_path / "faults.toml")
    summary = run_crawl(settings, str(profile), base_url=fault_site, max_pages=3)
    assert summary.stop_reason == "max_pages"
    assert summary.queued_left > 0
    assert len(_captures(settings)) == 3


def test_generic_profile_for_a_url_target(settings, fault_site: str) -> None:
    summary = run_crawl(settings, f"{fault_site}/product/1", engine="http", max_pages=1)
    assert summary.ads == 1
    load_pending(settings.db_path, settings.landing_dir)
    (ad,) = query_records(settings.db_path, "SELECT site, field_sources FROM ads")
    assert ad["site"] == fault_site.split("//")[1]
    assert '"price": "jsonld"' in ad["field_sources"]


@pytest.mark.browser
def test_fault_suite_browser(settings, fault_site: str, tmp_path: Path) -> None:
    seeds = '["{base}/err500", "{base}/loop1", "{base}/file.zip", "{base}/slow", ' \
            '"{base}/malformed", "{base}/js-only", "{base}/rate429", "{base}/private/secret"]'
    profile = write_profile(tmp_path / "faults.toml", seeds=seeds, render="browser")
    summary = run_crawl(settings, str(profile), base_url=fault_site, max_pages=20)
    assert summary.status == "partial"
    caps = _captures(settings)
    assert caps["/err500"]["outcome"] == "server_error"
    assert caps["/loop1"]["outcome"] == "redirect_loop"
    assert caps["/file.zip"]["outcome"] == "not_html"
    assert caps["/slow"]["outcome"] == "timeout"
    assert caps["/private/secret"]["outcome"] == "robots"
    for ok in ("/malformed", "/js-only", "/rate429"):
        assert caps[ok]["outcome"] == "ok" and caps[ok]["engine"] == "browser", ok
        assert caps[ok]["screenshot_sha256"], ok


@pytest.mark.browser
def test_auto_engine_renders_pages_that_need_javascript(settings, fault_site: str,
                                                        tmp_path: Path) -> None:
    profile = write_profile(tmp_path / "faults.toml",
                            seeds='["{base}/js-only", "{base}/product/1"]',
                            render="auto", extra="[patterns]\nskip = ['/$']")
    run_crawl(settings, str(profile), base_url=fault_site, max_pages=5)
    caps = _captures(settings)
    assert caps["/js-only"]["engine"] == "browser"
    assert caps["/js-only"]["title"] == "Rendered rhino horn cup"
    assert caps["/product/1"]["engine"] == "http"
