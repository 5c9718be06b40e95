-- greenlane store, SQLite, version 8: the intake log table of the PostgreSQL backend (issue
-- #14), created here too so that version 8 means one schema on both backends. The embedded hub
-- keeps its log in segment files under --data (greenlane-log's SegmentLog), so this table stays
-- empty.
CREATE TABLE IF NOT EXISTS intake_log (
    seq           INTEGER PRIMARY KEY,
    grp           INTEGER NOT NULL,
    group_len     INTEGER NOT NULL,
    partition_key TEXT    NOT NULL,
    kind          INTEGER NOT NULL,
    payload       BLOB    NOT NULL
);
