"""Fixtures for the API tests: keyword students standing in for the promoted models."""

from __future__ import annotations

import pytest

from snarewatch.api_predict import StaticModels, TaskModel

TOKEN = "test-token-0123456789abcdef"
LOCAL = "http://127.0.0.1"
"""The API answers only to loopback Host names."""


def keyword_model(
    task: str, kind: str, positive: str, negative: str, words: tuple[str, ...]
) -> TaskModel:
    """A model that flags texts containing any of `words` (counts its calls)."""
    calls: list[list[str]] = []

    def predict(texts: list[str]) -> list[tuple[str, float, bool]]:
        calls.append(list(texts))
        out = []
        for text in texts:
            hit = any(w in text.lower() for w in words)
            out.append((positive if hit else negative, 0.9 if hit else 0.8, hit))
        return out

    model = TaskModel(
        task=task,
        model_id=f"{task}-m1",
        student="keyword",
        classes=(negative, positive),
        threshold=0.5,
        item_kind=kind,
        predict=predict,
    )  # type: ignore[arg-type]
    model.calls = calls  # type: ignore[attr-defined]
    return model


@pytest.fixture
def models() -> StaticModels:
    """A wildlife model (ads) and a deceptive-ui model (elements)."""
    return StaticModels(
        {
            "wildlife": keyword_model(
                "wildlife", "ad", "wildlife", "not_wildlife", ("ivory", "pangolin")
            ),
            "deceptive-ui": keyword_model(
                "deceptive-ui",
                "ui_element",
                "Low-stock Message",
                "not_dark_pattern",
                ("only 2 left", "hurry"),
            ),
        }
    )


@pytest.fixture
def token() -> str:
    """The token the test servers use."""
    return TOKEN


@pytest.fixture
def client(settings, models):
    """A test client with the token set."""
    from fastapi.testclient import TestClient

    from snarewatch.api import create_app

    app = create_app(settings, token=TOKEN, models=models)
    with TestClient(app, base_url=LOCAL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        yield c
