-- greenlane store, PostgreSQL, version 6: who may act for whom, one content per guid, browser
-- sessions (issue #12). Same schema as sqlite/0006_access.sql.

CREATE TABLE IF NOT EXISTS mandates (
    exporter   TEXT        NOT NULL,
    party      TEXT        NOT NULL,
    kind       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (exporter, party, kind)
);

CREATE TABLE IF NOT EXISTS guids (
    guid   TEXT  PRIMARY KEY,
    digest BYTEA NOT NULL
);

CREATE TABLE IF NOT EXISTS sessions (
    id_hash    BYTEA  PRIMARY KEY,
    name       TEXT   NOT NULL,
    role       TEXT   NOT NULL,
    ebc_code   TEXT,
    expires_at BIGINT NOT NULL
);
