"""Calibration and abstention: per-label probability thresholds chosen on a human-labelled seed set.

For each label the teacher predicts, the threshold is the lowest probability at which the seed
items it gave that label (with at least that probability) are correct at `target_precision`.
Given the task's positive labels, thresholds are per side instead (positive or not, with the
answer right when its side is): the yes/no decision is what students learn, and a side has
enough seed items to set a threshold where a single one of 18 fine labels has not. Labels with
too few seed predictions share one pooled threshold. If the thresholds would abstain
on more than `max_abstain` of new items, they are lowered together until they do not. The rate on
new items is estimated as (abstained + 1) / (n + 1), not abstained / n: thresholds sit at seed
probabilities, so a new item falls below one slightly more often than the seed items did
(measured: a cap applied to the seed rate itself let new items be abstained on 2-3 points more
often than the cap). An answer below its label's threshold is an abstention: kept as data for
review, never trained on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

POSITIVE_SIDE, NEGATIVE_SIDE = "(positive)", "(negative)"
"""Threshold keys of the two sides when calibrating by side."""

ABSTAIN_PREFIX = "abstain"
"""Label.error of an abstained answer starts with this (see migration 0400_labeler_abstain)."""


@dataclass
class Calibration:
    """Per-label (or per-side) thresholds; an answer below its threshold is abstained."""

    thresholds: dict[str, float] = field(default_factory=dict)
    default: float = 0.0  # for labels without their own threshold
    target_precision: float = 0.9
    max_abstain: float = 0.2
    seed_n: int = 0
    seed_abstain_rate: float = 0.0
    positive: list[str] = field(default_factory=list)  # set: thresholds are per side

    def key(self, label: str | None) -> str:
        """The threshold key of `label`: the label itself, or its side when calibrated by side."""
        if not self.positive:
            return str(label)
        return POSITIVE_SIDE if label in self.positive else NEGATIVE_SIDE

    def threshold(self, label: str | None) -> float:
        """The threshold of `label` (the pooled default if it has none)."""
        return self.thresholds.get(self.key(label), self.default)

    def abstains(self, label: str | None, probability: float | None) -> bool:
        """True if the answer is too unsure to use (no label, or below its threshold)."""
        if label is None:
            return True
        if probability is None:
            return False  # the backend gave no probability: nothing to calibrate against
        return probability < self.threshold(label)

    def reason(self, probability: float | None, label: str | None) -> str:
        """The Label.error text of an abstention."""
        p = "none" if probability is None else f"{probability:.3f}"
        return f"{ABSTAIN_PREFIX}: p={p} < {self.threshold(label):.3f}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        """Inverse of `to_dict` (unknown keys ignored)."""
        known = {k: data[k] for k in ("thresholds", "default", "target_precision", "max_abstain",
                                      "seed_n", "seed_abstain_rate", "positive") if k in data}
        return cls(**known)


def _lowest_threshold(probs: Sequence[float], correct: Sequence[bool],
                      target: float) -> float | None:
    """Smallest seed probability t with precision >= target at or above it (None if none)."""
    pairs = sorted(zip(probs, correct, strict=True), key=lambda x: -x[0])
    best: float | None = None
    right = 0
    for n, (p, ok) in enumerate(pairs, start=1):
        right += ok
        # Only cut between distinct probabilities: ties are accepted or abstained together.
        if n < len(pairs) and pairs[n][0] == p:
            continue
        if right / n >= target:
            best = p
    return best


def fit_calibration(gold: Sequence[str], pred: Sequence[str | None], prob: Sequence[float | None],
                    *, target_precision: float = 0.9, max_abstain: float = 0.2,
                    min_support: int = 5, positive: Sequence[str] = ()) -> Calibration:
    """Choose thresholds on a seed set (gold labels vs the teacher's answers).

    With `positive` labels the thresholds are per side and an answer is right when its side is;
    otherwise per label and right when the label is.
    """
    cal = Calibration(target_precision=target_precision, max_abstain=max_abstain,
                      seed_n=len(gold), positive=list(positive))
    # cal.key is the label itself without `positive`, its side with it.
    ok = [cal.key(g) == cal.key(p) for g, p in zip(gold, pred, strict=True)]
    rows = [(ok_, cal.key(p), 1.0 if q is None else float(q))
            for ok_, p, q in zip(ok, pred, prob, strict=True) if p is not None]
    if not rows:
        return cal
    pooled = _lowest_threshold([q for _, _, q in rows], [bool(c) for c, _, _ in rows],
                               target_precision)
    cal.default = pooled if pooled is not None else max(q for _, _, q in rows)
    for label in sorted({p for _, p, _ in rows}):
        mine = [(c, q) for c, p, q in rows if p == label]
        if len(mine) < min_support:
            continue
        t = _lowest_threshold([q for _, q in mine], [bool(c) for c, _ in mine], target_precision)
        cal.thresholds[label] = t if t is not None else max(q for _, q in mine)

    def abstained() -> int:
        return sum(cal.abstains(p, q) for p, q in zip(pred, prob, strict=True))

    # Too many abstentions make the teacher useless: lower every threshold together, in steps
    # through the seed probabilities, until the expected rate on new items is within the cap.
    steps = sorted({q for _, _, q in rows}, reverse=True)
    while (abstained() + 1) / (len(pred) + 1) > max_abstain and steps:
        ceiling = steps.pop(0)
        cal.default = min(cal.default, ceiling)
        cal.thresholds = {k: min(v, ceiling) for k, v in cal.thresholds.items()}
    cal.seed_abstain_rate = abstained() / len(pred) if pred else 0.0
    return cal


def is_abstention(error: str | None) -> bool:
    """True for a Label.error that marks an abstained (not failed) answer."""
    return error is not None and error.startswith(ABSTAIN_PREFIX)
