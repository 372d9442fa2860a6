"""Helpers for worker tests: an isolated deployment whose worker and beat run as subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from snarewatch.config import Settings

REDIS_PORT = 6379


def redis_up(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@dataclass
class Env:
    """An isolated deployment: data dir, config file, broker, and the processes started in it."""

    root: Path
    broker_url: str | None
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    @property
    def config(self) -> Path:
        return self.root / "snarewatch.toml"

    def settings(self) -> Settings:
        return Settings(data_dir=self.root / "data", broker_url=self.broker_url)

    def environ(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SNAREWATCH_")}
        env.update(SNAREWATCH_DATA_DIR=str(self.root / "data"), SNAREWATCH_CONFIG=str(self.config),
                   HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1")
        if self.broker_url:
            env["SNAREWATCH_BROKER_URL"] = self.broker_url
        return env

    def start(self, *args: str, ready: str | None = "ready.",
              timeout: float = 60) -> subprocess.Popen[bytes]:
        """Start `snarewatch ARGS` in its own process group; wait for `ready` in its log."""
        log = self.root / f"proc{len(self.procs)}-{args[0]}.log"
        fh = log.open("wb")
        proc = subprocess.Popen([sys.executable, "-m", "snarewatch", *args], cwd=self.root,
                                env=self.environ(), stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.procs.append(proc)
        self.logs.append(log)
        if ready:
            wait_for(lambda: ready in log.read_text(errors="replace") or proc.poll() is not None,
                     timeout, f"{args} to be ready")
            if proc.poll() is not None:
                raise AssertionError(f"{args} exited: {log.read_text(errors='replace')[-3000:]}")
        return proc

    def worker(self, queues: str = "crawl,ml", concurrency: int = 1) -> subprocess.Popen[bytes]:
        """A worker consuming `queues` (the loader is a worker on `load` alone)."""
        return self.start("worker", "-Q", queues, "-c", str(concurrency), "--loglevel", "info")

    def kill(self, proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        """Signal a whole process group (the worker and its pool) and reap it."""
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def app(self):  # type: ignore[no-untyped-def]
        from snarewatch.worker import create_app

        return create_app(self.settings())

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                self.kill(proc, signal.SIGKILL)
        # Orphaned pool processes of SIGKILLed workers are in the same groups.
        for proc in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def wait_for(predicate: Callable[[], object], timeout: float, what: str) -> None:
    """Poll until `predicate()` is truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


