"""POST /v1/classify and GET /v1/health with stand-in students."""

from __future__ import annotations


def _page(*texts: str, ads: tuple[str, ...] = ()) -> dict:
    elements = [
        {"id": f"e{i}", "text": t, "tag": "div", "x": 1, "y": 2, "width": 3, "height": 4}
        for i, t in enumerate(texts)
    ]
    elements += [
        {"id": f"a{i}", "kind": "ad", "text": t, "href": f"http://shop.test/ad/{i}"}
        for i, t in enumerate(ads)
    ]
    return {"url": "http://shop.test/page#top", "elements": elements}


def test_only_positive_elements_come_back_with_type_why_and_score(client):
    resp = client.post(
        "/v1/classify",
        json=_page(
            "Only 2 left in stock!",
            "Add to cart",
            "Hurry up",
            ads=("Carved ivory bangle, old", "Bicycle, red"),
        ),
    )
    assert resp.status_code == 200
    body = resp.json()
    got = {(f["element"], f["task"], f["label"]) for f in body["flags"]}
    assert got == {
        ("e0", "deceptive-ui", "Low-stock Message"),
        ("e2", "deceptive-ui", "Low-stock Message"),
        ("a0", "wildlife", "wildlife"),
    }
    flag = next(f for f in body["flags"] if f["element"] == "e0")
    assert flag["score"] == 0.9 and flag["threshold"] == 0.5 and "Low-stock Message" in flag["why"]
    assert flag["item_kind"] == "ui_element" and flag["model_id"] == "deceptive-ui-m1"
    assert body["tasks"]["deceptive-ui"] == {
        "model_id": "deceptive-ui-m1",
        "negative_label": "not_dark_pattern",
        "item_kind": "ui_element",
        "threshold": 0.5,
        "classified": 3,
        "trust": "",  # the scripted model has no card
        "display_name": None,  # a scripted model, not loaded with its spec
        "negative_display": None,
    }
    assert body["tasks"]["wildlife"]["classified"] == 2
    assert body["elements"] == 5


def test_a_clean_page_has_no_flags(client):
    body = client.post(
        "/v1/classify", json=_page("Add to cart", "Free returns", ads=("Bicycle",))
    ).json()
    assert body["flags"] == []


def test_item_ids_are_stable_and_ignore_the_fragment(client):
    first = client.post("/v1/classify", json=_page("Hurry up")).json()["flags"][0]["item_id"]
    page = _page("Hurry up")
    page["url"] = "http://shop.test/page#other"
    assert client.post("/v1/classify", json=page).json()["flags"][0]["item_id"] == first


def test_tasks_can_be_selected(client):
    page = _page("Hurry up", ads=("ivory",))
    page["tasks"] = ["wildlife"]
    body = client.post("/v1/classify", json=page).json()
    assert {f["task"] for f in body["flags"]} == {"wildlife"}
    assert set(body["tasks"]) == {"wildlife"}


def test_repeated_texts_are_predicted_once(client, models):
    model = models.models()["deceptive-ui"]
    client.post("/v1/classify", json=_page(*(["Add to cart"] * 50), "Hurry"))
    client.post("/v1/classify", json=_page("Add to cart", "Hurry", "New text"))
    assert model.calls == [["Add to cart", "Hurry"], ["New text"]]


def test_request_limits(client):
    too_many = {"url": "http://x/", "elements": [{"id": str(i), "text": "a"} for i in range(1001)]}
    assert client.post("/v1/classify", json=too_many).status_code == 422
    too_long = {"url": "http://x/", "elements": [{"id": "1", "text": "a" * 2001}]}
    assert client.post("/v1/classify", json=too_long).status_code == 422
    assert (
        client.post(
            "/v1/classify", content=b"not json", headers={"Content-Type": "application/json"}
        ).status_code
        == 422
    )


def test_health_lists_the_models(client):
    body = client.get("/v1/health").json()
    assert body["status"] == "ok"
    assert body["models"] == {"deceptive-ui": "deceptive-ui-m1", "wildlife": "wildlife-m1"}
    assert body["database"] is False
