"""Label a task: sample under a budget, ask the teacher, calibrate, decide, write labels.

A run (1) draws a sample of the task's items that no person has labelled, (2) asks the teacher
about each (cached answers are free; see `labeler.session`), (3) calibrates the answers, on the
seed set's hand labels when there are enough of them and on the batch itself otherwise
(`labeler.decisions`), and (4) writes one `Label` per answered item with the calibrated decision,
how it was made and, for failures, the error. The summary says how far to trust the result: the
calibration, the teacher's agreement with the seed, and whether the decisions collapsed to one
side.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from labeler.calibrate import Calibration, fit_calibration
from labeler.decisions import (
    Calibrator,
    Decided,
    choose_calibrator,
    collapse,
    decide_item,
    disagrees_with_seed,
    mostly_positive,
    seed_disputes,
    unseparated,
    weighted_agreement,
)
from labeler.embed import embed_texts
from labeler.evaluate import positive_share
from labeler.items import existing_labels, human_item_ids
from labeler.knn import ExamplePool
from labeler.llm import LLMBackend, make_backend
from labeler.prompts import POSITIVE_SIDE, Question
from labeler.sampling import select
from labeler.seeds import SeedRow, seed_rows
from labeler.session import Asked, AskSession
from labeler.strategy import Strategy
from snarewatch.config import Settings
from snarewatch.errors import ConfigError, NothingToDoError
from snarewatch.schema import Label, Run, Sample, stable_id, utcnow
from snarewatch.store import Landing
from snarewatch.store.reads import item_fields, positive_scores
from snarewatch.taskspec import TaskSpec

log = logging.getLogger(__name__)

UNCERTAIN_BELOW = 0.7
"""LTS rewards a cluster for a positive answer, or for any answer the teacher was this unsure of."""


@dataclass
class LabelSummary:
    """What a labelling run did, counted, and how far to trust it."""

    run_id: str
    sample_run_id: str
    task: str
    method: str
    backend: str
    question: str = ""
    items: int = 0
    sampled: int = 0
    labelled: int = 0  # new answers from the model (sample and seed)
    cached: int = 0  # answers reused from the cache (no model call)
    human: int = 0  # items left out of the sample because a person labelled them
    failed: int = 0
    abstained: int = 0
    cost_usd: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    seconds: float = 0.0  # wall time of the whole run (sampling and embedding included)
    label_seconds: float = 0.0  # wall time spent asking the model
    stopped: str | None = None  # why the run ended early ("max_cost"), None if complete
    by_value: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    calibration: str = ""  # how answers became decisions
    seed_labels: int = 0  # hand labels the calibration could use
    seed_positive: int = 0
    seed_agreement: float | None = None  # teacher's decisions vs the seed labels (weighted)
    positive_rate: float | None = None  # share of decided items on the positive side
    collapsed: str | None = None  # why the decisions cannot be trusted (None: they look usable)
    advice: str | None = None  # what to do about it
    calibrator: dict[str, Any] = field(default_factory=dict)  # to rebuild the calibration
    # seed items the teacher decided against their hand label, surest first (id, label, p, text)
    seed_disputes: list[dict[str, Any]] = field(default_factory=list)

    def dispute_lines(self) -> list[str]:
        """The hand labels the teacher contradicts most surely, for people: where the spec and
        the researcher's own reading part, a sentence in the spec's near misses is the cheapest
        fix (empty when it contradicts none)."""
        if not self.seed_disputes:
            return []
        return ["where it disagrees most surely (a question of definition: say in the spec "
                "which side it belongs to; a slip of yours: fix it and import again; a plain "
                "error of the teacher's: its labels are weak on this question, and `train` will "
                "say whether your hand labels alone do better):"] + [
            f"  {d['item_id']}: you said {d['label']}, the teacher P(positive) "
            f"{d['p_positive']:.2f}: {d['text']}" for d in self.seed_disputes]

    @property
    def labels_per_minute(self) -> float:
        """Model answers per minute of labelling time (cache hits excluded)."""
        return 60.0 * self.labelled / self.label_seconds if self.label_seconds > 0 else 0.0

    @property
    def status(self) -> str:
        """done | partial (some calls failed) | failed (all did) | suspect (collapsed)
        | interrupted (stopped by --max-cost)."""
        answered = self.labelled + self.cached
        if self.failed and not answered:
            return "failed"
        if self.stopped:
            return "interrupted"
        if self.collapsed:
            return "suspect"
        return "partial" if self.failed else "done"


@dataclass
class Teaching:
    """How the teacher is asked and when its answer is abstained (all optional)."""

    strategy: Strategy = field(default_factory=Strategy)
    pool: ExamplePool | None = None  # human-labelled examples for kNN few-shot
    notes: dict[str, str] | None = None  # FuDD differential descriptions
    calibration: Calibration | None = None  # explicit abstention thresholds (e.g. a card's)
    abstain: bool = False  # abstain below thresholds fitted on the seed set


class _Run:
    """State shared by the steps of one `label_items` call."""

    def __init__(self, settings: Settings, task: TaskSpec, llm: LLMBackend, teaching: Teaching,
                 summary: LabelSummary, max_cost: float | None,
                 on_progress: Callable[..., None] | None) -> None:
        self.settings, self.task, self.llm, self.teaching = settings, task, llm, teaching
        self.summary, self.on_progress = summary, on_progress
        self.total = 0
        self.done = 0
        self.started = time.monotonic()
        self.asking_since: float | None = None
        self.session = AskSession(settings, task, llm, teaching.strategy, run_id=summary.run_id,
                                  max_cost=max_cost, notes=teaching.notes,
                                  on_answer=self._progress)
        self.embeddings: dict[str, np.ndarray] = {}

    def _progress(self, asked: Asked) -> None:
        s = self.summary
        self.done += 1
        if asked.cached:
            s.cached += 1
        elif asked.choice is not None:
            s.labelled += 1
            s.cost_usd += asked.choice.cost_usd
            s.tokens_in += asked.choice.tokens_in
            s.tokens_out += asked.choice.tokens_out
        elif asked.error is not None:
            s.failed += 1
            kind = asked.error.split(":", 1)[0]
            s.errors[kind] = s.errors.get(kind, 0) + 1
        if self.asking_since is not None:
            s.label_seconds = time.monotonic() - self.asking_since
        if self.on_progress is not None:
            self.on_progress(done=self.done, total=max(self.total, self.done), cost=s.cost_usd,
                             labels_per_min=s.labels_per_minute, failed=s.failed)

    def shots(self, item: dict[str, Any]) -> list[tuple[str, str]]:
        t = self.teaching
        vec = self.embeddings.get(str(item["item_id"]))
        if t.pool is None or not t.strategy.knn or vec is None:
            return []
        return t.pool.nearest(vec, t.strategy.knn, exclude_id=item["item_id"],
                              exclude_text=self.task.render(item))

    def ask(self, items: Sequence[dict[str, Any]]) -> list[Asked]:
        if self.asking_since is None:
            self.asking_since = time.monotonic()
        asked = self.session.ask(items, shots=self.shots)
        self.summary.stopped = self.session.stopped
        return asked


def label_items(
    settings: Settings, task: TaskSpec, *, budget: int | None = None, method: str = "diversity",
    backend: LLMBackend | str | None = None, seed: int = 0, max_cost: float | None = None,
    item_ids: Sequence[str] | None = None, on_progress: Callable[..., None] | None = None,
    sampling_params: dict[str, Any] | None = None, teaching: Teaching | None = None,
) -> LabelSummary:
    """Sample up to `budget` unlabelled items of the task's kind, label them, land the records.

    The same items, seed and method give the same sample, so a rerun after an interruption
    resumes: answers already stored are cache hits and cost nothing. `teaching` adds kNN
    few-shot, FuDD notes, self-consistency and abstention (see labeler/strategy.py).
    Raises NothingToDoError when the store holds no items of the task's kind.
    """
    llm = backend if backend is not None and not isinstance(backend, str) else \
        make_backend(settings, backend)
    teaching = teaching or Teaching()
    if max_cost is not None and getattr(llm, "price_source", "") == "unknown":
        raise ConfigError(
            f"--max-cost needs the price of {llm.name!r}, which is not a model with a known "
            "published price: set SNAREWATCH_LLM_USD_PER_1K_INPUT and "
            "SNAREWATCH_LLM_USD_PER_1K_OUTPUT (USD per 1,000 tokens) so the cap can be kept")
    budget = task.default_budget if budget is None else budget
    items = item_fields(settings.db_path, task.item_kind, item_ids)
    if not items:
        raise NothingToDoError(_no_items_message(task, item_ids is not None))
    started_at = utcnow()
    run_id = stable_id("label", task.name, started_at.isoformat())
    question = teaching.strategy.question(task)
    summary = LabelSummary(run_id=run_id, sample_run_id=run_id, task=task.name, method=method,
                           backend=llm.name, question=question.name, items=len(items))
    run = _Run(settings, task, llm, teaching, summary, max_cost, on_progress)
    seeds = seed_rows(settings, task)
    by_people = {r.item_id for r in seeds} | human_item_ids(settings, task)
    exclude = [n for n, i in enumerate(items) if i["item_id"] in by_people]
    summary.human = len(exclude)
    landing = Landing(settings.landing_dir)
    try:
        emb = embed_texts([task.render(i) for i in items], cache_dir=settings.cache_dir,
                          keys=[i["item_id"] for i in items])
        run.embeddings = {i["item_id"]: emb[n] for n, i in enumerate(items)}
        if teaching.pool is not None and teaching.strategy.knn and seeds:
            run.embeddings.update(zip([r.item_id for r in seeds],
                                      embed_texts([task.render(r.item) for r in seeds],
                                                  cache_dir=settings.cache_dir), strict=True))
        both_sides = len({r.positive for r in seeds}) == 2
        run.total = min(budget, len(items) - len(exclude)) + (len(seeds) if both_sides else 0)
        answers: dict[int, Asked] = {}

        def oracle(indices: Sequence[int]) -> list[float]:
            for i, a in zip(indices, run.ask([items[i] for i in indices]), strict=True):
                answers[i] = a
            return [_reward(task, answers[i]) for i in indices]

        sample: list[int] = []
        if budget > 0 and len(items) > len(exclude):
            result = _sample_items(settings, task, emb, items, budget, method, seed, oracle,
                                   exclude, dict(sampling_params or {}))
            sample = list(result.indices)
            todo = [i for i in sample if i not in answers]
            for i, a in zip(todo, run.ask([items[i] for i in todo]), strict=True):
                answers[i] = a
            summary.sampled = len(sample)
            landing.write([
                Sample(sample_run_id=run_id, task=task.name, item_id=items[i]["item_id"],
                       item_kind=task.item_kind, method=result.method, params=result.params,
                       seed=result.seed, round=result.rounds[n] if result.rounds else 0,
                       cluster=result.clusters[n] if result.clusters else None)
                for n, i in enumerate(sample)])
        seed_asked = run.ask([r.item for r in seeds]) if both_sides else []
        _finish(run, [items[i] for i in sample], [answers[i] for i in sample], seeds, seed_asked)
    finally:
        run.session.flush()
        summary.seconds = time.monotonic() - run.started
        landing.write([Run(
            run_id=run_id, kind="label", started_at=started_at, finished_at=utcnow(),
            status=summary.status, params={"task": task.name, "budget": budget, "method": method,
                                           "backend": llm.name, "seed": seed,
                                           "max_cost": max_cost, "question": question.format},
            stats={k: v for k, v in summary.__dict__.items() if k not in {"run_id", "task"}},
            error=summary.collapsed)])
    return summary


def _no_items_message(task: TaskSpec, restricted: bool) -> str:
    what = {"ad": "ads", "ui_element": "UI elements"}.get(task.item_kind, "items")
    where = "among the given items" if restricted else "in the store"
    kind = "ads" if task.item_kind == "ad" else "elements"
    return (f"no {what} to label for task {task.name!r} {where}: crawl a site "
            f"(`snarewatch crawl demo`) or import {what} (`snarewatch import {kind} FILE`) first")


def _reward(task: TaskSpec, asked: Asked) -> float:
    if asked.choice is None:
        return 0.0
    p = positive_share(task, asked.choice.probabilities or {})
    return 1.0 if p >= 0.5 or min(p, 1 - p) > 1 - UNCERTAIN_BELOW else 0.0


def _sample_items(settings: Settings, task: TaskSpec, emb: np.ndarray,
                  items: Sequence[dict[str, Any]], budget: int, method: str, seed: int,
                  oracle: Callable[[Sequence[int]], Sequence[float]], exclude: Sequence[int],
                  params: dict[str, Any]):  # type: ignore[no-untyped-def]
    scores = None
    if method == "uncertainty":
        by_item = positive_scores(settings.db_path, task.name)
        if not by_item:
            raise ConfigError(f"no predictions for task {task.name!r} yet: train a model first, "
                              "or use --method diversity")
        scores = np.array([by_item.get(i["item_id"], 0.5) for i in items])
    return select(method, emb, budget, seed=seed, oracle=oracle, scores=scores,
                  exclude=exclude, **params)


def _raw(task: TaskSpec, asked: Asked) -> float | None:
    if asked.choice is None:
        return None
    return positive_share(task, asked.choice.probabilities or {})


def _finish(run: _Run, items: Sequence[dict[str, Any]], asked: Sequence[Asked],
            seeds: Sequence[SeedRow], seed_asked: Sequence[Asked]) -> None:
    """Calibrate, decide, ask which positive label where the answer was only "yes", write."""
    task, s = run.task, run.summary
    raw = [_raw(task, a) for a in asked]
    seed_raw = [_raw(task, a) for a in seed_asked] if seed_asked else [None] * len(seeds)
    calibrator = choose_calibrator([r for r in raw if r is not None], seeds, seed_raw)
    thresholds = _abstention(run, task, seeds, seed_raw, calibrator)
    decided = [None if r is None else decide_item(task, r, calibrator, thresholds) for r in raw]
    _name_positive_labels(run, items, decided)
    seed_decided = [None if r is None else decide_item(task, r, calibrator, None) for r in seed_raw]
    s.calibration = calibrator.describe()
    s.calibrator = calibrator.to_dict()
    s.seed_labels = len(seeds)
    s.seed_positive = sum(r.positive for r in seeds)
    s.seed_agreement = weighted_agreement(seeds, seed_decided) if seed_asked else None
    if seed_asked:
        rows = {r.item_id: r for r in seeds}
        s.seed_disputes = [{"item_id": x.item_id, "label": rows[x.item_id].label,
                            "p_positive": round(x.p_positive, 3),
                            "text": " ".join(task.render(rows[x.item_id].item).split())[:160]}
                           for x in seed_disputes(seeds, seed_decided)]
    kept = [d for d in decided if d is not None and not d.abstained]
    for d in kept:
        s.by_value[str(d.value)] = s.by_value.get(str(d.value), 0) + 1
    s.abstained = sum(1 for d in decided if d is not None and d.abstained)
    s.positive_rate = (sum(d.positive for d in kept) / len(kept)) if kept else None
    if calibrator.method in ("seed", "semi"):
        problem = disagrees_with_seed(s.positive_rate, seeds, len(kept))
    else:
        problem = collapse([d.positive for d in kept],
                           [r for r, d in zip(raw, decided, strict=True) if d and not d.abstained])
        problem = problem or unseparated(calibrator) or mostly_positive([d.positive for d in kept])
    if problem is not None:
        s.collapsed, s.advice = problem.reason, problem.advice
    _write_labels(run, items, asked, decided, calibrator)


def _abstention(run: _Run, task: TaskSpec, seeds: Sequence[SeedRow],
                seed_raw: Sequence[float | None], calibrator: Calibrator) -> Calibration | None:
    t = run.teaching
    if t.calibration is not None:
        return t.calibration
    if not t.abstain:
        return None
    pairs = [(r, p) for r, p in zip(seeds, seed_raw, strict=True) if p is not None]
    if len({r.positive for r, _ in pairs}) < 2:
        from labeler.card import read_card

        card = read_card(run.settings.data_dir, task.name)
        if card and card.get("calibration"):  # thresholds from `eval-teacher --calibrate`
            return Calibration.from_dict(card["calibration"])
        raise ConfigError(f"--abstain needs hand labels of both kinds for {task.name!r}: draw a "
                          f"seed set with `snarewatch labels seed {task.name} --out seed.csv`, "
                          "label it, and import it with `snarewatch labels import` (or write a "
                          "teacher card with `snarewatch eval-teacher --calibrate`)")
    negative = next(n for n in task.label_names if n not in task.positive)
    sides = [task.positive[0] if r.positive else negative for r, _ in pairs]
    cal = [float(calibrator([p])[0]) for _, p in pairs]
    pred = [task.positive[0] if c >= calibrator.cut else negative for c in cal]
    conf = [c if c >= calibrator.cut else 1 - c for c in cal]
    return fit_calibration(sides, pred, conf, positive=task.positive)


def _name_positive_labels(run: _Run, items: Sequence[dict[str, Any]],
                          decided: list[Decided | None]) -> None:
    """Where a yes/no answer decided only "positive", ask which positive label it is."""
    todo = [n for n, d in enumerate(decided) if d is not None and d.value == POSITIVE_SIDE]
    if not todo:
        return
    follow = Question(run.task, "letters", labels=tuple(run.task.positive))
    run.total += len(todo)
    answers = run.session.ask([items[n] for n in todo], question=follow, shots=run.shots)
    for n, a in zip(todo, answers, strict=True):
        d = decided[n]
        assert d is not None
        d.value = a.choice.label if a.choice is not None else run.task.positive[0]


def _write_labels(run: _Run, items: Sequence[dict[str, Any]], asked: Sequence[Asked],
                  decided: Sequence[Decided | None], calibrator: Calibrator) -> None:
    task, s = run.task, run.summary
    source = f"llm:{run.llm.name}"
    how = f"{run.teaching.strategy.question(task).format}; {calibrator.describe()}"
    current = {(r["item_id"], r["prompt_hash"]): r for r in
               existing_labels(run.settings.db_path, run.settings.landing_dir, task.name)
               if str(r["source"]) == source}
    records = []
    for item, a, d in zip(items, asked, decided, strict=True):
        if a.skipped:
            continue
        if d is None:  # a failure: recorded, never reused
            records.append(Label(
                label_id=stable_id(task.name, item["item_id"], source, a.prompt_hash, s.run_id,
                                   time.time_ns()),
                task=task.name, item_id=item["item_id"], item_kind=task.item_kind, value=None,
                source=source, model=run.llm.name, prompt_hash=a.prompt_hash, error=a.error,
                run_id=s.run_id))
            continue
        before = current.get((item["item_id"], a.prompt_hash))
        if before is not None and before["value"] == d.value and \
                (before["error"] or None) == d.abstained:
            continue  # the same decision is already in force
        choice = a.choice
        assert choice is not None
        records.append(Label(
            label_id=stable_id(task.name, item["item_id"], source, a.prompt_hash, s.run_id),
            task=task.name, item_id=item["item_id"], item_kind=task.item_kind, value=d.value,
            probability=round(d.confidence, 6), source=source, model=run.llm.name,
            prompt_hash=a.prompt_hash, tokens_in=0 if a.cached else choice.tokens_in,
            tokens_out=0 if a.cached else choice.tokens_out,
            cost_usd=0.0 if a.cached else choice.cost_usd,
            seconds=0.0 if a.cached else choice.seconds, error=d.abstained, run_id=s.run_id,
            p_positive=round(d.p_positive, 6), decision=how))
    Landing(run.settings.landing_dir).write(records)
