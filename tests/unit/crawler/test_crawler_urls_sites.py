"""URL canonicalisation, trap patterns, site profiles and keyword lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.keywords import bundled, read_keywords
from crawler.sites import builtin_names, load_site
from crawler.urls import absolutize, canonical, is_crawlable, url_pattern
from snarewatch.errors import ConfigError


def test_canonical_drops_fragments_session_ids_and_sorts_query() -> None:
    assert canonical("http://A.example/p?b=2&a=1#x") == "http://a.example/p?a=1&b=2"
    assert canonical("http://a.example/p?sessionid=abc&q=1") == "http://a.example/p?q=1"
    assert canonical("http://a.example/p;jsessionid=XYZ?q=1") == "http://a.example/p?q=1"
    assert canonical("http://a.example/p?utm_source=x") == "http://a.example/p"


def test_only_http_urls_are_crawlable() -> None:
    assert is_crawlable("https://a.example/x")
    for bad in ("mailto:a@b", "javascript:void(0)", "ftp://a.example/f", "file:///etc/passwd",
                "data:text/html,hi", "/relative"):
        assert not is_crawlable(bad)
    assert absolutize("https://a.example/c/1", "../ad/2") == "https://a.example/ad/2"
    assert absolutize("https://a.example/", "javascript:x()") is None


def test_url_pattern_groups_calendar_and_pagination_urls() -> None:
    assert url_pattern("http://a.example/cal/2026/11?d=3") == url_pattern("http://a.example/cal/1999/1?d=9")
    assert url_pattern("http://a.example/list?page=2") != url_pattern("http://a.example/ad/2")


def test_builtin_profiles_load() -> None:
    assert {"demo", "generic"} <= set(builtin_names())
    demo = load_site("demo").with_base("http://127.0.0.1:5000/")
    assert demo.seeds == ("http://127.0.0.1:5000/",)
    assert demo.search_urls(["tiger bone", "ivory"]) == [
        "http://127.0.0.1:5000/search?q=tiger+bone", "http://127.0.0.1:5000/search?q=ivory"]
    assert demo.kind_of("http://127.0.0.1:5000/ad/123/some-slug") == "ad"
    assert demo.kind_of("http://127.0.0.1:5000/c/pets?page=2") == "listing"
    assert demo.skips("http://127.0.0.1:5000/api/ads/1.json")


def test_profile_errors_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="base URL"):
        load_site("demo").with_base(None)
    with pytest.raises(ConfigError, match="unknown site"):
        load_site("no-such-site")
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nrender = "sometimes"\n')
    with pytest.raises(ConfigError, match="render"):
        load_site(str(bad))
    broken = tmp_path / "broken.toml"
    broken.write_text("name = [")
    with pytest.raises(ConfigError, match="TOML"):
        load_site(str(broken))
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('name = "x"\n[limits]\nmax_pagez = 3\n')
    with pytest.raises(ConfigError):
        load_site(str(unknown))


def test_keyword_lists(tmp_path: Path) -> None:
    words = bundled("cites")
    assert "Panthera tigris" in words and "pangolin scales" in words and len(words) > 100
    f = tmp_path / "k.txt"
    f.write_text("# comment\nivory\n\nrhino horn  # inline\nivory\n")
    assert read_keywords(f) == ["ivory", "rhino horn"]
