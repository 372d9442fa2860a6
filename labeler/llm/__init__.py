"""LLM backends behind one interface: embedded GGUF model, OpenAI-compatible API, scripted fake."""

from __future__ import annotations

from pathlib import Path

from labeler.llm.base import Choice, LLMBackend
from snarewatch.config import Settings
from snarewatch.errors import ConfigError

__all__ = ["Choice", "LLMBackend", "make_backend"]

_EMBEDDED: dict[str, LLMBackend] = {}


def make_backend(settings: Settings, name: str | None = None) -> LLMBackend:
    """A backend by name: "embedded" | "openai" | "gguf:<path>" | "fake:<script>".

    Without a name, `settings.llm_backend` decides. Embedded models are loaded once per process.
    """
    name = name or settings.llm_backend
    if name == "gguf" and settings.llm_model_path is not None:
        name = f"gguf:{settings.llm_model_path}"
    if name.startswith("fake:") or name == "fake":
        from labeler.llm.fake import from_spec

        return from_spec(name.partition(":")[2])
    if name == "openai":
        from labeler.llm.openai_compat import OpenAICompatBackend

        from labeler.llm.prices import resolve_price

        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        usd_in, usd_out, source = resolve_price(settings.llm_base_url, settings.llm_model,
                                                settings.llm_usd_per_1k_input,
                                                settings.llm_usd_per_1k_output)
        backend = OpenAICompatBackend(
            settings.llm_base_url, settings.llm_model, api_key=key,
            concurrency=settings.llm_concurrency,
            requests_per_minute=settings.llm_requests_per_minute, timeout_s=settings.llm_timeout_s,
            usd_per_1k_input=usd_in, usd_per_1k_output=usd_out,
        )
        backend.price_source = source
        return backend
    if name == "embedded" or name.startswith("gguf:"):
        from labeler.llm.embedded import EmbeddedBackend

        if name == "embedded":
            from labeler.teacher_model import MODEL_NAME, require

            path, label = require(settings.models_dir), MODEL_NAME
        else:
            path = Path(name.partition(":")[2]).expanduser()
            label = path.stem
        key = str(path.resolve())
        if key not in _EMBEDDED:
            _EMBEDDED[key] = EmbeddedBackend(path, name=label, n_threads=settings.llm_threads)
        return _EMBEDDED[key]
    raise ConfigError(f"unknown LLM backend {name!r}: use embedded, openai, gguf:<path> or fake:<script>")
