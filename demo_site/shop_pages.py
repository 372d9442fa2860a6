"""Shop product pages (with their planted patterns), the shop index and the shared shop frame."""

from __future__ import annotations

import datetime as dt
import random
from html import escape

from demo_site import catalog as cat
from demo_site.shop_data import (
    GIFT_WRAP,
    PRODUCT_BY_SLUG,
    PRODUCTS,
    PROTECTION_PLAN,
    RESET_MINUTES,
    Product,
)


def money(amount: float) -> str:
    """Shop prices: '$1,249.00' (the shop sells in AUD only)."""
    return f"${amount:,.2f}"


def _iso(ts: dt.datetime) -> str:
    utc = ts.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def next_midnight(now: dt.datetime) -> dt.datetime:
    """The genuine deal's real deadline: the coming 00:00 UTC (the same for every request today)."""
    day = now.astimezone(dt.UTC).date() + dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def shell(title: str, body: str, *, overlays: str = "", body_attrs: str = "") -> str:
    """The shop's page frame, visually distinct from the classifieds."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="/static/site.css">
</head>
<body class="shop"{body_attrs}>
<header class="shop-header"><div class="wrap header-row">
  <a class="shop-logo" href="/shop">{cat.SHOP_NAME}</a>
  <nav class="shop-nav"><a href="/shop">All products</a><a href="/">Classifieds</a>
    <a href="/help/contact">Help</a><a class="cart-link" href="/cart">Cart</a></nav>
</div></header>
<main class="wrap main">
{body}
</main>
<footer class="site-footer"><p class="wrap legal">&copy; 2025 {cat.SHOP_NAME}.
 Prices in AUD incl. GST. <a href="/help/contact">Returns &amp; contact</a></p></footer>
{overlays}
<script src="/static/site.js" defer></script>
</body>
</html>
"""


def _price_block(p: Product) -> str:
    was = ""
    if p.was:
        off = round(100 * (1 - p.price / p.was))
        was = f' <s class="was">{money(p.was)}</s> <span class="save">Save {off}%</span>'
    if p.shipping:
        note = f"Shipping {money(p.shipping)} (flat rate, Australia-wide)"
    elif "hidden_subscription" in p.patterns:
        note = "The kit is free: the price covers postage"
    else:
        note = "Free shipping Australia-wide"
    return (f'<p class="pdp-price"><span id="product-price" data-amount="{p.price:.2f}">'
            f'{money(p.price)}</span>{was}</p><p class="ship" id="shipping-note">{note}</p>')


def _signals(p: Product, rng: random.Random, now: dt.datetime) -> str:
    """Urgency and scarcity notes; the deceptive ones change on every request."""
    out = []
    if "timer_reset" in p.patterns:
        # The "deadline" is always RESET_MINUTES from whenever the page is loaded.
        deadline = _iso(now + dt.timedelta(minutes=RESET_MINUTES))
        out.append(f'<div id="deal-timer" class="countdown" data-deadline="{deadline}">'
                   f'Sale ends in <span class="cd-val">{RESET_MINUTES:02d}:00</span></div>')
    if "timer_genuine" in p.patterns:
        deadline = _iso(next_midnight(now))
        out.append(f'<div id="sale-timer" class="countdown" data-deadline="{deadline}">'
                   "Today's deal ends in <span class=\"cd-val\"></span> "
                   '<span class="cd-note">(at midnight UTC)</span></div>')
    if "stock_fake" in p.patterns:
        out.append(f'<p id="stock-alert" class="stock">Only <b>{rng.randint(2, 9)}</b> '
                   "left in stock – order soon</p>")
    if "stock_genuine" in p.patterns:
        out.append('<p id="stock-note" class="stock">Only 3 left in stock – order soon</p>')
    if "high_demand" in p.patterns:
        out.append(f'<p id="demand-note" class="demand">In high demand – '
                   f"<b>{rng.randint(12, 48)}</b> people are viewing this right now</p>")
    return "".join(out)


