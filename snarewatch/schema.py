"""Records that cross a boundary: Parquet rows, Celery payloads, API bodies.

Every record is a frozen pydantic model whose fields match one table of the store, named by
`__table__`. Dict fields are stored as JSON text; list fields as DuckDB lists.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

ItemKind = Literal["ad", "ui_element", "page"]


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (every timestamp in the store is UTC)."""
    return datetime.now(UTC)


def stable_id(*parts: object, length: int = 16) -> str:
    """A short deterministic id from parts (sha256 hex prefix): same inputs, same id."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return digest[:length]


class Record(BaseModel):
    """Base of all stored records: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    __table__: ClassVar[str]
    __key__: ClassVar[tuple[str, ...]]


class Run(Record):
    """One run of a pipeline stage (crawl, import, label, train, classify) and its counts."""

    __table__ = "runs"
    __key__ = ("run_id",)
    run_id: str
    kind: str
    started_at: datetime
    finished_at: datetime | None = None
    status: Literal["running", "done", "partial", "suspect", "failed", "interrupted"] = "running"
    params: dict[str, Any] = Field(default_factory=dict)
    stats: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None


class Crawl(Record):
    """A crawl of one site (or of ad-hoc seed URLs)."""

    __table__ = "crawls"
    __key__ = ("crawl_id",)
    crawl_id: str
    site: str
    started_at: datetime
    finished_at: datetime | None = None
    # partial: some pages failed (counted in stats); failed: no page could be fetched.
    status: Literal["running", "done", "partial", "failed", "interrupted"] = "running"
    params: dict[str, Any] = Field(default_factory=dict)
    stats: dict[str, Any] = Field(default_factory=dict)


class PageCapture(Record):
    """The outcome of fetching one URL, successful or not (failures are data too)."""

    __table__ = "page_captures"
    __key__ = ("capture_id",)
    capture_id: str
    crawl_id: str
    site: str
    url: str
    final_url: str | None = None
    kind: Literal["listing", "ad", "page", "other"] = "page"
    outcome: str = "ok"  # ok | http_error | timeout | robots | blocked | too_large | not_html | ...
    error: str | None = None
    status: int | None = None
    engine: Literal["http", "browser"] = "http"
    depth: int = 0
    fetched_at: datetime = Field(default_factory=utcnow)
    elapsed_ms: float = 0.0
    bytes: int = 0
    title: str | None = None
    html_sha256: str | None = None
    screenshot_sha256: str | None = None


class Ad(Record):
    """A marketplace ad, crawled or imported. `field_sources` says where each field came from."""

    __table__ = "ads"
    __key__ = ("ad_id",)
    ad_id: str
    site: str
    url: str | None = None
    source: Literal["crawl", "import"] = "crawl"
    crawl_id: str | None = None
    capture_id: str | None = None
    title: str = ""
    description: str = ""
    price: float | None = None
    currency: str | None = None
    seller: str | None = None
    seller_url: str | None = None
    location: str | None = None
    posted_at: str | None = None
    category: str | None = None
    language: str | None = None
    image_urls: list[str] = Field(default_factory=list)
    field_sources: dict[str, str] = Field(default_factory=dict)
    content_hash: str = ""
    repost_cluster: str | None = None
    captured_at: datetime = Field(default_factory=utcnow)
    extra: dict[str, Any] = Field(default_factory=dict)

    @property
    def text(self) -> str:
        """The text classifiers and the LLM read: title, then description."""
        return f"{self.title}\n{self.description}".strip()


class ElementLook(BaseModel):
    """What a UI element shows: its tag, role, text, box and style.

    Declared once for the element a crawl stores (`Element`) and the one the extension sends
    live (`api_schema.PageElement`), so both carry the same evidence to the classifiers.
    """

    tag: str = ""
    role: str | None = None
    text: str = ""
    x: float | None = None
    y: float | None = None
    width: float | None = None
    height: float | None = None
    font_size: float | None = None
    font_weight: int | None = None
    color: str | None = None
    background_color: str | None = None
    visible: bool = True
    input_type: str | None = None
    checked: bool | None = None
    in_overlay: bool = False


