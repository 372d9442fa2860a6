"""A scripted backend for tests: deterministic answers, scripted failures, no model."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from labeler.llm.base import Choice
from snarewatch.errors import ConfigError, LLMError, LLMTransientError

Rule = tuple[str, str, float]


class FakeBackend:
    """Answers by keyword rules (first rule whose keyword is in the prompt's last line wins).

    A script is a dict: `{"rules": [["ivory", "wildlife_product", 0.9]], "default": "first",
    "fail": {"keyword": "error" | "transient"},
    "notes": {"keyword": "text for generate()"}}`; "default" is an option name, "first" or "abstain".
    `calls` counts choose() calls so tests can check caching.
    """

    concurrency = 1
    expected_seconds = 0.0
    max_answer_tokens = 4

    def __init__(
        self, script: dict[str, Any] | None = None, *, name: str = "fake",
        usd_per_1k_input: float = 0.0, usd_per_1k_output: float = 0.0,
        answer: Callable[[str, Sequence[str]], Choice] | None = None,
    ) -> None:
        script = script or {}
        self.name = name
        self.rules: list[Rule] = [(str(k).lower(), str(v), float(p)) for k, v, p in
                                  script.get("rules", [])]
        self.default = str(script.get("default", "first"))
        self.fail: dict[str, str] = {str(k).lower(): str(v) for k, v in
                                     script.get("fail", {}).items()}
        self.usd_per_1k_input = usd_per_1k_input
        self.usd_per_1k_output = usd_per_1k_output
        self.answer = answer
        self.calls = 0
        self.notes: dict[str, str] = {str(k): str(v) for k, v in script.get("notes", {}).items()}
        self.generated = 0
        self._lock = threading.Lock()

    def generate(self, prompt: str, max_tokens: int = 120) -> str:
        """Scripted free text: the first `notes` entry whose key is in the prompt, else a stub."""
        with self._lock:
            self.generated += 1
        for key, text in self.notes.items():
            if key in prompt:
                return text
        return "Look at what is actually offered."

    def choose(self, prompt: str, options: Sequence[str],
               meanings: Sequence[Sequence[str]] | None = None) -> Choice:
        """Apply the script to the item (the prompt's last non-empty lines).

        Rules name task labels; with `meanings` a label is answered with the option that
        stands for it (e.g. "yes" for the positive label of a yes/no question).
        """
        with self._lock:
            self.calls += 1
        if self.answer is not None:
            return _as_options(self.answer(prompt, options), options, meanings)
        item = prompt.rsplit("Input:", 1)[-1].lower()
        for keyword, kind in self.fail.items():
            if keyword in item:
                if kind == "transient":
                    raise LLMTransientError(f"scripted transient failure on {keyword!r}")
                raise LLMError(f"scripted failure on {keyword!r}")
        label, prob = None, None
        for keyword, value, p in self.rules:
            if keyword in item:
                label, prob = value, p
                break
        if label is None:
            if self.default == "abstain":
                label = None
            elif self.default == "first":
                label, prob = options[0], 0.6
            else:
                label, prob = self.default, 0.6
        if label is not None and label not in options and meanings is not None:
            label = next((o for o, m in zip(options, meanings, strict=True) if label in m), label)
        if label is not None and label not in options:
            raise LLMError(f"answer {label!r} is not one of the labels {list(options)}")
        tokens_in = max(1, len(prompt) // 4)
        cost = tokens_in / 1000 * self.usd_per_1k_input + 2 / 1000 * self.usd_per_1k_output
        return Choice(label, prob, tokens_in, 2, cost, 0.0)


def _as_options(choice: Choice, options: Sequence[str],
                meanings: Sequence[Sequence[str]] | None) -> Choice:
    """A scripted answer given in label names, re-expressed in the question's options."""
    if meanings is None or choice.label in options:
        return choice

    def option(label: str | None) -> str | None:
        return next((o for o, m in zip(options, meanings, strict=True) if label in m), label)

    probs = None
    if choice.probabilities:
        probs = dict.fromkeys(options, 0.0)
        for label, p in choice.probabilities.items():
            key = option(label)
            if key in probs:
                probs[key] += p
    label = option(choice.label)
    prob = probs[label] if probs and label in probs else choice.probability
    return Choice(label, prob, choice.tokens_in, choice.tokens_out, choice.cost_usd,
                  choice.seconds, probs)


def from_spec(spec: str) -> FakeBackend:
    """`fake:first`, `fake:abstain`, `fake:<label>` (always that label) or `fake:<script.json>`."""
    if spec.endswith(".json"):
        path = Path(spec)
        try:
            return FakeBackend(json.loads(path.read_text(encoding="utf-8")), name=f"fake-{path.stem}")
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigError(f"cannot read fake backend script {path}: {exc}") from exc
    return FakeBackend({"default": spec or "first"}, name=f"fake-{spec or 'first'}")
