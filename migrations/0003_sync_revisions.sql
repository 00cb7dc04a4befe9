-- bianmin schema, version 3: revision numbers for sync.
--
-- Every row a laptop pulls carries `rev`, a number from one counter of the
-- database (`sync_revision`), bumped by the triggers below on every insert,
-- every real change and every delete, inside the writing transaction. SQLite
-- has one writer at a time, so revisions grow in commit order and a laptop
-- can ask for "everything after N". Triggers, rather than a helper every
-- writer must call, because imports, the demo, the server's push and a
-- county clerk's sqlite3 all write these tables.
--
-- A row written with an explicit non-zero `rev` keeps it: that is how a
-- laptop stores rows pulled from the server (the server's revision), and
-- the triggers stay out of the way of a large pull. On the server every
-- writer leaves `rev` alone (0 on insert, unchanged on update), so every
-- row gets a fresh number. An update that changes nothing gets none.
-- Deleted rows leave a tombstone in `sync_deletions` with its own revision.

CREATE TABLE sync_revision (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    rev INTEGER NOT NULL
);
INSERT INTO sync_revision (id, rev) VALUES (1, 0);

-- Rows deleted on the server, so laptops delete them too. `key` is the
-- JSON array of the primary key; `scope_kind`/`scope_id` say who may see
-- the tombstone (a station's, a branch's, a person's or a county's row).
CREATE TABLE sync_deletions (
    rev        INTEGER PRIMARY KEY,
    table_name TEXT NOT NULL,
    key        TEXT NOT NULL,
    scope_kind TEXT NOT NULL CHECK (scope_kind IN ('station', 'branch', 'person', 'county')),
    scope_id   TEXT NOT NULL
);

-- Rows written before this version get revisions now, registry first.
UPDATE counties SET rev = (SELECT rev FROM sync_revision) + n.r
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS r FROM counties) AS n WHERE n.id = counties.id;
UPDATE sync_revision SET rev = rev + (SELECT count(*) FROM counties);
UPDATE people SET rev = (SELECT rev FROM sync_revision) + n.r
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS r FROM people) AS n WHERE n.id = people.id;
UPDATE sync_revision SET rev = rev + (SELECT count(*) FROM people);
UPDATE branches SET rev = (SELECT rev FROM sync_revision) + n.r
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS r FROM branches) AS n WHERE n.id = branches.id;
UPDATE sync_revision SET rev = rev + (SELECT count(*) FROM branches);
UPDATE branch_maintainers SET rev = (SELECT rev FROM sync_revision) + n.r
  FROM (SELECT branch_id, person_id, row_number() OVER (ORDER BY branch_id, person_id) AS r FROM branch_maintainers) AS n
  WHERE n.branch_id = branch_maintainers.branch_id AND n.person_id = branch_maintainers.person_id;
UPDATE sync_revision SET rev = rev + (SELECT count(*) FROM branch_maintainers);
UPDATE stations SET rev = (SELECT rev FROM sync_revision) + n.r
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS r FROM stations) AS n WHERE n.id = stations.id;
UPDATE sync_revision SET rev = rev + (SELECT count(*) FROM stations);
UPDATE plans SET rev = (SELECT rev FROM sync_revision) + n.r
  FROM (SELECT branch_id, month, row_number() OVER (ORDER BY branch_id, month) AS r FROM plans) AS n
  WHERE n.branch_id = plans.branch_id AND n.month = plans.month;
UPDATE sync_revision SET rev = rev + (SELECT count(*) FROM plans);
UPDATE daily_payments SET rev = (SELECT rev FROM sync_revision) + n.r
  FROM (SELECT day, station_id, category, row_number() OVER (ORDER BY day, station_id, category) AS r FROM daily_payments) AS n
  WHERE n.day = daily_payments.day AND n.station_id = daily_payments.station_id AND n.category = daily_payments.category;
UPDATE sync_revision SET rev = rev + (SELECT count(*) FROM daily_payments);
UPDATE daily_cards SET rev = (SELECT rev FROM sync_revision) + n.r
  FROM (SELECT day, station_id, row_number() OVER (ORDER BY day, station_id) AS r FROM daily_cards) AS n
  WHERE n.day = daily_cards.day AND n.station_id = daily_cards.station_id;
UPDATE sync_revision SET rev = rev + (SELECT count(*) FROM daily_cards);
UPDATE daily_referrals SET rev = (SELECT rev FROM sync_revision) + n.r
  FROM (SELECT day, station_id, kind, row_number() OVER (ORDER BY day, station_id, kind) AS r FROM daily_referrals) AS n
  WHERE n.day = daily_referrals.day AND n.station_id = daily_referrals.station_id AND n.kind = daily_referrals.kind;
UPDATE sync_revision SET rev = rev + (SELECT count(*) FROM daily_referrals);
UPDATE visit_notes SET rev = (SELECT rev FROM sync_revision) + n.r
  FROM (SELECT uuid, row_number() OVER (ORDER BY uuid) AS r FROM visit_notes) AS n WHERE n.uuid = visit_notes.uuid;
