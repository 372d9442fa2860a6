"""Settings: one pydantic-settings class read from `SNAREWATCH_*` env vars and `snarewatch.toml`.

Built once by the CLI, the worker or the API and passed down explicitly; nothing reads the
environment behind the caller's back. Secrets (API keys) come only from the environment.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from snarewatch.errors import ConfigError

ENV_PREFIX = "SNAREWATCH_"
CONFIG_ENV = "SNAREWATCH_CONFIG"
DEFAULT_CONFIG_FILE = "snarewatch.toml"


def _default_models_dir() -> Path:
    # Inside the active environment, so a fresh virtualenv never sees a stale model from elsewhere.
    return Path(sys.prefix) / "share" / "snarewatch" / "models"


class ScheduleEntry(BaseModel):
    """One `[[schedule]]` entry: what to run (a site crawl or a task's pipeline) and when."""

    name: str
    site: str | None = None
    task: str | None = None
    every_minutes: float | None = Field(default=None, gt=0)
    cron: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)


class Settings(BaseSettings):
    """Effective snarewatch settings (defaults < snarewatch.toml < SNAREWATCH_* environment)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="forbid", frozen=True, validate_default=True
    )

    data_dir: Path = Field(Path("data"), description="Where the database, landing batches and blobs live.")
    models_dir: Path = Field(default_factory=_default_models_dir, description="Where the embedded LLM file is assembled.")
    chromium_path: Path = Field(Path("/usr/bin/chromium"), description="Chromium binary Playwright drives.")
    user_agent: str = Field(
        "snarewatch/0.1 (+research crawler; respects robots.txt)",
        description="Honest User-Agent sent by the crawler.",
    )
    llm_backend: Literal["embedded", "openai", "gguf"] = Field(
        "embedded", description="embedded Qwen2.5-1.5B, any OpenAI-compatible API, or your own GGUF file."
    )
    llm_model_path: Path | None = Field(None, description="GGUF file for llm_backend=gguf.")
    llm_base_url: str = Field("https://api.openai.com/v1", description="OpenAI-compatible API base URL (a local server too, e.g. http://127.0.0.1:8000/v1).")
    llm_model: str = Field("gpt-4o-mini", description="Model name sent to the OpenAI-compatible API.")
    llm_api_key: SecretStr | None = Field(None, description="API key (environment only: SNAREWATCH_LLM_API_KEY).")
    llm_concurrency: int = Field(4, ge=1, le=64, description="Parallel requests to the API.")
    llm_requests_per_minute: float = Field(300, gt=0, description="Rate limit for the API.")
    llm_timeout_s: float = Field(60, gt=0, description="Per-request timeout for the API.")
    llm_usd_per_1k_input: float = Field(0.0, ge=0, description="Price of 1,000 prompt tokens (0 for local).")
    llm_usd_per_1k_output: float = Field(0.0, ge=0, description="Price of 1,000 answer tokens.")
    llm_threads: int = Field(0, ge=0, description="CPU threads for the embedded model (0 = all cores).")
    broker_url: str | None = Field(None, description="Celery broker; default: filesystem queue under data_dir.")
    api_host: str = Field("127.0.0.1", description="Host `snarewatch serve` binds.")
    api_port: int = Field(8765, ge=0, le=65535, description="Port `snarewatch serve` binds.")
    schedule: list[ScheduleEntry] = Field(default_factory=list, description="Scheduled crawls and pipelines.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Order of precedence: explicit arguments, environment, then the TOML file."""
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, config_file()))

    # Derived locations: one place decides the layout of the data dir.
    @property
    def db_path(self) -> Path:
        """The DuckDB file, the system of record."""
        return self.data_dir / "snarewatch.duckdb"

    @property
    def landing_dir(self) -> Path:
        """Folder of Parquet batches waiting for the loader."""
        return self.data_dir / "landing"

    @property
    def blobs_dir(self) -> Path:
        """Content-addressed files (HTML, screenshots), named by sha256."""
        return self.data_dir / "blobs"

    @property
    def registry_dir(self) -> Path:
        """Trained student models with their cards."""
        return self.data_dir / "models"

    @property
    def cache_dir(self) -> Path:
        """Caches (embeddings, LLM answers); safe to delete."""
        return self.data_dir / "cache"


def config_file() -> Path:
    """The TOML file settings are read from (`SNAREWATCH_CONFIG` or ./snarewatch.toml)."""
    return Path(os.environ.get(CONFIG_ENV, DEFAULT_CONFIG_FILE))


def load_settings(**overrides: Any) -> Settings:
    """Build the settings once, turning validation problems into a readable ConfigError."""
    path = config_file()
    if path.exists():
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '?'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid settings ({path} or {ENV_PREFIX}* env): {problems}") from exc


def setting_sources(settings: Settings) -> dict[str, str]:
    """Where each effective setting came from: 'env', the TOML file's name, or 'default'."""
    path = config_file()
    in_file: dict[str, Any] = {}
    if path.exists():
        in_file = tomllib.loads(path.read_text(encoding="utf-8"))
    sources = {}
    for name in Settings.model_fields:
        if f"{ENV_PREFIX}{name}".upper() in {k.upper() for k in os.environ}:
            sources[name] = "env"
        elif name in in_file:
            sources[name] = str(path)
        else:
            sources[name] = "default"
    return sources
