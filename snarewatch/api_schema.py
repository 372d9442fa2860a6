"""Request and response bodies of the local API (what the extension sends and reads).

Sizes are bounded here so one page can never make the server embed megabytes of text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from snarewatch.schema import ElementLook
from snarewatch.store.page_reads import StoredFinding
from snarewatch.taskspec import TaskSpec

MAX_ELEMENTS = 1000
MAX_TEXT_CHARS = 2000
MAX_URL_CHARS = 4096
ID_PATTERN = r"^[A-Za-z0-9_.:\-]+$"
"""Item ids: what `stable_id` and importers produce (no spaces, markup or control characters)."""


def http_url(value: str) -> str:
    """`value` if it is an absolute http(s) URL with a host; ValueError otherwise."""
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    return value.strip()


class _Body(BaseModel):
    # Unknown fields are ignored so an older server accepts a newer extension's requests.
    model_config = ConfigDict(extra="ignore", frozen=True)


FIELD_CHARS = {"text": MAX_TEXT_CHARS, "tag": 32, "role": 64, "color": 64,
               "background_color": 64, "input_type": 32}
"""Longest accepted value of each text field of a live element (a page cannot send megabytes)."""


class PageElement(_Body, ElementLook):
    """One visible element the content script found: its text, box and style."""

    id: str = Field(max_length=64, description="The client's handle for the element (echoed back).")
    kind: Literal["ui_element", "ad"] = "ui_element"
    href: str | None = Field(None, max_length=MAX_URL_CHARS, description="For ads: the ad's link.")

    @field_validator(*FIELD_CHARS)
    @classmethod
    def _bounded(cls, value: str | None, info: ValidationInfo) -> str | None:
        limit = FIELD_CHARS[str(info.field_name)]
        if value is not None and len(value) > limit:
            raise ValueError(f"at most {limit} characters")
        return value


class ClassifyRequest(_Body):
    """A page's visible elements (and ad cards or an ad's text) to classify."""

    url: str = Field(max_length=MAX_URL_CHARS)
    elements: list[PageElement] = Field(default_factory=list, max_length=MAX_ELEMENTS)
    tasks: list[str] | None = Field(
        None, max_length=16, description="Only these tasks (default all)."
    )


class Flag(BaseModel):
    """A positive prediction for one element: what it is, why, and how sure."""

    element: str = Field(description="The client's element id.")
    task: str
    item_id: str = Field(description="The id feedback refers to.")
    item_kind: Literal["ui_element", "ad"]
    label: str
    score: float
    threshold: float
    model_id: str
    why: str = Field(description="Why, in the user's words (the label's definition).")
    task_display: str = Field("", description="What people call the task (from its spec).")


class TaskState(BaseModel):
    """Which model answered for a task, and the label 'wrong' feedback records."""

    model_id: str | None
    negative_label: str | None
    item_kind: Literal["ui_element", "ad"]
    display_name: str | None = Field(None, description="What people call the task.")
    negative_display: str | None = Field(None, description="How people read the negative "
                                         "label (a 'this flag is wrong' button).")
    threshold: float | None = Field(None, description="Scores at or above it are flags.")
    classified: int = 0
    trust: str = Field("", description="How far to trust the model's flags: labels, F1, on what.")


class ClassifyResponse(BaseModel):
    """Flags for the positive elements only (the rest are clean)."""

    url: str
    flags: list[Flag]
    tasks: dict[str, TaskState]
    elements: int


class PageVerdictOut(BaseModel):
    """One decision for the page, the same `snarewatch audit` prints and the report lists."""

    deceptive: bool
    probability: float
    types: list[str]
    type_names: list[str]
    verified_types: list[str]


class FindingsResponse(BaseModel):
    """Everything stored about a page or ad: student findings and page findings."""

    url: str
    findings: list[StoredFinding]
    page_findings: list[dict[str, Any]]
    verdict: PageVerdictOut | None = Field(
        None, description="The page's newest verdict (snarewatch audit/detect), if any.")


class FeedbackRequest(_Body):
    """A user's verdict on one flag: `correct` keeps the label, `wrong` records the negative one."""

    task: str = Field(min_length=1, max_length=64)
    item_id: str = Field(min_length=1, max_length=64, pattern=ID_PATTERN)
    item_kind: Literal["ui_element", "ad"]
    verdict: Literal["correct", "wrong"]
    label: str = Field(min_length=1, max_length=128, description="The label the flag showed.")
    url: str = Field(max_length=MAX_URL_CHARS, description="The page, http(s) only.")
    text: str = Field("", max_length=MAX_TEXT_CHARS * 5)

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: str) -> str:
        # A javascript: or data: URL would be stored as an ad's link and shown to analysts.
        return http_url(value)


class FeedbackResponse(BaseModel):
    """The human label written for the feedback."""

    label_id: str
    task: str
    item_id: str
    value: str
    source: str
    created_at: datetime
    load: Literal["queued", "left-for-loader"]


class TaskInfo(BaseModel):
    """A task as readers show it, from its spec: the extension's names come from here."""

    name: str
    display_name: str
    item_kind: str
    positive: list[str]
    negative: str
    negative_display: str | None = None

    @classmethod
    def of(cls, spec: TaskSpec) -> TaskInfo:
        """What readers need of a task spec."""
        return cls(name=spec.name, display_name=spec.title, item_kind=spec.item_kind,
                   positive=list(spec.positive), negative=spec.negative_label,
                   negative_display=spec.negative_display)


class Health(BaseModel):
    """Server state: version, promoted models per task, database presence, the known tasks."""

    status: Literal["ok"] = "ok"
    version: str
    database: bool
    models: dict[str, str | None]
    tasks: list[TaskInfo] = Field(default_factory=list)
