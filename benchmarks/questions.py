"""Researchers' own questions, end to end: label, train, classify, verify, scored on real labels.

Run: .venv/bin/python benchmarks/questions.py [--only yada-urgency,bird-wanted] [--budget 150]
         [--seed-size 40] [--backend embedded] [--fresh]

Each question is a task spec in benchmarks/questions/ written the way the README teaches (one
sentence, two labels with definitions and near misses, two examples), over real human-labelled
data the specs were not tuned on: the Yada et al. shopping-page texts as binary questions by
their `Pattern Category`, the Mathur et al. pattern strings as "is this confirmshaming", "a
limited-time message", "an activity notification", "a high-demand message", "a countdown
timer", "a low-stock message" or "pressured selling" (the other patterns are the negatives), the
Stringham et al. bird ads' "wanted ad", "domestic poultry" and "no live bird" labels (2,000 ads
drawn at random), and the demo marketplace's wildlife task. Every question runs twice, as a new user
would, with the embedded teacher:
- without seed labels: `label` (150 items), `train`, `classify`;
- with a seed set: `labels seed` (40 items, whose human labels come from the data's gold
  labels), then `label` (150), `train`, `classify` with the teacher verifying the flags;
- `more` (`--conditions more`): as the seed run, with a second seed set drawn as `labels seed`
  draws it again (what `label` advises when the first holds few positives);
- reviewed (`--conditions review`): the seed run, then a person checks the 40 least sure
  findings (`labels export --flags`, labelled from the gold labels, `labels import`), and
  `train`, `classify` and the verification run again; `closest` is the same with the queue of
  `labels export --closest` (the least sure findings and the highest-scored items left
  unflagged, in turn).
The student is scored on the items nobody labelled (neither the seed nor the teacher nor the
reviewer); the teacher on its own labels. Printed per run: precision, recall, F1, the flag rate
against the true rate, what the guards said (a collapsed labelling run, a refused student, a
flag-rate warning), teacher seconds, and whether the findings' F1 fell inside the range `train`
gave on the seed labels (at the end: in how many runs it did). Answers are cached per question
in benchmarks/out/questions/, so a rerun (e.g. after a change to training) asks the teacher only
what it was not asked before; `--fresh` also forgets the answers. Writes
benchmarks/out/questions.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._machine import OUT_DIR, SHARED_DATA, machine_line, write_result  # noqa: E402
from classifiers.base import StudentError  # noqa: E402
from classifiers.classify import classify_task  # noqa: E402
from classifiers.train import train_task  # noqa: E402
from labeler.llm import make_backend  # noqa: E402
from labeler.run import label_items  # noqa: E402
from labeler.seeds import choose_seed, estimated_positive_rate  # noqa: E402
from labeler.verify import verify_flags  # noqa: E402
from snarewatch.config import Settings  # noqa: E402
from snarewatch.errors import SnarewatchError  # noqa: E402
from snarewatch.metrics import binary_metrics  # noqa: E402
from snarewatch.schema import Ad, Answer, Element, Label  # noqa: E402
from snarewatch.store import Landing, load_pending, query_records  # noqa: E402
from snarewatch.store.review_reads import (  # noqa: E402
    closest_calls_for_review,
    findings_for_review,
)
from snarewatch.taskspec import TaskSpec  # noqa: E402

HERE = Path(__file__).resolve().parent
SPECS = HERE / "questions"
WORK = OUT_DIR / "questions"
GOLD_ANNOTATOR = "human:gold"


@dataclass
class Question:
    """A spec and its items with their true side."""

    name: str
    spec: TaskSpec
    records: list[Any]  # Ad or Element records
    truth: dict[str, bool]  # item id → positive


def _yada(name: str, category: str) -> Callable[[Path], Question]:
    def build(data: Path) -> Question:
        rows = list(csv.DictReader((data / "darkpatterns" / "ec-darkpattern-dev.tsv").open(
            encoding="utf-8"), delimiter="\t"))
        records, truth = [], {}
        for n, r in enumerate(rows):
            item = f"yada{n:05d}"
            # One page's strings share a URL, so folds and seeds never split a page.
            records.append(Element(element_id=item, site="yada", url=f"yada:{r['page_id']}",
                                   source="import", text=r["text"]))
            truth[item] = r["Pattern Category"] == category
        return Question(name, TaskSpec.from_path(SPECS / f"{name}.toml"), records, truth)
    return build


def _birds(name: str, column: str) -> Callable[[Path], Question]:
    def build(data: Path) -> Question:
        with (data / "ads" / "stringham-bird-ads.csv").open(encoding="latin-1") as fh:
            rows = [r for r in csv.DictReader(fh) if r[column] in ("0", "1")]
        rows = random.Random(3).sample(rows, 2000)
        records = [Ad(ad_id=r["classifieds_unique_listing_id"], site="birds", source="import",
                      title=r["text_stop_stem"], description="") for r in rows]
        truth = {r["classifieds_unique_listing_id"]: r[column] == "1" for r in rows}
        return Question(name, TaskSpec.from_path(SPECS / f"{name}.toml"), records, truth)
    return build


def _mathur(name: str, pattern_type: str) -> Callable[[Path], Question]:
    def build(data: Path) -> Question:
        with (data / "darkpatterns" / "mathur-dark-patterns-dev.csv").open(
                encoding="utf-8", errors="replace") as fh:
            rows = [r for r in csv.DictReader(fh) if r["Pattern String"].strip()]
        records, truth = [], {}
        for n, r in enumerate(rows):
            item = f"mathur{n:05d}"
            # One site's strings share a URL, so folds and seeds never split a site.
            site = r["Website Page"].split("/")[2] if "//" in r["Website Page"] else "mathur"
            records.append(Element(element_id=item, site="mathur", url=f"mathur:{site}",
                                   source="import", text=r["Pattern String"]))
            truth[item] = r["Pattern Type"] == pattern_type
        return Question(name, TaskSpec.from_path(SPECS / f"{name}.toml"), records, truth)
    return build


def _demo_wildlife(data: Path) -> Question:
    from demo_site.truth import ground_truth
    from snarewatch.tasks import load_task

    ads = ground_truth()["ads"]
    records = [Ad(ad_id=a["id"], site="demo", url=a["url"], source="import", title=a["title"],
                  description=a["description"]) for a in ads]
    return Question("demo-wildlife", load_task("wildlife"), records,
                    {a["id"]: bool(a["is_wildlife"]) for a in ads})


QUESTIONS: dict[str, Callable[[Path], Question]] = {
    "yada-urgency": _yada("yada-urgency", "Urgency"),
    "yada-social-proof": _yada("yada-social-proof", "Social Proof"),
    "yada-scarcity": _yada("yada-scarcity", "Scarcity"),
    "yada-misdirection": _yada("yada-misdirection", "Misdirection"),
    "bird-wanted": _birds("bird-wanted", "label3"),
    # The poultry ads (chickens, ducks, pigeons) are label2: label1 holds cages and supplies,
    # whatever the data's README says of the two.
    "bird-poultry": _birds("bird-poultry", "label2"),
    # label1 marks the ads that offer no live bird (cages, aviaries, supplies, events).
    "bird-supplies": _birds("bird-supplies", "label1"),
    "mathur-confirmshaming": _mathur("mathur-confirmshaming", "Confirmshaming"),
    "mathur-limited-time": _mathur("mathur-limited-time", "Limited-time Message"),
    "mathur-activity": _mathur("mathur-activity", "Activity Notification"),
    "mathur-high-demand": _mathur("mathur-high-demand", "High-demand Message"),
    "mathur-countdown": _mathur("mathur-countdown", "Countdown Timer"),
    "mathur-low-stock": _mathur("mathur-low-stock", "Low-stock Message"),
    "mathur-pressured-selling": _mathur("mathur-pressured-selling", "Pressured Selling"),
    "demo-wildlife": _demo_wildlife,
}


REVIEWED = {"review": findings_for_review, "closest": closest_calls_for_review}
"""The review conditions and the queue each takes its rows from."""


def _store(q: Question, condition: str, fresh: bool) -> Settings:
    """A new store for one run, with the question's items and the answers of earlier runs
    (a reviewed or `more` run also reuses the seed run's: it asks many of the same questions)."""
    folder = WORK / q.name / condition
    answers: list[Answer] = []
    reused = [folder, WORK / q.name / "seed", WORK / q.name / "review"] \
        if condition in (*REVIEWED, "more") else [folder]
    for earlier in reused:
        db = earlier / "snarewatch.duckdb"
        if db.exists() and not fresh:
            rows = query_records(db, "SELECT * FROM answers")
            answers += [Answer(**{**r, "probabilities": json.loads(r["probabilities"])
                                  if isinstance(r["probabilities"], str) else r["probabilities"]})
                        for r in rows]
    answers = list({a.answer_id: a for a in answers}.values())
    shutil.rmtree(folder, ignore_errors=True)
    s = Settings(data_dir=folder)
    landing = Landing(s.landing_dir)
    for lo in range(0, len(q.records), 5000):
        landing.write(q.records[lo:lo + 5000])
    if answers:
        landing.write(answers)
    load_pending(s.db_path, s.landing_dir)
    return s


def _gold_labels(s: Settings, q: Question, item_ids: list[str]) -> None:
    Landing(s.landing_dir).write([
        Label(label_id=f"gold-{i}", task=q.spec.name, item_id=i, item_kind=q.spec.item_kind,
              value=q.spec.positive[0] if q.truth[i] else q.spec.negative_label, probability=1.0,
              source=GOLD_ANNOTATOR, p_positive=float(q.truth[i])) for i in item_ids])
    load_pending(s.db_path, s.landing_dir)


def _score(truth: dict[str, bool], flagged: set[str], items: list[str]) -> dict[str, Any]:
    m = binary_metrics([truth[i] for i in items], [i in flagged for i in items])
    true_rate = sum(truth[i] for i in items) / len(items) if items else 0.0
    flag_rate = sum(i in flagged for i in items) / len(items) if items else 0.0
    return {"precision": round(m["precision"], 3), "recall": round(m["recall"], 3),
            "f1": round(m["f1"], 3), "flag_rate": round(flag_rate, 4),
            "true_rate": round(true_rate, 4), "n": len(items)}


def run(q: Question, condition: str, args: argparse.Namespace, backend: Any) -> dict[str, Any]:
    """One end-to-end run of a question; returns its figures."""
    s = _store(q, condition, args.fresh)
    out: dict[str, Any] = {"question": q.name, "condition": condition}
    seeded: list[str] = []
    if condition in ("seed", "more", *REVIEWED):
        # `more` follows the advice for a thin seed: `labels seed` once more, skipping the
        # items already labelled, before labelling with the teacher.
        for _ in range(2 if condition == "more" else 1):
            items, _ = choose_seed(s, q.spec, args.seed_size, seed=0)
            _gold_labels(s, q, [i["item_id"] for i in items])
            seeded += [i["item_id"] for i in items]
        out["seed_positives"] = sum(q.truth[i] for i in seeded)
        out["seed_labels"] = len(seeded)
    t = time.perf_counter()
    labels = label_items(s, q.spec, budget=args.budget, backend=backend, seed=0)
    load_pending(s.db_path, s.landing_dir)
    out["label_seconds"] = round(time.perf_counter() - t, 1)
    out["collapsed"] = labels.collapsed
    out["calibration"] = labels.calibration
    llm = {r["item_id"]: r["value"] in q.spec.positive for r in query_records(
        s.db_path, "SELECT item_id, value FROM current_labels WHERE task = ? AND source LIKE "
                   "'llm:%' AND value IS NOT NULL", [q.spec.name])}
    out["teacher"] = _score(q.truth, {i for i, p in llm.items() if p}, sorted(llm))
    verify = condition != "noseed"
    unlabelled = sorted(set(q.truth) - set(llm) - set(seeded))
    try:
        figures, share = _train_flag_score(s, q, backend, unlabelled, verify=verify)
        out.update(figures)
        if condition in REVIEWED:
            # A person checks the rows `labels export --flags` (or `--closest`) lists first.
            before = _findings(s, q)
            reviewed = [r.item_id for r in REVIEWED[condition](
                s.db_path, q.spec.name, q.spec.item_kind)][:args.review]
            _gold_labels(s, q, reviewed)
            unlabelled = sorted(set(unlabelled) - set(reviewed))
            # Before and after, scored on the same items: those nobody has labelled, even now.
            out["reviewed"] = {"items": len(reviewed),
                               "false_flags": sum(i in before and not q.truth[i]
                                                  for i in reviewed),
                               "missed": sum(i not in before and q.truth[i] for i in reviewed),
                               "before": _score(q.truth, before, unlabelled)}
            first = out["verify_seconds"]
            figures, share = _train_flag_score(s, q, backend, unlabelled, verify=True)
            out.update(figures)
            out["verify_seconds"] += first
    except StudentError as exc:
        out["error"] = str(exc)
        return out
    expected = estimated_positive_rate(s, q.spec)
    likely = expected.likely
    out["guard"] = {"expected_rate": None if expected.rate is None else round(expected.rate, 4),
                    "likely": None if likely is None else [round(x, 4) for x in likely],
                    "from": expected.source, "flag_rate": round(share, 4),
                    "warned": bool(expected.rate and share > 3 * expected.rate),
                    "outside_likely": None if likely is None else
                    "under" if share < likely[0] else "above" if share > likely[1] else ""}
    out["teacher_seconds"] = round(labels.label_seconds + out.get("verify_seconds", 0.0), 1)
    out["cached_answers"] = labels.cached
    return out


def _train_flag_score(s: Settings, q: Question, backend: Any, unlabelled: list[str], *,
                      verify: bool) -> tuple[dict[str, Any], float]:
    """`train` (forced), `classify`, optionally the teacher's verification; the student and the
    findings scored on the given items nobody labelled, and the share of scored items that are
    findings."""
    out: dict[str, Any] = {}
    trained = train_task(s, q.spec, force=True)
    load_pending(s.db_path, s.landing_dir)
    out["student_kind"] = trained.student
    out["refused"] = trained.refused
    out["baseline"] = trained.verdict
    out["seed_check"] = trained.seed.get(trained.student)
    classify_task(s, q.spec, propose=verify)
    load_pending(s.db_path, s.landing_dir)
    preds = {r["item_id"]: (r["score"], r["positive"]) for r in query_records(
        s.db_path, "SELECT item_id, score, positive FROM current_predictions WHERE task = ?",
        [q.spec.name])}
    out["student"] = _score(q.truth, {i for i, (sc, _) in preds.items()
                                      if sc >= trained.threshold}, unlabelled)
    if verify:
        t = time.perf_counter()
        checked = verify_flags(s, q.spec, backend=backend)
        load_pending(s.db_path, s.landing_dir)
        out["verify_seconds"] = round(time.perf_counter() - t, 1)
        out["verified"] = {"flags": checked.verified, "confirmed": checked.confirmed,
                           "seconds_per_flag": round(checked.seconds_per_flag, 2),
                           "calibration": checked.calibration}
    findings = _findings(s, q)
    out["findings"] = _score(q.truth, findings, unlabelled)
    return out, len(findings) / (len(preds) or 1)


def _findings(s: Settings, q: Question) -> set[str]:
    return {r["item_id"] for r in query_records(
        s.db_path, "SELECT item_id FROM findings WHERE task = ?", [q.spec.name])}


def _keep_teacher_time(new: dict[str, Any], old: dict[str, Any] | None) -> None:
    """A rerun whose labels all came from the answer cache measured no teacher time: it keeps
    the time measured by the run that asked the teacher, and says where that time comes from."""
    if (new.get("teacher_seconds") or 0) >= 1 or new.get("cached_answers") is None:
        return  # the teacher was asked: the time is this run's own
    earlier = (old or {}).get("teacher_seconds")
    new["teacher_seconds"] = earlier if earlier else None
    new["teacher_seconds_from"] = ((old or {}).get("teacher_seconds_from")
                                   or (old or {}).get("measured_at") or "not measured")


def _seconds(r: dict[str, Any]) -> str:
    seconds = r.get("teacher_seconds")
    if seconds is None:
        return "time not measured (cached answers)"
    return f"{seconds:.0f} s" + (" (from the run that asked)" if r.get("teacher_seconds_from")
                                 else "")


def _line(r: dict[str, Any]) -> str:
    if "error" in r:
        return f"{r['question']:<18} {r['condition']:<6} error: {r['error']}"
    f, t = r["findings"], r["teacher"]
    guards = [g for g in ("collapsed" if r.get("collapsed") else "",
                          "refused" if r.get("refused") else "",
                          "warned" if r["guard"]["warned"] else "") if g]
    return (f"{r['question']:<18} {r['condition']:<6} teacher F1 {t['f1']:.2f} | student F1 "
            f"{r['student']['f1']:.2f} | findings P {f['precision']:.2f} R {f['recall']:.2f} "
            f"F1 {f['f1']:.2f} | flags {f['flag_rate']:.1%} vs true {f['true_rate']:.1%} | "
            f"teacher {_seconds(r)} | {', '.join(guards) or 'no warning'}" + _reviewed(r)
            + _said(r))


def _seed_range(r: dict[str, Any]) -> tuple[float, float] | None:
    """The range `train` gave the student's F1 on the seed labels (runs before ranges: none)."""
    bounds = (r.get("seed_check") or {}).get("f1_range")
    return (float(bounds[0]), float(bounds[1])) if bounds else None


def _said(r: dict[str, Any]) -> str:
    bounds = _seed_range(r)
    if bounds is None:
        return ""
    f1 = r["findings"]["f1"]
    where = "within" if bounds[0] <= f1 <= bounds[1] else \
        ("below" if f1 < bounds[0] else "above")
    return (f" | the seed said F1 {r['seed_check']['f1']:.2f} ({bounds[0]:.2f}-{bounds[1]:.2f}): "
            f"findings {where}")


def _coverage(results: list[dict[str, Any]]) -> str:
    """How often the findings' F1 on the unlabelled items fell inside the seed check's range."""
    pairs = [(_seed_range(r), r["findings"]["f1"]) for r in results
             if "findings" in r and _seed_range(r)]
    inside = sum(1 for b, f1 in pairs if b and b[0] <= f1 <= b[1])
    return (f"the seed check's F1 range held the findings' F1 in {inside} of {len(pairs)} runs "
            "(90 % ranges: about 9 in 10 expected)")


def _reviewed(r: dict[str, Any]) -> str:
    if "reviewed" not in r:
        return ""
    v, b = r["reviewed"], r["reviewed"]["before"]
    return (f" | before the review of {v['items']} ({v['false_flags']} false flags, "
            f"{v.get('missed', 0)} missed positives): "
            f"P {b['precision']:.2f} R {b['recall']:.2f} F1 {b['f1']:.2f}")


def _earlier_results() -> dict[tuple[str, str], dict[str, Any]]:
    """Figures of earlier runs (question, condition) -> result, from benchmarks/out."""
    path = OUT_DIR / "questions.json"
    if not path.exists():
        return {}
    return {(r["question"], r["condition"]): r
            for r in json.loads(path.read_text(encoding="utf-8")).get("results", [])}


def _order(key: tuple[str, str]) -> tuple[int, str]:
    names = list(QUESTIONS)
    return (names.index(key[0]) if key[0] in names else len(names), key[1])


def add_question_arguments(parser: argparse.ArgumentParser) -> None:
    """`--data` (the shared data folder) and `--only` (which questions), for every benchmark
    that runs over these questions."""
    parser.add_argument("--data", type=Path, default=SHARED_DATA,
                        help="The shared data folder (default: ../shared/data).")
    parser.add_argument("--only", default=",".join(QUESTIONS), type=_question_names,
                        help="Comma-separated questions: " + ", ".join(QUESTIONS) + ".")


def _question_names(value: str) -> str:
    """`--only` checked against the known questions (argparse turns the error into exit 2)."""
    unknown = [n for n in value.split(",") if n not in QUESTIONS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown question {', '.join(unknown)}: choose from {', '.join(QUESTIONS)}")
    return value


def main() -> None:
    """Run the chosen questions without and with a seed set; print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_question_arguments(parser)
    parser.add_argument("--conditions", default="noseed,seed",
                        help="Comma-separated: noseed, seed, more (a second seed set), review, "
                             "closest (a person checks 40 rows of a queue).")
    parser.add_argument("--budget", type=int, default=150, help="Items the teacher labels.")
    parser.add_argument("--seed-size", type=int, default=40,
                        help="Hand labels per seed set (taken from the gold labels).")
    parser.add_argument("--review", type=int, default=40,
                        help="Findings a person checks in the `review` condition.")
    parser.add_argument("--backend", default="embedded",
                        help="The teacher: embedded | openai | gguf:PATH.")
    parser.add_argument("--fresh", action="store_true", help="Forget cached answers too.")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"no data at {args.data}: pass --data ../shared/data")
    print(machine_line())
    backend = make_backend(Settings(), args.backend)
    results = _earlier_results()
    for name in args.only.split(","):
        q = QUESTIONS[name](args.data)
        for condition in args.conditions.split(","):
            try:
                r = run(q, condition, args, backend)
                _keep_teacher_time(r, results.get((name, condition)))
            except SnarewatchError as exc:
                r = {"question": name, "condition": condition, "error": str(exc)}
            r["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            results[(name, condition)] = r
            print(_line(r), flush=True)
            # Written after every run: a long benchmark stopped half-way keeps what it measured,
            # and a run of some questions keeps the figures of the others.
            ordered = [results[k] for k in sorted(results, key=_order)]
            path = write_result("questions", {"budget": args.budget, "seed_size": args.seed_size,
                                              "results": ordered})
    print(_coverage(ordered))
    print(f"figures: {path}")


if __name__ == "__main__":
    main()
