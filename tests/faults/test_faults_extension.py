"""The extension in real Chromium against hostile pages: nothing it knows reaches the page, and
the popup and tooltips speak the user's language (Playwright, the unpacked extension)."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from demo_training import TEST_DECEPTIVE_PAGES, TEST_LISTINGS  # noqa: E402
from harness import (  # noqa: E402
    Browser,
    Server,
    build_extension,
    inspect,
    launch,
    run_server,
    train_store,
)
from local_http import free_port  # noqa: E402

from snarewatch.schema import Ad, Prediction  # noqa: E402
from snarewatch.store import Landing, load_pending, query_records  # noqa: E402

pytestmark = pytest.mark.browser

LOW_PAGE = "/help/contact"
"""A page with a stored finding under the served model's threshold (and nothing to flag live)."""
LOW_SCORE = 0.05

# What the page may try to learn: that the extension runs, what it flagged, where its server is.
SPY = """([needles]) => {
  const found = [];
  const seen = (where, text) => {
    const low = String(text).toLowerCase();
    for (const n of needles) if (low.includes(n.toLowerCase())) found.push(`${where}: ${n}`);
  };
  const walk = (root, path) => {
    for (const el of root.querySelectorAll('*')) {
      const at = `${path}${el.tagName}`;
      for (const attr of el.attributes) seen(`${at}[${attr.name}]`, `${attr.name}=${attr.value}`);
      if (el.shadowRoot) {
        seen(`${at}#shadow`, el.shadowRoot.innerHTML);
        walk(el.shadowRoot, `${at}>`);
      }
    }
  };
  walk(document, '');
  seen('outerHTML', document.documentElement.outerHTML);
  seen('innerText', document.documentElement.innerText);
  for (const sheet of document.styleSheets) {
    try { for (const rule of sheet.cssRules) seen('css', rule.cssText); } catch (e) {}
  }
  return found;
}"""


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The demo marketplace and shop on a free port."""
    from demo_site.server import serve_in_thread

    with serve_in_thread() as base:
        yield base


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, site: str) -> Iterator[Server]:
    """`snarewatch serve` over students trained on other pages of the demo site, plus a stored
    finding under the served wildlife model's threshold for LOW_PAGE."""
    data_dir = tmp_path_factory.mktemp("ext-faults") / "data"
    ids = train_store(data_dir, site)
    landing = Landing(data_dir / "landing")
    landing.write([Ad(ad_id="low-ad", site="demo", url=site + LOW_PAGE, source="import",
                      title="Garden chair", description="Teak, seats four.")])
    landing.write([Prediction(task="wildlife", item_id="low-ad", item_kind="ad",
                              model_id="wildlife-old-model", label="wildlife_product",
                              score=LOW_SCORE, threshold=0.01, positive=True)])
    load_pending(data_dir / "snarewatch.duckdb", data_dir / "landing")
    (served,) = query_records(data_dir / "snarewatch.duckdb",
                              "SELECT threshold FROM models WHERE model_id = ?", [ids["wildlife"]])
    assert served["threshold"] > LOW_SCORE
    with run_server(data_dir) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, server: Server) -> Iterator[Browser]:
    """Chromium with the built extension, configured for the server."""
    ext = build_extension(tmp_path_factory.mktemp("ext") / "dist")
    with launch(tmp_path_factory.mktemp("profile"), ext) as b:
        b.configure(server.url, server.token)
        yield b


@pytest.fixture
def page(browser: Browser) -> Iterator[Any]:
    """A fresh tab."""
    p = browser.context.new_page()
    yield p
    p.close()


