"""Bundled keyword lists: CITES-listed species (common and scientific names) and trade terms."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from snarewatch.errors import ConfigError


def read_keywords(path: Path | str) -> list[str]:
    """Keywords from a file, one a line; blank lines and '#' comments are ignored."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read keywords from {path}: {exc}") from exc
    words = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return list(dict.fromkeys(w for w in words if w))


def bundled(name: str = "cites") -> list[str]:
    """A bundled keyword list by name (`cites`)."""
    return read_keywords(Path(str(resources.files(__name__).joinpath(f"{name}.txt"))))
