"""The deceptive-UI taxonomy (shared/TAXONOMY.md): level-2 types, their level-1 strategy, and
what a site owner should be told about each (explanation, recommendation, regulatory hook).

The names are the labels of the bundled `deceptive-ui` task, so a student's class maps here as is.
"""

from __future__ import annotations

from dataclasses import dataclass

NOT_DARK = "not_dark_pattern"


@dataclass(frozen=True)
class PatternType:
    """One level-2 type: its level-1 strategy, a short label for screenshots and advice."""

    l2: str
    l1: str
    short: str
    explanation: str
    recommendation: str
    regulation: str = ""


_SE, _II, _SN, _OB, _FA = (
    "Social Engineering",
    "Interface Interference",
    "Sneaking",
    "Obstruction",
    "Forced Action",
)

TYPES: dict[str, PatternType] = {
    t.l2: t
    for t in (
        PatternType(
            "countdown_timer",
            _SE,
            "Countdown",
            "A countdown pressures visitors to buy before a deadline.",
            "Show a countdown only for a real, fixed deadline that does not restart on reload.",
            "FTC (false beliefs); India CCPA 2023 (false urgency)",
        ),
        PatternType(
            "limited_time_message",
            _SE,
            "Limited time",
            "The page says the offer ends soon without saying when.",
            "State the actual end date and time of the offer, or remove the urgency claim.",
            "India CCPA 2023 (false urgency)",
        ),
        PatternType(
            "low_stock_message",
            _SE,
            "Low stock",
            "The page claims only a few items remain.",
            "Show stock figures only when they come from real inventory data.",
            "India CCPA 2023 (false urgency)",
        ),
        PatternType(
            "high_demand_message",
            _SE,
            "High demand",
            "The page claims the item is in high demand or selling fast.",
            "Back demand claims with real sales data or remove them.",
            "India CCPA 2023 (false urgency)",
        ),
        PatternType(
            "activity_notification",
            _SE,
            "Activity",
            "Messages about other shoppers' purchases or views create social pressure.",
            "Show activity messages only for real, recent events, and say where they come from.",
            "FTC (false beliefs)",
        ),
        PatternType(
            "testimonials_of_uncertain_origin",
            _SE,
            "Testimonial",
            "Endorsements whose source cannot be verified.",
            "Attribute testimonials to verifiable customers or remove them.",
            "FTC endorsement guides",
        ),
        PatternType(
            "confirmshaming",
            _II,
            "Confirmshaming",
            "The option to decline is worded to shame or guilt the visitor.",
            'Word the decline option neutrally, e.g. "No thanks".',
            "India CCPA 2023 (confirm shaming)",
        ),
        PatternType(
            "trick_question",
            _II,
            "Trick question",
            "An option uses confusing wording or double negatives.",
            "Word options plainly, one positive statement per choice.",
            "India CCPA 2023 (trick question)",
        ),
        PatternType(
            "visual_interference",
            _II,
            "Visual interference",
            "Styling steers visitors to one option (e.g. a big Accept, a tiny Reject).",
            "Give Accept and Reject equal size, colour and prominence, on the first layer.",
            "EU DSA Art. 25(3)(a); India CCPA 2023 (interface interference); GDPR consent",
        ),
        PatternType(
            "preselection",
            _II,
            "Pre-selected",
            "An option against the visitor's interest is ticked in advance.",
            "Leave add-ons, insurance, newsletters and consent boxes unticked by default.",
            "FTC (obscured privacy choices); GDPR (consent must be opt-in)",
        ),
        PatternType(
            "pressured_selling",
            _II,
            "Pressured selling",
            "A pricier or extra item is pushed, often pre-selected.",
            "Offer extras as clearly optional and unselected.",
            "",
        ),
        PatternType(
            "sneak_into_basket",
            _SN,
            "Sneaked item",
            "An item or fee was added to the basket without the visitor choosing it.",
            "Add nothing to the basket that the visitor did not choose.",
            "India CCPA 2023 (basket sneaking)",
        ),
        PatternType(
            "hidden_costs",
            _SN,
            "Hidden cost",
            "A fee appears only late in checkout, above the advertised price.",
            "Show the full price, including mandatory fees, on the product page.",
            "FTC (hidden material information); India CCPA 2023 (drip pricing)",
        ),
        PatternType(
            "hidden_subscription",
            _SN,
            "Subscription",
            "A one-off or free purchase silently starts a recurring charge.",
            "Make recurring charges explicit and opt-in before payment.",
            "FTC (unauthorized charges); India CCPA 2023 (subscription trap)",
        ),
        PatternType(
            "disguised_ad",
            _SN,
            "Disguised ad",
            "An advertisement is styled as content or navigation.",
            'Label ads clearly as "Advertisement" and style them apart from content.',
            "FTC (false beliefs); India CCPA 2023 (disguised advertisement)",
        ),
        PatternType(
            "hard_to_cancel",
            _OB,
            "Hard to cancel",
            "Cancelling is harder than signing up.",
            "Let visitors cancel online in as few steps as they signed up.",
            "EU DSA Art. 25(3)(c)",
        ),
        PatternType(
            "forced_enrollment",
            _FA,
            "Forced enrolment",
            "Consent or an account is demanded as a condition of buying.",
            "Allow guest checkout and ask for consent separately.",
            "India CCPA 2023 (forced action)",
        ),
        PatternType(
            "nagging",
            _FA,
            "Nagging",
            "Pop-ups repeatedly ask for a choice already made.",
            "Remember the visitor's choice and stop asking.",
            "EU DSA Art. 25(3)(b); India CCPA 2023 (nagging)",
        ),
    )
}
"""Level-2 type name -> its description; every positive class of the `deceptive-ui` task."""

