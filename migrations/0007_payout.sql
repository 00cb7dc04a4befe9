-- bianmin schema: the monthly payout chain (RULES.md R11, issue 10).
--
-- Who is paid and where (the station's owner and phone; people's phone and
-- 绿卡 were already columns), whether a station's invoice (发票) for a
-- month was received, the steps of a month's payout as they are done, and
-- the last check of the city's allocation per month.
--
-- Every table a laptop should see carries `rev` and the revision triggers
-- of migration 0003 (a fresh revision on insert and on a real change, a
-- tombstone on delete), so the pull protocol can carry it:
--   stations.owner_name, stations.owner_phone   scope: station (the row's)
--   invoices                                    scope: station
--   payout_steps                                scope: county
--   reconciliations                             scope: county
--
-- Applied with foreign keys off (see store::migrate), as SQLite's
-- procedure for rebuilding a table that other tables refer to requires.

-- The station's owner (站长/负责人): the payee of its reward and the
-- recipient of its SMS notice.
ALTER TABLE stations ADD COLUMN owner_name TEXT;
ALTER TABLE stations ADD COLUMN owner_phone TEXT;

-- The revision trigger must see the new columns, or a changed phone
-- would never reach a laptop (and keep seeing 0006's dates: the last
-- migration to rebuild this trigger names every column).
DROP TRIGGER stations_rev_update;
CREATE TRIGGER stations_rev_update AFTER UPDATE ON stations
    WHEN NEW.rev = OLD.rev AND (NEW.id, NEW.name, NEW.kind, NEW.branch_id, NEW.maintainer_id, NEW.village,
             NEW.village_households, NEW.stations_in_village, NEW.route_order, NEW.status, NEW.has_terminal,
             NEW.has_green_card, NEW.opened_on, NEW.closed_on, NEW.signed_on, NEW.installed_on, NEW.owner_name,
             NEW.owner_phone)
      IS NOT (OLD.id, OLD.name, OLD.kind, OLD.branch_id, OLD.maintainer_id, OLD.village,
             OLD.village_households, OLD.stations_in_village, OLD.route_order, OLD.status, OLD.has_terminal,
             OLD.has_green_card, OLD.opened_on, OLD.closed_on, OLD.signed_on, OLD.installed_on, OLD.owner_name,
             OLD.owner_phone) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE stations SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE id = NEW.id;
END;

-- The import log, rebuilt without its CHECK on `kind`: the kinds are
-- checked by the code that writes them (ingest::ImportKind), and a new
-- kind (people, invoices) should not need a table rebuild each time.
CREATE TABLE imports_new (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    rows_read      INTEGER NOT NULL DEFAULT 0,
    rows_new       INTEGER NOT NULL DEFAULT 0,
    rows_duplicate INTEGER NOT NULL DEFAULT 0,
    rows_reversed  INTEGER NOT NULL DEFAULT 0,
    imported_at    TEXT NOT NULL
);
INSERT INTO imports_new (id, kind, file_name, rows_read, rows_new, rows_duplicate, rows_reversed, imported_at)
    SELECT id, kind, file_name, rows_read, rows_new, rows_duplicate, rows_reversed, imported_at FROM imports;
DROP TABLE imports;
ALTER TABLE imports_new RENAME TO imports;

-- Whether a station's invoice (发票) for its agency fee of a month was
-- received: finance pays nothing without it (R11). A month's fact, not a
-- registry fact: one row per station and reward month.
CREATE TABLE invoices (
    month       TEXT NOT NULL,
    station_id  TEXT NOT NULL REFERENCES stations(id),
    received    INTEGER NOT NULL CHECK (received IN (0, 1)),
    invoice_no  TEXT,
    recorded_by TEXT,
    recorded_at TEXT NOT NULL,
    rev         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, station_id)
) WITHOUT ROWID;
CREATE INDEX invoices_by_station ON invoices(station_id, month);

