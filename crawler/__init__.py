"""The crawler stage: fetch marketplace ads and shop pages (httpx or Chromium), extract fields,
capture screenshots and UI element maps, and write records to the landing area.

Entry point: `crawler.run.run_crawl`. Profiles live in `crawler/sites/*.toml`.
"""
