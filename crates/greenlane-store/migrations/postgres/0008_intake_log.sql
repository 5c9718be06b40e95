-- greenlane store, PostgreSQL, version 8: the intake log of a hub run with --database (issue
-- #14), filled with COPY ... FROM STDIN BINARY one group per transaction (src/pg_log.rs). A
-- record's sequence number is its key; `grp` is the first sequence number of the group it was
-- appended with, so that a rebuild replays groups as they were applied. Payloads are kept as
-- appended: PostgreSQL compresses large values itself (TOAST).
CREATE TABLE IF NOT EXISTS intake_log (
    seq           BIGINT   PRIMARY KEY,
    grp           BIGINT   NOT NULL,
    group_len     INTEGER  NOT NULL,
    partition_key TEXT     NOT NULL,
    kind          SMALLINT NOT NULL,
    payload       BYTEA    NOT NULL
);
