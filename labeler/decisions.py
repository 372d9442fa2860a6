"""From the teacher's raw P(positive) to a decision: calibrated, with or without labels.

A small model's option probabilities carry a bias that depends on the question (how the labels
read, which answer the prompt's examples favour), so "the most probable answer" can give one
label to almost everything even when the model ranks the items well. Two calibrators fix the
level while keeping the model's ranking:

- `fit_batch` (no labels): the teacher's log-odds over the items being labelled form two groups,
  the positives' and the negatives'; a two-component Gaussian mixture on them gives each item a
  posterior probability of belonging to the higher group (batch calibration: the correction is
  estimated from the batch itself, Zhou et al. 2024, here with unequal class sizes allowed).
- `fit_semi` (hand labels and the batch): the same two-group mixture, with the seed set's items
  fixed in the group their hand label says (semi-supervised EM). The hand labels pin where each
  group lies; the batch, which the seed over-samples in places, sets how large each group is.
- `fit_seed` (hand labels only): a logistic regression of the human labels on the teacher's
  log-odds of the same items (Platt scaling), weighted by the seed set's sampling weights.

Both return a `Calibrator` that maps raw probabilities to calibrated ones; an item is positive
when its calibrated probability reaches the calibrator's cut: 0.5, or with hand labels the cut
of best expected F1 over the batch (`f1_cut`). `collapse` says when the decisions of a run are
too one-sided to be trusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from labeler.calibrate import Calibration
from labeler.prompts import POSITIVE_SIDE
from snarewatch.taskspec import TaskSpec

if TYPE_CHECKING:
    from labeler.seeds import SeedRow

MIN_BATCH = 20
"""Fewer answers than this cannot support a batch calibration: the raw decision stands."""

MIN_SEED_PER_SIDE = 3
"""Seed labels needed on each side before thresholds come from them."""

_EPS = 1e-4


def log_odds(p: Sequence[float] | np.ndarray) -> np.ndarray:
    """log(p / (1 - p)), clipped away from 0 and 1."""
    q = np.clip(np.asarray(p, dtype=float), _EPS, 1 - _EPS)
    return np.log(q / (1 - q))


@dataclass
class Calibrator:
    """Maps the teacher's raw P(positive) to a calibrated probability.

    `method` is "raw" (identity), "batch" (mixture of the batch's log-odds), "semi" (the same
    mixture with hand labels fixing the seed items' groups) or "seed" (Platt scaling on hand
    labels); `params` holds what was fitted, so the calibrator can be stored and rebuilt.
    """

    method: str = "raw"
    params: dict[str, Any] = field(default_factory=dict)
    n: int = 0  # answers (batch) or seed labels (seed) it was fitted on
    note: str = ""  # why this method, when it is a fallback

    def __call__(self, raw: Sequence[float] | np.ndarray) -> np.ndarray:
        """Calibrated P(positive) for each raw P(positive)."""
        z = log_odds(raw)
        if self.method == "seed":
            return 1.0 / (1.0 + np.exp(-(self.params["a"] * z + self.params["b"])))
        if self.method in ("batch", "semi"):
            # The posterior of the higher group, made non-decreasing in the log-odds: with
            # unequal spreads the wider group would otherwise win again at the far ends, and a
            # surer "yes" must never count for less.
            grid = np.linspace(log_odds([_EPS])[0], log_odds([1 - _EPS])[0], 4001)
            post = self._posterior(grid)
            split = int(np.searchsorted(grid, float(self.params["means"][0])))
            # Above the lower group's centre the posterior may only rise; below it, only fall.
            post[split:] = np.maximum.accumulate(post[split:])
            post[:split] = np.minimum.accumulate(post[:split][::-1])[::-1]
            post[:split] = np.minimum(post[:split], post[split] if split < len(post) else 1.0)
            return np.interp(z, grid, post)
        return np.clip(np.asarray(raw, dtype=float), 0.0, 1.0)

    def _posterior(self, z: np.ndarray) -> np.ndarray:
        w, mu, sd = (np.asarray(self.params[k], float) for k in ("weights", "means", "sds"))
        # Log-densities, so that far from both groups the ratio is still defined.
        logd = np.log(w)[None, :] - np.log(sd)[None, :] \
            - 0.5 * ((z[:, None] - mu[None, :]) / sd[None, :]) ** 2
        logd -= logd.max(axis=1, keepdims=True)
        dens = np.exp(logd)
        return np.asarray(dens[:, 1] / dens.sum(axis=1), dtype=float)

    @property
    def cut(self) -> float:
        """The calibrated P(positive) at and above which an item is decided positive."""
        return float(self.params.get("cut", 0.5))

    @property
    def threshold_raw(self) -> float | None:
        """The raw P(positive) at which the calibrated probability reaches the cut (None: none)."""
        grid = np.linspace(_EPS, 1 - _EPS, 2001)
        cal = self(grid)
        above = np.flatnonzero(cal >= self.cut)
        return float(grid[above[0]]) if len(above) else None

    def describe(self) -> str:
        """One line for labels, plans and summaries, e.g. "batch-calibrated: yes at raw P >= 0.83"."""
        t = self.threshold_raw
        at = "never positive" if t is None else f"positive at raw P >= {t:.2f}"
        what = {"raw": "uncalibrated", "batch": f"batch-calibrated on {self.n} answers",
                "semi": f"calibrated on {self.params.get('seed_n', 0)} seed labels and "
                        f"{self.n} answers",
                "seed": f"calibrated on {self.n} seed labels"}[self.method]
        return f"{what}: {at}" + (f" ({self.note})" if self.note else "")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"method": self.method, "params": self.params, "n": self.n, "note": self.note}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibrator:
        """Inverse of `to_dict`."""
        return cls(str(data.get("method", "raw")), dict(data.get("params") or {}),
                   int(data.get("n", 0)), str(data.get("note", "")))


NO_GROUPS = "the answers do not separate into two groups"
"""The note of a label-free calibrator that fell back to the raw answers for want of groups."""


def fit_batch(raw: Sequence[float], seed: int = 0) -> Calibrator:
    """A label-free calibrator from the raw P(positive) of the items being labelled.

    Falls back to "raw" (and says why) when there are too few answers or the log-odds do not
    split into two groups with the higher one on the "yes" side of the lower one.
    """
    z = log_odds(raw)
    if len(z) < MIN_BATCH:
        return Calibrator("raw", n=len(z), note=f"fewer than {MIN_BATCH} answers to calibrate on")
    if float(np.std(z)) < 1e-3:
        return Calibrator("raw", n=len(z), note="every answer had the same probability")
    from sklearn.mixture import GaussianMixture

    gm = GaussianMixture(2, covariance_type="full", random_state=seed, n_init=3,
                         reg_covar=1e-2).fit(z[:, None])
    order = np.argsort(gm.means_.ravel())
    means = gm.means_.ravel()[order]
    sds = np.sqrt(gm.covariances_.ravel()[order])
    weights = gm.weights_[order]
    # Two groups that overlap almost entirely are one group: nothing to correct with.
    if means[1] - means[0] < 0.5 * float(np.mean(sds)):
        return Calibrator("raw", n=len(z), note=NO_GROUPS)
    return Calibrator("batch", {"weights": weights.tolist(), "means": means.tolist(),
                                "sds": sds.tolist()}, n=len(z))


def _normal(z: np.ndarray, mu: float, sd: float) -> np.ndarray:
    return np.exp(-0.5 * ((z - mu) / sd) ** 2) / sd


def fit_semi(raw: Sequence[float], seed_raw: Sequence[float], seed_positive: Sequence[bool],
             *, iterations: int = 200) -> Calibrator | None:
    """A two-group mixture of the batch's log-odds with the seed items' groups fixed by their
    hand labels; None without enough seed labels on each side.

    Only the batch sets the groups' sizes: it stands for the items being labelled, where the
    seed set over-samples likely positives by design.
    """
    y = np.asarray(seed_positive, dtype=bool)
    if y.sum() < MIN_SEED_PER_SIDE or (~y).sum() < MIN_SEED_PER_SIDE:
        return None
    zu, zl = log_odds(raw), log_odds(seed_raw)
    mu = np.array([zl[~y].mean(), zl[y].mean()])
    floor = 0.1 * float(np.std(np.concatenate([zu, zl]))) + 1e-3
    sd = np.maximum(np.array([zl[~y].std(), zl[y].std()]), floor)
    share = 0.5
    for _ in range(iterations):
        p1 = share * _normal(zu, mu[1], sd[1])
        p0 = (1 - share) * _normal(zu, mu[0], sd[0])
        r = np.where(p0 + p1 > 0, p1 / np.where(p0 + p1 > 0, p0 + p1, 1.0), 0.5)
        new_share = float(np.clip(r.mean(), 1e-3, 1 - 1e-3)) if len(zu) else float(y.mean())
        w1 = np.concatenate([r, y.astype(float)])
        w0 = np.concatenate([1 - r, (~y).astype(float)])
        z = np.concatenate([zu, zl])
        new_mu = np.array([np.average(z, weights=w0), np.average(z, weights=w1)])
        new_sd = np.maximum(np.sqrt([np.average((z - new_mu[0]) ** 2, weights=w0),
                                     np.average((z - new_mu[1]) ** 2, weights=w1)]), floor)
        done = abs(new_share - share) < 1e-6 and np.allclose(new_mu, mu, atol=1e-6)
        share, mu, sd = new_share, new_mu, new_sd
        if done:
            break
    if mu[1] <= mu[0]:  # the teacher ranks the seed backwards: nothing to calibrate with
        return Calibrator("raw", n=len(zu), note="the teacher's answers do not rank the seed "
                                                "labels")
    return Calibrator("semi", {"weights": [1 - share, share], "means": mu.tolist(),
                               "sds": sd.tolist(), "seed_n": int(len(y))}, n=len(zu))


def fit_seed(raw: Sequence[float], positive: Sequence[bool],
             weights: Sequence[float] | None = None) -> Calibrator | None:
    """Platt scaling of hand labels on the teacher's log-odds; None without enough of each side."""
    y = np.asarray(positive, dtype=bool)
    if y.sum() < MIN_SEED_PER_SIDE or (~y).sum() < MIN_SEED_PER_SIDE:
        return None
    from sklearn.linear_model import LogisticRegression

    z = log_odds(raw)[:, None]
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    w = w * len(w) / w.sum()  # relative weights: the regularisation sees the real sample size
    model = LogisticRegression(C=1.0).fit(z, y, sample_weight=w)
    a, b = float(model.coef_[0, 0]), float(model.intercept_[0])
    if a <= 0:  # the teacher ranks the seed backwards: its answers cannot be trusted
        return Calibrator("seed", {"a": 0.0, "b": b}, n=len(y),
                          note="the teacher's answers do not rank the seed labels")
    return Calibrator("seed", {"a": a, "b": b}, n=len(y))


