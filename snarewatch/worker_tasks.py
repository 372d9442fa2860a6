"""Celery tasks: one per use case (crawl, label, train, classify, audit, detect, loop, demo),
and load, embed, pipeline, schedule firings, recovery.

A use case's task is a thin adapter: its payload is the job's `model_dump(mode="json")`, which
it validates back into the job and hands to the same `snarewatch.pipeline` use case the CLI
runs. Use cases import their stages inside their functions, so the worker's parent process
never loads Playwright or torch, and each forked pool process creates its own browser when it
first crawls.
A task records a `Run` when it starts and when it ends, keeps a journal entry while it runs
(`snarewatch.worker_runs`), and asks the loader to ingest what it wrote.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from celery import Celery, Task, chain

from snarewatch.config import ScheduleEntry, Settings
from snarewatch.pipeline import USE_CASES, use_case
from snarewatch.pipeline.jobs import CrawlJob, Job
from snarewatch.schema import stable_id, utcnow
from snarewatch.worker_hooks import WorkerHooks, file_lock
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
    "snarewatch.audit": "crawl",
    "snarewatch.detect": "ml",
    "snarewatch.loop": "ml",
    "snarewatch.demo": "ml",
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


def recover_lost_tasks(app: Celery, local_only: bool = False) -> list[str]:
    """Send again the tasks whose worker died mid-run (same task id, so a crawl resumes)."""
    settings: Settings = app.snarewatch_settings  # type: ignore[attr-defined]
    journal = Journal(settings)
    resent = []
    with file_lock(settings, "recover"):
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
    stats = as_stats(summary.stats() if hasattr(summary, "stats") else summary)
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
    def crawl(self: SnarewatchTask, **payload: Any) -> dict[str, Any]:
        """Crawl a site (or a batch of seed URLs); a re-delivered task resumes the same crawl."""
        job = CrawlJob.model_validate(payload)
        if not job.site and not job.seeds:
            raise ValueError("crawl needs a site or seeds")
        # The task id is the crawl id: one id per firing, kept by re-deliveries.
        job = job.model_copy(update={"crawl_id": job.crawl_id or self.request.id})

        def work(heartbeat: Callable[[], None]) -> Any:
            return use_case("crawl").run(self.settings, job, WorkerHooks(heartbeat),
                                         on_progress=lambda _progress: heartbeat())

        params = {k: v for k, v in job.payload().items() if k != "load"}
        stats = _tracked(self, "crawl", params, work, load_after=job.load)
        return {"crawl_id": job.crawl_id, **stats}

    @app.task(name="snarewatch.load", **opts)
    def load(self: SnarewatchTask) -> dict[str, Any]:
        """Ingest pending landing batches into the store (`load` queue, one at a time)."""
        from snarewatch.store import load_pending

        s = self.settings
        started = utcnow()
        with file_lock(s, "load"):
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
            from snarewatch.store.reads import item_fields
            from snarewatch.tasks import load_task

            spec = load_task(task)
            items = item_fields(self.settings.db_path, spec.item_kind)
            # The same texts and keys as the labeler's sampler, so its cache lookups hit.
            embed_texts([spec.render(item) for item in items], cache_dir=self.settings.cache_dir,
                        keys=[item["item_id"] for item in items])
            return {"task": task, "items": len(items)}

        return _tracked(self, "embed", {"task": task}, work, load_after=False)

    for name in USE_CASES:
        if name != "crawl":
            _use_case_task(app, name, opts)

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


INLINE_LOADS = frozenset({"loop", "demo"})
"""Use cases that read back what each step wrote, so their task loads as it goes."""


def _use_case_task(app: Celery, name: str, opts: dict[str, Any]) -> None:
    """Register `snarewatch.<name>`: validate the payload into the job, run the use case."""
    job_type: type[Job] = USE_CASES[name]

    def body(self: SnarewatchTask, **payload: Any) -> dict[str, Any]:
        job = job_type.model_validate(payload)

        def work(heartbeat: Callable[[], None]) -> Any:
            hooks = WorkerHooks(heartbeat, inline=name in INLINE_LOADS)
            return use_case(name).run(self.settings, job, hooks)

        load_after = bool(getattr(job, "load", getattr(job, "store", True)))
        return _tracked(self, name, job.payload(), work, load_after=load_after)

    body.__name__ = name
    body.__doc__ = f"Run the {name} use case on a {job_type.__name__} payload."
    app.task(name=f"snarewatch.{name}", **opts)(body)


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
