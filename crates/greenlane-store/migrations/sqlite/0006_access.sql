-- greenlane store, SQLite, version 6: who may act for whom, one content per guid, browser
-- sessions (issue #12).

-- Mandates: with --closed-registry, a party other than the exporter files the exporter's lists
-- (kind 'agent') or waybills (kind 'logistics') only under a mandate recorded here.
CREATE TABLE IF NOT EXISTS mandates (
    exporter   TEXT    NOT NULL,
    party      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    created_at INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (exporter, party, kind)
);

-- Every message and entity guid with the digest of the message that first carried it: a guid
-- comes back only in an exact re-send.
CREATE TABLE IF NOT EXISTS guids (
    guid   TEXT PRIMARY KEY,
    digest BLOB NOT NULL
);

-- Signed-in browsers: the cookie holds the session id, only its SHA-256 is kept.
CREATE TABLE IF NOT EXISTS sessions (
    id_hash    BLOB    PRIMARY KEY,
    name       TEXT    NOT NULL,
    role       TEXT    NOT NULL,
    ebc_code   TEXT,
    expires_at INTEGER NOT NULL
);
