"""Demo-site catalog and ground truth: deterministic, with the promised mix of content."""

from __future__ import annotations

import json

from demo_site import catalog as cat
from demo_site.generator import build_catalog, misspell, slugify
from demo_site.money import format_price
from demo_site.shop_data import PATTERNS, PRODUCTS
from demo_site.truth import ground_truth, write_ground_truth
from demo_site.wildlife import PRODUCT_TYPES


def test_same_seed_same_catalog_and_truth():
    fresh = build_catalog.__wrapped__(7, 1600)  # bypass the cache: really generate twice
    cached = build_catalog(7, 1600)
    assert fresh == cached
    assert json.dumps(ground_truth(7, 1600)) == json.dumps(ground_truth(7, 1600))


def test_other_seed_gives_other_ads():
    a = [ad.title for ad in build_catalog(7, 300).ads]
    b = [ad.title for ad in build_catalog(8, 300).ads]
    assert a != b


def test_counts_and_mix():
    gt = ground_truth()
    ads = gt["ads"]
    n = len(ads)
    assert n >= 1500
    assert len({a["category"] for a in ads}) >= 15
    wildlife = [a for a in ads if a["is_wildlife"]]
    hard = [a for a in ads if a["hard_negative"]]
    assert len(wildlife) >= 0.05 * n
    assert len(hard) >= 0.10 * n
    assert not any(a["is_wildlife"] and a["hard_negative"] for a in ads)
    assert {a["product_type"] for a in wildlife} == set(PRODUCT_TYPES)
    assert all(a["product_type"] is None for a in ads if not a["is_wildlife"])
    assert any(a["hard_negative"] == "legal_with_papers" for a in hard)
    assert len({a["id"] for a in ads}) == n
    assert len({a["language"] for a in ads}) >= 5
    assert {a["markup"] for a in ads} == {"jsonld", "microdata", "none"}
    js = sum(a["js_rendered"] for a in ads)
    assert 0.05 * n < js < 0.15 * n
    assert any(a["price"] is None and a["currency"] is None for a in ads)


def test_reposts_point_to_an_original_by_the_same_seller():
    ads = {a["id"]: a for a in ground_truth()["ads"]}
    reposts = [a for a in ads.values() if a["repost_of"]]
    assert 0.03 * len(ads) <= len(reposts) <= 0.07 * len(ads)
    for r in reposts:
        orig = ads[r["repost_of"]]
        assert orig["repost_of"] is None
        assert r["seller_id"] == orig["seller_id"]
        assert r["is_wildlife"] == orig["is_wildlife"]
        assert r["title"] != orig["title"]


def test_small_sites_keep_the_mix():
    gt = ground_truth(seed=3, n_ads=200)
    assert len(gt["ads"]) == 200
    assert sum(a["is_wildlife"] for a in gt["ads"]) >= 10
    assert sum(a["hard_negative"] is not None for a in gt["ads"]) >= 20


def test_shop_truth_has_deceptive_and_honest_twins():
    gt = ground_truth()
    assert len(gt["pages"]) >= 20
    found = {(p["l2"], p["deceptive"]) for page in gt["pages"] for p in page["patterns"]}
    for l2 in ("Countdown Timer", "Low-stock Message", "Confirmshaming",
               "Preselection / Bad Default", "Hidden Costs / Drip Pricing",
               "False Hierarchy / Visual Interference"):
        assert (l2, True) in found and (l2, False) in found, l2
    for l2 in ("Activity Notification", "High-demand Message", "Limited-time Message",
               "Disguised Ad"):
        assert (l2, True) in found, l2
    assert len(gt["clean_pages"]) >= 10
    deceptive_pages = {pg["path"] for pg in gt["pages"]
                       if any(p["deceptive"] for p in pg["patterns"])}
    assert deceptive_pages.isdisjoint(gt["clean_pages"])
    assert all(spec.verified_deceptive in ("yes", "no", "unknown") for spec in PATTERNS.values())
    assert len({p.slug for p in PRODUCTS}) == len(PRODUCTS)


def test_write_ground_truth(tmp_path):
    out = tmp_path / "sub" / "truth.json"
    write_ground_truth(out, seed=5, n_ads=150)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["meta"]["seed"] == 5 and len(data["ads"]) == 150


def test_price_formats_and_helpers():
    assert format_price(1250.0, "AUD", 0) == "$1,250.00"
    assert format_price(80.0, "AUD", 1) == "AU$ 80"
    assert format_price(45.5, "EUR", 0) == "€45,50"
    assert format_price(1200000.0, "VND", 0) == "1.200.000 ₫"
    assert slugify("Rượu cao hổ cốt 5 năm") == "ruou-cao-ho-cot-5-nam"
    import random

    assert misspell("Old Ivory bangle", random.Random(1)).lower() != "old ivory bangle"
    assert cat.REF_DATE.year == 2025
