"""The promoted students, loaded once per process and swapped when a new one is promoted.

The request path never calls an LLM: it runs the distilled student of each task, caches answers
by text (pages repeat "Add to cart" dozens of times, and re-scans resend the same texts), and
looks at which model each task uses (promoted, else the shipped default) at most every
`refresh_s` seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from snarewatch.config import Settings
from snarewatch.errors import SnarewatchError, StoreError
from snarewatch.store.model_reads import current_model_ids

log = logging.getLogger(__name__)

ItemKind = Literal["ui_element", "ad"]
Prediction = tuple[str, float, bool]  # (label, score, positive)

_NEGATIVE_PREFIXES = (
    "not_",
    "not-",
    "no_",
    "non_",
    "non-",
    "other",
    "none",
    "benign",
    "clean",
    "negative",
    "legit",
)


def negative_label(classes: Sequence[str]) -> str | None:
    """The class a 'wrong' verdict records: `not_dark_pattern`, `not_wildlife`, `other`, ..."""
    for name in classes:
        if name.lower().startswith(_NEGATIVE_PREFIXES):
            return name
    return None


@dataclass
class TaskModel:
    """One promoted student ready to predict."""

    task: str
    model_id: str
    student: str
    classes: tuple[str, ...]
    threshold: float
    item_kind: ItemKind
    predict: Callable[[list[str]], list[Prediction]]
    negative: str | None = None
    definitions: dict[str, str] = field(default_factory=dict)
    display_name: str | None = None  # from the task's spec, for people
    negative_display: str | None = None
    trust: str = ""  # how far to trust its flags, from its card (classifiers.trust)
    _cache: OrderedDict[str, Prediction] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    cache_size: int = 50_000

    @property
    def negative_label(self) -> str | None:
        """The label recorded when a user says a flag is wrong."""
        return self.negative or negative_label(self.classes)

    def predict_cached(self, texts: Sequence[str]) -> list[Prediction]:
        """Predictions for texts, computing only those not seen before (each unique text once)."""
        known: dict[str, Prediction] = {}
        with self._lock:
            for text in set(texts):
                hit = self._cache.get(text)
                if hit is not None:
                    known[text] = hit
                    self._cache.move_to_end(text)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = [(str(p[0]), float(p[1]), bool(p[2])) for p in self.predict(missing)]
            known.update(zip(missing, fresh, strict=True))
            if self.cache_size > 0:
                with self._lock:
                    self._cache.update(zip(missing, fresh, strict=True))
                    while len(self._cache) > self.cache_size:
                        self._cache.popitem(last=False)
        return [known[t] for t in texts]

class ModelSource(Protocol):
    """Gives the current model of each task (the API reads models only through this)."""

    def models(self) -> dict[str, TaskModel]:
        """The promoted model per task right now."""
        ...


def _registry_loader(settings: Settings, task: str) -> TaskModel | None:
    # Imported here: the API composes the classifiers stage, and `snarewatch --help` stays fast.
    from classifiers.classify import predict_texts
    from classifiers.registry import load_model, promoted_model
    from classifiers.trust import trust_line
    from snarewatch.tasks import resolve_task

    info = promoted_model(settings, task)
    if info is None:
        return None
    clf = load_model(info)
    classes = tuple(info.classes or getattr(clf, "classes_", ()))
    positive = set(getattr(clf, "positive_", ()))
    negatives = [c for c in classes if c not in positive]
    kind: str = "ui_element"  # a model whose spec is gone: read elements, as it always could
    negative = negatives[0] if len(negatives) == 1 else None
    definitions: dict[str, str] = {}
    display_name = negative_display = None
    try:
        spec = resolve_task(task)
    except SnarewatchError as exc:
        log.info("no task spec for %s (%s): item kind %s, labels undescribed", task, exc, kind)
    else:
        kind = spec.item_kind
        definitions = {d.name: d.definition for d in spec.labels}
        if spec.negative_label in classes:
            negative = spec.negative_label
        display_name, negative_display = spec.title, spec.negative_display
    if kind not in ("ad", "ui_element"):
        return None  # page-level tasks have nothing to say about one element
    return TaskModel(
        task=task,
        model_id=info.model_id,
        student=info.student,
        classes=classes,
        threshold=float(info.threshold if info.threshold is not None else 0.5),
        item_kind=kind,  # type: ignore[arg-type]
        predict=lambda texts: [tuple(p) for p in predict_texts(clf, texts)],  # type: ignore[misc]
        negative=negative,
        display_name=display_name,
        negative_display=negative_display,
        definitions=definitions,
        trust=trust_line(info.card or {}, info.student),
    )


class PromotedModels:
    """Loads each task's promoted student once and reloads it when the promotion changes."""

    def __init__(
        self,
        settings: Settings,
        refresh_s: float = 2.0,
        loader: Callable[[Settings, str], TaskModel | None] = _registry_loader,
        cache_size: int = 50_000,
    ) -> None:
        self.settings = settings
        self.cache_size = cache_size
        self.refresh_s = refresh_s
        self.loader = loader
        self._models: dict[str, TaskModel] = {}
        self._checked = -float("inf")
        self._lock = threading.Lock()
        self.errors: dict[str, str] = {}

    def models(self) -> dict[str, TaskModel]:
        """The current models, refreshed if the last look is older than `refresh_s`."""
        if time.monotonic() - self._checked >= self.refresh_s:
            with self._lock:
                if time.monotonic() - self._checked >= self.refresh_s:
                    self._refresh()
                    self._checked = time.monotonic()
        return dict(self._models)

    def _promoted_ids(self) -> dict[str, str]:
        if not self.settings.db_path.exists():
            return {}
        # The promoted model of each task, else its shipped default (deceptive-ui works out of
        # the box). A short timeout: a busy loader must not stall page requests; the old models
        # serve on.
        return current_model_ids(self.settings.db_path, timeout_s=1.0)

    def _refresh(self) -> None:
        try:
            promoted = self._promoted_ids()
        except StoreError as exc:
            log.warning("cannot look up promoted models, keeping the loaded ones: %s", exc)
            return
        for task in list(self._models):
            if task not in promoted:
                del self._models[task]
        for task, model_id in promoted.items():
            current = self._models.get(task)
            if current is not None and current.model_id == model_id:
                continue
            if self.errors.get(task, "").startswith(f"{model_id}:"):
                continue  # this model failed to load before; do not retry on every request
            try:
                model = self.loader(self.settings, task)
            except (SnarewatchError, OSError, ImportError, ValueError) as exc:
                self.errors[task] = f"{model_id}: {exc}"
                log.error("cannot load promoted model %s for %s: %s", model_id, task, exc)
                continue
            if model is not None:
                model.cache_size = self.cache_size
                log.info("loaded model %s for task %s", model.model_id, task)
                self._models[task] = model
                self.errors.pop(task, None)


class StaticModels:
    """A fixed set of models (tests and benchmarks that bypass the registry)."""

    def __init__(self, models: dict[str, TaskModel]) -> None:
        self._models = models

    def models(self) -> dict[str, TaskModel]:
        """The fixed models."""
        return dict(self._models)


def describe(model: TaskModel, label: str) -> str:
    """Why an element was flagged, in the user's words: the label's definition from the task spec
    (cut to 160 characters), else the label's name. How sure the model is travels as `score`."""
    definition = model.definitions.get(label, "")
    if len(definition) > 160:
        definition = definition[:157].rstrip() + "..."
    return definition or f"Marked as {label.replace('_', ' ')} by the {model.task} model."
