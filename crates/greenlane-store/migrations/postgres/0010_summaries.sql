-- greenlane store, PostgreSQL, version 10: the monthly summary declaration (issue #15, item 5).
-- Same schema as sqlite/0010_summaries.sql, which explains each table.
CREATE TABLE IF NOT EXISTS list_numbers (
    invt_no  TEXT NOT NULL PRIMARY KEY,
    ebc_code TEXT NOT NULL,
    cop_no   TEXT NOT NULL
);
INSERT INTO list_numbers (invt_no, ebc_code, cop_no)
    SELECT doc ->> 'invt_no', ebc_code, cop_no FROM lists
    WHERE doc ->> 'invt_no' IS NOT NULL
    ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS summary_departures (
    invt_no     TEXT    NOT NULL PRIMARY KEY,
    ebc_code    TEXT    NOT NULL,
    cop_no      TEXT    NOT NULL,
    month       BIGINT  NOT NULL,
    departed_at BIGINT  NOT NULL
);
CREATE INDEX IF NOT EXISTS summary_departures_by_month ON summary_departures (month, ebc_code, invt_no);

CREATE TABLE IF NOT EXISTS summaries (
    sum_no         TEXT    NOT NULL PRIMARY KEY,
    ebc_code       TEXT    NOT NULL,
    cop_no         TEXT    NOT NULL,
    month          BIGINT  NOT NULL,
    summary_flag   TEXT    NOT NULL,
    item_name_flag TEXT    NOT NULL,
    applied_at     BIGINT  NOT NULL,
    declarations   TEXT    NOT NULL,
    result         TEXT    NOT NULL,
    UNIQUE (ebc_code, cop_no)
);
CREATE INDEX IF NOT EXISTS summaries_by_month ON summaries (month, ebc_code);

CREATE TABLE IF NOT EXISTS summary_lists (
    invt_no  TEXT    NOT NULL PRIMARY KEY,
    sum_no   TEXT    NOT NULL REFERENCES summaries (sum_no),
    decl_seq BIGINT  NOT NULL
);
