-- Abstentions: an LLM answer below its calibrated threshold is stored with its guess in `value`
-- and `error` = 'abstain: p=… < …'. It is not a failure: it is the newest word on the item, so
-- it hides older LLM labels (value NULL here, as for a human "abstain"), never feeds training,
-- and goes to the review queue (`uncertain_labels`, `snarewatch labels export --uncertain`).
CREATE OR REPLACE VIEW current_labels AS
SELECT * REPLACE (CASE WHEN error LIKE 'abstain%' THEN NULL ELSE value END AS value)
FROM labels
WHERE error IS NULL OR error LIKE 'abstain%'
QUALIFY row_number() OVER (
    PARTITION BY task, item_id
    ORDER BY CASE WHEN source LIKE 'human:%' THEN 0 WHEN source LIKE 'rule:%' THEN 1 ELSE 2 END,
             created_at DESC, label_id DESC
) = 1;

-- The review queue: items whose label in force is an LLM abstention, with the model's guess.
CREATE OR REPLACE VIEW uncertain_labels AS
SELECT l.task, l.item_id, l.item_kind, lab.value AS guess, l.probability, l.source, l.model,
       l.error AS reason, l.run_id, l.created_at
FROM current_labels l JOIN labels lab USING (label_id)
WHERE l.error LIKE 'abstain%';
