"""The demo site over HTTP: reachability, search, markup, planted patterns and checkout totals."""

from __future__ import annotations

import html
import http.client
import json
import re
import time
import urllib.error
import urllib.request
from urllib.parse import quote, urlsplit

import pytest

from demo_site import serve_in_thread
from demo_site.truth import ground_truth


@pytest.fixture(scope="module")
def site():
    with serve_in_thread() as base:
        yield base


@pytest.fixture(scope="module")
def truth():
    return ground_truth()


def get(base: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(base + path, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def links(page: str, pattern: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'href="({pattern}[^"]*)"', page)]


def rel_next(page: str) -> str | None:
    m = re.search(r'<link rel="next" href="([^"]+)"', page)
    return html.unescape(m.group(1)) if m else None


def test_every_ad_is_reachable_through_category_pagination(site, truth):
    found: set[str] = set()
    status, home = get(site, "/")
    assert status == 200
    for cat_path in sorted(set(links(home, "/c/"))):
        path: str | None = cat_path
        while path:
            status, page = get(site, path)
            assert status == 200, path
            found.update(links(page, "/ad/"))
            path = rel_next(page)
    assert {a["url"] for a in truth["ads"]} <= found


def test_search_is_case_insensitive_substring_over_title_and_description(site, truth):
    ad = next(a for a in truth["ads"] if a["is_wildlife"] and a["language"] == "en")
    word = max(re.findall(r"[A-Za-z]{5,}", ad["title"]), key=len)
    expected = sum(word.lower() in f"{a['title']}\n{a['description']}".lower()
                   for a in truth["ads"])
    seen: list[str] = []
    path: str | None = f"/search?q={quote(word.upper())}"
    while path:
        status, page = get(site, path)
        assert status == 200
        seen += re.findall(r'<li class="card" data-id="(\d+)"', page)
        path = rel_next(page)
    assert ad["id"] in seen
    assert len(seen) == len(set(seen)) == expected
    status, page = get(site, "/search?q=zzzqqqnothing")
    assert status == 200 and "No results" in page


def _ld(page: str) -> dict:
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert m, "no JSON-LD"
    return json.loads(m.group(1))


def test_jsonld_pages_parse_and_match_truth(site, truth):
    sample = [a for a in truth["ads"] if a["markup"] == "jsonld" and not a["js_rendered"]][:25]
    assert sample
    for a in sample:
        status, page = get(site, a["url"])
        assert status == 200
        data = _ld(page)
        assert data["@type"] == "Product" and data["name"] == a["title"]
        assert data["description"] == a["description"]
        offers = data["offers"]
        if a["price"] is None:
            assert "price" not in offers
        else:
            assert float(offers["price"]) == pytest.approx(a["price"])
            assert offers["priceCurrency"] == a["currency"]
        assert offers["seller"]["name"] == a["seller"]


def test_microdata_and_plain_pages(site, truth):
    micro = [a for a in truth["ads"] if a["markup"] == "microdata" and not a["js_rendered"]
             and a["price"] is not None][:15]
    for a in micro:
        _, page = get(site, a["url"])
        m = re.search(r'itemprop="price" content="([\d.]+)"', page)
        assert m and float(m.group(1)) == pytest.approx(a["price"])
        assert f'itemprop="priceCurrency" content="{a["currency"]}"' in page
        assert "application/ld+json" not in page
    plain = [a for a in truth["ads"] if a["markup"] == "none"][:15]
    for a in plain:
        _, page = get(site, a["url"])
        assert "itemprop" not in page and "application/ld+json" not in page
    layouts = {a["layout"] for a in truth["ads"] if a["markup"] == "none"}
    assert layouts == {0, 1, 2}


def test_js_rendered_fields_come_from_the_api(site, truth):
    a = next(a for a in truth["ads"] if a["js_field"] == "description")
    _, page = get(site, a["url"])
    assert 'data-js-field="description"' in page
    assert html.escape(a["description"]) not in page
    status, body = get(site, f"/api/ads/{a['id']}.json")
    assert status == 200 and json.loads(body)["description"] == a["description"]
    p = next(a for a in truth["ads"] if a["js_field"] == "price" and a["price"] is not None)
    _, page = get(site, p["url"])
    ad_part = page.split("<main")[1].split('class="related"')[0]  # similar-ads cards show prices
    assert 'data-js-field="price"' in page and html.escape(p["price_text"]) not in ad_part
    assert json.loads(get(site, f"/api/ads/{p['id']}.json")[1])["price"] == p["price"]


def test_ad_fields_visible_on_plain_pages(site, truth):
    for a in [a for a in truth["ads"] if not a["js_rendered"]][:30]:
        _, page = get(site, a["url"])
        for value in (a["title"], a["description"], a["price_text"], a["seller"], a["location"]):
            assert html.escape(value) in page, (a["url"], value)
        assert f'href="{a["seller_url"]}"' in page
        for img in a["images"]:
            assert img in page


def test_seller_pages_list_their_ads(site, truth):
    a = truth["ads"][0]
    ids = {x["id"] for x in truth["ads"] if x["seller_id"] == a["seller_id"]}
    status, page = get(site, a["seller_url"])
    assert status == 200
    assert html.escape(a["seller"]) in page
    assert ids <= set(re.findall(r'<li class="card" data-id="(\d+)"', page)) or len(ids) > 24


def _attr(page: str, element_id: str, attr: str) -> str:
    m = re.search(rf'id="{element_id}"[^>]*{attr}="([^"]+)"', page)
    assert m, (element_id, attr)
    return m.group(1)


def test_resetting_timer_resets_and_genuine_timer_does_not(site, truth):
    pages = {p["path"]: p for p in truth["pages"]}
    reset = next(p for p in pages.values() if any(x["id"] == "timer_reset" for x in p["patterns"]))
    genuine = next(p for p in pages.values()
                   if any(x["id"] == "timer_genuine" for x in p["patterns"]))
    r1 = _attr(get(site, reset["path"])[1], "deal-timer", "data-deadline")
    g1 = _attr(get(site, genuine["path"])[1], "sale-timer", "data-deadline")
    time.sleep(0.05)
    r2 = _attr(get(site, reset["path"])[1], "deal-timer", "data-deadline")
    g2 = _attr(get(site, genuine["path"])[1], "sale-timer", "data-deadline")
    assert r1 != r2
    assert g1 == g2


def test_fake_counts_change_and_genuine_stock_does_not(site):
    def count(path: str, element_id: str) -> str:
        page = get(site, path)[1]
        return re.search(rf'id="{element_id}"[^>]*>[^<]*<b>(\d+)</b>', page).group(1)

    fake = {count("/shop/wireless-earbuds", "stock-alert") for _ in range(12)}
    viewers = {count("/shop/running-shoes", "demand-note") for _ in range(12)}
    assert len(fake) > 1 and len(viewers) > 1
    assert get(site, "/shop/cast-iron-skillet")[1] == get(site, "/shop/cast-iron-skillet")[1]


def test_planted_elements_are_where_truth_says(site, truth):
    for pg in truth["pages"]:
        for p in pg["patterns"]:
            status, page = get(site, p["path"])
            assert status == 200
            if p["id"] == "activity":  # injected by site.js; the page only opts in
                assert "data-activity=" in page
                continue
            first = re.match(r"#([\w-]+)", p["selector"]).group(1)
            assert f'id="{first}"' in page, (pg["path"], p["id"])
            if not p["dynamic"]:
                assert html.escape(p["text"], quote=False) in page.replace("&#x27;", "'"), p["id"]
    assert all("data-activity" not in get(site, path)[1] for path in truth["clean_pages"])


def _total(page: str) -> float:
    return float(re.search(r'id="order-total".*?data-amount="([\d.]+)"', page, re.S).group(1))


def test_checkout_totals_differ_from_the_advertised_price_only_when_planted(site, truth):
    surprises = []
    for pg in truth["pages"]:
        prod = pg["product"]
        _, product_page = get(site, pg["path"])
        advertised = float(_attr(product_page, "product-price", "data-amount"))
        assert advertised == prod["price"]
        status, cart = get(site, prod["cart_path"])
        assert status == 200
        checkout_href = html.unescape(re.search(r'href="(/checkout\?[^"]+)"', cart).group(1))
        _, checkout = get(site, checkout_href)
        total = _total(checkout)
        assert total == pytest.approx(prod["checkout_total"])
        if total != pytest.approx(advertised + prod["shipping"]):
            surprises.append({p["id"] for p in pg["patterns"]})
    assert sorted(map(sorted, surprises)) == [["drip"], ["sneak"]]
    # The pre-checked add-on only costs extra when the form is submitted as pre-filled.
    _, checkout = get(site, "/checkout?add=smartwatch-s2&addon=protection")
    assert _total(checkout) == pytest.approx(199.00 + 14.99)


def test_cookie_banners_differ_in_styling_not_markup(site):
    _, unfair = get(site, "/shop/hepa-purifier")
    _, fair = get(site, "/shop/standing-desk")
    assert 'class="cookie-banner unfair"' in unfair
    assert '<a href="#" class="cb-reject">reject</a>' in unfair
    assert 'class="cookie-banner fair"' in fair
    assert '<button type="button" class="cb-reject">Reject all</button>' in fair


def test_not_found_robots_head_and_redirects(site, truth):
    for path in ("/nope", "/ad/1", "/c/nope", "/c/pets-birds?page=999", "/shop/nope",
                 "/api/ads/1.json", "/seller/u0", "/search?q=x&page=abc"):
        status, page = get(site, path)
        assert status == 404, path
        assert "Page not found" in page
    status, robots = get(site, "/robots.txt")
    assert status == 200
    assert "User-agent: *" in robots
    for d in ("/cart", "/checkout", "/account"):
        assert f"Disallow: {d}\n" in robots
    a = truth["ads"][0]
    with urllib.request.urlopen(f"{site}/ad/{a['id']}", timeout=10) as r:
        assert urlsplit(r.url).path == a["url"]
    host = urlsplit(site).netloc
    conn = http.client.HTTPConnection(host, timeout=10)
    conn.request("HEAD", a["url"])
    res = conn.getresponse()
    assert res.status == 200 and int(res.getheader("Content-Length")) > 1000 and res.read() == b""
    conn.request("GET", "/img/" + a["images"][0].split("/")[-1])  # same keep-alive connection
    res = conn.getresponse()
    assert res.getheader("Content-Type") == "image/svg+xml" and res.read().startswith(b"<svg")
    conn.close()


def test_two_servers_with_one_seed_serve_identical_pages(site, truth):
    a = truth["ads"][5]
    paths = ["/", "/c/furniture?page=2", a["url"], "/shop/throw-pillows", "/search?q=bike",
             a["seller_url"], "/sitemap.xml", f"/api/ads/{a['id']}.json", a["images"][0]]
    with serve_in_thread() as other:
        for path in paths:
            mine = get(site, path)[1].replace(site, "BASE")
            theirs = get(other, path)[1].replace(other, "BASE")
            assert mine == theirs, path
