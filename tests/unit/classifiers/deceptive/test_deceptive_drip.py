"""Drip pricing and sneak into basket: product price against the checkout rows."""

from __future__ import annotations

from classifiers.deceptive.drip import detect_drip, rows
from snarewatch.schema import PageSnapshot


def _product(el, *extra):
    return [
        el("Boom Mini Speaker", tag="h1", font_size=28.0, y=100),
        el("$49.00", tag="span", selector="#price", font_size=32.0, y=150),
        el("$89.00", tag="span", selector="#tile-price", font_size=16.0, y=900),
        *extra,
    ]


def _checkout(el, *lines):
    out = []
    for i, (label, amount) in enumerate(lines):
        y = 200 + 30 * i
        out.append(el(label, tag="th", selector=f"#row{i} > th", x=20, y=y))
        out.append(el(amount, tag="td", selector=f"#row{i} > td", x=400, y=y))
    return out


def test_rows_pair_label_and_amount(el):
    snap = PageSnapshot(label="checkout", url="u", elements=_checkout(el, ("Service fee", "$7.95")))
    assert [(lb, a) for lb, a, _ in rows(snap)] == [("Service fee", 7.95)]


def test_fee_only_at_checkout_is_hidden_cost(el, visits):
    checkout = _checkout(
        el,
        ("Boom Mini Speaker", "$49.00"),
        ("Shipping", "Free"),
        ("Service fee", "$7.95"),
        ("Total", "$56.95"),
    )
    [found] = detect_drip(visits(("first", 0, _product(el)), ("checkout", 5, checkout)))
    assert (found.l1, found.l2, found.verified_deceptive) == ("Sneaking", "hidden_costs", "yes")
    assert (
        found.evidence["checkout_total"] == 56.95
        and found.evidence["hidden_fees"][0]["amount"] == 7.95
    )
    assert found.selector == "#row2 > td"


def test_item_added_without_consent_is_sneaked(el, visits):
    checkout = _checkout(
        el, ("Boom Mini Speaker", "$49.00"), ("Gift card & wrapping", "$6.95"), ("Total", "$55.95")
    )
    [found] = detect_drip(visits(("first", 0, _product(el)), ("cart", 4, checkout)))
    assert found.l2 == "sneak_into_basket" and found.verified_deceptive == "yes"


def test_shipping_shown_upfront_is_honest(el, visits):
    product = _product(el, el("Shipping $9.95 (flat rate)", selector="#ship", y=200))
    checkout = _checkout(
        el, ("Boom Mini Speaker", "$49.00"), ("Shipping", "$9.95"), ("Total", "$58.95")
    )
    assert detect_drip(visits(("first", 0, product), ("checkout", 5, checkout))) == []


def test_chosen_addon_named_on_the_page_is_honest(el, visits):
    product = _product(
        el,
        el(
            "Add 2-year protection plan $14.99",
            tag="input",
            input_type="checkbox",
            checked=True,
            y=250,
        ),
    )
    checkout = _checkout(
        el,
        ("Boom Mini Speaker", "$49.00"),
        ("2-year protection plan", "$14.99"),
        ("Total", "$63.99"),
    )
    assert detect_drip(visits(("first", 0, product), ("checkout", 5, checkout))) == []
