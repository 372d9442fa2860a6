"""`label --plan`: what a labelling run would do and cost, without calling the model."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

from labeler.fudd import pair_key
from labeler.items import human_item_ids
from labeler.llm import LLMBackend, make_backend
from labeler.prompts import Question, build_prompt
from labeler.seeds import seed_rows
from labeler.strategy import Strategy
from labeler.teach import default_pairs
from snarewatch.config import Settings
from snarewatch.errors import LLMError
from snarewatch.store.reads import item_fields
from snarewatch.taskspec import TaskSpec


@dataclass
class LabelPlan:
    """What `label` would do, without calling the model."""

    task: str
    backend: str
    method: str
    question: str
    calibration: str
    items: int
    human_labelled: int
    to_label: int
    est_tokens_in: int
    est_tokens_out: int
    est_cost_usd: float | None  # None: the price of this model is not known
    price: str  # where the price comes from
    est_seconds: float
    time_basis: str  # measured on this machine now, or a typical figure
    example_prompt: str


def plan_labels(
    settings: Settings, task: TaskSpec, *, budget: int | None = None, method: str = "diversity",
    backend: LLMBackend | str | None = None, item_ids: Sequence[str] | None = None,
    strategy: Strategy | None = None, measure: int = 0,
) -> LabelPlan:
    """Estimate a run (items, tokens, cost, time) and render one prompt.

    The estimate counts every prompt variant as a call, kNN examples as extra item-sized input,
    FuDD notes as a few extra sentences in the shared prefix (plus, once, their writing) and the
    seed set's items, which the teacher is asked about once so its answers can be calibrated.
    With `measure` > 0 and a model that costs nothing per call (the embedded one, a local
    server), that many real calls are timed now, on this machine under its present load;
    otherwise the time is the backend's typical figure. Nothing else calls the model.
    """
    strategy = strategy or Strategy()
    llm = backend if backend is not None and not isinstance(backend, str) else \
        make_backend(settings, backend)
    budget = task.default_budget if budget is None else budget
    items = item_fields(settings.db_path, task.item_kind, item_ids)
    seeds = seed_rows(settings, task)
    human = human_item_ids(settings, task) | {r.item_id for r in seeds}
    to_label = max(0, min(budget, len(items) - len(human & {i["item_id"] for i in items})))
    both_sides = len({r.positive for r in seeds}) == 2
    question = strategy.question(task)
    notes = {pair_key(a, b): PLACEHOLDER_NOTE for a, b in default_pairs(task)} \
        if strategy.fudd else None
    shots = [("<a similar human-labelled example>", task.label_names[0])] * strategy.knn
    prompts = [build_prompt(task, item, notes=notes, shots=shots, question=question)
               for item in items[:200]]
    example = prompts[0] if prompts else build_prompt(
        task, {f: f"<{f}>" for f in task.template_fields()}, notes=notes, shots=shots,
        question=question)
    rendered = [task.render(item) for item in items[:200]]
    item_chars = sum(len(r) for r in rendered) / len(rendered) if rendered else 100.0
    # About four characters per token for English text; the chat template adds ~30.
    per_in = (sum(len(p) for p in prompts) / len(prompts) if prompts else len(example)) / 4 + 30
    per_in += strategy.knn * (item_chars - len(shots[0][0])) / 4 if shots else 0
    per_out = 12
    calls = (to_label + (len(seeds) if both_sides else 0)) * strategy.variants
    tokens_in, tokens_out = int(per_in * calls), int(per_out * calls)
    if notes:  # written once per task and model, then cached
        tokens_in += len(notes) * 250
        tokens_out += len(notes) * 120
    price = str(getattr(llm, "price_source", "local model"
                        if llm.usd_per_1k_input == llm.usd_per_1k_output == 0 else "settings"))
    cost: float | None = (tokens_in * llm.usd_per_1k_input
                          + tokens_out * llm.usd_per_1k_output) / 1000
    if price == "unknown":
        cost = None
    # A local model caches the shared prefix, so its time grows with the per-item part: each
    # kNN example costs about half an item (embedded model: 0.2 s a label plain, 0.62 s with 4).
    per_call = getattr(llm, "expected_seconds", 1.0) * (1 + strategy.knn / 2)
    basis = "typical seconds per call of this backend"
    free = llm.usd_per_1k_input == llm.usd_per_1k_output == 0 and price != "unknown"
    if measure and free and prompts:
        per_call = _time_calls(llm, question, prompts[:measure]) * (1 + strategy.knn / 2)
        basis = f"timed on this machine now ({min(measure, len(prompts))} calls)"
    seconds = calls * per_call / max(1, llm.concurrency)
    calibration = (f"on your {len(seeds)} seed labels ({sum(r.positive for r in seeds)} "
                   "positive)" if both_sides else
                   "on the batch itself (no seed labels of both kinds yet: "
                   f"`snarewatch labels seed {task.name}`)")
    return LabelPlan(task.name, llm.name, method, question.name, calibration, len(items),
                     len(human), to_label, tokens_in, tokens_out, cost, price, seconds, basis,
                     example)


def _time_calls(llm: LLMBackend, question: Question, prompts: Sequence[str]) -> float:
    """Median seconds of real calls on these prompts (the first also loads a local model, so it
    is not counted when there are more)."""
    times = []
    for prompt in prompts:
        started = time.perf_counter()
        try:
            llm.choose(prompt, question.options(), meanings=question.meanings())
        except LLMError:
            continue
        times.append(time.perf_counter() - started)
    if len(times) > 1:
        times = times[1:]
    return statistics.median(times) if times else float(getattr(llm, "expected_seconds", 1.0))


PLACEHOLDER_NOTE = "<what tells these two labels apart, written once by the model>"
"""Stands for a FuDD note in a planned prompt (the notes are written when labelling starts)."""
