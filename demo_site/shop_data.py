"""The shop's products and the deceptive (and look-alike honest) UI patterns planted on them."""

from __future__ import annotations

from dataclasses import dataclass

CURRENCY = "AUD"
PROTECTION_PLAN = 14.99
GIFT_WRAP = 4.99
SNEAK_GIFT_CARD = 6.95
SERVICE_FEE = 7.95
RESET_MINUTES = 15


@dataclass(frozen=True)
class PatternSpec:
    """Ground truth of one planted element: taxonomy labels and where to find it.

    `where` says which page holds the element: the product page, or its cart or checkout page.
    `dynamic` marks elements whose text or attributes change on every request.
    """

    l1: str
    l2: str
    text: str
    selector: str
    verified_deceptive: str
    deceptive: bool
    where: str = "product"
    related_selector: str | None = None
    dynamic: bool = False


SE, II, SN = "Social Engineering", "Interface Interference", "Sneaking"
PATTERNS: dict[str, PatternSpec] = {
    # Deceptive elements.
    "timer_reset": PatternSpec(SE, "Countdown Timer", "Sale ends in", "#deal-timer", "yes", True,
                               dynamic=True),
    "stock_fake": PatternSpec(SE, "Low-stock Message", "left in stock – order soon",
                              "#stock-alert", "yes", True, dynamic=True),
    "activity": PatternSpec(SE, "Activity Notification", "just bought this", "#activity-toast",
                            "yes", True, dynamic=True),
    "high_demand": PatternSpec(SE, "High-demand Message", "people are viewing this right now",
                               "#demand-note", "yes", True, dynamic=True),
    "limited_time": PatternSpec(SE, "Limited-time Message", "Sale ends soon!", "#sale-banner",
                                "unknown", True),
    "testimonials": PatternSpec(SE, "Testimonials of Uncertain Origin", "Verified Buyer",
                                "#testimonials", "unknown", True),
    "confirmshame": PatternSpec(II, "Confirmshaming", "No thanks, I don't like saving money",
                                "#nl-modal .nl-decline", "no", True,
                                related_selector="#nl-modal .nl-accept"),
    "precheck": PatternSpec(II, "Preselection / Bad Default", "Add 2-year protection plan",
                            "#addon-row", "no", True, related_selector="#addon-protection"),
    "cookie_unfair": PatternSpec(II, "False Hierarchy / Visual Interference", "Accept all",
                                 "#cookie-banner .cb-accept", "no", True,
                                 related_selector="#cookie-banner .cb-reject"),
    "trick_question": PatternSpec(II, "Trick Question",
                                  "if you would not prefer to not receive partner offers",
                                  "#optin-row", "no", True, related_selector="#optin-partners"),
    "drip": PatternSpec(SN, "Hidden Costs / Drip Pricing", "Service fee", "#fee-service", "yes",
                        True, where="checkout"),
    "sneak": PatternSpec(SN, "Sneak into Basket", "Gift card & wrapping", "#line-giftcard", "yes",
                         True, where="cart"),
    "disguised_ad": PatternSpec(SN, "Disguised Ad", "Download", "#download-btn", "yes", True),
    "hidden_subscription": PatternSpec(SN, "Hidden Subscription", "every month after 14 days",
                                       "#trial-terms", "unknown", True),
    # Honest look-alikes: same wording or widget, nothing false or hidden.
    "timer_genuine": PatternSpec(SE, "Countdown Timer", "Today's deal ends in", "#sale-timer",
                                 "no", False),
    "stock_genuine": PatternSpec(SE, "Low-stock Message", "Only 3 left in stock – order soon",
                                 "#stock-note", "no", False),
    "modal_neutral": PatternSpec(II, "Confirmshaming", "No thanks", "#nl-modal .nl-decline", "no",
                                 False, related_selector="#nl-modal .nl-accept"),
    "addon_optional": PatternSpec(II, "Preselection / Bad Default", "Add gift wrapping",
                                  "#addon-row", "no", False, related_selector="#addon-giftwrap"),
    "cookie_fair": PatternSpec(II, "False Hierarchy / Visual Interference", "Accept all",
                               "#cookie-banner .cb-accept", "no", False,
                               related_selector="#cookie-banner .cb-reject"),
    "shipping_upfront": PatternSpec(SN, "Hidden Costs / Drip Pricing", "Shipping $9.95",
                                    "#shipping-note", "no", False),
    "download_genuine": PatternSpec(SN, "Disguised Ad", "Download the user manual",
                                    "#manual-link", "no", False),
}


