-- Teacher answers apart from decisions, calibrated decisions on labels, verified findings.

-- The teacher's raw answers: the LLM cache and what a labelling run calibrates on.
CREATE TABLE answers (
    answer_id VARCHAR PRIMARY KEY, task VARCHAR NOT NULL, item_id VARCHAR NOT NULL,
    item_kind VARCHAR NOT NULL, model VARCHAR NOT NULL, prompt_hash VARCHAR NOT NULL,
    question VARCHAR NOT NULL, probabilities JSON, p_positive DOUBLE NOT NULL,
    tokens_in INTEGER, tokens_out INTEGER, cost_usd DOUBLE, seconds DOUBLE, run_id VARCHAR,
    created_at TIMESTAMPTZ NOT NULL
);

-- On LLM labels: the calibrated P(positive) behind the value and how it was decided. On human
-- labels p_positive is 1 or 0: whether the person put the item on the task's positive side.
ALTER TABLE labels ADD COLUMN p_positive DOUBLE;
ALTER TABLE labels ADD COLUMN decision VARCHAR;

-- The teacher's second look at a student's flag.
CREATE TABLE verifications (
    verification_id VARCHAR PRIMARY KEY, task VARCHAR NOT NULL, item_id VARCHAR NOT NULL,
    model_id VARCHAR NOT NULL, verifier VARCHAR NOT NULL, verdict VARCHAR NOT NULL,
    p_positive DOUBLE, threshold DOUBLE, error VARCHAR, seconds DOUBLE, run_id VARCHAR,
    created_at TIMESTAMPTZ NOT NULL
);

-- Re-created so that they carry the new label columns.
CREATE OR REPLACE VIEW current_labels AS
SELECT * REPLACE (CASE WHEN error LIKE 'abstain%' THEN NULL ELSE value END AS value)
FROM labels
WHERE error IS NULL OR error LIKE 'abstain%'
QUALIFY row_number() OVER (
    PARTITION BY task, item_id
    ORDER BY CASE WHEN source LIKE 'human:%' THEN 0 WHEN source LIKE 'rule:%' THEN 1 ELSE 2 END,
             created_at DESC, label_id DESC
) = 1;

-- The newest verdict per (task, item): the teacher judges the item, whichever student flagged it.
CREATE OR REPLACE VIEW current_verifications AS
SELECT * FROM verifications WHERE verdict <> 'failed'
QUALIFY row_number() OVER (PARTITION BY task, item_id
                           ORDER BY created_at DESC, verification_id DESC) = 1;

-- Every current positive prediction and what became of it: confirmed or rejected by a person
-- (a human label) or by the teacher's second look, or not checked yet (unverified).
CREATE OR REPLACE VIEW flags AS
WITH human AS (
    SELECT task, item_id, p_positive, source FROM current_labels
    WHERE source LIKE 'human:%' AND p_positive IS NOT NULL
)
SELECT p.task, p.item_id, p.item_kind, i.site, i.url, i.text, p.label, p.score, p.threshold,
       p.model_id, p.created_at,
       CASE WHEN h.p_positive >= 0.5 THEN 'confirmed'
            WHEN h.p_positive < 0.5 THEN 'rejected'
            WHEN v.verdict IS NOT NULL THEN v.verdict
            ELSE 'unverified' END AS verification,
       CASE WHEN h.p_positive IS NOT NULL THEN h.source ELSE v.verifier END AS verified_by,
       v.p_positive AS verifier_score
FROM current_predictions p JOIN items i USING (item_id)
LEFT JOIN human h ON h.task = p.task AND h.item_id = p.item_id
LEFT JOIN current_verifications v ON v.task = p.task AND v.item_id = p.item_id
WHERE p.positive;

-- Findings: the flags nobody rejected. `verification` says whether a person or the teacher
-- confirmed them, or whether they are the student's word alone (unverified).
CREATE OR REPLACE VIEW findings AS
SELECT * FROM flags WHERE verification <> 'rejected';
