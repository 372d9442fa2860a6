"""What a page shows about its role: one offer (an ad, a product page) or many (a listing).

Counted from the parsed page by `page_evidence` (pure): product markup, price slots, buy and
contact controls, repeated item links. `crawler.roles` weighs them into a page kind.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import lxml.html

from crawler.price import clean

# Controls that act on one offer: put it in a cart, buy it, or reach its seller.
BUY_TEXT = re.compile(
    r"(?i)\b(add to (cart|basket|bag|trolley)|buy (it )?now|add to shopping (cart|bag)|"
    r"in den (warenkorb|einkaufswagen)|ajouter au panier|añadir al carrito|agregar al carro|"
    r"aggiungi al carrello|adicionar ao carrinho|do koszyka|lisää ostoskoriin|lägg i varukorgen|"
    r"in winkelwagen|sepete ekle|в корзину|v košík|do košíku|kosárba|ielikt grozā|lisa ostukorvi|"
    r"dodaj u košaricu|adaugă în coș|adauga in cos|"
    r"contact (the )?seller|message (the )?seller|email (the )?seller|call (the )?seller|"
    r"reply to (this )?ad|make an offer|send (a )?message|show (phone )?number|chat with seller)\b"
    r"|加入購物車|加入购物车|立即購買|立即购买|カートに入れる|장바구니|구매하기|הוסף לסל|أضف إلى"
)
BUY_ATTR = re.compile(r"(?i)add[-_ ]?to[-_ ]?(cart|basket|bag)|addtocart|addtobasket|buy[-_]?now|"
                      r"contact[-_]?seller|reply[-_]?to[-_]?ad")
# Blocks of other offers on an offer's page: their prices and buttons are not the page's own.
WIDGET = re.compile(r"(?i)recommend|related|similar|carousel|slider|swiper|upsell|cross-?sell|"
                    r"also|bundle|suggest|\bnav|menu|minicart|mini-cart|recently|viewed|sponsor|"
                    r"sims|footer|header")
_PRICE_ATTR = ('//*[@itemprop="price" or contains(translate(@class,"PRICE","price"),"price") or '
               'contains(translate(@id,"PRICE","price"),"price")]')
_AMOUNT = re.compile(r"\d")
_SLUG_ID = re.compile(r"\d{4,}|[a-z0-9]+(?:-[a-z0-9]+){3,}")
_DIGITS = re.compile(r"\d+")
PRODUCT_TYPES = {"Product", "IndividualProduct", "ProductModel", "Vehicle", "Car", "Book"}


@dataclass
class PageEvidence:
    """Counts that tell one offer from many; see `crawler.roles.page_role`."""

    products: int = 0  # distinct products in JSON-LD / microdata (by name)
    item_list: int = 0  # entries of a schema.org ItemList
    og_product: bool = False  # og:type = product
    buy_controls: int = 0  # add-to-cart / buy / contact-seller controls outside widgets
    price_slots: int = 0  # price-like elements with an amount, outside widgets
    tiles: int = 0  # repeated blocks that each hold a price and a link (a grid of offers)
    own_price: bool = False  # a price outside widgets and outside any repeated block
    widget_prices: int = 0  # price-like elements inside widgets (related items, menus...)
    item_links: int = 0  # links sharing one item-like URL shape (ids, long slugs)
    notes: list[str] = field(default_factory=list)


def _in_widget(el: Any) -> bool:
    for a in el.iterancestors():
        attrs = " ".join(filter(None, (a.get("class"), a.get("id"), a.get("aria-label"))))
        if a.tag in ("nav", "footer", "aside") or (attrs and WIDGET.search(attrs)):
            return True
    return False


def _types(item: dict[str, Any]) -> set[str]:
    t = item.get("@type") or item.get("type") or []
    return {str(x).rsplit("/", 1)[-1] for x in (t if isinstance(t, list) else [t])}


def _count_products(items: list[dict[str, Any]]) -> tuple[int, int]:
    names: set[str] = set()
    listed = 0
    for item in items:
        types = _types(item)
        if types & PRODUCT_TYPES:
            name = item.get("name")
            name = name[0] if isinstance(name, list) and name else name
            names.add(clean(name if isinstance(name, str) else str(name or len(names))).lower())
        if "ItemList" in types:
            entries = item.get("itemListElement") or []
            listed = max(listed, len(entries) if isinstance(entries, list) else 1)
    return len(names), listed


def _buy_controls(doc: lxml.html.HtmlElement) -> int:
    n = 0
    for el in doc.xpath("//button | //input[@type='submit' or @type='button' or @type='image'] | "
                        "//a[@href] | //*[@role='button']"):
        text = clean(el.text_content() if el.tag != "input" else (el.get("value") or ""))
        attrs = " ".join(filter(None, (el.get("id"), el.get("name"), el.get("class"),
                                       el.get("aria-label"), el.get("title"))))
        if len(text) > 40:
            continue
        if (text and BUY_TEXT.search(text)) or (attrs and BUY_ATTR.search(attrs)):
            if not _in_widget(el):
                n += 1
    return n


def _slots(doc: lxml.html.HtmlElement) -> tuple[list[Any], int]:
    """Price elements outside widgets, and how many more sit inside widgets."""
    slots: list[Any] = []
    in_widgets = 0
    seen: set[Any] = set()
    for el in doc.xpath(_PRICE_ATTR):
        if el.tag in ("script", "style", "meta", "link", "option", "input", "del", "s", "strike"):
            continue
        text = clean(el.get("content") or el.text_content())
        # Nested price elements ("price" > "price-amount") are one slot.
        if not text or len(text) > 40 or not _AMOUNT.search(text) or any(
                a in seen for a in el.iterancestors()):
            continue
        seen.add(el)
        if _in_widget(el):
            in_widgets += 1
        else:
            slots.append(el)
    return slots, in_widgets


def _tile(el: Any) -> Any:
    """The smallest ancestor of a price that also holds a link: its tile, when in a grid."""
    for depth, a in enumerate(el.iterancestors()):
        if depth >= 6 or a.tag in ("body", "main"):
            return None
        if a.tag == "a" or a.find(".//a[@href]") is not None:
            return a
    return None


def _tiles(slots: list[Any]) -> tuple[int, bool]:
    """(largest group of sibling tiles, whether some price sits outside every group of 3+)."""
    # Elements themselves are the keys: lxml keeps one proxy per node while it is referenced.
    groups: dict[tuple[Any, str], set[Any]] = {}
    keys = []
    for el in slots:
        tile = _tile(el)
        parent = tile.getparent() if tile is not None else None
        key = (parent, str(tile.tag)) if tile is not None and parent is not None else None
        keys.append(key)
        if key is not None:
            groups.setdefault(key, set()).add(tile)  # prices of one tile count once
    sizes = {k: len(v) for k, v in groups.items()}
    own = any(k is None or sizes[k] < 3 for k in keys)
    return max(sizes.values(), default=0), own


def _item_links(doc: lxml.html.HtmlElement, url: str) -> int:
    here = urlsplit(url)
    shapes: Counter[str] = Counter()
    for href in {h.strip() for h in doc.xpath("//a/@href")}:
        parts = urlsplit(href)
        if parts.netloc and parts.netloc != here.netloc:
            continue
        path = parts.path
        if path == here.path or not _SLUG_ID.search(path):
            continue
        segments = [s for s in path.split("/") if s]
        shape = "/".join(_DIGITS.sub("N", s) if _DIGITS.search(s) or "-" in s else s
                         for s in segments[:-1]) + f"/{len(segments)}"
        shapes[shape] += 1
    return max(shapes.values(), default=0)


def page_evidence(doc: lxml.html.HtmlElement, url: str, items: list[dict[str, Any]],
                  og_type: str | None) -> PageEvidence:
    """Count the role signals of one parsed page (`items`: its JSON-LD and microdata dicts)."""
    products, listed = _count_products(items)
    slots, in_widgets = _slots(doc)
    tiles, own = _tiles(slots)
    return PageEvidence(products=products, item_list=listed,
                        og_product="product" in (og_type or "").lower(),
                        buy_controls=_buy_controls(doc), price_slots=len(slots), tiles=tiles,
                        own_price=own, widget_prices=in_widgets,
                        item_links=_item_links(doc, url))
