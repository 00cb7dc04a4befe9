-- bianmin schema, version 1: registry, plans, daily facts and imports.
-- Money is stored as whole fen (INTEGER), never as REAL.
-- Dates are TEXT 'YYYY-MM-DD', months 'YYYY-MM', instants RFC 3339 UTC.
-- `rev` is the server revision of a row (sync pulls rows after a cursor);
-- 0 on a row that has never been on a server.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE counties (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    rev  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE people (
    id             TEXT PRIMARY KEY,            -- 工号
    name           TEXT NOT NULL,
    phone          TEXT,
    has_green_card INTEGER NOT NULL DEFAULT 1,  -- 绿卡 with 惠农通: can be paid
    rev            INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE branches (
    id         TEXT PRIMARY KEY,                -- 支局编码
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('rural', 'urban')),
    county_id  TEXT REFERENCES counties(id),
    manager_id TEXT NOT NULL REFERENCES people(id),
    rev        INTEGER NOT NULL DEFAULT 0
);

-- The maintainers of a branch (a maintainer may have no station yet).
CREATE TABLE branch_maintainers (
    branch_id TEXT NOT NULL REFERENCES branches(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    rev       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (branch_id, person_id)
) WITHOUT ROWID;

CREATE TABLE stations (
    id                  TEXT PRIMARY KEY,       -- 站点编码
    name                TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('rural', 'urban')),
    branch_id           TEXT NOT NULL REFERENCES branches(id),
    maintainer_id       TEXT NOT NULL REFERENCES people(id),
    village             TEXT,
    village_households  INTEGER CHECK (village_households IS NULL OR village_households >= 0),
    stations_in_village INTEGER NOT NULL DEFAULT 1 CHECK (stations_in_village >= 1),
    route_order         INTEGER,
    status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'suspended', 'closed')),
    has_terminal        INTEGER NOT NULL DEFAULT 1, -- 商易通 terminal: without one a station can never be valid
    has_green_card      INTEGER NOT NULL DEFAULT 1,
    opened_on           TEXT,
    closed_on           TEXT,
    rev                 INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stations_by_branch ON stations(branch_id);
CREATE INDEX stations_by_maintainer ON stations(maintainer_id);

-- The "five-plus-one" plan: valid stations a branch must reach in a month.
CREATE TABLE plans (
    branch_id TEXT NOT NULL REFERENCES branches(id),
    month     TEXT NOT NULL,
    target    INTEGER NOT NULL CHECK (target >= 0),
    rev       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (branch_id, month)
) WITHOUT ROWID;

-- Daily facts: what the engine sums into a month (and a projection).
CREATE TABLE daily_payments (
    station_id TEXT NOT NULL REFERENCES stations(id),
    day        TEXT NOT NULL,
    category   TEXT NOT NULL CHECK (category IN ('mobile', 'unicom', 'telecom', 'electricity', 'other')),
    count      INTEGER NOT NULL CHECK (count >= 0),
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    rev        INTEGER NOT NULL DEFAULT 0,
    -- Day first: a month is one contiguous range of the table.
    PRIMARY KEY (day, station_id, category)
) WITHOUT ROWID;
CREATE INDEX daily_payments_by_station ON daily_payments(station_id, day);

-- Card transactions per station and day: all, and valid after the
-- per-card-per-day cap (R1), applied when transactions are imported.
CREATE TABLE daily_cards (
    station_id TEXT NOT NULL REFERENCES stations(id),
    day        TEXT NOT NULL,
    raw        INTEGER NOT NULL CHECK (raw >= 0),
    valid      INTEGER NOT NULL CHECK (valid >= 0 AND valid <= raw),
    rev        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, station_id)
) WITHOUT ROWID;
CREATE INDEX daily_cards_by_station ON daily_cards(station_id, day);

CREATE TABLE daily_referrals (
    station_id TEXT NOT NULL REFERENCES stations(id),
    day        TEXT NOT NULL,
    kind       TEXT NOT NULL,
    count      INTEGER NOT NULL CHECK (count >= 0),
    rev        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, station_id, kind)
) WITHOUT ROWID;
CREATE INDEX daily_referrals_by_station ON daily_referrals(station_id, day);

-- Source transactions, kept by id so a repeated import adds nothing twice.
-- Only where exports are imported (the county server, or a laptop used
-- alone); laptops that sync receive daily facts only.
CREATE TABLE payment_txns (
    txn_id     TEXT PRIMARY KEY,
    station_id TEXT NOT NULL,
    day        TEXT NOT NULL,
    category   TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    import_id  INTEGER NOT NULL REFERENCES imports(id)
) WITHOUT ROWID;

-- Card numbers are never stored: `card_hash` is a keyed HMAC of the number
-- (key in meta.card_hash_key), enough to apply the cap.
CREATE TABLE card_txns (
    txn_id     TEXT PRIMARY KEY,
    station_id TEXT NOT NULL,
    day        TEXT NOT NULL,
    card_hash  BLOB NOT NULL,
    import_id  INTEGER NOT NULL REFERENCES imports(id)
) WITHOUT ROWID;
CREATE INDEX card_txns_by_station_day ON card_txns(station_id, day);

CREATE TABLE referral_records (
    referral_id TEXT PRIMARY KEY,
    station_id  TEXT NOT NULL,
    day         TEXT NOT NULL,
    kind        TEXT NOT NULL,
    import_id   INTEGER NOT NULL REFERENCES imports(id)
) WITHOUT ROWID;

-- Reversed or cancelled transactions seen, so a later import of the
-- original cannot count it.
CREATE TABLE reversed_txns (
    txn_id    TEXT PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('payment', 'card')),
    import_id INTEGER NOT NULL REFERENCES imports(id)
) WITHOUT ROWID;

CREATE TABLE imports (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('stations', 'plans', 'payments', 'cards', 'referrals')),
    file_name      TEXT NOT NULL,
    rows_read      INTEGER NOT NULL DEFAULT 0,
    rows_new       INTEGER NOT NULL DEFAULT 0,
    rows_duplicate INTEGER NOT NULL DEFAULT 0,
    rows_reversed  INTEGER NOT NULL DEFAULT 0,
    imported_at    TEXT NOT NULL
);
