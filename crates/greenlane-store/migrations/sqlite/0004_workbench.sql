-- greenlane store, SQLite, version 4: the officers' workbench and the dashboards.
--
-- Facts of a list that the queue filters on and the dashboards add up, kept in columns beside
-- `doc` (the store computes them from the list when it is put; see src/workbench.rs):
-- `day_cn` the China Standard Time day of `received_at` (days since 1970-01-01), the destination
-- country (customs code), the supervision mode (tradeMode), the HS chapter of the list's most
-- valuable line and the declared value in fen (CNY cents, integers so that sums never drift).
ALTER TABLE lists ADD COLUMN day_cn INTEGER;
ALTER TABLE lists ADD COLUMN dest_country TEXT;
ALTER TABLE lists ADD COLUMN trade_mode TEXT;
ALTER TABLE lists ADD COLUMN hs_chapter TEXT;
ALTER TABLE lists ADD COLUMN value_fen INTEGER;

-- Backfill from the documents (the same rule as the code: the first of the most valuable lines
-- names the chapter; the fixed reference rates of src/workbench.rs convert to CNY).
UPDATE lists SET
    day_cn = (received_at + 28800) / 86400,
    dest_country = json_extract(doc, '$.country'),
    trade_mode = json_extract(doc, '$.trade_mode'),
    hs_chapter = (SELECT substr(json_extract(value, '$.gcode'), 1, 2) FROM json_each(doc, '$.items')
                  ORDER BY CAST(json_extract(value, '$.total_price') AS REAL) DESC, CAST(key AS INTEGER) LIMIT 1),
    value_fen = (SELECT CAST(round(total(CAST(json_extract(value, '$.total_price') AS REAL) *
                     CASE json_extract(value, '$.currency')
                         WHEN '502' THEN 7.1 WHEN '300' THEN 7.7 WHEN '303' THEN 9.0 WHEN '110' THEN 0.91
                         WHEN '116' THEN 0.048 ELSE 1.0 END) * 100) AS INTEGER)
                 FROM json_each(doc, '$.items'));

-- The queue's filters and the exporters' view; the throughput and release-time charts read
-- lists by decision time; a case's history reads its decision feed entries.
CREATE INDEX lists_by_enterprise_time ON lists (ebc_code, received_at);
CREATE INDEX lists_by_decided ON lists (decided_at);
CREATE INDEX decisions_by_list ON decisions (ebc_code, cop_no);

-- Who works a case: at most one officer per list. The writer checks and takes a claim in one
-- transaction, so two officers never hold the same one.
CREATE TABLE claims (
    ebc_code   TEXT    NOT NULL,
    cop_no     TEXT    NOT NULL,
    officer    TEXT    NOT NULL,
    claimed_at INTEGER NOT NULL,
    PRIMARY KEY (ebc_code, cop_no)
);

-- Everything officers do on a case (claim, release, reject, re-route), in the order done.
-- `at` is wall-clock seconds: the audit records when a person acted, not message time.
CREATE TABLE case_audit (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    ebc_code TEXT    NOT NULL,
    cop_no   TEXT    NOT NULL,
    officer  TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    detail   TEXT    NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX case_audit_by_list ON case_audit (ebc_code, cop_no);

-- Lists and declared value per day and per value of one dimension (`all` with key '', `lane`,
-- `dest`, `ebp`, `hs`, `mode`): the dashboards read thousands of these rows, never a million
-- lists. The store keeps them in step with `lists` in the same transaction.
CREATE TABLE dash_daily (
    day       INTEGER NOT NULL,
    dim       TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    lists     INTEGER NOT NULL,
    value_fen INTEGER NOT NULL,
    PRIMARY KEY (day, dim, key)
);
INSERT INTO dash_daily (day, dim, key, lists, value_fen)
    SELECT day_cn, 'all', '', count(*), coalesce(sum(value_fen), 0) FROM lists GROUP BY day_cn
    UNION ALL SELECT day_cn, 'lane', lane, count(*), coalesce(sum(value_fen), 0) FROM lists GROUP BY day_cn, lane
    UNION ALL SELECT day_cn, 'dest', coalesce(dest_country, ''), count(*), coalesce(sum(value_fen), 0) FROM lists GROUP BY 1, 3
    UNION ALL SELECT day_cn, 'ebp', ebp_code, count(*), coalesce(sum(value_fen), 0) FROM lists GROUP BY day_cn, ebp_code
    UNION ALL SELECT day_cn, 'hs', coalesce(hs_chapter, ''), count(*), coalesce(sum(value_fen), 0) FROM lists GROUP BY 1, 3
    UNION ALL SELECT day_cn, 'mode', coalesce(trade_mode, ''), count(*), coalesce(sum(value_fen), 0) FROM lists GROUP BY 1, 3;
