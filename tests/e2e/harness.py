"""The extension end-to-end harness: a trained store, `snarewatch serve`, and Chromium with the
unpacked extension (Playwright, headless). Used by the e2e tests and the screenshot script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from local_http import free_port, stop, wait_until_ready

REPO = Path(__file__).resolve().parents[2]
EXTENSION_DIR = REPO / "extension"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]



def train_store(
    data_dir: Path, site: str, shop_pages: tuple[str, ...] | None = None
) -> dict[str, str]:
    """Land labelled items as human labels and train a tfidf student per task; returns model ids.

    The labels: the hand-written fixture set plus the demo site's ground truth for every page the
    tests do not visit (`demo_training`), served from `site`; `shop_pages` replaces the shop
    pages whose elements train deceptive-ui.
    """
    from demo_training import TRAIN_SHOP_PAGES, ad_examples, element_examples, listing_ad_ids
    from fixture_labels import DECEPTIVE_UI, WILDLIFE

    from classifiers.train import train_task
    from snarewatch.config import Settings
    from snarewatch.schema import Ad, Element, ItemKind, Label, stable_id
    from snarewatch.store import Landing, load_pending

    settings = Settings(data_dir=data_dir)
    landing = Landing(settings.landing_dir)
    ads, elements, labels = [], [], []

    def label(task: str, item_id: str, kind: ItemKind, value: str) -> Label:
        return Label(label_id=stable_id("e2e-label", item_id), task=task, item_id=item_id,
                     item_kind=kind, value=value, source="human:fixture")

    for i, (title, desc, value) in enumerate(WILDLIFE):
        ad_id = stable_id("e2e-ad", i)
        ads.append(Ad(ad_id=ad_id, site="fixture", url=f"http://fixture.test/ad/{i}",
                      source="import", title=title, description=desc))
        labels.append(label("wildlife", ad_id, "ad", value))
    for truth, value in ad_examples(listing_ad_ids(site)):
        ad_id = stable_id("e2e-demo-ad", truth["id"])
        ads.append(Ad(ad_id=ad_id, site="demo", url=site + truth["url"], source="import",
                      title=truth["title"], description=truth["description"]))
        labels.append(label("wildlife", ad_id, "ad", value))
    examples = [(f"http://fixture.test/shop/{i % 8}", text, value)
                for i, (text, value) in enumerate(DECEPTIVE_UI)]
    examples += [(site + path, text, value)
                 for path, text, value in element_examples(site, shop_pages or TRAIN_SHOP_PAGES)]
    for i, (url, text, value) in enumerate(examples):
        element_id = stable_id("e2e-el", i)
        # Spread over pages: training cross-validates grouped by page.
        elements.append(Element(element_id=element_id, site="fixture", source="import", text=text,
                                url=url))
        labels.append(label("deceptive-ui", element_id, "ui_element", value))
    landing.write(ads)
    landing.write(elements)
    landing.write(labels)
    load_pending(settings.db_path, settings.landing_dir)
    ids = {}
    for task in ("wildlife", "deceptive-ui"):
        result = train_task(settings, task, student="tfidf", folds=2)
        load_pending(settings.db_path, settings.landing_dir)
        ids[task] = result.model.model_id
    return ids


@dataclass
class Server:
    """A running `snarewatch serve`."""

    url: str
    token: str
    data_dir: Path
    process: subprocess.Popen[bytes]

    def client(self, token: bool = True) -> httpx.Client:
        """An HTTP client for the API, with or without the token."""
        headers = {"Authorization": f"Bearer {self.token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)


@contextmanager
def run_server(data_dir: Path, port: int | None = None,
               cwd: Path | None = None) -> Iterator[Server]:
    """Start `snarewatch serve` on a free port for `data_dir` (in `cwd`, whose `tasks/` holds
    the user's task specs); stops it on exit."""
    port = port or free_port()
    env = {**os.environ, "SNAREWATCH_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1",
           "SNAREWATCH_CONFIG": str(data_dir / "absent.toml")}
    cmd = [sys.executable, "-m", "snarewatch", "serve", "--port", str(port)]
    process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        token_file = data_dir / "api-token"

        def healthy() -> bool:
            if not token_file.exists():
                return False
            headers = {"Authorization": f"Bearer {token_file.read_text().strip()}"}
            return httpx.get(f"{url}/v1/health", headers=headers, timeout=2).status_code == 200

        def stderr() -> str:
            return process.stderr.read().decode() if process.poll() is not None else ""  # type: ignore[union-attr]

        wait_until_ready(process, healthy, name="snarewatch serve", timeout_s=60, output=stderr)
        token = token_file.read_text().strip()
        yield Server(url=url, token=token, data_dir=data_dir, process=process)
    finally:
        stop(process, timeout_s=10)


def build_extension(out_dir: Path) -> Path:
    """Build the unpacked extension with node into `out_dir`."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is needed to build the extension")
    subprocess.run([node, str(EXTENSION_DIR / "scripts" / "build.mjs"), str(out_dir)], check=True,
                   capture_output=True)
    return out_dir


@dataclass
class Browser:
    """Chromium with the extension loaded."""

    context: Any
    worker: Any
    extension_id: str

    def configure(self, server_url: str, token: str, tasks: list[str] | None = None) -> None:
        """Set the extension's options the way the options page saves them."""
        settings = {"serverUrl": server_url, "token": token, "enabled": True,
                    "tasks": tasks or ["wildlife", "deceptive-ui"]}
        self.worker.evaluate("s => chrome.storage.local.set(s)", settings)

    def tab_state(self, url: str) -> tuple[int, dict[str, Any]] | None:
        """The service worker's stored state (flags) of the tab showing `url`."""
        found = self.worker.evaluate(
            """async (url) => {
                 const all = await chrome.storage.session.get(null);
                 for (const [key, state] of Object.entries(all)) {
                   if (key.startsWith('tab:') && state && state.url === url)
                     return [Number(key.slice(4)), state];
                 }
                 return null;
               }""", url)
        return (found[0], found[1]) if found else None


@contextmanager
def launch(user_data_dir: Path, extension_dir: Path, headless: bool = True) -> Iterator[Browser]:
    """Chromium (persistent context, as extensions need) with the unpacked extension."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(user_data_dir), headless=headless, executable_path="/usr/bin/chromium",
            args=[f"--disable-extensions-except={extension_dir}",
                  f"--load-extension={extension_dir}", *CHROMIUM_ARGS],
            viewport={"width": 1100, "height": 800})
        try:
            worker = (context.service_workers[0] if context.service_workers
                      else context.wait_for_event("serviceworker", timeout=30_000))
            extension_id = worker.url.split("/")[2]
            yield Browser(context=context, worker=worker, extension_id=extension_id)
        finally:
            context.close()


def _tab_of(page: Any) -> int | None:
    """The id of the tab showing `page`, from the service worker's state (None before its first
    classification)."""
    worker = page.context.service_workers[0]
    return worker.evaluate(
        """async (url) => {
             const all = await chrome.storage.session.get(null);
             for (const [key, state] of Object.entries(all)) {
               if (key.startsWith('tab:') && state && state.url === url) {
                 return Number(key.slice(4));
               }
             }
             return null;
           }""", page.url)


def inspect(page: Any, near: str | None = None, timeout_ms: int = 20_000) -> dict[str, Any]:
    """What the content script drew on `page`, asked through the service worker (the page itself
    can read none of it): scans, error, flags [{tag, label, task, text, links}], marks, tooltip,
    and with `near` the flag on, inside or around the element at that selector."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        tab = _tab_of(page)
        if tab is not None:
            try:
                answer = page.context.service_workers[0].evaluate(
                    "([tab, message]) => chrome.tabs.sendMessage(tab, message)",
                    [tab, {"type": "inspect", "near": near}])
            except PlaywrightError:  # the content script of a new document is not listening yet
                answer = None
            if answer and answer.get("scans"):
                return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"the extension never scanned {page.url}")
        time.sleep(0.2)


