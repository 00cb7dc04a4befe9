-- bianmin's county database on PostgreSQL, version 1: the schema of the
-- SQLite county database (migrations/0001–0007) as one file, with the
-- revisions of sync taken from a sequence.
--
-- Values are the SQLite schema's: money in whole fen (bigint), dates as
-- text 'YYYY-MM-DD', months 'YYYY-MM', instants RFC 3339 UTC, flags 0/1.
-- Rows therefore travel to the laptops exactly as from a SQLite server.
-- Text compares byte by byte (COLLATE "C", as SQLite's BINARY), whatever
-- the database's locale: text order is date order, and lists come in the
-- same order as from SQLite. Laptop-only tables (the outbox, the sync
-- state) do not exist here: this database is always a server's.
--
-- Revisions: every synced table's rows get `rev` from the sequence
-- `sync_rev` through the triggers at the end, inside the writing
-- transaction, on every insert and every real change; a delete leaves a
-- tombstone in `sync_deletions`. Several writers run at once here (imports,
-- pushes through several `bianmin serve`), so revisions are not handed
-- out in commit order: a transaction that took revision 100 may commit
-- after one that took 101. Each writing transaction therefore holds a
-- shared advisory lock keyed by a revision no greater than any it takes
-- (`bianmin_next_rev`), and a pull reads only up to the lowest such key
-- still held (`src/server/db/postgres/frontier.rs`): what it sends is
-- complete, and nothing can later appear below a laptop's cursor.

CREATE TABLE meta (
    key   text COLLATE "C" PRIMARY KEY,
    value text COLLATE "C" NOT NULL
);

CREATE SEQUENCE sync_rev AS bigint;

-- The first revision a transaction takes also takes a shared advisory
-- lock, keyed 2^62 + the next value the sequence would give (no greater
-- than any revision this transaction will take), held to its end.
CREATE FUNCTION bianmin_next_rev() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('bianmin.rev_locked', true) IS DISTINCT FROM '1' THEN
        PERFORM pg_advisory_xact_lock_shared(4611686018427387904
            + (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM sync_rev));
        PERFORM set_config('bianmin.rev_locked', '1', true);
    END IF;
    RETURN nextval('sync_rev');
END $$;

CREATE TABLE counties (
    id   text COLLATE "C" PRIMARY KEY,
    name text COLLATE "C" NOT NULL,
    rev  bigint NOT NULL DEFAULT 0
);

CREATE TABLE people (
    id             text COLLATE "C" PRIMARY KEY,
    name           text COLLATE "C" NOT NULL,
    phone          text COLLATE "C",
    has_green_card bigint NOT NULL DEFAULT 1 CHECK (has_green_card IN (0, 1)),
    rev            bigint NOT NULL DEFAULT 0
);

CREATE TABLE branches (
    id         text COLLATE "C" PRIMARY KEY,
    name       text COLLATE "C" NOT NULL,
    kind       text COLLATE "C" NOT NULL CHECK (kind IN ('rural', 'urban')),
    county_id  text COLLATE "C" REFERENCES counties(id),
    manager_id text COLLATE "C" NOT NULL REFERENCES people(id),
    rev        bigint NOT NULL DEFAULT 0
);

CREATE TABLE branch_maintainers (
    branch_id text COLLATE "C" NOT NULL REFERENCES branches(id),
    person_id text COLLATE "C" NOT NULL REFERENCES people(id),
    rev       bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (branch_id, person_id)
);
CREATE INDEX branch_maintainers_by_person ON branch_maintainers(person_id);

CREATE TABLE stations (
    id                  text COLLATE "C" PRIMARY KEY,
    name                text COLLATE "C" NOT NULL,
    kind                text COLLATE "C" NOT NULL CHECK (kind IN ('rural', 'urban')),
    branch_id           text COLLATE "C" NOT NULL REFERENCES branches(id),
    maintainer_id       text COLLATE "C" NOT NULL REFERENCES people(id),
    village             text COLLATE "C",
    village_households  bigint CHECK (village_households IS NULL OR village_households >= 0),
    stations_in_village bigint NOT NULL DEFAULT 1 CHECK (stations_in_village >= 1),
    route_order         bigint,
    status              text COLLATE "C" NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'suspended', 'closed')),
    has_terminal        bigint NOT NULL DEFAULT 1 CHECK (has_terminal IN (0, 1)),
    has_green_card      bigint NOT NULL DEFAULT 1 CHECK (has_green_card IN (0, 1)),
    opened_on           text COLLATE "C",
    closed_on           text COLLATE "C",
    owner_name          text COLLATE "C",
    owner_phone         text COLLATE "C",
    signed_on           text COLLATE "C",
    installed_on        text COLLATE "C",
    rev                 bigint NOT NULL DEFAULT 0
);
CREATE INDEX stations_by_branch ON stations(branch_id);
CREATE INDEX stations_by_maintainer ON stations(maintainer_id);

