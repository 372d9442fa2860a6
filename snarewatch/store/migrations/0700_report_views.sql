-- Analyst views: one row per thing an investigator asks about (ad, UI element, seller, repost
-- cluster, site). Task names are the bundled ones: 'wildlife' for ads, 'deceptive-ui' for UI
-- elements. Flags are current student predictions; labels are the current (human > rule > LLM) ones.

-- Every ad with its wildlife label, prediction and product type.
-- product_type is the first that applies: the current label of a 'wildlife-product-type' task
-- (a task spec whose labels are the types); the suffix of a 'wildlife' label written as
-- '<label>:<type>' (e.g. 'wildlife_product:ivory'); a 'wildlife' label that is itself a type
-- (a task spec with one positive label per type: any value but 'wildlife_product' and 'not_*').
CREATE OR REPLACE VIEW wildlife_ads AS
WITH lab AS (
    SELECT item_id, value, source, probability FROM current_labels WHERE task = 'wildlife'
), ptype AS (
    SELECT item_id, value FROM current_labels WHERE task = 'wildlife-product-type'
), pred AS (
    SELECT item_id, label, score, threshold, positive, model_id, created_at
    FROM current_predictions WHERE task = 'wildlife'
)
SELECT a.ad_id, a.site, a.url, a.title, a.description, a.price, a.currency, a.seller,
       a.seller_url, a.location, a.posted_at,
       coalesce(TRY_CAST(left(a.posted_at, 10) AS DATE), CAST(a.captured_at AS DATE)) AS posted_date,
       a.category, a.language, a.repost_cluster, a.source, a.crawl_id, a.captured_at,
       split_part(lab.value, ':', 1) AS label,
       lab.source AS label_source,
       CASE WHEN ptype.value IS NOT NULL THEN ptype.value
            WHEN strpos(lab.value, ':') > 0 THEN nullif(split_part(lab.value, ':', 2), '')
            WHEN lab.value <> 'wildlife_product' AND NOT starts_with(lab.value, 'not_')
                THEN lab.value
       END AS product_type,
       pred.label AS predicted_label, pred.score, pred.threshold,
       coalesce(pred.positive, false) AS positive,
       pred.model_id, pred.created_at AS predicted_at
FROM ads a
LEFT JOIN lab ON lab.item_id = a.ad_id
LEFT JOIN ptype ON ptype.item_id = a.ad_id
LEFT JOIN pred ON pred.item_id = a.ad_id;

-- Every UI element with its deceptive-ui prediction and the strongest page finding on it.
CREATE OR REPLACE VIEW deceptive_elements AS
WITH pred AS (
    SELECT item_id, label, score, threshold, positive, model_id
    FROM current_predictions WHERE task = 'deceptive-ui'
), lab AS (
    SELECT item_id, value, source FROM current_labels WHERE task = 'deceptive-ui'
), fnd AS (
    SELECT element_id, finding_id, l1, l2, score, verified_deceptive, "check", explanation,
           recommendation, count(*) OVER (PARTITION BY element_id) AS n_findings
    FROM page_findings WHERE element_id IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY element_id ORDER BY score DESC NULLS LAST,
                                                                finding_id) = 1
)
SELECT e.element_id, e.capture_id, e.site, e.url, e.idx, e.tag, e.role, e.text, e.x, e.y,
       e.width, e.height, e.in_overlay, e.captured_at,
       lab.value AS label, lab.source AS label_source,
       pred.label AS predicted_label, pred.score, pred.threshold,
       coalesce(pred.positive, false) AS positive, pred.model_id,
       fnd.finding_id, fnd.l1 AS finding_l1, fnd.l2 AS finding_l2, fnd.score AS finding_score,
       fnd.verified_deceptive, fnd."check" AS finding_check, fnd.explanation,
       fnd.recommendation, coalesce(fnd.n_findings, 0) AS n_findings,
       -- The pattern an analyst counts: a detector's finding first, else the student's flag,
       -- as a snake_case key so 'Low-stock Message' and 'low_stock_message' count together.
       trim(regexp_replace(lower(coalesce(fnd.l2, CASE WHEN pred.positive THEN pred.label END)),
                           '[^a-z0-9]+', '_', 'g'), '_') AS pattern,
       coalesce(pred.positive, false) OR fnd.finding_id IS NOT NULL AS flagged
FROM ui_elements e
LEFT JOIN pred ON pred.item_id = e.element_id
LEFT JOIN lab ON lab.item_id = e.element_id
LEFT JOIN fnd ON fnd.element_id = e.element_id;

