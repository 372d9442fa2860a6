"""Crawler: fetch marketplace pages with Playwright or httpx, extract ads, map UI elements."""
