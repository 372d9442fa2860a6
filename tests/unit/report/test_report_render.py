"""The HTML report: empty store, full store, task filter, and no network references."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from report_store import DemoStore

from snarewatch.report import build_report, load_report_data, render_report

ALL_SECTIONS = ["where", "prices", "who", "patterns", "tasks", "models"]


def _assert_offline(text: str) -> None:
    """No scripts, stylesheets, fonts or images fetched from anywhere."""
    assert "<script" not in text.lower()
    assert "<link" not in text.lower()
    assert "@import" not in text and "url(" not in text
    for attr in re.findall(r'(?:src|href)="([^"]*)"', text):
        assert attr.startswith(("data:", "#")), attr


@pytest.fixture(scope="module")
def full_report(
    demo_store: DemoStore, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, list[str]]:
    out = tmp_path_factory.mktemp("html") / "report.html"
    result = build_report(demo_store.db_path, out, registry_dir=demo_store.data_dir / "models",
                          data_dir=demo_store.data_dir, budget_curve=demo_store.budget_curve)
    assert result.path == out and not result.empty
    return out.read_text(encoding="utf-8"), result.sections


def test_empty_store_says_what_to_run_first(empty_db: Path, tmp_path: Path) -> None:
    result = build_report(empty_db, tmp_path / "r.html")
    text = result.path.read_text(encoding="utf-8")
    assert result.empty and result.sections == ["empty"]
    assert "Nothing to report yet" in text and "snarewatch demo" in text
    _assert_offline(text)


def test_full_report_has_every_section_and_chart(full_report: tuple[str, list[str]]) -> None:
    text, sections = full_report
    assert sections == ALL_SECTIONS
    for anchor in ALL_SECTIONS:
        assert f'<section id="{anchor}">' in text
    alts = re.findall(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="([^"]+)"', text)
    assert set(alts) >= {"flags by site", "flags by category", "flags over time",
                         "price distributions", "top sellers", "repost clusters",
                         "pattern types by site", "model metrics", "confusion matrix wildlife",
                         "budget curve"}
    assert re.search(r'<img src="data:image/jpeg;base64,[^"]+" alt="annotated page '
                     r'https://shop-a.test/p/1"', text)
    assert 'class="empty"' not in text  # a full store leaves no section asking for data
    _assert_offline(text)


def test_embedded_charts_are_valid_svg(full_report: tuple[str, list[str]]) -> None:
    text, _ = full_report
    first = re.search(r'data:image/svg\+xml;base64,([^"]+)"', text)
    assert first is not None
    svg = base64.b64decode(first.group(1)).decode("utf-8")
    assert "<svg" in svg and "http://www.w3.org/2000/svg" in svg
    assert "<image" not in svg and "xlink:href=\"http" not in svg


def test_report_shows_truth_sellers_and_eval(full_report: tuple[str, list[str]],
                                             demo_store: DemoStore) -> None:
    text, _ = full_report
    top = max((t for t in demo_store.truth if t["is_wildlife"]),
              key=lambda t: sum(1 for u in demo_store.truth
                                if u["seller"] == t["seller"] and u["is_wildlife"]))
    from snarewatch.report.html import esc

    assert esc(top["seller"]) in text
    assert "teacher on the same rows" in text and "(run eval-1)" in text


def test_task_filter_keeps_only_that_tasks_sections(demo_store: DemoStore) -> None:
    data = load_report_data(demo_store.db_path)
    text, sections = render_report(data, task="deceptive-ui")
    assert sections == ["patterns", "tasks", "models"]
    assert "No trained models yet" in text  # the fixture trained only a wildlife model
    _, sections = render_report(data, task="wildlife", budget_curve=demo_store.budget_curve)
    assert sections == ["where", "prices", "who", "tasks", "models"]


def test_partial_store_explains_missing_steps(tmp_path: Path) -> None:
    from snarewatch.schema import Ad
    from snarewatch.store import Landing, load_pending

    Landing(tmp_path / "landing").write([Ad(ad_id="a", site="s", title="t", price=3.0,
                                            currency="AUD")])
    load_pending(tmp_path / "db.duckdb", tmp_path / "landing")
    text, sections = render_report(load_report_data(tmp_path / "db.duckdb"),
                                   budget_curve=tmp_path / "absent.json")
    assert sections == ALL_SECTIONS
    assert "none is classified yet" in text and "snarewatch classify wildlife" in text
    assert "No gold evaluation stored yet" in text and "snarewatch loop wildlife" in text


def test_missing_or_bad_screenshots_are_left_out(tmp_path: Path) -> None:
    from snarewatch.report.evidence import load_evidence
    from snarewatch.store import Blobs

    row = {"url": "https://x.test/", "site": "x.test", "patterns": "nagging", "findings": 1}
    good = Blobs(tmp_path).put(b"not an image")
    rows = [{**row, "annotated_sha256": sha} for sha in ("0" * 64, "nonsense", good)]
    assert load_evidence(rows, tmp_path) == []
    assert load_evidence(rows, None) == []


def test_audited_pages_show_their_verdict(full_report: tuple[str, list[str]]) -> None:
    text, _ = full_report
    assert "<h3>Page verdicts</h3>" in text and "hidden_costs" in text
    assert "1 of the 1 audited pages shown called deceptive" in text


def test_the_report_is_about_the_bundled_task_else_the_stored_one_of_that_kind() -> None:
    from snarewatch.report.data import choose_tasks

    both = {"wildlife": "ad", "counterfeit": "ad", "deceptive-ui": "ui_element"}
    assert (choose_tasks(both).ad, choose_tasks(both).element) == ("wildlife", "deceptive-ui")
    assert choose_tasks(both, "counterfeit").ad == "counterfeit"
    assert choose_tasks(both, "deceptive-ui").ad == "wildlife"  # a task of another kind
    only_user = {"counterfeit": "ad", "fake-timers": "ui_element"}
    about = choose_tasks(only_user)
    assert (about.ad, about.element, about.bundled) == ("counterfeit", "fake-timers", False)
    assert choose_tasks({}).bundled  # an empty store: the bundled names, for the hints
