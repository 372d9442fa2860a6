"""The OpenAI-compatible backend against a misbehaving local API: retried or recorded, never cached."""

from __future__ import annotations

import pytest
from conftest import load
from fake_api import FakeAPI

from labeler.llm.openai_compat import OpenAICompatBackend
from labeler.run import label_items
from snarewatch.errors import LLMError, LLMTransientError
from snarewatch.store import query_records
from snarewatch.tasks import load_task

OPTIONS = ["wildlife_product", "not_wildlife"]
PROMPT = "Question\nInput: wildlife ivory bangle\nLabel:"


def backend(api: FakeAPI, **kw) -> OpenAICompatBackend:
    kw = {"timeout_s": 0.5, "backoff_s": 0.01, "max_retries": 3, "requests_per_minute": 60_000,
          **kw}
    return OpenAICompatBackend(api.base_url, "test-model", api_key="sk-test", **kw)


@pytest.fixture
def api():
    with FakeAPI() as server:
        yield server


def test_good_answer_with_usage_and_cost(api):
    b = backend(api, usd_per_1k_input=1.0, usd_per_1k_output=2.0)
    choice = b.choose(PROMPT, OPTIONS)
    assert choice.label == "wildlife_product"
    assert (choice.tokens_in, choice.tokens_out) == (100, 5)
    assert choice.cost_usd == pytest.approx(0.1 + 0.01)
    body = api.requests[0]
    assert body["response_format"]["json_schema"]["schema"]["properties"]["label"]["enum"] == OPTIONS
    assert body["temperature"] == 0


@pytest.mark.parametrize("actions", [["429:0"], ["429"], ["500", "500"], ["sleep:1.0"], ["drop"]])
def test_transient_failures_are_retried(api, actions):
    api.script(*actions)
    choice = backend(api).choose(PROMPT, OPTIONS)
    assert choice.label == "wildlife_product"
    assert len(api.requests) == len(actions) + 1


def test_retry_after_is_honoured(api):
    import time

    api.script("429:0.3")
    started = time.monotonic()
    backend(api, backoff_s=0.0).choose(PROMPT, OPTIONS)
    assert time.monotonic() - started >= 0.3


def test_persistent_failure_gives_up_with_a_transient_error(api):
    api.script(*["500"] * 10)
    with pytest.raises(LLMTransientError, match="gave up after 4 attempts"):
        backend(api).choose(PROMPT, OPTIONS)


@pytest.mark.parametrize("action, message", [
    ("badjson", "not JSON"), ("notjson", "not valid JSON"), ("outside", "not one of the labels"),
])
def test_bad_answers_are_errors(api, action, message):
    api.script(action)
    with pytest.raises(LLMError, match=message) as info:
        backend(api).choose(PROMPT, OPTIONS)
    assert not isinstance(info.value, LLMTransientError)


def test_falls_back_to_json_object_when_json_schema_is_refused():
    with FakeAPI(refuse_json_schema=True) as server:
        b = backend(server)
        assert b.choose(PROMPT, OPTIONS).label == "wildlife_product"
        assert b.choose(PROMPT, OPTIONS).label == "wildlife_product"
        kinds = [r["response_format"]["type"] for r in server.requests]
        assert kinds == ["json_schema", "json_object", "json_object"]


def test_label_run_records_failures_caps_cost_and_resumes(store, api):
    task = load_task("wildlife")
    api.script("outside", "notjson", "500", "500", "500", "500", "drop")
    first = label_items(store, task, budget=12, max_cost=0.1,
                        backend=backend(api, usd_per_1k_input=0.04, max_retries=3,
                                        concurrency=3))
    load(store)
    assert first.failed >= 2 and first.cost_usd <= 0.1 and first.stopped == "max_cost"
    errors = query_records(store.db_path, "SELECT error FROM labels WHERE error IS NOT NULL")
    assert len(errors) == first.failed
    calls_before = len(api.requests)
    second = label_items(store, task, budget=12, max_cost=100.0,
                         backend=backend(api, usd_per_1k_input=0.04))
    load(store)
    assert second.cached == first.labelled and second.stopped is None
    assert second.labelled == 12 - first.labelled  # failures were not cached: asked again
    assert len(api.requests) - calls_before == second.labelled
    good = query_records(store.db_path, "SELECT count(*) AS n FROM current_labels")
    assert good[0]["n"] == 12