def _checkbox(row_id: str, cls: str, box_id: str, name: str, value: str, checked: bool,
              label: str) -> str:
    tick = " checked" if checked else ""
    return (f'<label id="{row_id}" class="{cls}"><input type="checkbox" id="{box_id}" '
            f'name="{name}" value="{value}"{tick}> {label}</label>')


def _buy_form(p: Product) -> str:
    rows = []
    if "precheck" in p.patterns:
        plan = money(PROTECTION_PLAN)
        rows.append(_checkbox("addon-row", "addon", "addon-protection", "addon", "protection", True,
                              f"Add 2-year protection plan <strong>{plan}</strong>"))
    if "addon_optional" in p.patterns:
        rows.append(_checkbox("addon-row", "addon", "addon-giftwrap", "addon", "giftwrap", False,
                              f"Add gift wrapping <strong>{money(GIFT_WRAP)}</strong> "
                              '<span class="muted">(optional)</span>'))
    if "trick_question" in p.patterns:
        rows.append(_checkbox("optin-row", "optin", "optin-partners", "partners", "1", True,
                              "Untick this box if you would not prefer to not receive partner "
                              "offers."))
    return (f'<form class="buy" method="get" action="/cart">'
            f'<input type="hidden" name="add" value="{p.slug}">{"".join(rows)}'
            '<button type="submit" class="btn-primary add-to-cart">Add to cart</button>'
            f'<a class="buy-now" href="/cart?add={p.slug}">Buy now</a></form>')


def _inline(p: Product) -> str:
    """Elements placed right under the buy button, where shoppers look."""
    out = []
    if "hidden_subscription" in p.patterns:
        out.append('<p id="trial-terms" class="fineprint">By ordering you join Bright Club: '
                   "$39.95 charged every month after 14 days until cancelled in writing.</p>")
    if "disguised_ad" in p.patterns:
        # Styled like the product's own download; it leads to an advertiser, marked by a faint "Ad".
        out.append('<div class="downloads-inline"><a id="download-btn" class="btn-download" '
                   'href="/sponsored/click?c=fastdl" rel="nofollow">Download</a>'
                   '<span class="adchoice">Ad</span></div>')
    return "".join(out)


def _sections(p: Product) -> str:
    """Sections below the description: downloads and testimonials."""
    out = []
    if "download_genuine" in p.patterns:
        out.append('<section class="downloads"><h2>Downloads</h2>'
                   f'<a id="manual-link" class="btn-download" href="/files/{p.slug}-manual.txt">'
                   'Download the user manual</a><span class="muted"> plain text, 4 KB</span>'
                   "</section>")
    if "testimonials" in p.patterns:
        quotes = (("Best purchase ever! My skin glows.", "Sarah K."),
                  ("Life changing. I'll never use anything else.", "Jess M."),
                  ("Results in 3 days, unbelievable!", "Anna P."))
        items = "".join(f"<blockquote><p>★★★★★ “{escape(q)}”</p>"
                        f"<footer>— {n}, Verified Buyer</footer></blockquote>" for q, n in quotes)
        out.append('<section id="testimonials" class="testimonials">'
                   f"<h2>What customers say</h2>{items}</section>")
    return "".join(out)


def _newsletter_modal(decline: str) -> str:
    return ('<div id="nl-modal" class="modal open" role="dialog" aria-modal="true" '
            'aria-labelledby="nl-h"><div class="modal-box">'
            '<button type="button" class="nl-close" aria-label="Close">×</button>'
            '<h2 id="nl-h">Get 10% off your first order</h2>'
            "<p>Join our newsletter for early access to sales.</p>"
            '<form class="nl-form"><input type="email" placeholder="Email address" '
            'aria-label="Email"><button type="submit" class="btn-primary nl-accept">'
            "Yes, give me 10% off</button></form>"
            f'<button type="button" class="nl-decline">{escape(decline)}</button></div></div>')


