"""GET /v1/findings and POST /v1/feedback against a real store."""

from __future__ import annotations

import time

from snarewatch.schema import Ad, Element, PageFinding, PageVerdict, Prediction
from snarewatch.store import Landing, load_pending, query_records

AD_URL = "http://market.test/ad/17"
SHOP_URL = "http://market.test/shop/deals"


def _store(settings) -> None:
    landing = Landing(settings.landing_dir)
    landing.write(
        [Ad(ad_id="ad17", site="market", url=AD_URL, title="Ivory carving", description="old")]
    )
    landing.write([Element(element_id="el1", site="market", url=SHOP_URL, text="Only 2 left!")])
    landing.write(
        [
            Prediction(
                task="wildlife",
                item_id="ad17",
                item_kind="ad",
                model_id="w1",
                label="wildlife",
                score=0.93,
                threshold=0.5,
                positive=True,
            ),
            Prediction(
                task="deceptive-ui",
                item_id="el1",
                item_kind="ui_element",
                model_id="d1",
                label="Low-stock Message",
                score=0.8,
                threshold=0.5,
                positive=True,
            ),
        ]
    )
    landing.write(
        [
            PageFinding(
                finding_id="pf1",
                site="market",
                url=SHOP_URL,
                l1="Social Engineering",
                l2="Countdown Timer",
                score=0.99,
                check="timer",
                explanation="resets on reload",
                evidence={"resets": True},
                box=[1.0, 2.0, 3.0, 4.0],
            )
        ]
    )
    landing.write([PageVerdict(verdict_id="v1", site="market", url=SHOP_URL, deceptive=True,
                               probability=0.97, types=["countdown_timer"],
                               verified_types=["countdown_timer"], rule="test")])
    load_pending(settings.db_path, settings.landing_dir)


def test_findings_for_an_ad_and_a_shop_page(client, settings):
    _store(settings)
    ad = client.get("/v1/findings", params={"url": AD_URL + "#photos"}).json()
    assert [(f["item_id"], f["label"], f["score"]) for f in ad["findings"]] == [
        ("ad17", "wildlife", 0.93)
    ]
    assert ad["page_findings"] == []
    shop = client.get("/v1/findings", params={"url": SHOP_URL + "/"}).json()
    assert [f["label"] for f in shop["findings"]] == ["Low-stock Message"]
    (page,) = shop["page_findings"]
    assert page["l2"] == "Countdown Timer" and page["evidence"] == {"resets": True}
    assert page["box"] == [1.0, 2.0, 3.0, 4.0]
    # The page's verdict, the one `snarewatch audit` printed; an ad page has none.
    assert shop["verdict"] == {"deceptive": True, "probability": 0.97,
                               "types": ["countdown_timer"], "type_names": ["Countdown Timer"],
                               "verified_types": ["countdown_timer"]}
    assert ad["verdict"] is None
    assert (
        client.get("/v1/findings", params={"url": "http://market.test/other"}).json()["findings"]
        == []
    )


def test_findings_without_a_database_are_empty_and_create_nothing(client, settings):
    body = client.get("/v1/findings", params={"url": AD_URL}).json()
    assert body["findings"] == [] and body["page_findings"] == []
    assert not settings.db_path.exists()


def _wait_for_label(settings, item_id: str, timeout: float = 20.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if settings.db_path.exists():
            rows = query_records(
                settings.db_path, "SELECT * FROM current_labels WHERE item_id = ?", [item_id]
            )
            if rows:
                return rows
        time.sleep(0.1)
    return []


def test_feedback_becomes_a_human_label_and_keeps_the_text(client, settings):
    resp = client.post(
        "/v1/feedback",
        json={
            "task": "deceptive-ui",
            "item_id": "live1",
            "item_kind": "ui_element",
            "verdict": "wrong",
            "label": "Low-stock Message",
            "url": SHOP_URL,
            "text": "Only 2 left!",
        },
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["value"] == "not_dark_pattern" and resp.json()["load"] == "queued"
    (label,) = _wait_for_label(settings, "live1")
    assert label["source"] == "human:extension" and label["value"] == "not_dark_pattern"
    assert label["task"] == "deceptive-ui" and label["probability"] == 1.0
    assert label["p_positive"] == 0.0  # the user's side, as training reads a human label
    (item,) = query_records(settings.db_path, "SELECT * FROM items WHERE item_id = 'live1'")
    assert item["text"] == "Only 2 left!" and item["site"] == "market.test"


def test_correct_feedback_keeps_the_label_and_never_rewrites_a_stored_ad(client, settings):
    _store(settings)
    resp = client.post(
        "/v1/feedback",
        json={
            "task": "wildlife",
            "item_id": "ad17",
            "item_kind": "ad",
            "verdict": "correct",
            "label": "wildlife",
            "url": AD_URL,
            "text": "changed title\nchanged",
        },
    )
    assert resp.json()["value"] == "wildlife"
    (label,) = _wait_for_label(settings, "ad17")
    assert label["value"] == "wildlife" and label["source"] == "human:extension"
    assert label["p_positive"] == 1.0
    (ad,) = query_records(settings.db_path, "SELECT title FROM ads WHERE ad_id = 'ad17'")
    assert ad["title"] == "Ivory carving"


def test_wrong_feedback_needs_a_model_with_a_negative_class(client):
    resp = client.post(
        "/v1/feedback",
        json={
            "task": "unknown-task",
            "item_id": "x",
            "item_kind": "ad",
            "verdict": "wrong",
            "label": "y",
            "url": AD_URL,
        },
    )
    assert resp.status_code == 422


def test_feedback_can_be_left_for_the_loader(settings, models, token):
    from fastapi.testclient import TestClient

    from snarewatch.api import create_app

    app = create_app(settings, token=token, models=models, load_feedback=False)
    with TestClient(app, base_url="http://127.0.0.1",
                    headers={"Authorization": f"Bearer {token}"}) as c:
        resp = c.post(
            "/v1/feedback",
            json={
                "task": "wildlife",
                "item_id": "z1",
                "item_kind": "ad",
                "verdict": "correct",
                "label": "wildlife",
                "url": AD_URL,
                "text": "pangolin scales",
            },
        )
    assert resp.json()["load"] == "left-for-loader"
    assert not settings.db_path.exists()
    load_pending(settings.db_path, settings.landing_dir)
    assert _wait_for_label(settings, "z1")[0]["value"] == "wildlife"