UPDATE sync_revision SET rev = rev + (SELECT count(*) FROM visit_notes);
UPDATE signoffs SET rev = (SELECT rev FROM sync_revision) + n.r
  FROM (SELECT uuid, row_number() OVER (ORDER BY uuid) AS r FROM signoffs) AS n WHERE n.uuid = signoffs.uuid;
UPDATE sync_revision SET rev = rev + (SELECT count(*) FROM signoffs);

-- counties
CREATE TRIGGER counties_rev_insert AFTER INSERT ON counties WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE counties SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER counties_rev_update AFTER UPDATE ON counties
    WHEN NEW.rev = OLD.rev AND (NEW.id, NEW.name) IS NOT (OLD.id, OLD.name) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE counties SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER counties_rev_delete AFTER DELETE ON counties BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'counties', json_array(OLD.id), 'county', OLD.id);
END;

-- people
CREATE TRIGGER people_rev_insert AFTER INSERT ON people WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE people SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER people_rev_update AFTER UPDATE ON people
    WHEN NEW.rev = OLD.rev AND (NEW.id, NEW.name, NEW.phone, NEW.has_green_card)
                           IS NOT (OLD.id, OLD.name, OLD.phone, OLD.has_green_card) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE people SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER people_rev_delete AFTER DELETE ON people BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'people', json_array(OLD.id), 'person', OLD.id);
END;

-- branches
CREATE TRIGGER branches_rev_insert AFTER INSERT ON branches WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE branches SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER branches_rev_update AFTER UPDATE ON branches
    WHEN NEW.rev = OLD.rev AND (NEW.id, NEW.name, NEW.kind, NEW.county_id, NEW.manager_id)
                           IS NOT (OLD.id, OLD.name, OLD.kind, OLD.county_id, OLD.manager_id) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE branches SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER branches_rev_delete AFTER DELETE ON branches BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'branches', json_array(OLD.id), 'branch', OLD.id);
END;

-- branch_maintainers (an import moves a maintainer by deleting the old row)
CREATE TRIGGER branch_maintainers_rev_insert AFTER INSERT ON branch_maintainers WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE branch_maintainers SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE branch_id = NEW.branch_id AND person_id = NEW.person_id;
END;
CREATE TRIGGER branch_maintainers_rev_update AFTER UPDATE ON branch_maintainers
    WHEN NEW.rev = OLD.rev AND (NEW.branch_id, NEW.person_id) IS NOT (OLD.branch_id, OLD.person_id) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE branch_maintainers SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE branch_id = NEW.branch_id AND person_id = NEW.person_id;
END;
CREATE TRIGGER branch_maintainers_rev_delete AFTER DELETE ON branch_maintainers BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'branch_maintainers',
            json_array(OLD.branch_id, OLD.person_id), 'branch', OLD.branch_id);
END;

-- stations
CREATE TRIGGER stations_rev_insert AFTER INSERT ON stations WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE stations SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER stations_rev_update AFTER UPDATE ON stations
    WHEN NEW.rev = OLD.rev AND (NEW.id, NEW.name, NEW.kind, NEW.branch_id, NEW.maintainer_id, NEW.village,
             NEW.village_households, NEW.stations_in_village, NEW.route_order, NEW.status, NEW.has_terminal,
             NEW.has_green_card, NEW.opened_on, NEW.closed_on)
      IS NOT (OLD.id, OLD.name, OLD.kind, OLD.branch_id, OLD.maintainer_id, OLD.village,
             OLD.village_households, OLD.stations_in_village, OLD.route_order, OLD.status, OLD.has_terminal,
             OLD.has_green_card, OLD.opened_on, OLD.closed_on) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE stations SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER stations_rev_delete AFTER DELETE ON stations BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'stations', json_array(OLD.id), 'station', OLD.id);
END;

-- plans
CREATE TRIGGER plans_rev_insert AFTER INSERT ON plans WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE plans SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE branch_id = NEW.branch_id AND month = NEW.month;
END;
CREATE TRIGGER plans_rev_update AFTER UPDATE ON plans
    WHEN NEW.rev = OLD.rev AND (NEW.branch_id, NEW.month, NEW.target) IS NOT (OLD.branch_id, OLD.month, OLD.target) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE plans SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE branch_id = NEW.branch_id AND month = NEW.month;
END;
CREATE TRIGGER plans_rev_delete AFTER DELETE ON plans BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'plans', json_array(OLD.branch_id, OLD.month),
            'branch', OLD.branch_id);
END;

-- daily_payments
CREATE TRIGGER daily_payments_rev_insert AFTER INSERT ON daily_payments WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE daily_payments SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE day = NEW.day AND station_id = NEW.station_id AND category = NEW.category;
END;
CREATE TRIGGER daily_payments_rev_update AFTER UPDATE ON daily_payments
    WHEN NEW.rev = OLD.rev AND (NEW.day, NEW.station_id, NEW.category, NEW.count, NEW.amount_fen)
                           IS NOT (OLD.day, OLD.station_id, OLD.category, OLD.count, OLD.amount_fen) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE daily_payments SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE day = NEW.day AND station_id = NEW.station_id AND category = NEW.category;
