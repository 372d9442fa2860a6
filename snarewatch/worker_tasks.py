"""Celery tasks: crawl, load, embed, label, train, classify, pipeline, schedule firings, recovery.

Each task body imports its stage inside the function, so the worker's parent process never loads
Playwright or torch, and each forked pool process creates its own browser when it first crawls.
A task records a `Run` when it starts and when it ends, keeps a journal entry while it runs
(`snarewatch.worker_runs`), and asks the loader to ingest what it wrote.
"""

from __future__ import annotations

import fcntl
import logging
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from celery import Celery, Task, chain

from snarewatch.config import ScheduleEntry, Settings
from snarewatch.schema import stable_id, utcnow
from snarewatch.worker_runs import Journal, as_stats, run_record, worker_dir, write_run
from snarewatch.worker_schedule import entry_message

log = logging.getLogger(__name__)

ROUTES = {
    "snarewatch.crawl": "crawl",
    "snarewatch.load": "load",
    "snarewatch.embed": "ml",
    "snarewatch.label": "ml",
    "snarewatch.train": "ml",
    "snarewatch.classify": "ml",
    "snarewatch.pipeline": "ml",
    "snarewatch.recover": "ml",
    "snarewatch.ping": "ml",
}
MAX_ATTEMPTS = 3
"""A task lost with its worker this many times (say, it kills the machine) is marked failed."""
RECOVER_EVERY_MIN = 5.0
HEARTBEAT_EVERY_S = 20.0


class SnarewatchTask(Task):  # type: ignore[misc]
    """Base task: knows the settings the app was built with."""

    @property
    def settings(self) -> Settings:
        """The app's settings (built once, in the parent, before the pool forks)."""
        return self.app.snarewatch_settings  # type: ignore[no-any-return]


@contextmanager


def _file_lock(settings: Settings, name: str) -> Iterator[None]:
    path = worker_dir(settings) / f"{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def recover_lost_tasks(app: Celery, local_only: bool = False) -> list[str]:
    """Send again the tasks whose worker died mid-run (same task id, so a crawl resumes)."""
    settings: Settings = app.snarewatch_settings  # type: ignore[attr-defined]
    journal = Journal(settings)
    resent = []
    with _file_lock(settings, "recover"):
        for entry in journal.orphans():
            if local_only and entry.host != socket.gethostname() and entry.requeued_at is None:
                continue
            if entry.attempts >= MAX_ATTEMPTS:
                write_run(settings, run_record(
                    entry.task_id, entry.name.removeprefix("snarewatch."),
                    datetime.fromisoformat(entry.started_at), entry.kwargs, status="failed",
                    error=f"lost with its worker {entry.attempts} times; not retried again"))
                journal.finish(entry.task_id)
                continue
            app.send_task(entry.name, kwargs=entry.kwargs, task_id=entry.task_id,
                          queue=entry.queue, chain=entry.chain)
            journal.mark_requeued(entry)
            log.warning("re-sent lost task %s %s (attempt %d)", entry.name, entry.task_id,
                        entry.attempts + 1)
            resent.append(entry.task_id)
    return resent


def send_load(app: Celery) -> None:
    """Ask the loader to ingest what landed (cheap when there is nothing)."""
    app.send_task("snarewatch.load", queue="load")


def _tracked(task: SnarewatchTask, kind: str, params: dict[str, Any],
             work: Callable[[Callable[[], None]], Any], *, load_after: bool) -> dict[str, Any]:
    """Run a task body with a journal entry, Run records and a load afterwards."""
    settings = task.settings
    request = task.request
    run_id = request.id or stable_id(kind, params, utcnow())
    journal = Journal(settings)
    queue = (request.delivery_info or {}).get("routing_key") or ROUTES[task.name]
    journal.start(run_id, task.name, dict(request.kwargs or {}), queue, chain=request.chain)
    started = utcnow()
    write_run(settings, run_record(run_id, kind, started, params))
    last_beat = [time.monotonic()]

    def heartbeat() -> None:
        if time.monotonic() - last_beat[0] > HEARTBEAT_EVERY_S:
            journal.touch(run_id)
            last_beat[0] = time.monotonic()

    try:
        summary = work(heartbeat)
    except Exception as exc:
        write_run(settings, run_record(run_id, kind, started, params, status="failed",
                                       error=f"{type(exc).__name__}: {exc}"))
        journal.finish(run_id)
        if load_after:
            send_load(task.app)
        raise
    stats = as_stats(summary)
    write_run(settings, run_record(run_id, kind, started, params, status="done", stats=stats))
    journal.finish(run_id)
    if load_after:
        send_load(task.app)
    return stats


