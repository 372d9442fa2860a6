"""Ad detail pages in three layouts, with JSON-LD, microdata or no structured data."""

from __future__ import annotations

import json
from typing import Any

from demo_site import catalog as cat
from demo_site.generator import Ad, Catalog, Seller
from demo_site.money import json_price
from demo_site.templates import breadcrumbs, e, grid, human_date, page

SCHEMA = "https://schema.org"


def ad_json(ad: Ad, seller: Seller) -> dict[str, Any]:
    """The ad as served by /api/ads/<id>.json (what the site's own scripts render from)."""
    return {
        "id": ad.id, "title": ad.title, "description": ad.description,
        "price": ad.price, "currency": ad.currency, "price_text": ad.price_text,
        "seller": {"id": seller.id, "name": seller.name, "url": f"/seller/{seller.id}"},
        "location": f"{ad.city}, {ad.country}", "posted": ad.posted.isoformat(),
        "images": list(ad.image_paths), "category": cat.CATEGORY_BY_SLUG[ad.category].name,
    }


def _jsonld(ad: Ad, seller: Seller, base: str) -> str:
    offer: dict[str, Any] = {
        "@type": "Offer", "availability": f"{SCHEMA}/InStock", "url": f"{base}{ad.path}",
        "seller": {"@type": "Person", "name": seller.name},
    }
    # Fields the page renders with JavaScript are not in the server-side markup either.
    if ad.price is not None and ad.js_field != "price":
        offer["price"] = json_price(ad.price)
        offer["priceCurrency"] = ad.currency
    data = {
        "@context": SCHEMA, "@type": "Product", "name": ad.title, "description": ad.description,
        "sku": ad.id, "category": cat.CATEGORY_BY_SLUG[ad.category].name,
        "image": [f"{base}{p}" for p in ad.image_paths], "offers": offer,
    }
    if ad.js_field == "description":
        del data["description"]
    # "</" inside a script block would end it early; JSON allows escaping the slash.
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def _summary(ad: Ad) -> str:
    """Meta description: the start of the text, unless the page loads the text with JavaScript."""
    if ad.js_field == "description":
        return f"{ad.title} in {ad.city}. See photos and details on {cat.SITE_NAME}."
    return ad.description[:155]


def _og(ad: Ad, base: str) -> str:
    tags = [
        ("og:type", "product"), ("og:site_name", cat.SITE_NAME), ("og:title", ad.title),
        ("og:description", _summary(ad)), ("og:url", f"{base}{ad.path}"),
        ("og:image", f"{base}{ad.image_paths[0]}"),
    ]
    if ad.price is not None and ad.currency and ad.js_field != "price":
        tags += [("product:price:amount", json_price(ad.price)),
                 ("product:price:currency", ad.currency)]
    return "\n".join(f'<meta property="{k}" content="{e(v)}">' for k, v in tags)


class _Parts:
    """The fragments every layout places differently (markup attributes already applied)."""

    md: bool

    def ip(self, name: str) -> str:
        """An itemprop attribute on microdata pages, nothing otherwise."""
        return f' itemprop="{name}"' if self.md else ""

    def __init__(self, ad: Ad, seller: Seller) -> None:
        md = ad.markup == "microdata"
        self.md = md
        lang = f' lang="{ad.language}"' if ad.language != "en" else ""
        self.lang = lang
        self.title = e(ad.title)
        if ad.js_field == "description":
            # Filled in by site.js from /api/ads/<id>.json; a plain fetch sees only the placeholder.
            self.description = (f'<div class="desc-body"{self.ip("description")}{lang} '
                                f'data-js-field="description" data-ad="{ad.id}"><p class="loading">'
                                f'Loading description…</p></div>')
        else:
            self.description = (f'<div class="desc-body"{self.ip("description")}{lang}>'
                                f"<p>{e(ad.description)}</p></div>")
        price_inner = "" if ad.js_field == "price" else e(ad.price_text)
        js = f' data-js-field="price" data-ad="{ad.id}"' if ad.js_field == "price" else ""
        if md and ad.price is not None:
            content = "" if ad.js_field == "price" else f' content="{json_price(ad.price)}"'
            self.price = (
                f'<span itemprop="offers" itemscope itemtype="{SCHEMA}/Offer">'
                f'<span class="amount" itemprop="price"{content}{js}>{price_inner}</span>'
                f'<meta itemprop="priceCurrency" content="{ad.currency}">'
                f'<link itemprop="availability" href="{SCHEMA}/InStock">'
                f'<span itemprop="seller" itemscope itemtype="{SCHEMA}/Person">'
                f'<meta itemprop="name" content="{e(seller.name)}"></span></span>')
        else:
            self.price = f'<span class="amount"{js}>{price_inner}</span>'
        imgs = [f'<img src="{p}" alt="{e(ad.title)} photo {i + 1}" width="640" height="480"'
                f'{self.ip("image") if i == 0 else ""}>' for i, p in enumerate(ad.image_paths)]
        self.main_img = imgs[0]
        self.thumbs = "".join(
            f'<li><img src="{p}" alt="" width="96" height="72" data-full="{p}"></li>'
            for p in ad.image_paths) if len(imgs) > 1 else ""
        self.seller = (f'<a class="seller-link" href="/seller/{seller.id}">{e(seller.name)}</a>')
        self.location = e(f"{ad.city}, {ad.country}")
        self.phone = (f'<button type="button" class="show-phone" data-phone="{e(seller.phone)}">'
                      f'{e(seller.phone[:-4])}XXXX · Show number</button>')


