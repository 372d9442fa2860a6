"""Deterministic generation of the marketplace: sellers and ads from a seed, cached in memory."""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
import re
import unicodedata
from dataclasses import dataclass, field

from demo_site import catalog as cat
from demo_site.foreign import CLOSINGS, FOREIGN
from demo_site.money import NO_PRICE_TEXTS, RATES, format_price, local_amount
from demo_site.negatives import HARD_NEGATIVES
from demo_site.ordinary import ORDINARY
from demo_site.wildlife import (
    FLAVOUR,
    LIVE_FLAVOUR,
    MISSPELLINGS,
    PRODUCT_TYPES,
    WILDLIFE,
)
from demo_site.wildlife import OPENINGS as W_OPENINGS

WILDLIFE_SHARE = 0.08
HARD_NEGATIVE_SHARE = 0.15
REPOST_SHARE = 0.05
JS_SHARE = 0.10
MARKUPS = ("jsonld", "microdata", "none")
_NO_WEAR_CATEGORIES = frozenset(
    {"food-drink", "traditional-medicine", "pets-birds", "health-beauty"})


@dataclass(frozen=True)
class Seller:
    """A seller account with a public profile page."""

    id: str
    name: str
    country: cat.Country
    city: str
    since: int
    kind: str  # private | dealer | wildlife (sells wildlife products; not shown on the site)
    rating: float
    phone: str


@dataclass(frozen=True)
class Ad:
    """One classified ad with its rendering choices and ground-truth labels."""

    id: str
    slug: str
    title: str
    description: str
    price: float | None
    currency: str | None
    price_text: str
    seller_id: str
    category: str
    city: str
    country: str
    posted: dt.date
    images: tuple[str, ...]
    is_wildlife: bool
    product_type: str | None
    hard_negative: str | None
    repost_of: str | None
    markup: str
    layout: int
    js_field: str | None
    language: str
    og: bool

    @property
    def path(self) -> str:
        """The canonical URL path of the ad page."""
        return f"/ad/{self.id}/{self.slug}"

    @property
    def image_paths(self) -> tuple[str, ...]:
        """URL paths of the ad's images."""
        return tuple(f"/img/{name}.svg" for name in self.images)


@dataclass(frozen=True)
class Catalog:
    """Everything the marketplace serves, indexed for fast rendering."""

    seed: int
    ads: tuple[Ad, ...]
    sellers: dict[str, Seller]
    by_id: dict[str, Ad] = field(repr=False)
    by_category: dict[str, tuple[Ad, ...]] = field(repr=False)
    by_seller: dict[str, tuple[Ad, ...]] = field(repr=False)
    newest: tuple[Ad, ...] = field(repr=False)
    search_text: tuple[tuple[str, Ad], ...] = field(repr=False)

    def search(self, query: str) -> list[Ad]:
        """Ads whose title or description contains the query (case-insensitive), newest first."""
        needle = query.strip().casefold()
        if not needle:
            return []
        return [ad for text, ad in self.search_text if needle in text]


_SLOT = re.compile(r"\{([^{}]*)\}")


def _slot(key: str, rng: random.Random) -> str | None:
    """A random value for a named numeric slot, or None if the name is not a slot."""
    choices: dict[str, tuple[object, ...]] = {
        "cm": (5, 6, 8, 10, 12, 15, 18, 20, 25, 30, 40), "g": (10, 20, 50, 100, 250, 500),
        "kg": (1, 2, 3, 5, 10), "n": (2, 3, 4, 5, 6), "yrs": (3, 5, 10, 20),
        "year": (1930, 1950, 1960, 1970), "mm": tuple(range(54, 65)), "age": tuple(range(8, 17)),
        "m": ("2.5", "3", "3.5", "4", "4.5"),
    }
    return str(rng.choice(choices[key])) if key in choices else None


def fill(text: str, rng: random.Random, ctx: dict[str, str] | None = None) -> str:
    """Resolve `{a|b}` choices, numeric slots (`{cm}`, `{g}`...) and context names in text."""
    names = ctx or {}

    def one(match: re.Match[str]) -> str:
        key: str = match.group(1)
        if "|" in key:
            return rng.choice(key.split("|"))
        if key in names:
            return names[key]
        value = _slot(key, rng)
        return match.group(0) if value is None else value

    return _SLOT.sub(one, text)


