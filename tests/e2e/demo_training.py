"""Labelled training items drawn from the demo marketplace, with the pages the tests visit held out.

The e2e students stand in for the pipeline's: `snarewatch demo` distils them from LLM labels of a
crawl of the same site; here the site's ground truth plays the LLM (as human labels), which keeps
the fixture fast and deterministic. Every page a test looks at is left out of training, so the
flags the tests see are the student's predictions on unseen pages, not recalled labels.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import httpx

# Deceptive shop pages the tests visit (one planted pattern each) and clean pages with no honest
# look-alike (a text-only student cannot tell "Only 3 left" true from false: see docs/extension.md).
TEST_DECEPTIVE_PAGES = ("/shop/pour-over-kettle", "/shop/wireless-earbuds", "/shop/desk-lamp",
                        "/shop/running-shoes")
TEST_ACTIVITY_PAGE = "/shop/yoga-mat"  # the purchase toast is added by the page's script
TEST_CLEAN_PAGES = ("/shop/water-bottle", "/shop/ceramic-planters", "/shop/cutting-boards",
                    "/shop/french-press", "/shop/notebook-set")
TEST_LISTINGS = ("/c/traditional-medicine", "/c/jewellery-accessories")

# Pages whose elements train the deceptive-ui student: planted patterns of the same kinds as the
# test pages (the weighted blanket carries six), and clean pages.
TRAIN_SHOP_PAGES = ("/shop/weighted-blanket", "/shop/phone-case", "/shop/smartwatch-s2",
                    "/shop/knife-set", "/shop/vitamin-c-serum", "/shop/whitening-trial",
                    "/shop/throw-pillows", "/shop/garden-hose", "/shop/hiking-socks",
                    "/shop/led-strip", "/shop/travel-adapter")
# Marketplace pages: their navigation and ad text are ordinary page text for deceptive-ui.
TRAIN_PLAIN_PAGES = ("/", "/c/bikes-scooters", "/shop", "/help/contact")
TRAIN_AD_CATEGORIES = ("bikes-scooters", "pets-birds")  # ad pages, one per layout

# Demo pattern id -> deceptive-ui label, for patterns whose text alone shows the pattern. Cookie
# banners ("Accept all") and disguised ads ("Download") are deceptive by layout, not wording.
PATTERN_LABELS = {
    "timer_reset": "countdown_timer", "stock_fake": "low_stock_message",
    "activity": "activity_notification", "high_demand": "high_demand_message",
    "confirmshame": "confirmshaming", "precheck": "preselection",
    "limited_time": "limited_time_message", "trick_question": "trick_question",
    "testimonials": "testimonials_of_uncertain_origin",
    "hidden_subscription": "hidden_subscription",
}
TEXT_BLIND_PATTERNS = {"cookie_unfair", "cookie_fair", "disguised_ad", "download_genuine"}

_SKIP = {"script", "style", "noscript", "template", "head", "title", "svg", "select", "textarea"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}
_INTERACTIVE = {"button", "a", "label", "summary", "option"}
_AD_LINK = re.compile(r'href="(/ad/(\d+)/[^"]*)"')


class _Texts(HTMLParser):
    """Texts of elements the way the content script collects them: own text, or interactive."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[list[Any]] = []  # [tag, own_text?, parts]
        self.texts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        if tag in _SKIP or self.skipping:
            self.skipping += 1
            return
        self.stack.append([tag, False, []])

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if self.skipping:
            self.skipping -= 1
            return
        # Tolerate unclosed tags: pop up to the matching one.
        while self.stack:
            name, own, parts = self.stack.pop()
            text = " ".join("".join(parts).split())
            if self.stack:
                self.stack[-1][2].append("".join(parts))
            if (own or name in _INTERACTIVE) and len(text) > 1:
                self.texts.append(text)
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skipping or not self.stack:
            return
        if data.strip():
            self.stack[-1][1] = True
        self.stack[-1][2].append(data)


def page_texts(html: str) -> list[str]:
    """The distinct visible-ish texts of a page's elements, in document order of closing."""
    parser = _Texts()
    parser.feed(html)
    parser.close()
    return list(dict.fromkeys(parser.texts))


def listing_ad_ids(site: str, paths: tuple[str, ...] = TEST_LISTINGS) -> set[str]:
    """Ids of the ads linked from the listing pages the tests visit."""
    ids: set[str] = set()
    for path in paths:
        ids.update(m.group(2) for m in _AD_LINK.finditer(httpx.get(site + path).text))
    return ids


def ad_examples(held_out: set[str], per_category: int = 15,
                seed: int = 0) -> list[tuple[dict[str, Any], str]]:
    """(ad truth, label) for the demo ads not held out: every wildlife ad and hard negative, and
    `per_category` other ads of each category (a sample keeps training to seconds)."""
    import random
    from collections import defaultdict

    from demo_site.truth import ground_truth

    rng = random.Random(seed)
    chosen, plain = [], defaultdict(list)
    for ad in ground_truth()["ads"]:
        if ad["id"] in held_out:
            continue
        if ad["is_wildlife"] or ad["hard_negative"]:
            chosen.append(ad)
        else:
            plain[ad["category_slug"]].append(ad)
    for category in sorted(plain):
        ads = plain[category]
        chosen += rng.sample(ads, min(per_category, len(ads)))
    return [(ad, "wildlife_product" if ad["is_wildlife"] else "not_wildlife") for ad in chosen]


def plain_ad_pages(categories: tuple[str, ...] = TRAIN_AD_CATEGORIES) -> tuple[str, ...]:
    """One ad page per layout of each category: the marketplace's ad pages carry no UI pattern."""
    from demo_site.truth import ground_truth

    paths: dict[tuple[str, int], str] = {}
    for ad in ground_truth()["ads"]:
        paths.setdefault((ad["category_slug"], ad["layout"]), ad["url"])
    return tuple(url for (cat, _), url in sorted(paths.items()) if cat in categories)


def element_examples(
    site: str, shop_pages: tuple[str, ...] = TRAIN_SHOP_PAGES
) -> list[tuple[str, str, str]]:
    """(page path, text, label) for the elements of the shop pages and the marketplace pages."""
    from demo_site.truth import ground_truth

    pages = {p["path"]: p for p in ground_truth()["pages"]}
    out: list[tuple[str, str, str]] = []
    for path in shop_pages + TRAIN_PLAIN_PAGES + plain_ad_pages():
        patterns = [p for p in pages.get(path, {"patterns": []})["patterns"] if p["path"] == path]
        for text in page_texts(httpx.get(site + path, follow_redirects=True).text):
            label = "not_dark_pattern"
            for pattern in patterns:
                if pattern["text"] not in text:
                    continue
                # Layout-only patterns and honest look-alikes teach a text student nothing.
                usable = pattern["deceptive"] and pattern["id"] not in TEXT_BLIND_PATTERNS
                label = PATTERN_LABELS.get(pattern["id"], "skip") if usable else "skip"
            if label != "skip":
                out.append((path, text, label))
    return out
