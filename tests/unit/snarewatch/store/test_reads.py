"""Typed reads of the views: records in, the same records (and counts) out."""

from __future__ import annotations

from snarewatch.config import Settings
from snarewatch.schema import Ad, Element, Label, Prediction
from snarewatch.store import Landing, load_pending
from snarewatch.store.reads import (
    captures_to_check,
    flag_counts,
    item_texts,
    label_counts,
    labelled_item_ids,
    labelled_texts,
    labels_of,
    stored_elements,
    texts_of,
    unscored_items,
)


def test_items_labels_elements_and_counts_come_back_as_records(settings: Settings) -> None:
    landing = Landing(settings.landing_dir)
    landing.write([Ad(ad_id="a1", site="s", url="http://s/1", title="Ivory", description="old"),
                   Ad(ad_id="a2", site="s", url="http://s/2", title="Bike")])
    landing.write([Element(element_id="e1", capture_id="c1", site="s", url="http://s/p", idx=0,
                           text="Only 2 left", selector="#stock", extra={"z": 3}),
                   Element(element_id="e2", capture_id="c1", site="s", url="http://s/p", idx=1,
                           text="Add to cart")])
    landing.write([Label(label_id="l1", task="wildlife", item_id="a1", item_kind="ad",
                         value="wildlife_product", source="human:ana"),
                   Label(label_id="l2", task="wildlife", item_id="a2", item_kind="ad",
                         value=None, source="llm:x")])
    landing.write([Prediction(task="wildlife", item_id="a1", item_kind="ad",
                              model_id="m", label="wildlife_product", score=0.9, threshold=0.5,
                              positive=True)])
    load_pending(settings.db_path, settings.landing_dir)

    ads = item_texts(settings.db_path, "ad")
    assert [(i.item_id, i.text.strip()) for i in ads] == [("a1", "Ivory\nold"), ("a2", "Bike")]
    assert labelled_item_ids(settings.db_path, "wildlife") == {"a1"}  # abstentions are not labels
    counts = flag_counts(settings.db_path, "wildlife")
    assert (counts.findings, counts.scored) == (1, 1)
    elements = stored_elements(settings.db_path, ["c1"])["c1"]
    assert [e.element_id for e in elements] == ["e1", "e2"] and elements[0].extra == {"z": 3}
    assert captures_to_check(settings.db_path) == ["c1"]
    assert captures_to_check(settings.db_path, site="other") == []

    # What a student learns from, gold checks read, and what classify has still to score.
    (row,) = labelled_texts(settings.db_path, "wildlife", "ad")
    assert (row.item_id, row.value, row.human, row.text.strip()) == (
        "a1", "wildlife_product", True, "Ivory\nold")
    assert labelled_texts(settings.db_path, "wildlife", "ui_element") == []
    assert {k: v.strip() for k, v in texts_of(settings.db_path, ["a2", "nope"]).items()} == {
        "a2": "Bike"}
    assert labels_of(settings.db_path, "wildlife", ["a1", "a2"]) == {"a1": "wildlife_product"}
    assert [(c.value, c.source, c.n) for c in label_counts(settings.db_path, "wildlife")] == [
        ("wildlife_product", "human", 1), (None, "llm", 1)]  # an abstention is counted too
    pending, total = unscored_items(settings.db_path, "ad", "wildlife", "m")
    assert ([i.item_id for i in pending], total) == (["a2"], 2)
