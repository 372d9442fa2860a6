"""Fixtures of the fault and abuse suite: a real store, the real CLI in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from faultkit import CLI, HOSTILE_TITLES, land, run_cli  # noqa: E402

from snarewatch.config import Settings  # noqa: E402
from snarewatch.schema import Ad, Label, stable_id  # noqa: E402


@pytest.fixture
def cli(tmp_path: Path) -> CLI:
    """Run the CLI against a fresh data dir in `tmp_path`."""
    def run(*args: str, stdin: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return run_cli(tmp_path, *args, stdin=stdin, env=env)
    return run


@pytest.fixture
def hostile_store(tmp_path: Path) -> Settings:
    """A store whose ads carry hostile titles, each with an LLM label for `wildlife`."""
    settings = Settings(data_dir=tmp_path / "data")
    ads, labels = [], []
    for i, title in enumerate(HOSTILE_TITLES):
        ad_id = stable_id("hostile", i)
        ads.append(Ad(ad_id=ad_id, site="evil.test", url=f"http://evil.test/ad/{i}",
                      source="import", title=title, description="-5 off today", price=-3.5))
        labels.append(Label(label_id=stable_id("hostile-label", i), task="wildlife", item_id=ad_id,
                            item_kind="ad", value="wildlife_product", probability=0.9,
                            source="llm:test", model="test"))
    land(settings, ads)
    land(settings, labels)
    return settings
