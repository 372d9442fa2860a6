"""Worker benchmark: demo-site pages/min with 1 and 2 worker processes, and per-task broker overhead.

Starts real `snarewatch worker` processes against a temporary data dir. Brokers: the embedded
filesystem transport, and Redis (a `redis-server` is started on a free port when none answers on
127.0.0.1:6379; skipped if redis-server is not installed).

Usage: python benchmarks/workers.py [--crawls 4] [--pages 150] [--pings 200] [--engine auto]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import free_port, machine_line, write_result  # noqa: E402

from snarewatch.config import Settings  # noqa: E402

POLL_S = 0.01



def _redis_ok(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(port=port, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


class Deployment:
    """A data dir, a broker and the worker processes started on them."""

    def __init__(self, root: Path, broker_url: str | None) -> None:
        self.root, self.broker_url = root, broker_url
        root.mkdir(parents=True, exist_ok=True)
        self.procs: list[subprocess.Popen[bytes]] = []
        self.settings = Settings(data_dir=root / "data", broker_url=broker_url)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SNAREWATCH_")}
        env.update(SNAREWATCH_DATA_DIR=str(self.root / "data"),
                   SNAREWATCH_CONFIG=str(self.root / "none.toml"), HF_HUB_OFFLINE="1")
        if self.broker_url:
            env["SNAREWATCH_BROKER_URL"] = self.broker_url
        return env

    def worker(self, queues: str, concurrency: int) -> None:
        log = self.root / f"worker{len(self.procs)}.log"
        proc = subprocess.Popen([sys.executable, "-m", "snarewatch", "worker", "-Q", queues,
                                 "-c", str(concurrency), "--loglevel", "info"],
                                env=self.env(), stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.procs.append(proc)
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)

    def app(self) -> Any:
        from snarewatch.worker import create_app

        return create_app(self.settings)

    def close(self) -> None:
        for proc in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        self.procs.clear()


def broker_overhead(root: Path, broker_url: str | None, pings: int) -> dict[str, float]:
    """Round-trip latency of one tiny task, and throughput of a burst, through one worker."""
    dep = Deployment(root, broker_url)
    try:
        dep.worker("ml", 1)
        app = dep.app()
        # Results are polled every POLL_S on the file backend (Redis pushes them).
        app.send_task("snarewatch.ping", queue="ml").get(timeout=30, interval=POLL_S)  # warm-up
        rounds = 30
        t0 = time.perf_counter()
        for _ in range(rounds):
            app.send_task("snarewatch.ping", queue="ml").get(timeout=30, interval=POLL_S)
        latency = (time.perf_counter() - t0) / rounds
        t0 = time.perf_counter()
        results = [app.send_task("snarewatch.ping", queue="ml") for _ in range(pings)]
        for r in results:
            r.get(timeout=300, interval=POLL_S)
        burst = time.perf_counter() - t0
        return {"round_trip_ms": round(latency * 1000, 1), "burst_tasks": pings,
                "burst_tasks_per_s": round(pings / burst, 1),
                "per_task_ms_in_burst": round(burst / pings * 1000, 2)}
    finally:
        dep.close()


def crawl_throughput(root: Path, base_url: str, processes: int, crawls: int, pages: int,
                     engine: str) -> dict[str, float]:
    """Pages per minute for `crawls` crawl tasks of `pages` pages on `processes` pool processes."""
    dep = Deployment(root, None)
    try:
        dep.worker("crawl", processes)
        app = dep.app()
        t0 = time.perf_counter()
        results = [app.send_task("snarewatch.crawl",
                                 kwargs={"site": "demo", "base_url": base_url, "max_pages": pages,
                                         "engine": engine, "keywords": [f"kw{i}"],
                                         "crawl_id": f"bench-{processes}-{i}", "load": False},
                                 task_id=f"bench-{processes}-{i}", queue="crawl")
                   for i in range(crawls)]
        fetched = sum(r.get(timeout=1800)["fetched"] for r in results)
        seconds = time.perf_counter() - t0
        return {"processes": processes, "crawls": crawls, "pages": fetched,
                "seconds": round(seconds, 1), "pages_per_min": round(fetched * 60 / seconds)}
    finally:
        dep.close()


def main() -> None:
    """Measure and print both figures, then save them to benchmarks/out/workers.json."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--crawls", type=int, default=4, help="Crawl tasks per measurement.")
    parser.add_argument("--pages", type=int, default=150, help="max_pages of each crawl.")
    parser.add_argument("--pings", type=int, default=200, help="Tasks in the overhead burst.")
    parser.add_argument("--engine", default="auto", choices=["auto", "http", "browser"])
    parser.add_argument("--only", choices=["brokers", "crawl"], help="Measure one part only.")
    args = parser.parse_args()
    print(machine_line())
    figures: dict[str, Any] = {"args": vars(args), "brokers": {}, "crawl": [],
                               "load_average_at_start": os.getloadavg()}
    redis_proc = None
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        brokers: dict[str, str | None] = {"filesystem": None}
        if _redis_ok(6379):
            brokers["redis"] = "redis://127.0.0.1:6379/9"
        elif shutil.which("redis-server"):
            port = free_port()
            redis_proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind",
                                           "127.0.0.1", "--save", ""], stdout=subprocess.DEVNULL)
            while not _redis_ok(port):
                time.sleep(0.05)
            brokers["redis"] = f"redis://127.0.0.1:{port}/9"
        try:
            for name, url in brokers.items() if args.only != "crawl" else ():
                figures["brokers"][name] = res = broker_overhead(root / name, url, args.pings)
                print(f"broker {name:10s}: round trip {res['round_trip_ms']} ms/task; burst of "
                      f"{args.pings}: {res['burst_tasks_per_s']} tasks/s "
                      f"({res['per_task_ms_in_burst']} ms/task), 1 worker process")
        finally:
            if redis_proc is not None:
                redis_proc.terminate()
                redis_proc.wait()
        from demo_site.server import serve_in_thread

        with serve_in_thread(n_ads=1600) as base:
            for processes in (1, 2) if args.only != "brokers" else ():
                res = crawl_throughput(root / f"crawl{processes}", base, processes, args.crawls,
                                       args.pages, args.engine)
                figures["crawl"].append(res)
                print(f"demo crawl, {processes} worker process(es): {res['pages']} pages "
                      f"({res['crawls']} crawls, engine {args.engine}) in {res['seconds']} s = "
                      f"{res['pages_per_min']} pages/min")
    figures["load_average_at_end"] = os.getloadavg()
    print(f"load average (1, 5, 15 min) at start {figures['load_average_at_start']}, "
          f"at end {figures['load_average_at_end']}: other work on the machine slows every figure")
    path = write_result("workers" if not args.only else f"workers-{args.only}", figures)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
