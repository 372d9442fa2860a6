"""Prompts from task specs: a fixed instruction block (shared by every item) plus the item."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from snarewatch.taskspec import TaskSpec

PROMPT_VERSION = "p1"
"""Changes whenever the prompt layout changes, so cached answers to the old layout are not reused."""


def prompt_prefix(task: TaskSpec) -> str:
    """The part of every prompt that does not depend on the item (evaluated once by local models)."""
    lines = [task.description, "", "Labels:"]
    for label in task.labels:
        lines.append(f"- {label.name}: {label.definition}")
        for miss in label.near_misses:
            lines.append(f"    not this: {miss}")
    if task.guidelines:
        lines += ["", "Guidelines: " + task.guidelines.strip()]
    if task.examples:
        lines += ["", "Examples:"]
        for ex in task.examples:
            lines += [f"Input: {' '.join(ex.input.split())}", f"Label: {ex.label}", ""]
    else:
        lines.append("")
    lines.append("Answer with exactly one label name: " + ", ".join(task.label_names) + ".")
    lines.append("")
    return "\n".join(lines) + "\n"


def build_prompt(task: TaskSpec, item: Mapping[str, Any]) -> str:
    """The full prompt for one item: the task prefix, then the rendered item."""
    return f"{prompt_prefix(task)}Input: {task.render(item)}\nLabel:"


def prompt_hash(prompt: str, model: str, params: Mapping[str, Any] | None = None) -> str:
    """Cache key of one decision: the prompt, the model and its parameters."""
    blob = json.dumps({"v": PROMPT_VERSION, "prompt": prompt, "model": model,
                       "params": dict(params or {})}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
