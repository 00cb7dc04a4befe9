-- bianmin PostgreSQL schema: what a sync run pushed, so its pull does not
-- bring it straight back (issue 14 item 3), as SQLite's migrations/0009.
-- A revision is noted with the echo key of the push that stored the row
-- exactly as sent; a pull with that key skips the row at that revision.
CREATE TABLE sync_echoes (
    rev  bigint PRIMARY KEY,
    echo text COLLATE "C" NOT NULL,
    at   bigint NOT NULL
);
CREATE INDEX sync_echoes_by_time ON sync_echoes(at);
