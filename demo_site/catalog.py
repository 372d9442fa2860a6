"""Shared vocabularies of the demo marketplace: categories, places, seller names, phrase pools."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Every date on the site is relative to this fixed day, never to today: pages stay byte-identical.
REF_DATE = dt.date(2025, 9, 30)
SITE_NAME = "Tradepost"
SHOP_NAME = "Tradepost Deals"


@dataclass(frozen=True)
class Category:
    """A marketplace category: URL slug, display name and a colour for its placeholder images."""

    slug: str
    name: str
    colour: str


CATEGORIES: tuple[Category, ...] = (
    Category("pets-birds", "Pets & Birds", "#e8a33d"),
    Category("antiques-collectables", "Antiques & Collectables", "#8d6e63"),
    Category("jewellery-accessories", "Jewellery & Accessories", "#c2185b"),
    Category("home-decor", "Home Decor", "#7e57c2"),
    Category("health-beauty", "Health & Beauty", "#ec407a"),
    Category("traditional-medicine", "Traditional Medicine", "#6d8b3a"),
    Category("clothing-fur", "Clothing & Fur", "#5c6bc0"),
    Category("toys-games", "Toys & Games", "#ffb300"),
    Category("electronics", "Electronics", "#546e7a"),
    Category("vacuum-cleaning", "Vacuum & Cleaning", "#26a69a"),
    Category("garden-outdoor", "Garden & Outdoor", "#43a047"),
    Category("books-magazines", "Books & Magazines", "#795548"),
    Category("sports-fitness", "Sports & Fitness", "#f4511e"),
    Category("crafts-carvings", "Crafts & Carvings", "#a1887f"),
    Category("aquarium-marine", "Aquarium & Marine", "#0288d1"),
    Category("furniture", "Furniture", "#6d4c41"),
    Category("musical-instruments", "Musical Instruments", "#ab47bc"),
    Category("phones-tablets", "Phones & Tablets", "#37474f"),
    Category("bikes-scooters", "Bikes & Scooters", "#00897b"),
    Category("food-drink", "Food & Drink", "#d84315"),
)
CATEGORY_BY_SLUG: dict[str, Category] = {c.slug: c for c in CATEGORIES}


@dataclass(frozen=True)
class Country:
    """A seller country: cities, currency, local language and phone prefix."""

    name: str
    code: str
    currency: str
    language: str
    phone: str
    cities: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country("Australia", "AU", "AUD", "en", "+61 4", (
        "Perth", "Sydney", "Melbourne", "Brisbane", "Adelaide", "Hobart", "Darwin", "Cairns",
        "Geelong", "Fremantle", "Newcastle", "Canberra")),
    Country("United States", "US", "USD", "en", "+1 ", (
        "Los Angeles", "Miami", "Houston", "New York", "Seattle", "Atlanta", "Phoenix")),
    Country("United Kingdom", "GB", "GBP", "en", "+44 7", (
        "London", "Manchester", "Bristol", "Leeds", "Glasgow", "Brighton")),
    Country("New Zealand", "NZ", "NZD", "en", "+64 2", ("Auckland", "Wellington", "Christchurch")),
    Country("France", "FR", "EUR", "fr", "+33 6", ("Paris", "Marseille", "Lyon", "Bordeaux")),
    Country("Spain", "ES", "EUR", "es", "+34 6", ("Madrid", "Barcelona", "Valencia", "Sevilla")),
    Country("Germany", "DE", "EUR", "en", "+49 15", ("Berlin", "Hamburg", "Munich")),
    Country("Netherlands", "NL", "EUR", "en", "+31 6", ("Amsterdam", "Rotterdam")),
    Country("Vietnam", "VN", "VND", "vi", "+84 9", (
        "Hà Nội", "Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Nha Trang")),
    Country("Indonesia", "ID", "IDR", "id", "+62 8", (
        "Jakarta", "Surabaya", "Medan", "Denpasar", "Makassar", "Bandung")),
    Country("Thailand", "TH", "THB", "en", "+66 8", ("Bangkok", "Chiang Mai", "Phuket")),
)
COUNTRY_WEIGHTS: tuple[float, ...] = (40, 12, 10, 5, 5, 4, 3, 2, 7, 7, 5)

FIRST_NAMES: tuple[str, ...] = (
    "Emma", "Liam", "Olivia", "Noah", "Charlotte", "Jack", "Mia", "Lucas", "Chloe", "Ethan",
    "Sophie", "Mason", "Grace", "Oscar", "Ruby", "Leo", "Zoe", "Harry", "Isla", "Max", "Priya",
    "Wei", "Minh", "Linh", "Budi", "Sari", "Carlos", "Lucía", "Camille", "Hugo", "Anika", "Tom",
    "Kate", "Ben", "Hana", "Raj", "Dewi", "Tuấn", "Somchai", "Marta", "Jules", "Ahmed", "Nina",
)
SURNAMES: tuple[str, ...] = (
    "Smith", "Nguyen", "Williams", "Brown", "Wilson", "Taylor", "Tran", "Lee", "Martin", "Kelly",
    "Walker", "White", "Santoso", "Pham", "Garcia", "Dubois", "Schmidt", "Murphy", "Chen", "Wang",
    "Hall", "King", "Wright", "Lopez", "Moreau", "Wijaya", "Le", "Evans", "Clarke", "Patel",
)
HANDLE_WORDS: tuple[str, ...] = (
    "vintage", "treasure", "deals", "oldworld", "curio", "bargain", "trader", "collector",
    "asia", "orient", "exotic", "nature", "island", "golden", "lucky", "dragon", "coastal",
    "retro", "family", "garage", "hunter", "bush", "reef", "jade", "emporium",
)
SHOP_SUFFIXES: tuple[str, ...] = (
    "Antiques", "Collectables", "Trading", "Emporium", "Curios", "Imports", "Store", "Finds",
    "Gallery", "Exotics", "Homewares", "Traders",
)

# Description pools for private sellers; several variants so near-identical ads are rare.
OPENINGS: tuple[str, ...] = (
    "For sale: {item}.",
    "Up for sale — {item}.",
    "{item}, available now.",
    "{item}. See photos for condition.",
    "Selling: {item}.",
    "Hi all, decluttering and this has to go.",
    "Moving overseas so this needs a new home.",
    "Selling as I no longer need it.",
    "Great buy, priced to sell.",
    "",
)
CONDITIONS: tuple[str, ...] = (
    "Condition is excellent, no marks.",
    "Some light wear consistent with age, nothing major.",
    "Used but in good working order.",
    "Brand new, still in the original box.",
    "A few small scratches, shown in the last photo.",
    "Fully working, tested yesterday.",
    "Kept in a smoke-free, pet-free home.",
    "Very good condition overall.",
)
REASONS: tuple[str, ...] = (
    "Only selling because I upgraded.",
    "Don't have the space anymore.",
    "Received as a gift, never really used it.",
    "Bought the wrong size.",
    "Clearing out the spare room.",
    "",
    "",
)
LOGISTICS: tuple[str, ...] = (
    "Pick up from {city} or I can post at buyer's cost.",
    "Local pick up only, cash on collection.",
    "Happy to post nationwide.",
    "Can meet halfway for a small fee.",
    "Shipping available, tracked and insured.",
    "Pickup {city} CBD, weekday evenings.",
    "No holds without a deposit.",
)
CONTACTS: tuple[str, ...] = (
    "Message me with any questions.",
    "Price is firm, no swaps please.",
    "Reasonable offers considered.",
    "First to pick up takes it.",
    "Please only message if you are genuinely interested.",
    "Still available if the ad is up.",
    "",
)
REPOST_TITLE_EDITS: tuple[str, ...] = (
    "{t} - PRICE DROP", "{t} (reposted)", "{t}!!", "**{t}**", "{t} - still available",
    "{t} - must go", "REDUCED: {t}", "{t} - open to offers",
)
REPOST_EXTRA_LINES: tuple[str, ...] = (
    "Reposting due to time wasters.", "Still available!", "Price reduced for quick sale.",
    "Previous buyer fell through.", "Relisted — more photos available on request.",
)


@dataclass(frozen=True)
class ItemTemplate:
    """One kind of item: where it is listed, how it is titled and described, and its price range.

    `kind` is the product type for wildlife, the hard-negative kind for confusers, or "ordinary".
    Titles and facts may hold `{a|b|c}` choices and named slots such as `{cm}` (see generator.fill).
    """

    kind: str
    categories: tuple[str, ...]
    item: str
    titles: tuple[str, ...]
    facts: tuple[str, ...]
    price: tuple[float, float]
    language: str = "en"
