"""`snarewatch worker|beat|status|schedule`: background crawls and pipelines on Celery workers."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import typer

from snarewatch.cli._common import OutputFormat, console, esc, print_rows, settings

if TYPE_CHECKING:
    from snarewatch.config import Settings

WORKER_EXAMPLES = """\
Examples:

  snarewatch worker                         # one machine: all queues (loader runs alone)
  snarewatch worker -Q crawl --concurrency 2  # a crawling machine (needs SNAREWATCH_BROKER_URL)
  snarewatch worker -Q load                 # the one machine that owns the database
  SNAREWATCH_BROKER_URL=redis://10.0.0.5:6379/0 snarewatch worker -Q crawl,ml
"""

BEAT_EXAMPLES = """\
Examples:

  snarewatch schedule add demo-hourly --site demo --every 60 -o base_url=http://127.0.0.1:8300
  snarewatch beat                           # fires the schedule; run exactly one beat
"""

STATUS_EXAMPLES = """\
Examples:

  snarewatch status                 # queues, running and recent runs, failures, crawls, findings
  snarewatch status --since 7d      # findings new in the last week
  snarewatch status --format json | jq .failures
"""

SCHEDULE_EXAMPLES = """\
Examples:

  snarewatch schedule add demo-hourly --site demo --every 60 -o max_pages=200
  snarewatch schedule add nightly --site demo --task wildlife --cron "0 3 * * *"
  snarewatch schedule add reclassify --task wildlife --every 360
  snarewatch schedule list --format json
  snarewatch schedule run demo-hourly     # send it to the workers now
  snarewatch schedule remove demo-hourly
