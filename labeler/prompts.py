"""Prompts from task specs: a fixed instruction block (shared by every item) plus the item.

Layout, in order: instructions, label definitions with their near misses, guidelines, the spec's
few-shot examples, FuDD notes (what tells confusable labels apart), the answer instruction; then
the per-item part: kNN examples (if any) and the item. Everything before the per-item part is the
same for every item, so a local model keeps it in its KV cache and pays only for the item.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from snarewatch.taskspec import TaskSpec

PROMPT_VERSION = "p2"
"""Changes whenever the prompt layout changes, so cached answers to the old layout are not reused."""

# Self-consistency needs prompts that differ in form but not in meaning: other wording of the
# instruction and another order of the labels (small models favour options by position).
_INSTRUCTIONS = (
    "{description}",
    "Task: {description}\nRead the definitions carefully before you answer.",
    "You label marketplace and shopping-page text for researchers. Question: {description}",
)
VARIANTS = len(_INSTRUCTIONS)
"""How many distinct prompt variants `prompt_prefix` can render."""

Shot = tuple[str, str]
"""A few-shot example: (rendered input, label name)."""


def _label_order(task: TaskSpec, variant: int) -> list[Any]:
    labels = list(task.labels)
    return labels[::-1] if variant % 2 == 1 else labels


def prompt_prefix(task: TaskSpec, *, variant: int = 0,
                  notes: Mapping[str, str] | None = None) -> str:
    """The part of every prompt that does not depend on the item (evaluated once by local models).

    `variant` picks the wording and label order (0 is the plain layout); `notes` are FuDD
    differential descriptions keyed by "label_a|label_b".
    """
    labels = _label_order(task, variant)
    lines = [_INSTRUCTIONS[variant % VARIANTS].format(description=task.description), "", "Labels:"]
    for label in labels:
        lines.append(f"- {label.name}: {label.definition}")
        for miss in label.near_misses:
            lines.append(f"    not this: {miss}")
    if task.guidelines:
        lines += ["", "Guidelines: " + task.guidelines.strip()]
    examples = list(task.examples)
    if variant % 2 == 1:
        examples = examples[::-1]
    if examples:
        lines += ["", "Examples:"]
        for ex in examples:
            lines += [f"Input: {' '.join(ex.input.split())}", f"Label: {ex.label}", ""]
    else:
        lines.append("")
    if notes:
        lines.append("How to tell similar labels apart:")
        for pair in sorted(notes):
            a, _, b = pair.partition("|")
            lines.append(f"- {a} vs {b}: {' '.join(notes[pair].split())}")
        lines.append("")
    names = [label.name for label in labels]
    lines.append("Answer with exactly one label name: " + ", ".join(names) + ".")
    lines.append("")
    return "\n".join(lines) + "\n"


def build_prompt(task: TaskSpec, item: Mapping[str, Any], *, variant: int = 0,
                 notes: Mapping[str, str] | None = None, shots: Sequence[Shot] = ()) -> str:
    """The full prompt for one item: the task prefix, kNN examples if any, then the item."""
    parts = [prompt_prefix(task, variant=variant, notes=notes)]
    if shots:
        parts.append("Labelled examples similar to this input:\n")
        for text, label in shots:
            parts.append(f"Input: {' '.join(text.split())}\nLabel: {label}\n\n")
    parts.append(f"Input: {task.render(item)}\nLabel:")
    return "".join(parts)


def prompt_hash(prompt: str, model: str, params: Mapping[str, Any] | None = None) -> str:
    """Cache key of one decision: the prompt, the model and its parameters."""
    blob = json.dumps({"v": PROMPT_VERSION, "prompt": prompt, "model": model,
                       "params": dict(params or {})}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
