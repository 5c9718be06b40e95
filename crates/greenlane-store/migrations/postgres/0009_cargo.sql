-- greenlane store, PostgreSQL, version 9: released lists on their way to flights (issue #15).
-- Same schema as sqlite/0009_cargo.sql.

CREATE TABLE IF NOT EXISTS cargo_parcels (
    ebc_code    TEXT   NOT NULL,
    cop_no      TEXT   NOT NULL,
    state       TEXT   NOT NULL,
    destination TEXT,
    flight_no   TEXT,
    departure   BIGINT,
    mawb        TEXT,
    doc         JSONB  NOT NULL,
    PRIMARY KEY (ebc_code, cop_no)
);
CREATE INDEX IF NOT EXISTS cargo_parcels_by_state ON cargo_parcels (state, destination);
CREATE INDEX IF NOT EXISTS cargo_parcels_by_flight ON cargo_parcels (flight_no, departure);
CREATE INDEX IF NOT EXISTS cargo_parcels_by_mawb ON cargo_parcels (mawb);

CREATE TABLE IF NOT EXISTS cargo_flights (
    flight_no TEXT   NOT NULL,
    departure BIGINT NOT NULL,
    status    TEXT   NOT NULL,
    doc       JSONB  NOT NULL,
    PRIMARY KEY (flight_no, departure)
);
CREATE INDEX IF NOT EXISTS cargo_flights_by_departure ON cargo_flights (departure);

CREATE TABLE IF NOT EXISTS cargo_mawbs (
    mawb      TEXT   PRIMARY KEY,
    flight_no TEXT   NOT NULL,
    departure BIGINT NOT NULL,
    doc       JSONB  NOT NULL
);

CREATE TABLE IF NOT EXISTS cargo_stock (
    prefix      BIGINT PRIMARY KEY,
    next_serial BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS cargo_clock (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    at BIGINT NOT NULL
);
