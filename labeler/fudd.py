"""FuDD (follow-up differential descriptions): the LLM says what tells two confusable labels apart.

Which pairs are confusable is read off the teacher's own answers: the two most probable options
of an item form a pair, and the pairs that come up most often (with the positive/negative pair
of a binary task always included) get a note. The notes are written once per task, model and
pair set, cached as JSON, and added to the shared prompt prefix (so they cost nothing per item on
a local model).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from labeler.llm.base import Choice
from snarewatch.errors import ConfigError, LLMError
from snarewatch.taskspec import TaskSpec

log = logging.getLogger(__name__)

MAX_NOTE_CHARS = 400
NOTE_VERSION = "n2"
"""Changes with the note prompt, so notes written for an older prompt are not reused."""


class Writer(Protocol):
    """A backend that can write free text (needed only to create FuDD notes)."""

    name: str

    def generate(self, prompt: str, max_tokens: int = 120) -> str:
        """Free-text answer to `prompt`."""
        ...


def pair_key(a: str, b: str) -> str:
    """The notes key of a pair, independent of order: "a|b" with a < b."""
    x, y = sorted((a, b))
    return f"{x}|{y}"


def confusable_pairs(task: TaskSpec, choices: Iterable[Choice],
                     k: int = 3) -> list[tuple[str, str]]:
    """The `k` label pairs the teacher most often ranks first and second (binary: the pair)."""
    if len(task.labels) == 2:
        return [tuple(sorted(task.label_names))]  # type: ignore[list-item]
    counts: Counter[str] = Counter()
    for choice in choices:
        if not choice.probabilities or len(choice.probabilities) < 2:
            continue
        top = sorted(choice.probabilities, key=lambda o: -choice.probabilities[o])[:2]  # type: ignore[index]
        counts[pair_key(*top)] += 1
    return [tuple(p.split("|", 1)) for p, _ in counts.most_common(k)]  # type: ignore[misc]


def note_prompt(task: TaskSpec, a: str, b: str) -> str:
    """The question that asks for one differential description."""
    defs = {label.name: label.definition for label in task.labels}
    return (f"Task: {task.description}\n\n"
            f"Label {a}: {defs[a]}\nLabel {b}: {defs[b]}\n\n"
            f"These two labels are easy to confuse. Do not answer with a label. In at most two "
            f"sentences, describe the concrete clues in an ad's text that show it is {a} rather "
            f"than {b}, and the clues that show the opposite.")


def _cache_path(cache_dir: Path, task: TaskSpec, model: str,
                pairs: Sequence[tuple[str, str]]) -> Path:
    spec = json.dumps({"v": NOTE_VERSION, "task": task.model_dump(mode="json"), "model": model,
                       "pairs": [pair_key(*p) for p in pairs]}, sort_keys=True)
    digest = hashlib.sha256(spec.encode("utf-8")).hexdigest()[:16]
    return Path(cache_dir) / "fudd" / f"{task.name}-{digest}.json"


def differential_notes(writer: object, task: TaskSpec, pairs: Sequence[tuple[str, str]],
                       cache_dir: Path) -> dict[str, str]:
    """Notes for each pair, from the cache or written by `writer` (then cached).

    A pair the writer fails on gets no note (logged), and nothing is cached for it, so a later
    run asks again.
    """
    path = _cache_path(cache_dir, task, str(getattr(writer, "name", "model")), pairs)
    cached: dict[str, str] = {}
    if path.exists():
        try:
            cached = dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError, ValueError):
            log.warning("ignoring unreadable FuDD cache %s", path)
    wanted = [pair_key(*p) for p in pairs]
    missing = [p for p in wanted if p not in cached]
    if missing and not hasattr(writer, "generate"):
        raise ConfigError(f"backend {getattr(writer, 'name', writer)!r} cannot write FuDD notes "
                          "(it has no free-text generation)")
    for key in missing:
        a, b = key.split("|", 1)
        try:
            text = writer.generate(note_prompt(task, a, b))  # type: ignore[attr-defined]
        except LLMError as exc:
            log.warning("no FuDD note for %s: %s", key, exc)
            continue
        text = " ".join(str(text).split())[:MAX_NOTE_CHARS]
        if text:
            cached[key] = text
    if missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(cached, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return {k: cached[k] for k in wanted if k in cached}


def notes_text(notes: Mapping[str, str]) -> str:
    """Notes as readable lines (for `--plan` and the teacher card)."""
    return "\n".join(f"{k.replace('|', ' vs ')}: {v}" for k, v in sorted(notes.items()))
