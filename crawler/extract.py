"""Field extraction without per-site code: JSON-LD, microdata, OpenGraph, heuristics, selectors.

`extract_fields(html, url, selectors)` is pure (no network, no browser) so it is tested on saved
HTML. Every field records where it came from in `sources`: selector, jsonld, microdata,
opengraph, meta or heuristic. Selectors from a site profile override everything else.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import lxml.html
from lxml import etree

from crawler.evidence import PageEvidence, page_evidence
from crawler.price import (
    clean,
    currency_code,
    heuristic_price,
    page_currency,
    parse_price,
    resolve_dollar,
)
from crawler.urls import absolutize

log = logging.getLogger(__name__)

FIELDS = ("title", "description", "price", "currency", "seller", "seller_url", "location",
          "posted_at", "category", "image_urls", "language")
@dataclass
class Extracted:
    """Fields of one page plus where each came from, and structured-data flags for kind guessing."""

    fields: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    has_product: bool = False
    links: list[str] = field(default_factory=list)
    text_len: int = 0
    offer_prices: list[float] = field(default_factory=list)
    locked: set[str] = field(default_factory=set)
    evidence: PageEvidence = field(default_factory=PageEvidence)

    def set(self, name: str, value: Any, source: str) -> None:
        """Keep the first non-empty value offered for a field (callers go from best to worst)."""
        if name in self.fields or value in (None, "", [], ()):
            return
        if name in self.locked and source != "selector":
            return
        self.fields[name] = value
        self.sources[name] = source


def _first(value: Any) -> Any:
    while isinstance(value, list):
        if not value:
            return None
        value = value[0]
    return value


def _name(value: Any) -> str:
    value = _first(value)
    if isinstance(value, dict):
        return clean(value.get("name") or value.get("@id") or "")
    return clean(value)


def _types(item: dict[str, Any]) -> set[str]:
    t = item.get("@type") or item.get("type") or []
    ts = t if isinstance(t, list) else [t]
    return {str(x).rsplit("/", 1)[-1] for x in ts}


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every dict in a JSON-LD / microdata tree (graphs, nested offers), in document order."""
    found: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            found.append(cur)
            stack.extend(reversed(list(cur.values())))
        elif isinstance(cur, list):
            stack.extend(reversed(cur))
    return found


