"""A task the user writes (one spec file in ./tasks) goes end to end with no code change:
labels, a student, findings, the analyst views, the HTML report, the API, and the extension in
real Chromium against `snarewatch serve`."""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from harness import build_extension, flagged, inspect, launch, run_server, wait_scanned
from local_http import serve

from snarewatch.config import Settings
from snarewatch.schema import Ad, Label, stable_id
from snarewatch.store import Landing, load_pending, query_records

TASK = "counterfeit"
SPEC = '''
name = "counterfeit"
display_name = "Counterfeit goods"
description = "Does this ad sell a counterfeit branded product?"
item_kind = "ad"
input_template = "{title}\\n{description}"
positive = ["counterfeit"]
negative = "genuine"

[[labels]]
name = "counterfeit"
definition = "A fake or replica of a branded product."

[[labels]]
name = "genuine"
definition = "Anything else."
display = "Not counterfeit"
'''
FAKE = ["replica designer handbag mirror quality", "fake luxury watch copy AAA grade",
        "counterfeit sneakers replica batch", "knockoff perfume copy of famous brand"]
REAL = ["used bicycle red good tyres", "oak dining table six chairs", "garden hose 20 metres",
        "children's books bundle"]
TOKEN = "test-token-0123456789abcdef"


def _store(settings: Settings) -> list[Ad]:
    """Ads, and hand labels of the user's task on most of them."""
    ads = [Ad(ad_id=f"ad{i}", site="bazaar", url=f"http://bazaar.test/ad/{i}", title=text,
              seller="replicaking" if text in FAKE else f"neighbour{i}", price=20.0,
              currency="EUR")
           for i, text in enumerate(t for pair in zip(FAKE * 4, REAL * 4, strict=True)
                                    for t in pair)]
    labels = [Label(label_id=stable_id(TASK, a.ad_id, "ana"), task=TASK, item_id=a.ad_id,
                    item_kind="ad", value="counterfeit" if a.title in FAKE else "genuine",
                    probability=1.0, source="human:ana",
                    p_positive=float(a.title in FAKE)) for a in ads[:-4]]
    Landing(settings.landing_dir).write(ads)
    Landing(settings.landing_dir).write(labels)
    load_pending(settings.db_path, settings.landing_dir)
    return ads


@contextmanager
def _listing(titles: list[str]) -> Iterator[str]:
    """A marketplace listing page with one card per title; yields its URL."""
    cards = "".join(f"<li class='card'><a href='/ad/{i}/item'>{html.escape(t)}</a>"
                    f"<p>Posted today.</p></li>" for i, t in enumerate(titles))
    body = (f"<!doctype html><html><head><meta charset='utf-8'><title>Bazaar</title></head>"
            f"<body><h1>Bazaar</h1><ul>{cards}</ul></body></html>").encode()

    class Listing(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    with serve(Listing) as base:
        yield f"{base}/category/bags"


@pytest.mark.browser
def test_a_task_written_by_the_user_shows_up_everywhere(
        settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from snarewatch.api import create_app
    from snarewatch.pipeline import classify, train
    from snarewatch.pipeline.jobs import ClassifyJob, TrainJob
    from snarewatch.report.build import build_report

    monkeypatch.chdir(tmp_path)
    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / f"{TASK}.toml").write_text(SPEC, encoding="utf-8")
    ads = _store(settings)

    # The pipeline, as any door runs it: a student, then a classification of every ad.
    trained = train.run(settings, TrainJob(task=TASK, student="tfidf", folds=2, force=True))
    assert trained.promoted
    classify.run(settings, ClassifyJob(task=TASK))

    # The analyst views keyed by item kind know the task without being told its name.
    overview = query_records(settings.db_path,
                             "SELECT * FROM task_overview WHERE task = ?", [TASK])
    assert overview and overview[0]["item_kind"] == "ad"
    assert overview[0]["scored"] == len(ads) and overview[0]["flagged"] > 0
    scored = {r["item_id"] for r in query_records(
        settings.db_path, "SELECT item_id FROM task_items WHERE task = ? AND positive", [TASK])}
    assert scored and scored <= {a.ad_id for a in ads if a.title in FAKE}

    # The per-ad analyst macros give it sellers and sites as the bundled views give wildlife.
    sellers = {r["seller"]: r for r in query_records(
        settings.db_path, "SELECT * FROM task_sellers(?) WHERE flagged_ads > 0", [TASK])}
    assert set(sellers) == {"replicaking"}
    site = query_records(settings.db_path, "SELECT * FROM task_sites(?, 'deceptive-ui')", [TASK])
    assert site[0]["flagged_ads"] == len(scored)

    # The report has a section for it, under the name its spec gives, and, as the store's
    # only ad task, the per-ad sections: where, prices, sellers.
    report = build_report(settings.db_path, tmp_path / "report.html", data_dir=settings.data_dir)
    html = report.path.read_text(encoding="utf-8")
    assert "tasks" in report.sections and "Counterfeit goods" in html
    assert {"where", "prices", "who"} <= set(report.sections)
    assert "replicaking" in html and "task_sellers(&#x27;counterfeit&#x27;)" in html

    # The API lists it and flags its items; the extension names it as the spec does.
    app = create_app(settings, token=TOKEN, load_feedback=False)
    with TestClient(app, base_url="http://127.0.0.1",
                    headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        health = client.get("/v1/health").json()
        listed = {t["name"]: t for t in health["tasks"]}
        assert listed[TASK]["display_name"] == "Counterfeit goods"
        assert listed[TASK]["item_kind"] == "ad" and listed[TASK]["negative"] == "genuine"
        answer = client.post("/v1/classify", json={
            "url": "http://bazaar.test/ad/new", "tasks": [TASK],
            "elements": [{"id": "a0", "kind": "ad", "text": FAKE[0]},
                         {"id": "a1", "kind": "ad", "text": REAL[0]}]}).json()
    flag = next(f for f in answer["flags"] if f["task"] == TASK)
    assert flag["element"] == "a0" and flag["task_display"] == "Counterfeit goods"

    # The extension, in Chromium, flags the counterfeit card of a listing under the spec's name,
    # and its popup offers the spec's negative label as the correction.
    with run_server(settings.data_dir, cwd=tmp_path) as server, \
            _listing([REAL[1], FAKE[1]]) as url, \
            launch(tmp_path / "profile", build_extension(tmp_path / "ext")) as browser:
        browser.configure(server.url, server.token, tasks=[TASK])
        page = browser.context.new_page()
        page.goto(url)
        assert wait_scanned(page) > 0
        flags = flagged(page)
        assert flags and all(f["task"] == TASK and FAKE[1] in f["text"] for f in flags), flags
        page.locator("li.card", has_text=FAKE[1]).hover()
        tip = inspect(page)["tooltip"] or ""
        assert "(Counterfeit goods model," in tip, tip
        tab_id, _ = browser.tab_state(page.url)
        popup = browser.context.new_page()
        popup.goto(f"chrome-extension://{browser.extension_id}/popup.html?tab={tab_id}")
        item = popup.locator("li.flag", has_text=FAKE[1])
        assert item.get_by_role("button", name="Not counterfeit").count() == 1
