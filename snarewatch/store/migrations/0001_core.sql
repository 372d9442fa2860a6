-- Core tables. One table per record type in snarewatch/schema.py (same column names).
CREATE TABLE runs (
    run_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ, status VARCHAR NOT NULL, params JSON, stats JSON, error VARCHAR
);
CREATE TABLE crawls (
    crawl_id VARCHAR PRIMARY KEY, site VARCHAR NOT NULL, started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ, status VARCHAR NOT NULL, params JSON, stats JSON
);
CREATE TABLE page_captures (
    capture_id VARCHAR PRIMARY KEY, crawl_id VARCHAR NOT NULL, site VARCHAR NOT NULL,
    url VARCHAR NOT NULL, final_url VARCHAR, kind VARCHAR, outcome VARCHAR NOT NULL, error VARCHAR,
    status INTEGER, engine VARCHAR, depth INTEGER, fetched_at TIMESTAMPTZ, elapsed_ms DOUBLE,
    bytes BIGINT, title VARCHAR, html_sha256 VARCHAR, screenshot_sha256 VARCHAR
);
CREATE TABLE ads (
    ad_id VARCHAR PRIMARY KEY, site VARCHAR NOT NULL, url VARCHAR, source VARCHAR NOT NULL,
    crawl_id VARCHAR, capture_id VARCHAR, title VARCHAR, description VARCHAR, price DOUBLE,
    currency VARCHAR, seller VARCHAR, seller_url VARCHAR, location VARCHAR, posted_at VARCHAR,
    category VARCHAR, language VARCHAR, image_urls VARCHAR[], field_sources JSON,
    content_hash VARCHAR, repost_cluster VARCHAR, captured_at TIMESTAMPTZ, extra JSON
);
CREATE TABLE ui_elements (
    element_id VARCHAR PRIMARY KEY, capture_id VARCHAR, site VARCHAR NOT NULL, url VARCHAR,
    source VARCHAR NOT NULL, idx INTEGER, tag VARCHAR, role VARCHAR, text VARCHAR,
    x DOUBLE, y DOUBLE, width DOUBLE, height DOUBLE, font_size DOUBLE, font_weight INTEGER,
    color VARCHAR, background_color VARCHAR, visible BOOLEAN, input_type VARCHAR, checked BOOLEAN,
    in_overlay BOOLEAN, selector VARCHAR, captured_at TIMESTAMPTZ, extra JSON
);
CREATE TABLE samples (
    sample_run_id VARCHAR NOT NULL, task VARCHAR NOT NULL, item_id VARCHAR NOT NULL,
    item_kind VARCHAR NOT NULL, method VARCHAR NOT NULL, params JSON, seed BIGINT, round INTEGER,
    cluster INTEGER, created_at TIMESTAMPTZ, PRIMARY KEY (sample_run_id, item_id)
);
CREATE TABLE labels (
    label_id VARCHAR PRIMARY KEY, task VARCHAR NOT NULL, item_id VARCHAR NOT NULL,
    item_kind VARCHAR NOT NULL, value VARCHAR, probability DOUBLE, source VARCHAR NOT NULL,
    model VARCHAR, prompt_hash VARCHAR, tokens_in INTEGER, tokens_out INTEGER, cost_usd DOUBLE,
    seconds DOUBLE, error VARCHAR, run_id VARCHAR, created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE models (
    model_id VARCHAR PRIMARY KEY, task VARCHAR NOT NULL, student VARCHAR NOT NULL,
    path VARCHAR NOT NULL, classes VARCHAR[], threshold DOUBLE, card JSON, created_at TIMESTAMPTZ
);
CREATE TABLE model_promotions (
    task VARCHAR NOT NULL, model_id VARCHAR NOT NULL, promoted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (task, model_id, promoted_at)
);
CREATE TABLE predictions (
    task VARCHAR NOT NULL, item_id VARCHAR NOT NULL, item_kind VARCHAR NOT NULL,
    model_id VARCHAR NOT NULL, label VARCHAR NOT NULL, score DOUBLE NOT NULL,
    threshold DOUBLE NOT NULL, positive BOOLEAN NOT NULL, run_id VARCHAR, created_at TIMESTAMPTZ,
    PRIMARY KEY (task, item_id, model_id)
);
CREATE TABLE page_findings (
    finding_id VARCHAR PRIMARY KEY, capture_id VARCHAR, site VARCHAR NOT NULL, url VARCHAR NOT NULL,
    element_id VARCHAR, l1 VARCHAR NOT NULL, l2 VARCHAR NOT NULL, score DOUBLE,
    verified_deceptive VARCHAR, "check" VARCHAR, explanation VARCHAR, recommendation VARCHAR,
    evidence JSON, box DOUBLE[], annotated_sha256 VARCHAR, model_id VARCHAR, created_at TIMESTAMPTZ
);
