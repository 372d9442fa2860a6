"""The local HTTP API the browser extension talks to (`snarewatch serve`).

Four endpoints under /v1 (health, findings, classify, feedback) and the OpenAPI schema at
/openapi.json; every one needs the bearer token from `<data_dir>/api-token`. The database is
opened read-only, per request and briefly; the only writes are feedback labels, appended to the
landing area like any other writer's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from fastapi import FastAPI, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.requests import Request

from snarewatch import __version__
from snarewatch.api_auth import EXTENSION_ORIGIN, Guard, GuardConfig, load_or_create_token
from snarewatch.api_feedback import (
    FEEDBACK_SOURCE,
    FeedbackLoader,
    check_feedback,
    feedback_label,
    item_known,
    item_record,
)
from snarewatch.api_predict import ModelSource, PromotedModels, TaskModel, describe
from snarewatch.api_schema import (
    ClassifyRequest,
    ClassifyResponse,
    FeedbackRequest,
    FeedbackResponse,
    FindingsResponse,
    Flag,
    Health,
    PageElement,
    PageVerdictOut,
    TaskInfo,
    TaskState,
)
from snarewatch.config import Settings
from snarewatch.errors import StoreError
from snarewatch.schema import PageVerdict, stable_id
from snarewatch.store import Landing
from snarewatch.store.page_reads import findings_at, page_findings_at
from snarewatch.verdicts import newest_verdict

log = logging.getLogger(__name__)

def canonical_url(url: str) -> str:
    """The URL without its fragment (a page's flags do not depend on #anchors)."""
    parts = urlsplit(url.strip())
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
    )


def _url_variants(url: str) -> list[str]:
    base = canonical_url(url)
    variants = {url, base, base.rstrip("/") if base.endswith("/") else base + "/"}
    return sorted(variants)


def item_id_for(element: PageElement, url: str) -> str:
    """A stable id for an element seen live: same page and text, same id (ads: same link)."""
    if element.kind == "ad":
        return stable_id("extension-ad", canonical_url(element.href or url), element.text)
    return stable_id("extension-element", canonical_url(url), element.text)


