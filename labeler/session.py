"""Asking the teacher about items: cached answers reused, new ones stored, spend capped.

An `AskSession` turns items into prompts (the task's question, kNN examples, prompt variants),
answers each from the answer cache when the same prompt was asked of the same model before, and
otherwise asks the backend, never letting the spend pass `max_cost` (each call reserves its
worst-case cost before it starts). New answers are stored as `Answer` records as they come, so an
interrupted run loses nothing; failures are returned, never cached.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from labeler.evaluate import positive_share
from labeler.items import existing_answers
from labeler.llm.base import Choice, LLMBackend
from labeler.prompts import Question, Shot, prompt_hash
from labeler.strategy import Strategy, decide, prompts_for
from snarewatch.config import Settings
from snarewatch.errors import LLMError
from snarewatch.schema import Answer, stable_id
from snarewatch.store import Landing
from snarewatch.taskspec import TaskSpec

FLUSH_EVERY = 25
VARIANT_WINDOW = 16


@dataclass
class Asked:
    """The outcome of asking about one item: an answer over labels, a failure, or not asked."""

    item_id: str
    prompt_hash: str
    choice: Choice | None = None  # probabilities keyed by label (or side marker)
    error: str | None = None
    cached: bool = False
    skipped: bool = False  # not asked: the next call could have passed --max-cost

    @property
    def ok(self) -> bool:
        """True when there is an answer (new or cached)."""
        return self.choice is not None


def worst_case_cost(backend: LLMBackend, prompt: str) -> float:
    """An upper bound of one call's cost: a token is at least one byte of the prompt."""
    tokens_in = len(prompt.encode("utf-8")) + 64
    return (tokens_in * backend.usd_per_1k_input
            + backend.max_answer_tokens * backend.usd_per_1k_output) / 1000.0


def backend_params(backend: LLMBackend, strategy: Strategy | None = None) -> dict[str, Any]:
    """What besides the prompt decides an answer (part of the cache key)."""
    params: dict[str, Any] = {"backend": type(backend).__name__, "temperature": 0}
    if strategy is not None and strategy.variants > 1:
        params["variants"] = strategy.variants  # the prompts differ, but the answer is combined
    return params


