-- bianmin schema: county rules over time (RULES.md R12–R16, issue 12).
--
-- * Payment categories are data of the policy (R13): `daily_payments`
--   loses the CHECK that listed the five Dezhou categories; a category is
--   now any policy id (lower-case ASCII letters, digits and `_`).
-- * Two new import kinds: `station-plans` and `distribution`.
-- * The registry keeps each station's signing and installation dates (R16).
-- * Each station's monthly plan and its distribution sales (R15), synced to
--   laptops like the daily facts (revision triggers, station tombstones).
--
-- SQLite cannot change a CHECK in place: `daily_payments` and `imports`
-- are rebuilt (copy, drop, rename), keeping every row and its revision.
-- bianmin runs migrations with foreign keys off and checks them after.

-- daily_payments, rebuilt without the five-category CHECK.
CREATE TABLE daily_payments_new (
    station_id TEXT NOT NULL REFERENCES stations(id),
    day        TEXT NOT NULL,
    category   TEXT NOT NULL CHECK (category GLOB '[a-z]*' AND category NOT GLOB '*[^a-z0-9_]*'),
    count      INTEGER NOT NULL CHECK (count >= 0),
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    rev        INTEGER NOT NULL DEFAULT 0,
    -- Day first: a month is one contiguous range of the table.
    PRIMARY KEY (day, station_id, category)
) WITHOUT ROWID;
INSERT INTO daily_payments_new (station_id, day, category, count, amount_fen, rev)
    SELECT station_id, day, category, count, amount_fen, rev FROM daily_payments;
DROP TABLE daily_payments;
ALTER TABLE daily_payments_new RENAME TO daily_payments;
CREATE INDEX daily_payments_by_station ON daily_payments(station_id, day);
CREATE INDEX daily_payments_by_rev ON daily_payments(rev);
-- The revision triggers of migration 0003, unchanged.
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

-- imports, rebuilt with the two new kinds. The source-transaction tables
-- reference it by name and keep doing so.
CREATE TABLE imports_new (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('stations', 'plans', 'payments', 'cards', 'referrals',
                                                 'station-plans', 'distribution')),
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

-- R16: the station's life in the registry (the first transaction is known
-- from the facts). The revision trigger now watches these columns too.
ALTER TABLE stations ADD COLUMN signed_on TEXT;
ALTER TABLE stations ADD COLUMN installed_on TEXT;
DROP TRIGGER stations_rev_update;
CREATE TRIGGER stations_rev_update AFTER UPDATE ON stations
    WHEN NEW.rev = OLD.rev AND (NEW.id, NEW.name, NEW.kind, NEW.branch_id, NEW.maintainer_id, NEW.village,
             NEW.village_households, NEW.stations_in_village, NEW.route_order, NEW.status, NEW.has_terminal,
             NEW.has_green_card, NEW.opened_on, NEW.closed_on, NEW.signed_on, NEW.installed_on)
      IS NOT (OLD.id, OLD.name, OLD.kind, OLD.branch_id, OLD.maintainer_id, OLD.village,
             OLD.village_households, OLD.stations_in_village, OLD.route_order, OLD.status, OLD.has_terminal,
             OLD.has_green_card, OLD.opened_on, OLD.closed_on, OLD.signed_on, OLD.installed_on) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE stations SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE id = NEW.id;
END;

-- R15: a station's monthly plan — the collection target (bill payments,
-- the "hardware" plan) and the distribution target (post-office products,
-- the "software" plan), in fen. No row: no plan that month.
CREATE TABLE station_plans (
    station_id              TEXT NOT NULL REFERENCES stations(id),
    month                   TEXT NOT NULL,
    collection_target_fen   INTEGER NOT NULL CHECK (collection_target_fen >= 0),
    distribution_target_fen INTEGER NOT NULL CHECK (distribution_target_fen >= 0),
    rev                     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (station_id, month)
) WITHOUT ROWID;
CREATE INDEX station_plans_by_month ON station_plans(month);
CREATE INDEX station_plans_by_rev ON station_plans(rev);

-- R15: a station's distribution sales (分销) in a month, in fen.
CREATE TABLE distribution_sales (
    station_id TEXT NOT NULL REFERENCES stations(id),
    month      TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    rev        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (station_id, month)
) WITHOUT ROWID;
CREATE INDEX distribution_sales_by_month ON distribution_sales(month);
CREATE INDEX distribution_sales_by_rev ON distribution_sales(rev);

-- station_plans: revisions and tombstones as in migration 0003.
CREATE TRIGGER station_plans_rev_insert AFTER INSERT ON station_plans WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE station_plans SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE station_id = NEW.station_id AND month = NEW.month;
END;
CREATE TRIGGER station_plans_rev_update AFTER UPDATE ON station_plans
    WHEN NEW.rev = OLD.rev AND (NEW.station_id, NEW.month, NEW.collection_target_fen, NEW.distribution_target_fen)
                           IS NOT (OLD.station_id, OLD.month, OLD.collection_target_fen, OLD.distribution_target_fen) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE station_plans SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE station_id = NEW.station_id AND month = NEW.month;
END;
CREATE TRIGGER station_plans_rev_delete AFTER DELETE ON station_plans BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'station_plans',
            json_array(OLD.station_id, OLD.month), 'station', OLD.station_id);
END;

-- distribution_sales: likewise.
CREATE TRIGGER distribution_sales_rev_insert AFTER INSERT ON distribution_sales WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE distribution_sales SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE station_id = NEW.station_id AND month = NEW.month;
END;
CREATE TRIGGER distribution_sales_rev_update AFTER UPDATE ON distribution_sales
    WHEN NEW.rev = OLD.rev AND (NEW.station_id, NEW.month, NEW.amount_fen)
                           IS NOT (OLD.station_id, OLD.month, OLD.amount_fen) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE distribution_sales SET rev = (SELECT rev FROM sync_revision WHERE id = 1)
     WHERE station_id = NEW.station_id AND month = NEW.month;
END;
CREATE TRIGGER distribution_sales_rev_delete AFTER DELETE ON distribution_sales BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'distribution_sales',
            json_array(OLD.station_id, OLD.month), 'station', OLD.station_id);
END;