CREATE TABLE plans (
    branch_id text COLLATE "C" NOT NULL REFERENCES branches(id),
    month     text COLLATE "C" NOT NULL,
    target    bigint NOT NULL CHECK (target >= 0),
    rev       bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (branch_id, month)
);

CREATE TABLE daily_payments (
    station_id text COLLATE "C" NOT NULL REFERENCES stations(id),
    day        text COLLATE "C" NOT NULL,
    category   text COLLATE "C" NOT NULL CHECK (category ~ '^[a-z][a-z0-9_]*$'),
    count      bigint NOT NULL CHECK (count >= 0),
    amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
    rev        bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, station_id, category)
);
CREATE INDEX daily_payments_by_station ON daily_payments(station_id, day);

CREATE TABLE daily_cards (
    station_id text COLLATE "C" NOT NULL REFERENCES stations(id),
    day        text COLLATE "C" NOT NULL,
    raw        bigint NOT NULL CHECK (raw >= 0),
    valid      bigint NOT NULL CHECK (valid >= 0 AND valid <= raw),
    rev        bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, station_id)
);
CREATE INDEX daily_cards_by_station ON daily_cards(station_id, day);

CREATE TABLE daily_referrals (
    station_id text COLLATE "C" NOT NULL REFERENCES stations(id),
    day        text COLLATE "C" NOT NULL,
    kind       text COLLATE "C" NOT NULL,
    count      bigint NOT NULL CHECK (count >= 0),
    rev        bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, station_id, kind)
);
CREATE INDEX daily_referrals_by_station ON daily_referrals(station_id, day);

CREATE TABLE imports (
    id             bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    kind           text COLLATE "C" NOT NULL,
    file_name      text COLLATE "C" NOT NULL,
    rows_read      bigint NOT NULL DEFAULT 0,
    rows_new       bigint NOT NULL DEFAULT 0,
    rows_duplicate bigint NOT NULL DEFAULT 0,
    rows_reversed  bigint NOT NULL DEFAULT 0,
    imported_at    text COLLATE "C" NOT NULL
);

CREATE TABLE payment_txns (
    txn_id     text COLLATE "C" PRIMARY KEY,
    station_id text COLLATE "C" NOT NULL,
    day        text COLLATE "C" NOT NULL,
    category   text COLLATE "C" NOT NULL,
    amount_fen bigint NOT NULL,
    import_id  bigint NOT NULL REFERENCES imports(id)
);

-- Card numbers are never stored: a keyed HMAC, whose key is outside the
-- database (store::card_key).
CREATE TABLE card_txns (
    txn_id     text COLLATE "C" PRIMARY KEY,
    station_id text COLLATE "C" NOT NULL,
    day        text COLLATE "C" NOT NULL,
    card_hash  bytea NOT NULL,
    import_id  bigint NOT NULL REFERENCES imports(id)
);
CREATE INDEX card_txns_by_station_day ON card_txns(station_id, day);

CREATE TABLE referral_records (
    referral_id text COLLATE "C" PRIMARY KEY,
    station_id  text COLLATE "C" NOT NULL,
    day         text COLLATE "C" NOT NULL,
    kind        text COLLATE "C" NOT NULL,
    import_id   bigint NOT NULL REFERENCES imports(id)
);

CREATE TABLE reversed_txns (
    txn_id    text COLLATE "C" PRIMARY KEY,
    kind      text COLLATE "C" NOT NULL CHECK (kind IN ('payment', 'card')),
    import_id bigint NOT NULL REFERENCES imports(id)
);

CREATE TABLE visit_notes (
    uuid         text COLLATE "C" PRIMARY KEY,
    station_id   text COLLATE "C" NOT NULL REFERENCES stations(id),
    author_id    text COLLATE "C" NOT NULL REFERENCES people(id),
    visited_on   text COLLATE "C" NOT NULL,
    kind         text COLLATE "C" NOT NULL CHECK (kind IN ('collection', 'equipment', 'promotion', 'reconciliation', 'other')),
    body         text COLLATE "C" NOT NULL,
    follow_up_on text COLLATE "C",
    field_times  text COLLATE "C" NOT NULL DEFAULT '{}',
    version      bigint NOT NULL DEFAULT 1,
    created_at   text COLLATE "C" NOT NULL,
    updated_at   text COLLATE "C" NOT NULL,
    rev          bigint NOT NULL DEFAULT 0
);
CREATE INDEX visit_notes_by_station ON visit_notes(station_id, visited_on);

