"""How the teacher is asked: kNN few-shot, FuDD notes and self-consistency over prompt variants.

`decide` labels a batch of items under a `Strategy`. With several variants it asks variant by
variant over the whole batch (not item by item), so a local model re-evaluates each variant's
shared prefix once per batch instead of once per item, and averages the per-option
probabilities of the variants (self-consistency). Failures come back as `LLMError` values, one
per item, never raised.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

from labeler.llm.base import Choice, LLMBackend
from labeler.prompts import DEFAULT_FORMAT, FORMATS, VARIANTS, Question, Shot, build_prompt
from snarewatch.errors import ConfigError, LLMError
from snarewatch.taskspec import TaskSpec


@dataclass(frozen=True)
class Strategy:
    """Prompting options; all off is the plain prompt of the task spec."""

    knn: int = 0  # nearest human-labelled examples per item (0 = none)
    fudd: bool = False  # add differential descriptions of confusable labels
    variants: int = 1  # prompt variants averaged (self-consistency); 1 = the plain prompt
    answer: str = DEFAULT_FORMAT  # yesno | letters | names (see labeler.prompts.Question)

    def __post_init__(self) -> None:
        if self.answer not in FORMATS:
            raise ConfigError(f"answer format must be one of {', '.join(FORMATS)}, "
                              f"not {self.answer!r}")
        if not 1 <= self.variants <= VARIANTS:
            raise ConfigError(f"variants must be between 1 and {VARIANTS}, got {self.variants}")
        if self.knn < 0:
            raise ConfigError(f"knn must be >= 0, got {self.knn}")

    @property
    def name(self) -> str:
        """A short readable name, e.g. "knn4+fudd+sc3" or "plain"."""
        parts = ([f"knn{self.knn}"] if self.knn else []) + (["fudd"] if self.fudd else []) + \
            ([f"sc{self.variants}"] if self.variants > 1 else []) + \
            ([self.answer] if self.answer != DEFAULT_FORMAT else [])
        return "+".join(parts) or "plain"

    def question(self, task: TaskSpec) -> Question:
        """The question this strategy asks about `task` (all labels, in its answer format)."""
        return Question(task, self.answer)

    def params(self) -> dict[str, Any]:
        """The options as a dict (recorded with labels and in the teacher card)."""
        return asdict(self)


def prompts_for(task: TaskSpec, item: Mapping[str, Any], strategy: Strategy, *,
                notes: Mapping[str, str] | None = None, shots: Sequence[Shot] = (),
                question: Question | None = None) -> list[str]:
    """One prompt per variant for an item (the strategy's question unless another is given)."""
    use_notes = notes if strategy.fudd else None
    question = question or strategy.question(task)
    return [build_prompt(task, item, variant=v, notes=use_notes, shots=shots, question=question)
            for v in range(strategy.variants)]


def option_probabilities(choice: Choice, options: Sequence[str]) -> dict[str, float]:
    """Every option's probability in one answer.

    A backend that reports only the chosen option's probability gives that to its option and
    the rest, spread evenly, to the others.
    """
    if choice.probabilities:
        return {o: float(choice.probabilities.get(o, 0.0)) for o in options}
    if choice.label is not None:
        p = 1.0 if choice.probability is None else choice.probability
        rest = (1.0 - p) / max(1, len(options) - 1)
        return {o: (p if o == choice.label else rest) for o in options}
    return {o: 1.0 / len(options) for o in options}


def in_labels(question: Question, choice: Choice, variant: int = 0) -> Choice:
    """An answer to `question` re-expressed over labels (or yes/no sides) instead of options."""
    if choice.label is None and not choice.probabilities:
        return choice  # the backend abstained: nothing to re-express
    probs = question.to_labels(option_probabilities(choice, question.options(variant)), variant)
    best = max(probs, key=lambda k: probs[k])
    return Choice(label=best, probability=probs[best], tokens_in=choice.tokens_in,
                  tokens_out=choice.tokens_out, cost_usd=choice.cost_usd,
                  seconds=choice.seconds, probabilities=probs)


def combine(choices: Sequence[Choice], options: Sequence[str]) -> Choice:
    """Average the variants' per-option probabilities; the best option wins."""
    if len(choices) == 1:
        return choices[0]
    totals = dict.fromkeys(options, 0.0)
    for c in choices:
        probs = option_probabilities(c, options)
        for o in options:
            totals[o] += probs.get(o, 0.0)
    averaged = {o: v / len(choices) for o, v in totals.items()}
    best = max(options, key=lambda o: averaged[o])
    return Choice(
        label=best, probability=averaged[best],
        tokens_in=sum(c.tokens_in for c in choices), tokens_out=sum(c.tokens_out for c in choices),
        cost_usd=sum(c.cost_usd for c in choices), seconds=sum(c.seconds for c in choices),
        probabilities=averaged,
    )


Outcome = Choice | LLMError


def decide(backend: LLMBackend, question: Question, prompt_sets: Sequence[Sequence[str]],
           *, on_done: Callable[[int, Outcome], None] | None = None) -> list[Outcome]:
    """Ask the backend every item's prompts (variant-major) and combine each item's answers.

    `prompt_sets[i]` holds item i's prompts, one per variant (variant v asked with
    `question.options(v)`). Answers come back over labels (see `in_labels`). An item whose any
    variant fails gets that LLMError. `on_done(i, outcome)` is called as each item completes.
    """
    keys = list(question.to_labels({}, 0))
    n_items = len(prompt_sets)
    answers: list[list[Choice | None]] = [[None] * len(p) for p in prompt_sets]
    failed: dict[int, LLMError] = {}
    n_variants = max((len(p) for p in prompt_sets), default=0)
    jobs = [(i, v) for v in range(n_variants) for i in range(n_items) if v < len(prompt_sets[i])]

    def ask(job: tuple[int, int]) -> Choice | LLMError:
        i, v = job
        try:
            answer = backend.choose(prompt_sets[i][v], question.options(v),
                                    meanings=question.meanings(v))
            return in_labels(question, answer, v)
        except LLMError as exc:
            return exc

    results: list[Outcome | None] = [None] * n_items
    remaining = [len(p) for p in prompt_sets]

    def settle(job: tuple[int, int], answer: Choice | LLMError) -> None:
        i, v = job
        if isinstance(answer, LLMError):
            failed.setdefault(i, answer)
        else:
            answers[i][v] = answer
        remaining[i] -= 1
        if remaining[i] == 0:
            outcome: Outcome = failed[i] if i in failed else \
                combine([a for a in answers[i] if a is not None], keys)
            results[i] = outcome
            if on_done is not None:
                on_done(i, outcome)

    workers = max(1, int(getattr(backend, "concurrency", 1)))
    if workers == 1:
        for job in jobs:
            settle(job, ask(job))
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for job, answer in zip(jobs, pool.map(ask, jobs), strict=True):
                settle(job, answer)
    return [r if r is not None else LLMError("no prompt") for r in results]