def _cookie_banner(fair: bool) -> str:
    # Same structure for both; the unfair one shrinks and greys out the reject option (see CSS).
    if fair:
        text = "We use cookies for site features and, if you agree, for analytics."
        reject = '<button type="button" class="cb-reject">Reject all</button>'
    else:
        text = ("We and our 847 partners use cookies to personalise content and ads and to "
                "analyse traffic.")
        reject = '<a href="#" class="cb-reject">reject</a>'
    variant = "fair" if fair else "unfair"
    return (f'<div id="cookie-banner" class="cookie-banner {variant}" role="dialog" '
            f'aria-label="Cookies"><p>{text}</p><div class="cb-actions">'
            f'<button type="button" class="cb-accept">Accept all</button>{reject}</div></div>')


def _overlays(p: Product) -> str:
    out = []
    if "confirmshame" in p.patterns:
        out.append(_newsletter_modal("No thanks, I don't like saving money"))
    elif "modal_neutral" in p.patterns:
        out.append(_newsletter_modal("No thanks"))
    if "cookie_unfair" in p.patterns:
        out.append(_cookie_banner(fair=False))
    if "cookie_fair" in p.patterns:
        out.append(_cookie_banner(fair=True))
    return "".join(out)


def product_page(p: Product, now: dt.datetime | None = None,
                 rng: random.Random | None = None) -> str:
    """A product page; timers, stock counts and viewer counts marked deceptive vary per call."""
    now = now or dt.datetime.now(dt.UTC)
    rng = rng or random.Random()  # unseeded on purpose: these numbers are fake and change each load
    idx = PRODUCTS.index(p)
    related = "".join(_tile(PRODUCTS[(idx + k) % len(PRODUCTS)]) for k in (1, 2, 3, 4))
    limited = ('<div id="sale-banner" class="sale-banner">Sale ends soon! '
               "Up to 40% off selected lines</div>" if "limited_time" in p.patterns else "")
    specs = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in p.specs)
    stars = "★" * round(p.rating) + "☆" * (5 - round(p.rating))
    name = escape(p.name)
    body = f"""{limited}<nav class="breadcrumbs"><ol><li><a href="/shop">Shop</a></li>
<li>{escape(p.section)}</li><li>{name}</li></ol></nav>
<div class="pdp">
  <div class="pdp-gallery">
    <img src="/img/shop-{p.slug}.svg" alt="{name}" width="560" height="420"></div>
  <div class="pdp-info">
    <h1 class="pdp-title">{name}</h1>
    <p class="pdp-rating"><span class="stars">{stars}</span> {p.rating} ({p.reviews:,} reviews)</p>
    {_price_block(p)}{_signals(p, rng, now)}{_buy_form(p)}{_inline(p)}
    <ul class="perks"><li>30-day returns</li><li>Secure payment</li>
      <li>Australian support team</li></ul>
  </div>
</div>
<section class="pdp-desc"><h2>Description</h2><p>{escape(p.blurb)}</p>
<h2>Specifications</h2><table class="specs">{specs}</table></section>
{_sections(p)}
<section class="related"><h2>You may also like</h2><ul class="shop-grid">{related}</ul></section>"""
    attrs = f' data-activity="{name}"' if "activity" in p.patterns else ""
    return shell(f"{p.name} | {cat.SHOP_NAME}", body, overlays=_overlays(p), body_attrs=attrs)


def _tile(p: Product) -> str:
    was = f' <s class="was">{money(p.was)}</s>' if p.was else ""
    return (f'<li class="shop-tile"><a href="/shop/{p.slug}">'
            f'<img src="/img/shop-{p.slug}.svg" alt="" width="240" height="180" loading="lazy">'
            f'<span class="name">{escape(p.name)}</span></a>'
            f'<span class="price">{money(p.price)}{was}</span></li>')


def shop_index() -> str:
    """All shop products in a grid."""
    body = (f"<h1>{cat.SHOP_NAME}</h1>"
            '<p class="lede">New products, shipped from our Sydney warehouse.</p>'
            f'<ul class="shop-grid">{"".join(_tile(p) for p in PRODUCTS)}</ul>')
    return shell(f"All products | {cat.SHOP_NAME}", body)


def find_product(slug: str) -> Product | None:
    """The product with this slug, if any."""
    return PRODUCT_BY_SLUG.get(slug)