@dataclass(frozen=True)
class Collapse:
    """Why a run's decisions are too one-sided to trust (see `collapse`)."""

    reason: str
    advice: str


def collapse(positive: Sequence[bool], raw: Sequence[float], *, min_n: int = 30,
             share: float = 0.97) -> Collapse | None:
    """A labelling run whose answers say almost nothing: nearly all one label, or every raw
    probability on one side. None when the run looks usable (or is too small to tell)."""
    n = len(positive)
    if n < min_n:
        return None
    pos = int(np.sum(positive))
    raw_pos = int(np.sum(np.asarray(raw, dtype=float) >= 0.5))
    if pos <= (1 - share) * n:
        return Collapse(f"{n - pos} of {n} answers are negative ({pos} positive)",
                        "check the spec's positive definition with `snarewatch tasks show`, "
                        "and label a seed set by hand (`snarewatch labels seed`) so thresholds "
                        "come from your labels")
    if pos >= share * n:
        return Collapse(f"{pos} of {n} answers are positive",
                        "the question may be too broad for these items: tighten the positive "
                        "definition, add near misses, and label a seed set "
                        "(`snarewatch labels seed`)")
    if raw_pos in (0, n):
        side = "yes" if raw_pos == n else "no"
        return Collapse(f"the teacher leaned to '{side}' on every one of {n} items",
                        "the decisions rest on calibration alone: label a seed set "
                        "(`snarewatch labels seed`) to check them")
    return None