"""


def _split_queues(queues: str | None) -> list[str]:
    from snarewatch.worker import QUEUES

    names = [q.strip() for q in (queues or ",".join(QUEUES)).split(",") if q.strip()]
    for name in names:
        if "." in name or not name:
            raise typer.BadParameter(f"queue name {name!r} may not contain dots")
    return names


def _celery_argv(command: str, queues: list[str], concurrency: int | None, loglevel: str,
                 name: str | None = None) -> list[str]:
    # Mingle and gossip sync state between workers at start and while running; snarewatch keeps
    # its own state on disk, so they would only slow start-up and add broker traffic.
    argv = [command, "--loglevel", loglevel, "-Q", ",".join(queues), "--pool", "prefork",
            "--without-mingle", "--without-gossip"]
    if concurrency:
        argv += ["--concurrency", str(concurrency)]
    argv += ["-n", name or f"{'+'.join(queues)}.{os.getpid()}@%h"]
    return argv


def _run_loader(celery_app: Any, s: Settings, loglevel: str, lock_wait: float) -> None:
    """The single-process loader worker: under the data dir's loader lock, tied to its parent
    worker when it has one, with pool processes that die with it."""
    import signal

    from celery.signals import worker_process_init

    from snarewatch.worker_loader import PARENT_ENV, LoaderLock, die_with_parent
    from snarewatch.worker_runs import worker_dir

    lock = LoaderLock(worker_dir(s)).acquire(wait_s=lock_wait)
    parent = os.environ.pop(PARENT_ENV, "")
    if parent.isdigit():
        die_with_parent(int(parent))

    def pool_process_init(**_: Any) -> None:
        # Loads are transactions per batch: a pool process killed mid-batch leaves nothing half
        # done, and must not go on loading (holding the lock) after its worker is gone.
        die_with_parent(os.getppid(), signal.SIGKILL)

    worker_process_init.connect(pool_process_init, weak=False)
    try:
        celery_app.worker_main(_celery_argv("worker", ["load"], 1, loglevel))
    finally:
        lock.release()


def register(app: typer.Typer) -> None:
    """Add `worker`, `beat`, `status` and the `schedule` group."""

    @app.command("worker", epilog=WORKER_EXAMPLES)
    def worker(
        queues: str = typer.Option(None, "--queues", "-Q",
                                   help="Comma-separated queues: crawl, ml, load (default: all)."),
        concurrency: int = typer.Option(
            None, "--concurrency", "-c", min=1,
            help="Pool processes (default: CPU count); load always uses 1."),
        max_tasks_per_child: int = typer.Option(
            20, "--max-tasks-per-child", min=1,
            help="Recycle a pool process (and its browser) after this many tasks."),
        max_memory_mb: int = typer.Option(
            2048, "--max-memory-mb", min=0,
            help="Recycle a pool process above this resident memory (0: never)."),
        loglevel: str = typer.Option("info", "--loglevel", "-l", help="Celery log level."),
        lock_wait: float = typer.Option(
            5.0, "--lock-wait", min=0, hidden=True,
            help="Seconds a loader waits for another loader on the data dir to exit."),
    ) -> None:
        """Run a worker that consumes crawl, ml and/or load tasks until stopped (Ctrl-C).

        The loader (`load` queue) must run in exactly one process of the deployment: asked for
        together with other queues it is started as its own single-process worker beside them,
        and dies with it. A loader refuses to start while another one runs on the data dir.
        """
        from snarewatch.worker import create_app

        wanted = _split_queues(queues)
        others = [q for q in wanted if q != "load"]
        s = settings()
        celery_app = create_app(s, max_tasks_per_child=max_tasks_per_child,
                                max_memory_mb=max_memory_mb or None)
        if not others:
            _run_loader(celery_app, s, loglevel, lock_wait)
            return
        loader: subprocess.Popen[bytes] | None = None
        if "load" in wanted:
            from snarewatch.worker_loader import PARENT_ENV

            # A killed predecessor's loader may still be finishing a batch: wait for it longer.
            loader = subprocess.Popen([sys.executable, "-m", "snarewatch", "worker", "-Q", "load",
                                       "--loglevel", loglevel, "--lock-wait", "60"],
                                      env={**os.environ, PARENT_ENV: str(os.getpid())})
        try:
            celery_app.worker_main(_celery_argv("worker", others, concurrency, loglevel))
        finally:
            if loader is not None:
                loader.terminate()
                try:
                    loader.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    loader.kill()

    @app.command("beat", epilog=BEAT_EXAMPLES)
    def beat(
        loglevel: str = typer.Option("info", "--loglevel", "-l", help="Celery log level."),
    ) -> None:
        """Fire the schedule entries of the config file on time (run one beat per deployment)."""
        from snarewatch.worker import create_app

        s = settings()
        celery_app = create_app(s)
        n = len(s.schedule)
        console.print(f"beat: {n} schedule entr{'y' if n == 1 else 'ies'}, broker "
                      f"{esc(_broker(s))}", highlight=False)
        celery_app.start(["beat", "--loglevel", loglevel,
                          "-s", celery_app.conf.beat_schedule_filename])

    @app.command("status", epilog=STATUS_EXAMPLES)
    def status(
        since: str = typer.Option("24h", "--since",
                                  help="Window for new findings: 24h, 7d, or an ISO time."),
        limit: int = typer.Option(15, "--limit", min=1, help="Recent runs to list."),
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f",
                                         help="Output format."),
    ) -> None:
        """Show queues, tasks in flight, runs, failures, last crawl per site, new findings.

        Safe while workers run: the store is read read-only, retrying while the loader writes.
        """
        from snarewatch.worker_status import collect_status, parse_since, status_json

        snap = collect_status(settings(), since=parse_since(since), limit=limit)
        if fmt is OutputFormat.json:
            import json

            sys.stdout.write(json.dumps(status_json(snap), indent=2, ensure_ascii=False) + "\n")
            return
        _print_status(snap, fmt)

    schedule = typer.Typer(
        help="Scheduled crawls and pipelines (schedule entries of the config file).",
        no_args_is_help=True)

    @schedule.command("list", epilog=SCHEDULE_EXAMPLES)
    def schedule_list(
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f",
                                         help="Output format."),
    ) -> None:
        """List the schedule entries of the config file."""
        from snarewatch.config import config_file
        from snarewatch.worker_schedule import entry_action, read_entries

        rows = [{"name": e.name, "runs": entry_action(e), "site": e.site, "task": e.task,
                 "every_minutes": e.every_minutes, "cron": e.cron, "options": e.options}
                for e in read_entries(config_file())]
        print_rows(rows, fmt, title=f"schedule in {config_file()}")

    @schedule.command("add", epilog=SCHEDULE_EXAMPLES)
    def schedule_add(
        name: str = typer.Argument(..., help="A unique name for the entry."),
        site: str = typer.Option(None, "--site", help="Site to crawl."),
        task: str = typer.Option(None, "--task", help="Task whose new items to classify."),
        every: float = typer.Option(None, "--every", help="Interval in minutes."),
        cron: str = typer.Option(None, "--cron", help='5-field cron, e.g. "0 */6 * * *" (UTC).'),
        option: list[str] = typer.Option(
            [], "--option", "-o",
            help="KEY=VALUE passed to the crawl (max_pages, keywords, base_url, ...)."),
    ) -> None:
        """Add an entry: --site crawls, --task classifies new items, both run the whole pipeline."""
        from snarewatch.config import ScheduleEntry, config_file
        from snarewatch.worker_schedule import add_entry, entry_action, parse_option

        options = dict(parse_option(o) for o in option)
        entry = ScheduleEntry(name=name, site=site, task=task, every_minutes=every, cron=cron,
                              options=options)
        add_entry(config_file(), entry)
        console.print(f"added schedule {esc(repr(name))} ({esc(entry_action(entry))}) to "
                      f"{esc(config_file())}; "
                      "restart `snarewatch beat` to pick it up")

    @schedule.command("remove", epilog=SCHEDULE_EXAMPLES)
    def schedule_remove(name: str = typer.Argument(..., help="Entry to remove.")) -> None:
        """Remove an entry from the config file (the rest of the file is left untouched)."""
        from snarewatch.config import config_file
        from snarewatch.worker_schedule import remove_entry

        remove_entry(config_file(), name)
        console.print(f"removed schedule {esc(repr(name))} from {esc(config_file())}")

    @schedule.command("run", epilog=SCHEDULE_EXAMPLES)
    def schedule_run(
        name: str = typer.Argument(..., help="Entry to send to the workers now."),
    ) -> None:
        """Send one entry's work to the workers now, without waiting for beat."""
        from snarewatch.errors import ConfigError
        from snarewatch.worker import create_app, fire_entry

        s = settings()
        match = [e for e in s.schedule if e.name == name]
        if not match:
            raise ConfigError(f"no schedule named {name!r} (see `snarewatch schedule list`)")
        sent = fire_entry(create_app(s), match[0])
        console.print(f"sent {esc(repr(name))}: {esc(sent)}")

    app.add_typer(schedule, name="schedule")


