"""`snarewatch serve` under abuse: floods, a busy store, hostile feedback and foreign Host names."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from faultkit import Server, serve, train_wildlife

from snarewatch.config import Settings


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`snarewatch serve --rate 5` (burst 20) over a store with a promoted wildlife student."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("api") / "data")
    train_wildlife(settings)
    with serve(settings.data_dir, "--rate", "5") as srv:
        yield srv


def test_an_unauthenticated_flood_never_starves_the_token_holder(server: Server):
    with server.client(token=False) as anon:
        codes = [anon.get("/v1/health").status_code for _ in range(400)]
    assert set(codes) <= {401, 429} and codes[0] == 401
    assert codes[-1] == 429  # failures are limited too, on their own budget
    with server.client() as extension:
        assert [extension.get("/v1/health").status_code for _ in range(10)] == [200] * 10


def test_a_busy_store_answers_503_without_paths_or_pids(server: Server):
    # A writer holding the database file is what a long loader pass looks like to the API.
    db = server.data_dir / "snarewatch.duckdb"
    writer = duckdb.connect(str(db))
    try:
        with server.client() as c:
            resp = c.get("/v1/findings", params={"url": "http://market.test/ad/1"})
    finally:
        writer.close()
    assert resp.status_code == 503
    body = resp.text
    for secret in (str(server.data_dir), str(db), sys.executable, "snarewatch.duckdb"):
        assert secret not in body, body
    assert "PID" not in body.upper() and "/" not in resp.json()["detail"]
    assert resp.headers.get("retry-after")
    with server.client() as c:  # and it recovers once the writer is gone
        assert c.get("/v1/findings", params={"url": "http://market.test/ad/1"}).status_code == 200


GOOD = {"task": "wildlife", "item_id": "live-1", "item_kind": "ad", "verdict": "correct",
        "label": "wildlife_product", "url": "https://market.test/ad/99", "text": "Ivory comb"}


@pytest.mark.parametrize("change, words", [
    ({"task": "made-up-task"}, ["task", "made-up-task", "wildlife"]),
    ({"label": "not_a_label"}, ["label", "not_a_label", "wildlife_product"]),
    ({"url": "javascript:alert(document.cookie)"}, ["url", "http"]),
    ({"url": "data:text/html,<script>x</script>"}, ["url", "http"]),
    ({"url": "https://"}, ["url"]),
    ({"item_kind": "ui_element"}, ["item_kind", "ad"]),
    ({"item_id": "x" * 65}, ["item_id"]),
    ({"text": "x" * 20_001}, ["text"]),
    ({"label": "wildlife_product\n<script>"}, ["label"]),
])
def test_hostile_feedback_is_refused_with_a_clear_422(server: Server, change, words):
    landing = server.data_dir / "landing"
    before = sorted(landing.rglob("*.parquet"))
    with server.client() as c:
        resp = c.post("/v1/feedback", json={**GOOD, **change})
    assert resp.status_code == 422, resp.text
    detail = resp.json()["detail"]
    assert isinstance(detail, str) and all(w in detail for w in words), detail
    assert sorted(landing.rglob("*.parquet")) == before  # nothing stored


def test_good_feedback_is_still_accepted(server: Server):
    with server.client() as c:
        resp = c.post("/v1/feedback", json=GOOD)
    assert resp.status_code == 200, resp.text
    assert resp.json()["value"] == "wildlife_product"


@pytest.mark.parametrize("host, ok", [
    ("127.0.0.1:{port}", True), ("localhost:{port}", True), ("[::1]:{port}", True),
    ("127.0.0.1", True), ("evil.test:{port}", False), ("attacker.example", False),
    ("127.0.0.1.evil.test:{port}", False), ("", False),
])
def test_only_loopback_host_names_are_answered(server: Server, host: str, ok: bool):
    with server.client() as c:
        resp = c.get("/v1/health", headers={"Host": host.format(port=server.port)})
    if ok:
        assert resp.status_code == 200, resp.text
    else:
        assert resp.status_code in (400, 421), resp.text
        assert "models" not in resp.text


def test_the_server_log_keeps_what_the_client_is_not_told(server: Server, tmp_path: Path):
    log = (server.data_dir.parent / f"serve-{server.port}.log").read_text(errors="replace")
    assert "store" in log.lower()  # the 503 above was logged with its cause


def test_other_origins_and_oversized_bodies_are_refused(server: Server):
    with server.client() as c:
        page = c.get("/v1/health", headers={"Origin": "http://evil.test"})
        assert page.status_code == 403 and "access-control-allow-origin" not in page.headers
        big = {"url": "http://shop.test/", "elements": [{"id": "e", "text": "x" * 2000}] * 1000}
        assert c.post("/v1/classify", json=big).status_code == 413

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts the bytes
            yield b'{"url": "http://shop.test/", "elements": ['
            for _ in range(3000):
                yield b'{"id": "e", "text": "' + b"x" * 1000 + b'"},'
            yield b'{"id": "e", "text": "x"}]}'

        resp = c.post("/v1/classify", content=chunks(),
                      headers={"Content-Type": "application/json"})
        assert resp.status_code == 413
