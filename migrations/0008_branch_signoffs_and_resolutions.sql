-- bianmin schema: sign-offs for the whole payout chain (RULES.md R11,
-- issue 10 item 3). The branch sheet (pool, 2:8 split, penalty) signed or
-- disputed by its manager and each maintainer, and the county's
-- resolutions of disputes (of a station's statement or of a branch sheet).
-- Both are records written on laptops and synced like notes and station
-- sign-offs: a client-made uuid, a version, creation and update times, an
-- outbox row where written, merged as one decision (sync::merge).
--
-- Scope of the rows and their tombstones:
--   branch_signoffs            branch (every laptop of the branch; the county)
--   resolutions, kind station  station (the laptops that read and write its records)
--   resolutions, kind branch   branch
--
-- Applied with foreign keys off (see store::migrate): the outbox is
-- rebuilt without its CHECK on the record kind.

-- One sign-off per branch, month and signer. `role` is the signer's place
-- on the sheet, checked against the registry where it is written. Only
-- the signer writes it; `editor_id` is kept for the merge, as on station
-- sign-offs.
CREATE TABLE branch_signoffs (
    uuid        TEXT PRIMARY KEY,
    branch_id   TEXT NOT NULL REFERENCES branches(id),
    month       TEXT NOT NULL,
    author_id   TEXT NOT NULL REFERENCES people(id),
    editor_id   TEXT REFERENCES people(id),
    role        TEXT NOT NULL CHECK (role IN ('manager', 'maintainer')),
    outcome     TEXT NOT NULL CHECK (outcome IN ('signed', 'disputed')),
    reason      TEXT,
    signed_on   TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    rev         INTEGER NOT NULL DEFAULT 0,
    CHECK (outcome = 'signed' OR reason IS NOT NULL)
);
CREATE UNIQUE INDEX branch_signoffs_by_signer ON branch_signoffs(branch_id, month, author_id);
CREATE INDEX branch_signoffs_by_rev ON branch_signoffs(rev);

-- The county's answer to a dispute: one per disputed sign-off
-- (`signoff_uuid`, a row of signoffs or of branch_signoffs, by `kind`).
-- It answers the dispute decided at `answers` (that sign-off's
-- updated_at); a later dispute of the same sign-off is open again.
-- `corrected_fen`: for an accepted station dispute the station's corrected
-- reward, for an accepted branch dispute the disputing signer's corrected
-- net (实发); none when rejected. `author_id` is the county clerk (a county
-- account's person, or on a database of its own the name it was given:
-- no reference to people, since `--as county` is no person).
CREATE TABLE resolutions (
    uuid          TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('station', 'branch')),
    signoff_uuid  TEXT NOT NULL,
    station_id    TEXT REFERENCES stations(id),
    branch_id     TEXT REFERENCES branches(id),
    month         TEXT NOT NULL,
    answers       TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    corrected_fen INTEGER,
    reason        TEXT NOT NULL,
    resolved_on   TEXT NOT NULL,
    author_id     TEXT NOT NULL,
    editor_id     TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    rev           INTEGER NOT NULL DEFAULT 0,
    CHECK ((kind = 'station' AND station_id IS NOT NULL AND branch_id IS NULL)
        OR (kind = 'branch' AND branch_id IS NOT NULL AND station_id IS NULL)),
    CHECK ((outcome = 'accepted') = (corrected_fen IS NOT NULL))
);
CREATE UNIQUE INDEX resolutions_by_signoff ON resolutions(signoff_uuid);
CREATE INDEX resolutions_by_month ON resolutions(month);
CREATE INDEX resolutions_by_rev ON resolutions(rev);

-- branch_signoffs
CREATE TRIGGER branch_signoffs_rev_insert AFTER INSERT ON branch_signoffs WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE branch_signoffs SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE uuid = NEW.uuid;
END;
CREATE TRIGGER branch_signoffs_rev_update AFTER UPDATE ON branch_signoffs
    WHEN NEW.rev = OLD.rev AND (NEW.uuid, NEW.branch_id, NEW.month, NEW.author_id, NEW.editor_id, NEW.role,
             NEW.outcome, NEW.reason, NEW.signed_on, NEW.version, NEW.created_at, NEW.updated_at)
      IS NOT (OLD.uuid, OLD.branch_id, OLD.month, OLD.author_id, OLD.editor_id, OLD.role,
             OLD.outcome, OLD.reason, OLD.signed_on, OLD.version, OLD.created_at, OLD.updated_at) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE branch_signoffs SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE uuid = NEW.uuid;
END;
CREATE TRIGGER branch_signoffs_rev_delete AFTER DELETE ON branch_signoffs BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'branch_signoffs', json_array(OLD.uuid),
            'branch', OLD.branch_id);
END;

-- resolutions
CREATE TRIGGER resolutions_rev_insert AFTER INSERT ON resolutions WHEN NEW.rev = 0 BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE resolutions SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE uuid = NEW.uuid;
END;
CREATE TRIGGER resolutions_rev_update AFTER UPDATE ON resolutions
    WHEN NEW.rev = OLD.rev AND (NEW.uuid, NEW.kind, NEW.signoff_uuid, NEW.station_id, NEW.branch_id, NEW.month,
             NEW.answers, NEW.outcome, NEW.corrected_fen, NEW.reason, NEW.resolved_on, NEW.author_id,
             NEW.editor_id, NEW.version, NEW.created_at, NEW.updated_at)
      IS NOT (OLD.uuid, OLD.kind, OLD.signoff_uuid, OLD.station_id, OLD.branch_id, OLD.month,
             OLD.answers, OLD.outcome, OLD.corrected_fen, OLD.reason, OLD.resolved_on, OLD.author_id,
             OLD.editor_id, OLD.version, OLD.created_at, OLD.updated_at) BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    UPDATE resolutions SET rev = (SELECT rev FROM sync_revision WHERE id = 1) WHERE uuid = NEW.uuid;
END;
CREATE TRIGGER resolutions_rev_delete AFTER DELETE ON resolutions BEGIN
    UPDATE sync_revision SET rev = rev + 1 WHERE id = 1;
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES ((SELECT rev FROM sync_revision WHERE id = 1), 'resolutions', json_array(OLD.uuid),
            OLD.kind, coalesce(OLD.station_id, OLD.branch_id));
END;

-- The outbox, rebuilt without its CHECK on the record kind: the kinds are
-- the wire's (`PushRecord::kind`), checked by the code that writes them,
-- and a new kind should not need a table rebuild each time.
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    record_kind      TEXT NOT NULL,
    record_uuid      TEXT NOT NULL,
    version          INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    rejected_at      TEXT,
    rejected_reason  TEXT,
    rejected_refusal TEXT,
    rejected_record  TEXT
);
INSERT INTO outbox_new (id, record_kind, record_uuid, version, created_at, sent_at, rejected_at, rejected_reason,
        rejected_refusal, rejected_record)
    SELECT id, record_kind, record_uuid, version, created_at, sent_at, rejected_at, rejected_reason,
           rejected_refusal, rejected_record FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox(sent_at, rejected_at);
CREATE INDEX outbox_by_record ON outbox(record_uuid);
