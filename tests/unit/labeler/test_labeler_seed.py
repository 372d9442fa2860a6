"""The seed set: drawn in two weighted strata, exported, labelled by hand, used by `label`."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from conftest import hashed_embeddings, load
from typer.testing import CliRunner

from labeler.seeds import draw_seed, seed_rows
from snarewatch.tasks import load_task


def test_draw_seed_takes_half_from_the_most_similar_and_weighs_each_stratum() -> None:
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(1000, 8)).astype(np.float32)
    sim = rng.random(1000)
    draw = draw_seed(emb, sim, 40, seed=1, exclude=[int(np.argmax(sim))])
    assert len(draw.indices) == 40 == len(set(draw.indices))
    top = set(np.argsort(-sim)[:101].tolist())
    similar = [i for i, s in zip(draw.indices, draw.strata, strict=True) if s == "similar"]
    assert len(similar) == 20 and set(similar) <= top
    assert int(np.argmax(sim)) not in draw.indices
    # Each item stands for its stratum: the weights add up to the pool.
    assert sum(draw.weights) == pytest.approx(999)
    assert draw.strata != sorted(draw.strata)  # shuffled: the strata cannot be told by position


def test_small_pools_are_drawn_whole_and_diverse() -> None:
    emb = np.random.default_rng(1).normal(size=(30, 8)).astype(np.float32)
    draw = draw_seed(emb, np.zeros(30), 20)
    assert len(draw.indices) == 20 and set(draw.strata) == {"all"}


def test_guided_scores_rank_items_like_the_hand_labelled_positives_first() -> None:
    from labeler.seeds import guided_scores

    rng = np.random.default_rng(2)
    # Positives lie along one direction the definition's anchor only roughly points to.
    direction = np.eye(8, dtype=np.float32)[0]
    emb = rng.normal(size=(400, 8)).astype(np.float32)
    truth = rng.random(400) < 0.1
    emb[truth] += 3 * direction
    labelled = list(range(40))
    anchor = (direction + np.eye(8, dtype=np.float32)[1])[None, :]
    scores = guided_scores(emb, labelled, truth[labelled].tolist(), anchor)
    assert scores is not None and scores.shape == (400,)
    top = np.argsort(-scores)[:40]
    assert truth[top].mean() > 3 * truth.mean()
    # A hand-labelled negative is needed to learn anything beyond the definition.
    assert guided_scores(emb, [0, 1], [True, True], anchor) is None
    assert guided_scores(emb, [], [], anchor) is None


@pytest.fixture
def cli(store, monkeypatch, tmp_path):
    import snarewatch.cli._common as common
    from snarewatch.cli import app

    monkeypatch.setattr(common, "_settings", store)
    monkeypatch.setattr("labeler.seeds.embed_texts", hashed_embeddings)
    monkeypatch.setattr("labeler.run.embed_texts", hashed_embeddings)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args), catch_exceptions=False)


WILDLIFE_WORDS = ("ivory", "rhino", "parrot", "pangolin", "bear bile", "hawksbill")


def _fill_sheet(sheet, *, against: int | None = None) -> str | None:
    """Label an exported seed sheet as a researcher would; `against` is the index of one clean
    ad labelled wildlife anyway. Returns that ad's id."""
    rows = list(csv.DictReader(sheet.open()))
    odd = None
    clean = [i for i, r in enumerate(rows)
             if not any(w in r["text"].lower() for w in WILDLIFE_WORDS)]
    for i, r in enumerate(rows):
        wild = any(w in r["text"].lower() for w in WILDLIFE_WORDS)
        if against is not None and i == clean[against]:
            wild, odd = True, r["item_id"]
        r["human_label"] = "wildlife_product" if wild else "not_wildlife"
    with sheet.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return odd


