"""`snarewatch crawl` and `snarewatch sites` from the shell."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from faultserver import PRODUCT, write_profile
from local_http import serve


def sw(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SNAREWATCH_CONFIG": str(cwd / "absent.toml"),
           "SNAREWATCH_DATA_DIR": str(cwd / "data")}
    return subprocess.run([sys.executable, "-m", "snarewatch", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_sites_lists_profiles_as_json(tmp_path: Path) -> None:
    out = sw("sites", "--format", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    names = {row["name"] for row in json.loads(out.stdout)}
    assert {"demo", "generic"} <= names


def test_crawl_then_sql_and_resume_of_a_finished_crawl(tmp_path: Path, fault_site: str) -> None:
    profile = write_profile(tmp_path / "faults.toml",
                            seeds='["{base}/product/1", "{base}/err500", "{base}/private/x"]',
                            extra="[patterns]\nskip = ['/$']")
    out = sw("crawl", str(profile), "--base-url", fault_site, "--format", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    (summary,) = json.loads(out.stdout)
    assert summary["ads"] == 1 and summary["errors_by_kind"] == {"server_error": 1, "robots": 1}
    sql = sw("sql", "select title, price from ads", "--format", "json", cwd=tmp_path)
    assert json.loads(sql.stdout) == [{"title": "Antique ivory carving", "price": 450.0}]
    again = sw("crawl", str(profile), "--resume", summary["crawl_id"], "--format", "json",
               cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    resumed = json.loads(again.stdout)[0]
    assert resumed["run_fetched"] == 0 and resumed["fetched"] == 1  # nothing left to fetch


def test_crawl_errors_are_one_line_messages(tmp_path: Path) -> None:
    out = sw("crawl", "demo", cwd=tmp_path)
    assert out.returncode == 1 and "--base-url" in out.stderr and "Traceback" not in out.stderr
    out = sw("crawl", "nowhere", cwd=tmp_path)
    assert out.returncode == 1 and "unknown site" in out.stderr
    out = sw("crawl", "demo", "--resume", "nope", "--base-url", "http://127.0.0.1:1", cwd=tmp_path)
    assert out.returncode == 1 and "no crawl" in out.stderr
    out = sw("crawl", "demo", "--engine", "warp", "--base-url", "http://127.0.0.1:1", cwd=tmp_path)
    assert out.returncode == 1 and "engine" in out.stderr


class OnePage(BaseHTTPRequestHandler):
    """A product page served only at its exact URL, trailing slash included."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (stdlib name)
        ok = self.path == "/p/blue-widget/"
        body = PRODUCT.encode() if ok else b"<html><body>not found</body></html>"
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.parametrize("form", ["url", "start"])
def test_crawling_a_product_url_gives_its_ad(tmp_path: Path, form: str) -> None:
    with serve(OnePage) as base:
        url = f"{base}/p/blue-widget/"
        args = [url] if form == "url" else ["generic", "--start", url]
        out = sw("crawl", *args, "--max-pages", "1", "--site", "curio", "--format", "json",
                 cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    (summary,) = json.loads(out.stdout)
    assert summary["ads"] == 1 and summary["site"] == "curio"
    sql = sw("sql", "select site, title, price from ads", "--format", "json", cwd=tmp_path)
    assert json.loads(sql.stdout) == [{"site": "curio", "title": "Antique ivory carving",
                                       "price": 450.0}]


def test_generic_without_a_start_url_says_how(tmp_path: Path) -> None:
    out = sw("crawl", "generic", cwd=tmp_path)
    assert out.returncode == 1 and "--start" in out.stderr


def test_sites_new_writes_a_profile_that_lists_and_crawls(tmp_path: Path,
                                                          fault_site: str) -> None:
    out = sw("sites", "new", "curio-shop", "--base-url", fault_site, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    text = (tmp_path / "sites" / "curio-shop.toml").read_text()
    assert "[patterns]" in text and "# " in text  # commented, to be edited
    assert sw("sites", "new", "curio-shop", cwd=tmp_path).returncode == 1  # never overwritten
    listed = json.loads(sw("sites", "--format", "json", cwd=tmp_path).stdout)
    assert {"name": "curio-shop", "file": "sites/curio-shop.toml"}.items() <= {
        k: v for r in listed if r["name"] == "curio-shop" for k, v in r.items()}.items()
    crawl = sw("crawl", "curio-shop", "--start", f"{fault_site}/product/1", "--max-pages", "1",
               "--format", "json", cwd=tmp_path)
    assert crawl.returncode == 0, crawl.stderr
    assert json.loads(crawl.stdout)[0]["ads"] == 1
