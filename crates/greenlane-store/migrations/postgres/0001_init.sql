-- greenlane store, PostgreSQL, version 1: the first schema.
--
-- The same tables as migrations/sqlite/0001_init.sql. Domain structs are kept whole as JSONB in
-- `doc` columns (serde_json of greenlane-core's types: decimals as strings, so nothing is
-- rounded; JSONB so that operators can query inside them); the columns beside them duplicate the
-- keys and states that are looked up, filtered or counted. Times are message time, whole seconds
-- since the Unix epoch (MessageTime), except `stored_at`/`created_at`, the server's clock.
--
-- `seq` columns are identities. A sequence is not transactional: a rolled-back transaction
-- leaves a gap, which the feed allows (numbers only increase). Numbers also increase in commit
-- order only because the store has a single writer; the decision feed's cursor relies on that.

CREATE TABLE messages (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    digest       BYTEA       NOT NULL UNIQUE,
    message_type TEXT        NOT NULL,
    sender       TEXT        NOT NULL,
    app_time     BIGINT,
    body         BYTEA       NOT NULL,
    receipt      BYTEA       NOT NULL,
    stored_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE enterprises (
    code       TEXT   NOT NULL PRIMARY KEY,
    name       TEXT   NOT NULL,
    first_seen BIGINT NOT NULL
);

CREATE TABLE orders (
    ebp_code      TEXT  NOT NULL,
    order_no      TEXT  NOT NULL,
    list_ebc_code TEXT,
    list_cop_no   TEXT,
    doc           JSONB NOT NULL,
    PRIMARY KEY (ebp_code, order_no)
);

CREATE TABLE waybills (
    logistics_code TEXT  NOT NULL,
    logistics_no   TEXT  NOT NULL,
    list_ebc_code  TEXT,
    list_cop_no    TEXT,
    doc            JSONB NOT NULL,
    PRIMARY KEY (logistics_code, logistics_no)
);

CREATE TABLE payments (
    ebp_code TEXT  NOT NULL,
    order_no TEXT  NOT NULL,
    doc      JSONB NOT NULL,
    PRIMARY KEY (ebp_code, order_no)
);

-- `seq` is the order of first insertion ("oldest first"); an upsert keeps it.
CREATE TABLE lists (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY,
    ebc_code         TEXT             NOT NULL,
    cop_no           TEXT             NOT NULL,
    ebp_code         TEXT             NOT NULL,
    order_no         TEXT             NOT NULL,
    logistics_code   TEXT             NOT NULL,
    logistics_no     TEXT             NOT NULL,
    status           TEXT             NOT NULL,
    lane             TEXT             NOT NULL,
    return_status    INTEGER          NOT NULL,
    score            DOUBLE PRECISION NOT NULL,
    received_at      BIGINT           NOT NULL,
    decided_at       BIGINT,
    criteria_version TEXT,
    reasons          JSONB            NOT NULL,
    doc              JSONB            NOT NULL,
    PRIMARY KEY (ebc_code, cop_no)
);
-- `seq` ends each index so that matches come out oldest first without a sort.
CREATE INDEX lists_by_order ON lists (ebp_code, order_no, seq);
-- Serves both lookups by (logistics_code, logistics_no) and by logistics_no alone.
CREATE INDEX lists_by_waybill ON lists (logistics_no, logistics_code, seq);
CREATE INDEX lists_by_status ON lists (status, received_at, seq);

CREATE TABLE decisions (
    seq      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ebc_code TEXT  NOT NULL,
    cop_no   TEXT  NOT NULL,
    doc      JSONB NOT NULL
);

CREATE TABLE tokens (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT        NOT NULL,
    role        TEXT        NOT NULL,
    ebc_code    TEXT,
    secret_hash BYTEA       NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