def test_seed_export_import_then_label_calibrates_on_the_seed(cli, store, tmp_path):
    out = tmp_path / "seed.csv"
    done = cli("labels", "seed", "wildlife", "--size", "8", "--out", str(out))
    assert done.exit_code == 0 and "labels import wildlife" in done.stdout
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 8 and all(r["human_label"] == "" for r in rows)
    _fill_sheet(out)
    imported = cli("labels", "import", "wildlife", str(out), "--annotator", "me")
    assert imported.exit_code == 0
    # Eight labels cannot hold five of each side: the import says what to draw next.
    said = " ".join(imported.stderr.split())
    assert "hand labels hold only" in said and "labels seed wildlife" in said
    task = load_task("wildlife")
    seeds = seed_rows(store, task)
    assert len(seeds) == 8 and all(s.weight > 0 for s in seeds)
    positives = sum(s.positive for s in seeds)
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"rules": [[w, "wildlife_product", 0.8] for w in WILDLIFE_WORDS],
                                  "default": "not_wildlife"}))
    result = cli("label", "wildlife", "--budget", "4", "--backend", f"fake:{script}",
                 "--format", "json")
    summary = json.loads(result.stdout)[0]
    # The sample skips the 8 hand-labelled ads; the seed's answers were asked for calibration.
    assert summary["human"] == 8 and summary["sampled"] == 4
    assert summary["seed_labels"] == 8 and summary["seed_positive"] == positives
    assert positives >= 3 and 8 - positives >= 3  # both sides: the seed calibrates
    assert "calibrated on 8 seed labels" in summary["calibration"]
    assert summary["seed_agreement"] == 1.0
    assert "hand labels hold only" not in result.stderr  # JSON output stays clean


def test_a_second_seed_set_skips_the_first_and_is_guided_by_its_labels(cli, store, tmp_path):
    first, second = tmp_path / "seed.csv", tmp_path / "more.csv"
    cli("labels", "seed", "wildlife", "--size", "8", "--out", str(first))
    _fill_sheet(first)
    assert cli("labels", "import", "wildlife", str(first), "--annotator", "me").exit_code == 0
    done = cli("labels", "seed", "wildlife", "--size", "4", "--out", str(second))
    assert done.exit_code == 0
    assert "your hand labels and the definition make look most positive" in \
        " ".join(done.stdout.split())
    before = {r["item_id"] for r in csv.DictReader(first.open())}
    after = {r["item_id"] for r in csv.DictReader(second.open())}
    assert len(after) == 4 and not before & after
    from snarewatch.store import load_pending, query_records

    load_pending(store.db_path, store.landing_dir)
    recorded = query_records(store.db_path, "SELECT params FROM samples WHERE method = 'seed'")
    by = [json.loads(r["params"])["similar_by"] if isinstance(r["params"], str)
          else r["params"]["similar_by"] for r in recorded]
    assert sorted(set(by)) == ["definition", "hand labels"]


def test_label_names_the_hand_labels_the_teacher_contradicts_most(cli, tmp_path):
    out = tmp_path / "seed.csv"
    cli("labels", "seed", "wildlife", "--size", "8", "--out", str(out))
    odd = _fill_sheet(out, against=0)
    assert cli("labels", "import", "wildlife", str(out), "--annotator", "me").exit_code == 0
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"rules": [[w, "wildlife_product", 0.8] for w in WILDLIFE_WORDS],
                                  "default": "not_wildlife"}))
    result = cli("label", "wildlife", "--budget", "4", "--backend", f"fake:{script}")
    said = " ".join(result.stderr.split())
    assert "disagrees most surely" in said
    # The one ad labelled against the rules is named, with what the researcher said.
    assert f"{odd}: you said wildlife_product" in said
    assert said.count(": you said ") == 1


