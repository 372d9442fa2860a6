"""The interface every LLM backend implements: pick one of a few options, with a probability."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Choice:
    """One constrained decision: the chosen option (None = abstain) and what it cost."""

    label: str | None
    probability: float | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0
    probabilities: dict[str, float] | None = None  # per option, when the backend can tell


@runtime_checkable
class LLMBackend(Protocol):
    """A labeller: `choose` returns one of `options` or raises LLMError / LLMTransientError.

    Example:
        >>> backend = make_backend(settings, "fake:first")
        >>> backend.choose("Is this ivory? Antique bangle", ["yes", "no"]).label
        'yes'
    """

    name: str
    concurrency: int  # calls the runner may make at once (1 for in-process models)
    usd_per_1k_input: float
    usd_per_1k_output: float
    max_answer_tokens: int  # upper bound of answer tokens, for never exceeding --max-cost

    def choose(self, prompt: str, options: Sequence[str],
               meanings: Sequence[Sequence[str]] | None = None) -> Choice:
        """Pick one option for `prompt`.

        `meanings` (optional) names the task labels each option stands for, e.g. "yes" →
        ("wildlife_product",); backends that read only the prompt ignore it.
        """
        ...


SYSTEM_PROMPT = (
    "You are a careful annotator for a research study. Answer with exactly one of the "
    "answers the question allows."
)
"""The system message every chat backend sends with a labelling prompt."""

WRITER_PROMPT = "You are a careful annotator who explains labelling guidelines concisely."
"""The system message for free-text answers (FuDD notes): not the one-label-name instruction."""


def normalise(probs: dict[str, float]) -> dict[str, float]:
    """Scale non-negative option scores to sum to one (uniform if all are zero)."""
    total = sum(probs.values())
    if total <= 0:
        return {k: 1.0 / len(probs) for k in probs}
    return {k: v / total for k, v in probs.items()}