@dataclass(frozen=True)
class Product:
    """A shop product and the pattern keys planted on its pages."""

    slug: str
    name: str
    section: str
    price: float
    blurb: str
    specs: tuple[tuple[str, str], ...]
    patterns: tuple[str, ...] = ()
    shipping: float = 0.0
    rating: float = 4.4
    reviews: int = 37
    was: float | None = None


def _p(slug: str, name: str, section: str, price: float, blurb: str, *patterns: str,
       shipping: float = 0.0, was: float | None = None, rating: float = 4.4,
       reviews: int = 37) -> Product:
    specs = (("Brand", name.split()[0]), ("Warranty", "12 months"), ("Ships from", "Sydney, NSW"))
    return Product(slug, name, section, price, blurb, specs, patterns, shipping, rating, reviews,
                   was)


PRODUCTS: tuple[Product, ...] = (
    _p("pour-over-kettle", "AeroBrew Gooseneck Pour-Over Kettle", "Kitchen", 89.00,
       "Precise gooseneck spout and a built-in thermometer for barista-style pour-overs.",
       "timer_reset", was=129.00, rating=4.6, reviews=212),
    _p("linen-duvet-set", "Loom Stonewashed Linen Duvet Set (Queen)", "Bedroom", 249.00,
       "Pure French flax linen, stonewashed for softness from the first night.",
       "timer_genuine", was=299.00, rating=4.7, reviews=88),
    _p("wireless-earbuds", "Pulse Air Wireless Earbuds", "Audio", 79.00,
       "Active noise cancelling, 28 hours with the case, IPX4 sweat resistance.",
       "stock_fake", rating=4.1, reviews=564),
    _p("cast-iron-skillet", "Heritage Cast Iron Skillet 28cm", "Kitchen", 65.00,
       "Pre-seasoned, oven safe to 260°C, works on induction.", "stock_genuine",
       rating=4.8, reviews=143),
    _p("yoga-mat", "GripFlow Yoga Mat 6mm", "Fitness", 59.00,
       "Natural rubber base with a microfibre top that grips better when you sweat.",
       "activity", rating=4.3, reviews=301),
    _p("desk-lamp", "Lumen LED Desk Lamp", "Home Office", 45.00,
       "Five colour temperatures, USB-C charging port, memory for your last setting.",
       "confirmshame", rating=4.2, reviews=96),
    _p("trail-daypack", "Trailhead 28L Daypack", "Outdoors", 119.00,
       "Ventilated back panel, hydration sleeve and a rain cover in the base pocket.",
       "modal_neutral", rating=4.5, reviews=71),
    _p("smartwatch-s2", "Orbit Smartwatch S2", "Wearables", 199.00,
       "AMOLED display, GPS, heart-rate and sleep tracking, 7-day battery.", "precheck",
       rating=4.0, reviews=412),
    _p("burr-grinder", "Burr Coffee Grinder Pro", "Kitchen", 149.00,
       "40 grind settings from espresso to cold brew, conical steel burrs.", "addon_optional",
       rating=4.6, reviews=158),
    _p("mini-speaker", "Boom Mini Bluetooth Speaker", "Audio", 49.00,
       "Room-filling sound from a speaker that fits in a jacket pocket.", "drip",
       rating=4.2, reviews=233),
    _p("dinner-set", "Coastal Stoneware Dinner Set 16pc", "Kitchen", 129.00,
       "Reactive glaze stoneware for four: dinner plates, side plates, bowls and mugs.",
       "shipping_upfront", shipping=9.95, rating=4.5, reviews=64),
    _p("hepa-purifier", "ClearAir HEPA Air Purifier", "Home", 229.00,
       "True HEPA H13 filter for rooms up to 40m², whisper-quiet night mode.", "cookie_unfair",
       rating=4.4, reviews=187),
    _p("standing-desk", "Rise Electric Standing Desk", "Home Office", 499.00,
       "Dual motors, four height presets and a 120 × 60cm bamboo top.", "cookie_fair",
       rating=4.6, reviews=92),
    _p("running-shoes", "Stride Road Running Shoes", "Fitness", 139.00,
       "Responsive foam midsole and a breathable knit upper for daily miles.", "high_demand",
       rating=4.3, reviews=377),
    _p("phone-case", "Armour Clear Phone Case", "Accessories", 29.00,
       "Drop tested to 3m, anti-yellowing clear back, raised camera lip.", "limited_time",
       was=39.00, rating=4.1, reviews=905),
    _p("photo-editor", "PixelPro Photo Editor (licence)", "Software", 39.00,
       "Non-destructive RAW editing, layers and AI masking. One-off licence, 2 devices.",
       "disguised_ad", rating=4.0, reviews=58),
    _p("label-printer", "Inkless LP-200 Label Printer", "Home Office", 89.00,
       "Thermal printing, no ink to buy; prints from your phone over Bluetooth.",
       "download_genuine", rating=4.4, reviews=122),
    _p("weighted-blanket", "Calm Weighted Blanket 7kg", "Bedroom", 169.00,
       "Glass-bead fill in quilted pockets for an even, calming pressure.",
       "timer_reset", "stock_fake", "activity", "high_demand", "confirmshame", "cookie_unfair",
       was=249.00, rating=4.5, reviews=1203),
    _p("knife-set", "Forge Chef's Knife Set 5pc", "Kitchen", 189.00,
       "German steel, full tang, with a magnetic acacia block.", "trick_question",
       rating=4.7, reviews=84),
    _p("gift-hamper", "Gourmet Pantry Gift Hamper", "Gifts", 95.00,
       "Olive oil, relish, crackers, chocolate and tea in a reusable basket.", "sneak",
       rating=4.3, reviews=49),
    _p("vitamin-c-serum", "Glow Vitamin C Serum 30ml", "Beauty", 42.00,
       "15% L-ascorbic acid with ferulic acid and vitamin E.", "testimonials",
       rating=4.9, reviews=2210),
    _p("whitening-trial", "Bright Smile Whitening Kit — Free Trial", "Beauty", 4.95,
       "Try our LED whitening kit free — just pay $4.95 postage.", "hidden_subscription",
       rating=4.6, reviews=731),
    _p("dog-bed", "Orthopaedic Dog Bed (Large)", "Pets", 119.00,
       "Memory foam base and a removable, washable cover.", "timer_genuine", "stock_genuine",
       was=149.00, rating=4.8, reviews=340),
    _p("throw-pillows", "Bouclé Throw Pillows (pair)", "Home", 69.00,
       "Textured bouclé covers with feather inserts, 50 × 50cm."),
    _p("water-bottle", "Summit Insulated Bottle 1L", "Outdoors", 35.00,
       "Keeps drinks cold for 24 hours or hot for 12."),
    _p("garden-hose", "Flexi Garden Hose 30m", "Garden", 55.00,
       "Kink-resistant hose with brass fittings and an 8-pattern spray gun."),
    _p("ceramic-planters", "Terra Ceramic Planter Set (3)", "Garden", 48.00,
       "Matte glazed planters with drainage holes and bamboo saucers."),
    _p("hiking-socks", "Merino Hiking Socks (3 pack)", "Outdoors", 39.00,
       "Cushioned merino blend that stays warm when wet."),
    _p("cutting-boards", "Bamboo Cutting Board Set", "Kitchen", 32.00,
       "Three sizes with juice grooves, finished with food-safe oil."),
    _p("led-strip", "Glow Smart LED Strip 5m", "Home", 39.00,
       "App and voice control, 16 million colours, music sync."),
    _p("french-press", "Glass French Press 1L", "Kitchen", 42.00,
       "Borosilicate glass and a four-level stainless filter."),
    _p("travel-adapter", "Universal Travel Adapter", "Accessories", 29.00,
       "Works in 150 countries, 2 USB-A and 1 USB-C port."),
    _p("notebook-set", "Dot Grid Notebook Set", "Home Office", 24.00,
       "A5 notebooks with 120gsm paper that takes fountain pen ink."),
)
PRODUCT_BY_SLUG: dict[str, Product] = {p.slug: p for p in PRODUCTS}


def is_clean(product: Product) -> bool:
    """True when no planted element on the product's pages is deceptive."""
    return not any(PATTERNS[k].deceptive for k in product.patterns)
