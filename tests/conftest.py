"""Fixtures shared by every test: an isolated data dir and settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Settings whose data dir is a fresh temporary folder (no snarewatch.toml is read)."""
    from snarewatch.config import Settings

    monkeypatch.setenv("SNAREWATCH_CONFIG", str(tmp_path / "absent.toml"))
    return Settings(data_dir=tmp_path / "data")
