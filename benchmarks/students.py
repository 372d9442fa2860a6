"""Students vs the teacher: items/s on this machine, and F1 on the same gold rows.

Speed: each student is fitted on the dark-pattern texts, then times `predict_texts` in batches
of 1,024 over UI strings (Yada et al. + Mathur et al.), embedding memo emptied before each
repeat; the embedded LLM teacher is timed on ~100 texts it has not labelled before.

Quality: page-grouped 5-fold CV over all 1,900 dark-pattern texts. In each outer fold a student
is trained on (a) gold labels of every training row, (b) the LLM's labels of the rows of a
600-text diversity sample that fall in the training pages (labels cached by budget_curve.py),
(c) gold labels of those same rows; its threshold is chosen by 3-fold CV inside the training
folds only, and it is judged on the gold labels of the held-out pages. The teacher's own labels are
judged on the sampled rows.

    .venv/bin/python benchmarks/students.py [--data ../shared/data] [--teacher-n 100]

The LLM's labels of the dark-pattern texts are cached here (benchmarks/out/*.jsonl) and shared
with budget_curve.py.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from _machine import OUT_DIR, SHARED_DATA, machine_line, write_result  # noqa: E402

from classifiers.classify import BATCH, predict_texts  # noqa: E402
from classifiers.cv import cross_validate, make_folds  # noqa: E402
from classifiers.embedding import forget, remember  # noqa: E402
from classifiers.metrics import binary_metrics  # noqa: E402
from classifiers.registry import student_class  # noqa: E402
from classifiers.train import fit_student  # noqa: E402
from labeler.sampling import select  # noqa: E402

log = logging.getLogger("students")

LLM_SAMPLE = 600
LLM_CACHE = OUT_DIR / "llm-labels-darkpatterns.jsonl"
EMB_CACHE = OUT_DIR / "cache"
DARK_TSV = Path("darkpatterns") / "ec-darkpattern-dev.tsv"


# -- shared with budget_curve.py: data, embeddings, the LLM's cached labels ------------------
def embeddings(texts: list[str]) -> np.ndarray:
    """MiniLM vectors via the labeler's on-disk cache, also handed to the students' memo."""
    from labeler.embed import embed_texts

    vectors = embed_texts(texts, cache_dir=EMB_CACHE)
    remember(texts, vectors)
    return vectors


def read_dark(data: Path) -> list[dict[str, str]]:
    """Every row of Yada et al.'s dark-pattern TSV, in file order."""
    with (data / DARK_TSV).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def llm_sample(emb_all: np.ndarray, n: int = LLM_SAMPLE) -> list[int]:
    """A diversity sample of all dark-pattern rows, shuffled so that any prefix is diverse too."""
    idx = select("diversity", emb_all, n, seed=0).indices
    return [idx[k] for k in np.random.default_rng(0).permutation(len(idx))]


def read_llm_cache() -> dict[int, dict[str, Any]]:
    """Cached LLM decisions by TSV row number (the last line for a row wins)."""
    found: dict[int, dict[str, Any]] = {}
    if LLM_CACHE.exists():
        for line in LLM_CACHE.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                found[int(entry["row"])] = entry
    return found