def _jsonld(doc: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for script in doc.xpath('//script[@type="application/ld+json"]'):
        text = (script.text or "").strip()
        if not text:
            continue
        try:
            items.extend(_walk(json.loads(text)))
        except json.JSONDecodeError:
            # Sites ship JSON-LD with trailing commas or control characters; strict=False and a
            # comma fix recover most of it, the rest is skipped.
            try:
                items.extend(_walk(json.loads(re.sub(r",\s*([}\]])", r"\1", text), strict=False)))
            except json.JSONDecodeError:
                log.debug("unparseable JSON-LD block skipped")
    return items


def _microdata(doc: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    try:
        import extruct

        data = extruct.extract(doc, syntaxes=["microdata"], uniform=True)  # type: ignore[arg-type]
        return _walk(data.get("microdata", []))
    except Exception as exc:  # extruct raises assorted parser errors on broken markup
        log.debug("microdata extraction failed: %s", exc)
        return []


def _apply_structured(out: Extracted, items: list[dict[str, Any]], source: str, url: str) -> None:
    products = [i for i in items if _types(i) & {"Product", "Offer", "AggregateOffer", "Vehicle",
                                                   "IndividualProduct", "ProductModel"}]
    if not products:
        return
    out.has_product = True
    for prod in products:
        if not (_types(prod) & {"Offer", "AggregateOffer"}):
            out.set("title", _name(prod.get("name")), source)
            out.set("description", clean(_first(prod.get("description"))), source)
            imgs = prod.get("image")
            imgs = imgs if isinstance(imgs, list) else [imgs]
            urls = [absolutize(url, i.get("url") if isinstance(i, dict) else str(i or ""))
                    for i in imgs]
            out.set("image_urls", [u for u in urls if u], source)
            cat = prod.get("category")
            out.set("category", _name(cat), source)
        offers = [o for o in _walk(prod.get("offers", prod if "price" in prod else []))
                  if isinstance(o, dict)]
        priced = []
        for offer in offers:
            raw = offer.get("price", offer.get("lowPrice"))
            if raw is None and isinstance(offer.get("priceSpecification"), dict):
                raw = offer["priceSpecification"].get("price")
            amount, cur = parse_price(_first(raw)) if not isinstance(raw, int | float) else (
                float(raw), None)
            if amount:  # 0 is a placeholder ("call for price"), not a price
                priced.append((amount, currency_code(_first(offer.get("priceCurrency"))) or cur))
        if priced:
            out.set("currency", priced[0][1], source)
        if priced and "price" not in out.fields:
            # Several offers (sizes, sellers): the first is the one the page presents, unless
            # the page shows another one (checked against the visible prices later).
            amount, cur = priced[0]
            out.set("price", amount, source)
            out.set("currency", cur, source)
            out.offer_prices = [a for a, _ in priced]
        for offer in offers:
            seller = offer.get("seller") or prod.get("seller")
            out.set("seller", _name(seller), source)
            if isinstance(_first(seller), dict):
                out.set("seller_url", absolutize(url, clean(_first(seller).get("url"))), source)
            loc = offer.get("availableAtOrFrom") or offer.get("areaServed")
            out.set("location", _name(loc if not isinstance(_first(loc), dict)
                                      else (_first(loc).get("address") or loc)), source)
        posted = _first(prod.get("datePosted") or prod.get("datePublished")
                        or prod.get("releaseDate"))
        out.set("posted_at", normalize_date(clean(posted)), source)


def _meta(doc: lxml.html.HtmlElement) -> dict[str, str]:
    meta: dict[str, str] = {}
    for m in doc.xpath("//meta[@content]"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        if key and key not in meta:
            meta[key] = m.get("content", "")
    return meta


@functools.lru_cache(maxsize=512)
def _compiled(kind: str, expr: str) -> Any:
    if kind == "xpath":
        return etree.XPath(expr)
    from lxml.cssselect import CSSSelector

    return CSSSelector(expr, translator="html")


def select(doc: lxml.html.HtmlElement, spec: str) -> list[str]:
    """Run a profile selector: `css:A, B@attr` or `xpath:...`; `@attr` takes an attribute.

    Returns the text (or attribute) of every match in document order, empty ones included.
    """
    kind, sep, expr = spec.partition(":")
    if not sep or kind not in ("css", "xpath"):
        kind, expr = "css", spec
    if kind == "xpath":
        nodes = [(n, None) for n in _compiled("xpath", expr)(doc)]
    else:
        nodes = []
        parts = [p.strip().partition("@") for p in expr.split(",")]
        for css, _, attr in parts:
            nodes.extend((n, attr or None) for n in _compiled("css", css.strip())(doc))
        if len(parts) > 1:
            # Alternatives are tried in document order, like one CSS selector list.
            order = {el: i for i, el in enumerate(doc.iter())}
            nodes.sort(key=lambda na: order.get(na[0], 0))
    values: list[str] = []
    for n, attr in nodes:
        if isinstance(n, str):
            values.append(clean(n))
        elif attr:
            values.append(clean(n.get(attr)))
        else:
            values.append(clean(n.text_content()))
    return values


def _apply_selectors(out: Extracted, doc: lxml.html.HtmlElement, selectors: dict[str, str],
                     url: str) -> None:
    for name, spec in selectors.items():
        try:
            found = select(doc, spec)
        except (etree.XPathError, ValueError, SyntaxError) as exc:
            log.warning("selector %s=%r failed: %s", name, spec, exc)
            continue
        if name == "price" and found:
            # The selector found the price slot: empty or "Make an offer" there means no price,
            # not "look elsewhere" (elsewhere are other ads' prices).
            out.sources.setdefault("price", "selector")
            out.locked.add("price")
        values = [v for v in found if v]
        if not values:
            continue
        if name == "price":
            amount, cur = parse_price(values[0])
            out.set("price", amount, "selector")
            if cur:
                out.set("currency", cur, "selector")
        elif name == "image_urls":
            urls = [u for v in values if (u := absolutize(url, v))]
            out.set("image_urls", list(dict.fromkeys(urls)), "selector")
        elif name == "seller_url":
            out.set("seller_url", absolutize(url, values[0]), "selector")
        elif name == "description":
            out.set("description", "\n".join(values), "selector")
        elif name == "posted_at":
            out.set("posted_at", normalize_date(values[0]), "selector")
        else:
            out.set(name, values[0], "selector")


def _reconcile(out: Extracted, amount: float | None, cur: str | None, shown: set[float],
               old: set[float]) -> None:
    """Structured data often lists the regular price while the page shows a sale price."""
    price = round(out.fields["price"], 2)
    if price in shown:
        return
    for offer in out.offer_prices:
        if round(offer, 2) in shown:
            out.fields["price"] = offer
            return
    if price in old and amount is not None and round(amount, 2) not in old:
        out.fields["price"], out.sources["price"] = amount, "heuristic"
        if cur:
            out.fields["currency"] = cur


def extract_fields(html: str | bytes, url: str, selectors: dict[str, str] | None = None,
                   want_links: bool = True, main_text: bool = True) -> Extracted:
    """Extract ad/product fields and outgoing links from one HTML page (pure function)."""
    out = Extracted()
    if isinstance(html, bytes):
        html = decode_html(html)
    if not html.strip():
        return out
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        log.debug("unparseable HTML at %s: %s", url, exc)
        return out
    if selectors:
        _apply_selectors(out, doc, selectors, url)
    jsonld, microdata = _jsonld(doc), _microdata(doc)
    _apply_structured(out, jsonld, "jsonld", url)
    _apply_structured(out, microdata, "microdata", url)
    meta = _meta(doc)
    if want_links:  # role evidence matters to crawls, not to field extraction alone
        out.evidence = page_evidence(doc, url, jsonld + microdata, meta.get("og:type"))
    for key in ("product:price:amount", "og:price:amount", "og:price", "price"):
        if key in meta:
            amount, cur = parse_price(meta[key])
            out.set("price", amount, "opengraph")
            out.set("currency", currency_code(meta.get("product:price:currency")
                                              or meta.get("og:price:currency")
                                              or meta.get("pricecurrency")) or cur, "opengraph")
    if "og:type" in meta and "product" in meta["og:type"].lower():
        out.has_product = True
    out.set("title", clean(meta.get("og:title")), "opengraph")
    out.set("description", clean(meta.get("og:description")), "opengraph")
    if "og:image" in meta:
        out.set("image_urls", [u for u in [absolutize(url, meta["og:image"])] if u], "opengraph")
    h1 = [clean(h.text_content()) for h in doc.xpath("//h1")]
    out.set("title", next((h for h in h1 if h), ""), "heuristic")
    out.set("title", clean(doc.findtext(".//title")), "heuristic")
    if out.sources.get("price") == "selector":
        amount, cur, shown, old = None, None, set(), set()  # the profile knows where it is
    else:
        amount, cur, shown, old = heuristic_price(doc)
    if "price" in out.fields and out.sources["price"] in ("jsonld", "microdata", "opengraph"):
        _reconcile(out, amount, cur, shown, old)
    if "price" not in out.fields and "price" not in out.locked:
        out.set("price", amount, "heuristic")
        out.set("currency", cur, "heuristic")
    currency = out.fields.get("currency")
    if currency == "$" or ("price" in out.fields and currency is None):
        # The price string leaves the currency open: the ad's location, else the page decides.
        page = page_currency(doc, meta)
        if currency is None:
            out.set("currency", page, "page")
        else:
            out.fields["currency"] = resolve_dollar("$", out.fields.get("location"), page)
    out.set("description", clean(meta.get("description")), "meta")
    out.set("language", clean(doc.get("lang") or meta.get("og:locale")).split("-")[0].split("_")[0]
            .lower(), "heuristic")
    body = doc.find("body")
    text = clean(body.text_content()) if body is not None else ""
    out.text_len = len(text)
    if main_text and "description" not in out.fields and text:
        out.set("description", _main_text(html), "heuristic")
    if want_links:
        seen: set[str] = set()
        for a in doc.xpath("//a[@href]"):
            rel = (a.get("rel") or "").lower()
            if "nofollow" in rel and "next" not in rel:
                continue
            link = absolutize(url, a.get("href"))
            if link and link not in seen:
                seen.add(link)
                out.links.append(link)
    return out


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?\s*([\w-]+)""", re.I)


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y",
                 "%b %d, %Y")


def normalize_date(text: str) -> str:
    """An ISO date (YYYY-MM-DD) from common date spellings; the text as is when unknown."""
    t = clean(text)
    head = t[:10] if re.match(r"\d{4}-\d{2}-\d{2}", t) else t
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(head, fmt).date().isoformat()
        except ValueError:
            continue
    return t


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode HTML by the declared charset (header, then <meta>), else UTF-8, else cp1252."""
    candidates = [declared] if declared else []
    m = _META_CHARSET.search(data[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    for enc in (*candidates, "utf-8"):
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def _main_text(html: str) -> str:
    try:
        import trafilatura

        return clean(trafilatura.extract(html, include_comments=False, include_tables=False,
                                         favor_precision=True) or "")
    except Exception as exc:  # trafilatura surfaces lxml errors on odd markup
        log.debug("trafilatura failed: %s", exc)
        return ""
