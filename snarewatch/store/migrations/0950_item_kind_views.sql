-- Analyst views keyed by item kind, not by task name: a task the user writes (tasks/NAME.toml)
-- appears here as soon as it has labels or predictions, with no change to any view.

-- Every (task, item) with a current label or prediction: the item's site, URL and text, the
-- label in force, and the current student's prediction.
CREATE OR REPLACE VIEW task_items AS
WITH pred AS (
    SELECT task, item_id, item_kind, label, score, threshold, positive, model_id, created_at
    FROM current_predictions
), lab AS (
    SELECT task, item_id, item_kind, value, source FROM current_labels WHERE value IS NOT NULL
), pairs AS (
    SELECT task, item_id, item_kind FROM pred UNION SELECT task, item_id, item_kind FROM lab
)
SELECT k.task, k.item_kind, k.item_id, i.site, i.url, i.text, i.captured_at,
       lab.value AS label, lab.source AS label_source,
       pred.label AS predicted_label, pred.score, pred.threshold,
       coalesce(pred.positive, false) AS positive, pred.model_id, pred.created_at AS predicted_at
FROM pairs k
JOIN items i ON i.item_id = k.item_id AND i.item_kind = k.item_kind
LEFT JOIN pred ON pred.task = k.task AND pred.item_id = k.item_id
LEFT JOIN lab ON lab.task = k.task AND lab.item_id = k.item_id;

-- One row per task and item kind: how many items it scored and flagged, how many are labelled,
-- and how many findings (flags nobody rejected) it has.
CREATE OR REPLACE VIEW task_overview AS
WITH counts AS (
    SELECT task, item_kind, count(*) FILTER (WHERE model_id IS NOT NULL) AS scored,
           count(*) FILTER (WHERE positive) AS flagged,
           count(*) FILTER (WHERE label IS NOT NULL) AS labelled
    FROM task_items GROUP BY ALL
), found AS (
    SELECT task, item_kind, count(*) AS findings FROM findings GROUP BY ALL
)
SELECT c.task, c.item_kind, c.scored, c.flagged, c.labelled, coalesce(f.findings, 0) AS findings,
       CASE WHEN c.scored > 0 THEN round(c.flagged / c.scored, 4) END AS flag_rate
FROM counts c LEFT JOIN found f USING (task, item_kind);
