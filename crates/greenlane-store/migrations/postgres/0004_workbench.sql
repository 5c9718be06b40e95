-- greenlane store, PostgreSQL, version 4: the officers' workbench and the dashboards (see
-- sqlite/0004_workbench.sql for what each part is for).
ALTER TABLE lists ADD COLUMN day_cn BIGINT;
ALTER TABLE lists ADD COLUMN dest_country TEXT;
ALTER TABLE lists ADD COLUMN trade_mode TEXT;
ALTER TABLE lists ADD COLUMN hs_chapter TEXT;
ALTER TABLE lists ADD COLUMN value_fen BIGINT;

UPDATE lists SET
    day_cn = floor((received_at + 28800) / 86400.0),
    dest_country = doc->>'country',
    trade_mode = doc->>'trade_mode',
    hs_chapter = (SELECT substr(i.item->>'gcode', 1, 2) FROM jsonb_array_elements(doc->'items') WITH ORDINALITY AS i(item, n)
                  ORDER BY (i.item->>'total_price')::numeric DESC, i.n LIMIT 1),
    value_fen = (SELECT coalesce(round(sum((i.item->>'total_price')::numeric *
                     CASE i.item->>'currency'
                         WHEN '502' THEN 7.1 WHEN '300' THEN 7.7 WHEN '303' THEN 9.0 WHEN '110' THEN 0.91
                         WHEN '116' THEN 0.048 ELSE 1.0 END) * 100), 0)::bigint
                 FROM jsonb_array_elements(doc->'items') AS i(item));

CREATE INDEX lists_by_enterprise_time ON lists (ebc_code, received_at);
CREATE INDEX lists_by_decided ON lists (decided_at);
CREATE INDEX decisions_by_list ON decisions (ebc_code, cop_no, seq);

CREATE TABLE claims (
    ebc_code   TEXT   NOT NULL,
    cop_no     TEXT   NOT NULL,
    officer    TEXT   NOT NULL,
    claimed_at BIGINT NOT NULL,
    PRIMARY KEY (ebc_code, cop_no)
);

CREATE TABLE case_audit (
    seq      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ebc_code TEXT   NOT NULL,
    cop_no   TEXT   NOT NULL,
    officer  TEXT   NOT NULL,
    action   TEXT   NOT NULL,
    detail   TEXT   NOT NULL,
    at       BIGINT NOT NULL
);
CREATE INDEX case_audit_by_list ON case_audit (ebc_code, cop_no, seq);

CREATE TABLE dash_daily (
    day       BIGINT NOT NULL,
    dim       TEXT   NOT NULL,
    key       TEXT   NOT NULL,
    lists     BIGINT NOT NULL,
    value_fen BIGINT NOT NULL,
    PRIMARY KEY (day, dim, key)
);
INSERT INTO dash_daily (day, dim, key, lists, value_fen)
    SELECT day_cn, 'all', '', count(*), coalesce(sum(value_fen), 0) FROM lists GROUP BY day_cn
    UNION ALL SELECT day_cn, 'lane', lane, count(*), coalesce(sum(value_fen), 0) FROM lists GROUP BY day_cn, lane
    UNION ALL SELECT day_cn, 'dest', coalesce(dest_country, ''), count(*), coalesce(sum(value_fen), 0) FROM lists GROUP BY 1, 3
    UNION ALL SELECT day_cn, 'ebp', ebp_code, count(*), coalesce(sum(value_fen), 0) FROM lists GROUP BY day_cn, ebp_code
    UNION ALL SELECT day_cn, 'hs', coalesce(hs_chapter, ''), count(*), coalesce(sum(value_fen), 0) FROM lists GROUP BY 1, 3
    UNION ALL SELECT day_cn, 'mode', coalesce(trade_mode, ''), count(*), coalesce(sum(value_fen), 0) FROM lists GROUP BY 1, 3;
