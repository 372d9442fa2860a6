"""Ground truth of the demo site, for evaluation code and tests only (the site never imports it).

`ground_truth()` returns a JSON-ready dict:

- `ads`: one entry per ad — id, url (path), title, description, price (float | None),
  currency (ISO 4217 | None), price_text (as displayed), seller, seller_id, seller_url, location
  ("City, Country"), posted_date (ISO), images (paths), category (display name), category_slug,
  is_wildlife, product_type (wildlife only), hard_negative (kind | None; `legal_with_papers` for
  antiques sold with CITES/exemption papers, labelled not wildlife), repost_of (original id | None),
  markup (jsonld | microdata | none), layout (0-2), js_rendered, js_field (description | price |
  None), language (ISO 639-1), opengraph.
- `pages`: one entry per shop product page — path, product {slug, name, price, currency, shipping,
  checkout_total, checkout_path, cart_path}, and `patterns`: list of {id, l1, l2, text (stable
  visible text), selector, related_selector (the paired element, e.g. the reject link of a cookie
  banner, or None), path (page holding the element: the product, its cart or its checkout),
  verified_deceptive (yes | no | unknown, as Mathur's "Deceptive?": "yes" = the claim is shown
  false by reloading or checking out; "no" = no false claim, which includes honest look-alikes and
  manipulative-but-true designs such as confirmshaming), deceptive (True = a dark pattern to flag;
  False = an honest look-alike planted as a hard negative), dynamic (changes on every request)}.
- `clean_pages`: paths of shop pages with no deceptive element (some carry honest look-alikes).
- `meta`: seed, n_ads, counts.
"""

from __future__ import annotations

import json
import pathlib
from collections import Counter
from typing import Any

from demo_site import catalog as cat
from demo_site.checkout_pages import order_total
from demo_site.generator import Ad, Catalog, build_catalog
from demo_site.server import DEFAULT_N_ADS, DEFAULT_SEED
from demo_site.shop_data import CURRENCY, PATTERNS, PRODUCTS, Product, is_clean


def _ad_truth(c: Catalog, ad: Ad) -> dict[str, Any]:
    seller = c.sellers[ad.seller_id]
    return {
        "id": ad.id, "url": ad.path, "title": ad.title, "description": ad.description,
        "price": ad.price, "currency": ad.currency, "price_text": ad.price_text,
        "seller": seller.name, "seller_id": seller.id, "seller_url": f"/seller/{seller.id}",
        "location": f"{ad.city}, {ad.country}", "posted_date": ad.posted.isoformat(),
        "images": list(ad.image_paths), "category": cat.CATEGORY_BY_SLUG[ad.category].name,
        "category_slug": ad.category, "is_wildlife": ad.is_wildlife,
        "product_type": ad.product_type, "hard_negative": ad.hard_negative,
        "repost_of": ad.repost_of, "markup": ad.markup, "layout": ad.layout,
        "js_rendered": ad.js_field is not None, "js_field": ad.js_field,
        "language": ad.language, "opengraph": ad.og,
    }


def _page_truth(p: Product) -> dict[str, Any]:
    path = f"/shop/{p.slug}"
    where = {"product": path, "cart": f"/cart?add={p.slug}", "checkout": f"/checkout?add={p.slug}"}
    total = order_total(p, [], "checkout")
    patterns = []
    for key in p.patterns:
        spec = PATTERNS[key]
        patterns.append({
            "id": key, "l1": spec.l1, "l2": spec.l2, "text": spec.text, "selector": spec.selector,
            "related_selector": spec.related_selector, "path": where[spec.where],
            "verified_deceptive": spec.verified_deceptive, "deceptive": spec.deceptive,
            "dynamic": spec.dynamic,
        })
    return {
        "path": path,
        "product": {"slug": p.slug, "name": p.name, "price": p.price, "currency": CURRENCY,
                    "shipping": p.shipping, "checkout_total": total,
                    "cart_path": where["cart"], "checkout_path": where["checkout"]},
        "patterns": patterns,
    }


def ground_truth(seed: int = DEFAULT_SEED, n_ads: int = DEFAULT_N_ADS) -> dict[str, Any]:
    """Labels and expected field values for every ad and shop page of the site for (seed, n_ads)."""
    c = build_catalog(seed, n_ads)
    ads = [_ad_truth(c, ad) for ad in sorted(c.ads, key=lambda a: a.id)]
    pages = [_page_truth(p) for p in PRODUCTS]
    counts = {
        "ads": len(ads), "wildlife": sum(a["is_wildlife"] for a in ads),
        "hard_negatives": sum(a["hard_negative"] is not None for a in ads),
        "reposts": sum(a["repost_of"] is not None for a in ads),
        "categories": len({a["category_slug"] for a in ads}),
        "shop_pages": len(pages),
        "patterns": dict(Counter(p["id"] for page in pages for p in page["patterns"])),
    }
    return {
        "meta": {"seed": seed, "n_ads": n_ads, "site": cat.SITE_NAME, "counts": counts},
        "ads": ads,
        "pages": pages,
        "clean_pages": [f"/shop/{p.slug}" for p in PRODUCTS if is_clean(p)],
    }


def write_ground_truth(path: pathlib.Path, seed: int = DEFAULT_SEED,
                       n_ads: int = DEFAULT_N_ADS) -> None:
    """Write ground_truth() as pretty JSON (UTF-8), creating parent directories."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(ground_truth(seed, n_ads), ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
