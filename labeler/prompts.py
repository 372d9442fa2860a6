"""Prompts from task specs: a fixed instruction block (shared by every item) plus the item.

Layout, in order: instructions, the labels (or the yes/no sides) with their definitions and near
misses, guidelines, the spec's few-shot examples, FuDD notes (what tells confusable labels apart),
the answer instruction; then the per-item part: kNN examples (if any) and the item. Everything
before the per-item part is the same for every item, so a local model keeps it in its KV cache
and pays only for the item.

How the teacher answers is a `Question`: its answer format decides the options it picks from.
`yesno` asks whether the item is on the task's positive side (labels named `relevant` and
`not_relevant` tokenise alike at the start, which biases a small model towards one of them; "yes"
and "no" do not); `letters` offers the labels as A, B, C...; `names` offers the label names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from snarewatch.errors import ConfigError
from snarewatch.taskspec import LabelDef, TaskSpec

PROMPT_VERSION = "p3"
"""Changes whenever the prompt layout changes, so cached answers to the old layout are not reused."""

FORMATS = ("yesno", "letters", "names")
"""Answer formats: yes/no on the positive side, option letters, label names."""

DEFAULT_FORMAT = "yesno"
"""The format the embedded teacher ranks items best with (benchmarks/questions.py)."""

POSITIVE_SIDE, NEGATIVE_SIDE = "(positive)", "(negative)"
"""What a yes/no answer means when its side holds several labels (the label is asked next)."""

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

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


@dataclass(frozen=True)
class Question:
    """How the teacher is asked about a task: the answer format and the labels on offer.

    `labels` defaults to all of the task's labels; a follow-up question (which positive label,
    once yes/no said "yes") offers one side's labels only.

    Example:
        >>> q = Question(task, "yesno")
        >>> q.options()
        ['yes', 'no']
    """

    task: TaskSpec
    format: str = DEFAULT_FORMAT
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ConfigError(f"answer format must be one of {', '.join(FORMATS)}, "
                              f"not {self.format!r}")
        if not self.labels:
            object.__setattr__(self, "labels", tuple(self.task.label_names))
        unknown = [n for n in self.labels if n not in self.task.label_names]
        if unknown:
            raise ConfigError(f"labels {unknown} are not labels of task {self.task.name!r}")
        if self.format == "yesno" and not (self.positive and self.negative):
            raise ConfigError("a yes/no question needs labels on both sides")

    @property
    def positive(self) -> list[str]:
        """The offered labels on the task's positive side."""
        return [n for n in self.labels if n in self.task.positive]

    @property
    def negative(self) -> list[str]:
        """The offered labels on the negative side."""
        return [n for n in self.labels if n not in self.task.positive]

    def ordered(self, variant: int) -> list[LabelDef]:
        """The offered labels in the order `variant` shows them (odd variants reverse it)."""
        labels = [lab for lab in self.task.labels if lab.name in self.labels]
        return labels[::-1] if variant % 2 == 1 else labels

    def options(self, variant: int = 0) -> list[str]:
        """What the backend chooses from under `variant`."""
        if self.format == "yesno":
            return ["yes", "no"]
        names = [lab.name for lab in self.ordered(variant)]
        return list(_LETTERS[:len(names)]) if self.format == "letters" else names

    def meanings(self, variant: int = 0) -> list[tuple[str, ...]]:
        """The labels each option stands for (a yes/no option stands for a whole side)."""
        if self.format == "yesno":
            return [tuple(self.positive), tuple(self.negative)]
        return [(lab.name,) for lab in self.ordered(variant)]

    def answer_for(self, label: str, variant: int = 0) -> str:
        """The option that means `label` (used to render few-shot examples)."""
        for option, meaning in zip(self.options(variant), self.meanings(variant), strict=True):
            if label in meaning:
                return option
        raise ConfigError(f"label {label!r} is not offered by this question")

    def side_key(self, option_index: int) -> str:
        """What a yes/no option decides: its side's only label, or the side's marker."""
        side = self.positive if option_index == 0 else self.negative
        if len(side) == 1:
            return side[0]
        return POSITIVE_SIDE if option_index == 0 else NEGATIVE_SIDE

    def to_labels(self, probabilities: Mapping[str, float], variant: int = 0) -> dict[str, float]:
        """Option probabilities → probabilities keyed by label (or by side marker for yes/no)."""
        if self.format == "yesno":
            return {self.side_key(i): float(probabilities.get(opt, 0.0))
                    for i, opt in enumerate(self.options(variant))}
        return {m[0]: float(probabilities.get(opt, 0.0))
                for opt, m in zip(self.options(variant), self.meanings(variant), strict=True)}

    @property
    def name(self) -> str:
        """Short description for plans and cards, e.g. "yes/no (wildlife_product?)"."""
        if self.format == "yesno":
            return f"yes/no ({' or '.join(self.positive)}?)"
        return f"{self.format} ({len(self.labels)} options)"


