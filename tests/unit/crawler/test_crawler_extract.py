"""Golden extraction tests on small saved pages (tests/unit/crawler/pages) and demo ad pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.extract import extract_fields, normalize_date, select
from crawler.price import parse_price, resolve_dollar

PAGES = Path(__file__).parent / "pages"
EXPECTED = json.loads((PAGES / "expected.json").read_text("utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_golden_page(name: str) -> None:
    spec = EXPECTED[name]
    ex = extract_fields((PAGES / name).read_bytes(), spec["url"])
    for field, value in spec["fields"].items():
        assert ex.fields.get(field) == value, field
    for field, source in spec["sources"].items():
        assert ex.sources.get(field) == source, field
    assert ex.has_product is spec["has_product"]


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("$1,299.00", 1299.0, "$"), ("1.234,56 €", 1234.56, "EUR"), ("NZ$ 22.00", 22.0, "NZD"),
    ("4.260.000 VNĐ", 4260000.0, "VND"), ("880 baht", 880.0, "THB"),
    ("Rp 125.000", 125000.0, "IDR"),
    ("Make an offer", None, None), ("US$ 40", 40.0, "USD"),
])
def test_parse_price(text: str, amount: float | None, currency: str | None) -> None:
    assert parse_price(text) == (amount, currency)


def test_dollar_resolved_from_location() -> None:
    assert resolve_dollar("$", "Perth, Australia") == "AUD"
    assert resolve_dollar("$", "Auckland, New Zealand") == "NZD"
    assert resolve_dollar("$", None) == "USD"
    assert resolve_dollar("EUR", "Perth, Australia") == "EUR"


@pytest.mark.parametrize(("text", "iso"), [
    ("2025-05-03", "2025-05-03"), ("2025-05-03T10:00:00Z", "2025-05-03"),
    ("03/05/2025", "2025-05-03"),
    ("3 May 2025", "2025-05-03"), ("yesterday", "yesterday"),
])
def test_normalize_date(text: str, iso: str) -> None:
    assert normalize_date(text) == iso


def test_selectors_override_and_lock_the_price_slot() -> None:
    html = ('<html><body><h1>Parrot</h1><p class="amount">Make an offer</p>'
            '<ul class="cards"><li class="price">$40</li></ul></body></html>')
    ex = extract_fields(html, "https://x.example/ad/1", {"price": "css:.amount", "title": "css:h1"})
    assert "price" not in ex.fields  # no fallback to another ad's price
    assert ex.sources["title"] == "selector"


def test_select_css_alternatives_with_attributes_in_document_order() -> None:
    import lxml.html

    doc = lxml.html.document_fromstring(
        '<div><a class="s" href="/u/1">one</a><img class="i" src="/a.jpg">'
        '<img class="j" src="/b.jpg"></div>')
    assert select(doc, "css:img.j@src, img.i@src") == ["/a.jpg", "/b.jpg"]
    assert select(doc, "xpath://a/@href") == ["/u/1"]
    assert select(doc, "a.s") == ["one"]


def test_links_are_absolute_http_only_and_skip_nofollow() -> None:
    html = ('<a href="/ad/1">a</a><a href="mailto:x@y">m</a><a href="javascript:1">j</a>'
            '<a href="https://other.example/p">o</a><a rel="nofollow" href="/trap">t</a>'
            '<a href="#top">top</a>')
    ex = extract_fields(f"<html><body>{html}</body></html>", "https://site.example/c/1")
    assert ex.links == ["https://site.example/ad/1", "https://other.example/p"]


def test_broken_and_empty_html_do_not_raise() -> None:
    assert extract_fields(b"", "https://x.example/").fields == {}
    ex = extract_fields(b"<html><body><div><p>unclosed <b>tags <table><tr><td>cell",
                        "https://x.example/")
    assert ex.text_len > 0
