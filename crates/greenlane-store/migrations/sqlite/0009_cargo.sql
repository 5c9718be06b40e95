-- greenlane store, SQLite, version 9: released lists on their way to flights (issue #15).
-- Each `doc` is the serde_json of greenlane-store's cargo rows; the columns beside it are what
-- the queries select on.

-- Every list that arrived at the hub (CEB507) while released, and where it stands.
CREATE TABLE IF NOT EXISTS cargo_parcels (
    ebc_code    TEXT    NOT NULL,
    cop_no      TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    destination TEXT,
    flight_no   TEXT,
    departure   INTEGER,
    mawb        TEXT,
    doc         TEXT    NOT NULL,
    PRIMARY KEY (ebc_code, cop_no)
);
CREATE INDEX IF NOT EXISTS cargo_parcels_by_state ON cargo_parcels (state, destination);
CREATE INDEX IF NOT EXISTS cargo_parcels_by_flight ON cargo_parcels (flight_no, departure);
CREATE INDEX IF NOT EXISTS cargo_parcels_by_mawb ON cargo_parcels (mawb);

-- Dated flights the hub closed or departed.
CREATE TABLE IF NOT EXISTS cargo_flights (
    flight_no TEXT    NOT NULL,
    departure INTEGER NOT NULL,
    status    TEXT    NOT NULL,
    doc       TEXT    NOT NULL,
    PRIMARY KEY (flight_no, departure)
);
CREATE INDEX IF NOT EXISTS cargo_flights_by_departure ON cargo_flights (departure);

-- Master waybills issued, with their FWB and FHL.
CREATE TABLE IF NOT EXISTS cargo_mawbs (
    mawb      TEXT    PRIMARY KEY,
    flight_no TEXT    NOT NULL,
    departure INTEGER NOT NULL,
    doc       TEXT    NOT NULL
);

-- Per airline prefix, the next serial of its stock: a MAWB is never issued twice.
CREATE TABLE IF NOT EXISTS cargo_stock (
    prefix      INTEGER PRIMARY KEY,
    next_serial INTEGER NOT NULL
);

-- The message time up to which cut-offs and departures have been processed.
CREATE TABLE IF NOT EXISTS cargo_clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at INTEGER NOT NULL
);
