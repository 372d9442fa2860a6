"""The labeler with a real model: the embedded GGUF teacher, and the same file behind llama.cpp's
OpenAI-compatible server started by the test on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from local_http import free_port, stop, wait_until_ready

from snarewatch.schema import Ad
from snarewatch.store import Landing, load_pending, query_records

pytestmark = pytest.mark.slow

# Obvious cases only: the test checks the plumbing with a real model, not the model's judgement.
POSITIVE = {"w1": "Raw elephant ivory tusk, 3 kg, natural", "w2": "Pangolin scales 500g for sale",
            "w3": "Rhino horn piece, genuine, 200 grams"}
NEGATIVE = {"n1": "Samsung 55 inch 4K smart TV", "n2": "iPhone 12 silicone phone case, black",
            "n3": "Office chair with lumbar support, grey"}


def _model_path() -> Path:
    from labeler.teacher_model import install
    from snarewatch.config import Settings

    try:
        path, _ = install(Settings().models_dir)
    except Exception as exc:  # noqa: BLE001 - any missing piece means this machine cannot run it
        if os.environ.get("CI"):
            raise
        pytest.skip(f"embedded teacher not installable here: {exc}")
    return path


def _store(settings, titles: dict[str, str]):  # type: ignore[no-untyped-def]
    Landing(settings.landing_dir).write([
        Ad(ad_id=key, site="test", url=f"http://test/{key}", title=title, description="")
        for key, title in titles.items()])
    load_pending(settings.db_path, settings.landing_dir)
    return settings


def _labels(settings) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    rows = query_records(settings.db_path, "SELECT item_id, value, probability, source, error "
                                           "FROM labels WHERE task = 'wildlife'")
    return {r["item_id"]: r for r in rows}


@pytest.fixture(scope="module")
def teacher():  # type: ignore[no-untyped-def]
    """The embedded backend, loaded once for the module."""
    from labeler.llm.embedded import EmbeddedBackend
    from labeler.teacher_model import MODEL_NAME

    return EmbeddedBackend(_model_path(), name=MODEL_NAME, n_threads=os.cpu_count() or 2).load()


def test_embedded_teacher_labels_obvious_ads(settings, teacher) -> None:  # type: ignore[no-untyped-def]
    from labeler.run import label_items
    from snarewatch.tasks import load_task

    _store(settings, POSITIVE | NEGATIVE)
    summary = label_items(settings, load_task("wildlife"), budget=6, method="random",
                          backend=teacher)
    load_pending(settings.db_path, settings.landing_dir)
    assert summary.labelled == 6 and summary.failed == 0
    labels = _labels(settings)
    assert set(labels) == set(POSITIVE) | set(NEGATIVE)
    p_wildlife = {}
    for item_id, row in labels.items():
        assert row["error"] is None
        assert row["source"].startswith("llm:")
        assert 0.5 <= row["probability"] <= 1.0  # the chosen option's renormalised probability
        p = row["probability"]
        p_wildlife[item_id] = p if row["value"] == "wildlife_product" else 1 - p
    # The 1.5B teacher over-flags (docs/labeler.md), so negatives are checked by rank and by
    # majority, positives exactly: every real animal part outranks every everyday object.
    assert all(labels[k]["value"] == "wildlife_product" for k in POSITIVE), labels
    assert min(p_wildlife[k] for k in POSITIVE) > max(p_wildlife[k] for k in NEGATIVE), p_wildlife
    assert sum(labels[k]["value"] == "not_wildlife" for k in NEGATIVE) >= 2, labels



@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):  # type: ignore[no-untyped-def]
    """`python -m llama_cpp.server` on a free 127.0.0.1 port; yields its /v1 base URL."""
    path = _model_path()
    port = free_port()
    # The server logs a lot while loading: a file, not a pipe nobody drains (it would block).
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    log_file = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(path), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "2048", "--model_alias", "teacher"],
        stdout=log_file, stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    base = f"http://127.0.0.1:{port}/v1"
    try:
        # Loading takes ~3 s on an idle machine; a CPU shared with other jobs can take minutes.
        wait_until_ready(proc, lambda: httpx.get(f"{base}/models", timeout=2).status_code == 200,
                         name="llama_cpp.server", timeout_s=300, poll_s=0.5,
                         output=lambda: log_path.read_text(errors="replace")[-800:])
        yield base
    finally:
        stop(proc, timeout_s=20)
        log_file.close()


def test_openai_backend_against_llama_cpp_server(settings, llama_server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from labeler.llm import make_backend
    from labeler.run import label_items
    from snarewatch.config import Settings
    from snarewatch.tasks import load_task

    monkeypatch.setenv("SNAREWATCH_LLM_BASE_URL", llama_server)
    monkeypatch.setenv("SNAREWATCH_LLM_MODEL", "teacher")
    monkeypatch.setenv("SNAREWATCH_LLM_CONCURRENCY", "1")
    s = _store(Settings(data_dir=settings.data_dir),
               {k: POSITIVE[k] for k in ("w1", "w2")} | {k: NEGATIVE[k] for k in ("n1", "n2")})
    backend = make_backend(s, "openai")
    try:
        summary = label_items(s, load_task("wildlife"), budget=4, method="random",
                              backend=backend)
    finally:
        backend.close()  # type: ignore[attr-defined]
    load_pending(s.db_path, s.landing_dir)
    labels = _labels(s)
    assert summary.failed == 0, summary.errors
    assert set(labels) == {"w1", "w2", "n1", "n2"}
    for row in labels.values():
        assert row["error"] is None and row["source"] == "llm:teacher"
        assert row["value"] in {"wildlife_product", "not_wildlife"}
    assert labels["w1"]["value"] == "wildlife_product"
    assert labels["n1"]["value"] == "not_wildlife"  # the smart TV: the clearest negative
