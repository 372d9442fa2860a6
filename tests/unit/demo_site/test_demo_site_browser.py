"""The demo site in Chromium: rendered sizes and contrast of consent buttons, and JS-built parts."""

from __future__ import annotations

import os

import pytest

from demo_site import serve_in_thread
from demo_site.truth import ground_truth

pytestmark = pytest.mark.browser

if os.environ.get("CI", "").lower() == "true":
    from playwright.sync_api import sync_playwright  # CI must fail loudly when Chromium is missing
else:
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright

CHROMIUM = "/usr/bin/chromium"
ACCEPT, REJECT = "#cookie-banner .cb-accept", "#cookie-banner .cb-reject"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

STYLE_JS = """(sel) => {
  const el = document.querySelector(sel); const r = el.getBoundingClientRect();
  const s = getComputedStyle(el); let bg = s.backgroundColor, n = el;
  while (bg === 'rgba(0, 0, 0, 0)' && n.parentElement) {
    n = n.parentElement; bg = getComputedStyle(n).backgroundColor; }
  return {w: r.width, h: r.height, color: s.color, bg: bg, font: parseFloat(s.fontSize)}; }"""


def _luminance(rgb: str) -> float:
    parts = [int(float(x)) for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    srgb = [c / 255 for c in parts]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in srgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.fixture(scope="module")
def browser_page():
    if not os.path.exists(CHROMIUM) and os.environ.get("CI", "").lower() != "true":
        pytest.skip("Chromium not installed")
    with serve_in_thread() as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield base, page
        browser.close()


def _measure(page, selector: str) -> dict:
    return page.evaluate(STYLE_JS, selector)


def test_unfair_cookie_banner_is_lopsided_and_fair_one_is_not(browser_page):
    base, page = browser_page
    page.goto(base + "/shop/hepa-purifier")
    acc, rej = _measure(page, ACCEPT), _measure(page, REJECT)
    assert acc["w"] * acc["h"] > 10 * rej["w"] * rej["h"]
    assert contrast(acc["color"], acc["bg"]) > 3 and contrast(rej["color"], rej["bg"]) < 2
    page.goto(base + "/shop/standing-desk")
    acc, rej = _measure(page, ACCEPT), _measure(page, REJECT)
    keys = ("w", "h", "bg", "font")
    assert [acc[k] for k in keys] == [rej[k] for k in keys]


def test_javascript_parts_render(browser_page):
    base, page = browser_page
    page.goto(base + "/shop/yoga-mat")
    page.wait_for_selector("#activity-toast")
    assert "just bought this" in page.inner_text("#activity-toast")
    page.goto(base + "/shop/pour-over-kettle")
    page.wait_for_function(
        "document.querySelector('#deal-timer .cd-val').textContent.startsWith('14:')")
    ad = next(a for a in ground_truth()["ads"] if a["js_field"] == "description")
    page.goto(base + ad["url"])
    page.wait_for_selector("[data-js-field=description] p:not(.loading)")
    assert page.inner_text("[data-js-field=description]").strip() == ad["description"]


def test_truth_selectors_match_visible_elements(browser_page):
    base, page = browser_page
    for pg in ground_truth()["pages"]:
        for p in pg["patterns"]:
            page.goto(base + p["path"])
            if p["id"] == "activity":
                page.wait_for_selector(p["selector"])
            el = page.query_selector(p["selector"])
            assert el is not None, (pg["path"], p["selector"])
            assert p["text"] in el.inner_text() or p["text"] in page.inner_text("body"), p["id"]
