"""The classify use case: score every item with a student, the teacher re-checks the flags,
and the flag rate is held against the positive rate the labels suggest."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from snarewatch.config import Settings
from snarewatch.errors import UntrustworthyResultError
from snarewatch.pipeline.hooks import QUIET, Hooks
from snarewatch.pipeline.jobs import ClassifyJob


@dataclass
class FlagRate:
    """Findings per scored item beside the positive rate of the labels (None: no labels) and,
    from a drawn seed set, the range that rate may really lie in."""

    flag_rate: float
    expected: float | None
    source: str | None
    findings: int
    scored: int
    likely: tuple[float, float] | None = None

    def line(self) -> str:
        """The comparison in words."""
        likely = f" (likely {self.likely[0]:.1%}-{self.likely[1]:.1%})" if self.likely else ""
        return (f"flag rate {self.flag_rate:.1%} ({self.findings} of {self.scored}) against a "
                f"positive rate of {(self.expected or 0.0):.1%}{likely} in {self.source}")

    @property
    def too_high(self) -> bool:
        """Over three times as many flags as the labels suggest."""
        return self.expected is not None and self.expected > 0 and \
            self.flag_rate > 3 * self.expected

    @property
    def too_low(self) -> bool:
        """Under a third of the flags the labels suggest, or under the seed's likely range."""
        if self.likely is not None and self.flag_rate < self.likely[0]:
            return True
        return self.expected is not None and self.expected > 0 and \
            self.flag_rate < self.expected / 3

    @property
    def above_likely(self) -> bool:
        """More flags than the seed's likely range of positives allows (short of `too_high`)."""
        return self.likely is not None and self.flag_rate > self.likely[1]

    @property
    def queue(self) -> str:
        """Which rows a person should check next: `flags` (the least sure findings) when there
        are more flags than the labels allow, since false flags are then the likelier error,
        else `closest` (the closest calls on both sides of the cut, which find false flags and
        missed positives alike; `benchmarks/review_queue.py` weighs the two)."""
        return "flags" if self.above_likely or self.too_high else "closest"

    def advice(self, task: str) -> str:
        """What the comparison means and the hand-labelling step that firms it up (`queue`)."""
        if self.queue == "flags":
            return (f"more flags than your seed labels suggest, likely false flags among them; "
                    f"check the least sure of the {self.findings} findings by hand: "
                    f"snarewatch labels export {task} --flags --out flags.csv")
        closest = (f"check its closest calls by hand: snarewatch labels export {task} "
                   "--closest --out calls.csv")
        if self.too_low:
            return f"fewer flags than the labels suggest: the student may miss many positives; " \
                   f"{closest}"
        if self.expected is not None and self.flag_rate < self.expected:
            return f"fewer flags than the {self.expected:.1%} the labels suggest; {closest}"
        return f"to firm up the {self.findings} findings, {closest}"


@dataclass
class ClassifyRun:
    """The classification summary, the teacher's re-check (when asked) and the flag rate."""

    task: Any
    summary: Any
    checked: Any = None
    rate: FlagRate | None = None
    notes: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        """One row for people and JSON: counts, speed, verification, flag rate."""
        from dataclasses import asdict

        row = {k: v for k, v in asdict(self.summary).items() if k != "errors"}
        row["items_per_s"] = round(self.summary.items_per_s)
        c = self.checked
        if c is not None:
            row.update(verified=c.verified, confirmed=c.confirmed, rejected=c.rejected,
                       verify_failed=c.failed, unverified=c.skipped,
                       teacher_seconds=round(c.seconds, 1),
                       teacher_s_per_flag=round(c.seconds_per_flag, 2))
        if self.rate is not None:
            row.update(findings=self.rate.findings, flag_rate=round(self.rate.flag_rate, 4),
                       labelled_positive_rate=None if self.rate.expected is None
                       else round(self.rate.expected, 4),
                       likely_positive_rate=None if self.rate.likely is None
                       else [round(x, 4) for x in self.rate.likely])
        return row

    def stats(self) -> dict[str, Any]:
        """What the worker records for the run: the summary (with its errors) and the row."""
        from dataclasses import asdict

        return {**asdict(self.summary), **self.row()}

    def check_rate(self) -> None:
        """Raise when the flags are over three times what the labels suggest."""
        if self.rate is None or not self.rate.too_high:
            return
        name = self.task.name
        raise UntrustworthyResultError(
            f"{self.rate.line()}: over three times as many flags as the labels suggest, so most "
            f"flags are likely false. Label a seed set by hand (`snarewatch labels seed {name}`)"
            f" and retrain, or verify flags with the teacher (`snarewatch classify {name} "
            "--verify`)")


def flag_rate(settings: Settings, task: Any) -> FlagRate:
    """Findings per classified item beside the positive rate the labels suggest."""
    from labeler.seeds import estimated_positive_rate
    from snarewatch.store.reads import flag_counts

    counts = flag_counts(settings.db_path, task.name)
    expected = estimated_positive_rate(settings, task)
    rate = counts.findings / counts.scored if counts.scored else 0.0
    return FlagRate(flag_rate=rate, expected=expected.rate, source=expected.source,
                    findings=counts.findings, scored=counts.scored, likely=expected.likely)


def run(settings: Settings, job: ClassifyJob, hooks: Hooks = QUIET, *,
        backend: Any = None) -> ClassifyRun:
    """Classify, verify flags when asked (`verify=None`: when the task has a seed set)."""
    from classifiers.classify import classify_task
    from labeler.seeds import seed_rows
    from snarewatch.tasks import load_task

    spec = load_task(job.task)
    if job.load:
        hooks.load(settings)
    verify = job.verify
    if verify is None:
        verify = len({r.positive for r in seed_rows(settings, spec)}) == 2
    with hooks.progress(f"classifying {spec.name}") as advance:
        summary = classify_task(settings, spec, model_id=job.model_id, since=job.since,
                                on_progress=lambda d, t: advance(completed=d, total=t),
                                propose=verify)
    if job.load:
        hooks.load(settings)
    result = ClassifyRun(task=spec, summary=summary)
    if verify:
        result.checked = _verify(settings, spec, job, hooks, backend)
    if hooks.loads_inline and job.load:
        result.rate = flag_rate(settings, spec)
    return result


def _verify(settings: Settings, spec: Any, job: ClassifyJob, hooks: Hooks, backend: Any) -> Any:
    from labeler.verify import verify_flags

    with hooks.progress(f"teacher re-checks {spec.name} flags") as advance:
        checked = verify_flags(settings, spec,
                               backend=backend if backend is not None else job.backend,
                               budget=job.verify_budget,
                               on_progress=lambda d, t: advance(completed=d, total=t))
    if job.load:
        hooks.load(settings)
    if checked.verified:
        hooks.note(f"verified {checked.verified} flags: {checked.confirmed} confirmed, "
                   f"{checked.rejected} rejected ({checked.calibration}; "
                   f"{checked.time_text()})")
    elif checked.flags and checked.calibration:
        hooks.note(f"{checked.flags} flags {checked.calibration}")
    return checked
