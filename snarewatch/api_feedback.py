"""Feedback from the extension: which verdicts are accepted, the label and item they become,
and the loader pass that brings them into the store."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from urllib.parse import urlsplit

from fastapi import HTTPException

from snarewatch.api_predict import TaskModel
from snarewatch.api_schema import FeedbackRequest
from snarewatch.config import Settings
from snarewatch.errors import StoreError
from snarewatch.schema import Ad, Element, Label, stable_id, utcnow
from snarewatch.store.reads import item_exists

log = logging.getLogger(__name__)

FEEDBACK_SOURCE = "human:extension"
"""`Label.source` of a verdict given in the extension."""

_LOADER_SCRIPT = (
    "import sys; from pathlib import Path; from snarewatch.store import load_pending; "
    "load_pending(Path(sys.argv[1]), Path(sys.argv[2]), max_seconds=1.0)"
)


class FeedbackLoader:
    """Runs the store's loader after feedback, one pass at a time, off the request thread.

    The pass runs in a child process: inside this process DuckDB refuses a read-write open while
    any request holds a read-only connection (and vice versa), whereas across processes the file
    lock is retried with backoff on both sides.
    """

    def __init__(self, settings: Settings, timeout_s: float = 120.0) -> None:
        self.settings = settings
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._again = threading.Event()

    def kick(self) -> None:
        """Ask for a loader pass soon (coalesces bursts of feedback into few passes)."""
        self._again.set()
        threading.Thread(target=self._run, name="feedback-loader", daemon=True).start()

    def _run(self) -> None:
        if not self._lock.acquire(blocking=False):
            return  # the running pass will see _again and go round once more
        try:
            while self._again.is_set():
                self._again.clear()
                self._load_once()
        finally:
            self._lock.release()

    def _load_once(self) -> None:
        cmd = [
            sys.executable,
            "-c",
            _LOADER_SCRIPT,
            str(self.settings.db_path),
            str(self.settings.landing_dir),
        ]
        try:
            done = subprocess.run(
                cmd, capture_output=True, text=True, timeout=self.timeout_s, check=False
            )
        except subprocess.TimeoutExpired:
            log.warning("feedback loader timed out; the batch stays for the next loader run")
            return
        if done.returncode != 0:
            # The batch stays in landing/; the next loader run (any command) picks it up.
            tail = (done.stderr.strip().splitlines() or ["?"])[-1]
            log.warning("feedback left for the loader: %s", tail)


def check_feedback(body: FeedbackRequest, model: TaskModel | None, tasks: list[str]) -> None:
    """HTTPException 422 unless the feedback names a served task, its item kind and its label."""
    if model is None:
        known = ", ".join(tasks) or "none yet (promote a model first)"
        raise HTTPException(422, f"task: unknown task {body.task!r}; feedback is taken for "
                                 f"tasks with a promoted model: {known}")
    if body.item_kind != model.item_kind:
        raise HTTPException(422, f"item_kind: task {body.task!r} labels {model.item_kind!r} "
                                 f"items, not {body.item_kind!r}")
    labels = list(dict.fromkeys([*model.classes, *model.definitions]))
    if body.label not in labels:
        raise HTTPException(422, f"label: {body.label!r} is not a label of task {body.task!r} "
                                 f"({', '.join(labels)})")


def feedback_label(body: FeedbackRequest, model: TaskModel | None) -> Label:
    """The human label a checked verdict becomes ("wrong" means the task's negative label)."""
    value = body.label
    if body.verdict == "wrong":
        negative = model.negative_label if model is not None else None
        if negative is None:
            raise HTTPException(
                422, f"task {body.task!r} has no promoted model with a negative class"
            )
        value = negative
    now = utcnow()
    return Label(
        label_id=stable_id("feedback", body.task, body.item_id, value, now.isoformat()),
        task=body.task,
        item_id=body.item_id,
        item_kind=body.item_kind,
        value=value,
        probability=1.0,
        source=FEEDBACK_SOURCE,
        # A person's judgement: certain, on the side they chose (training weighs it as human).
        p_positive=0.0 if model is not None and value == model.negative_label else 1.0,
        created_at=now,
    )


def item_known(settings: Settings, item_id: str) -> bool:
    """Whether the store already holds the item (crawled or imported) a verdict names."""
    if not settings.db_path.exists():
        return False
    try:
        return item_exists(settings.db_path, item_id, timeout_s=2.0)
    except StoreError:
        return True  # unsure: never risk replacing a crawled ad with the extension's copy


def item_record(body: FeedbackRequest) -> Ad | Element:
    """The item a verdict judged, from the text the extension sent (for items never crawled)."""
    site = urlsplit(body.url).netloc or "extension"
    extra = {"via": "extension"}
    if body.item_kind == "ad":
        title, _, description = body.text.strip().partition("\n")
        return Ad(
            ad_id=body.item_id,
            site=site,
            url=body.url,
            source="import",
            title=title,
            description=description.strip(),
            extra=extra,
        )
    return Element(
        element_id=body.item_id,
        site=site,
        url=body.url,
        source="import",
        text=body.text.strip(),
        extra=extra,
    )
