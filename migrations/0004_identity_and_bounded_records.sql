-- bianmin schema, version 4: who a laptop belongs to, what its token may
-- see, refusals kept whole, and records that merge without guessing.

-- A sign-off's author is set once; who recorded its latest decision is
-- kept beside it.
ALTER TABLE signoffs ADD COLUMN editor_id TEXT REFERENCES people(id);
UPDATE signoffs SET editor_id = author_id WHERE editor_id IS NULL;

DROP TRIGGER signoffs_rev_update;
CREATE TRIGGER signoffs_rev_update AFTER UPDATE ON signoffs
    WHEN NEW.rev = OLD.rev AND (NEW.uuid, NEW.station_id, NEW.month, NEW.author_id, NEW.editor_id, NEW.outcome,
             NEW.reason, NEW.signed_on, NEW.field_times, NEW.version, NEW.created_at, NEW.updated_at)
      IS NOT (OLD.uuid, OLD.station_id, OLD.month, OLD.author_id, OLD.editor_id, OLD.outcome,
             OLD.reason, OLD.signed_on, OLD.field_times, OLD.version, OLD.created_at, OLD.updated_at) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE signoffs SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE uuid = NEW.uuid;
END;

-- Every note field carries its own time: a field that has none was last
-- set when the note was made.
UPDATE visit_notes SET field_times = json_set(field_times,
        '$.visited_on', coalesce(json_extract(field_times, '$.visited_on'), created_at),
        '$.kind', coalesce(json_extract(field_times, '$.kind'), created_at),
        '$.body', coalesce(json_extract(field_times, '$.body'), created_at),
        '$.follow_up_on', coalesce(json_extract(field_times, '$.follow_up_on'), created_at))
 WHERE json_extract(field_times, '$.visited_on') IS NULL OR json_extract(field_times, '$.kind') IS NULL
    OR json_extract(field_times, '$.body') IS NULL OR json_extract(field_times, '$.follow_up_on') IS NULL;

-- Times far in the future (a wrong clock, or a hostile client before
-- times were bounded) would win every later merge: bring them back to now.
UPDATE visit_notes SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
 WHERE created_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 day');
UPDATE visit_notes SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
 WHERE updated_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 day');
UPDATE visit_notes SET field_times = json_set(field_times, '$.visited_on', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
 WHERE json_extract(field_times, '$.visited_on') > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 day');
UPDATE visit_notes SET field_times = json_set(field_times, '$.kind', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
 WHERE json_extract(field_times, '$.kind') > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 day');
UPDATE visit_notes SET field_times = json_set(field_times, '$.body', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
 WHERE json_extract(field_times, '$.body') > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 day');
UPDATE visit_notes SET field_times = json_set(field_times, '$.follow_up_on', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
 WHERE json_extract(field_times, '$.follow_up_on') > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 day');
UPDATE signoffs SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
 WHERE created_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 day');
UPDATE signoffs SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
 WHERE updated_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 day');

-- The laptop's side: who it belongs to (from the server's /me), whether
-- its server holds the demo county, and the scope its last pull from the
-- start named (what lies outside is dropped at the end of each pull).
ALTER TABLE sync_state ADD COLUMN person_id TEXT;
ALTER TABLE sync_state ADD COLUMN person_name TEXT;
ALTER TABLE sync_state ADD COLUMN role TEXT;
ALTER TABLE sync_state ADD COLUMN branches TEXT;
ALTER TABLE sync_state ADD COLUMN server_demo INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN scope_lists TEXT;

-- A refused record is kept whole beside the reason (as a code and values,
-- to be said in the user's language), even after it leaves the laptop.
ALTER TABLE outbox ADD COLUMN rejected_refusal TEXT;
ALTER TABLE outbox ADD COLUMN rejected_record TEXT;

-- Notes and sign-offs written in a demo database belong to the demo: they
-- are never waiting for a server.
DELETE FROM outbox WHERE EXISTS (SELECT 1 FROM meta WHERE key = 'demo' AND value = '1');
