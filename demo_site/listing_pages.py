"""Listing pages (home, category, search, seller) and the small fixed pages of the marketplace."""

from __future__ import annotations

from demo_site import catalog as cat
from demo_site.generator import Catalog
from demo_site.templates import (
    PER_PAGE,
    breadcrumbs,
    e,
    grid,
    page,
    page_count,
    pagination,
    rel_links,
)

POPULAR_SEARCHES = ("iphone", "sofa", "bike", "vintage", "parrot", "carving", "coral", "fur",
                    "bangle", "lego", "shark", "tiger", "horn", "antique")


def robots_txt(base: str) -> str:
    """robots.txt: everything allowed except cart, checkout and account pages."""
    return ("User-agent: *\nDisallow: /cart\nDisallow: /checkout\nDisallow: /account\n"
            f"Allow: /\n\nSitemap: {base}/sitemap.xml\n")


def home(catalog: Catalog) -> str:
    """The front page: search, category tiles with counts, newest ads, popular searches."""
    tiles = "".join(
        f'<li class="tile" style="--tile:{c.colour}"><a href="/c/{c.slug}">'
        f'<span class="tile-name">{e(c.name)}</span>'
        f'<span class="tile-count">{len(catalog.by_category[c.slug]):,} ads</span></a></li>'
        for c in cat.CATEGORIES)
    popular = " ".join(f'<a class="chip" href="/search?q={q}">{q}</a>' for q in POPULAR_SEARCHES)
    body = f"""<section class="hero"><h1>Buy and sell anything near you</h1>
<p>{len(catalog.ads):,} ads from {len(catalog.sellers):,} sellers
in {len(cat.COUNTRIES)} countries.</p></section>
<section><h2>Browse categories</h2><ul class="tiles">{tiles}</ul></section>
<section class="popular"><h2>Popular searches</h2><p>{popular}</p></section>
<section class="promo"><a href="/shop"><strong>{cat.SHOP_NAME}</strong> — new-condition products,
shipped from our warehouse.</a></section>
<section><h2>Latest ads</h2>{grid(catalog.newest[:PER_PAGE])}
<p class="more"><a href="/c/{cat.CATEGORIES[0].slug}">Browse all categories ›</a></p></section>"""
    return page(f"{cat.SITE_NAME} — buy and sell locally", body, body_class="home",
                description="Classifieds: pets, antiques, furniture, phones, bikes and more.")


def category(catalog: Catalog, slug: str, n: int) -> str | None:
    """Page n of a category, newest first; None if the category or page does not exist."""
    c = cat.CATEGORY_BY_SLUG.get(slug)
    if c is None:
        return None
    ads = catalog.by_category[slug]
    pages = page_count(len(ads))
    if not 1 <= n <= pages:
        return None
    chunk = ads[(n - 1) * PER_PAGE:n * PER_PAGE]
    base = f"/c/{slug}"
    suffix = f" — page {n}" if n > 1 else ""
    body = (breadcrumbs(("Home", "/"), (c.name, None))
            + f'<div class="results-head"><h1>{e(c.name)}{suffix}</h1>'
            + f'<p class="count">{len(ads):,} ads · sorted by newest</p></div>'
            + grid(chunk) + pagination(base, {}, n, pages))
    return page(f"{c.name}{suffix} | {cat.SITE_NAME}", body, head=rel_links(base, {}, n, pages),
                active=slug, body_class="category-page",
                description=f"{len(ads)} {c.name} ads for sale.")


def search(catalog: Catalog, query: str, n: int) -> str | None:
    """Search results for query (substring of title or description); None for a missing page."""
    q = query.strip()
    hits = catalog.search(q) if q else []
    pages = page_count(len(hits))
    if not 1 <= n <= pages:
        return None
    chunk = hits[(n - 1) * PER_PAGE:n * PER_PAGE]
    params = {"q": q}
    if not q:
        inner = '<p class="empty">Type a keyword above to search all ads.</p>'
    elif not hits:
        inner = (f'<p class="empty">No results for “{e(q)}”. '
                 "Check the spelling or try fewer words.</p>")
    else:
        inner = grid(chunk) + pagination("/search", params, n, pages)
    body = (f'<div class="results-head"><h1>Results for “{e(q)}”</h1>'
            f'<p class="count">{len(hits):,} ads found</p></div>{inner}')
    return page(f"{q or 'Search'} | {cat.SITE_NAME}", body, query=q,
                head=rel_links("/search", params, n, pages), body_class="search-page")


