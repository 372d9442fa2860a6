"""Honest plans: known prices for hosted models, no --max-cost without a price, timed estimates."""

from __future__ import annotations

import pytest

from labeler.llm import make_backend
from labeler.llm.fake import FakeBackend
from labeler.llm.prices import is_local, published_price, resolve_price
from labeler.plan import plan_labels
from labeler.run import label_items
from snarewatch.errors import ConfigError
from snarewatch.tasks import load_task


def test_published_prices_match_dated_names_and_prefer_the_longest() -> None:
    assert published_price("gpt-4o-mini") == published_price("gpt-4o-mini-2024-07-18")
    assert published_price("gpt-4o-mini") != published_price("gpt-4o")
    assert published_price("openai/gpt-4.1-nano") is not None
    assert published_price("my-finetune") is None


def test_where_a_price_comes_from() -> None:
    assert resolve_price("https://api.openai.com/v1", "gpt-4o-mini", 0, 0)[2].startswith(
        "gpt-4o-mini's published price")
    assert resolve_price("http://127.0.0.1:8000/v1", "qwen", 0, 0) == (0.0, 0.0, "local server")
    assert resolve_price("https://api.example.com/v1", "qwen", 0, 0)[2] == "unknown"
    assert resolve_price("https://api.example.com/v1", "qwen", 0.1, 0.2) == (0.1, 0.2, "settings")
    assert is_local("http://192.168.1.5:11434/v1") and not is_local("https://8.8.8.8/v1")


def test_hosted_defaults_belong_together_and_cost_money(settings) -> None:
    backend = make_backend(settings, "openai")
    assert backend.base_url == "https://api.openai.com/v1" and backend.name == "gpt-4o-mini"
    assert backend.usd_per_1k_input > 0 and "published price" in backend.price_source


def test_max_cost_is_refused_when_the_price_is_unknown(store) -> None:
    unknown = FakeBackend()
    unknown.price_source = "unknown"  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match="--max-cost needs the price"):
        label_items(store, load_task("wildlife"), budget=3, backend=unknown, max_cost=1.0)
    plan = plan_labels(store, load_task("wildlife"), budget=3, backend=unknown)
    assert plan.est_cost_usd is None and plan.price == "unknown"


def test_a_free_model_is_timed_on_this_machine(store) -> None:
    backend = FakeBackend()
    plan = plan_labels(store, load_task("wildlife"), budget=5, backend=backend, measure=3)
    assert backend.calls == 3 and plan.time_basis.startswith("timed on this machine")
    paid = FakeBackend(usd_per_1k_input=0.5)
    plan = plan_labels(store, load_task("wildlife"), budget=5, backend=paid, measure=3)
    assert paid.calls == 0 and "typical" in plan.time_basis