def slugify(text: str) -> str:
    """An ASCII URL slug (diacritics folded, Vietnamese đ included)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "item"


def _sentence(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def misspell(text: str, rng: random.Random) -> str:
    """Replace one filter-triggering word with a variant traffickers use (keeps capitals)."""
    hits = [w for w in MISSPELLINGS if w in text.lower()]
    if not hits:
        return text
    word = rng.choice(hits)
    start = text.lower().index(word)
    variant = rng.choice(MISSPELLINGS[word])
    if text[start].isupper():
        variant = variant[:1].upper() + variant[1:]
    return text[:start] + variant + text[start + len(word):]


def _make_sellers(rng: random.Random, n: int) -> list[Seller]:
    ids = rng.sample(range(10000, 99999), n)
    sellers = []
    for sid in ids:
        country = rng.choices(cat.COUNTRIES, weights=cat.COUNTRY_WEIGHTS)[0]
        wild_weight = 0.18 if country.code in ("VN", "ID", "TH") else 0.06
        roll = rng.random()
        kind = ("wildlife" if roll < wild_weight
                else "dealer" if roll < wild_weight + 0.15 else "private")
        first, last = rng.choice(cat.FIRST_NAMES), rng.choice(cat.SURNAMES)
        style = rng.randrange(4)
        if kind == "dealer" or (kind == "wildlife" and style == 0):
            stem = rng.choice((last, rng.choice(country.cities),
                               rng.choice(cat.HANDLE_WORDS).title()))
            name = f"{stem} {rng.choice(cat.SHOP_SUFFIXES)}"
        elif style == 1 or kind == "wildlife":
            name = f"{rng.choice(cat.HANDLE_WORDS)}_{first.lower()}{rng.randint(1, 99)}"
        else:
            name = f"{first} {last[0]}."
        digits = "".join(str(rng.randrange(10)) for _ in range(8))
        sellers.append(Seller(
            id=f"u{sid}", name=name, country=country, city=rng.choice(country.cities),
            since=rng.randint(2012, 2025), kind=kind, rating=round(rng.uniform(3.4, 5.0), 1),
            phone=f"{country.phone}{digits[:2]} {digits[2:5]} {digits[5:]}",
        ))
    return sellers


def _describe(tpl: cat.ItemTemplate, group: str, rng: random.Random, ctx: dict[str, str]) -> str:
    """Compose a description from the template's facts and the phrase pools of its group."""
    facts = rng.sample(tpl.facts, k=min(len(tpl.facts), rng.randint(1, 3)))
    if tpl.language != "en":
        parts = facts + [rng.choice(CLOSINGS[tpl.language])]
    elif group == "wild":
        flavour = LIVE_FLAVOUR if tpl.kind == "live_animal" else FLAVOUR
        parts = [rng.choice(W_OPENINGS)] + facts + rng.sample(flavour, k=rng.randint(1, 2))
        if rng.random() < 0.3:
            parts.append(rng.choice(cat.LOGISTICS))
    else:
        parts = [rng.choice(cat.OPENINGS)] + facts
        # Wear and "reason for selling" lines make no sense for food, medicine or live pets.
        if ctx["category"] not in _NO_WEAR_CATEGORIES and rng.random() < 0.6:
            parts.append(rng.choice(cat.CONDITIONS))
        if group == "ord" and rng.random() < 0.4:
            parts.append(rng.choice(cat.REASONS))
        parts += [rng.choice(cat.LOGISTICS), rng.choice(cat.CONTACTS)]
    return " ".join(_sentence(fill(p, rng, ctx)) for p in parts if p)


def _price(tpl: cat.ItemTemplate, group: str, currency: str,
           rng: random.Random) -> tuple[float | None, str | None, str]:
    if rng.random() < (0.12 if group == "wild" else 0.03):
        return None, None, rng.choice(NO_PRICE_TEXTS)
    lo, hi = tpl.price
    aud = math.exp(rng.uniform(math.log(lo), math.log(hi)))
    amount = local_amount(aud, currency, rng)
    return amount, currency, format_price(amount, currency, rng.randrange(5))


def _render_choices(rng: random.Random) -> dict[str, object]:
    js = rng.random() < JS_SHARE
    return {
        "markup": rng.choice(MARKUPS), "layout": rng.randrange(3),
        "js_field": (rng.choice(("description", "description", "price")) if js else None),
        "og": rng.random() < 0.85,
    }


def _pick_template(group: str, seller: Seller, rng: random.Random) -> cat.ItemTemplate:
    lang = seller.country.language
    if lang != "en" and rng.random() < 0.25:
        wild = set(PRODUCT_TYPES)
        options = [t for t in FOREIGN if t.language == lang and (
            (group == "wild" and t.kind in wild) or (group == "ord" and t.kind == "ordinary")
            or (group == "hn" and t.kind not in wild and t.kind != "ordinary"))]
        if options:
            return rng.choice(options)
    pool = {"wild": WILDLIFE, "hn": HARD_NEGATIVES, "ord": ORDINARY}[group]
    return rng.choice(pool)


def _make_ad(ad_id: str, group: str, seller: Seller, rng: random.Random) -> Ad:
    tpl = _pick_template(group, seller, rng)
    category = rng.choice(tpl.categories)
    ctx = {"city": seller.city, "country": seller.country.name, "phone": seller.phone,
           "category": category}
    title = fill(rng.choice(tpl.titles), rng, ctx)
    # Descriptions repeat the title's head phrase ("For sale: Treadmill."), as sellers do.
    head = re.split(r" - |, | \(", title)[0]
    if group == "wild" and head[1:2].islower():
        head = head[:1].lower() + head[1:]
    ctx["item"] = head
    description = _describe(tpl, group, rng, ctx)
    if group == "wild" and rng.random() < 0.2:
        title = misspell(title, rng)
    if group == "wild" and rng.random() < 0.1:
        description = misspell(description, rng)
    price, currency, price_text = _price(tpl, group, seller.country.currency, rng)
    n_images = rng.choices((1, 2, 3, 4), weights=(3, 3, 2, 2))[0]
    return Ad(
        id=ad_id, slug=slugify(title), title=title, description=description, price=price,
        currency=currency, price_text=price_text, seller_id=seller.id,
        category=category, city=seller.city, country=seller.country.name,
        posted=cat.REF_DATE - dt.timedelta(days=rng.randrange(0, 180)),
        images=tuple(f"{ad_id}-{i + 1}" for i in range(n_images)),
        is_wildlife=group == "wild", product_type=tpl.kind if group == "wild" else None,
        hard_negative=tpl.kind if group == "hn" else None, repost_of=None,
        language=tpl.language, **_render_choices(rng),  # type: ignore[arg-type]
    )


