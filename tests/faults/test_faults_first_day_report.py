"""The report in the user's words: whole numbers on count axes, hints that name real commands."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from faultkit import run_cli, train_wildlife

from snarewatch.config import Settings
from snarewatch.report import build_report, plots


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The matplotlib figures the report draws (instead of their SVG)."""
    drawn: list[Any] = []

    def keep(fig: Any) -> str:
        drawn.append(fig)
        return "data:image/svg+xml;base64,"

    monkeypatch.setattr(plots, "to_data_uri", keep)
    return drawn


def _whole(ticks: Any) -> bool:
    return all(float(t).is_integer() for t in ticks)


def test_count_axes_have_whole_number_ticks(figures: list[Any]):
    monday = date(2026, 11, 2)
    plots.flagged_bars([{"site": "a", "ads": 3, "flagged": 1}, {"site": "b", "ads": 2,
                                                              "flagged": 2}],
                       "site", "ads", "flagged", "flags by site")
    plots.flags_over_time([{"week": monday + timedelta(weeks=i), "ads": 2, "flagged": i % 2}
                           for i in range(3)], "per week")
    plots.price_distributions([{"price": 10.0 * (i + 1), "currency": "EUR", "positive": i % 2}
                               for i in range(3)])
    plots.ranked_bars([{"seller": "bob", "flagged_ads": 2, "ads": 3},
                       {"seller": "ann", "flagged_ads": 1, "ads": 1}],
                      "seller", "flagged_ads", "top sellers", note="ads")
    plots.clusters_chart([{"repost_cluster": "c1", "example_title": "Ivory", "ads": 3,
                           "flagged_ads": 1, "n_sellers": 2}], "clusters")
    plots.stacked_patterns([{"site": "shop", "pattern": "countdown_timer", "n": 2},
                            {"site": "shop", "pattern": "low_stock_message", "n": 1}], "patterns")
    bar, week, price, ranked, clusters, stacked = figures
    counts = {"flags by site (x)": bar.axes[0].get_xticks(),
              "ads per week (y)": week.axes[0].get_yticks(),
              "ads by price (y)": price.axes[0].get_yticks(),
              "top sellers (x)": ranked.axes[0].get_xticks(),
              "copies of an ad (x)": clusters.axes[0].get_xticks(),
              "findings by site (x)": stacked.axes[0].get_xticks()}
    assert {name: list(t) for name, t in counts.items() if not _whole(t)} == {}


def test_budget_curve_hint_names_a_command_the_user_has(tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data")
    train_wildlife(settings)
    out = tmp_path / "report.html"
    build_report(settings.db_path, out, registry_dir=settings.registry_dir,
                 data_dir=settings.data_dir)
    html = out.read_text(encoding="utf-8")
    section = html[html.index("Budget curve"):]
    assert "benchmarks/" not in section
    assert "snarewatch loop" in section and "--gold" in section


def test_loop_with_gold_writes_the_budget_curve_the_report_draws(tmp_path: Path):
    from faultkit import PLAIN, WILD

    from snarewatch.schema import Ad
    from snarewatch.store import Landing, load_pending

    settings = Settings(data_dir=tmp_path / "data")
    ads = [Ad(ad_id=f"a{i}", site="test", source="import", title=f"{t} lot {i}")
           for i, t in enumerate([*WILD, *PLAIN] * 3)]
    Landing(settings.landing_dir).write(ads)
    load_pending(settings.db_path, settings.landing_dir)
    script = tmp_path / "teacher.json"
    script.write_text(json.dumps({
        "rules": [[w, "wildlife_product", 0.9] for w in
                  ("ivory", "pangolin", "rhino", "skin rug", "loris", "shark", "tortoise",
                   "bile", "tusk", "turtle")], "default": "not_wildlife"}))
    gold = tmp_path / "gold.csv"
    gold.write_text("text,label\nIvory necklace,wildlife_product\nRhino horn powder,"
                    "wildlife_product\nPlastic chair,not_wildlife\nPhone charger,not_wildlife\n",
                    encoding="utf-8")
    out = run_cli(tmp_path, "loop", "wildlife", "--rounds", "2", "--per-round", "20",
                  "--min-gain", "-1", "--student", "tfidf", "--backend", f"fake:{script}",
                  "--gold", str(gold))
    assert out.returncode == 0, out.stderr
    curve = json.loads((settings.data_dir / "budget_curve.json").read_text())
    points = [p for p in curve["points"] if p["task"] == "wildlife"]
    assert [p["budget"] for p in points] == sorted(p["budget"] for p in points)
    assert len(points) == 2 and all(0.0 <= p["f1"] <= 1.0 for p in points)
    report = tmp_path / "report.html"
    build_report(settings.db_path, report, registry_dir=settings.registry_dir,
                 data_dir=settings.data_dir)
    assert 'alt="budget curve"' in report.read_text(encoding="utf-8")