MAX_UNCHECKED_SHARE = 0.5
"""The largest share of positive decisions a run without hand labels may hand over unquestioned:
the questions people ask of crawled items (is this ad trafficking, is this text deceptive) hold
for a minority of them, so a teacher calling most items positive has more likely read the
question as something broader than found that the harm is the norm."""


def mostly_positive(positive: Sequence[bool], *, min_n: int = 30,
                    share: float = MAX_UNCHECKED_SHARE) -> Collapse | None:
    """Label-free decisions that call more than `share` of the items positive; None otherwise
    (or when the run is too small to tell). With seed labels, `disagrees_with_seed` judges the
    share instead: a seed set that is mostly positive makes a mostly positive run plausible."""
    n = len(positive)
    pos = int(np.sum(positive))
    if n < min_n or pos <= share * n:
        return None
    return Collapse(f"{pos} of {n} answers are positive ({pos / n:.0%}) and no hand labels say "
                    "that most items really are",
                    "label a seed set by hand (`snarewatch labels seed`): if most of your items "
                    "are positive the seed shows it and the decisions follow it; if not, the "
                    "teacher read the question too broadly: add near misses to the spec")


MIN_SEPARATION = 2.0
"""How far apart (in spreads) the batch's two groups of answers must sit for label-free decisions
to mean something: closer groups overlap so much that the split between them is a guess."""


