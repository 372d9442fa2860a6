"""The seed set: a few dozen items a researcher labels by hand before trusting the LLM.

Hand labels are the strongest signal the pipeline has: they calibrate the teacher's decisions,
give kNN examples, set the student's threshold and say honestly how good the flags are. A random
sample of 40 holds only two or three positives when one item in twenty is positive, so the seed
is drawn in two strata: half from the items most similar to the task's positive definition and
examples (sentence embeddings; no LLM needed), half from the rest, each half spread over the
item space (k-means, proportional). Every seed item carries the weight of its stratum (how many
items it stands for), so rates and thresholds estimated on the seed remain unbiased.

A second seed set (drawn when the first holds too few positives) ranks "most similar" by what
the hand labels already say: a logistic regression on the labelled items' embeddings, the
definition and examples counted as positives too. Over real human-labelled data it draws 32 %
more positives than the definition alone on the nine questions it was chosen on, 49 % more on
three held out (`benchmarks/seed_draw.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from labeler.embed import embed_texts, unit_rows
from labeler.sampling import select
from snarewatch.config import Settings
from snarewatch.metrics import rate_range
from snarewatch.schema import Sample, stable_id, utcnow
from snarewatch.store import Landing
from snarewatch.store.reads import (
    SEED_METHOD,
    current_human_labels,
    item_fields,
    last_label_run_stats,
    seed_weights,
)
from snarewatch.taskspec import TaskSpec

DEFAULT_SIZE = 40
TOP_SHARE = 0.1
"""The enriched stratum: this share of the items, those that look most positive."""
FEW_PER_SIDE = 5
"""Hand labels on one side under which the seed says too little about that side."""



@dataclass(frozen=True)
class SeedRow:
    """One hand-labelled item: its fields, the label, its side and its sampling weight."""

    item: dict[str, Any]
    label: str
    positive: bool
    weight: float = 1.0

    @property
    def item_id(self) -> str:
        """The item's id."""
        return str(self.item["item_id"])


@dataclass(frozen=True)
class SeedDraw:
    """Which items to label by hand and how many items each stands for."""

    indices: list[int]
    weights: list[float]
    strata: list[str]  # "similar" | "rest" | "all"
    similar_by: str = "definition"  # what ranked "similar": "definition" | "hand labels"


def positive_anchors(task: TaskSpec) -> list[str]:
    """What the spec says a positive is: its description, the positive labels' definitions and
    the positive examples."""
    anchors = [task.description] + [lab.definition for lab in task.labels
                                    if lab.name in task.positive]
    return anchors + [ex.input for ex in task.examples if ex.label in task.positive]


def prototype_scores(task: TaskSpec, texts: Sequence[str], embeddings: np.ndarray,
                     cache_dir: Any = None) -> np.ndarray:
    """Cosine similarity of each item to the task's positive side (definitions and examples)."""
    proto = embed_texts(positive_anchors(task), cache_dir=cache_dir).mean(axis=0)
    emb = np.asarray(embeddings, dtype=np.float32)
    norms = np.linalg.norm(emb, axis=1) * (np.linalg.norm(proto) or 1.0)
    return np.asarray(emb @ proto / np.where(norms > 0, norms, 1.0), dtype=float)


def guided_scores(embeddings: np.ndarray, labelled: Sequence[int], positive: Sequence[bool],
                  anchors: np.ndarray) -> np.ndarray | None:
    """How positive each item looks to a logistic regression fitted on the hand-labelled items
    (`labelled` indices into `embeddings`, their sides in `positive`) and the spec's anchor
    embeddings as extra positives; None without a hand-labelled negative to learn from.

    Classes are balanced: a seed holds few positives, and the ranking, not the probability, is
    what the draw uses.
    """
    from sklearn.linear_model import LogisticRegression

    if all(positive):
        return None
    emb = unit_rows(embeddings)
    x = np.vstack([emb[list(labelled)], unit_rows(anchors)])
    y = np.r_[np.asarray(positive, dtype=bool), np.ones(len(anchors), dtype=bool)]
    model = LogisticRegression(class_weight="balanced", max_iter=1000).fit(x, y)
    return np.asarray(model.decision_function(emb), dtype=float)


def draw_seed(embeddings: np.ndarray, similarity: np.ndarray, size: int, *, seed: int = 0,
              exclude: Sequence[int] = ()) -> SeedDraw:
    """Half the seed from the top `TOP_SHARE` by similarity, half from the rest, each diverse."""
    n = len(embeddings)
    allowed = np.ones(n, dtype=bool)
    allowed[list(exclude)] = False
    pool = np.flatnonzero(allowed)
    if len(pool) <= 2 * size:  # too few items to stratify: a diverse sample of them all
        picked = select("diversity", embeddings[pool], min(size, len(pool)), seed=seed).indices
        return SeedDraw([int(pool[i]) for i in picked], [len(pool) / max(1, len(picked))] *
                        len(picked), ["all"] * len(picked))
    order = pool[np.argsort(-similarity[pool], kind="stable")]
    top = order[:max(size, int(round(TOP_SHARE * len(pool))))]
    rest = order[len(top):]
    n_top = size // 2
    out = SeedDraw([], [], [])
    for stratum, members, k in (("similar", top, n_top), ("rest", rest, size - n_top)):
        picked = select("diversity", embeddings[members], k, seed=seed).indices
        out.indices.extend(int(members[i]) for i in picked)
        out.weights.extend([len(members) / max(1, len(picked))] * len(picked))
        out.strata.extend([stratum] * len(picked))
    # Shuffled, so the person labelling cannot tell the strata apart by position.
    perm = np.random.default_rng(seed).permutation(len(out.indices))
    return SeedDraw([out.indices[i] for i in perm], [out.weights[i] for i in perm],
                    [out.strata[i] for i in perm])


