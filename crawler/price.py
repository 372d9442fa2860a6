"""Finding the price of a product or ad page: amounts, currencies, and heuristics without markup."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import lxml.html
from price_parser import Price

_WS = re.compile(r"\s+")
_PRICE_HINT = re.compile(r"price|cost|amount|preis|prix|precio|prezzo", re.I)
_PRICE_BAD = re.compile(r"old|was|strike|list|compare|regular|original|save|saving|"
                        r"shipping|per|unit|range|from|msrp|rrp|before|reduc|tax|installment|"
                        r"month|crossed|tier|subscri|sns|ppu|fbt|total|coupon|points|club", re.I)
# "$" stays "$" here: USD, AUD, CAD, NZD... are told apart later from the ad's country.
_CURRENCY_CODES = {"US$": "USD", "AU$": "AUD", "NZ$": "NZD", "CA$": "CAD", "HK$": "HKD",
                   "S$": "SGD", "NT$": "TWD", "VNĐ": "VND", "Đ": "VND", "đ": "VND",
                   "BAHT": "THB", "RP": "IDR", "ZŁ": "PLN", "KR": "SEK", "円": "JPY", "元": "CNY",
                   "원": "KRW", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR",
                   "R$": "BRL", "A$": "AUD", "C$": "CAD", "₩": "KRW", "฿": "THB", "₫": "VND",
                   "₱": "PHP", "zł": "PLN", "kr": "SEK", "CHF": "CHF", "Rp": "IDR", "RM": "MYR"}


def clean(text: Any) -> str:
    """Collapse whitespace; '' for None."""
    if text is None:
        return ""
    if isinstance(text, list | tuple):
        text = " ".join(str(t) for t in text if t)
    return _WS.sub(" ", str(text)).strip()


_KNOWN_CODES = {"VND", "THB", "IDR", "MYR", "PHP", "SGD", "HKD", "TWD", "CNY", "JPY", "KRW",
                "INR", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "TRY", "ZAR",
                "BRL", "MXN", "AUD", "NZD", "CAD", "USD", "EUR", "GBP", "ARS", "CLP", "COP"}
_CURRENCY_WORD = re.compile(r"(?i)(?<![A-Za-z])(VNĐ|VND|baht|THB|IDR|MYR|PHP|SGD|HKD|TWD|CNY|"
                            r"JPY|KRW|"
                            r"INR|CHF|SEK|NOK|DKK|PLN|CZK|HUF|RON|TRY|ZAR|BRL|MXN|AUD|NZD|CAD|USD|"
                            r"EUR|GBP)(?![A-Za-z])")


def parse_price(text: Any) -> tuple[float | None, str | None]:
    """Amount and ISO currency from a price string ("$1,299.00" -> 1299.0, "USD")."""
    if text is None:
        return None, None
    if isinstance(text, int | float | Decimal):
        return float(text), None
    p = Price.fromstring(clean(text))
    amount = float(p.amount) if p.amount is not None else None
    cur = p.currency
    if cur is None:
        m = _CURRENCY_WORD.search(clean(text))
        cur = m.group(1) if m else None
    return amount, currency_code(cur)


def currency_code(value: Any) -> str | None:
    """An ISO code from a code or symbol."""
    v = clean(value)
    if not v:
        return None
    return _CURRENCY_CODES.get(v) or _CURRENCY_CODES.get(v.upper()) or (
        v.upper() if len(v) == 3 and v.isalpha() else v)


# Countries whose own currency is written "$"; anything else with a bare "$" is taken as USD.
DOLLAR_COUNTRIES = {"australia": "AUD", "new zealand": "NZD", "canada": "CAD",
                    "singapore": "SGD", "hong kong": "HKD", "taiwan": "TWD", "mexico": "MXN",
                    "argentina": "ARS", "chile": "CLP", "colombia": "COP"}


def resolve_dollar(currency: str | None, location: str | None,
                   page: str | None = None) -> str | None:
    """Turn an ambiguous "$" into a currency code: the ad's location, else the currency the
    page declares (`page`, see `page_currency`) when it is a dollar, else USD."""
    if currency != "$":
        return currency
    place = (location or "").lower()
    for country, code in DOLLAR_COUNTRIES.items():
        if country in place:
            return code
    return page if page in DOLLARS else "USD"


DOLLARS = {"USD", "AUD", "NZD", "CAD", "SGD", "HKD", "TWD", "MXN", "ARS", "CLP", "COP"}
# The currency of a locale's region (<html lang="en-AU">, og:locale "en_NZ").
REGION_CURRENCY = {"US": "USD", "AU": "AUD", "NZ": "NZD", "CA": "CAD", "SG": "SGD", "HK": "HKD",
                   "TW": "TWD", "MX": "MXN", "AR": "ARS", "CL": "CLP", "CO": "COP", "GB": "GBP",
                   "IN": "INR", "JP": "JPY", "KR": "KRW", "CN": "CNY", "TH": "THB", "VN": "VND",
                   "ID": "IDR", "MY": "MYR", "PH": "PHP", "ZA": "ZAR", "BR": "BRL", "CH": "CHF",
                   "SE": "SEK", "NO": "NOK", "DK": "DKK", "PL": "PLN", "CZ": "CZK", "HU": "HUF",
                   "RO": "RON", "TR": "TRY", "DE": "EUR", "FR": "EUR", "ES": "EUR", "IT": "EUR",
                   "IE": "EUR", "NL": "EUR", "BE": "EUR", "AT": "EUR", "PT": "EUR", "FI": "EUR",
                   "GR": "EUR", "SK": "EUR", "SI": "EUR", "EE": "EUR", "LV": "EUR", "LT": "EUR"}
# "Prices in AUD", "All prices are in NZD incl. GST", "Currency: CAD", "Preise in EUR".
_PRICES_IN = re.compile(r"(?i)\b(?:prices?|preise|prix|precios|prezzi)\s+(?:are\s+)?"
                        r"(?:shown\s+|quoted\s+|listed\s+)?(?:in|en)\s+([A-Z]{3})\b|"
                        r"\bcurrency\s*:\s*([A-Z]{3})\b")
_LOCALE_REGION = re.compile(r"^[a-z]{2,3}[-_]([A-Za-z]{2})\b")


def page_currency(doc: lxml.html.HtmlElement, meta: dict[str, str]) -> str | None:
    """The currency a page declares for its prices: in markup (priceCurrency, product meta),
    in words ("Prices in AUD"), else by the region of its locale (`<html lang="en-AU">`)."""
    declared = doc.xpath('//*[@itemprop="priceCurrency"]/@content | '
                         '//*[@itemprop="priceCurrency"]/text()')
    for value in [*declared, meta.get("product:price:currency"), meta.get("og:price:currency")]:
        code = clean(value).upper()
        if len(code) == 3 and code.isalpha():
            return code
    for text in doc.xpath("//body//text()[contains(translate(., 'PRICESURNY', 'pricesurny'), "
                          "'price') or contains(translate(., 'CURENY', 'cureny'), 'currency') "
                          "or contains(., 'reise') or contains(., 'rix') "
                          "or contains(., 'recio') or contains(., 'rezzi')]"):
        if len(text) < 300 and (m := _PRICES_IN.search(text)):
            code = (m.group(1) or m.group(2)).upper()
            if code in _KNOWN_CODES:
                return code
    for locale in (doc.get("lang"), meta.get("og:locale")):
        m = _LOCALE_REGION.match(clean(locale))
        if m and m.group(1).upper() in REGION_CURRENCY:
            return REGION_CURRENCY[m.group(1).upper()]
    return None


_RECO = re.compile(r"recommend|related|similar|carousel|slider|swiper|upsell|cross-?sell|"
                   r"also|bundle|suggest|footer|\bnav|menu|minicart|mini-cart|recently|viewed|"
                   r"sponsor|\bads?\b|sims", re.I)
# "Price: 12", "特價 2320 元", "Preis 9,99 €": a current-price label followed by an amount.
_PRICE_LABEL = re.compile(
    r"(?:^|[\s:：(])(?:our price|price|sale price|now|special|prix|preis|precio|prezzo|preço|"
    r"cena|hinta|pris|prijs|fiyat|цена|特價|特价|售價|售价|優惠價|优惠价|最低價|最低价|價格|价格|"
    r"販売価格|価格|판매가|할인가|가격)\s*[:：]?\s*(?:[^\d\s]{0,6}\s?)"
    r"(\d[\d.,]*(?:\s?[^\d\s]{1,3})?)", re.I)
_LABEL_WORD = re.compile(r"price|now|special|prix|preis|precio|prezzo|preço|cena|hinta|pris|prijs|"
                         r"fiyat|цена|價|价|価格|가", re.I)
_NUMBER = re.compile(r"\d[\d.,\s]*\d|\d")
_PERCENT = re.compile(r"-?\d+\s?%")
_CUR_NUM = re.compile(r"(?:[$€£¥₹₩฿₫₱]|\b(?:USD|EUR|GBP|NT\$|RM|Rp|zł|kr|CHF|R\$)\s?)\s?\d[\d.,\s]*"
                      r"|\d[\d.,]*\s?(?:[€£₩원円元]|\b(?:USD|EUR|GBP|zł|kr|Kč|Ft|lei|TL)\b)")


def heuristic_price(doc: lxml.html.HtmlElement) -> tuple[float | None, str | None, set[float],
                                                          set[float]]:
    """The most price-like element near the main heading, outside recommendation widgets.

    Candidates are elements with a price-ish class, id or itemprop, else short text nodes that
    look like money. Crossed-out, unit and "was" prices are dropped; the rest rank by: outside a
    widget, carries a currency, then distance in document order from the product's <h1>.
    Also returns the amounts shown as current prices and those shown as old/crossed-out ones.
    """
    shown: set[float] = set()
    old: set[float] = set()
    labelled: list[tuple[int, float, str | None, int]] = []
    order = {el: i for i, el in enumerate(doc.iter())}
    # The product title is the longest <h1> (short ones are badges like "15% off").
    h1s = sorted(doc.iter("h1"), key=lambda h: -len(clean(h.text_content())))
    anchor = order.get(h1s[0], 0) if h1s else 0
    cands = []
    attr_nodes = doc.xpath(
        '//*[@itemprop="price" or contains(translate(@class,"PRICE","price"),"price") or '
        'contains(translate(@id,"PRICE","price"),"price") or @data-price]')
    for el in attr_nodes:
        if el.tag in ("script", "style", "meta", "link", "option", "input", "del", "s", "strike"):
            continue
        attrs = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("itemprop"))))
        text = clean(el.get("content") or el.text_content())
        if _PRICE_BAD.search(attrs):
            if len(text) <= 40:
                amount, _ = parse_price(text)
                if amount:
                    old.add(round(amount, 2))
            continue
        cands.append((el, text))
    if not cands:
        for text in doc.xpath("//body//text()[normalize-space()]"):
            el = text.getparent()
            if el is None or not isinstance(el.tag, str) or el.tag in (
                    "script", "style", "option", "noscript"):
                continue
            t = clean(text)
            if len(t) <= 25 and _CUR_NUM.search(t):
                cands.append((el, t))
    scored = []
    for el, text in cands:
        if not text or len(text) > 40:
            continue
        # One amount per candidate: a container showing "was 20 now 10" is ambiguous.
        if len(_NUMBER.findall(_PERCENT.sub(" ", text))) != 1:
            continue
        ancestors = list(el.iterancestors())
        amount, cur = parse_price(text)
        if amount is None or amount <= 0:
            continue
        if any(a.tag in ("del", "s", "strike") for a in ancestors) or any(
                _PRICE_BAD.search(a.get("class") or "")
                and "price" in (a.get("class") or "").lower()
                for a in ancestors[:2]):
            old.add(round(amount, 2))
            continue
        in_widget = any(_RECO.search(" ".join(filter(None, (a.get("class"), a.get("id")))))
                        for a in ancestors)
        pos = order.get(el, 0)
        distance = pos - anchor if pos >= anchor else 3 * (anchor - pos)
        scored.append((int(in_widget), amount, cur, distance))
        if not in_widget:
            shown.add(round(amount, 2))
    for text in doc.xpath("//body//text()[normalize-space()]"):
        el = text.getparent()
        if el is None or not isinstance(el.tag, str) or el.tag in (
                "script", "style", "option", "noscript", "del", "s"):
            continue
        if not _LABEL_WORD.search(text):
            continue
        t = clean(el.text_content())  # the label and the amount are often split by tags
        m = _PRICE_LABEL.search(t) if len(t) < 60 else None
        if m is None:
            continue
        amount, cur = parse_price(m.group(1))
        if amount:
            ancestors = list(el.iterancestors())
            in_widget = any(_RECO.search(" ".join(filter(None, (a.get("class"), a.get("id")))))
                            for a in ancestors)
            pos = order.get(el, 0)
            distance = pos - anchor if pos >= anchor else 3 * (anchor - pos)
            labelled.append((int(in_widget), amount, cur, distance))
    best: tuple[tuple[int, int, int, int], float, str | None] | None = None
    for tier, group in enumerate((labelled, scored)):
        for in_widget, amount, cur, distance in group:
            key = (in_widget, tier, 0 if cur else 1, distance)
            if best is None or key < best[0]:
                best = (key, amount, cur)
    return (best[1], best[2], shown, old) if best else (None, None, shown, old)