def unseparated(calibrator: Calibrator, *, min_n: int = 30) -> Collapse | None:
    """Label-free decisions that rest on answers the teacher did not split into two clear groups
    (a "yes" group and a "no" group); None when they are clear, or for a seed-fitted calibrator."""
    if calibrator.n < min_n or calibrator.method not in ("batch", "raw"):
        return None
    if calibrator.method == "raw":
        if calibrator.note != NO_GROUPS:
            return None
        how = "they form a single group"
    else:
        means, sds = calibrator.params["means"], calibrator.params["sds"]
        apart = (means[1] - means[0]) / float(np.sqrt((sds[0] ** 2 + sds[1] ** 2) / 2))
        if apart >= MIN_SEPARATION:
            return None
        how = f"they sit {apart:.1f} spreads apart; {MIN_SEPARATION:.0f} or more is clear"
    return Collapse(f"the teacher's answers do not split into a clear 'yes' and a clear 'no' "
                    f"group ({how}), so its labels here are close to guesses",
                    "label a seed set by hand (`snarewatch labels seed`) so decisions come from "
                    "your labels, or sharpen the spec's definitions and near misses")


def disagrees_with_seed(rate: float | None, seed: Sequence[SeedRow], n: int, *,
                        min_n: int = 30, factor: float = 4.0) -> Collapse | None:
    """Seed-calibrated decisions whose positive share is far from the seed's own (weighted):
    the calibration did not carry over to the items being labelled."""
    total = sum(r.weight for r in seed)
    if rate is None or n < min_n or not total:
        return None
    expected = sum(r.weight for r in seed if r.positive) / total
    if expected <= 0 or (expected / factor <= rate <= min(1.0, expected * factor)):
        return None
    return Collapse(f"{rate:.0%} of the {n} decisions are positive, where your seed labels "
                    f"suggest {expected:.0%}",
                    "check the hand labels the teacher contradicts against the spec's "
                    "definitions; `train` will still score every student on your hand labels "
                    "and keep one trained on them alone if it does better, and a second seed "
                    "set (`snarewatch labels seed` again) often helps")


@dataclass
class Decided:
    """One answered item's decision."""

    value: str | None
    confidence: float  # calibrated probability of the decided side
    p_positive: float  # calibrated P(positive)
    abstained: str | None = None  # the abstention reason, if any
    positive: bool = False  # the side decided: p_positive at or above the calibrator's cut


