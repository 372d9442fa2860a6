"""The demo's train step: a student refused for thin hand labels gets a second seed set, once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from classifiers.base import StudentError
from snarewatch.config import Settings
from snarewatch.pipeline import demo
from snarewatch.pipeline.hooks import Hooks
from snarewatch.pipeline.jobs import DemoJob


@dataclass
class _Trained:
    """What `train.run` returns, as far as the demo reads it."""

    promoted: bool
    refused: list[str] = field(default_factory=list)
    verdict: str = ""

    def __str__(self) -> str:
        return f"trained, promoted={self.promoted}"


class _Said(Hooks):
    def __init__(self) -> None:
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)


@dataclass
class _Task:
    name: str = "wildlife"


def _script(monkeypatch: pytest.MonkeyPatch, outcomes: list[Any]) -> list[int]:
    """`train.run` answers with `outcomes` in turn; returns the list each seed draw adds to."""
    draws: list[int] = []

    def train_run(*_: Any, **__: Any) -> Any:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def seed_from_truth(*_: Any, **__: Any) -> int:
        draws.append(40)
        return 40

    monkeypatch.setattr("snarewatch.pipeline.train.run", train_run)
    monkeypatch.setattr("snarewatch.pipeline.demo_seed.seed_from_truth", seed_from_truth)
    return draws


def test_a_refused_student_gets_a_second_seed_set_and_another_try(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    thin = _Trained(promoted=False, refused=["2 positive labels, under 5"])
    draws = _script(monkeypatch, [thin, _Trained(promoted=True)])
    hooks, result = _Said(), {"train": None}
    seeded = demo._train(settings, _Task(), DemoJob(), 40, hooks, result)
    assert draws == [40] and seeded == 80
    assert result["train"].promoted
    assert any("second seed set" in line and "2 positive labels" in line for line in hooks.lines)


def test_a_second_refusal_ends_in_no_flags_without_a_third_draw(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    draws = _script(monkeypatch, [_Trained(promoted=False, refused=["CV F1 0.20"]),
                                  _Trained(promoted=False, refused=["CV F1 0.30"])])
    hooks, result = _Said(), {"train": None}
    seeded = demo._train(settings, _Task(), DemoJob(), 40, hooks, result)
    assert draws == [40] and seeded == 80
    assert not result["train"].promoted
    assert "no flags" in hooks.lines[-1] and "CV F1 0.30" in hooks.lines[-1]


def test_without_hand_labels_there_is_no_second_seed_set(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    draws = _script(monkeypatch, [_Trained(promoted=False, refused=["1 positive label"])])
    hooks, result = _Said(), {"train": None}
    assert demo._train(settings, _Task(), DemoJob(), 0, hooks, result) == 0
    assert draws == [] and "no flags" in hooks.lines[-1]


def test_a_student_that_cannot_be_trained_leaves_none(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    _script(monkeypatch, [StudentError("the labels hold no positive")])
    hooks, result = _Said(), {"train": "stale"}
    demo._train(settings, _Task(), DemoJob(), 40, hooks, result)
    assert result["train"] is None
    assert "no positive" in hooks.lines[-1]
