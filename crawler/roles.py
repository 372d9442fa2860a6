"""Page roles from evidence: is a page an ad (one offer), a listing (many) or another page?

A profile's URL patterns decide first. Otherwise the page's own evidence is weighed: markup
declaring one product, a buy or contact-seller control, a price of its own (not in a grid of
offers), being the start URL the user gave; against markup listing many products, a grid of
priced tiles, a search or paging URL. A page can be an ad and link to other ads.

Before a page is fetched, `link_priority` guesses from its URL how likely it is to be an ad, so
the frontier fetches detail pages before more listing pages.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.extract import Extracted
from crawler.sites import PageKind, Site

LISTING_URL = re.compile(r"(?i)[?&](q|query|search|keywords?|page|p|pg|sort|filter)=|"
                         r"/(search|category|categories|c|tag|tags|list|browse|shop|seller|"
                         r"user|store)/?$|/(search|category|categories|c|tag|list|browse)/")
ITEM_URL = re.compile(r"(?i)/(ad|ads|item|itm|listing|product|products|p|dp|offer|deal|vip|"
                      r"classified|anuncio|annonce|angebot|inzerat)/[^/?#]+|\d{5,}|"
                      r"/[a-z0-9]+(?:-[a-z0-9]+){3,}/?(?:$|[?#]|\.html?)")
STRUCTURED = ("jsonld", "microdata", "opengraph")

# Frontier priorities: lower is fetched first.
AD, UNKNOWN, LISTING = 0, 1, 2
_BY_KIND = {"ad": AD, "page": UNKNOWN, "other": UNKNOWN, "listing": LISTING}


def one_offer(ex: Extracted) -> bool:
    """Markup declares a single product or offer (or a price in OpenGraph / product meta)."""
    ev = ex.evidence
    if ev.products >= 3 or ev.item_list >= 3:
        return False
    return ev.products > 0 or ev.og_product or ex.sources.get("price") in STRUCTURED


def many_offers(ex: Extracted) -> bool:
    """Markup lists several products (an ItemList, or three or more Products)."""
    return ex.evidence.products >= 3 or ex.evidence.item_list >= 3


def role_scores(ex: Extracted, url: str, start: bool = False) -> tuple[int, int]:
    """(points for an ad, points for a listing) from the page's evidence."""
    ev = ex.evidence
    # A price found without a price-like element of its own (a labelled "Price: 12") counts,
    # unless the only price-like elements are other offers' (related items, menus).
    own_price = ev.own_price or ("price" in ex.fields and ev.tiles < 3
                                 and (ev.price_slots > 0 or ev.widget_prices == 0))
    ad = 2 * one_offer(ex) + (1 <= ev.buy_controls <= 3) + own_price + start
    listing = 2 * many_offers(ex) + 2 * (ev.tiles >= 3) + bool(LISTING_URL.search(url))
    return ad, listing


def page_role(site: Site, url: str, ex: Extracted, start: bool = False) -> PageKind:
    """The kind of a fetched page: the profile's URL patterns, else the page's evidence.

    `start` is true for a start URL the user gave (`crawl URL`, `--start URL`): a page they
    pointed at is more likely the ad they want than a listing.
    """
    kind = site.kind_of(url)
    if kind:
        return kind
    ad, listing = role_scores(ex, url, start)
    if ex.fields.get("title") and ad >= 2 and (ad > listing or (ad == listing and one_offer(ex))):
        return "ad"
    if listing or len(ex.links) >= 20:
        return "listing"
    return "page"


def url_shape(url: str) -> str:
    """A coarse shape of a URL's path: segments with digits or dashes become `*`."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return "/" + "/".join("*" if re.search(r"\d|-", s) else s for s in segments)


def link_priority(site: Site, url: str, ad_shapes: set[str] | frozenset[str] = frozenset()
                  ) -> int:
    """How soon to fetch a link: likely ads first, then other pages, then listings.

    `ad_shapes` are URL shapes of pages this crawl already found to be ads: once there are
    some, they replace the guess from the URL's look.
    """
    kind = site.kind_of(url)
    if kind:
        return _BY_KIND[kind]
    if url_shape(url) in ad_shapes:
        return AD
    if LISTING_URL.search(url):
        return LISTING
    if not ad_shapes and ITEM_URL.search(urlsplit(url).path):
        return AD
    return UNKNOWN
