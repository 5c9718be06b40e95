-- greenlane store, SQLite, version 3: screening clearances.
--
-- A party an officer found was not the listed entry it resembled (a false positive). The pair is
-- remembered so that the same party is not stopped again for the same entry; another entry, or
-- a new version of the list naming the party again under another id, still stops it.
CREATE TABLE screening_clearances (
    party      TEXT    NOT NULL,
    list       TEXT    NOT NULL,
    entry_id   TEXT    NOT NULL,
    officer    TEXT    NOT NULL,
    cleared_at INTEGER NOT NULL,
    PRIMARY KEY (party, list, entry_id)
);
