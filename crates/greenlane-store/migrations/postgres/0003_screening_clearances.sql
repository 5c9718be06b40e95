-- greenlane store, PostgreSQL, version 3: screening clearances (see the SQLite migration of the
-- same number for what the table is for).
CREATE TABLE screening_clearances (
    party      TEXT   NOT NULL,
    list       TEXT   NOT NULL,
    entry_id   TEXT   NOT NULL,
    officer    TEXT   NOT NULL,
    cleared_at BIGINT NOT NULL,
    PRIMARY KEY (party, list, entry_id)
);