L1_NAMES: tuple[str, ...] = (_SE, _II, _SN, _OB, _FA)
"""The five level-1 strategies (Gray et al.)."""


def pattern(l2: str) -> PatternType:
    """The taxonomy entry of a level-2 type; KeyError for an unknown name."""
    return TYPES[l2]


def level1(l2: str) -> str | None:
    """The level-1 strategy of a level-2 type, None for not_dark_pattern or an unknown name."""
    entry = TYPES.get(l2)
    return entry.l1 if entry else None


NAMES: dict[str, str] = {
    "countdown_timer": "Countdown Timer",
    "limited_time_message": "Limited-time Message",
    "low_stock_message": "Low-stock Message",
    "high_demand_message": "High-demand Message",
    "activity_notification": "Activity Notification",
    "testimonials_of_uncertain_origin": "Testimonials of Uncertain Origin",
    "confirmshaming": "Confirmshaming",
    "trick_question": "Trick Question",
    "visual_interference": "False Hierarchy / Visual Interference",
    "preselection": "Preselection / Bad Default",
    "pressured_selling": "Pressured Selling",
    "sneak_into_basket": "Sneak into Basket",
    "hidden_costs": "Hidden Costs / Drip Pricing",
    "hidden_subscription": "Hidden Subscription",
    "disguised_ad": "Disguised Ad",
    "hard_to_cancel": "Hard to Cancel (Roach Motel)",
    "forced_enrollment": "Forced Enrollment / Registration",
    "nagging": "Nagging",
}
"""Level-2 label -> its name in TAXONOMY.md (people read the name; the store keeps the label)."""

BY_NAME: dict[str, str] = {v.lower(): k for k, v in NAMES.items()}


def label_for(name: str) -> str | None:
    """The level-2 label of a TAXONOMY.md name ("Countdown Timer" -> "countdown_timer"), or None."""
    key = name.strip().lower()
    if key in TYPES:
        return key
    if key in BY_NAME:
        return BY_NAME[key]
    return next((v for k, v in BY_NAME.items() if key and (key in k or k.startswith(key))), None)
