-- greenlane store, PostgreSQL, version 7: how far the store has applied the intake log (issue
-- #14). One row, written in the same transaction as what it applied.
CREATE TABLE IF NOT EXISTS log_applied (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT  NOT NULL
);