def _layout_classic(ad: Ad, seller: Seller, p: _Parts, cat_name: str) -> str:
    scope = f' itemscope itemtype="{SCHEMA}/Product"' if p.md else ""
    thumbs = f'<ul class="ad-thumbs">{p.thumbs}</ul>' if p.thumbs else ""
    return f"""<div class="ad-detail"{scope}>
  <div class="ad-gallery">{p.main_img}{thumbs}</div>
  <div class="ad-info">
    <h1 class="ad-title"{p.ip("name")}>{p.title}</h1>
    <div class="ad-price">{p.price}</div>
    <ul class="ad-facts">
      <li><span class="label">Location</span> <span class="ad-location">{p.location}</span></li>
      <li><span class="label">Posted</span>
        <time datetime="{ad.posted.isoformat()}">{human_date(ad.posted)}</time></li>
      <li><span class="label">Category</span> <a href="/c/{ad.category}">{e(cat_name)}</a></li>
      <li><span class="label">Ad ID</span> {ad.id}</li>
    </ul>
    <div class="ad-seller"><span class="label">Seller</span> {p.seller}
      <span class="since">Member since {seller.since} · ★ {seller.rating}</span>{p.phone}</div>
    <div class="ad-actions"><button type="button" class="btn">♡ Save</button>
      <a class="btn" href="/account/message?ad={ad.id}">Message seller</a></div>
  </div>
  <section class="ad-description"><h2>Description</h2>{p.description}</section>
</div>"""


def _layout_card(ad: Ad, seller: Seller, p: _Parts, cat_name: str) -> str:
    scope = f' itemscope itemtype="{SCHEMA}/Product"' if p.md else ""
    thumbs = f'<ul class="listing__thumbs">{p.thumbs}</ul>' if p.thumbs else ""
    return f"""<article class="listing"{scope}>
  <header class="listing__header">
    <h1 class="listing__heading"{p.ip("name")}>{p.title}</h1>
    <p class="listing__amount">{p.price}</p>
  </header>
  <div class="listing__grid">
    <figure class="listing__media">{p.main_img}{thumbs}</figure>
    <aside class="listing__sidebar">
      <div class="listing__seller"><div class="avatar">{e(seller.name[:1].upper())}</div>
        <div>{p.seller}<small>{seller.rating}/5 · on {cat.SITE_NAME} since {seller.since}</small>
        </div></div>
      {p.phone}
      <dl class="listing__meta">
        <dt>Location</dt><dd>{p.location}</dd>
        <dt>Listed</dt><dd>{ad.posted.isoformat()}</dd>
        <dt>Category</dt><dd>{e(cat_name)}</dd>
        <dt>Listing no.</dt><dd>{ad.id}</dd>
      </dl>
    </aside>
  </div>
  <section class="listing__body">
    <h2 class="listing__subheading">About this item</h2>{p.description}</section>
</article>"""


def _layout_compact(ad: Ad, seller: Seller, p: _Parts, cat_name: str) -> str:
    scope = f' itemscope itemtype="{SCHEMA}/Product"' if p.md else ""
    thumbs = f'<ul class="strip">{p.thumbs}</ul>' if p.thumbs else ""
    return f"""<div id="vip"{scope}>
  <div class="vip-hd"><h2 class="t"{p.ip("name")}>{p.title}</h2>
    <span class="p">{p.price}</span></div>
  <div class="vip-bd">
    <div class="ph">{p.main_img}{thumbs}</div>
    <div class="txt">{p.description}</div>
    <table class="vip-attrs">
      <tr><td>Suburb</td><td>{p.location}</td></tr>
      <tr><td>Date listed</td><td>{ad.posted.strftime("%d/%m/%Y")}</td></tr>
      <tr><td>Section</td><td>{e(cat_name)}</td></tr>
      <tr><td>Ref</td><td>#{ad.id}</td></tr>
    </table>
    <div class="usr">Listed by {p.seller} {p.phone}</div>
  </div>
</div>"""


LAYOUTS = (_layout_classic, _layout_card, _layout_compact)


def render_ad(catalog: Catalog, ad: Ad, base: str) -> str:
    """The full HTML page of one ad; base is the absolute origin used in OpenGraph and JSON-LD."""
    seller = catalog.sellers[ad.seller_id]
    category = cat.CATEGORY_BY_SLUG[ad.category]
    head = [f'<link rel="canonical" href="{base}{ad.path}">']
    if ad.og:
        head.append(_og(ad, base))
    if ad.markup == "jsonld":
        head.append(_jsonld(ad, seller, base))
    parts = _Parts(ad, seller)
    main = LAYOUTS[ad.layout](ad, seller, parts, category.name)
    similar = [a for a in catalog.by_category[ad.category] if a.id != ad.id][:200]
    # A stable pseudo-random pick of related ads, so crawlers also find ads by following links.
    offset = int(ad.id) % max(1, len(similar) - 4)
    related = similar[offset:offset + 4]
    body = (
        breadcrumbs(("Home", "/"), (category.name, f"/c/{category.slug}"), (ad.title, None))
        + main
        + '<p class="report"><a href="/account/report?ad=' + ad.id + '">Report this ad</a></p>'
        + f'<section class="related"><h2>Similar ads</h2>{grid(related)}</section>'
    )
    return page(f"{ad.title} | {category.name} | {cat.SITE_NAME}", body, head="\n".join(head),
                active=ad.category, body_class=f"ad-page layout-{ad.layout}",
                description=_summary(ad))
