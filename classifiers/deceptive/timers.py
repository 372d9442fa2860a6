"""Countdown timers, verified across visits: a timer that restarts on reload is deceptive.

Mathur et al. (2019) watched timers across reloads; we read each timer on first load, again after
a wait, and after each reload. Restarting with every load -> `yes` (a finding); carrying on from
the same deadline -> `no` (an honest timer, cleared).
"""

from __future__ import annotations

import re
from typing import Any

from classifiers.deceptive.detection import Detection, detection
from classifiers.deceptive.elements import El, key_of, parse_duration, text_of, walk
from snarewatch.schema import PageSnapshot, PageVisits

# Words that make a clock-like number a countdown even before we see it tick.
_CUES = re.compile(
    r"\b(ends?|ending|expires?|left|remaining|hurry|offer|deal|sale|countdown|"
    r"reserved|timer)\b",
    re.I,
)
_PAST = re.compile(r"\bago\b|\bsince\b|\bposted\b|\bupdated\b", re.I)
# Tolerance (seconds) for clock jitter between a capture and the page's own tick.
_SLACK_S = 1.5


def _timers(snapshot: PageSnapshot | None) -> dict[str, tuple[El, float]]:
    out: dict[str, tuple[El, float]] = {}
    if snapshot is None:
        return out
    for el in walk(snapshot.elements):
        text = text_of(el)
        if len(text) > 80:  # a paragraph that mentions a time is not a timer display
            continue
        if _PAST.search(text):  # "bought 3 minutes ago" is a time past, not a countdown
            continue
        seconds = parse_duration(text)
        if seconds is not None:
            out.setdefault(key_of(el), (el, seconds))
    return out


def _context(el: El, snapshot: PageSnapshot) -> str:
    """Text near the timer (its own plus elements just above/left), to find cue words."""
    x, y = float(el.get("x") or 0), float(el.get("y") or 0)
    near = [
        text_of(o)
        for o in snapshot.elements
        if abs(float(o.get("y") or 0) - y) < 60 and abs(float(o.get("x") or 0) - x) < 600
    ]
    return " ".join([text_of(el), *near])[:400]


Reading = tuple[str, float, float, float | None]
"""(visit label, seconds since the first capture, seconds shown, seconds since that load began)."""


def _spread(values: list[float]) -> float:
    return max(values) - min(values)


def judge_timer(readings: list[Reading]) -> tuple[str, str]:
    """Verdict from one timer's readings over the visits.

    Two models explain the readings: a fixed deadline (shown + wall clock is constant) or a
    deadline that restarts with every load (shown + the page's own age is constant). Within one
    load both agree; across a reload the wrong one is off by the time between the loads. The model
    that fits better decides. Returns (verified_deceptive, reason), or ("", reason) when the
    readings show no running countdown.
    """
    by = {r[0]: r for r in readings}
    if "first" not in by:
        return "unknown", "timer not seen on first load"
    s0 = by["first"][2]
    ticking = any(r[2] < s0 for r in readings if r[0] == "later")
    if any(r[2] > s0 + _SLACK_S for r in readings if r[0] == "later"):
        return "yes", "the timer went up while the page stayed open"
    reloads = [r for r in readings if r[0].startswith("reload")]
    seen_later = any(r[0] == "later" for r in readings)
    if (seen_later and not ticking) or all(r[2] == s0 for r in readings):
        return "", "the number did not change: not a running countdown"
    if not reloads:
        return "unknown", "counts down, but the page was not reloaded to check the deadline"
    fixed = _spread([shown + at for _, at, shown, _ in readings])
    if all(age is not None for *_, age in readings):
        restart = _spread([shown + age for *_, shown, age in readings])  # type: ignore[operator]
    else:  # no page clock: a restart shows as the same reading as on first load
        restart = _spread([s0, *(r[2] for r in reloads)]) + _SLACK_S
    low = min(r[2] for r in readings if not r[0].startswith("reload"))
    if restart + _SLACK_S / 3 < fixed:
        top = max(r[2] for r in reloads)
        return "yes", (
            f"after a reload it showed {top:.0f} s left again, up from {low:.0f} s: "
            "the deadline restarts for every visit"
        )
    if fixed + _SLACK_S / 3 < restart:
        return "no", "after a reload it continued from the same deadline"
    return "unknown", "the readings fit a fixed deadline and a restarting one equally well"


def detect_timers(visits: PageVisits) -> list[Detection]:
    """Countdown timers on the page, each verified across the visits (`check = "timer"`)."""
    first = visits.snapshot("first")
    if first is None:
        return []
    labels = [
        s.label
        for s in visits.snapshots
        if s.label in ("first", "later") or s.label.startswith("reload")
    ]
    views = {label: _timers(visits.snapshot(label)) for label in labels}
    found: list[Detection] = []
    for key, (el, _) in views["first"].items():
        readings: list[Reading] = []
        for label in labels:
            snap = visits.snapshot(label)
            if snap is not None and key in views[label]:
                readings.append((label, snap.at_s, views[label][key][1], snap.page_age_s))
        verdict, reason = judge_timer(readings)
        if not verdict:
            continue
        if verdict == "unknown" and not _CUES.search(_context(el, first)):
            continue  # a clock-like number with no countdown wording and no ticking seen
        evidence: dict[str, Any] = {
            "readings": [
                {
                    "visit": lb,
                    "at_s": round(at, 2),
                    "page_age_s": age,
                    "seconds_left": shown,
                    "text": text_of(views[lb][key][0]),
                }
                for lb, at, shown, age in readings
            ],
            "reason": reason,
        }
        found.append(
            detection(
                "countdown_timer",
                el,
                check="timer",
                verified=verdict,  # type: ignore[arg-type]
                score={"yes": 1.0, "unknown": 0.6, "no": 0.2}[verdict],
                why=reason[0].upper() + reason[1:] + ".",
                evidence=evidence,
                cleared=verdict == "no",
            )
        )
    return found
