"""One site name per host, whether the host is crawled by profile, by URL or audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from faultserver import write_profile

from crawler.run import run_crawl
from crawler.sitenames import SiteNames, host_key
from snarewatch.errors import ConfigError
from snarewatch.store import load_pending, query_records


def test_host_keys_ignore_case_www_and_default_ports() -> None:
    assert host_key("https://WWW.Example.org:443/a") == "example.org"
    assert host_key("http://127.0.0.1:8300/x") == "127.0.0.1:8300"
    assert host_key("http://shop.example.org:80/") == "shop.example.org"


def test_a_host_keeps_one_name_and_stronger_names_replace_weaker_ones(tmp_path: Path) -> None:
    with SiteNames(tmp_path) as names:
        assert names.resolve(["http://127.0.0.1:8300/shop/x"]) == "127.0.0.1:8300"  # an audit
        assert names.resolve(["http://127.0.0.1:8300/"], profile="demo") == "demo"
        assert names.resolve(["http://127.0.0.1:8300/ad/1"]) == "demo"  # crawl by URL
        assert names.resolve(["http://127.0.0.1:8300/"], profile="other") == "demo"
        assert names.resolve(["http://127.0.0.1:8300/"], explicit="tradepost") == "tradepost"
        assert names.resolve(["http://127.0.0.1:8300/"], profile="demo") == "tradepost"
        assert names.lookup("http://127.0.0.1:8300/anything") == "tradepost"
        with pytest.raises(ConfigError):
            names.resolve(["http://x/"], explicit="no spaces please")


def _sites(settings) -> dict[str, set[str]]:
    load_pending(settings.db_path, settings.landing_dir)
    out: dict[str, set[str]] = {}
    for table in ("page_captures", "ads", "crawls"):
        out[table] = {r["site"] for r in query_records(settings.db_path,
                                                       f"SELECT DISTINCT site FROM {table}")}
    return out


def test_profile_and_url_crawls_of_one_host_store_one_site(settings, fault_site: str,
                                                           tmp_path: Path) -> None:
    profile = write_profile(tmp_path / "faults.toml", seeds='["{base}/product/1"]',
                            extra="[patterns]\nskip = ['/$']")
    run_crawl(settings, str(profile), base_url=fault_site)
    run_crawl(settings, f"{fault_site}/product/1?x=1", engine="http", max_pages=1)
    assert _sites(settings) == {"page_captures": {"faults"}, "ads": {"faults"},
                                "crawls": {"faults"}}


def test_site_option_names_the_site_of_a_url_crawl(settings, fault_site: str) -> None:
    summary = run_crawl(settings, f"{fault_site}/product/1", engine="http", max_pages=1,
                        site="curio-shop")
    assert summary.site == "curio-shop"
    assert _sites(settings)["ads"] == {"curio-shop"}
    with pytest.raises(ConfigError, match="curio-shop"):
        run_crawl(settings, f"{fault_site}/product/1", resume=summary.crawl_id, site="other")