def llm_labels(rows: list[dict[str, str]], sample_rows: list[int], label_missing: bool = True,
               ) -> dict[int, dict[str, Any]]:
    """Embedded-LLM decisions (deceptive-ui task) for `sample_rows`, from the cache or labelled now.

    With `label_missing=False` only cached decisions are returned. Each decision is appended to
    the cache as soon as it is made; failures are counted, not cached.
    """
    from labeler.prompts import PROMPT_VERSION, build_prompt, prompt_prefix
    from snarewatch.tasks import load_task

    task = load_task("deceptive-ui")
    # Answers to another prompt or decision rule are not reused.
    version = hashlib.sha256((PROMPT_VERSION + prompt_prefix(task)).encode()).hexdigest()[:12]
    cache = read_llm_cache()
    cache = {i: e for i, e in cache.items()
             if i < len(rows) and e["text"] == rows[i]["text"] and e.get("prompt") == version}
    todo = [i for i in sample_rows if i not in cache]
    if todo and label_missing:
        from labeler.llm import make_backend
        from labeler.strategy import decide
        from snarewatch.config import load_settings
        from snarewatch.errors import LLMError

        backend = make_backend(load_settings(), "embedded")
        print(f"  LLM: labelling {len(todo)} texts with {backend.name} (prompt {version})",
              flush=True)
        failed, start = 0, time.perf_counter()
        LLM_CACHE.parent.mkdir(parents=True, exist_ok=True)
        with LLM_CACHE.open("a", encoding="utf-8") as fh:
            for k, i in enumerate(todo, 1):
                # As `snarewatch label` decides.
                choice = decide(backend, task.label_names,
                                [[build_prompt(task, {"text": rows[i]["text"]})]])[0]
                if isinstance(choice, LLMError):
                    failed += 1
                    log.warning("row %d: %s", i, choice)
                    continue
                entry = {"row": i, "text": rows[i]["text"], "label": choice.label,
                         "probability": choice.probability, "dark": task.is_positive(choice.label),
                         "seconds": round(choice.seconds, 4), "model": backend.name,
                         "prompt": version, "load_avg": round(os.getloadavg()[0], 2)}
                fh.write(json.dumps(entry) + "\n")
                fh.flush()
                cache[i] = entry
                if k % 25 == 0 or k == len(todo):
                    rate = k / (time.perf_counter() - start)
                    print(f"  LLM: {k}/{len(todo)} ({rate:.2f} labels/s, {failed} failed)",
                          flush=True)
    return {i: cache[i] for i in sample_rows if i in cache}