def test_label_without_seed_says_so_and_a_collapsed_run_exits_1(cli, store, tmp_path):
    from snarewatch.errors import UntrustworthyResultError

    ok = cli("label", "wildlife", "--budget", "4", "--backend", "fake:not_wildlife")
    assert ok.exit_code == 0 and "no hand labels yet" in ok.stderr
    # 40 ads, every answer "no": the run collapses and says what to do.
    from snarewatch.schema import Ad
    from snarewatch.store import Landing

    Landing(store.landing_dir).write([Ad(ad_id=f"extra{i}", site="t", url=f"http://t/{i}",
                                         title=f"ordinary item {i}", description="")
                                      for i in range(40)])
    load(store)
    with pytest.raises(UntrustworthyResultError, match="collapsed.*labels seed"):
        cli("label", "wildlife", "--budget", "40", "--backend", "fake:not_wildlife")


def test_a_run_whose_every_call_failed_exits_1_with_the_reason(cli, tmp_path):
    from snarewatch.errors import LLMError

    script = tmp_path / "down.json"
    script.write_text(json.dumps({"fail": {"": "transient"}}))  # every item fails
    with pytest.raises(LLMError, match="every call to the teacher failed.*nothing was labelled"):
        cli("label", "wildlife", "--budget", "3", "--backend", f"fake:{script}")


@pytest.mark.parametrize("warning", [None, "the teacher's answers do not split"])
def test_without_seeds_the_expected_rate_says_whether_its_run_warned(store, warning):
    from datetime import UTC, datetime

    from labeler.seeds import estimated_positive_rate
    from snarewatch.schema import Run
    from snarewatch.store import Landing

    now = datetime.now(UTC)
    Landing(store.landing_dir).write([Run(
        run_id="label-1", kind="label", started_at=now, finished_at=now, status="done",
        params={"task": "wildlife"}, stats={"positive_rate": 0.4, "collapsed": warning})])
    load(store)
    expected = estimated_positive_rate(store, load_task("wildlife"))
    assert expected.rate == pytest.approx(0.4) and expected.likely is None
    assert expected.source.startswith("the teacher's labels of the last labelling run")
    assert ("warned" in expected.source) == (warning is not None)


def test_the_expected_rate_comes_from_the_drawn_seed_with_its_range_not_from_reviews(
        cli, store, tmp_path):
    from labeler.seeds import estimated_positive_rate

    sheet = tmp_path / "seed.csv"
    cli("labels", "seed", "wildlife", "--size", "12", "--out", str(sheet))
    _fill_sheet(sheet)
    assert cli("labels", "import", "wildlife", str(sheet), "--annotator", "me").exit_code == 0
    task = load_task("wildlife")
    before = estimated_positive_rate(store, task)
    seeds = seed_rows(store, task)
    weighted = sum(s.weight for s in seeds if s.positive) / sum(s.weight for s in seeds)
    assert before.source == "your 12 seed labels" and before.rate == pytest.approx(weighted)
    assert before.likely is not None and before.likely[0] < before.rate < before.likely[1]
    # A person then confirms five flagged ads: labels chosen for being flagged, not drawn.
    from snarewatch.store import query_records

    drawn = {s.item_id for s in seeds}
    others = [r["ad_id"] for r in query_records(store.db_path, "SELECT ad_id FROM ads")
              if r["ad_id"] not in drawn][:5]
    review = tmp_path / "review.csv"
    review.write_text("item_id,human_label\n" + "".join(f"{i},wildlife_product\n" for i in others))
    assert cli("labels", "import", "wildlife", str(review), "--annotator", "me").exit_code == 0
    after = estimated_positive_rate(store, task)
    assert (after.rate, after.source, after.likely) == (before.rate, before.source, before.likely)


def test_thin_seed_advice_names_the_thin_side_and_the_next_draw() -> None:
    from labeler.seeds import thin_seed_advice

    task = load_task("wildlife")
    assert thin_seed_advice(task, 0, 0) is None  # no hand labels: `label` says so itself
    assert thin_seed_advice(task, 40, 12) is None
    advice = thin_seed_advice(task, 40, 3)
    assert advice is not None and "only 3 positive" in advice
    assert "labels seed wildlife" in advice and "--closest" in advice
    assert "only 2 negative" in (thin_seed_advice(task, 40, 38) or "")
