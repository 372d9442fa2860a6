"""The rows a person reviews by hand: every export of items to label (`labels seed`,
`labels export` and its `--uncertain` and `--flags` queues) is a list of `ReviewRow`s, read here."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from snarewatch.store.db import query_records


class ReviewRow(BaseModel):
    """One item to review: what it says, what the machine called it, and a blank for the person.

    The fields are the columns of the exported CSV, in order; `human_label` is what
    `labels import` reads back.
    """

    item_id: str
    site: str | None = None
    url: str | None = None
    text: str | None = None  # whitespace folded, so a spreadsheet row stays one line
    llm_label: str | None = None  # the teacher's label, its guess, or the student's flag
    llm_probability: float | None = None  # its probability, or the student's score
    llm_model: str | None = None
    human_label: str | None = None
    note: str | None = None  # why the row is in the queue (the threshold missed, who verified)


REVIEW_COLUMNS = tuple(ReviewRow.model_fields)
"""The exported file's columns."""

_TEXT = r"trim(regexp_replace({}.text, '\s+', ' ', 'g')) AS text"


def _rows(db_path: Path, sql: str, params: dict[str, object]) -> list[ReviewRow]:
    return [ReviewRow(**r) for r in query_records(db_path, sql, params)]


def labelled_for_review(db_path: Path, task: str, item_kind: str, *,
                        only_llm: bool = True) -> list[ReviewRow]:
    """Items with their newest LLM label and any human label, lowest LLM confidence first
    (with `only_llm=False`, also the items nobody labelled)."""
    return _rows(db_path, rf"""
    WITH llm AS (
        SELECT * FROM labels WHERE task = $task AND source LIKE 'llm:%' AND error IS NULL
        QUALIFY row_number() OVER (PARTITION BY item_id ORDER BY created_at DESC) = 1),
    human AS (
        SELECT * FROM labels WHERE task = $task AND source LIKE 'human:%' AND error IS NULL
        QUALIFY row_number() OVER (PARTITION BY item_id ORDER BY created_at DESC) = 1)
    SELECT i.item_id, i.site, i.url, {_TEXT.format("i")},
           llm.value AS llm_label,
           round(llm.probability, 4) AS llm_probability, llm.model AS llm_model,
           human.value AS human_label, '' AS note
    FROM items i LEFT JOIN llm USING (item_id) LEFT JOIN human USING (item_id)
    WHERE i.item_kind = $kind AND (llm.item_id IS NOT NULL OR human.item_id IS NOT NULL
                                   OR NOT $only_llm)
    ORDER BY llm.probability NULLS LAST, i.item_id
    """, {"task": task, "kind": item_kind, "only_llm": only_llm})


def uncertain_for_review(db_path: Path, task: str, item_kind: str) -> list[ReviewRow]:
    """The abstention queue: items whose label in force is an abstention, least sure first;
    `llm_label` is the teacher's guess and `note` the threshold it missed."""
    return _rows(db_path, f"""
    SELECT u.item_id, i.site, i.url, {_TEXT.format("i")},
           u.guess AS llm_label, round(u.probability, 4) AS llm_probability, u.model AS llm_model,
           NULL AS human_label, u.reason AS note
    FROM uncertain_labels u JOIN items i USING (item_id)
    WHERE u.task = $task AND i.item_kind = $kind
    ORDER BY u.probability NULLS FIRST, u.item_id
    """, {"task": task, "kind": item_kind})


def findings_for_review(db_path: Path, task: str, item_kind: str) -> list[ReviewRow]:
    """The review queue of a student's work: its findings nobody has labelled by hand, least
    sure first; `llm_label` is the flagged label, `llm_probability` the student's score and
    `note` whether the teacher confirmed the flag or nobody checked it."""
    return _rows(db_path, f"""
    SELECT f.item_id, f.site, f.url, {_TEXT.format("f")},
           f.label AS llm_label, round(f.score, 4) AS llm_probability, f.model_id AS llm_model,
           NULL AS human_label,
           f.verification || coalesce(' by ' || f.verified_by, '') AS note
    FROM findings f
    WHERE f.task = $task AND f.item_kind = $kind AND f.item_id NOT IN (
        SELECT item_id FROM current_labels WHERE task = $task AND source LIKE 'human:%')
    ORDER BY f.score, f.item_id
    """, {"task": task, "kind": item_kind})


def closest_calls_for_review(db_path: Path, task: str, item_kind: str) -> list[ReviewRow]:
    """The student's closest calls nobody has labelled by hand, taken in turn from both sides of
    its cut: its least sure finding, then the unflagged item it scored highest, and so on.

    Findings alone (`findings_for_review`) catch false flags; the near misses catch what the
    student missed, so a review of the first N rows mends precision and recall alike. `note`
    says which side a row is from (and who verified a flag, or that the teacher vetoed it).
    """
    return _rows(db_path, f"""
    WITH hand AS (
        SELECT item_id FROM current_labels WHERE task = $task AND source LIKE 'human:%'
    ), found AS (
        SELECT f.item_id, f.site, f.url, {_TEXT.format("f")}, f.label AS llm_label,
               round(f.score, 4) AS llm_probability, f.model_id AS llm_model,
               'flagged: ' || f.verification || coalesce(' by ' || f.verified_by, '') AS note,
               row_number() OVER (ORDER BY f.score, f.item_id) AS turn, 0 AS side
        FROM findings f
        WHERE f.task = $task AND f.item_kind = $kind AND f.item_id NOT IN (SELECT * FROM hand)
    ), missed AS (
        SELECT p.item_id, i.site, i.url, {_TEXT.format("i")}, p.label AS llm_label,
               round(p.score, 4) AS llm_probability, p.model_id AS llm_model,
               CASE WHEN p.positive THEN 'flag vetoed by the teacher' ELSE 'not flagged' END
                   AS note,
               row_number() OVER (ORDER BY p.score DESC, p.item_id) AS turn, 1 AS side
        FROM current_predictions p JOIN items i ON i.item_id = p.item_id
        WHERE p.task = $task AND p.item_kind = $kind AND i.item_kind = $kind
          AND p.item_id NOT IN (SELECT * FROM hand)
          AND p.item_id NOT IN (SELECT item_id FROM findings WHERE task = $task)
    )
    SELECT item_id, site, url, text, llm_label, llm_probability, llm_model,
           NULL AS human_label, note
    FROM (SELECT * FROM found UNION ALL SELECT * FROM missed)
    ORDER BY turn, side
    """, {"task": task, "kind": item_kind})