class _ElementPlace(Record):
    """Where an element was seen (first, so the fields keep the order of the table's columns)."""

    element_id: str
    capture_id: str | None = None
    site: str
    url: str | None = None
    source: Literal["crawl", "import"] = "crawl"
    idx: int = 0


class Element(ElementLook, _ElementPlace):
    """A visible text-bearing or interactive UI element of a rendered page, with its box and style."""

    __table__ = "ui_elements"
    __key__ = ("element_id",)
    selector: str | None = None
    captured_at: datetime = Field(default_factory=utcnow)
    extra: dict[str, Any] = Field(default_factory=dict)


class Sample(Record):
    """One item chosen for labelling by a sampling run (method, parameters and seed recorded)."""

    __table__ = "samples"
    __key__ = ("sample_run_id", "item_id")
    sample_run_id: str
    task: str
    item_id: str
    item_kind: ItemKind
    method: str
    params: dict[str, Any] = Field(default_factory=dict)
    seed: int = 0
    round: int = 0
    cluster: int | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Label(Record):
    """A label of one item for one task: by an LLM, a human or a rule. `value=None` is an abstention."""

    __table__ = "labels"
    __key__ = ("label_id",)
    label_id: str
    task: str
    item_id: str
    item_kind: ItemKind
    value: str | None = None
    probability: float | None = None
    source: str  # llm:<model> | human:<name> | rule:<name>
    model: str | None = None
    prompt_hash: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0
    error: str | None = None
    run_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    p_positive: float | None = None  # LLM labels: the calibrated P(positive side) behind `value`
    decision: str | None = None  # LLM labels: how `value` was decided from the teacher's answer

    @property
    def is_human(self) -> bool:
        """True for labels a person gave; they override LLM labels everywhere."""
        return self.source.startswith("human:")


class Answer(Record):
    """The teacher's raw answer to one prompt: probabilities over labels, before any decision.

    Answers are the LLM cache (same prompt, model and parameters: same answer, no new call) and
    what a labelling run calibrates its decisions on; `Label` records carry the decisions.
    `probabilities` is keyed by label name, or by "(positive)"/"(negative)" when a yes/no answer
    decided only the side.
    """

    __table__ = "answers"
    __key__ = ("answer_id",)
    answer_id: str
    task: str
    item_id: str
    item_kind: ItemKind
    model: str
    prompt_hash: str
    question: str  # the answer format: yesno | letters | names
    probabilities: dict[str, float] = Field(default_factory=dict)
    p_positive: float  # raw P(positive side), uncalibrated
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0
    run_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Verification(Record):
    """The teacher's second look at one student flag before it becomes a finding."""

    __table__ = "verifications"
    __key__ = ("verification_id",)
    verification_id: str
    task: str
    item_id: str
    model_id: str  # the student whose flag was checked
    verifier: str  # llm:<model>
    verdict: Literal["confirmed", "rejected", "failed"]
    p_positive: float | None = None  # the verifier's calibrated P(positive)
    threshold: float | None = None  # confirmed when p_positive >= threshold
    error: str | None = None
    seconds: float = 0.0
    run_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class ModelInfo(Record):
    """A trained student in the registry; `card` holds its metrics and provenance."""

    __table__ = "models"
    __key__ = ("model_id",)
    model_id: str
    task: str
    student: str
    path: str
    classes: list[str] = Field(default_factory=list)
    threshold: float | None = None
    card: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=utcnow)


class Promotion(Record):
    """Marks a model as the one to use for its task from `promoted_at` on (latest wins)."""

    __table__ = "model_promotions"
    __key__ = ("task", "model_id", "promoted_at")
    task: str
    model_id: str
    promoted_at: datetime = Field(default_factory=utcnow)