CREATE TABLE signoffs (
    uuid        text COLLATE "C" PRIMARY KEY,
    station_id  text COLLATE "C" NOT NULL REFERENCES stations(id),
    month       text COLLATE "C" NOT NULL,
    author_id   text COLLATE "C" NOT NULL REFERENCES people(id),
    editor_id   text COLLATE "C" REFERENCES people(id),
    outcome     text COLLATE "C" NOT NULL CHECK (outcome IN ('signed', 'disputed')),
    reason      text COLLATE "C",
    signed_on   text COLLATE "C" NOT NULL,
    field_times text COLLATE "C" NOT NULL DEFAULT '{}',
    version     bigint NOT NULL DEFAULT 1,
    created_at  text COLLATE "C" NOT NULL,
    updated_at  text COLLATE "C" NOT NULL,
    rev         bigint NOT NULL DEFAULT 0,
    CHECK (outcome = 'signed' OR reason IS NOT NULL)
);
CREATE INDEX signoffs_by_station_month ON signoffs(station_id, month);

CREATE TABLE accounts (
    token_hash text COLLATE "C" PRIMARY KEY,
    person_id  text COLLATE "C" NOT NULL REFERENCES people(id),
    role       text COLLATE "C" NOT NULL CHECK (role IN ('maintainer', 'manager', 'county')),
    created_at text COLLATE "C" NOT NULL,
    revoked_at text COLLATE "C"
);
CREATE INDEX accounts_by_person ON accounts(person_id);

CREATE TABLE sync_deletions (
    rev        bigint PRIMARY KEY,
    table_name text COLLATE "C" NOT NULL,
    key        text COLLATE "C" NOT NULL,
    scope_kind text COLLATE "C" NOT NULL CHECK (scope_kind IN ('station', 'branch', 'person', 'county')),
    scope_id   text COLLATE "C" NOT NULL
);

CREATE TABLE station_plans (
    station_id              text COLLATE "C" NOT NULL REFERENCES stations(id),
    month                   text COLLATE "C" NOT NULL,
    collection_target_fen   bigint NOT NULL CHECK (collection_target_fen >= 0),
    distribution_target_fen bigint NOT NULL CHECK (distribution_target_fen >= 0),
    rev                     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (station_id, month)
);
CREATE INDEX station_plans_by_month ON station_plans(month);

CREATE TABLE distribution_sales (
    station_id text COLLATE "C" NOT NULL REFERENCES stations(id),
    month      text COLLATE "C" NOT NULL,
    amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
    rev        bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (station_id, month)
);
CREATE INDEX distribution_sales_by_month ON distribution_sales(month);

CREATE TABLE invoices (
    month       text COLLATE "C" NOT NULL,
    station_id  text COLLATE "C" NOT NULL REFERENCES stations(id),
    received    bigint NOT NULL CHECK (received IN (0, 1)),
    invoice_no  text COLLATE "C",
    recorded_by text COLLATE "C",
    recorded_at text COLLATE "C" NOT NULL,
    rev         bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (month, station_id)
);
CREATE INDEX invoices_by_station ON invoices(station_id, month);

CREATE TABLE payout_steps (
    month       text COLLATE "C" NOT NULL,
    step        text COLLATE "C" NOT NULL,
    county_id   text COLLATE "C" NOT NULL DEFAULT '',
    done_by     text COLLATE "C" NOT NULL,
    done_on     text COLLATE "C" NOT NULL,
    note        text COLLATE "C",
    forced      bigint NOT NULL DEFAULT 0 CHECK (forced IN (0, 1)),
    recorded_at text COLLATE "C" NOT NULL,
    rev         bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (month, step)
);

CREATE TABLE reconciliations (
    month            text COLLATE "C" PRIMARY KEY,
    county_id        text COLLATE "C" NOT NULL DEFAULT '',
    file_name        text COLLATE "C" NOT NULL,
    checked_by       text COLLATE "C",
    checked_at       text COLLATE "C" NOT NULL,
    checked_on       text COLLATE "C" NOT NULL,
    matched          bigint NOT NULL CHECK (matched IN (0, 1)),
    stations_checked bigint NOT NULL,
    people_checked   bigint NOT NULL,
    ours_fen         bigint NOT NULL,
    theirs_fen       bigint NOT NULL,
    differences      text COLLATE "C" NOT NULL DEFAULT '[]',
    rev              bigint NOT NULL DEFAULT 0
);

-- The revision triggers. On insert, and on an update that changes
-- anything but `rev`, the row takes the next revision; a delete leaves a
-- tombstone: its table, the JSON array of its key, and whose it is.
CREATE FUNCTION bianmin_rev() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        NEW.rev := OLD.rev;
        IF NEW IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
        END IF;
    END IF;
    NEW.rev := bianmin_next_rev();
    RETURN NEW;
END $$;

