-- bianmin schema, version 2: what maintainers write offline, the outbox
-- that carries it to the county server, and the server's accounts.

-- Visit notes, written offline; `uuid` is made by the client that wrote
-- the note. `version` counts edits; each field keeps the time it was last
-- set, so sync can merge edits field by field (last writer wins).
CREATE TABLE visit_notes (
    uuid            TEXT PRIMARY KEY,
    station_id      TEXT NOT NULL REFERENCES stations(id),
    author_id       TEXT NOT NULL REFERENCES people(id),
    visited_on      TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('collection', 'equipment', 'promotion', 'reconciliation', 'other')),
    body            TEXT NOT NULL,
    follow_up_on    TEXT,
    field_times     TEXT NOT NULL DEFAULT '{}',
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX visit_notes_by_station ON visit_notes(station_id, visited_on);

-- A station's sign-off (or dispute) of a month's statement (R11).
CREATE TABLE signoffs (
    uuid        TEXT PRIMARY KEY,
    station_id  TEXT NOT NULL REFERENCES stations(id),
    month       TEXT NOT NULL,
    author_id   TEXT NOT NULL REFERENCES people(id),
    outcome     TEXT NOT NULL CHECK (outcome IN ('signed', 'disputed')),
    reason      TEXT,
    signed_on   TEXT NOT NULL,
    field_times TEXT NOT NULL DEFAULT '{}',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    rev         INTEGER NOT NULL DEFAULT 0,
    CHECK (outcome = 'signed' OR reason IS NOT NULL)
);
CREATE INDEX signoffs_by_station_month ON signoffs(station_id, month);

-- Records waiting to be pushed; a row is marked sent only after the server
-- acknowledged it, and set aside with the server's reason if refused.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    record_kind     TEXT NOT NULL CHECK (record_kind IN ('visit_note', 'signoff')),
    record_uuid     TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    rejected_at     TEXT,
    rejected_reason TEXT
);
CREATE INDEX outbox_pending ON outbox(sent_at, rejected_at);

CREATE TABLE sync_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    server_url      TEXT,
    pull_cursor     INTEGER NOT NULL DEFAULT 0,
    last_success_at TEXT,
    last_attempt_at TEXT,
    last_error      TEXT,
    offline_since   TEXT
);
INSERT INTO sync_state (id) VALUES (1);

-- Server side: API tokens, kept only as a hash.
CREATE TABLE accounts (
    token_hash TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id),
    role       TEXT NOT NULL CHECK (role IN ('maintainer', 'manager', 'county')),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
