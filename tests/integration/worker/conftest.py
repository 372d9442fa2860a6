"""Fixtures: deployments on the filesystem broker and on Redis (started here if none runs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_http import free_port
from worker_env import REDIS_PORT, Env, redis_up


@pytest.fixture(scope="session")
def redis_port() -> Iterator[int]:
    """A Redis on 127.0.0.1: the CI one on 6379, else one started here on a free port."""
    if redis_up(REDIS_PORT):
        yield REDIS_PORT
        return
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed and no Redis runs on 127.0.0.1:6379")
        pytest.skip("redis-server not installed")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not redis_up(port):
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(params=["filesystem", pytest.param("redis", marks=pytest.mark.redis)])
def env(request: pytest.FixtureRequest, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    """A deployment on the embedded broker, and the same on Redis."""
    broker = None
    if request.param == "redis":
        import redis

        port = request.getfixturevalue("redis_port")
        # One database per test process: parallel test workers never share a queue.
        db = 3 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
        redis.Redis(host="127.0.0.1", port=port, db=db).flushdb()
        broker = f"redis://127.0.0.1:{port}/{db}"
    deployment = Env(root=tmp_path, broker_url=broker)
    monkeypatch.setenv("SNAREWATCH_CONFIG", str(deployment.config))
    try:
        yield deployment
    finally:
        deployment.close()


@pytest.fixture
def fs_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    """A deployment on the embedded (filesystem) broker only."""
    deployment = Env(root=tmp_path, broker_url=None)
    monkeypatch.setenv("SNAREWATCH_CONFIG", str(deployment.config))
    try:
        yield deployment
    finally:
        deployment.close()
