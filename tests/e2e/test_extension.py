"""The extension in real Chromium against `snarewatch serve` and a local shop (Playwright)."""

from __future__ import annotations

import time

import pytest

from fixture_site import XSS_TITLE
from harness import flagged, wait_scanned
from snarewatch.api_auth import EXTENSION_ORIGIN
from snarewatch.store import query_records

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    """A fresh tab."""
    p = browser.context.new_page()
    yield p
    p.close()


def test_deceptive_shop_page_is_highlighted(page, site):
    page.goto(f"{site}/shop/deals")
    assert wait_scanned(page) > 0
    flags = {f["text"]: f for f in flagged(page)}
    assert "Only 2 left in stock - order soon!" in flags
    assert flags["Only 2 left in stock - order soon!"]["task"] == "deceptive-ui"
    assert "Add to cart" not in flags and "Product details" not in flags
    # Hovering shows the tooltip: type, why, score.
    page.hover("text=Only 2 left in stock - order soon!")
    tip = page.evaluate("""() => {
        const host = document.querySelector('[data-snarewatch-ui=tooltip]');
        const box = host && host.shadowRoot.querySelector('.tip');
        return box && !box.hidden ? box.innerText : null }""")
    assert tip is not None and "Deceptive pattern" in tip and "Score:" in tip and "Why:" in tip


def test_clean_page_has_no_highlights(page, site):
    page.goto(f"{site}/shop/clean")
    assert wait_scanned(page) == 0
    assert flagged(page) == []


def test_wildlife_ads_are_marked_on_listings_and_ad_pages(page, site):
    page.goto(f"{site}/category/curios")
    wait_scanned(page)
    ads = [f for f in flagged(page) if f["task"] == "wildlife"]
    texts = " ".join(f["text"] for f in ads)
    assert "Antique ivory bangle" in texts and "Pangolin scales" in texts
    assert "bicycle" not in texts
    marks = page.locator("[data-snarewatch-ui=mark]")
    assert marks.count() == len(ads)
    page.goto(f"{site}/ad/1/item")
    wait_scanned(page)
    assert any(f["task"] == "wildlife" and f["tag"] == "h1" for f in flagged(page))
    page.goto(f"{site}/ad/2/item")
    wait_scanned(page)
    assert not any(f["task"] == "wildlife" for f in flagged(page))


def test_text_added_later_is_scanned(page, site):
    page.goto(f"{site}/shop/late")
    wait_scanned(page)
    page.wait_for_selector("[data-snarewatch-flag]", timeout=15_000)
    assert [f["text"] for f in flagged(page)] == ["Only 3 left - order soon"]


def test_script_payload_in_an_ad_title_stays_inert_text(page, site, browser):
    page.goto(f"{site}/category/curios")
    wait_scanned(page)
    card = page.locator("li.card", has_text="window.__pwned")
    assert card.get_attribute("data-snarewatch-task") == "wildlife"
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("img[src=x]").count() == 0
    card.hover()  # the tooltip is built from text nodes too
    assert page.locator("img[src=x]").count() == 0 and page.evaluate("() => window.__pwned") is None
    # The popup lists the flag with the page text: as text, not markup.
    tab_id, _ = browser.tab_state(page.url)
    popup = browser.context.new_page()
    popup.goto(f"chrome-extension://{browser.extension_id}/popup.html?tab={tab_id}")
    popup.wait_for_selector("li.flag")
    texts = popup.locator("li.flag .text").all_inner_texts()
    assert any(XSS_TITLE in t for t in texts), texts
    assert popup.locator("img").count() == 0 and popup.locator("ul script").count() == 0
    assert popup.evaluate("() => window.__pwned") is None
    popup.close()


def test_feedback_from_the_popup_is_stored_as_a_human_label(page, site, browser, server):
    page.goto(f"{site}/shop/deals")
    wait_scanned(page)
    tab_id, state = browser.tab_state(page.url)
    target = next(f for f in state["flags"] if f["text"] == "Only 2 left in stock - order soon!")
    popup = browser.context.new_page()
    popup.goto(f"chrome-extension://{browser.extension_id}/popup.html?tab={tab_id}")
    item = popup.locator("li.flag", has_text="Only 2 left in stock - order soon!")
    item.get_by_role("button", name="Not deceptive").click()
    popup.wait_for_function("() => document.querySelector('li.flag.saved') !== null")
    popup.close()
    db = server.data_dir / "snarewatch.duckdb"
    rows: list = []
    deadline = time.monotonic() + 30
    while not rows and time.monotonic() < deadline:
        rows = query_records(db, "SELECT * FROM current_labels WHERE item_id = ?", [target["item_id"]])
        time.sleep(0.2)
    assert rows and rows[0]["source"] == "human:extension"
    assert rows[0]["value"] == "not_dark_pattern" and rows[0]["task"] == "deceptive-ui"
    (item_row,) = query_records(db, "SELECT text FROM items WHERE item_id = ?", [target["item_id"]])
    assert item_row["text"] == "Only 2 left in stock - order soon!"


def test_requests_without_the_token_are_refused(server):
    with server.client(token=False) as c:
        assert c.get("/v1/health").status_code == 401
        assert c.post("/v1/classify", json={"url": "http://x/", "elements": []}).status_code == 401
    with server.client() as c:
        assert c.get("/v1/health").status_code == 200


def test_web_pages_cannot_call_the_api(page, site, server):
    page.goto(f"{site}/shop/clean")
    result = page.evaluate(
        """async ([url, token]) => {
             try {
               const r = await fetch(url + '/v1/health', {headers: {Authorization: 'Bearer ' + token}});
               return 'status ' + r.status;
             } catch (e) { return 'blocked'; }
           }""", [server.url, server.token])
    assert result == "blocked"
    with server.client() as c:
        pre = c.options("/v1/classify", headers={"Origin": site, "Access-Control-Request-Method": "POST"})
        assert pre.status_code == 403 and "access-control-allow-origin" not in pre.headers
        ok = c.options("/v1/classify", headers={"Origin": EXTENSION_ORIGIN,
                                                 "Access-Control-Request-Method": "POST"})
        assert ok.headers["access-control-allow-origin"] == EXTENSION_ORIGIN


def test_the_extension_id_matches_the_allowed_origin(browser):
    # The manifest's public key pins the id, so the server's default CORS origin is this build.
    assert f"chrome-extension://{browser.extension_id}" == EXTENSION_ORIGIN