def teacher_speed(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Labels/s of the teacher from its per-decision times (model load excluded)."""
    secs = np.array([e["seconds"] for e in entries], dtype=float)
    return {"decisions": len(secs), "labels_per_s": round(len(secs) / secs.sum(), 3),
            "median_s": round(float(np.median(secs)), 3),
            "load_avg_mean": round(float(np.mean([e.get("load_avg", 0) for e in entries])), 2),
            "models": sorted({e["model"] for e in entries}),
            "prompts": sorted({e["prompt"] for e in entries})}


QUALITY_STUDENTS = ("tfidf", "hybrid")  # embed is weaker than both on gold (docs/classifiers.md)
# Seconds per deceptive-ui decision of the embedded teacher on an idle machine (docs/labeler.md):
# the fastest figure known, so the ratio against it is the conservative one.
IDLE_TEACHER_S = 0.2


# -- speed ---------------------------------------------------------------------------------
def ui_strings(data: Path) -> list[str]:
    """Yada et al.'s texts and Mathur et al.'s pattern strings: real shopping-page UI text."""
    texts = [r["text"] for r in read_dark(data)]
    with (data / "darkpatterns" / "mathur-dark-patterns-dev.csv").open(encoding="utf-8") as fh:
        texts += [r["Pattern String"] for r in csv.DictReader(fh)]
    return texts


def time_student(name: str, train: tuple[list[str], list[str]], texts: list[str],
                 repeats: int) -> dict[str, Any]:
    """Median items/s of one student predicting `texts` in batches, after fitting on `train`."""
    params: dict[str, Any] = {"epochs": 1} if name == "finetune" else {}
    start = time.perf_counter()
    clf = student_class(name)(positive=["1"], **params).fit(*train)
    fit_s = time.perf_counter() - start
    rates, cpu_rates = [], []
    for _ in range(repeats):
        forget()  # the embedding students must pay for encoding every time
        start, cpu = time.perf_counter(), time.process_time()
        for b in range(0, len(texts), BATCH):
            predict_texts(clf, texts[b:b + BATCH])
        rates.append(len(texts) / (time.perf_counter() - start))
        # CPU time is far less sensitive than wall time to other jobs on a shared machine.
        cpu_rates.append(len(texts) / max(time.process_time() - cpu, 1e-9))
    return {"items_per_s": round(statistics.median(rates), 1), "runs": [round(r, 1) for r in rates],
            "items_per_cpu_s": round(statistics.median(cpu_rates), 1),
            "texts": len(texts), "fit_rows": len(train[0]), "fit_seconds": round(fit_s, 2)}


def time_teacher(rows: list[dict[str, str]], skip: set[int], n: int) -> dict[str, Any]:
    """Labels/s of the embedded LLM over `n` texts (model loaded first; not cached)."""
    from labeler.llm import make_backend
    from labeler.prompts import build_prompt
    from snarewatch.config import load_settings
    from snarewatch.tasks import load_task

    task = load_task("deceptive-ui")
    backend = make_backend(load_settings(), "embedded")
    start = time.perf_counter()
    if hasattr(backend, "load"):
        backend.load()
    load_s = time.perf_counter() - start
    pick = [i for i in np.random.default_rng(1).permutation(len(rows)) if i not in skip][:n]
    start = time.perf_counter()
    for i in pick:
        backend.choose(build_prompt(task, {"text": rows[i]["text"]}), task.label_names)
    seconds = time.perf_counter() - start
    return {"backend": backend.name, "texts": len(pick), "seconds": round(seconds, 1),
            "labels_per_s": round(len(pick) / seconds, 3), "load_seconds": round(load_s, 1),
            "load_avg": round(os.getloadavg()[0], 2)}


def nested_cv(name: str, texts: list[str], gold: np.ndarray, pages: list[str],
              llm: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Out-of-fold flags of one student trained on gold, LLM and same-rows-gold labels."""
    y = np.where(gold, "1", "0")
    folds, _ = make_folds(y.tolist(), pages, k=5, seed=0)
    flags = {v: np.zeros(len(texts), bool) for v in ("gold_all", "llm", "gold_same_rows")}
    per_fold: dict[str, list[float]] = {v: [] for v in flags}
    for train, test in folds:
        sampled = [i for i in train if i in llm]
        variants = {
            "gold_all": (list(train), y[train].tolist(), None),
            "llm": (sampled, ["1" if llm[i]["dark"] else "0" for i in sampled],
                    [float(llm[i]["probability"] or 1.0) for i in sampled]),
            "gold_same_rows": (sampled, y[sampled].tolist(), None),
        }
        for variant, (idx, labels, weights) in variants.items():
            clf, _ = fit_student(name, [texts[i] for i in idx], labels, weights=weights,
                                 positive=["1"], groups=[pages[i] for i in idx], folds=3)
            got = np.array([p for _, _, p in predict_texts(clf, [texts[i] for i in test])])
            flags[variant][test] = got
            per_fold[variant].append(binary_metrics(gold[test], got)["f1"])
    labelled = np.array(sorted(llm))
    out: dict[str, Any] = {}
    for variant, f in flags.items():
        m = binary_metrics(gold, f)
        out[variant] = {"f1": round(m["f1"], 4), "precision": round(m["precision"], 4),
                        "recall": round(m["recall"], 4),
                        "f1_fold_sd": round(float(np.std(per_fold[variant], ddof=1)), 4),
                        "f1_on_llm_labelled_rows": round(
                            binary_metrics(gold[labelled], f[labelled])["f1"], 4)}
    return out


def main() -> None:
    """Measure, print with the machine, and save benchmarks/out/students.json."""
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=SHARED_DATA, help="The shared data folder.")
    ap.add_argument("--teacher-n", type=int, default=0,
                    help="Time the LLM on this many fresh texts (0: use the cached run's times).")
    ap.add_argument("--llm-n", type=int, default=LLM_SAMPLE, help="Cached LLM labels to use.")
    ap.add_argument("--cached-only", action="store_true", help="Never call the LLM for labels.")
    ap.add_argument("--skip", choices=["speed", "quality"], default=None)
    args = ap.parse_args()
    print(machine_line(), f"load average {os.getloadavg()[0]:.2f}", flush=True)
    rows = read_dark(args.data)
    texts = [r["text"] for r in rows]
    gold = np.array([r["label"] == "1" for r in rows])
    pages = [r["page_id"] for r in rows]
    labelled = llm_labels(rows, llm_sample(embeddings(texts), args.llm_n),
                          label_missing=not args.cached_only)
    out: dict[str, Any] = {"rows": len(rows), "llm_labelled": len(labelled)}

    if args.skip != "speed":
        ui = ui_strings(args.data)
        train = (texts, np.where(gold, "1", "0").tolist())
        speed: dict[str, Any] = {}
        for name, n, repeats in (("tfidf", len(ui), 5), ("embed", 1024, 3),
                                 ("hybrid", 1024, 3), ("finetune", 512, 2)):
            # Speed does not depend on training quality: a one-epoch fine-tune on 64 rows will do.
            fit_on = train if name != "finetune" else (train[0][::30], train[1][::30])
            speed[name] = time_student(name, fit_on, ui[:n], repeats)
            print(f"  {name:<8} {speed[name]['items_per_s']:>9,.0f} items/s, "
                  f"{speed[name]['items_per_cpu_s']:,.0f} items per CPU-second "
                  f"(runs {speed[name]['runs']}, {n} texts)", flush=True)
        if args.teacher_n:
            teacher = time_teacher(rows, set(labelled), args.teacher_n)
        else:  # the labelling run's own per-decision times (model load excluded)
            teacher = {"source": "cached labelling run", **teacher_speed(list(labelled.values()))}
        teacher["load_avg_now"] = round(os.getloadavg()[0], 2)
        print(f"  teacher  {teacher['labels_per_s']:>9.3f} labels/s ({teacher})", flush=True)
        for s in speed.values():
            s["x_teacher"] = round(s["items_per_s"] / teacher["labels_per_s"])
            s["x_teacher_idle"] = round(s["items_per_cpu_s"] * IDLE_TEACHER_S)
        print("  ratio to the teacher: " + ", ".join(
            f"{k} {v['x_teacher']:,}x (per CPU-second vs an idle teacher: "
            f"{v['x_teacher_idle']:,}x)"
            for k, v in speed.items()), flush=True)
        out["speed"] = {"students": speed, "teacher": teacher}
        embeddings(texts)  # the timing emptied the memo; the quality part reuses the cache

    if args.skip != "quality":
        quality: dict[str, Any] = {}
        idx = np.array(sorted(labelled))
        teacher_bin = np.array([labelled[i]["dark"] for i in idx])
        t = binary_metrics(gold[idx], teacher_bin)
        quality["teacher_on_llm_labelled_rows"] = {k: round(v, 4) for k, v in t.items()}
        print(f"  teacher on its {len(idx)} labelled rows: F1 {t['f1']:.3f} "
              f"(P {t['precision']:.3f}, R {t['recall']:.3f})", flush=True)
        for name in QUALITY_STUDENTS:
            start = time.perf_counter()
            q = quality[name] = nested_cv(name, texts, gold, pages, labelled)
            # For comparison: the old, optimistic figure (threshold tuned on the judged scores).
            cv = cross_validate(lambda n=name: student_class(n)(positive=["1"]), texts,
                                np.where(gold, "1", "0").tolist(), groups=pages, k=5)
            q["gold_all_threshold_on_same_oof"] = round(cv.metrics["f1"], 4)
            q["seconds"] = round(time.perf_counter() - start, 1)
            print(f"  {name:<7} page-grouped 5-fold F1: gold {q['gold_all']['f1']:.3f} ± "
                  f"{q['gold_all']['f1_fold_sd']:.3f} (threshold on the same OOF scores: "
                  f"{q['gold_all_threshold_on_same_oof']:.3f}); LLM labels of the sample "
                  f"{q['llm']['f1']:.3f} ± {q['llm']['f1_fold_sd']:.3f}; gold labels of the same "
                  f"rows {q['gold_same_rows']['f1']:.3f}; on the LLM-labelled rows: "
                  f"student-from-LLM {q['llm']['f1_on_llm_labelled_rows']:.3f} vs teacher "
                  f"{t['f1']:.3f}", flush=True)
        out["quality"] = quality
    out["load_avg_end"] = os.getloadavg()[0]
    # A run with --skip keeps the other part's figures from the previous run.
    previous = OUT_DIR / "students.json"
    if args.skip and previous.exists():
        old = json.loads(previous.read_text())
        out = {**{k: old[k] for k in ("speed", "quality") if k in old and k not in out}, **out}
    print(f"wrote {write_result('students', out)}")


if __name__ == "__main__":
    main()