-- TG_ARGV: the scope kind, the column naming the scope, then the key columns.
CREATE FUNCTION bianmin_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := to_jsonb(OLD);
    key_values jsonb := '[]'::jsonb;
    i int;
BEGIN
    FOR i IN 2 .. TG_NARGS - 1 LOOP
        key_values := key_values || jsonb_build_array(old_row ->> TG_ARGV[i]);
    END LOOP;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES (bianmin_next_rev(), TG_TABLE_NAME, key_values::text, TG_ARGV[0],
            coalesce(old_row ->> TG_ARGV[1], ''));
    RETURN OLD;
END $$;

CREATE TRIGGER counties_rev BEFORE INSERT OR UPDATE ON counties FOR EACH ROW EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER counties_tombstone AFTER DELETE ON counties FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('county', 'id', 'id');
CREATE TRIGGER people_rev BEFORE INSERT OR UPDATE ON people FOR EACH ROW EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER people_tombstone AFTER DELETE ON people FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('person', 'id', 'id');
CREATE TRIGGER branches_rev BEFORE INSERT OR UPDATE ON branches FOR EACH ROW EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER branches_tombstone AFTER DELETE ON branches FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('branch', 'id', 'id');
CREATE TRIGGER branch_maintainers_rev BEFORE INSERT OR UPDATE ON branch_maintainers FOR EACH ROW
    EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER branch_maintainers_tombstone AFTER DELETE ON branch_maintainers FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('branch', 'branch_id', 'branch_id', 'person_id');
CREATE TRIGGER stations_rev BEFORE INSERT OR UPDATE ON stations FOR EACH ROW EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER stations_tombstone AFTER DELETE ON stations FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('station', 'id', 'id');
CREATE TRIGGER plans_rev BEFORE INSERT OR UPDATE ON plans FOR EACH ROW EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER plans_tombstone AFTER DELETE ON plans FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('branch', 'branch_id', 'branch_id', 'month');
CREATE TRIGGER daily_payments_rev BEFORE INSERT OR UPDATE ON daily_payments FOR EACH ROW
    EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER daily_payments_tombstone AFTER DELETE ON daily_payments FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('station', 'station_id', 'day', 'station_id', 'category');
CREATE TRIGGER daily_cards_rev BEFORE INSERT OR UPDATE ON daily_cards FOR EACH ROW EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER daily_cards_tombstone AFTER DELETE ON daily_cards FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('station', 'station_id', 'day', 'station_id');
CREATE TRIGGER daily_referrals_rev BEFORE INSERT OR UPDATE ON daily_referrals FOR EACH ROW
    EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER daily_referrals_tombstone AFTER DELETE ON daily_referrals FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('station', 'station_id', 'day', 'station_id', 'kind');
CREATE TRIGGER visit_notes_rev BEFORE INSERT OR UPDATE ON visit_notes FOR EACH ROW EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER visit_notes_tombstone AFTER DELETE ON visit_notes FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('station', 'station_id', 'uuid');
CREATE TRIGGER signoffs_rev BEFORE INSERT OR UPDATE ON signoffs FOR EACH ROW EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER signoffs_tombstone AFTER DELETE ON signoffs FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('station', 'station_id', 'uuid');
CREATE TRIGGER station_plans_rev BEFORE INSERT OR UPDATE ON station_plans FOR EACH ROW
    EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER station_plans_tombstone AFTER DELETE ON station_plans FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('station', 'station_id', 'station_id', 'month');
CREATE TRIGGER distribution_sales_rev BEFORE INSERT OR UPDATE ON distribution_sales FOR EACH ROW
    EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER distribution_sales_tombstone AFTER DELETE ON distribution_sales FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('station', 'station_id', 'station_id', 'month');
CREATE TRIGGER invoices_rev BEFORE INSERT OR UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER invoices_tombstone AFTER DELETE ON invoices FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('station', 'station_id', 'month', 'station_id');
CREATE TRIGGER payout_steps_rev BEFORE INSERT OR UPDATE ON payout_steps FOR EACH ROW
    EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER payout_steps_tombstone AFTER DELETE ON payout_steps FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('county', 'county_id', 'month', 'step');
CREATE TRIGGER reconciliations_rev BEFORE INSERT OR UPDATE ON reconciliations FOR EACH ROW
    EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER reconciliations_tombstone AFTER DELETE ON reconciliations FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('county', 'county_id', 'month');

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
CREATE INDEX station_plans_by_rev ON station_plans(rev);
CREATE INDEX distribution_sales_by_rev ON distribution_sales(rev);
CREATE INDEX invoices_by_rev ON invoices(rev);
CREATE INDEX payout_steps_by_rev ON payout_steps(rev);
CREATE INDEX reconciliations_by_rev ON reconciliations(rev);
