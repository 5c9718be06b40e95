-- greenlane store, SQLite, version 2: officers' inspections.
--
-- The audit trail of what officers found on the lists routed to them (greenlane-core's
-- Inspection as JSON in `doc`), in the order recorded. The risk engine learns from it and
-- `greenlane evaluate` reads it back.
CREATE TABLE inspections (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    ebc_code TEXT NOT NULL,
    cop_no   TEXT NOT NULL,
    doc      TEXT NOT NULL
);
CREATE INDEX inspections_by_list ON inspections (ebc_code, cop_no);
