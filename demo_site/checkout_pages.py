"""Cart and checkout (stateless, reachable by plain GET links) and the pages they lead to."""

from __future__ import annotations

from html import escape

from demo_site import catalog as cat
from demo_site.shop_data import (
    GIFT_WRAP,
    PROTECTION_PLAN,
    SERVICE_FEE,
    SNEAK_GIFT_CARD,
    Product,
)
from demo_site.shop_pages import money, shell

ADDONS: dict[str, tuple[str, float, str]] = {
    # addon value -> (line label, price, product pattern that offers it)
    "protection": ("2-year protection plan", PROTECTION_PLAN, "precheck"),
    "giftwrap": ("Gift wrapping", GIFT_WRAP, "addon_optional"),
}


def order_lines(p: Product, addons: list[str], stage: str) -> list[tuple[str, str, float]]:
    """(row id, label, amount) rows of an order at the "cart" or "checkout" stage, no total."""
    lines = [("line-item", p.name, p.price)]
    for value in addons:
        if value in ADDONS and ADDONS[value][2] in p.patterns:
            label, amount, _ = ADDONS[value]
            lines.append(("line-addon", label, amount))
    if "sneak" in p.patterns:
        # Added without asking: the shopper never ticked anything.
        lines.append(("line-giftcard", "Gift card & wrapping", SNEAK_GIFT_CARD))
    lines.append(("shipping", "Shipping", p.shipping))
    if stage == "checkout" and "drip" in p.patterns:
        lines.append(("fee-service", "Service fee", SERVICE_FEE))
    return lines


def order_total(p: Product, addons: list[str], stage: str) -> float:
    """What the shopper pays at that stage."""
    return round(sum(amount for _, _, amount in order_lines(p, addons, stage)), 2)


def _summary(p: Product, addons: list[str], stage: str) -> str:
    rows = []
    for rid, label, amount in order_lines(p, addons, stage):
        shown = "Free" if rid == "shipping" and not amount else money(amount)
        rows.append(f'<tr id="{rid}"><th>{escape(label)}</th>'
                    f'<td data-amount="{amount:.2f}">{shown}</td></tr>')
    total = order_total(p, addons, stage)
    rows.append(f'<tr id="order-total" class="total"><th>Total</th>'
                f'<td data-amount="{total:.2f}">{money(total)}</td></tr>')
    return f'<table class="order">{"".join(rows)}</table>'


def _query(p: Product, addons: list[str]) -> str:
    return f"add={p.slug}" + "".join(f"&amp;addon={escape(a)}" for a in addons)


def cart_page(p: Product | None, addons: list[str]) -> str:
    """The cart; its content comes from the query string so plain links reach it."""
    if p is None:
        return shell(f"Cart | {cat.SHOP_NAME}", '<h1>Your cart</h1><p class="empty">Your cart '
                     'is empty. <a href="/shop">Continue shopping</a></p>')
    body = (f"<h1>Your cart</h1>{_summary(p, addons, 'cart')}<p class=\"cart-actions\">"
            f'<a class="btn-primary checkout-link" href="/checkout?{_query(p, addons)}">'
            f'Proceed to checkout</a> <a href="/shop/{p.slug}">Back to product</a></p>')
    return shell(f"Cart | {cat.SHOP_NAME}", body)


def checkout_page(p: Product | None, addons: list[str]) -> str:
    """Checkout: the final order summary (where drip-priced fees first appear) and a pay form."""
    if p is None:
        return cart_page(None, [])
    terms = ('<p class="fineprint">Bright Club membership: $39.95 every month after 14 days '
             "until cancelled in writing.</p>" if "hidden_subscription" in p.patterns else "")
    total = order_total(p, addons, "checkout")
    body = f"""<h1>Checkout</h1><div class="checkout"><section><h2>Order summary</h2>
{_summary(p, addons, "checkout")}{terms}</section>
<form class="pay" method="post" action="/checkout/confirm"><h2>Details</h2>
<label>Email <input type="email" name="email" required></label>
<label>Delivery address <input type="text" name="address" required></label>
<label>Card number <input type="text" name="card" inputmode="numeric"
  autocomplete="cc-number"></label>
<input type="hidden" name="order" value="{_query(p, addons)}">
<button type="submit" class="btn-primary">Pay {money(total)}</button></form></div>"""
    return shell(f"Checkout | {cat.SHOP_NAME}", body)


def confirmation_page() -> str:
    """What /checkout/confirm answers (nothing is charged on the demo site)."""
    return shell(f"Order received | {cat.SHOP_NAME}", "<h1>Thanks for your order</h1>"
                 "<p>This is a demonstration shop; no payment was taken.</p>")


def sponsored_page() -> str:
    """The advertiser page behind the disguised 'Download' button."""
    body = ('<p class="adchoice">Sponsored</p><h1>FastDL Download Manager</h1>'
            "<p>Speed up all your downloads by 500%! Install FastDL free today.</p>"
            '<a class="btn-primary" href="/shop">Install now</a>')
    return shell("FastDL — Sponsored", body)


def manual_text(p: Product) -> str:
    """The plain-text user manual behind the genuine download link."""
    return (f"{p.name} — User manual\n\n1. Charge the printer fully before first use.\n"
            "2. Install the companion app and pair over Bluetooth.\n"
            "3. Load a label roll, printed side up.\n")
