-- greenlane store, SQLite, version 7: how far the store has applied the intake log (issue #14).
-- One row, written in the same transaction as what it applied, so that on start the pipeline
-- applies exactly the log's records after it.
CREATE TABLE IF NOT EXISTS log_applied (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
