"""The guard: token, CORS origin, body size and rate limits."""

from __future__ import annotations

import stat

from fastapi.testclient import TestClient

from snarewatch.api import create_app
from snarewatch.api_auth import EXTENSION_ORIGIN, load_or_create_token, token_path

TOKEN = "test-token-0123456789abcdef"
LOCAL = "http://127.0.0.1"
"""The API answers only to loopback Host names."""


def test_token_created_once_with_owner_only_permissions(tmp_path):
    first = load_or_create_token(tmp_path)
    assert len(first) >= 32
    assert stat.S_IMODE(token_path(tmp_path).stat().st_mode) == 0o600
    assert load_or_create_token(tmp_path) == first


def test_token_file_permissions_are_tightened(tmp_path):
    load_or_create_token(tmp_path)
    token_path(tmp_path).chmod(0o644)
    load_or_create_token(tmp_path)
    assert stat.S_IMODE(token_path(tmp_path).stat().st_mode) == 0o600


def test_requests_without_the_token_are_refused(settings, models):
    app = create_app(settings, token=TOKEN, models=models)
    with TestClient(app, base_url=LOCAL) as c:
        for method, path in [
            ("get", "/v1/health"),
            ("get", "/v1/findings?url=http://x/"),
            ("post", "/v1/classify"),
            ("post", "/v1/feedback"),
            ("get", "/openapi.json"),
        ]:
            assert getattr(c, method)(path).status_code == 401, path
        assert c.get("/v1/health", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/v1/health", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
        assert c.get("/v1/health", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert c.get("/v1/health", headers={"X-Snarewatch-Token": TOKEN}).status_code == 200


def test_server_token_comes_from_the_data_dir(settings, models):
    app = create_app(settings, models=models)
    token = token_path(settings.data_dir).read_text().strip()
    with TestClient(app, base_url=LOCAL) as c:
        assert c.get("/v1/health", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_cors_allows_only_the_extension_origin(client):
    ok = client.options(
        "/v1/classify",
        headers={
            "Origin": EXTENSION_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == EXTENSION_ORIGIN
    assert "authorization" in ok.headers["access-control-allow-headers"]
    got = client.get("/v1/health", headers={"Origin": EXTENSION_ORIGIN})
    assert got.status_code == 200 and got.headers["access-control-allow-origin"] == EXTENSION_ORIGIN

    for origin in (
        "https://evil.example",
        "http://127.0.0.1:9999",
        "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
        "null",
    ):
        pre = client.options(
            "/v1/classify", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
        )
        assert pre.status_code == 403 and "access-control-allow-origin" not in pre.headers
        # Even with the token, a request a web page sends is refused.
        direct = client.get("/v1/health", headers={"Origin": origin})
        assert direct.status_code == 403 and "access-control-allow-origin" not in direct.headers


def test_extra_origins_can_be_allowed(settings, models):
    app = create_app(
        settings, token=TOKEN, models=models, allowed_origins=("chrome-extension://other",)
    )
    with TestClient(app, base_url=LOCAL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        assert (
            c.get("/v1/health", headers={"Origin": "chrome-extension://other"}).status_code == 200
        )
        assert c.get("/v1/health", headers={"Origin": EXTENSION_ORIGIN}).status_code == 403


def test_large_bodies_are_refused(settings, models):
    app = create_app(settings, token=TOKEN, models=models, max_body_bytes=1000)
    with TestClient(app, base_url=LOCAL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        big = {
            "url": "http://x/",
            "elements": [{"id": str(i), "text": "x" * 50} for i in range(40)],
        }
        assert c.post("/v1/classify", json=big).status_code == 413

        def chunks():
            yield b'{"url": "http://x/", "elements": ['
            for _ in range(100):
                yield b'{"id": "a", "text": "' + b"y" * 40 + b'"},'
            yield b'{"id": "b", "text": "z"}]}'

        chunked = c.post(
            "/v1/classify", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert chunked.status_code == 413


def test_bursts_beyond_the_rate_are_refused(settings, models):
    app = create_app(settings, token=TOKEN, models=models, rate_per_s=1, burst=3)
    with TestClient(app, base_url=LOCAL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        codes = [c.get("/v1/health").status_code for _ in range(6)]
    assert codes[:3] == [200, 200, 200]
    assert 429 in codes[3:]


def test_openapi_schema_is_published_behind_the_token(client):
    schema = client.get("/openapi.json").json()
    assert {"/v1/health", "/v1/findings", "/v1/classify", "/v1/feedback"} <= set(schema["paths"])
    assert client.get("/docs").status_code == 404
