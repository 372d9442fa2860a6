"""The loader runs once per data dir and dies with the worker that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

READY = "ready."


class Deployment:
    """Worker processes on the filesystem broker for one data dir; all killed at the end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.procs: list[subprocess.Popen[bytes]] = []

    def environ(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SNAREWATCH_")}
        env.update(SNAREWATCH_DATA_DIR=str(self.root / "data"), HF_HUB_OFFLINE="1",
                   SNAREWATCH_CONFIG=str(self.root / "absent.toml"), PYTHONUNBUFFERED="1")
        return env

    def start(self, *args: str, ready: bool = True) -> tuple[subprocess.Popen[bytes], Path]:
        """`snarewatch worker ARGS` in its own session; waits for Celery's "ready." line."""
        log = self.root / f"worker{len(self.procs)}.log"
        with log.open("wb") as fh:
            proc = subprocess.Popen([sys.executable, "-m", "snarewatch", "worker", *args,
                                     "--loglevel", "info"], cwd=self.root, env=self.environ(),
                                    stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        if ready:
            wait_for(lambda: READY in log.read_text(errors="replace") or proc.poll() is not None,
                     90, f"worker {args} to be ready")
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        return proc, log

    def loaders(self) -> list[psutil.Process]:
        """Main processes of loader workers (`worker -Q load`) on this data dir."""
        found = []
        for p in psutil.process_iter(["cmdline", "status", "ppid"]):
            try:
                cmd = p.info["cmdline"] or []
                if (p.info["status"] != psutil.STATUS_ZOMBIE and "worker" in cmd and "-Q" in cmd
                        and cmd[cmd.index("-Q") + 1] == "load"
                        and p.environ().get("SNAREWATCH_DATA_DIR") == str(self.root / "data")):
                    found.append(p)
            except (psutil.Error, IndexError):
                continue
        # Pool processes are forks of their worker, with the same command line.
        pids = {p.pid for p in found}
        return [p for p in found if p.info["ppid"] not in pids]

    def close(self) -> None:
        for proc in self.procs:
            for group in {proc.pid, *(p.pid for p in self.loaders())}:
                try:
                    os.killpg(group, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for p in self.loaders():
            p.kill()


def wait_for(predicate: Callable[[], object], timeout: float, what: str) -> None:
    """Poll until `predicate()` is truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    """Workers for a fresh data dir."""
    d = Deployment(tmp_path)
    try:
        yield d
    finally:
        d.close()


def test_a_sigkilled_worker_takes_its_loader_along(deployment: Deployment):
    worker, log = deployment.start("-Q", "ml,load", "-c", "1")
    wait_for(lambda: log.read_text(errors="replace").count(READY) >= 2 and deployment.loaders(),
             90, "the worker and its loader to be ready")
    (loader,) = deployment.loaders()
    family = [loader, *loader.children(recursive=True)]
    os.kill(worker.pid, signal.SIGKILL)  # the worker alone, as the OOM killer would
    worker.wait(timeout=10)
    wait_for(lambda: not any(_alive(p) for p in family), 30,
             "the loader and its pool to exit after their worker was killed")

    # A restarted worker runs exactly one loader.
    deployment.start("-Q", "ml,load", "-c", "1")
    wait_for(deployment.loaders, 90, "the new loader")
    time.sleep(2)
    assert len(deployment.loaders()) == 1


def test_a_second_loader_on_the_same_data_dir_refuses_to_start(deployment: Deployment):
    first, _ = deployment.start("-Q", "load")
    second, log = deployment.start("-Q", "load", ready=False)
    try:
        code = second.wait(timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("a second loader started on a data dir that has one")
    assert code == 1
    text = log.read_text(errors="replace")
    assert f"pid {first.pid}" in text and "Traceback" not in text
    assert READY not in text
    assert first.poll() is None  # the first loader is untouched