def choose_seed(settings: Settings, task: TaskSpec, size: int = DEFAULT_SIZE, *,
                seed: int = 0) -> tuple[list[dict[str, Any]], SeedDraw]:
    """Draw a seed set from the task's items (skipping any a person already labelled) and record
    it as a sample (method "seed", each row's weight in its params)."""
    items = item_fields(settings.db_path, task.item_kind)
    if not items:
        return [], SeedDraw([], [], [])
    labelled = human_labels(settings, task)
    texts = [task.render(i) for i in items]
    emb = embed_texts(texts, cache_dir=settings.cache_dir, keys=[i["item_id"] for i in items])
    exclude = [n for n, i in enumerate(items) if i["item_id"] in labelled]
    # Once hand labels exist they say more about the positives than the definition alone.
    guided = guided_scores(emb, exclude, [labelled[items[n]["item_id"]] in task.positive
                                          for n in exclude],
                           embed_texts(positive_anchors(task), cache_dir=settings.cache_dir)) \
        if exclude else None
    if guided is None:
        draw = draw_seed(emb, prototype_scores(task, texts, emb, settings.cache_dir), size,
                         seed=seed, exclude=exclude)
    else:
        draw = replace(draw_seed(emb, guided, size, seed=seed, exclude=exclude),
                       similar_by="hand labels")
    run_id = stable_id("seed", task.name, utcnow().isoformat())
    Landing(settings.landing_dir).write([
        Sample(sample_run_id=run_id, task=task.name, item_id=items[i]["item_id"],
               item_kind=task.item_kind, method=SEED_METHOD, seed=seed,
               params={"weight": w, "stratum": s, "size": size,
                       "similar_by": draw.similar_by})
        for i, w, s in zip(draw.indices, draw.weights, draw.strata, strict=True)])
    return [items[i] for i in draw.indices], draw


def human_labels(settings: Settings, task: TaskSpec) -> dict[str, str]:
    """Item id → the current human label of the task (valid label names only)."""
    names = set(task.label_names)
    return {i: v for i, v in current_human_labels(settings.db_path, task.name).items()
            if v in names}


def seed_rows(settings: Settings, task: TaskSpec) -> list[SeedRow]:
    """The task's hand-labelled items with their fields and sampling weights.

    Items labelled outside a drawn seed set (imported reviews, extension feedback) weigh the
    same as the average seed item: they were not drawn at random, but they are real labels.
    """
    labels = human_labels(settings, task)
    if not labels:
        return []
    weights = seed_weights(settings.db_path, task.name)
    fallback = float(np.mean(list(weights.values()))) if weights else 1.0
    items = item_fields(settings.db_path, task.item_kind, sorted(labels))
    return [SeedRow(item=i, label=labels[i["item_id"]],
                    positive=labels[i["item_id"]] in task.positive,
                    weight=weights.get(i["item_id"], fallback)) for i in items]


def thin_seed_advice(task: TaskSpec, total: int, positive: int) -> str | None:
    """What to do when `total` hand labels, `positive` of them positive, hold too few of one
    side to trust what is estimated on them (thresholds, the seed check, the seed-only
    baseline); None when both sides have enough, or when there are no hand labels at all
    (`label` says so itself)."""
    negative = total - positive
    if not total or min(positive, negative) >= FEW_PER_SIDE:
        return None
    side = "positive" if positive < negative else "negative"
    return (f"your {total} hand labels hold only {min(positive, negative)} {side}: "
            "thresholds and the seed check rest on too few of that side to trust. Draw "
            f"{DEFAULT_SIZE} more (half among the items your hand labels and the definition "
            "make look most positive, none already labelled): "
            f"`snarewatch labels seed {task.name} --out more.csv`, label and import them; once "
            f"a student exists, `snarewatch labels export {task.name} --closest` lists the "
            "items nearest its cut on both sides")


@dataclass(frozen=True)
class ExpectedRate:
    """The share of a task's items that are positive, as best known: where the figure comes
    from, and (from a drawn seed set) the 90 % range it may really lie in."""

    rate: float | None
    source: str
    likely: tuple[float, float] | None = None


def estimated_positive_rate(settings: Settings, task: TaskSpec) -> ExpectedRate:
    """The share of the task's items that are positive, as best known: the drawn seed sets'
    hand labels (weighted by stratum, with their range), else every hand label, else the last
    labelling run's decisions (a diversity sample spreads over the items like a random one).

    Reviewed findings are left out while drawn seed items hold both sides: a person checking
    the student's flags labels mostly positives, which says nothing of how many there are.
    """
    rows = seed_rows(settings, task)
    drawn = seed_weights(settings.db_path, task.name)
    seeds = [r for r in rows if r.item_id in drawn]
    if len({r.positive for r in seeds}) == 2:
        weights = [r.weight for r in seeds]
        rate = sum(w for r, w in zip(seeds, weights, strict=True) if r.positive) / sum(weights)
        return ExpectedRate(rate, f"your {len(seeds)} seed labels",
                            rate_range([r.positive for r in seeds], weights))
    total = sum(r.weight for r in rows)
    if len({r.positive for r in rows}) == 2 and total > 0:
        return ExpectedRate(sum(r.weight for r in rows if r.positive) / total,
                            f"your {len(rows)} hand labels")
    stats = last_label_run_stats(settings.db_path, task.name, having="positive_rate")
    if isinstance(stats.get("positive_rate"), int | float):
        # A run that warned gives a rate to compare with, but not one to trust: say so.
        warned = " (a run that warned its labels may be guesses)" if stats.get("collapsed") else ""
        return ExpectedRate(float(stats["positive_rate"]),
                            f"the teacher's labels of the last labelling run{warned}")
    return ExpectedRate(None, "nothing yet")
