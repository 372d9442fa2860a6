"""Declarative site profiles (TOML): seeds, search templates, URL patterns, selectors, limits."""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote_plus

from snarewatch.errors import ConfigError

Render = Literal["auto", "browser", "http"]
PageKind = Literal["listing", "ad", "page", "other"]
BUILTIN_PACKAGE = "crawler.sites"
log = logging.getLogger(__name__)
USER_DIR = Path("sites")
"""Where `snarewatch sites new` writes profiles and where `crawl NAME` finds them (cwd-relative)."""


@dataclass(frozen=True)
class Limits:
    """Crawl limits: pages, depth, bytes per page, wall time, and URLs per pattern (traps)."""

    max_pages: int = 5000
    max_depth: int = 8
    max_bytes: int = 5_000_000
    max_seconds: float = 3600.0
    max_per_pattern: int = 2000
    max_barren: int = 5
    timeout_s: float = 20.0
    retries: int = 2


@dataclass(frozen=True)
class Rate:
    """Politeness per host: parallel requests and the minimum gap between request starts."""

    concurrency: int = 4
    delay_s: float = 0.0
    max_retry_after_s: float = 60.0


@dataclass(frozen=True)
class Site:
    """A crawl profile; `{base}` in seeds and templates becomes the base URL at crawl time."""

    name: str
    description: str = ""
    base_url: str | None = None
    seeds: tuple[str, ...] = ()
    search_templates: tuple[str, ...] = ()
    render: Render = "auto"
    patterns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    selectors: dict[str, str] = field(default_factory=dict)
    follow_external: bool = False
    obey_robots: bool = True
    elements: bool = True
    limits: Limits = field(default_factory=Limits)
    rate: Rate = field(default_factory=Rate)
    source: str = "builtin"
    start_urls: tuple[str, ...] = ()

    def with_start(self, urls: list[str] | tuple[str, ...], base_url: str | None = None) -> Site:
        """This profile starting from `urls` (kept as given) instead of its seeds.

        `{base}` in search templates becomes `base_url`, else the first start URL's origin.
        """
        from dataclasses import replace

        from crawler.urls import origin

        bound = self.with_base(base_url or self.base_url or origin(urls[0]))
        return replace(bound, seeds=tuple(urls), start_urls=tuple(urls))

    def with_base(self, base_url: str | None) -> Site:
        """This profile with `{base}` bound (a trailing slash is dropped)."""
        from dataclasses import replace

        base = (base_url or self.base_url or "").rstrip("/")
        if not base and any("{base}" in s for s in (*self.seeds, *self.search_templates)):
            raise ConfigError(f"site {self.name!r} needs a base URL: pass --base-url http://HOST:PORT")
        return replace(
            self,
            base_url=base or None,
            seeds=tuple(s.replace("{base}", base) for s in self.seeds),
            search_templates=tuple(t.replace("{base}", base) for t in self.search_templates),
        )

    def search_urls(self, keywords: list[str] | tuple[str, ...]) -> list[str]:
        """Seed URLs from the search templates filled with each keyword (URL-encoded)."""
        return [t.replace("{keyword}", quote_plus(k))
                for t in self.search_templates for k in keywords]

    def kind_of(self, url: str) -> PageKind | None:
        """The page kind by the profile's URL patterns (ad, then listing, then page), or None."""
        for kind in ("ad", "listing", "page"):
            if any(re.search(p, url) for p in self.patterns.get(kind, ())):
                return kind  # type: ignore[return-value]
        return None

    def skips(self, url: str) -> bool:
        """True when a URL matches a `skip` pattern (never enqueued)."""
        return any(re.search(p, url) for p in self.patterns.get("skip", ()))


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def parse_site(data: dict[str, Any], source: str) -> Site:
    """Build a Site from a TOML mapping, with readable errors for mistakes."""
    try:
        name = str(data["name"])
        patterns = {k: _tuple(v) for k, v in data.get("patterns", {}).items()}
        for regexes in patterns.values():
            for rx in regexes:
                re.compile(rx)
        render = data.get("render", "auto")
        if render not in ("auto", "browser", "http"):
            raise ConfigError(f"{source}: render must be auto, browser or http, not {render!r}")
        return Site(
            name=name,
            description=str(data.get("description", "")),
            base_url=data.get("base_url"),
            seeds=_tuple(data.get("seeds")),
            search_templates=_tuple(data.get("search_templates")),
            render=render,
            patterns=patterns,
            selectors={str(k): str(v) for k, v in data.get("selectors", {}).items()},
            follow_external=bool(data.get("follow_external", False)),
            obey_robots=bool(data.get("obey_robots", True)),
            elements=bool(data.get("elements", True)),
            limits=Limits(**data.get("limits", {})),
            rate=Rate(**data.get("rate", {})),
            source=source,
        )
    except KeyError as exc:
        raise ConfigError(f"{source}: missing key {exc}") from exc
    except (TypeError, re.error) as exc:
        raise ConfigError(f"{source}: {exc}") from exc


def builtin_names() -> list[str]:
    """Names of the bundled profiles."""
    return sorted(p.name[:-5] for p in resources.files(BUILTIN_PACKAGE).iterdir()
                  if p.name.endswith(".toml"))


def user_paths() -> dict[str, Path]:
    """The user's profiles in ./sites/*.toml, by file name."""
    return {p.stem: p for p in sorted(USER_DIR.glob("*.toml"))} if USER_DIR.is_dir() else {}


def load_site(name_or_path: str) -> Site:
    """A profile from a TOML file path, ./sites/NAME.toml, or a bundled profile by name."""
    path = Path(name_or_path)
    user = user_paths()
    if path.suffix == ".toml" and path.exists():
        text, source = path.read_text(encoding="utf-8"), str(path)
    elif name_or_path in user:
        text, source = user[name_or_path].read_text(encoding="utf-8"), str(user[name_or_path])
    elif name_or_path in builtin_names():
        text = resources.files(BUILTIN_PACKAGE).joinpath(f"{name_or_path}.toml").read_text("utf-8")
        source = "builtin"
    else:
        known = ", ".join(sorted({*builtin_names(), *user}))
        raise ConfigError(
            f"unknown site {name_or_path!r}: use one of {known}, a .toml file or a start URL "
            "(write a profile with: snarewatch sites new NAME)"
        )
    try:
        return parse_site(tomllib.loads(text), source)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc


def list_sites() -> list[Site]:
    """Every bundled profile, then the user's (./sites/*.toml) that load."""
    sites = [load_site(n) for n in builtin_names()]
    for path in user_paths().values():
        try:
            sites.append(load_site(str(path)))
        except ConfigError as exc:
            log.warning("skipping %s: %s", path, exc)
    return sites
