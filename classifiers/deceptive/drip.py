"""Drip pricing and sneak-into-basket: the product page's price against the cart and checkout.

The crawler follows the page's add-to-cart link to the cart and checkout and captures both; here
we read the amounts as rows (label + amount) and compare. A fee the product page never mentioned,
or an item the visitor did not add, raises the total above the advertised price.
"""

from __future__ import annotations

import re
from typing import Any

from classifiers.deceptive.detection import Detection, detection
from classifiers.deceptive.elements import El, box_of, is_control, money_in, text_of, walk
from snarewatch.schema import PageSnapshot, PageVisits

TOTAL = re.compile(
    r"\b(?:order total|grand total|total(?: to pay| due| price)?|amount due|you pay)\b", re.I
)
SUBTOTAL = re.compile(
    r"\b(?:sub-?total|items?(?: total)?|merchandise|basket total|cart total)\b", re.I
)
FEE = re.compile(
    r"\b(?:fee|fees|charge|surcharge|service|handling|processing|booking|admin\w*|"
    r"convenience|platform|insurance|protection|cover|levy)\b",
    re.I,
)
SHIPPING = re.compile(r"\b(?:shipping|delivery|postage|freight)\b", re.I)
TAX = re.compile(r"\b(?:tax|vat|gst)\b", re.I)
DISCOUNT = re.compile(r"\b(?:discount|coupon|promo|saving|voucher)\b", re.I)
_EPS = 0.01
MAX_ROW_CHARS = 60


def rows(snapshot: PageSnapshot) -> list[tuple[str, float, El]]:
    """(label, amount, element) rows: an amount with its label in the element or to its left."""
    els = list(walk(snapshot.elements))
    out = []
    for el in els:
        text = text_of(el)
        amounts = money_in(text)
        # Order rows are short; a sentence of terms or a "Pay $56.95" button is not a row.
        if len(amounts) != 1 or len(text) > MAX_ROW_CHARS or is_control(el):
            continue
        label = re.sub(
            r"[-+]?\s*(?:[$€£]|A\$|US\$|AUD|USD|EUR|GBP)?\s?\d[\d,]*(?:\.\d+)?\s?"
            r"(?:[$€£]|AUD|USD|EUR|GBP)?",
            "",
            text,
        ).strip(" :-\u2013")
        if not re.search(r"[a-z]", label, re.I):
            x, y, _, h = box_of(el)
            row = [
                o
                for o in els
                if o is not el
                and abs(box_of(o)[1] - y) <= max(8.0, h / 2)
                and box_of(o)[0] < x
                and not money_in(text_of(o))
            ]
            label = text_of(max(row, key=lambda o: box_of(o)[0])) if row else ""
        out.append((label.strip(), amounts[0], el))
    return out


def product_price(snapshot: PageSnapshot) -> tuple[float, El] | None:
    """The advertised price: the amount shown in the largest font outside overlays."""
    best: tuple[float, float, El] | None = None
    for el in walk(snapshot.elements):
        if el.get("in_overlay"):
            continue
        amounts = money_in(text_of(el))
        if len(amounts) != 1 or len(text_of(el)) > 40:
            continue
        size = float(el.get("font_size") or 0)
        if best is None or size > best[0]:
            best = (size, amounts[0], el)
    return (best[1], best[2]) if best else None


def _total(lines: list[tuple[str, float, El]]) -> float | None:
    totals = [a for label, a, _ in lines if TOTAL.search(label) and not SUBTOTAL.search(label)]
    return totals[-1] if totals else None


def detect_drip(visits: PageVisits) -> list[Detection]:
    """Hidden fees and sneaked items: product price against checkout (`check = "drip"`)."""
    first = visits.snapshot("first")
    final = visits.snapshot("checkout") or visits.snapshot("cart")
    if first is None or final is None:
        return []
    advertised = product_price(first)
    if advertised is None:
        return []
    price, price_el = advertised
    page_text = " ".join(text_of(e) for e in first.elements).lower()
    lines = rows(final)
    total = _total(lines)
    fees, extras = [], []
    for label, amount, row_el in lines:
        low = label.lower()
        if (
            amount <= _EPS
            or not label
            or TOTAL.search(label)
            or SUBTOTAL.search(label)
            or TAX.search(label)
            or DISCOUNT.search(label)
        ):
            continue
        if SHIPPING.search(label) or FEE.search(label):
            disclosed = (f"{amount:.2f}" in page_text) or (low in page_text)
            if not disclosed:
                fees.append({"label": label, "amount": amount, "selector": row_el.get("selector")})
        elif abs(amount - price) > _EPS and low not in page_text:
            extras.append({"label": label, "amount": amount, "selector": row_el.get("selector")})
    evidence: dict[str, Any] = {
        "product_price": price,
        "checkout_total": total,
        "checkout_url": final.url,
        "rows": [{"label": lb, "amount": a} for lb, a, _ in lines],
    }
    box = box_of(price_el)
    found: list[Detection] = []
    if fees:
        added = sum(f["amount"] for f in fees)
        names = ", ".join(f"{f['label']} ({f['amount']:.2f})" for f in fees)
        found.append(
            detection(
                "hidden_costs",
                price_el,
                check="drip",
                verified="yes",
                score=1.0,
                box=box,
                why=f"The page shows {price:.2f}; checkout adds {names}"
                + (f" for a total of {total:.2f}." if total is not None else "."),
                evidence={**evidence, "hidden_fees": fees, "added": round(added, 2)},
            )
        )
        found[-1].selector = fees[0]["selector"]  # the fee's row on the checkout page
    if extras:
        names = ", ".join(f"{x['label']} ({x['amount']:.2f})" for x in extras)
        found.append(
            detection(
                "sneak_into_basket",
                price_el,
                check="drip",
                verified="yes",
                score=1.0,
                box=box,
                why=f"The basket also holds {names}, which the visitor did not add.",
                evidence={**evidence, "extra_items": extras},
            )
        )
        found[-1].selector = extras[0]["selector"]
    return found