def _broker(s: Any) -> str:
    from snarewatch.worker_status import broker_label

    return broker_label(s)


def _section(rows: list[dict[str, Any]], fmt: OutputFormat, title: str) -> None:
    if rows:
        print_rows(rows, fmt, title=title)
    elif fmt is OutputFormat.table:
        console.print(f"[bold]{esc(title)}[/bold]: none", highlight=False)


def _print_status(snap: Any, fmt: OutputFormat) -> None:
    console.print(f"[bold]broker[/bold] {esc(snap.broker)}", highlight=False)
    print_rows([{"queue": q, "waiting": "?" if n is None else n} for q, n in snap.queues.items()],
               fmt, title="queues")
    _section([{**e, "started_at": _when(e["started_at"])} for e in snap.in_flight], fmt,
             "tasks in flight")
    _section([{"run_id": r["run_id"], "kind": r["kind"], "status": r["status"],
               "started": _when(r["started_at"]), "finished": _when(r["finished_at"]),
               "stats": _short(r.get("stats"))} for r in snap.runs], fmt, "recent runs")
    _section([{"run_id": r["run_id"], "kind": r["kind"], "finished": _when(r["finished_at"]),
               "error": r["error"]} for r in snap.failures], fmt, "failures")
    _section([{"site": c["site"], "crawl_id": c["crawl_id"], "status": c["status"],
               "started": _when(c["started_at"]), "finished": _when(c["finished_at"]),
               "stats": _short(c.get("stats"))} for c in snap.crawls], fmt,
             "last crawl per site")
    _section([{**f, "latest": _when(f["latest"])} for f in snap.findings], fmt,
             f"new findings since {snap.since:%Y-%m-%d %H:%M} UTC")
    for problem in snap.problems:
        console.print(f"[yellow]warning:[/yellow] {esc(problem)}", highlight=False)


def _when(value: Any) -> str:
    from datetime import datetime

    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return f"{value:%Y-%m-%d %H:%M:%S}" if isinstance(value, datetime) else str(value)


# The counts people look at first; other stats follow in their own order.
_FIRST_STATS = ("fetched", "ads", "errors", "predicted", "positive", "labelled", "rows", "items")


def _short(stats: Any, width: int = 40) -> str:
    if not isinstance(stats, dict):
        return "" if stats is None else str(stats)[:width]
    keys = [k for k in _FIRST_STATS if k in stats] + [k for k in stats if k not in _FIRST_STATS]
    text = ", ".join(f"{k}={stats[k]}" for k in keys
                     if not isinstance(stats[k], dict | list) and k not in {"crawl_id", "site"})
    return text if len(text) <= width else text[: width - 1] + "…"