def _label_lines(labels: Sequence[LabelDef]) -> list[str]:
    lines = []
    for label in labels:
        lines.append(f"- {label.name}: {label.definition}")
        for miss in label.near_misses:
            lines.append(f"    not this: {miss}")
    return lines


def _yesno_lines(question: Question) -> list[str]:
    defs = {lab.name: lab for lab in question.task.labels}
    yes = [defs[n] for n in question.positive]
    no = [defs[n] for n in question.negative]
    lines = ["Answer yes when: " + " ".join(lab.definition for lab in yes)]
    lines += [f"  not a yes: {m}" for lab in yes for m in lab.near_misses]
    lines.append("Answer no when: " + " ".join(lab.definition for lab in no))
    lines += [f"  still a yes: {m}" for lab in no for m in lab.near_misses]
    return lines


def prompt_prefix(task: TaskSpec, *, variant: int = 0,
                  notes: Mapping[str, str] | None = None,
                  question: Question | None = None) -> str:
    """The part of every prompt that does not depend on the item (evaluated once by local models).

    `variant` picks the wording and label order (0 is the plain layout); `notes` are FuDD
    differential descriptions keyed by "label_a|label_b"; `question` sets the answer format
    (default: label names, the layout `tasks show` prints).
    """
    question = question or Question(task, "names")
    labels = question.ordered(variant)
    lines = [_INSTRUCTIONS[variant % VARIANTS].format(description=task.description), ""]
    if question.format == "yesno":
        lines += _yesno_lines(question)
    elif question.format == "letters":
        lines.append("Options:")
        for letter, label in zip(_LETTERS, labels, strict=False):
            lines.append(f"{letter}) {label.name}: {label.definition}")
            lines += [f"    not this: {m}" for m in label.near_misses]
    else:
        lines += ["Labels:", *_label_lines(labels)]
    if task.guidelines:
        lines += ["", "Guidelines: " + task.guidelines.strip()]
    examples = [ex for ex in task.examples if ex.label in question.labels]
    if variant % 2 == 1:
        examples = examples[::-1]
    cue = "Label" if question.format == "names" else "Answer"
    if examples:
        lines += ["", "Examples:"]
        for ex in examples:
            lines += [f"Input: {' '.join(ex.input.split())}",
                      f"{cue}: {question.answer_for(ex.label, variant)}", ""]
    else:
        lines.append("")
    if notes:
        lines.append("How to tell similar labels apart:")
        for pair in sorted(notes):
            a, _, b = pair.partition("|")
            lines.append(f"- {a} vs {b}: {' '.join(notes[pair].split())}")
        lines.append("")
    options = question.options(variant)
    if question.format == "yesno":
        lines.append("Answer with yes or no.")
    elif question.format == "letters":
        lines.append("Answer with the letter of one option: " + ", ".join(options) + ".")
    else:
        lines.append("Answer with exactly one label name: " + ", ".join(options) + ".")
    lines.append("")
    return "\n".join(lines) + "\n"


def build_prompt(task: TaskSpec, item: Mapping[str, Any], *, variant: int = 0,
                 notes: Mapping[str, str] | None = None, shots: Sequence[Shot] = (),
                 question: Question | None = None) -> str:
    """The full prompt for one item: the task prefix, kNN examples if any, then the item."""
    question = question or Question(task, "names")
    cue = "Label" if question.format == "names" else "Answer"
    parts = [prompt_prefix(task, variant=variant, notes=notes, question=question)]
    shots = [(text, label) for text, label in shots if label in question.labels]
    if shots:
        parts.append("Labelled examples similar to this input:\n")
        for text, label in shots:
            answer = question.answer_for(label, variant)
            parts.append(f"Input: {' '.join(text.split())}\n{cue}: {answer}\n\n")
    parts.append(f"Input: {task.render(item)}\n{cue}:")
    return "".join(parts)


def prompt_hash(prompt: str, model: str, params: Mapping[str, Any] | None = None) -> str:
    """Cache key of one decision: the prompt, the model and its parameters."""
    blob = json.dumps({"v": PROMPT_VERSION, "prompt": prompt, "model": model,
                       "params": dict(params or {})}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
