-- greenlane store, SQLite, version 1: the first schema.
--
-- Domain structs are kept whole as JSON text in `doc` columns (serde_json of greenlane-core's
-- types: decimals as strings, so nothing is rounded); the columns beside them duplicate the keys
-- and states that are looked up, filtered or counted. Times are message time, whole seconds
-- since the Unix epoch (MessageTime), except `stored_at`/`created_at`, the store's wall clock.
--
-- `seq` columns are INTEGER PRIMARY KEY AUTOINCREMENT: AUTOINCREMENT guarantees a number is
-- never handed out twice, even after the newest row is deleted, which the decision feed's cursor
-- and "oldest first" rely on.

-- Every message as it arrived, with the receipt it was answered with. The digest recognises a
-- re-send, which gets the same receipt again.
CREATE TABLE messages (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    digest       BLOB    NOT NULL UNIQUE,
    message_type TEXT    NOT NULL,
    sender       TEXT    NOT NULL,
    app_time     INTEGER,
    body         BLOB    NOT NULL,
    receipt      BLOB    NOT NULL,
    stored_at    INTEGER NOT NULL DEFAULT (unixepoch())
);

-- The enterprise registry: code and name as first seen.
CREATE TABLE enterprises (
    code       TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    first_seen INTEGER NOT NULL
);

-- Orders (CEB303) and the list declared on them, if any.
CREATE TABLE orders (
    ebp_code      TEXT NOT NULL,
    order_no      TEXT NOT NULL,
    list_ebc_code TEXT,
    list_cop_no   TEXT,
    doc           TEXT NOT NULL,
    PRIMARY KEY (ebp_code, order_no)
);

-- Waybills (CEB505) and the list that carries them, if any.
CREATE TABLE waybills (
    logistics_code TEXT NOT NULL,
    logistics_no   TEXT NOT NULL,
    list_ebc_code  TEXT,
    list_cop_no    TEXT,
    doc            TEXT NOT NULL,
    PRIMARY KEY (logistics_code, logistics_no)
);

-- Payment receipts (CEB403), keyed by their order.
CREATE TABLE payments (
    ebp_code TEXT NOT NULL,
    order_no TEXT NOT NULL,
    doc      TEXT NOT NULL,
    PRIMARY KEY (ebp_code, order_no)
);

-- Declaration lists (CEB603) with where they stand and what was decided. `seq` is the order of
-- first insertion ("oldest first"); an upsert keeps it.
CREATE TABLE lists (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    ebc_code         TEXT    NOT NULL,
    cop_no           TEXT    NOT NULL,
    ebp_code         TEXT    NOT NULL,
    order_no         TEXT    NOT NULL,
    logistics_code   TEXT    NOT NULL,
    logistics_no     TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    lane             TEXT    NOT NULL,
    return_status    INTEGER NOT NULL,
    score            REAL    NOT NULL,
    received_at      INTEGER NOT NULL,
    decided_at       INTEGER,
    criteria_version TEXT,
    reasons          TEXT    NOT NULL,
    doc              TEXT    NOT NULL,
    UNIQUE (ebc_code, cop_no)
);
-- Every SQLite index ends with the rowid (= seq), so each of these also yields its matches
-- oldest first without a sort.
CREATE INDEX lists_by_order ON lists (ebp_code, order_no);
-- Serves both lookups by (logistics_code, logistics_no) and by logistics_no alone.
CREATE INDEX lists_by_waybill ON lists (logistics_no, logistics_code);
CREATE INDEX lists_by_status ON lists (status, received_at);

-- The decision feed: one entry per decision, in the order decided.
CREATE TABLE decisions (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    ebc_code TEXT NOT NULL,
    cop_no   TEXT NOT NULL,
    doc      TEXT NOT NULL
);

-- API tokens: only the SHA-256 of the secret is kept.
CREATE TABLE tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    ebc_code    TEXT,
    secret_hash BLOB    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL DEFAULT (unixepoch())
);
