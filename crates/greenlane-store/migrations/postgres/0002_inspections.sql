-- greenlane store, PostgreSQL, version 2: officers' inspections (see the SQLite migration of the
-- same number for what the table is for).
CREATE TABLE inspections (
    seq      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ebc_code TEXT  NOT NULL,
    cop_no   TEXT  NOT NULL,
    doc      JSONB NOT NULL
);
CREATE INDEX inspections_by_list ON inspections (ebc_code, cop_no);
