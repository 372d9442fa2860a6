"""Every use case has a CLI command and a Celery task, and both hand it the same job."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from snarewatch.cli import app as cli_app
from snarewatch.config import Settings
from snarewatch.pipeline import USE_CASES
from snarewatch.pipeline.jobs import Job
from snarewatch.worker import create_app

# One command line per use case, with options away from their defaults.
COMMANDS: dict[str, list[str]] = {
    "crawl": ["crawl", "demo", "--max-pages", "3", "--engine", "http", "--no-load",
              "--site", "bazaar"],
    "label": ["label", "wildlife", "--budget", "5", "--backend", "fake", "--knn", "2",
              "--abstain", "--cascade", "--max-cost", "0.5", "--answer", "letters"],
    "train": ["train", "wildlife", "--student", "tfidf", "--folds", "3", "--seed", "2"],
    "classify": ["classify", "wildlife", "--verify", "--verify-budget", "7"],
    "audit": ["audit", "http://127.0.0.1:9/shop/x", "--wait", "0", "--no-checkout",
              "--no-store"],
    "detect": ["detect", "--limit", "3", "--no-student", "--force"],
    "loop": ["loop", "wildlife", "--rounds", "2", "--per-round", "10", "--max-cost", "1"],
    "demo": ["demo", "--budget", "10", "--max-pages", "5", "--seed", "1"],
}


class Called(Exception):
    """Raised by the stand-in use case once it has seen its job (the doors stop there)."""


def _cli_commands() -> set[str]:
    import typer.main

    group = typer.main.get_group(cli_app)
    return set(group.commands)


def test_every_use_case_has_a_command_and_a_task(settings: Settings) -> None:
    tasks = set(create_app(settings).tasks)
    assert set(COMMANDS) == set(USE_CASES)
    assert set(USE_CASES) <= _cli_commands()
    assert {f"snarewatch.{name}" for name in USE_CASES} <= tasks


@pytest.mark.parametrize("name", sorted(USE_CASES))
def test_cli_and_worker_run_the_same_use_case_with_the_same_job(
        name: str, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, Job]] = []

    def stand_in(s: Settings, job: Job, hooks: Any = None, **_: Any) -> Any:
        seen.append((str(s.data_dir), job))
        raise Called(name)

    monkeypatch.setattr(f"snarewatch.pipeline.{name}.run", stand_in)
    monkeypatch.setenv("SNAREWATCH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setattr("snarewatch.cli._common._settings", None)  # built once per process

    result = CliRunner().invoke(cli_app, COMMANDS[name])
    assert isinstance(result.exception, Called), result.output
    (cli_dir, cli_job), = seen
    assert isinstance(cli_job, USE_CASES[name])

    # The worker's payload is the job's JSON dump; the task validates it back.
    worker = create_app(settings).tasks[f"snarewatch.{name}"]
    outcome = worker.apply(kwargs=cli_job.payload(), task_id=f"doors-{name}")
    assert outcome.failed() and isinstance(outcome.result, Called)
    worker_dir, worker_job = seen[1]
    if name == "crawl":  # the task gives a crawl without an id its own task id
        assert worker_job.crawl_id == f"doors-{name}"
        worker_job = worker_job.model_copy(update={"crawl_id": cli_job.crawl_id})
    assert worker_job == cli_job
    assert worker_dir == cli_dir == str(settings.data_dir)
