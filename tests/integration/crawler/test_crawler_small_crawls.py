"""A researcher's first crawls of the demo marketplace: small crawls reach ads, a URL gives its
page's ad, and the host is one site everywhere."""

from __future__ import annotations

import re

import pytest

from crawler.keywords import bundled
from crawler.run import run_crawl
from snarewatch.store import load_pending, query_records


def _ads(settings) -> list[dict]:
    load_pending(settings.db_path, settings.landing_dir)
    return query_records(settings.db_path, "SELECT url, site, price, currency FROM ads")


@pytest.mark.browser
@pytest.mark.parametrize("keywords", [None, "cites"], ids=["seeds", "cites-keywords"])
def test_thirty_pages_reach_at_least_ten_ads(settings, demo_base: str, keywords) -> None:
    summary = run_crawl(settings, "demo", base_url=demo_base, max_pages=30,
                        keywords=bundled(keywords) if keywords else None)
    assert summary.fetched + sum(summary.errors_by_kind.values()) == 30
    assert summary.ads >= 10, summary.pages_by_kind
    assert all(re.search(r"/ad/\d+", a["url"]) for a in _ads(settings))
    assert summary.stop_reason == "max_pages" and summary.note is None


def test_a_crawl_of_listings_only_says_why_it_found_no_ads(settings, demo_base: str) -> None:
    summary = run_crawl(settings, "demo", start=[f"{demo_base}/c/pets-birds"], max_pages=1,
                        engine="http")
    assert summary.ads == 0 and summary.pages_by_kind == {"listing": 1}
    assert summary.note and "all listing/search pages" in summary.note
    assert "raise --max-pages" in summary.note


def test_generic_roles_on_the_demo_home_shop_and_product_pages(settings, demo_base: str) -> None:
    kinds = {}
    for path in ("/", "/shop", "/c/pets-birds", "/shop/yoga-mat"):
        s = run_crawl(settings, demo_base + path, max_pages=1, engine="http")
        kinds[path] = next(iter(s.pages_by_kind))
    assert kinds == {"/": "listing", "/shop": "listing", "/c/pets-birds": "listing",
                     "/shop/yoga-mat": "ad"}
    (mat,) = _ads(settings)
    assert (mat["price"], mat["currency"]) == (59.0, "AUD")  # the shop's "Prices in AUD"


@pytest.mark.browser
def test_the_demo_host_is_one_site_in_crawls_audits_and_views(settings, demo_base: str) -> None:
    from snarewatch.pipeline.audit import audit_url

    run_crawl(settings, "demo", base_url=demo_base, max_pages=5, engine="http")
    run_crawl(settings, f"{demo_base}/shop/yoga-mat", max_pages=1, engine="http")
    audit_url(settings, f"{demo_base}/shop/yoga-mat", wait_s=0, follow_checkout=False)
    load_pending(settings.db_path, settings.landing_dir)
    names = set()
    for table in ("page_captures", "ads", "crawls", "page_findings", "ui_elements", "sites"):
        names |= {r["site"] for r in query_records(settings.db_path,
                                                   f"SELECT DISTINCT site FROM {table}")}
    assert names == {"demo"}