class Prediction(Record):
    """A student's prediction for one item.

    `score` is the probability of the task's positive labels summed, `positive` is
    `score >= threshold`, and `label` names the most likely positive class when positive, else
    the most likely negative class.
    """

    __table__ = "predictions"
    __key__ = ("task", "item_id", "model_id")
    task: str
    item_id: str
    item_kind: ItemKind
    model_id: str
    label: str
    score: float
    threshold: float
    positive: bool
    run_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class PageFinding(Record):
    """A deceptive-pattern finding on a page: type, element box and the evidence behind it."""

    __table__ = "page_findings"
    __key__ = ("finding_id",)
    finding_id: str
    capture_id: str | None = None
    site: str
    url: str
    element_id: str | None = None
    l1: str
    l2: str
    score: float
    verified_deceptive: Literal["yes", "no", "unknown"] = "unknown"
    check: str  # which detector produced it: student | timer | stock | preselect | banner | drip | ...
    explanation: str = ""
    recommendation: str = ""
    evidence: dict[str, Any] = Field(default_factory=dict)
    box: list[float] = Field(default_factory=list)
    annotated_sha256: str | None = None
    model_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class PageVerdict(Record):
    """One decision per audited page: is it deceptive, which pattern types, and why.

    `probability` is the calibrated P(page is deceptive) from the page checks and the text
    student together; `deceptive` is `probability >= 0.5`. `types` lists the level-2 types found
    (checked ones first); `verified_types` those a check showed false (a timer that restarts, a
    fee only at checkout). `evidence` holds the features the decision used and, per type, the
    checks, texts and scores behind it. The newest verdict per URL is in `current_page_verdicts`.
    """

    __table__ = "page_verdicts"
    __key__ = ("verdict_id",)
    verdict_id: str
    capture_id: str | None = None
    site: str
    url: str
    deceptive: bool
    probability: float
    types: list[str] = Field(default_factory=list)
    verified_types: list[str] = Field(default_factory=list)
    evidence: dict[str, Any] = Field(default_factory=dict)
    student_model_id: str | None = None
    rule: str = ""  # which decision rule (and weights) produced it
    visits: int = 1  # element maps the audit read (1: a stored capture; timers unverifiable)
    created_at: datetime = Field(default_factory=utcnow)


class PageSnapshot(BaseModel):
    """One element map of a page at one moment of a multi-visit audit (first, later, reload...)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    label: str  # first | later | reload | cart | checkout
    url: str
    at_s: float = 0.0  # seconds since the first load was captured
    page_age_s: float | None = None  # seconds since this load's navigation started (page clock)
    elements: list[dict[str, Any]] = Field(default_factory=list)


class PageVisits(BaseModel):
    """What the crawler saw of one URL over several visits; input of the deceptive-UI detectors.

    Not a stored table: it passes from `crawler.visits` to `classifiers.deceptive` in one process.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    url: str
    final_url: str | None = None
    title: str | None = None
    snapshots: list[PageSnapshot] = Field(default_factory=list)
    screenshot_png: bytes | None = None
    viewport: tuple[int, int] = (1280, 800)
    errors: list[str] = Field(default_factory=list)
    elapsed_s: float = 0.0

    def snapshot(self, label: str) -> PageSnapshot | None:
        """The snapshot with this label, if the visit took one."""
        return next((s for s in self.snapshots if s.label == label), None)


RECORD_TYPES: tuple[type[Record], ...] = (
    Run, Crawl, PageCapture, Ad, Element, Sample, Label, ModelInfo, Promotion, Prediction, PageFinding,
    Answer, Verification, PageVerdict,
)
"""Every stored record type; the store derives Parquet schemas and loader rules from these."""

RECORDS_BY_TABLE: dict[str, type[Record]] = {r.__table__: r for r in RECORD_TYPES}
