"""The Celery app: configuration, task bookkeeping (runs, journal), firing and recovery."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from snarewatch.config import ScheduleEntry, Settings
from snarewatch.worker import (
    QUEUES,
    ROUTES,
    celery_config,
    create_app,
    fire_entry,
    recover_lost_tasks,
)
from snarewatch.worker_runs import Journal, worker_dir


def _landed_runs(settings: Settings) -> list[dict[str, Any]]:
    folder = settings.landing_dir / "runs"
    return [row for p in sorted(folder.glob("*.parquet")) for row in pq.read_table(p).to_pylist()]


def test_importing_the_worker_loads_no_stage() -> None:
    code = ("import sys, snarewatch.worker, snarewatch.cli.worker_cmd; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'crawler', 'labeler', 'classifiers', 'playwright', 'torch'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_robust_defaults_on_the_filesystem_broker(settings: Settings) -> None:
    conf = celery_config(settings)
    assert conf["task_acks_late"] and conf["task_reject_on_worker_lost"]
    assert conf["worker_prefetch_multiplier"] == 1
    assert conf["worker_max_tasks_per_child"] == 20
    assert conf["broker_url"] == "filesystem://"
    queue = Path(conf["broker_transport_options"]["data_folder_in"])
    assert queue.is_dir() and queue.is_relative_to(settings.data_dir.resolve())
    assert conf["result_backend"].startswith("file://")
    assert {r["queue"] for r in conf["task_routes"].values()} == set(QUEUES)
    assert "snarewatch:recover-lost-tasks" in conf["beat_schedule"]


def test_redis_broker_url_is_used_for_results_too(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path, broker_url="redis://127.0.0.1:6379/2")
    conf = celery_config(s, max_tasks_per_child=5, max_memory_mb=None)
    assert conf["broker_url"] == conf["result_backend"] == "redis://127.0.0.1:6379/2"
    assert conf["worker_max_tasks_per_child"] == 5 and conf["worker_max_memory_per_child"] is None


def test_every_task_is_registered(settings: Settings) -> None:
    app = create_app(settings)
    assert set(ROUTES) <= set(app.tasks)


def test_a_failing_task_records_a_failed_run_with_its_reason(settings: Settings) -> None:
    app = create_app(settings)
    result = app.tasks["snarewatch.crawl"].apply(kwargs={"site": "no-such-site"}, task_id="t1")
    assert result.failed()
    runs = _landed_runs(settings)
    assert [r["status"] for r in runs] == ["running", "failed"]
    assert runs[-1]["run_id"] == "t1" and "unknown site" in runs[-1]["error"]
    assert Journal(settings).get("t1") is None  # failed for good: nothing to recover
    # A load was asked for, so the failure reaches the store.
    assert any(p.name.endswith(".load.msg") for p in (worker_dir(settings) / "queue").iterdir())


class _Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, name: str, **options: Any) -> Any:
        self.sent.append((name, options))
        return type("Result", (), {"id": options.get("task_id") or "generated"})()


def test_fire_entry_sends_crawls_with_ids_from_the_firing(settings: Settings,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(settings)
    recorder = _Recorder()
    monkeypatch.setattr(app, "send_task", recorder)
    entry = ScheduleEntry(name="often", site="demo", every_minutes=5,
                          options={"max_pages": 3, "queue": "crawl_demo"})
    first = fire_entry(app, entry, key="firing-1")
    again = fire_entry(app, entry, key="firing-1")
    other = fire_entry(app, entry, key="firing-2")
    assert first == again and first["task_id"] != other["task_id"]
    name, options = recorder.sent[0]
    assert name == "snarewatch.crawl" and options["queue"] == "crawl_demo"
    # The crawl takes its task id as crawl id: one id per firing, kept by re-deliveries.
    assert options["task_id"] == first["task_id"] and "crawl_id" not in options["kwargs"]
    assert options["kwargs"] == {"site": "demo", "max_pages": 3}
    fire_entry(app, ScheduleEntry(name="re", task="wildlife", every_minutes=5))
    assert recorder.sent[-1][0] == "snarewatch.classify"


def test_recovery_resends_tasks_of_dead_processes_once(settings: Settings,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(settings)
    recorder = _Recorder()
    monkeypatch.setattr(app, "send_task", recorder)
    journal = Journal(settings)
    journal.start("alive", "snarewatch.crawl", {"site": "a"}, "crawl")  # this process: alive
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    entry = journal.start("lost", "snarewatch.crawl", {"site": "b", "crawl_id": "lost"}, "crawl",
                          chain=[{"task": "snarewatch.load"}])
    entry.pid, entry.pid_started = dead.pid, ""
    journal._write(entry)
    assert recover_lost_tasks(app) == ["lost"]
    name, options = recorder.sent[0]
    assert name == "snarewatch.crawl" and options["task_id"] == "lost"
    assert options["chain"] == [{"task": "snarewatch.load"}] and options["queue"] == "crawl"
    assert recover_lost_tasks(app) == []  # already re-sent: not twice
    # The re-sent task starts again in a new process: it counts as a second attempt.
    assert journal.start("lost", "snarewatch.crawl", {}, "crawl").attempts == 2


def test_a_task_lost_too_often_is_marked_failed(settings: Settings,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(settings)
    monkeypatch.setattr(app, "send_task", _Recorder())
    journal = Journal(settings)
    entry = journal.start("doomed", "snarewatch.crawl", {"site": "x"}, "crawl")
    entry.pid, entry.pid_started, entry.attempts = 999_999_999, "", 3
    journal._write(entry)
    assert recover_lost_tasks(app) == []
    run = _landed_runs(settings)[-1]
    assert run["run_id"] == "doomed" and run["status"] == "failed" and "lost" in run["error"]
    assert journal.get("doomed") is None


def test_an_unreaped_killed_process_counts_as_dead() -> None:
    import time

    from snarewatch.worker_runs import _proc_stat, _process_start, process_alive

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    started = _process_start(child.pid)
    assert process_alive(child.pid, started)
    assert not process_alive(child.pid, "1")  # same pid, another process (recycled pid)
    child.kill()
    deadline = time.monotonic() + 10
    while _proc_stat(child.pid)[0] != "Z" and time.monotonic() < deadline:
        time.sleep(0.02)  # until it is a zombie: killed but not yet reaped
    assert not process_alive(child.pid, started)
    child.wait()
    assert not process_alive(child.pid, started)


def test_a_batch_of_seeds_is_one_crawl_each(settings: Settings) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on: every fetch fails fast
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_app(settings)
    result = app.tasks["snarewatch.crawl"].apply(
        kwargs={"seeds": [f"{dead}/a", f"{dead}/b"], "crawl_id": "batch"}, task_id="batch")
    stats = result.get()
    assert stats["crawl_id"] == "batch" and stats["crawls"] == 2
    assert stats["errors"] >= 2 and stats["ads"] == 0  # failures are counted, not raised
    states = sorted(p.name for p in (settings.data_dir / "crawls").iterdir() if p.is_dir())
    assert len(states) == 2 and "batch" not in states  # one crawl id per seed