def register_tasks(app: Celery) -> None:
    """Add every snarewatch task to `app` (names `snarewatch.<task>`)."""
    # shared=False: each app gets its own tasks (several apps may live in one process).
    opts: dict[str, Any] = {"bind": True, "base": SnarewatchTask, "acks_late": True,
                            "shared": False}

    @app.task(name="snarewatch.crawl", **opts)
    def crawl(self: SnarewatchTask, site: str | None = None, seeds: list[str] | None = None,
              crawl_id: str | None = None, load: bool = True, **options: Any) -> dict[str, Any]:
        """Crawl a site (or a batch of seed URLs); a re-delivered task resumes the same crawl."""
        if not site and not seeds:
            raise ValueError("crawl needs a site or seeds")
        crawl_id = crawl_id or self.request.id
        # A batch of seeds is one crawl per seed, each with an id derived from the batch's.
        targets = [(site, crawl_id)] if site else [
            (seed, stable_id(crawl_id, seed, length=12)) for seed in seeds or []]

        def work(heartbeat: Callable[[], None]) -> Any:
            return crawl_targets(self.settings, targets, heartbeat, options)

        params = {"site": site, "seeds": seeds, "crawl_id": crawl_id, **options}
        stats = _tracked(self, "crawl", params, work, load_after=load)
        return {"crawl_id": crawl_id, **stats}

    @app.task(name="snarewatch.load", **opts)
    def load(self: SnarewatchTask) -> dict[str, Any]:
        """Ingest pending landing batches into the store (`load` queue, one at a time)."""
        from snarewatch.store import load_pending

        s = self.settings
        started = utcnow()
        with _file_lock(s, "load"):
            report = load_pending(s.db_path, s.landing_dir)
        _prune_processed(s)
        stats = as_stats(report)
        if report.failed:
            write_run(s, run_record(self.request.id or stable_id("load", started), "load", started,
                                    {}, status="failed", stats=stats,
                                    error=f"{len(report.failed)} batches quarantined"))
        return stats

    @app.task(name="snarewatch.embed", **opts)
    def embed(self: SnarewatchTask, task: str) -> dict[str, Any]:
        """Embed a task's items into the labeler's cache (so label and train start warm)."""
        def work(_: Callable[[], None]) -> Any:
            from labeler.embed import embed_texts
            from labeler.items import load_items
            from labeler.taskspecs import load_task

            spec = load_task(task)
            items = load_items(self.settings.db_path, spec.item_kind)
            # The same texts and keys as the labeler's sampler, so its cache lookups hit.
            embed_texts([spec.render(item) for item in items], cache_dir=self.settings.cache_dir,
                        keys=[item["item_id"] for item in items])
            return {"task": task, "items": len(items)}

        return _tracked(self, "embed", {"task": task}, work, load_after=False)

    @app.task(name="snarewatch.label", **opts)
    def label(self: SnarewatchTask, task: str, **options: Any) -> dict[str, Any]:
        """Label a diverse sample of a task's items with the LLM (budget, method, backend, seed)."""
        def work(_: Callable[[], None]) -> Any:
            from labeler.run import label_items
            from labeler.taskspecs import load_task

            return label_items(self.settings, load_task(task), **options)

        return _tracked(self, "label", {"task": task, **options}, work, load_after=True)

    @app.task(name="snarewatch.train", **opts)
    def train(self: SnarewatchTask, task: str, student: str = "auto") -> dict[str, Any]:
        """Train a student for a task from its current labels."""
        def work(_: Callable[[], None]) -> Any:
            from classifiers.train import train_task

            return train_task(self.settings, task, student=student)

        return _tracked(self, "train", {"task": task, "student": student}, work, load_after=True)

    @app.task(name="snarewatch.classify", **opts)
    def classify(self: SnarewatchTask, task: str, model_id: str | None = None,
                 since: str | None = None, load: bool = True) -> dict[str, Any]:
        """Classify items (captured since `since`, ISO time) with the promoted or given model."""
        def work(_: Callable[[], None]) -> Any:
            from classifiers.classify import classify_task

            when = datetime.fromisoformat(since) if since else None
            return classify_task(self.settings, task, model_id=model_id, since=when)

        params = {"task": task, "model_id": model_id, "since": since}
        return _tracked(self, "classify", params, work, load_after=load)

    @app.task(name="snarewatch.pipeline", **opts)
    def pipeline(self: SnarewatchTask, site: str, task: str, crawl_queue: str = "crawl",
                 **options: Any) -> dict[str, Any]:
        """Start the chain crawl -> load -> classify new items -> load; returns the crawl id."""
        crawl_id = stable_id("pipeline", site, task, self.request.id)
        pipeline_chain(app, site, task, crawl_id=crawl_id, crawl_queue=crawl_queue,
                       **options).apply_async()
        return {"crawl_id": crawl_id}

    @app.task(name="snarewatch.recover", **opts)
    def recover(self: SnarewatchTask) -> list[str]:
        """Re-send tasks whose worker died (any machine, judged by journal heartbeats)."""
        return recover_lost_tasks(app)

    @app.task(name="snarewatch.ping", **opts)
    def ping(self: SnarewatchTask) -> dict[str, Any]:
        """Answer with this worker's host and process id (health checks, broker benchmarks)."""
        import os
        import socket

        return {"host": socket.gethostname(), "pid": os.getpid()}


