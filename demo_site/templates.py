"""HTML building blocks shared by all pages: the page shell, listing cards and pagination."""

from __future__ import annotations

import datetime as dt
from html import escape
from urllib.parse import urlencode

from demo_site import catalog as cat
from demo_site.generator import Ad

PER_PAGE = 24


def e(text: object) -> str:
    """Escape text for HTML content and double-quoted attributes."""
    return escape(str(text), quote=True)


def human_date(day: dt.date) -> str:
    """'3 May 2025' (no leading zero, as most listing sites print it)."""
    return f"{day.day} {day.strftime('%B %Y')}"


def short_date(day: dt.date) -> str:
    """Relative wording against the site's fixed 'today' so listings stay deterministic."""
    days = (cat.REF_DATE - day).days
    if days == 0:
        return "Today"
    if days == 1:
        return "Yesterday"
    if days < 7:
        return f"{days} days ago"
    return f"{day.day} {day.strftime('%b')}"


def _nav(active: str | None) -> str:
    items = []
    for c in cat.CATEGORIES:
        cls = ' class="active"' if c.slug == active else ""
        items.append(f'<li><a href="/c/{c.slug}"{cls}>{e(c.name)}</a></li>')
    return f'<nav class="cat-nav" aria-label="Categories"><ul>{"".join(items)}</ul></nav>'


def page(title: str, body: str, *, head: str = "", active: str | None = None,
         query: str = "", body_class: str = "", description: str = "") -> str:
    """Wrap a body in the full marketplace shell (header, search box, category bar, footer)."""
    meta_desc = f'<meta name="description" content="{e(description)}">' if description else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
{meta_desc}
<link rel="stylesheet" href="/static/site.css">
<link rel="icon" href="/img/favicon.svg" type="image/svg+xml">
{head}
</head>
<body class="{e(body_class)}">
<header class="site-header">
  <div class="wrap header-row">
    <a class="logo" href="/"><span class="logo-mark">T</span>{cat.SITE_NAME}</a>
    <form class="search" action="/search" method="get" role="search">
      <input type="search" name="q" value="{e(query)}" placeholder="Search for anything"
        aria-label="Search">
      <button type="submit">Search</button>
    </form>
    <nav class="user-nav">
      <a href="/shop">Deals</a>
      <a href="/account/login">Sign in</a>
      <a class="btn-post" href="/account/post">Post an ad</a>
    </nav>
  </div>
  {_nav(active)}
</header>
<main class="wrap main">
{body}
</main>
<footer class="site-footer">
  <div class="wrap footer-cols">
    <div><h4>{cat.SITE_NAME}</h4><p>Buy and sell locally since 2011.</p></div>
    <div><h4>Help</h4><ul><li><a href="/help/safety">Safety tips</a></li>
      <li><a href="/help/prohibited">Prohibited items</a></li>
      <li><a href="/help/contact">Contact us</a></li></ul></div>
    <div><h4>More</h4><ul><li><a href="/shop">{cat.SHOP_NAME}</a></li>
      <li><a href="/sitemap.xml">Sitemap</a></li></ul></div>
  </div>
  <p class="wrap legal">&copy; 2025 {cat.SITE_NAME} Pty Ltd. Listings are posted by users.</p>
</footer>
<script src="/static/site.js" defer></script>
</body>
</html>
"""


def card(ad: Ad) -> str:
    """One ad in a results grid: thumbnail, title, price, place and date."""
    return (
        f'<li class="card" data-id="{ad.id}">'
        f'<a class="card-link" href="{ad.path}">'
        f'<img class="card-img" src="/img/{ad.images[0]}.svg" alt="" width="240" height="180" '
        'loading="lazy">'
        f'<h3 class="card-title">{e(ad.title)}</h3></a>'
        f'<p class="card-price">{e(ad.price_text)}</p>'
        f'<p class="card-meta"><span class="card-loc">{e(ad.city)}</span> · '
        f'<time datetime="{ad.posted.isoformat()}">{short_date(ad.posted)}</time></p></li>'
    )


def grid(ads: list[Ad] | tuple[Ad, ...]) -> str:
    """A results grid of cards."""
    return f'<ul class="results">{"".join(card(a) for a in ads)}</ul>'


def page_count(total: int) -> int:
    """Number of result pages for total items (at least one, so empty results still render)."""
    return max(1, -(-total // PER_PAGE))


def page_href(base: str, params: dict[str, str], n: int) -> str:
    """The URL of result page n (page 1 has no page parameter, like most sites)."""
    query = dict(params)
    if n > 1:
        query["page"] = str(n)
    qs = urlencode(query)
    return f"{base}?{qs}" if qs else base


def pagination(base: str, params: dict[str, str], current: int, total_pages: int) -> str:
    """Numbered pagination with prev/next; long ranges collapse to a window around the current."""
    if total_pages <= 1:
        return ""
    shown = sorted({1, total_pages, *range(max(1, current - 2), min(total_pages, current + 2) + 1)})
    parts = []
    if current > 1:
        href = e(page_href(base, params, current - 1))
        parts.append(f'<a class="pg-prev" rel="prev" href="{href}">‹ Prev</a>')
    last = 0
    for n in shown:
        if n - last > 1:
            parts.append('<span class="pg-gap">…</span>')
        if n == current:
            parts.append(f'<span class="pg-current" aria-current="page">{n}</span>')
        else:
            parts.append(f'<a class="pg-num" href="{e(page_href(base, params, n))}">{n}</a>')
        last = n
    if current < total_pages:
        href = e(page_href(base, params, current + 1))
        parts.append(f'<a class="pg-next" rel="next" href="{href}">Next ›</a>')
    return f'<nav class="pagination" aria-label="Pages">{"".join(parts)}</nav>'


def rel_links(base: str, params: dict[str, str], current: int, total_pages: int) -> str:
    """<link rel=prev/next> tags for the head, which crawlers use to walk result pages."""
    out = []
    if current > 1:
        out.append(f'<link rel="prev" href="{e(page_href(base, params, current - 1))}">')
    if current < total_pages:
        out.append(f'<link rel="next" href="{e(page_href(base, params, current + 1))}">')
    return "\n".join(out)


def breadcrumbs(*crumbs: tuple[str, str | None]) -> str:
    """A breadcrumb trail; the last crumb is plain text."""
    items = []
    for label, href in crumbs:
        items.append(f'<li><a href="{e(href)}">{e(label)}</a></li>' if href
                     else f"<li>{e(label)}</li>")
    return f'<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>{"".join(items)}</ol></nav>'