def f1_cut(posteriors: Sequence[float] | np.ndarray) -> float:
    """The cut on calibrated P(positive) that maximises the expected F1 of the positive label
    over these items, never above 0.5.

    With rare positives, "positive when more likely than not" misses the many positives the
    teacher is only fairly sure of; the cut that maximises expected F1 sits at half the F1 it
    reaches (Lipton et al. 2014), so it takes them in while the posterior still ranks them.
    """
    p = np.sort(np.clip(np.asarray(posteriors, dtype=float), 0.0, 1.0))[::-1]
    if not len(p) or p.sum() <= 0:
        return 0.5
    k = np.arange(1, len(p) + 1)
    expected_f1 = 2 * np.cumsum(p) / (p.sum() + k)
    return float(min(0.5, p[int(np.argmax(expected_f1))]))


def choose_calibrator(sample_raw: Sequence[float], seed: Sequence[SeedRow],
                      seed_raw: Sequence[float | None]) -> Calibrator:
    """Seed-fitted when the seed has both sides answered (its cut the one of best expected F1 on
    the batch, `f1_cut`); otherwise fitted on the batch (cut at 0.5: without hand labels the
    posteriors are the teacher's own guesses, and a lower cut would only spread them)."""
    pairs = [(r, p) for r, p in zip(seed, seed_raw, strict=True) if p is not None]
    fitted = fit_semi(sample_raw, [p for _, p in pairs], [r.positive for r, _ in pairs]) \
        if pairs else None
    cal = fitted if fitted is not None else fit_batch(sample_raw)
    if fitted is None and seed:
        cal.note = "; ".join(filter(None, [cal.note, "too few seed labels on one side"]))
    if cal.method == "semi":
        cal.params["cut"] = f1_cut(cal(sample_raw))
    return cal



def decide_item(task: TaskSpec, raw: float, calibrator: Calibrator,
                thresholds: Calibration | None) -> Decided:
    """The decision on one answer: its side by calibrated probability, its label when the side
    holds one label (else the side marker, to be named by a follow-up question), and an
    abstention reason when `thresholds` say the calibrated confidence is too low."""
    p = float(calibrator([raw])[0])
    positive = p >= calibrator.cut
    negatives = [n for n in task.label_names if n not in task.positive]
    value = POSITIVE_SIDE if positive else (negatives[0] if len(negatives) == 1 else None)
    if positive and len(task.positive) == 1:
        value = task.positive[0]
    confidence = p if positive else 1.0 - p
    reason = None
    if thresholds is not None:
        side = task.positive[0] if positive else negatives[0]
        if thresholds.abstains(side, confidence):
            reason = thresholds.reason(confidence, side)
    return Decided(value, confidence, p, reason, positive)


def weighted_agreement(seed: Sequence[SeedRow],
                       decided: Sequence[Decided | None]) -> float | None:
    """Share of the seed (by sampling weight) on whose side the teacher's decision agrees."""
    pairs = [(r, d) for r, d in zip(seed, decided, strict=True) if d is not None]
    total = sum(r.weight for r, _ in pairs)
    if not total:
        return None
    return sum(r.weight for r, d in pairs if d.positive == r.positive) / total


@dataclass(frozen=True)
class Dispute:
    """A hand-labelled item the teacher decided the other way: often a definition the spec
    leaves open (the researcher counts pigeons as poultry, the spec says other birds)."""

    item_id: str
    hand_positive: bool
    p_positive: float  # the teacher's calibrated P(positive)

    @property
    def strength(self) -> float:
        """How sure the teacher is of the other side."""
        return 1.0 - self.p_positive if self.hand_positive else self.p_positive


def seed_disputes(seed: Sequence[SeedRow], decided: Sequence[Decided | None], *,
                  top: int = 3) -> list[Dispute]:
    """The seed items on which the teacher's decision contradicts the hand label, the surest
    contradictions first; at most `top`."""
    found = [Dispute(r.item_id, r.positive, d.p_positive)
             for r, d in zip(seed, decided, strict=True)
             if d is not None and d.positive != r.positive]
    return sorted(found, key=lambda x: -x.strength)[:top]