-- The steps of a reward month's payout (R11) that someone recorded as
-- done. Steps that bianmin can tell from its own data (every station
-- signed, the city's allocation matched) need no row; a row for such a
-- step with `forced = 1` was recorded although the data said otherwise,
-- and its note says why. `county_id` is the county whose payout it is
-- (the database's county; '' when the registry names none).
CREATE TABLE payout_steps (
    month       TEXT NOT NULL,
    step        TEXT NOT NULL,
    county_id   TEXT NOT NULL DEFAULT '',
    done_by     TEXT NOT NULL,
    done_on     TEXT NOT NULL,
    note        TEXT,
    forced      INTEGER NOT NULL DEFAULT 0 CHECK (forced IN (0, 1)),
    recorded_at TEXT NOT NULL,
    rev         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, step)
) WITHOUT ROWID;

-- The last check of the city's allocation (奖励分配明细) for a month:
-- when (`checked_at`, an instant; `checked_on`, the county's local day,
-- which the demo county fixes), totals in fen and every difference as a JSON array of
-- {"kind": "station"|"person", "id", "ours", "theirs", "lines"} with
-- money as strings ("12.30") and null for a side that lacks the row.
CREATE TABLE reconciliations (
    month            TEXT PRIMARY KEY,
    county_id        TEXT NOT NULL DEFAULT '',
    file_name        TEXT NOT NULL,
    checked_by       TEXT,
    checked_at       TEXT NOT NULL,
    checked_on       TEXT NOT NULL,
    matched          INTEGER NOT NULL CHECK (matched IN (0, 1)),
    stations_checked INTEGER NOT NULL,
    people_checked   INTEGER NOT NULL,
    ours_fen         INTEGER NOT NULL,
    theirs_fen       INTEGER NOT NULL,
    differences      TEXT NOT NULL DEFAULT '[]',
    rev              INTEGER NOT NULL DEFAULT 0
);

-- invoices
CREATE TRIGGER invoices_rev_insert AFTER INSERT ON invoices WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE invoices SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE month = NEW.month AND station_id = NEW.station_id;
END;
CREATE TRIGGER invoices_rev_update AFTER UPDATE ON invoices
    WHEN NEW.rev = OLD.rev AND (NEW.month, NEW.station_id, NEW.received, NEW.invoice_no, NEW.recorded_by,
             NEW.recorded_at)
      IS NOT (OLD.month, OLD.station_id, OLD.received, OLD.invoice_no, OLD.recorded_by, OLD.recorded_at) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE invoices SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE month = NEW.month AND station_id = NEW.station_id;
END;
CREATE TRIGGER invoices_rev_delete AFTER DELETE ON invoices BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'invoices', json_array(OLD.month, OLD.station_id),
            'station', OLD.station_id);
END;

-- payout_steps
CREATE TRIGGER payout_steps_rev_insert AFTER INSERT ON payout_steps WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE payout_steps SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE month = NEW.month AND step = NEW.step;
END;
CREATE TRIGGER payout_steps_rev_update AFTER UPDATE ON payout_steps
    WHEN NEW.rev = OLD.rev AND (NEW.month, NEW.step, NEW.county_id, NEW.done_by, NEW.done_on, NEW.note,
             NEW.forced, NEW.recorded_at)
      IS NOT (OLD.month, OLD.step, OLD.county_id, OLD.done_by, OLD.done_on, OLD.note,
             OLD.forced, OLD.recorded_at) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE payout_steps SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE month = NEW.month AND step = NEW.step;
END;
CREATE TRIGGER payout_steps_rev_delete AFTER DELETE ON payout_steps BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'payout_steps', json_array(OLD.month, OLD.step),
            'county', OLD.county_id);
END;

-- reconciliations
CREATE TRIGGER reconciliations_rev_insert AFTER INSERT ON reconciliations WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE reconciliations SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE month = NEW.month;
END;
CREATE TRIGGER reconciliations_rev_update AFTER UPDATE ON reconciliations
    WHEN NEW.rev = OLD.rev AND (NEW.month, NEW.county_id, NEW.file_name, NEW.checked_by, NEW.checked_at,
             NEW.checked_on, NEW.matched, NEW.stations_checked, NEW.people_checked, NEW.ours_fen, NEW.theirs_fen,
             NEW.differences)
      IS NOT (OLD.month, OLD.county_id, OLD.file_name, OLD.checked_by, OLD.checked_at,
             OLD.checked_on, OLD.matched, OLD.stations_checked, OLD.people_checked, OLD.ours_fen, OLD.theirs_fen,
             OLD.differences) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE reconciliations SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE month = NEW.month;
END;
CREATE TRIGGER reconciliations_rev_delete AFTER DELETE ON reconciliations BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'reconciliations', json_array(OLD.month),
            'county', OLD.county_id);
END;

-- Pulls read each table in revision order.
CREATE INDEX invoices_by_rev ON invoices(rev);
CREATE INDEX payout_steps_by_rev ON payout_steps(rev);
CREATE INDEX reconciliations_by_rev ON reconciliations(rev);