def _repost(orig: Ad, ad_id: str, rng: random.Random) -> Ad:
    """A lightly edited copy by the same seller: new id, tweaked text and price, later date."""
    title = rng.choice(cat.REPOST_TITLE_EDITS).format(t=orig.title)
    sentences = orig.description.split(". ")
    if len(sentences) > 2 and rng.random() < 0.5:
        sentences[1], sentences[2] = sentences[2], sentences[1]
    description = ". ".join(sentences)
    description = (f"{rng.choice(cat.REPOST_EXTRA_LINES)} {description}" if rng.random() < 0.5
                   else f"{description} {rng.choice(cat.REPOST_EXTRA_LINES)}")
    price, currency, price_text = orig.price, orig.currency, orig.price_text
    if orig.price is not None and orig.currency is not None:
        price = local_amount(orig.price * rng.uniform(0.8, 0.95) / RATES[orig.currency],
                             orig.currency, rng)
        price_text = format_price(price, orig.currency, rng.randrange(5))
    posted = min(cat.REF_DATE, orig.posted + dt.timedelta(days=rng.randint(2, 30)))
    return Ad(
        id=ad_id, slug=slugify(title), title=title, description=description, price=price,
        currency=currency, price_text=price_text, seller_id=orig.seller_id,
        category=orig.category, city=orig.city, country=orig.country, posted=posted,
        images=orig.images, is_wildlife=orig.is_wildlife, product_type=orig.product_type,
        hard_negative=orig.hard_negative, repost_of=orig.id, language=orig.language,
        **_render_choices(rng),  # type: ignore[arg-type]
    )


@functools.lru_cache(maxsize=8)
def build_catalog(seed: int, n_ads: int) -> Catalog:
    """Generate the whole marketplace for (seed, n_ads); the same inputs give the same catalog."""
    rng = random.Random(seed)
    sellers = _make_sellers(rng, max(20, n_ads // 5))
    wild_sellers = [s for s in sellers if s.kind == "wildlife"] or sellers
    other_sellers = [s for s in sellers if s.kind != "wildlife"] or sellers
    n_reposts = round(n_ads * REPOST_SHARE)
    n_base = n_ads - n_reposts
    n_wild = max(1, round(n_base * WILDLIFE_SHARE))
    n_hn = max(1, round(n_base * HARD_NEGATIVE_SHARE))
    groups = ["wild"] * n_wild + ["hn"] * n_hn + ["ord"] * (n_base - n_wild - n_hn)
    rng.shuffle(groups)
    ids = [str(i) for i in rng.sample(range(1_000_000, 9_999_999), n_ads)]
    ads: list[Ad] = []
    for ad_id, group in zip(ids, groups, strict=False):
        if group == "wild":
            seller = rng.choice(wild_sellers if rng.random() < 0.7 else other_sellers)
        else:
            seller = rng.choice(other_sellers if rng.random() < 0.95 else wild_sellers)
        ads.append(_make_ad(ad_id, group, seller, rng))
    # Traffickers repost more than ordinary sellers, so wildlife ads are likelier originals.
    weights = [3.0 if a.is_wildlife else 1.0 for a in ads]
    originals = rng.choices(ads, weights=weights, k=n_reposts)
    for ad_id, orig in zip(ids[n_base:], originals, strict=True):
        ads.append(_repost(orig, ad_id, rng))
    return _index(seed, ads, sellers)


def _index(seed: int, ads: list[Ad], sellers: list[Seller]) -> Catalog:
    newest = tuple(sorted(ads, key=lambda a: (a.posted, a.id), reverse=True))
    by_category: dict[str, list[Ad]] = {c.slug: [] for c in cat.CATEGORIES}
    by_seller: dict[str, list[Ad]] = {s.id: [] for s in sellers}
    for ad in newest:
        by_category[ad.category].append(ad)
        by_seller[ad.seller_id].append(ad)
    return Catalog(
        seed=seed, ads=tuple(ads), sellers={s.id: s for s in sellers},
        by_id={a.id: a for a in ads},
        by_category={k: tuple(v) for k, v in by_category.items()},
        by_seller={k: tuple(v) for k, v in by_seller.items()}, newest=newest,
        search_text=tuple((f"{a.title}\n{a.description}".casefold(), a) for a in newest),
    )