END;
CREATE TRIGGER daily_payments_rev_delete AFTER DELETE ON daily_payments BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'daily_payments',
            json_array(OLD.day, OLD.station_id, OLD.category), 'station', OLD.station_id);
END;

-- daily_cards
CREATE TRIGGER daily_cards_rev_insert AFTER INSERT ON daily_cards WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE daily_cards SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE day = NEW.day AND station_id = NEW.station_id;
END;
CREATE TRIGGER daily_cards_rev_update AFTER UPDATE ON daily_cards
    WHEN NEW.rev = OLD.rev AND (NEW.day, NEW.station_id, NEW.raw, NEW.valid)
                           IS NOT (OLD.day, OLD.station_id, OLD.raw, OLD.valid) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE daily_cards SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE day = NEW.day AND station_id = NEW.station_id;
END;
CREATE TRIGGER daily_cards_rev_delete AFTER DELETE ON daily_cards BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'daily_cards',
            json_array(OLD.day, OLD.station_id), 'station', OLD.station_id);
END;

-- daily_referrals
CREATE TRIGGER daily_referrals_rev_insert AFTER INSERT ON daily_referrals WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE daily_referrals SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE day = NEW.day AND station_id = NEW.station_id AND kind = NEW.kind;
END;
CREATE TRIGGER daily_referrals_rev_update AFTER UPDATE ON daily_referrals
    WHEN NEW.rev = OLD.rev AND (NEW.day, NEW.station_id, NEW.kind, NEW.count)
                           IS NOT (OLD.day, OLD.station_id, OLD.kind, OLD.count) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE daily_referrals SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE day = NEW.day AND station_id = NEW.station_id AND kind = NEW.kind;
END;
CREATE TRIGGER daily_referrals_rev_delete AFTER DELETE ON daily_referrals BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'daily_referrals',
            json_array(OLD.day, OLD.station_id, OLD.kind), 'station', OLD.station_id);
END;

-- visit_notes
CREATE TRIGGER visit_notes_rev_insert AFTER INSERT ON visit_notes WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE visit_notes SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE uuid = NEW.uuid;
END;
CREATE TRIGGER visit_notes_rev_update AFTER UPDATE ON visit_notes
    WHEN NEW.rev = OLD.rev AND (NEW.uuid, NEW.station_id, NEW.author_id, NEW.visited_on, NEW.kind, NEW.body,
             NEW.follow_up_on, NEW.field_times, NEW.version, NEW.created_at, NEW.updated_at)
      IS NOT (OLD.uuid, OLD.station_id, OLD.author_id, OLD.visited_on, OLD.kind, OLD.body,
             OLD.follow_up_on, OLD.field_times, OLD.version, OLD.created_at, OLD.updated_at) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE visit_notes SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE uuid = NEW.uuid;
END;
CREATE TRIGGER visit_notes_rev_delete AFTER DELETE ON visit_notes BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'visit_notes', json_array(OLD.uuid),
            'station', OLD.station_id);
END;

-- signoffs
CREATE TRIGGER signoffs_rev_insert AFTER INSERT ON signoffs WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE signoffs SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE uuid = NEW.uuid;
END;
CREATE TRIGGER signoffs_rev_update AFTER UPDATE ON signoffs
    WHEN NEW.rev = OLD.rev AND (NEW.uuid, NEW.station_id, NEW.month, NEW.author_id, NEW.outcome, NEW.reason,
             NEW.signed_on, NEW.field_times, NEW.version, NEW.created_at, NEW.updated_at)
      IS NOT (OLD.uuid, OLD.station_id, OLD.month, OLD.author_id, OLD.outcome, OLD.reason,
             OLD.signed_on, OLD.field_times, OLD.version, OLD.created_at, OLD.updated_at) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE signoffs SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE uuid = NEW.uuid;
END;
CREATE TRIGGER signoffs_rev_delete AFTER DELETE ON signoffs BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'signoffs', json_array(OLD.uuid),
            'station', OLD.station_id);
END;

-- Pulls read each table in revision order.
CREATE INDEX counties_by_rev ON counties(rev);
CREATE INDEX people_by_rev ON people(rev);
CREATE INDEX branches_by_rev ON branches(rev);
CREATE INDEX branch_maintainers_by_rev ON branch_maintainers(rev);
CREATE INDEX stations_by_rev ON stations(rev);
CREATE INDEX plans_by_rev ON plans(rev);
CREATE INDEX daily_payments_by_rev ON daily_payments(rev);
CREATE INDEX daily_cards_by_rev ON daily_cards(rev);
CREATE INDEX daily_referrals_by_rev ON daily_referrals(rev);
CREATE INDEX visit_notes_by_rev ON visit_notes(rev);
CREATE INDEX signoffs_by_rev ON signoffs(rev);

-- The laptop's side: which server and which scope its cursor belongs to
-- (a different server, or a token that sees other stations, pulls anew).
ALTER TABLE sync_state ADD COLUMN server_id TEXT;
ALTER TABLE sync_state ADD COLUMN scope_key TEXT;

CREATE INDEX accounts_by_person ON accounts(person_id);
CREATE INDEX outbox_by_record ON outbox(record_uuid);
