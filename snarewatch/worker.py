"""The Celery app: crawl, load, embed, label, train, classify and pipeline tasks, run by workers.

Brokers: with no `broker_url` the queues are folders under `data_dir/worker/` (kombu's filesystem
transport: no server to install, one machine); `SNAREWATCH_BROKER_URL=redis://host:6379/0` lets
several machines share the work. Queues: `crawl` (browsers), `ml` (embed, label, train, classify,
schedule firings) and `load` (the store's single loader; consume it with concurrency 1).

Run a worker with `snarewatch worker`, or `celery -A snarewatch.worker worker -Q crawl`.
Stages are imported inside the tasks, so a worker's parent process never loads Playwright or
torch, and each forked pool process creates its own browser when it first crawls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import Celery
from celery.signals import worker_ready

from snarewatch.config import ScheduleEntry, Settings, load_settings
from snarewatch.worker_runs import worker_dir
from snarewatch.worker_schedule import beat_schedule
from snarewatch.worker_tasks import (
    RECOVER_EVERY_MIN,
    ROUTES,
    SnarewatchTask,
    fire_entry,
    pipeline_chain,
    recover_lost_tasks,
    register_tasks,
)

log = logging.getLogger(__name__)

QUEUES = ("crawl", "ml", "load")
"""Every queue; a worker consumes some of them (`snarewatch worker -Q crawl,ml`)."""

__all__ = ["QUEUES", "ROUTES", "SnarewatchTask", "celery_config", "create_app", "fire_entry",
           "pipeline_chain", "recover_lost_tasks"]


def celery_config(settings: Settings, max_tasks_per_child: int = 20,
                  max_memory_mb: int | None = 2048) -> dict[str, Any]:
    """Celery settings for snarewatch: late acks, prefetch 1, recycled pool processes."""
    wdir = worker_dir(settings).resolve()
    conf: dict[str, Any] = {
        "task_acks_late": True,  # a task is acknowledged when it ends, not when it starts
        "task_reject_on_worker_lost": True,  # a killed pool process puts its task back
        "worker_prefetch_multiplier": 1,  # a busy worker does not sit on queued crawls
        "worker_max_tasks_per_child": max_tasks_per_child,  # recycles browsers and leaked memory
        "worker_max_memory_per_child": max_memory_mb * 1024 if max_memory_mb else None,
        "task_routes": {name: {"queue": q} for name, q in ROUTES.items()},
        "task_default_queue": "ml",
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_expires": 7 * 24 * 3600,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        "worker_send_task_events": False,
        "enable_utc": True,
        "beat_schedule_filename": str(wdir / "beat-schedule"),
        "beat_schedule": _beat_schedule(settings.schedule),
    }
    if settings.broker_url:
        conf["broker_url"] = settings.broker_url
        conf["result_backend"] = settings.broker_url
        # Redis hands an unacknowledged task to another worker after this long.
        conf["broker_transport_options"] = {"visibility_timeout": 6 * 3600}
    else:
        for sub in ("queue", "processed", "results", "control"):
            (wdir / sub).mkdir(parents=True, exist_ok=True)
        conf["broker_url"] = "filesystem://"
        conf["broker_transport_options"] = {
            "data_folder_in": str(wdir / "queue"),
            "data_folder_out": str(wdir / "queue"),
            # Claiming a message is a rename within one file system, so two workers never both
            # get it; the load task prunes the claimed files.
            "store_processed": True,
            "processed_folder": str(wdir / "processed"),
            "control_folder": str(wdir / "control"),
            # Folders are polled; with prefetch 1 a worker takes one message per poll.
            "polling_interval": 0.1,
        }
        conf["result_backend"] = f"file://{wdir / 'results'}"
    return conf


def _beat_schedule(entries: list[ScheduleEntry]) -> dict[str, dict[str, Any]]:
    schedule = beat_schedule(entries)
    schedule["snarewatch:recover-lost-tasks"] = {
        "task": "snarewatch.recover", "schedule": timedelta(minutes=RECOVER_EVERY_MIN),
        "options": {"queue": "ml", "expires": RECOVER_EVERY_MIN * 60},
    }
    # Tasks ask for a load when they end; this catches batches whose load request was lost.
    schedule["snarewatch:load"] = {
        "task": "snarewatch.load", "schedule": timedelta(minutes=RECOVER_EVERY_MIN),
        "options": {"queue": "load", "expires": RECOVER_EVERY_MIN * 60},
    }
    return schedule


def create_app(settings: Settings | None = None, **config: Any) -> Celery:
    """A Celery app for these settings, with every snarewatch task registered."""
    settings = settings or load_settings()
    app = Celery("snarewatch", set_as_current=False)
    app.conf.update(celery_config(settings, **config))
    app.snarewatch_settings = settings  # type: ignore[attr-defined]
    register_tasks(app)
    worker_ready.connect(_make_on_ready(app), weak=False)
    return app


def _make_on_ready(app: Celery) -> Callable[..., None]:
    def on_ready(sender: Any = None, **_: Any) -> None:
        if getattr(sender, "app", None) is app:
            recover_lost_tasks(app, local_only=True)
    return on_ready


_default_app: Celery | None = None


def __getattr__(name: str) -> Any:
    # `celery -A snarewatch.worker` looks up `app`; build it on first use, not at import, so that
    # importing this module never reads settings or touches the broker.
    global _default_app
    if name in {"app", "celery"}:
        if _default_app is None:
            _default_app = create_app()
        return _default_app
    raise AttributeError(name)