def crawl_targets(settings: Settings, targets: list[tuple[str, str]],
                  heartbeat: Callable[[], None], options: dict[str, Any]) -> dict[str, Any]:
    """Crawl each (target, crawl id), resuming a crawl whose frontier already exists."""
    from crawler.run import run_crawl
    from crawler.summary import crawl_state_dir

    totals: dict[str, Any] = {"crawls": 0, "fetched": 0, "ads": 0, "errors": 0, "resumed": 0}
    statuses = []
    for target, crawl_id in targets:
        started = (crawl_state_dir(settings, crawl_id) / "frontier.sqlite").exists()
        resume = crawl_id if started else None
        summary = run_crawl(settings, target, crawl_id=None if resume else crawl_id,
                            resume=resume, on_progress=lambda _progress: heartbeat(), **options)
        totals["crawls"] += 1
        totals["resumed"] += int(resume is not None)
        totals["fetched"] += summary.fetched
        totals["ads"] += summary.ads
        totals["errors"] += sum(summary.errors_by_kind.values())
        statuses.append(summary.status)
        if len(targets) == 1:
            totals.update(as_stats(summary))
    totals["status"] = "done" if all(st == "done" for st in statuses) else ",".join(statuses)
    return totals


def pipeline_chain(app: Celery, site: str, task: str, crawl_id: str, since: str | None = None,
                   crawl_queue: str = "crawl", **crawl_options: Any) -> Any:
    """The chain crawl -> load -> classify items captured since the start -> load."""
    since = since or utcnow().isoformat()
    return chain(
        app.signature("snarewatch.crawl", kwargs={"site": site, "crawl_id": crawl_id,
                                                  "load": False, **crawl_options},
                      queue=crawl_queue, immutable=True).set(task_id=crawl_id),
        app.signature("snarewatch.load", queue="load", immutable=True),
        app.signature("snarewatch.classify", kwargs={"task": task, "since": since, "load": False},
                      queue="ml", immutable=True),
        app.signature("snarewatch.load", queue="load", immutable=True),
    )


def fire_entry(app: Celery, entry: ScheduleEntry, key: str | None = None) -> dict[str, Any]:
    """Send one schedule entry's task now; the same `key` gives the same task (and crawl) id."""
    name, kwargs, queue = entry_message(entry)
    task_id = stable_id("fire", entry.name, key, length=24) if key else None
    result = app.send_task(name, kwargs=kwargs, queue=queue, task_id=task_id)
    return {"task": name, "task_id": result.id}


def _prune_processed(settings: Settings, older_than_s: float = 3600.0) -> int:
    folder = worker_dir(settings) / "processed"
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than_s
    removed = 0
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
