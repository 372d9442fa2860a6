-- Analyst views for any task, by the kind of item it reads. Each is a table macro taking the
-- task's name, so a task the user writes (tasks/NAME.toml) gets the same per-ad, per-seller,
-- per-repost-cluster, per-element and per-site rows as the bundled ones:
--     SELECT * FROM task_sellers('counterfeit') WHERE flagged_ads > 0
-- The views of 0700 (wildlife_ads, deceptive_elements, sellers, repost_clusters, sites) become
-- these macros applied to the bundled tasks, with the same columns.

-- Every ad with the task's current label, prediction and product type.
-- product_type is the first that applies: the current label of the companion task
-- '<task>-product-type' (a spec whose labels are the types); the suffix of a label written as
-- '<label>:<type>' (e.g. 'wildlife_product:ivory'); a label that is itself a type, when the
-- task's own positive label is given (`positive_label`): any value but that one and 'not_*'.
CREATE OR REPLACE MACRO task_ads(t, positive_label := NULL) AS TABLE
WITH lab AS (
    SELECT item_id, value, source FROM current_labels WHERE task = t AND item_kind = 'ad'
), ptype AS (
    SELECT item_id, value FROM current_labels
    WHERE task = t || '-product-type' AND item_kind = 'ad'
), pred AS (
    SELECT item_id, label, score, threshold, positive, model_id, created_at
    FROM current_predictions WHERE task = t AND item_kind = 'ad'
)
SELECT a.ad_id, a.site, a.url, a.title, a.description, a.price, a.currency, a.seller,
       a.seller_url, a.location, a.posted_at,
       coalesce(TRY_CAST(left(a.posted_at, 10) AS DATE), CAST(a.captured_at AS DATE)) AS posted_date,
       a.category, a.language, a.repost_cluster, a.source, a.crawl_id, a.captured_at,
       split_part(lab.value, ':', 1) AS label,
       lab.source AS label_source,
       CASE WHEN ptype.value IS NOT NULL THEN ptype.value
            WHEN strpos(lab.value, ':') > 0 THEN nullif(split_part(lab.value, ':', 2), '')
            WHEN positive_label IS NOT NULL AND lab.value <> positive_label
                 AND NOT starts_with(lab.value, 'not_') THEN lab.value
       END AS product_type,
       pred.label AS predicted_label, pred.score, pred.threshold,
       coalesce(pred.positive, false) AS positive,
       pred.model_id, pred.created_at AS predicted_at
FROM ads a
LEFT JOIN lab ON lab.item_id = a.ad_id
LEFT JOIN ptype ON ptype.item_id = a.ad_id
LEFT JOIN pred ON pred.item_id = a.ad_id;

-- Every UI element with the task's prediction and label, and the strongest page finding on it
-- (findings come from the deceptive-UI checks, whatever the task).
CREATE OR REPLACE MACRO task_elements(t) AS TABLE
WITH pred AS (
    SELECT item_id, label, score, threshold, positive, model_id
    FROM current_predictions WHERE task = t AND item_kind = 'ui_element'
), lab AS (
    SELECT item_id, value, source FROM current_labels WHERE task = t AND item_kind = 'ui_element'
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

-- Sellers (by displayed name, across sites): ads, the task's flags, sites and repost clusters.
CREATE OR REPLACE MACRO task_sellers(t, positive_label := NULL) AS TABLE
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
FROM task_ads(t, positive_label := positive_label)
WHERE seller IS NOT NULL
GROUP BY seller;

-- Repost clusters (near-duplicate ads): how many copies, under how many seller names and sites.
CREATE OR REPLACE MACRO task_repost_clusters(t) AS TABLE
SELECT repost_cluster,
       count(*) AS ads,
       count(*) FILTER (WHERE positive) AS flagged_ads,
       count(DISTINCT seller) AS n_sellers,
       coalesce(list_sort(list(DISTINCT seller) FILTER (WHERE seller IS NOT NULL)), []) AS sellers,
       count(DISTINCT site) AS n_sites,
       min(price) AS min_price, max(price) AS max_price,
       min(posted_date) AS first_posted, max(posted_date) AS last_posted,
       arg_min(title, ad_id) AS example_title
FROM task_ads(t)
WHERE repost_cluster IS NOT NULL
GROUP BY repost_cluster;

-- Sites: pages crawled, ads and UI elements, the two tasks' flag rates, findings, the last crawl.
CREATE OR REPLACE MACRO task_sites(ad_task, element_task) AS TABLE
WITH names AS (
    SELECT site FROM page_captures UNION SELECT site FROM ads UNION SELECT site FROM ui_elements
    UNION SELECT site FROM crawls UNION SELECT site FROM page_findings
), pg AS (
    SELECT site, count(*) AS pages, count(*) FILTER (WHERE outcome = 'ok') AS pages_ok,
           max(fetched_at) AS last_fetched
    FROM page_captures GROUP BY site
), ad AS (
    SELECT site, count(*) AS ads, count(*) FILTER (WHERE positive) AS flagged_ads
    FROM task_ads(ad_task) GROUP BY site
), el AS (
    SELECT site, count(*) AS ui_elements, count(*) FILTER (WHERE flagged) AS flagged_elements
    FROM task_elements(element_task) GROUP BY site
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

-- The bundled tasks' views, as before: 'wildlife' for ads, 'deceptive-ui' for UI elements.
CREATE OR REPLACE VIEW wildlife_ads AS
SELECT * FROM task_ads('wildlife', positive_label := 'wildlife_product');

CREATE OR REPLACE VIEW deceptive_elements AS SELECT * FROM task_elements('deceptive-ui');

CREATE OR REPLACE VIEW sellers AS
SELECT * FROM task_sellers('wildlife', positive_label := 'wildlife_product');

CREATE OR REPLACE VIEW repost_clusters AS SELECT * FROM task_repost_clusters('wildlife');

CREATE OR REPLACE VIEW sites AS SELECT * FROM task_sites('wildlife', 'deceptive-ui');
