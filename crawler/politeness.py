"""Politeness: robots.txt (protego), per-host concurrency and delay, Retry-After and backoff."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from email.utils import parsedate_to_datetime

import httpx
from protego import Protego

from crawler.urls import host, origin

log = logging.getLogger(__name__)


def retry_after_seconds(value: str | None, cap: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta or HTTP date), capped; None if absent."""
    if not value:
        return None
    value = value.strip()
    try:
        return min(cap, max(0.0, float(value)))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(cap, max(0.0, when.timestamp() - time.time()))


def backoff_seconds(attempt: int, base: float = 0.5, cap: float = 30.0) -> float:
    """Exponential backoff with jitter for attempt 1, 2, 3, ..."""
    return min(cap, base * (2 ** (attempt - 1))) * (0.75 + random.random() * 0.5)


class HostGate:
    """Per-host concurrency limit and minimum delay between request starts.

    A host's next-allowed start time only ever moves later, and a request re-checks it after
    every sleep: a pause set while requests wait for their turn (a 429 with Retry-After) holds
    them too.
    """

    def __init__(self, concurrency: int, delay_s: float) -> None:
        self.concurrency = max(1, concurrency)
        self.delay_s = max(0.0, delay_s)
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def set_delay(self, delay_s: float) -> None:
        """Raise the delay (e.g. to a robots.txt Crawl-delay); never lowers it."""
        self.delay_s = max(self.delay_s, delay_s)

    def pause(self, url: str, seconds: float) -> None:
        """Hold every request to the URL's host for `seconds` (after a 429 / 503 Retry-After)."""
        self._later(host(url), time.monotonic() + seconds)

    def _later(self, h: str, when: float) -> None:
        self._next[h] = max(self._next.get(h, 0.0), when)

    def slot(self, url: str) -> _Slot:
        """An async context manager that waits for the host's turn."""
        h = host(url)
        if h not in self._sems:
            self._sems[h] = asyncio.Semaphore(self.concurrency)
            self._locks[h] = asyncio.Lock()
        return _Slot(self, h)


class _Slot:
    def __init__(self, gate: HostGate, h: str) -> None:
        self.gate, self.h = gate, h

    async def __aenter__(self) -> None:
        await self.gate._sems[self.h].acquire()
        try:
            async with self.gate._locks[self.h]:
                # A pause may arrive while we sleep: look again until the host's time has come.
                while (wait := self.gate._next.get(self.h, 0.0) - time.monotonic()) > 0:
                    await asyncio.sleep(wait)
                self.gate._later(self.h, time.monotonic() + self.gate.delay_s)
        except BaseException:
            self.gate._sems[self.h].release()  # cancelled while waiting: give the slot back
            raise

    async def __aexit__(self, *exc: object) -> None:
        self.gate._sems[self.h].release()


class Robots:
    """robots.txt per origin, fetched once with our User-Agent; unreachable means allow all."""

    def __init__(self, client: httpx.AsyncClient, user_agent: str) -> None:
        self.client = client
        self.user_agent = user_agent
        self._rules: dict[str, Protego | None] = {}
        self._lock = asyncio.Lock()

    async def _load(self, url: str) -> Protego | None:
        o = origin(url)
        async with self._lock:
            if o in self._rules:
                return self._rules[o]
            rules: Protego | None = None
            try:
                resp = await self.client.get(f"{o}/robots.txt", timeout=10.0)
                if resp.status_code == 200:
                    rules = Protego.parse(resp.text[:500_000])
                elif resp.status_code in (401, 403):
                    # Google's convention: an access-controlled robots.txt means "stay out".
                    rules = Protego.parse("User-agent: *\nDisallow: /")
            except httpx.HTTPError as exc:
                log.info("robots.txt unreachable at %s (%s): allowing", o, type(exc).__name__)
            self._rules[o] = rules
            return rules

    async def allowed(self, url: str) -> bool:
        """True if robots.txt lets our User-Agent fetch the URL."""
        rules = await self._load(url)
        return True if rules is None else bool(rules.can_fetch(url, self.user_agent))

    async def crawl_delay(self, url: str) -> float | None:
        """The Crawl-delay for our User-Agent, if any."""
        rules = await self._load(url)
        if rules is None:
            return None
        delay = rules.crawl_delay(self.user_agent)
        return float(delay) if delay is not None else None
