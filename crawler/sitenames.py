"""One site name per host: what the `site` column says for every page, ad and finding of a host.

A crawl by profile, a crawl by URL and an audit of one page all name the host the same way. The
first name a host gets is kept in `<data_dir>/sites.sqlite`; a stronger source replaces a weaker
one: `--site NAME` (the user said so) over a profile's name over the bare host.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from snarewatch.errors import ConfigError

# How a host got its name; a higher rank replaces a lower one.
EXPLICIT, PROFILE, HOST = 2, 1, 0
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def host_key(url: str) -> str:
    """The host of a URL as sites are keyed: lower case, no `www.`, no default port."""
    parts = urlsplit(url)
    hostname = (parts.hostname or "").lower()
    hostname = hostname[4:] if hostname.startswith("www.") else hostname
    port = str(parts.port) if parts.port is not None else ""
    if not port or _DEFAULT_PORTS.get(parts.scheme.lower()) == port:
        return hostname
    return f"{hostname}:{port}"


def check_name(name: str) -> str:
    """`name` if it is usable as a site name (letters, digits, `._:-`), else ConfigError."""
    if not _NAME.match(name):
        raise ConfigError(f"site name {name!r}: use letters, digits, '.', '_', ':' or '-' "
                          "(up to 64 characters)")
    return name


class SiteNames:
    """The host → site name registry of one data folder (SQLite; several processes may write)."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(data_dir / "sites.sqlite", timeout=30, isolation_level=None)
        self.db.execute("CREATE TABLE IF NOT EXISTS hosts (host TEXT PRIMARY KEY, "
                        "site TEXT NOT NULL, rank INTEGER NOT NULL)")

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def __enter__(self) -> SiteNames:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, url: str) -> str | None:
        """The site name of a URL's host, if it has one."""
        row = self.db.execute("SELECT site FROM hosts WHERE host = ?", (host_key(url),)).fetchone()
        return str(row[0]) if row else None

    def resolve(self, urls: Iterable[str], *, explicit: str | None = None,
                profile: str | None = None) -> str:
        """The site name for pages of these URLs' hosts, recording it for the hosts.

        `explicit` (from `--site`) always wins and renames the hosts; otherwise the name a host
        already has, unless `profile` outranks it; otherwise the profile's name; otherwise the
        first URL's host.
        """
        hosts = list(dict.fromkeys(host_key(u) for u in urls if urlsplit(u).hostname))
        self.db.execute("BEGIN IMMEDIATE")
        try:
            known = {h: (s, r) for h, s, r in self.db.execute(
                f"SELECT host, site, rank FROM hosts WHERE host IN ({','.join('?' * len(hosts))})",
                hosts)} if hosts else {}
            best = max(known.values(), key=lambda sr: sr[1], default=None)
            if explicit:
                name, rank = check_name(explicit), EXPLICIT
            elif profile and (best is None or best[1] < PROFILE):
                name, rank = profile, PROFILE
            elif best is not None:
                name, rank = best
            else:
                name, rank = (hosts[0] if hosts else "local"), HOST
            for h in hosts:
                if h not in known or known[h][1] < rank or (rank == EXPLICIT):
                    self.db.execute("INSERT OR REPLACE INTO hosts VALUES (?, ?, ?)",
                                    (h, name, rank))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return name


def site_for(data_dir: Path, urls: Iterable[str], *, explicit: str | None = None,
             profile: str | None = None) -> str:
    """`SiteNames(data_dir).resolve(...)` in one call (what the crawl and the audit use)."""
    with SiteNames(data_dir) as names:
        return names.resolve(urls, explicit=explicit, profile=profile)
