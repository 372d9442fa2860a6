"""Disguised ads: a promotion dressed as content or navigation, its "ad" label hidden or absent."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from classifiers.deceptive.detection import Detection, detection
from classifiers.deceptive.elements import El, contains, text_of, walk
from snarewatch.schema import PageVisits

AD_LABEL = re.compile(
    r"^\s*(?:ad|ads|advert(?:isement)?|sponsored|promoted|partner(?: content)?|"
    r"paid(?: content)?)\s*[:.·]?\s*$",
    re.I,
)
# Ad destinations anywhere: ad-network hosts, click trackers, paid-traffic parameters.
AD_HREF = re.compile(
    r"(?:[?&](?:aff(?:iliate)?|adid|gclid|fbclid_ad)=|[?&]utm_medium=(?:cpc|ppc|paid|display)"
    r"|/(?:aff|sponsored|promo|adclick|aclk)(?:/|$|\?)|doubleclick|adclick|adserv)",
    re.I,
)
# `/ad/…` and `/ads/…` are ad servers only on another host: on a classifieds site they are the
# listings themselves.
AD_PATH_OFF_SITE = re.compile(r"/(?:ad|ads)(?:/|$|\?)", re.I)
# An "Ad" label smaller than this (px) next to content in normal type hides the disclosure.
TINY_LABEL_PX = 10.0
# A legible heading that names a block as sponsored ("Products related to this item Sponsored")
# discloses every link of the block below it, up to this far down (px).
# (English, with the common European words for "sponsored".)
SECTION_LABEL = re.compile(
    r"\b(?:sponsored|advertisements?|ads|gesponsert\w*|sponsoris[ée]\w*|patrocinad[oa]s?|"
    r"sponsorizzat[oi])\b", re.I)
SECTION_PX = 600.0


def _host(url: str | None) -> str:
    return urlsplit(url or "").hostname or ""


def detect_disguised_ads(visits: PageVisits) -> list[Detection]:
    """Links that lead to an ad destination and look like content (`check = "disguised_ad"`)."""
    first = visits.snapshot("first")
    if first is None:
        return []
    page_host = _host(visits.final_url or visits.url)
    elements = list(walk(first.elements))
    labels = [e for e in elements if AD_LABEL.match(text_of(e))]
    sections = [e for e in elements if len(text_of(e)) <= 60 and SECTION_LABEL.search(text_of(e))
                and float(e.get("font_size") or 0) > TINY_LABEL_PX]
    found = []
    for el in elements:
        href = el.get("href")
        if el.get("tag") != "a" or not href or AD_LABEL.match(text_of(el)):
            continue
        off_site = bool(_host(href)) and _host(href) != page_host
        if not (AD_HREF.search(href) or (off_site and AD_PATH_OFF_SITE.search(href))):
            continue
        label = next((lb for lb in labels if contains(el, lb) or _adjacent(lb, el)), None)
        if label is not None and float(label.get("font_size") or 0) > TINY_LABEL_PX:
            continue  # clearly labelled: an honest ad
        if any(_heads(sec, el) for sec in sections):
            continue  # a block under a legible "Sponsored" heading: disclosed
        reason = (
            f'its "{text_of(label)}" label is only {float(label.get("font_size") or 0):.0f} px'
            if label is not None
            else "it carries no ad label"
        )
        found.append(
            detection(
                "disguised_ad",
                el,
                check="disguised_ad",
                verified="yes",
                score=0.9,
                why=f'The link "{text_of(el)[:60]}" leads to an ad destination ({href[:80]}) and '
                f"{reason}.",
                evidence={
                    "href": href,
                    "off_site": off_site,
                    "ad_label": text_of(label) if label else None,
                },
            )
        )
    return found


def _heads(section: El, el: El) -> bool:
    """True when `section` sits above `el` (within SECTION_PX) and not to its right."""
    sy, ey = float(section.get("y") or 0), float(el.get("y") or 0)
    sx = float(section.get("x") or 0)
    right = float(el.get("x") or 0) + float(el.get("width") or 0)
    return sy <= ey <= sy + SECTION_PX and sx <= right


def _adjacent(label: El, el: El) -> bool:
    lx, ly = float(label.get("x") or 0), float(label.get("y") or 0)
    x, y = float(el.get("x") or 0), float(el.get("y") or 0)
    w, h = float(el.get("width") or 0), float(el.get("height") or 0)
    return x - 40 <= lx <= x + w + 40 and y - 30 <= ly <= y + h + 10
