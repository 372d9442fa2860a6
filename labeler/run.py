"""Label a task: choose a sample under a budget, ask the LLM, write Sample and Label records.

Cached answers (same prompt, model and parameters) are reused, human labels are never
overridden or re-bought, failures become Label rows with `error` set (never reused), and the
spend never exceeds `max_cost`: each call reserves its worst-case cost before it starts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from labeler.calibrate import Calibration
from labeler.embed import embed_texts
from labeler.fudd import pair_key
from labeler.items import existing_labels, load_items, positive_scores
from labeler.knn import ExamplePool
from labeler.llm import LLMBackend, make_backend
from labeler.llm.base import Choice
from labeler.prompts import build_prompt, prompt_hash
from labeler.sampling import select
from labeler.strategy import Strategy, decide, prompts_for
from labeler.teach import default_pairs
from snarewatch.config import Settings
from snarewatch.errors import ConfigError, LLMError
from snarewatch.schema import Label, Run, Sample, stable_id, utcnow
from snarewatch.store import Landing
from snarewatch.taskspec import TaskSpec

log = logging.getLogger(__name__)

FLUSH_EVERY = 25
VARIANT_WINDOW = 16
UNCERTAIN_BELOW = 0.7
"""LTS rewards a cluster for a positive label, or for any label the teacher was this unsure of."""


@dataclass
class LabelSummary:
    """What a labelling run did, counted."""

    run_id: str
    sample_run_id: str
    task: str
    method: str
    backend: str
    items: int = 0
    sampled: int = 0
    labelled: int = 0  # new answers from the model
    cached: int = 0  # answers reused from the cache (no model call)
    human: int = 0  # items skipped because a person already labelled them
    failed: int = 0
    abstained: int = 0
    cost_usd: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    seconds: float = 0.0  # wall time of the whole run (sampling and embedding included)
    label_seconds: float = 0.0  # wall time spent labelling
    stopped: str | None = None  # why the run ended early ("max_cost"), None if complete
    by_value: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def labels_per_minute(self) -> float:
        """Model answers per minute of labelling time (cache hits excluded)."""
        return 60.0 * self.labelled / self.label_seconds if self.label_seconds > 0 else 0.0


PLACEHOLDER_NOTE = "<what tells these two labels apart, written once by the model>"
"""Stands for a FuDD note in a planned prompt (the notes are written when labelling starts)."""


@dataclass
class LabelPlan:
    """What `label` would do, without calling the model."""

    task: str
    backend: str
    method: str
    items: int
    human_labelled: int
    to_label: int
    est_tokens_in: int
    est_tokens_out: int
    est_cost_usd: float
    est_seconds: float
    example_prompt: str


def _worst_case_cost(backend: LLMBackend, prompt: str) -> float:
    # A token is at least one byte, so the byte count bounds the prompt's tokens from above.
    tokens_in = len(prompt.encode("utf-8")) + 64
    return (tokens_in * backend.usd_per_1k_input
            + backend.max_answer_tokens * backend.usd_per_1k_output) / 1000.0


def _backend_params(backend: LLMBackend, strategy: Strategy | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"backend": type(backend).__name__, "temperature": 0}
    if strategy is not None and strategy.variants > 1:
        params["variants"] = strategy.variants  # the prompts differ, but the answer is combined
    return params


@dataclass
class Teaching:
    """How the teacher is asked and when its answer is abstained (all optional)."""

    strategy: Strategy = field(default_factory=Strategy)
    pool: ExamplePool | None = None  # human-labelled examples for kNN few-shot
    notes: dict[str, str] | None = None  # FuDD differential descriptions
    calibration: Calibration | None = None  # per-label thresholds; None = never abstain


class _Session:
    """One run's state: cache, spend, pending records, counts."""

    def __init__(self, settings: Settings, task: TaskSpec, backend: LLMBackend,
                 items: list[dict[str, Any]], summary: LabelSummary, max_cost: float | None,
                 on_progress: Callable[..., None] | None, teaching: Teaching | None = None) -> None:
        self.settings, self.task, self.backend, self.items = settings, task, backend, items
        self.summary, self.max_cost, self.on_progress = summary, max_cost, on_progress
        self.teaching = teaching or Teaching()
        self.item_embeddings: np.ndarray | None = None  # set by the run when kNN needs them
        self.landing = Landing(settings.landing_dir)
        self.source = f"llm:{backend.name}"
        self.params = _backend_params(backend, self.teaching.strategy)
        self.cache: dict[str, tuple[str | None, float | None]] = {}
        self.human: dict[str, str | None] = {}
        self.have: set[tuple[str, str]] = set()  # (item_id, prompt_hash) already stored
        for row in existing_labels(settings.db_path, settings.landing_dir, task.name):
            if str(row["source"]).startswith("human:"):
                self.human[row["item_id"]] = row["value"]
            elif row["model"] == backend.name and row["prompt_hash"]:
                self.cache[row["prompt_hash"]] = (row["value"], row["probability"])
                self.have.add((row["item_id"], row["prompt_hash"]))
        self.pending: list[Label] = []
        self.reserved = 0.0
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.label_started: float | None = None
        self.total = 0
        self.done = 0

    def _record(self, item: dict[str, Any], phash: str, choice: Choice | None,
                error: str | None) -> None:
        cal = self.teaching.calibration
        if choice is not None and error is None and cal is not None and \
                cal.abstains(choice.label, choice.probability):
            # The guess is kept (value) for the review queue; the marker keeps it out of training.
            error = cal.reason(choice.probability, choice.label)
            self.summary.abstained += 1
        label = Label(
            label_id=stable_id(self.task.name, item["item_id"], self.source, phash,
                               self.summary.run_id, time.time_ns()),
            task=self.task.name, item_id=item["item_id"], item_kind=self.task.item_kind,
            value=choice.label if choice else None,
            probability=choice.probability if choice else None,
            source=self.source, model=self.backend.name, prompt_hash=phash,
            tokens_in=choice.tokens_in if choice else 0, tokens_out=choice.tokens_out if choice else 0,
            cost_usd=choice.cost_usd if choice else 0.0, seconds=choice.seconds if choice else 0.0,
            error=error, run_id=self.summary.run_id,
        )
        self.pending.append(label)
        if len(self.pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write pending Label records as one landing batch."""
        if self.pending:
            self.landing.write(self.pending)
            self.pending = []

    def _progress(self) -> None:
        self.done += 1
        if self.label_started is not None:
            self.summary.label_seconds = time.monotonic() - self.label_started
        if self.on_progress is not None:
            self.on_progress(done=self.done, total=self.total, cost=self.summary.cost_usd,
                             labels_per_min=self.summary.labels_per_minute,
                             failed=self.summary.failed)

    def _reward(self, value: str | None, probability: float | None) -> float:
        if self.task.is_positive(value):
            return 1.0
        return 1.0 if probability is not None and probability < UNCERTAIN_BELOW else 0.0

    def _prompts(self, idx: int) -> list[str]:
        t = self.teaching
        item = self.items[idx]
        shots: list[tuple[str, str]] = []
        if t.pool is not None and t.strategy.knn and self.item_embeddings is not None:
            shots = t.pool.nearest(self.item_embeddings[idx], t.strategy.knn,
                                   exclude_id=item["item_id"], exclude_text=self.task.render(item))
        return prompts_for(self.task, item, t.strategy, notes=t.notes, shots=shots)

    def _call_many(self, prompt_sets: list[list[str]]) -> list[tuple[Choice | None, str | None]]:
        out: list[tuple[Choice | None, str | None]] = []
        for outcome in decide(self.backend, self.task.label_names, prompt_sets):
            if isinstance(outcome, LLMError):
                out.append((None, f"{type(outcome).__name__}: {outcome}"))
            else:
                out.append((outcome, None))
        return out

    def _settle(self, idx: int, phash: str, choice: Choice | None, error: str | None,
                rewards: dict[int, float]) -> None:
        s = self.summary
        item = self.items[idx]
        if choice is None:
            s.failed += 1
            kind = (error or "error").split(":", 1)[0]
            s.errors[kind] = s.errors.get(kind, 0) + 1
            rewards[idx] = 0.0
        else:
            s.labelled += 1
            s.cost_usd += choice.cost_usd
            s.tokens_in += choice.tokens_in
            s.tokens_out += choice.tokens_out
            s.by_value[str(choice.label)] = s.by_value.get(str(choice.label), 0) + 1
            self.cache[phash] = (choice.label, choice.probability)
            self.have.add((item["item_id"], phash))
            rewards[idx] = self._reward(choice.label, choice.probability)
        self._record(item, phash, choice, error)
        self._progress()

    def label(self, indices: Sequence[int]) -> list[float]:
        """Label items by index (cache, human, model); returns the LTS reward of each."""
        if self.label_started is None:
            self.label_started = time.monotonic()
        rewards: dict[int, float] = {}
        calls: list[tuple[int, list[str], str, float]] = []
        s = self.summary
        for idx in indices:
            item = self.items[idx]
            item_id = item["item_id"]
            if item_id in self.human:
                s.human += 1
                rewards[idx] = self._reward(self.human[item_id], 1.0)
                self._progress()
                continue
            prompts = self._prompts(idx)
            phash = prompt_hash("\x1e".join(prompts), self.backend.name, self.params)
            if phash in self.cache:
                value, prob = self.cache[phash]
                s.cached += 1
                s.by_value[str(value)] = s.by_value.get(str(value), 0) + 1
                if (item_id, phash) not in self.have:  # same text, another item: store a copy
                    self._record(item, phash, Choice(value, prob), None)
                    self.have.add((item_id, phash))
                rewards[idx] = self._reward(value, prob)
                self._progress()
                continue
            worst = sum(_worst_case_cost(self.backend, p) for p in prompts)
            calls.append((idx, prompts, phash, worst))
        # Several variants per item are asked variant by variant over a window of items, so a
        # local model re-reads each variant's shared prefix once per window, not once per item.
        window = max(1, self.backend.concurrency) * \
            (VARIANT_WINDOW if self.teaching.strategy.variants > 1 else 1)
        pos = 0
        while pos < len(calls) and not s.stopped:
            batch = []
            for call in calls[pos:pos + window]:
                if self.max_cost is not None and \
                        s.cost_usd + self.reserved + call[3] > self.max_cost:
                    break
                self.reserved += call[3]
                batch.append(call)
            if not batch:  # nothing in flight and the next call may not fit: stop here
                s.stopped = "max_cost"
                break
            pos += len(batch)
            answers = self._call_many([prompts for _, prompts, _, _ in batch])
            for (idx, _, phash, worst), (choice, error) in zip(batch, answers, strict=True):
                self.reserved -= worst
                self._settle(idx, phash, choice, error, rewards)
        return [rewards.get(i, 0.0) for i in indices]


def _sample(settings: Settings, task: TaskSpec, items: list[dict[str, Any]], budget: int,
            method: str, seed: int, oracle: Callable[[Sequence[int]], Sequence[float]],
            params: dict[str, Any]):  # type: ignore[no-untyped-def]
    texts = [task.render(item) for item in items]
    emb = embed_texts(texts, cache_dir=settings.cache_dir, keys=[i["item_id"] for i in items])
    scores = None
    if method == "uncertainty":
        by_item = positive_scores(settings.db_path, task)
        if not by_item:
            raise ConfigError(f"no predictions for task {task.name!r} yet: train a model first, "
                              "or use --method diversity")
        scores = np.array([by_item.get(i["item_id"], 0.5) for i in items])
    return select(method, emb, budget, seed=seed, oracle=oracle, scores=scores, **params)


def label_items(
    settings: Settings, task: TaskSpec, *, budget: int | None = None, method: str = "diversity",
    backend: LLMBackend | str | None = None, seed: int = 0, max_cost: float | None = None,
    item_ids: Sequence[str] | None = None, on_progress: Callable[..., None] | None = None,
    sampling_params: dict[str, Any] | None = None, teaching: Teaching | None = None,
) -> LabelSummary:
    """Sample up to `budget` items of the task's kind and label them; records go to landing.

    The same items, seed and method give the same sample, so a rerun after an interruption
    resumes: answers already stored are cache hits and cost nothing. `teaching` adds kNN
    few-shot, FuDD notes, self-consistency and abstention (see labeler/strategy.py).
    """
    llm = backend if backend is not None and not isinstance(backend, str) else \
        make_backend(settings, backend)
    budget = task.default_budget if budget is None else budget
    started_at = utcnow()
    run_id = stable_id("label", task.name, started_at.isoformat())
    summary = LabelSummary(run_id=run_id, sample_run_id=run_id, task=task.name, method=method,
                           backend=llm.name)
    items = load_items(settings.db_path, task.item_kind, item_ids)
    summary.items = len(items)
    session = _Session(settings, task, llm, items, summary, max_cost, on_progress, teaching)
    session.total = min(budget, len(items))
    if teaching is not None and teaching.pool is not None and teaching.strategy.knn and items:
        session.item_embeddings = embed_texts([task.render(i) for i in items],
                                              cache_dir=settings.cache_dir,
                                              keys=[i["item_id"] for i in items])
    landing = Landing(settings.landing_dir)
    params = dict(sampling_params or {})
    try:
        result = None
        if items and budget > 0:
            # LTS labels inside the sampler (each round's rewards steer the next round).
            result = _sample(settings, task, items, budget, method, seed, session.label, params)
            if method != "lts":
                session.total = len(result.indices)
                session.label(result.indices)
        if result is not None:
            summary.sampled = len(result.indices)
            landing.write([
                Sample(sample_run_id=run_id, task=task.name, item_id=items[i]["item_id"],
                       item_kind=task.item_kind, method=result.method, params=result.params,
                       seed=result.seed, round=result.rounds[n] if result.rounds else 0,
                       cluster=result.clusters[n] if result.clusters else None)
                for n, i in enumerate(result.indices)
            ])
    finally:
        session.flush()
        summary.seconds = time.monotonic() - session.started
        status = "done" if summary.stopped is None else "interrupted"
        landing.write([Run(
            run_id=run_id, kind="label", started_at=started_at, finished_at=utcnow(),
            status=status, params={"task": task.name, "budget": budget, "method": method,
                                   "backend": llm.name, "seed": seed, "max_cost": max_cost},
            stats={k: v for k, v in summary.__dict__.items() if k not in {"run_id", "task"}},
        )])
    return summary


def plan_labels(
    settings: Settings, task: TaskSpec, *, budget: int | None = None, method: str = "diversity",
    backend: LLMBackend | str | None = None, item_ids: Sequence[str] | None = None,
    strategy: Strategy | None = None,
) -> LabelPlan:
    """Estimate a run (items, tokens, cost, time) and render one prompt, without calling the model.

    The estimate counts every prompt variant as a call, kNN examples as extra item-sized input
    and FuDD notes as a few extra sentences in the shared prefix (plus, once, their writing).
    """
    strategy = strategy or Strategy()
    llm = backend if backend is not None and not isinstance(backend, str) else \
        make_backend(settings, backend)
    budget = task.default_budget if budget is None else budget
    items = load_items(settings.db_path, task.item_kind, item_ids)
    human = {r["item_id"] for r in existing_labels(settings.db_path, settings.landing_dir, task.name)
             if str(r["source"]).startswith("human:")}
    to_label = max(0, min(budget, len(items)) - len(human & {i["item_id"] for i in items}))
    notes = {pair_key(a, b): PLACEHOLDER_NOTE for a, b in default_pairs(task)} \
        if strategy.fudd else None
    shots = [("<a similar human-labelled example>", task.label_names[0])] * strategy.knn
    prompts = [build_prompt(task, item, notes=notes, shots=shots) for item in items[:200]]
    example = prompts[0] if prompts else build_prompt(
        task, {f: f"<{f}>" for f in task.template_fields()}, notes=notes, shots=shots)
    rendered = [task.render(item) for item in items[:200]]
    item_chars = sum(len(r) for r in rendered) / len(rendered) if rendered else 100.0
    # About four characters per token for English text; the chat template adds ~30.
    per_in = (sum(len(p) for p in prompts) / len(prompts) if prompts else len(example)) / 4 + 30
    per_in += strategy.knn * (item_chars - len(shots[0][0])) / 4 if shots else 0
    per_out = 12
    calls = to_label * strategy.variants
    tokens_in, tokens_out = int(per_in * calls), int(per_out * calls)
    if notes:  # written once per task and model, then cached
        tokens_in += len(notes) * 250
        tokens_out += len(notes) * 120
    cost = (tokens_in * llm.usd_per_1k_input + tokens_out * llm.usd_per_1k_output) / 1000
    # A local model caches the shared prefix, so its time grows with the per-item part: each
    # kNN example costs about half an item (embedded model: 0.2 s a label plain, 0.62 s with 4).
    per_call = getattr(llm, "expected_seconds", 1.0) * (1 + strategy.knn / 2)
    seconds = calls * per_call / max(1, llm.concurrency)
    return LabelPlan(task.name, llm.name, method, len(items), len(human), to_label, tokens_in,
                     tokens_out, cost, seconds, example)