-- Sellers (by displayed name, across sites): ads, wildlife flags, sites and repost clusters.
CREATE OR REPLACE VIEW sellers AS
SELECT seller,
       count(*) AS ads,
       count(*) FILTER (WHERE positive) AS flagged_ads,
       round(count(*) FILTER (WHERE positive) / count(*), 4) AS flag_rate,
       count(DISTINCT site) AS n_sites,
       list_sort(list(DISTINCT site)) AS sites,
       count(DISTINCT repost_cluster) AS repost_clusters,
       count(DISTINCT repost_cluster) FILTER (WHERE positive) AS flagged_repost_clusters,
       coalesce(list_sort(list(DISTINCT product_type) FILTER (WHERE product_type IS NOT NULL)),
                []) AS product_types,
       coalesce(list_sort(list(DISTINCT seller_url) FILTER (WHERE seller_url IS NOT NULL)), [])
           AS seller_urls,
       min(posted_date) AS first_posted, max(posted_date) AS last_posted
FROM wildlife_ads
WHERE seller IS NOT NULL
GROUP BY seller;

-- Repost clusters (near-duplicate ads): how many copies, under how many seller names and sites.
CREATE OR REPLACE VIEW repost_clusters AS
SELECT repost_cluster,
       count(*) AS ads,
       count(*) FILTER (WHERE positive) AS flagged_ads,
       count(DISTINCT seller) AS n_sellers,
       coalesce(list_sort(list(DISTINCT seller) FILTER (WHERE seller IS NOT NULL)), []) AS sellers,
       count(DISTINCT site) AS n_sites,
       min(price) AS min_price, max(price) AS max_price,
       min(posted_date) AS first_posted, max(posted_date) AS last_posted,
       arg_min(title, ad_id) AS example_title
FROM wildlife_ads
WHERE repost_cluster IS NOT NULL
GROUP BY repost_cluster;

-- Sites: pages crawled, ads and UI elements, flag rates, findings and the last crawl.
CREATE OR REPLACE VIEW sites AS
WITH names AS (
    SELECT site FROM page_captures UNION SELECT site FROM ads UNION SELECT site FROM ui_elements
    UNION SELECT site FROM crawls UNION SELECT site FROM page_findings
), pg AS (
    SELECT site, count(*) AS pages, count(*) FILTER (WHERE outcome = 'ok') AS pages_ok,
           max(fetched_at) AS last_fetched
    FROM page_captures GROUP BY site
), ad AS (
    SELECT site, count(*) AS ads, count(*) FILTER (WHERE positive) AS flagged_ads
    FROM wildlife_ads GROUP BY site
), el AS (
    SELECT site, count(*) AS ui_elements, count(*) FILTER (WHERE flagged) AS flagged_elements
    FROM deceptive_elements GROUP BY site
), pf AS (
    SELECT site, count(*) AS page_findings, count(DISTINCT url) AS pages_with_findings
    FROM page_findings GROUP BY site
), cr AS (
    SELECT site, count(*) AS crawls, max(coalesce(finished_at, started_at)) AS last_crawl
    FROM crawls GROUP BY site
)
SELECT n.site,
       coalesce(pg.pages, 0) AS pages, coalesce(pg.pages_ok, 0) AS pages_ok,
       coalesce(ad.ads, 0) AS ads, coalesce(ad.flagged_ads, 0) AS flagged_ads,
       CASE WHEN ad.ads > 0 THEN round(ad.flagged_ads / ad.ads, 4) END AS ad_flag_rate,
       coalesce(el.ui_elements, 0) AS ui_elements,
       coalesce(el.flagged_elements, 0) AS flagged_elements,
       CASE WHEN el.ui_elements > 0 THEN round(el.flagged_elements / el.ui_elements, 4) END
           AS element_flag_rate,
       coalesce(pf.page_findings, 0) AS page_findings,
       coalesce(pf.pages_with_findings, 0) AS pages_with_findings,
       CASE WHEN pg.pages_ok > 0 THEN round(coalesce(pf.pages_with_findings, 0) / pg.pages_ok, 4)
       END AS page_finding_rate,
       coalesce(cr.crawls, 0) AS crawls, cr.last_crawl, pg.last_fetched
FROM names n
LEFT JOIN pg USING (site) LEFT JOIN ad USING (site) LEFT JOIN el USING (site)
LEFT JOIN pf USING (site) LEFT JOIN cr USING (site);