class AskSession:
    """One run's asking: answer cache, spend, pending `Answer` records, progress."""

    def __init__(self, settings: Settings, task: TaskSpec, backend: LLMBackend,
                 strategy: Strategy, *, run_id: str, max_cost: float | None = None,
                 notes: Mapping[str, str] | None = None,
                 on_answer: Callable[[Asked], None] | None = None) -> None:
        self.settings, self.task, self.backend, self.strategy = settings, task, backend, strategy
        self.run_id, self.max_cost, self.notes, self.on_answer = run_id, max_cost, notes, on_answer
        self.params = backend_params(backend, strategy)
        self.landing = Landing(settings.landing_dir)
        self.cache: dict[str, dict[str, float]] = {}
        self.have: set[tuple[str, str]] = set()  # (item_id, prompt_hash) stored as an Answer
        for row in existing_answers(settings.db_path, settings.landing_dir, task.name):
            if row["model"] == backend.name:
                self.cache[row["prompt_hash"]] = dict(row["probabilities"] or {})
                self.have.add((row["item_id"], row["prompt_hash"]))
        self.pending: list[Answer] = []
        self.lock = threading.Lock()
        self.spent = 0.0
        self.reserved = 0.0
        self.tokens_in = 0
        self.tokens_out = 0
        self.calls = 0  # items answered by the model in this session
        self.stopped: str | None = None

    # -- storing ---------------------------------------------------------------------------
    def _store(self, item: Mapping[str, Any], question: Question, phash: str,
               choice: Choice) -> None:
        probs = dict(choice.probabilities or {})
        self.pending.append(Answer(
            answer_id=stable_id(self.task.name, item["item_id"], phash),
            task=self.task.name, item_id=item["item_id"], item_kind=self.task.item_kind,
            model=self.backend.name, prompt_hash=phash, question=question.format,
            probabilities=probs, p_positive=positive_share(self.task, probs),
            tokens_in=choice.tokens_in, tokens_out=choice.tokens_out, cost_usd=choice.cost_usd,
            seconds=choice.seconds, run_id=self.run_id))
        self.have.add((item["item_id"], phash))
        if len(self.pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write pending answers as one landing batch."""
        if self.pending:
            self.landing.write(self.pending)
            self.pending = []

    # -- asking ----------------------------------------------------------------------------
    def ask(self, items: Sequence[Mapping[str, Any]], question: Question | None = None,
            shots: Callable[[Mapping[str, Any]], Sequence[Shot]] | None = None) -> list[Asked]:
        """Answers for `items` (in order): cached where possible, else asked of the backend."""
        question = question or self.strategy.question(self.task)
        out: list[Asked] = []
        calls: list[tuple[int, list[str], float]] = []
        for item in items:
            prompts = prompts_for(self.task, item, self.strategy, notes=self.notes,
                                  shots=shots(item) if shots else (), question=question)
            phash = prompt_hash("\x1e".join(prompts), self.backend.name, self.params)
            asked = Asked(item_id=str(item["item_id"]), prompt_hash=phash)
            if phash in self.cache:
                probs = self.cache[phash]
                best = max(probs, key=lambda k: probs[k]) if probs else None
                asked.choice = Choice(best, probs.get(best) if best else None,
                                      probabilities=dict(probs))
                asked.cached = True
                if (asked.item_id, phash) not in self.have:  # same text, another item
                    self._store(item, question, phash, asked.choice)
                self._done(asked)
            else:
                calls.append((len(out), prompts, sum(worst_case_cost(self.backend, p)
                                                     for p in prompts)))
            out.append(asked)
        self._call(items, question, out, calls)
        return out

    def _call(self, items: Sequence[Mapping[str, Any]], question: Question, out: list[Asked],
              calls: list[tuple[int, list[str], float]]) -> None:
        # In prompt order, prompts that share a beginning (the same kNN examples before the
        # item, say) come one after the other, so a local model evaluates that beginning once.
        # (Under --max-cost the order decides which items fit; the cap still holds.)
        calls = sorted(calls, key=lambda call: call[1])
        # Several variants per item are asked variant by variant over a window of items, so a
        # local model re-reads each variant's shared prefix once per window, not once per item.
        window = max(1, self.backend.concurrency) * \
            (VARIANT_WINDOW if self.strategy.variants > 1 else 1)
        pos = 0
        while pos < len(calls):
            batch = []
            for call in calls[pos:pos + window]:
                if self.max_cost is not None and \
                        self.spent + self.reserved + call[2] > self.max_cost:
                    break
                self.reserved += call[2]
                batch.append(call)
            if not batch:  # nothing in flight and the next call may not fit: stop here
                self.stopped = "max_cost"
                break
            pos += len(batch)
            outcomes = decide(self.backend, question, [prompts for _, prompts, _ in batch])
            for (idx, _, worst), outcome in zip(batch, outcomes, strict=True):
                self.reserved -= worst
                asked = out[idx]
                if isinstance(outcome, LLMError):
                    asked.error = f"{type(outcome).__name__}: {outcome}"
                elif outcome.label is None:
                    asked.error = "LLMError: the model gave no answer"
                else:
                    asked.choice = outcome
                    self.calls += 1
                    self.spent += outcome.cost_usd
                    self.tokens_in += outcome.tokens_in
                    self.tokens_out += outcome.tokens_out
                    self.cache[asked.prompt_hash] = dict(outcome.probabilities or {})
                    self._store(items[idx], question, asked.prompt_hash, outcome)
                self._done(asked)
        for asked in out:
            if asked.choice is None and asked.error is None:
                asked.skipped = True

    def _done(self, asked: Asked) -> None:
        if self.on_answer is not None:
            self.on_answer(asked)

