"""The extension right after set-up: no label, no training, only the shipped deceptive-UI student.

This is what a shopper has after `make demo` (which installs the default student and trains
nothing for deceptive UI): the extension, loaded in real Chromium against `snarewatch serve`,
flags the demo shop's planted text patterns and shows the page verdict and the model's trust.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import flag_near, flagged, run_server, wait_scanned

pytestmark = pytest.mark.browser

# Planted patterns whose text shows them, with their page (states and styling are the audit's).
TEXT_PATTERNS = {
    "/shop/wireless-earbuds": "#stock-alert",
    "/shop/running-shoes": "#demand-note",
    "/shop/phone-case": "#sale-banner",
    "/shop/desk-lamp": "#nl-modal .nl-decline",
    "/shop/knife-set": "#optin-row",
    "/shop/whitening-trial": "#trial-terms",
    "/shop/pour-over-kettle": "#deal-timer",
}
AUDITED = "/shop/desk-lamp"


@pytest.fixture(scope="module")
def server(tmp_path_factory, site):
    """`snarewatch serve` on a store holding only the default student and one audited page."""
    from classifiers.deceptive.default_student import install_default
    from snarewatch.config import Settings
    from snarewatch.pipeline.audit import audit_url

    data_dir: Path = tmp_path_factory.mktemp("default-data")
    settings = Settings(data_dir=data_dir)
    assert install_default(settings).model.card["default"]
    audit_url(settings, site + AUDITED, wait_s=0.5, follow_checkout=False)
    with run_server(data_dir) as srv:
        yield srv


def test_the_default_student_flags_planted_patterns(page, site, truth):
    missed = []
    for path, selector in TEXT_PATTERNS.items():
        page.goto(site + path)
        wait_scanned(page)
        flag = flag_near(page, selector)
        if flag is None or flag["task"] != "deceptive-ui":
            missed.append((path, flagged(page)))
    assert len(missed) <= 1, missed


def test_clean_shop_pages_stay_almost_clean(page, site, truth):
    clean = [p for p, spec in truth["pages"].items() if not spec["patterns"]]
    with_flags = []
    for path in clean:
        page.goto(site + path)
        wait_scanned(page)
        if flagged(page):
            with_flags.append((path, flagged(page)))
    assert clean and len(with_flags) <= max(1, len(clean) // 5), with_flags


def test_the_popup_shows_the_verdict_and_how_far_to_trust_the_model(page, site, browser):
    page.goto(site + AUDITED)
    wait_scanned(page)
    tab_id, _ = browser.tab_state(page.url)
    popup = browser.context.new_page()
    popup.goto(f"chrome-extension://{browser.extension_id}/popup.html?tab={tab_id}")
    popup.wait_for_function("() => !document.getElementById('verdict').hidden")
    assert popup.inner_text("#verdict").startswith("Audit verdict: deceptive")
    trust = popup.locator("#trust li").all_text_contents()  # inside a closed <details>
    assert any(t.startswith("Deceptive-UI model:") and "shipped default" in t for t in trust), trust
    popup.close()
