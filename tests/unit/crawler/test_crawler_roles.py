"""Page roles from evidence, link priorities, and the currency a page declares."""

from __future__ import annotations

from crawler.extract import extract_fields
from crawler.roles import AD, LISTING, UNKNOWN, link_priority, page_role, url_shape
from crawler.sites import load_site

GENERIC = load_site("generic")
URL = "https://shop.example.org/things/blue-widget-deluxe-edition"


def _page(body: str, head: str = "", lang: str = "en") -> str:
    return f'<!doctype html><html lang="{lang}"><head><title>t</title>{head}</head>' \
           f"<body>{body}</body></html>"


def _tiles(n: int, widget: str = "") -> str:
    items = "".join(f'<li class="tile"><a href="/item/{1000 + i}/thing-{i}">Thing {i}</a>'
                    f'<span class="price">${10 + i}.00</span></li>' for i in range(n))
    return f'<section class="{widget}"><ul class="grid">{items}</ul></section>'


JSONLD = """<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product",
"name":"Blue widget","offers":{"@type":"Offer","price":"25.00","priceCurrency":"USD"}}</script>"""
NAV = "".join(f'<a href="/c/cat-{i}">Category {i}</a>' for i in range(30))


def role(html: str, url: str = URL, start: bool = False) -> str:
    return page_role(GENERIC, url, extract_fields(html, url), start=start)


def test_product_markup_makes_an_ad_even_with_many_links_and_a_grid() -> None:
    html = _page(f"<nav>{NAV}</nav><h1>Blue widget</h1>" + _tiles(12), JSONLD)
    assert role(html) == "ad"


def test_own_price_and_add_to_cart_make_an_ad_without_markup() -> None:
    html = _page(f"<nav>{NAV}</nav><h1>Blue widget deluxe</h1>"
                 '<p class="product-price">$25.00</p><button>Add to cart</button>'
                 + _tiles(8, "related-products"))
    assert role(html) == "ad"


def test_a_grid_of_priced_tiles_is_a_listing_even_as_the_start_url() -> None:
    html = _page(f"<h1>Buy and sell anything near you</h1>{_tiles(20)}")
    assert role(html, "https://shop.example.org/", start=True) == "listing"
    assert role(html, "https://shop.example.org/search?q=ivory") == "listing"


def test_item_list_markup_is_a_listing() -> None:
    items = ",".join(f'{{"@type":"ListItem","position":{i},"url":"/p/{i}"}}' for i in range(5))
    head = ('<script type="application/ld+json">{"@context":"https://schema.org",'
            f'"@type":"ItemList","itemListElement":[{items}]}}</script>')
    assert role(_page(f"<h1>Results</h1>{NAV}", head)) == "listing"


def test_the_start_url_tips_a_page_with_a_price_of_its_own() -> None:
    html = _page(f"<h1>Antique carving</h1><p>Price: 450 USD</p>{NAV}")
    assert role(html, start=True) == "ad"
    assert role(html) == "listing"  # found by following links, one signal is not enough


def test_a_price_seen_only_in_a_related_widget_is_not_the_pages_own() -> None:
    html = _page(f"<h1>Blue widget</h1><p>Loading…</p>{_tiles(4, 'related')}{NAV}")
    assert role(html, start=True) == "listing"


def test_profile_patterns_decide_first() -> None:
    demo = load_site("demo").with_base("http://127.0.0.1:1")
    html = _page(f"<h1>Blue widget</h1>{_tiles(20)}", JSONLD)
    assert page_role(demo, "http://127.0.0.1:1/ad/123", extract_fields(html, URL)) == "ad"
    assert page_role(demo, "http://127.0.0.1:1/c/birds", extract_fields(html, URL)) == "listing"


def test_link_priorities_put_likely_ads_first() -> None:
    demo = load_site("demo").with_base("http://h")
    assert link_priority(demo, "http://h/ad/1/x") == AD
    assert link_priority(demo, "http://h/c/birds") == LISTING
    assert link_priority(demo, "http://h/shop") == UNKNOWN  # a `page` pattern
    assert link_priority(GENERIC, "http://h/item/123456") == AD
    assert link_priority(GENERIC, "http://h/search?q=ivory") == LISTING
    assert link_priority(GENERIC, "http://h/about") == UNKNOWN
    # Once the crawl knows what its ads look like, that knowledge replaces the guess.
    shapes = {url_shape("http://h/ad/9/carved-horn")}
    assert link_priority(GENERIC, "http://h/ad/10/old-bangle", shapes) == AD
    assert link_priority(GENERIC, "http://h/seller/u12345", shapes) == UNKNOWN


def test_currency_from_the_page_when_the_price_string_has_none() -> None:
    footer = '<footer><p>Prices in AUD incl. GST.</p></footer>'
    body = '<h1>Yoga mat</h1><p class="price">$59.00</p>'
    ex = extract_fields(_page(body + footer), URL)
    assert (ex.fields["price"], ex.fields["currency"]) == (59.0, "AUD")
    ex = extract_fields(_page(body, lang="en-NZ"), URL)
    assert ex.fields["currency"] == "NZD"
    declared = '<meta itemprop="priceCurrency" content="CAD">'
    assert extract_fields(_page(body + declared), URL).fields["currency"] == "CAD"
    bare = '<h1>Yoga mat</h1><p class="price">59.00</p>'
    ex = extract_fields(_page(bare + footer), URL)
    assert (ex.fields["currency"], ex.sources["currency"]) == ("AUD", "page")
    # A written currency wins over the page's; a bare "$" is still USD with nothing declared.
    assert extract_fields(_page('<h1>M</h1><p class="price">€5</p>' + footer),
                          URL).fields["currency"] == "EUR"
    assert extract_fields(_page(body), URL).fields["currency"] == "USD"
