"""Golden tests on demo-marketplace ad pages rendered in-process (no server, no browser)."""

from __future__ import annotations

import pytest

from crawler.extract import extract_fields
from crawler.sites import load_site

BASE = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def catalog():
    from demo_site.generator import build_catalog

    return build_catalog(7, 400)


def test_demo_profile_extracts_every_server_rendered_field(catalog) -> None:
    from demo_site.ad_pages import render_ad

    site = load_site("demo")
    combos = set()
    for ad in catalog.ads:
        ex = extract_fields(render_ad(catalog, ad, BASE), BASE + ad.path, site.selectors)
        f = ex.fields
        seller = catalog.sellers[ad.seller_id]
        assert f["title"] == ad.title
        assert f["seller"] == seller.name
        assert f["seller_url"] == f"{BASE}/seller/{seller.id}"
        assert f["location"] == f"{ad.city}, {ad.country}"
        assert f["posted_at"] == ad.posted.isoformat()
        assert f["image_urls"] == [BASE + p for p in ad.image_paths]
        if ad.js_field != "description":
            assert f["description"] == ad.description
        if ad.js_field != "price":
            assert f.get("price") == ad.price
            assert f.get("currency") == ad.currency
        else:
            assert "price" not in f  # loaded by JavaScript: the http page has no price
        combos.add((ad.markup, ad.layout))
    assert len(combos) == 9  # every markup x layout combination was exercised


def test_generic_extraction_without_selectors_finds_structured_ads(catalog) -> None:
    from demo_site.ad_pages import render_ad

    structured = [a for a in catalog.ads if a.markup != "none" and not a.js_field][:60]
    for ad in structured:
        ex = extract_fields(render_ad(catalog, ad, BASE), BASE + ad.path)
        assert ex.has_product
        assert ex.fields["title"] == ad.title
        if ad.price is not None:
            assert ex.fields["price"] == ad.price
