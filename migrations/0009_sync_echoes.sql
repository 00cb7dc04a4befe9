-- bianmin schema, version 9: what a sync run pushed, so its pull does not
-- bring it straight back (issue 14 item 3).
--
-- When the server stores a pushed record exactly as the laptop sent it,
-- it notes the revision the row took and an echo key: a digest of the
-- request's token and the sync run's random id (the header
-- `X-Bianmin-Echo`). A pull with the same key skips rows whose revision
-- is noted here, and still moves the cursor past them. A row changed
-- after the push (merged with another's edit, written by anyone else)
-- takes a new revision, which is not noted, so it comes back. Notes older
-- than an hour are pruned at the next push: a sync run that is still
-- pulling by then just receives its own rows once more.
--
-- Used only by the server; a laptop's copy stays empty.
CREATE TABLE sync_echoes (
    rev  INTEGER PRIMARY KEY,
    echo TEXT NOT NULL,
    at   INTEGER NOT NULL
);
CREATE INDEX sync_echoes_by_time ON sync_echoes(at);
