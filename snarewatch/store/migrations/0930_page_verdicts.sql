-- One verdict per audited page: deceptive or not (calibrated probability), the pattern types
-- found and the evidence behind them; audit, detect, the report and the extension share it.
CREATE TABLE page_verdicts (
    verdict_id VARCHAR PRIMARY KEY, capture_id VARCHAR, site VARCHAR NOT NULL, url VARCHAR NOT NULL,
    deceptive BOOLEAN NOT NULL, probability DOUBLE NOT NULL, types VARCHAR[],
    verified_types VARCHAR[], evidence JSON, student_model_id VARCHAR, rule VARCHAR,
    visits INTEGER, created_at TIMESTAMPTZ
);

-- The newest verdict per URL.
CREATE VIEW current_page_verdicts AS
SELECT * FROM page_verdicts
QUALIFY row_number() OVER (PARTITION BY url ORDER BY created_at DESC, verdict_id DESC) = 1;
