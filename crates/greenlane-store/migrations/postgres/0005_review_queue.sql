-- greenlane store, PostgreSQL, version 5: the officers' queue's index (see
-- sqlite/0005_review_queue.sql).
CREATE INDEX IF NOT EXISTS lists_review_queue ON lists (status, received_at, seq)
    INCLUDE (lane, dest_country, hs_chapter, ebc_code);