def seller(catalog: Catalog, seller_id: str, n: int) -> str | None:
    """A seller's public profile with their ads; None if unknown."""
    s = catalog.sellers.get(seller_id)
    if s is None:
        return None
    ads = catalog.by_seller[seller_id]
    pages = page_count(len(ads))
    if not 1 <= n <= pages:
        return None
    base = f"/seller/{seller_id}"
    chunk = ads[(n - 1) * PER_PAGE:n * PER_PAGE]
    kind = "Business seller" if s.kind == "dealer" else "Private seller"
    body = f"""{breadcrumbs(("Home", "/"), (s.name, None))}
<section class="profile"><div class="avatar big">{e(s.name[:1].upper())}</div>
<div><h1 class="seller-name">{e(s.name)}</h1>
<p class="seller-meta">{kind} · {e(s.city)}, {e(s.country.name)} · Member since {s.since}
 · ★ {s.rating}</p>
<p class="seller-count">{len(ads)} active ads</p></div></section>
{grid(chunk)}{pagination(base, {}, n, pages)}"""
    return page(f"{s.name} | {cat.SITE_NAME}", body, head=rel_links(base, {}, n, pages),
                body_class="seller-page")


def sitemap(catalog: Catalog, base: str) -> str:
    """sitemap.xml listing categories, ads and shop pages."""
    from demo_site.shop_data import PRODUCTS

    urls = ["/", "/shop"] + [f"/c/{c.slug}" for c in cat.CATEGORIES]
    urls += [a.path for a in catalog.newest] + [f"/shop/{p.slug}" for p in PRODUCTS]
    body = "".join(f"<url><loc>{e(base + u)}</loc></url>\n" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{body}</urlset>\n')


HELP_PAGES: dict[str, tuple[str, str]] = {
    "safety": ("Safety tips", "Meet in a public place, inspect the item before paying, and never "
               "pay by gift card or wire transfer to someone you have not met."),
    "prohibited": ("Prohibited items", "Listings of protected wildlife or products made from them "
                   "(ivory, rhino horn, pangolin scales, tortoiseshell, live primates and parrots "
                   "taken from the wild) are not allowed and are reported to authorities. Antiques "
                   "may only be listed with valid CITES or exemption documents."),
    "contact": ("Contact us", "Email help@tradepost.example or use the Report link on any ad."),
}


def help_page(name: str) -> str | None:
    """A static help article; None if unknown."""
    if name not in HELP_PAGES:
        return None
    title, text = HELP_PAGES[name]
    body = (breadcrumbs(("Home", "/"), ("Help", None))
            + f'<article class="help"><h1>{e(title)}</h1><p>{e(text)}</p></article>')
    return page(f"{title} | {cat.SITE_NAME}", body, body_class="help-page")


def account_page(path: str) -> str:
    """The sign-in wall every /account URL shows (crawlers are asked not to go there)."""
    body = """<section class="signin"><h1>Sign in to continue</h1>
<form method="post" action="/account/login"><label>Email <input type="email" name="email"></label>
<label>Password <input type="password" name="password"></label>
<button class="btn-primary" type="submit">Sign in</button></form></section>"""
    return page(f"Sign in | {cat.SITE_NAME}", body, body_class="account-page")


def not_found(path: str) -> str:
    """The 404 page."""
    body = (f'<section class="notfound"><h1>Page not found</h1><p>We couldn\'t find '
            f'<code>{e(path)}</code>. The ad may have been removed.</p>'
            '<p><a href="/">Back to the home page</a></p></section>')
    return page(f"Not found | {cat.SITE_NAME}", body, body_class="notfound-page")
