-- Views that readers query. Later migrations may CREATE OR REPLACE them.

-- Everything a task can label or classify, one row per item, with the text models read.
CREATE VIEW items AS
SELECT ad_id AS item_id, 'ad' AS item_kind, site, url,
       trim(coalesce(title, '') || chr(10) || coalesce(description, '')) AS text, captured_at
FROM ads
UNION ALL
SELECT element_id AS item_id, 'ui_element' AS item_kind, site, url, coalesce(text, '') AS text,
       captured_at
FROM ui_elements;

-- The label in force per (task, item): human over rule over LLM, then the newest.
CREATE VIEW current_labels AS
SELECT * FROM labels
WHERE error IS NULL
QUALIFY row_number() OVER (
    PARTITION BY task, item_id
    ORDER BY CASE WHEN source LIKE 'human:%' THEN 0 WHEN source LIKE 'rule:%' THEN 1 ELSE 2 END,
             created_at DESC, label_id DESC
) = 1;

-- The promoted model per task (latest promotion wins).
CREATE VIEW promoted_models AS
SELECT m.* FROM model_promotions p JOIN models m USING (model_id)
QUALIFY row_number() OVER (PARTITION BY p.task ORDER BY p.promoted_at DESC) = 1;

-- The newest prediction per (task, item).
CREATE VIEW current_predictions AS
SELECT * FROM predictions
QUALIFY row_number() OVER (PARTITION BY task, item_id ORDER BY created_at DESC, model_id DESC) = 1;

-- Current positive predictions with what an analyst needs to look at them.
CREATE VIEW findings AS
SELECT p.task, p.item_id, p.item_kind, i.site, i.url, i.text, p.label, p.score, p.threshold,
       p.model_id, p.created_at
FROM current_predictions p JOIN items i USING (item_id)
WHERE p.positive;