def create_app(
    settings: Settings,
    *,
    token: str | None = None,
    models: ModelSource | None = None,
    allowed_origins: Iterable[str] = (EXTENSION_ORIGIN,),
    allowed_hosts: Iterable[str] = (),
    load_feedback: bool = True,
    rate_per_s: float = 50.0,
    burst: int = 200,
    max_body_bytes: int = 2_000_000,
    cache_size: int = 50_000,
) -> Any:
    """The ASGI application: FastAPI routes behind the host/token/CORS/size/rate guard.

    `allowed_hosts` are Host names answered besides localhost and loopback addresses.
    """
    token = token or load_or_create_token(settings.data_dir)
    source: ModelSource = models or PromotedModels(settings, cache_size=cache_size)
    loader = FeedbackLoader(settings) if load_feedback else None

    app = FastAPI(
        title="snarewatch local API",
        version=__version__,
        description=(
            "Flags wildlife-trafficking ads and deceptive UI patterns for the snarewatch browser "
            "extension. Every request needs `Authorization: Bearer <token>` (the token is in "
            "`<data_dir>/api-token`). Only the extension's origin may call it from a browser."
        ),
        docs_url=None,  # the docs pages load scripts from a CDN; the schema is enough
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.models = source

    @app.exception_handler(StoreError)
    async def _store_busy(request: Request, exc: StoreError) -> JSONResponse:
        # The cause names files, the interpreter and process ids: the log keeps it, the client
        # (any program that has the token) only learns to retry.
        log.warning("store unavailable for %s: %s", request.url.path, exc)
        return JSONResponse({"detail": STORE_BUSY}, status_code=503,
                            headers={"Retry-After": str(STORE_RETRY_AFTER_S)})

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_message(exc.errors())}, status_code=422)

    @app.get("/v1/health", response_model=Health, tags=["meta"])
    def health() -> Health:
        """Server version, whether a database exists, the promoted model per task, the tasks."""
        from snarewatch.tasks import list_tasks

        current = source.models()
        return Health(
            version=__version__,
            database=settings.db_path.exists(),
            models={task: m.model_id for task, m in sorted(current.items())},
            tasks=[TaskInfo.of(t) for t in list_tasks()],
        )

    @app.get("/v1/findings", response_model=FindingsResponse, tags=["findings"])
    def findings(
        url: str = Query(..., max_length=4096, description="Page or ad URL."),
    ) -> FindingsResponse:
        """Stored findings for a page or an ad: the `findings` view and `page_findings` rows."""
        variants = _url_variants(url)
        if not settings.db_path.exists():
            return FindingsResponse(url=url, findings=[], page_findings=[])
        findings = findings_at(settings.db_path, variants, timeout_s=2.0)
        pages = page_findings_at(settings.db_path, variants, timeout_s=2.0)
        verdict = newest_verdict(settings.db_path, variants, timeout_s=2.0)
        return FindingsResponse(
            url=url,
            findings=findings,
            page_findings=[p.model_dump(mode="json") for p in pages],
            verdict=_verdict(verdict) if verdict else None,
        )

    @app.post("/v1/classify", response_model=ClassifyResponse, tags=["classify"])
    def classify(body: ClassifyRequest) -> ClassifyResponse:
        """Predictions of the promoted students for a page's elements; only positives come back."""
        current = source.models()
        wanted = set(body.tasks) if body.tasks is not None else set(current)
        flags: list[Flag] = []
        states: dict[str, TaskState] = {}
        for task, model in sorted(current.items()):
            if task not in wanted:
                continue
            targets = [e for e in body.elements if e.kind == model.item_kind and e.text.strip()]
            states[task] = TaskState(
                model_id=model.model_id,
                negative_label=model.negative_label,
                item_kind=model.item_kind,
                display_name=model.display_name,
                negative_display=model.negative_display,
                threshold=model.threshold,
                classified=len(targets),
                trust=model.trust,
            )
            if targets:
                flags.extend(_flags(model, targets, body.url))
        return ClassifyResponse(
            url=body.url, flags=flags, tasks=states, elements=len(body.elements)
        )

    @app.post("/v1/feedback", response_model=FeedbackResponse, tags=["feedback"])
    def feedback(body: FeedbackRequest) -> FeedbackResponse:
        """Store a user's verdict as a human label (source `human:extension`), then load it.

        Only a flag the server could have shown is accepted: a task with a promoted model, its
        item kind, one of its labels (422 otherwise).
        """
        current = source.models()
        model = current.get(body.task)
        check_feedback(body, model, sorted(current))
        label = feedback_label(body, model)
        landing = Landing(settings.landing_dir)
        if body.text.strip() and not item_known(settings, body.item_id):
            # A label needs its item for training: keep the text the user judged.
            landing.write([item_record(body)])
        landing.write([label])
        if loader is not None:
            loader.kick()
        return FeedbackResponse(
            label_id=label.label_id,
            task=label.task,
            item_id=label.item_id,
            value=str(label.value),
            source=FEEDBACK_SOURCE,
            created_at=label.created_at,
            load="queued" if loader is not None else "left-for-loader",
        )

    return Guard(
        app,
        GuardConfig(
            token=token,
            allowed_origins=frozenset(allowed_origins),
            allowed_hosts=frozenset(allowed_hosts),
            max_body_bytes=max_body_bytes,
            rate_per_s=rate_per_s,
            burst=burst,
        ),
    )


STORE_BUSY = "the snarewatch store is busy or unreadable; try again in a moment"
"""What a client learns of a store error (the server log has the cause)."""
STORE_RETRY_AFTER_S = 2


def validation_message(errors: Iterable[Any]) -> str:
    """One readable line from request validation errors: `field: problem; ...` (no echoed input)."""
    parts = []
    for err in errors:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {str(err.get('msg', 'invalid')).removeprefix('Value error, ')}")
    return "; ".join(parts) or "invalid request"


def _verdict(verdict: PageVerdict) -> PageVerdictOut:
    from classifiers.deceptive.taxonomy import NAMES

    return PageVerdictOut(deceptive=verdict.deceptive, probability=verdict.probability,
                          types=verdict.types, type_names=[NAMES.get(t, t) for t in verdict.types],
                          verified_types=verdict.verified_types)


def _flags(model: TaskModel, targets: list[PageElement], url: str) -> list[Flag]:
    predictions = model.predict_cached([e.text for e in targets])
    out = []
    for element, (label, score, positive) in zip(targets, predictions, strict=True):
        if not positive or score < model.threshold:
            continue  # a score under the threshold is not a flag, whatever the student said
        out.append(
            Flag(
                element=element.id,
                task=model.task,
                item_id=item_id_for(element, url),
                item_kind=model.item_kind,
                label=label,
                score=round(score, 4),
                threshold=model.threshold,
                model_id=model.model_id,
                task_display=model.display_name or model.task,
                why=describe(model, label),
            )
        )
    return out
