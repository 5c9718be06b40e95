-- greenlane store, SQLite, version 5: the officers' queue walks the lists under review oldest
-- first and tests its filters (lane, destination, HS chapter, exporter) on this index's entries
-- alone, reading a list's row only when it passes (the reason code is tested there). With a
-- million lists the filtered queue then takes milliseconds instead of a scan of every row under
-- review (BENCHMARKS.md, "Web UI").
CREATE INDEX IF NOT EXISTS lists_review_queue ON lists (status, received_at, lane, dest_country, hs_chapter, ebc_code);