def _settle(browser: Browser, page: Any, timeout_s: float = 30) -> dict[str, Any]:
    """The service worker's state for the tab once it has classified the page."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = browser.tab_state(page.url)
        if found is not None:
            time.sleep(1.0)  # let the content script draw what came back
            return found[1]
        time.sleep(0.2)
    raise AssertionError(f"the extension never classified {page.url}")


def _needles(server: Server, state: dict[str, Any], page_url: str) -> list[str]:
    """What the extension knows about the page and its server, less what the page says itself."""
    port = server.url.rsplit(":", 1)[1]
    words = {"snarewatch", server.url, f":{port}", server.token}
    for flag in state.get("flags") or []:
        words |= {flag["label"], flag["label"].replace("_", " "), flag["item_id"], flag["model_id"]}
    served = httpx.get(page_url, timeout=10).text.lower()
    return sorted(w for w in words if w.lower() not in served)


def _popup(browser: Browser, page: Any) -> Any:
    tab_id, _ = browser.tab_state(page.url)
    popup = browser.context.new_page()
    popup.goto(f"chrome-extension://{browser.extension_id}/popup.html?tab={tab_id}")
    popup.wait_for_function("() => document.getElementById('summary').textContent !== 'Loading…'")
    return popup


def test_the_page_cannot_read_what_was_flagged(page, site, server, browser):
    for path in (TEST_DECEPTIVE_PAGES[1], TEST_LISTINGS[0]):
        page.goto(site + path)
        state = _settle(browser, page)
        assert state["flags"], path  # there is something to leak
        needles = _needles(server, state, page.url)
        assert page.evaluate(SPY, [needles]) == [], path
        first = state["flags"][0]
        drawn = inspect(page)
        assert drawn["scans"] >= 1 and drawn["marks"] + len(drawn["flags"]) > 0
        # Hovering shows the tooltip; the page still reads nothing.
        box = page.evaluate("""(text) => {
            const el = [...document.querySelectorAll('body *')].find(e => e.innerText === text);
            if (!el) return null;
            const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];
          }""", first["text"])
        if box:
            page.mouse.move(*box)
            time.sleep(0.3)
            assert inspect(page)["tooltip"], path
            assert page.evaluate(SPY, [needles]) == [], path


def test_a_dead_server_leaves_no_trace_on_the_page(page, site, server, browser):
    dead = f"http://127.0.0.1:{free_port()}"
    browser.worker.evaluate("u => chrome.storage.local.set({serverUrl: u})", dead)
    try:
        page.goto(site + TEST_DECEPTIVE_PAGES[0])
        state = _settle(browser, page)
        assert state["error"] and dead in state["error"]
        needles = [dead, dead.rsplit(":", 1)[1], "snarewatch", "cannot reach"]
        assert page.evaluate(SPY, [needles]) == []
    finally:
        browser.worker.evaluate("u => chrome.storage.local.set({serverUrl: u})", server.url)


def test_without_a_token_the_popup_says_how_to_connect(page, site, server, browser):
    browser.worker.evaluate("() => chrome.storage.local.set({token: ''})")
    try:
        page.goto(site + TEST_DECEPTIVE_PAGES[0])
        _settle(browser, page)
        popup = _popup(browser, page)
        first_line = popup.locator("header").inner_text()
        assert "Connect to snarewatch" in first_line, first_line
        assert "snarewatch serve" in popup.locator("body").inner_text()
        assert "No flags" not in popup.locator("body").inner_text()
        popup.close()
    finally:
        browser.worker.evaluate("t => chrome.storage.local.set({token: t})", server.token)


def test_the_popup_shows_only_flags_at_or_above_the_threshold(page, site, browser):
    page.goto(site + LOW_PAGE)
    _settle(browser, page)
    popup = _popup(browser, page)
    text = popup.locator("body").inner_text()
    assert f"{LOW_SCORE:.2f}" not in text and "5 % sure" not in text, text
    assert "1 flag" not in text and "Wildlife product" not in text, text
    popup.close()


def test_tooltips_and_the_popup_speak_plainly(page, site, browser):
    page.goto(site + TEST_DECEPTIVE_PAGES[1])
    state = _settle(browser, page)
    flag = state["flags"][0]
    jargon = re.compile(r"tfidf|student|scored|threshold|\bmodel_id\b|\d\.\d\d", re.I)
    popup = _popup(browser, page)
    item = popup.locator("li.flag").first
    label_line, why = item.locator(".label").inner_text(), item.locator(".why").inner_text()
    assert re.search(r"\d{1,2} % sure", label_line), label_line
    assert not jargon.search(label_line + " " + why), (label_line, why)
    popup.close()
    box = page.evaluate("""(text) => {
        const el = [...document.querySelectorAll('body *')].find(e => e.innerText === text);
        const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];
      }""", flag["text"])
    page.mouse.move(*box)
    time.sleep(0.3)
    tip = inspect(page)["tooltip"]
    assert tip and tip.startswith("Looks like a") and "% sure" in tip, tip
    assert "deceptive-UI model" in tip and not jargon.search(tip), tip
