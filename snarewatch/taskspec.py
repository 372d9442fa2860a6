"""A labelling task as data: labels with definitions, guidelines, few-shot examples, input template.

A researcher asks a new question by writing one TOML file; the labeler renders prompts from it and
the classifiers read its labels and positive class(es).

Example:
    >>> spec = TaskSpec.from_toml_text(open("snarewatch/tasks/wildlife.toml").read())
    >>> spec.render({"title": "Ivory bangle", "description": ""})
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from snarewatch.errors import ConfigError

_NAME_PATTERN = r"^[a-z0-9][a-z0-9_\-]*$"


class LabelDef(BaseModel):
    """One label of a task: its name, what it means, and look-alikes that are not it."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(pattern=_NAME_PATTERN)
    definition: str
    near_misses: list[str] = Field(default_factory=list)
    group: str | None = None  # a coarser level (e.g. the deceptive-UI level-1 strategy)
    display: str | None = None  # what people read for it ("Not deceptive"); default: the name


class Example(BaseModel):
    """A few-shot example: an already rendered input and its correct label."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    input: str
    label: str
    why: str = ""


class TaskSpec(BaseModel):
    """A validated task spec (see snarewatch/tasks/*.toml for the bundled ones)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(pattern=_NAME_PATTERN)
    description: str
    item_kind: Literal["ad", "ui_element", "page"]
    input_template: str
    labels: list[LabelDef] = Field(min_length=2)
    positive: list[str] = Field(min_length=1)
    guidelines: str = ""
    examples: list[Example] = Field(default_factory=list)
    default_budget: int = Field(200, ge=1)
    max_input_chars: int = Field(600, ge=20)  # long descriptions cost tokens and rarely decide
    display_name: str | None = None  # what people call it ("Wildlife trafficking"); default: name
    negative: str | None = None  # the label a "wrong flag" records; default: first non-positive

    @model_validator(mode="after")
    def _check_labels(self) -> TaskSpec:
        names = [label.name for label in self.labels]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate label names in {names}")
        for name in self.positive:
            if name not in names:
                raise ValueError(f"positive label {name!r} is not one of the labels {names}")
        if set(self.positive) == set(names):
            raise ValueError("at least one label must be negative (not in `positive`)")
        if self.negative is not None and (self.negative not in names
                                          or self.negative in self.positive):
            raise ValueError(f"negative label {self.negative!r} must be a label that is not "
                             "positive")
        for ex in self.examples:
            if ex.label not in names:
                raise ValueError(f"example label {ex.label!r} is not one of the labels {names}")
        fields = [f for _, f, _, _ in string.Formatter().parse(self.input_template) if f]
        if not fields:
            raise ValueError("input_template must use at least one {field}")
        return self

    @property
    def label_names(self) -> list[str]:
        """The label names in spec order (the options offered to the LLM)."""
        return [label.name for label in self.labels]

    @property
    def title(self) -> str:
        """What people call the task: its display name, else its name."""
        return self.display_name or self.name

    @property
    def negative_label(self) -> str:
        """The label a rejected flag records: `negative`, else the first non-positive label."""
        return self.negative or next(n for n in self.label_names if n not in self.positive)

    @property
    def negative_display(self) -> str | None:
        """How people read the negative label (its `display`), None when the spec gives none."""
        return next((d.display for d in self.labels if d.name == self.negative_label), None)

    @property
    def groups(self) -> dict[str, str]:
        """Label name → its group (the label itself when it has none)."""
        return {label.name: label.group or label.name for label in self.labels}

    def is_positive(self, label: str | None) -> bool:
        """True if `label` is one of the positive labels."""
        return label is not None and label in self.positive

    def template_fields(self) -> list[str]:
        """The item fields the input template reads."""
        return [f for _, f, _, _ in string.Formatter().parse(self.input_template) if f]

    def render(self, item: Mapping[str, Any]) -> str:
        """The input template over item fields; missing or null fields render empty, long ones cut."""
        values = {}
        for name in self.template_fields():
            value = item.get(name)
            text = "" if value is None else " ".join(str(value).split())
            if len(text) > self.max_input_chars:
                text = text[: self.max_input_chars].rstrip() + "…"
            values[name] = text
        return self.input_template.format_map(values).strip()

    @classmethod
    def from_toml_text(cls, text: str, origin: str = "<string>") -> TaskSpec:
        """Parse and validate a spec; ConfigError with every problem otherwise."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{origin}: not valid TOML: {exc}") from exc
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'spec'}: {err['msg']}"
                for err in exc.errors()
            )
            raise ConfigError(f"{origin}: invalid task spec: {problems}") from exc

    @classmethod
    def from_path(cls, path: Path) -> TaskSpec:
        """Load a spec from a TOML file."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read task spec {path}: {exc}") from exc
        return cls.from_toml_text(text, origin=str(path))
