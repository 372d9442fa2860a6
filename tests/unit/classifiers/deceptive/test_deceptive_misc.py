"""Disguised ads, hidden subscriptions, testimonials of uncertain origin, annotated screenshots."""

from __future__ import annotations

import io

from PIL import Image

from classifiers.deceptive import annotate
from classifiers.deceptive.disguised_ad import detect_disguised_ads
from classifiers.deceptive.subscription import detect_subscription
from classifiers.deceptive.testimonials import detect_testimonials
from classifiers.deceptive.timers import detect_timers


def test_download_button_to_a_sponsor_with_a_tiny_ad_label(el, visits):
    els = [
        el(
            "Download",
            tag="a",
            selector="#dl",
            href="https://shop.test/sponsored/click?c=x",
            x=10,
            y=500,
            width=120,
            height=40,
        ),
        el("Ad", tag="span", selector="#dl-ad", x=136, y=500, width=12, height=10, font_size=9.0),
    ]
    [found] = detect_disguised_ads(visits(("first", 0, els)))
    assert (found.l2, found.verified_deceptive) == ("disguised_ad", "yes")


def test_genuine_download_link_is_not_an_ad(el, visits):
    els = [
        el(
            "Download the user manual",
            tag="a",
            selector="#manual",
            href="https://shop.test/files/manual.txt",
        )
    ]
    assert detect_disguised_ads(visits(("first", 0, els))) == []


def test_classified_listings_and_plain_outbound_links_are_not_ads(el, visits):
    els = [  # a marketplace's own `/ad/<id>` listings, and an ordinary link to another site
        el("Canapé 3 places", tag="a", selector="#l1", href="https://shop.test/ad/2051094/canape"),
        el("Our supplier", tag="a", selector="#l2", href="https://maker.example/about"),
    ]
    assert detect_disguised_ads(visits(("first", 0, els))) == []


def test_clearly_labelled_ad_is_honest(el, visits):
    els = [
        el("Visit FastDL", tag="a", selector="#dl", href="https://ads.test/click", y=500),
        el("Sponsored", tag="span", selector="#lbl", y=480, font_size=14.0),
    ]
    assert detect_disguised_ads(visits(("first", 0, els))) == []


def test_recurring_charge_in_small_print_of_a_free_trial(el, visits):
    els = [
        el("Whitening Kit — Free Trial", tag="h1", font_size=28.0),
        *(el(f"paragraph {i}", font_size=16.0) for i in range(5)),
        el(
            "By ordering you join Bright Club: $39.95 charged every month after 14 days.",
            selector="#terms",
            font_size=10.0,
        ),
    ]
    [found] = detect_subscription(visits(("first", 0, els)))
    assert (found.l1, found.verified_deceptive) == ("Sneaking", "unknown")
    assert found.evidence["small_print"] is True


def test_no_offer_no_hidden_subscription(el, visits):
    els = [el("Streaming plan: $9.99 per month", font_size=24.0), el("Cancel any time")]
    assert detect_subscription(visits(("first", 0, els))) == []


def test_first_name_signatures_are_uncertain_testimonials(el, visits):
    els = [
        el("This serum changed my skin in a week, I love it!", selector="#t > q1", y=60),
        el("— Sarah K., Verified Buyer", selector="#t > f1", y=100),
        el("Best purchase of the year, my friends all noticed.", selector="#t > q2", y=160),
        el("— Jess M., Verified Buyer", selector="#t > f2", y=200),
    ]
    [found] = detect_testimonials(visits(("first", 0, els)))
    assert found.l2 == "testimonials_of_uncertain_origin" and found.box[3] > 100


def test_menu_entries_and_brands_are_not_signatures(el, visits):
    els = [el(text, tag="a", selector=f"#nav{i}", y=20 + 20 * i)
           for i, text in enumerate(["Desktop PCs", "Smart TVs", "Filippa K", "Sporty I"])]
    assert detect_testimonials(visits(("first", 0, els))) == []


def test_links_under_a_legible_sponsored_heading_are_disclosed(el, visits):
    els = [
        el("Products related to this item Sponsored", tag="h2", selector="#sp-h", x=20, y=1000,
           font_size=20.0),
        *(el(f"Duffle bag {i}", tag="a", selector=f"#sp{i}", x=40 + 200 * i, y=1060,
             href="https://shop.test/gp/slredirect/x?adId=1&aff=2") for i in range(4)),
        el("Unlabelled deal", tag="a", selector="#far", x=40, y=2400,
           href="https://shop.test/promo/deal"),
    ]
    [found] = detect_disguised_ads(visits(("first", 0, els)))
    assert found.selector == "#far"


def test_annotated_screenshot_keeps_size_and_draws_boxes(el, visits):
    buf = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(buf, format="PNG")
    timer = [
        el("Sale ends in", selector="#d"),
        el("15:00", selector="#d > span", x=50, y=50, width=60),
    ]
    later = [timer[0], el("14:58", selector="#d > span", x=50, y=50, width=60)]
    found = detect_timers(visits(("first", 0, timer), ("later", 2, later), ("reload", 3, timer)))
    out = Image.open(io.BytesIO(annotate(buf.getvalue(), found)))
    assert out.size == (400, 300)
    assert out.getpixel((50 - 3, 70)) != (255, 255, 255)  # the box outline
