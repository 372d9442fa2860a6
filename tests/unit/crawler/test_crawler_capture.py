"""The element map of a rendered page (needs Chromium)."""

from __future__ import annotations

import asyncio

import pytest

from crawler.capture import capture_elements, element_records
from crawler.engine_browser import CHROMIUM_ARGS

PAGE = """<!doctype html><html><head><style>
  .modal { position: fixed; top: 10px; left: 10px; z-index: 1000; background: #fff; }
  .hidden { display: none; } .bold { font-weight: 700; font-size: 20px; color: rgb(200, 0, 0); }
</style></head><body>
<h1>Checkout</h1>
<p>Only <span class="bold">2 left</span> in stock!</p>
<label for="ins">Add insurance</label><input id="ins" type="checkbox" checked>
<label><input type="radio" name="ship" value="fast"> Express</label>
<input type="email" placeholder="Email address">
<button>Place order</button>
<a href="/terms">Terms</a>
<p class="hidden">Secret text</p>
<div class="modal" role="dialog"><p>Subscribe to our newsletter?</p>
  <button>No thanks, I hate saving</button></div>
</body></html>"""


async def _capture() -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = await browser.new_page()
        await page.set_content(PAGE)
        elements = await capture_elements(page)
        # Every selector points back at an element with the same text.
        for el in elements:
            found = await page.query_selector(el["selector"])
            assert found is not None, el["selector"]
        await browser.close()
        return elements


@pytest.mark.browser
def test_element_map() -> None:
    elements = asyncio.run(_capture())
    by_text = {e["text"]: e for e in elements}
    assert by_text["Checkout"]["role"] == "heading" and by_text["Checkout"]["tag"] == "h1"
    assert by_text["2 left"]["font_weight"] == 700 and by_text["2 left"]["font_size"] == 20
    assert by_text["2 left"]["color"] == "rgb(200, 0, 0)"
    checkbox = next(e for e in elements if e["input_type"] == "checkbox")
    assert checkbox["checked"] is True and checkbox["text"] == "Add insurance"
    radio = next(e for e in elements if e["input_type"] == "radio")
    assert radio["checked"] is False
    email = next(e for e in elements if e["input_type"] == "email")
    assert email["text"] == "Email address"
    assert by_text["Place order"]["role"] == "button" and not by_text["Place order"]["in_overlay"]
    assert by_text["No thanks, I hate saving"]["in_overlay"] is True
    assert by_text["Subscribe to our newsletter?"]["in_overlay"] is True
    assert by_text["Terms"]["role"] == "link"
    assert "Secret text" not in by_text
    assert all(e["width"] > 0 and e["height"] > 0 for e in elements if e["visible"])
    records = element_records(elements, "cap1", "shop", "https://shop.example/checkout")
    assert [r.idx for r in records] == list(range(len(elements)))
    assert records[0].element_id == element_records(elements, "cap1", "s", "u")[0].element_id
    assert records[0].extra.get("href") is None and any(r.extra.get("href") for r in records)
