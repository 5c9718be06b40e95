-- greenlane store, SQLite, version 10: the monthly summary declaration (issue #15, item 5).
--
-- `list_numbers`: which list an invtNo names, so that a CEB701 naming only list numbers can tell
-- an unknown list from one that has not departed. Filled as lists are stored; backfilled here.
CREATE TABLE IF NOT EXISTS list_numbers (
    invt_no  TEXT NOT NULL PRIMARY KEY,
    ebc_code TEXT NOT NULL,
    cop_no   TEXT NOT NULL
);
INSERT INTO list_numbers (invt_no, ebc_code, cop_no)
    SELECT json_extract(doc, '$.invt_no'), ebc_code, cop_no FROM lists
    WHERE json_extract(doc, '$.invt_no') IS NOT NULL
    ON CONFLICT DO NOTHING;

-- Every list that departed (CEB509, 899): when, and in which China month (YYYYMM), which is the
-- month whose summary it belongs to. A list departs once; a re-sent departure keeps the first.
CREATE TABLE IF NOT EXISTS summary_departures (
    invt_no     TEXT    NOT NULL PRIMARY KEY,
    ebc_code    TEXT    NOT NULL,
    cop_no      TEXT    NOT NULL,
    month       INTEGER NOT NULL,
    departed_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS summary_departures_by_month ON summary_departures (month, ebc_code, invt_no);

-- Accepted summary applications (CEB701): the declarations greenlane computed (JSON of
-- greenlane-core's summary::Declaration, lines with the invtNos behind them) and the CEB792
-- result issued for them.
CREATE TABLE IF NOT EXISTS summaries (
    sum_no         TEXT    NOT NULL PRIMARY KEY,
    ebc_code       TEXT    NOT NULL,
    cop_no         TEXT    NOT NULL,
    month          INTEGER NOT NULL,
    summary_flag   TEXT    NOT NULL,
    item_name_flag TEXT    NOT NULL,
    applied_at     INTEGER NOT NULL,
    declarations   TEXT    NOT NULL,
    result         TEXT    NOT NULL,
    UNIQUE (ebc_code, cop_no)
);
CREATE INDEX IF NOT EXISTS summaries_by_month ON summaries (month, ebc_code);

-- The lists behind each summary: the primary key on invt_no is the rule that a list is never in
-- two summaries, held by the database whatever the code above it does.
CREATE TABLE IF NOT EXISTS summary_lists (
    invt_no  TEXT    NOT NULL PRIMARY KEY,
    sum_no   TEXT    NOT NULL REFERENCES summaries (sum_no),
    decl_seq INTEGER NOT NULL
);
