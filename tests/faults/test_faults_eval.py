"""`snarewatch eval` with gold labels the task does not have fails loudly and stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from faultkit import train_wildlife

from snarewatch.config import Settings


@pytest.fixture
def trained(tmp_path: Path) -> Settings:
    """A store with a promoted tfidf wildlife student trained on 20 human labels."""
    settings = Settings(data_dir=tmp_path / "data")
    train_wildlife(settings)
    return settings


def _evals(settings: Settings) -> list[Path]:
    return sorted(settings.data_dir.glob("eval-*"))


def test_gold_labels_outside_the_task_are_an_error(trained, cli, tmp_path: Path):
    (tmp_path / "gold.csv").write_text(
        "text,label\nIvory chopsticks,wildlife\nPlastic chair,not_wildlife\n"
        "Leopard skin,wildlife\n", encoding="utf-8")
    out = cli("eval", "wildlife", "--gold", "gold.csv")
    assert out.returncode == 1, out.stdout
    (line,) = out.stderr.strip().splitlines()
    assert "'wildlife'" in line and "wildlife_product" in line and "not_wildlife" in line
    assert _evals(trained) == []  # nothing stored as the latest evaluation


def test_gold_labels_of_the_task_are_scored_and_stored(trained, cli, tmp_path: Path):
    (tmp_path / "gold.csv").write_text(
        "text,label\nIvory chopsticks,wildlife_product\nPlastic chair,not_wildlife\n",
        encoding="utf-8")
    out = cli("eval", "wildlife", "--gold", "gold.csv")
    assert out.returncode == 0, out.stderr
    assert any(p.suffix == ".json" for p in _evals(trained))