def wait_scanned(page: Any, timeout_ms: int = 20_000) -> int:
    """Wait for the content script's scan of the page; returns the number of flags."""
    answer = inspect(page, timeout_ms=timeout_ms)
    if answer.get("error"):
        raise AssertionError(f"the extension reported: {answer['error']}")
    return int(answer["count"])


def flagged(page: Any) -> list[dict[str, str]]:
    """The elements the extension flagged: tag, label, task and text."""
    return [{k: f[k] for k in ("tag", "label", "task", "text")} for f in inspect(page)["flags"]]


def flag_near(page: Any, selector: str) -> dict[str, str] | None:
    """The flag on the element at `selector`, on an element inside it, or on one around it."""
    return inspect(page, near=selector)["near"]


def ad_marks(page: Any) -> dict[str, str | None]:
    """Ad id -> task of the flag on its card (None when unflagged), for every ad link on a page."""
    links = page.evaluate(
        """() => [...document.querySelectorAll('a[href*="/ad/"]')].map(a => a.href)""")
    flags = inspect(page)["flags"]
    marks: dict[str, str | None] = {}
    for href in links:
        ad_id = href.split("/ad/", 1)[1].split("/")[0]
        task = next((f["task"] for f in flags if href in f["links"]), None)
        marks[ad_id] = marks.get(ad_id) or task
    return marks
