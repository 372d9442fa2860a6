"""The public, human-labelled texts the default deceptive-UI student learns from.

Two files ship in `classifiers/deceptive/data/` (see its README.md for sources and licences):

- `yada-ec-darkpattern-dev.tsv`: 1,900 strings from ~1,000 shopping pages labelled dark / not
  dark with a Mathur-style category (Yada et al. 2022, Apache-2.0), unchanged.
- `benign-ui-zyte.tsv`: visible UI strings of real product pages (Zyte's benchmark, MIT), read
  by hand and kept only when they are not a dark pattern. Yada's negatives are short, so without
  them a student learns that long text means harmless.

Yada's `Pattern Category` is a level-1-ish category; `yada_type` maps each string to a level-2
type of the `deceptive-ui` task by its wording (documented in the data README).
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from classifiers.deceptive.taxonomy import NOT_DARK

DATA_PACKAGE = "classifiers.deceptive"
YADA_FILE = "data/yada-ec-darkpattern-dev.tsv"
BENIGN_FILE = "data/benign-ui-zyte.tsv"

_CLOCK = re.compile(r"\d\s*:\s*\d\d")
_UNIT = re.compile(r"\d\s*(?:days?|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)(?![a-z])", re.I)
_DEMAND = re.compile(
    r"high demand|selling (?:fast|out)|sells? (?:out )?fast|sell out|popular|trending"
    r"|hot (?:item|seller)|claimed|best ?sell|flying|\bsold\b|in demand",
    re.I,
)
_STOCK = re.compile(r"\bleft\b|remaining|\bonly\b|low (?:in )?stock|in stock|available|almost gone"
                    r"|limited (?:quantity|stock)|last (?:one|few|item)", re.I)
_TESTIMONIAL = re.compile(
    r"review|saying|testimonial|rated|stars?\b|recommend|love[sd]? (?:it|this)", re.I)
_ACTIVITY = re.compile(r"bought|purchas|ordered|viewing|viewed|looking|watching|in (?:their|the)"
                       r" (?:cart|basket|bag)|people|customers|someone|users|just now|\bago\b",
                       re.I)
_DECLINE = re.compile(
    r"^\W*(?:no\b|nope|not now|i\s*(?:'|’)?(?:ll|d|m)?\s*(?:don|do not|would|rather|prefer|like|"
    r"hate|am|already|definitely)|skip|i'?ll (?:pass|shop|pay|be)|continue without)"
    r"|rather pay|full price|don'?t want|no,? thanks", re.I)
_TRICK = re.compile(r"uncheck|if you (?:do not|don'?t) (?:wish|want)|prefer not to|opt[- ]?out|"
                    r"do not wish", re.I)
_FEES = re.compile(r"charge|\bfee\b|total|\btax\b", re.I)
_SUBSCRIPTION = re.compile(r"subscri|renew|member|vip|advantage|directory|every (?:month|year)",
                           re.I)


def yada_type(text: str, category: str) -> str:
    """The `deceptive-ui` level-2 label of a Yada string from its category and its wording.

    Urgency: a clock (12:34) or two time units with numbers -> countdown_timer, else
    limited_time_message. Scarcity: demand wording without stock wording -> high_demand_message,
    else low_stock_message. Social Proof: review wording without activity wording ->
    testimonials_of_uncertain_origin, else activity_notification. Misdirection: a decline ->
    confirmshaming, an opt-out puzzle -> trick_question, else pressured_selling. Sneaking:
    recurring terms -> hidden_subscription, fees -> hidden_costs, else sneak_into_basket.
    Obstruction -> hard_to_cancel; Forced Action -> forced_enrollment.
    """
    cat = category.strip().lower()
    if cat in {"not dark pattern", ""}:
        return NOT_DARK
    if cat == "urgency":
        ticking = _CLOCK.search(text) or len(_UNIT.findall(text)) >= 2
        return "countdown_timer" if ticking else "limited_time_message"
    if cat == "scarcity":
        if _DEMAND.search(text) and not _STOCK.search(text):
            return "high_demand_message"
        return "low_stock_message"
    if cat == "social proof":
        if _TESTIMONIAL.search(text) and not _ACTIVITY.search(text):
            return "testimonials_of_uncertain_origin"
        return "activity_notification"
    if cat == "misdirection":
        if _DECLINE.search(text):
            return "confirmshaming"
        return "trick_question" if _TRICK.search(text) else "pressured_selling"
    if cat == "sneaking":
        if _SUBSCRIPTION.search(text):
            return "hidden_subscription"
        return "hidden_costs" if _FEES.search(text) else "sneak_into_basket"
    if cat == "obstruction":
        return "hard_to_cancel"
    if cat == "forced action":
        return "forced_enrollment"
    raise ValueError(f"unknown Yada category {category!r}")


@dataclass(frozen=True)
class Corpus:
    """Parallel lists of texts, level-2 labels, page groups (for grouped CV) and sources."""

    texts: list[str]
    labels: list[str]
    groups: list[str]
    sources: list[str]  # "yada" | "zyte"

    def __len__(self) -> int:
        return len(self.texts)

    def where(self, source: str) -> list[int]:
        """Row indices of one source."""
        return [i for i, s in enumerate(self.sources) if s == source]


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter="\t"))


def data_path(name: str) -> Path:
    """The installed path of a shipped data file (`YADA_FILE`, `BENIGN_FILE`)."""
    return Path(str(resources.files(DATA_PACKAGE).joinpath(name)))


def data_sha256() -> str:
    """A sha256 over both shipped files: the default student's training data, exactly."""
    h = hashlib.sha256()
    for name in (YADA_FILE, BENIGN_FILE):
        h.update(resources.files(DATA_PACKAGE).joinpath(name).read_bytes())
    return h.hexdigest()


def load_corpus(benign: bool = True) -> Corpus:
    """Yada's strings with level-2 labels, then (unless `benign=False`) the hand-checked benign
    UI strings labelled not_dark_pattern. Groups are page ids, prefixed by source."""
    texts: list[str] = []
    labels: list[str] = []
    groups: list[str] = []
    sources: list[str] = []
    for row in _read(YADA_FILE):
        label = NOT_DARK if row["label"] == "0" else yada_type(row["text"], row["Pattern Category"])
        texts.append(row["text"])
        labels.append(label)
        groups.append(f"yada:{row['page_id']}")
        sources.append("yada")
    if benign:
        for row in _read(BENIGN_FILE):
            texts.append(row["text"])
            labels.append(NOT_DARK)
            groups.append(f"zyte:{row['page_id']}")
            sources.append("zyte")
    return Corpus(texts, labels, groups, sources)
