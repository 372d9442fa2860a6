"""Crawls of the demo marketplace checked against its ground truth."""

from __future__ import annotations

import re
from typing import Any

import pytest

from crawler.run import run_crawl
from snarewatch.store import Blobs, load_pending, query_records


def _ads_by_demo_id(settings) -> dict[str, dict[str, Any]]:
    load_pending(settings.db_path, settings.landing_dir)
    rows = query_records(settings.db_path, "SELECT * FROM ads")
    out = {}
    for r in rows:
        m = re.search(r"/ad/(\d+)", r["url"])
        assert m, f"non-ad page stored as an ad: {r['url']}"
        out[m.group(1)] = r
    return out


def _mismatches(got: dict[str, Any], t: dict[str, Any], base: str, check_js: bool) -> list[str]:
    expected = {"title": t["title"], "seller": t["seller"], "location": t["location"],
                "posted_at": t["posted_date"], "seller_url": base + t["seller_url"],
                "image_urls": [base + p for p in t["images"]], "description": t["description"],
                "price": t["price"], "currency": t["currency"]}
    if not check_js and t["js_field"] == "description":
        del expected["description"]
    if not check_js and t["js_field"] == "price":
        del expected["price"], expected["currency"]
    return [k for k, v in expected.items() if got[k] != v]


def test_http_crawl_finds_every_ad_with_its_fields(settings, demo_base, truth) -> None:
    summary = run_crawl(settings, "demo", base_url=demo_base, engine="http")
    assert summary.status == "done" and summary.queued_left == 0
    assert set(summary.errors_by_kind) <= {"robots", "not_html"}  # cart/checkout, a manual
    ads = _ads_by_demo_id(settings)
    assert set(ads) == set(truth)
    bad = {i: _mismatches(ads[i], t, demo_base, check_js=False) for i, t in truth.items()}
    assert {i: b for i, b in bad.items() if b} == {}
    caps = query_records(settings.db_path, "SELECT kind, count(*) n FROM page_captures "
                                           "WHERE outcome = 'ok' GROUP BY kind")
    assert {r["kind"] for r in caps} == {"ad", "listing", "page"}


@pytest.mark.browser
@pytest.mark.slow
def test_auto_crawl_renders_javascript_fields_and_groups_reposts(settings, demo_base,
                                                                 truth) -> None:
    first = run_crawl(settings, "demo", base_url=demo_base, engine="auto")
    ads = _ads_by_demo_id(settings)
    assert set(ads) == set(truth)
    bad = {i: _mismatches(ads[i], t, demo_base, check_js=True) for i, t in truth.items()}
    assert {i: b for i, b in bad.items() if b} == {}
    engines = query_records(settings.db_path, "SELECT engine, count(*) n FROM page_captures "
                                              "WHERE kind = 'ad' GROUP BY engine")
    n_js = sum(1 for t in truth.values() if t["js_rendered"])
    assert {r["engine"]: r["n"] for r in engines}["browser"] >= n_js
    # Reposts share a cluster with their original; unrelated ads rarely do.
    pairs = [(i, t["repost_of"]) for i, t in truth.items() if t["repost_of"]]
    shared = sum(ads[i]["repost_cluster"] == ads[o]["repost_cluster"] for i, o in pairs)
    assert shared >= 0.9 * len(pairs)
    roots = {}
    for i in truth:
        r = i
        while truth[r]["repost_of"]:
            r = truth[r]["repost_of"]
        roots[i] = r
    false_merges = sum(1 for i in ads for j in ads if i < j and roots[i] != roots[j]
                       and ads[i]["repost_cluster"] == ads[j]["repost_cluster"])
    assert false_merges <= 0.1 * len(pairs)
    # A second crawl adds no duplicates: same ads, every one recognised as already stored.
    second = run_crawl(settings, "demo", base_url=demo_base, engine="auto")
    assert second.ads == 0 and second.duplicates >= len(truth)
    again = _ads_by_demo_id(settings)
    assert len(again) == len(truth) == first.ads
    assert {i: a["repost_cluster"] for i, a in again.items()} == {
        i: a["repost_cluster"] for i, a in ads.items()}


@pytest.mark.browser
def test_browser_crawl_stores_screenshots_and_element_maps(settings, demo_base) -> None:
    summary = run_crawl(settings, "demo", base_url=demo_base, engine="browser", max_pages=10)
    assert summary.screenshots == summary.fetched == 10 and summary.elements > 100
    load_pending(settings.db_path, settings.landing_dir)
    caps = query_records(settings.db_path,
                         "SELECT capture_id, screenshot_sha256 FROM page_captures")
    blobs = Blobs(settings.blobs_dir)
    for c in caps:
        assert blobs.get(c["screenshot_sha256"])[:8] == b"\x89PNG\r\n\x1a\n"
    rows = query_records(settings.db_path, "SELECT capture_id, count(*) n, "
                                           "count(*) FILTER (WHERE tag = 'a') links, "
                                           "count(*) FILTER (WHERE role = 'heading') heads "
                                           "FROM ui_elements GROUP BY capture_id")
    assert {r["capture_id"] for r in rows} == {c["capture_id"] for c in caps}
    assert all(r["links"] > 0 and r["heads"] > 0 for r in rows)
