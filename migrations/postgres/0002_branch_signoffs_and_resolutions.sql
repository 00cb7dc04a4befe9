-- bianmin PostgreSQL schema: sign-offs for the whole payout chain (RULES.md
-- R11, issue 10 item 3), as SQLite's migrations/0008 (the laptop's outbox
-- change there has no counterpart: the county's database queues nothing).
-- The branch sheet signed or disputed by its manager and each maintainer,
-- and the county's resolutions of disputes. Same columns, types and
-- scopes as SQLite, so rows reach laptops byte-identical.

CREATE TABLE branch_signoffs (
    uuid        text COLLATE "C" PRIMARY KEY,
    branch_id   text COLLATE "C" NOT NULL REFERENCES branches(id),
    month       text COLLATE "C" NOT NULL,
    author_id   text COLLATE "C" NOT NULL REFERENCES people(id),
    editor_id   text COLLATE "C" REFERENCES people(id),
    role        text COLLATE "C" NOT NULL CHECK (role IN ('manager', 'maintainer')),
    outcome     text COLLATE "C" NOT NULL CHECK (outcome IN ('signed', 'disputed')),
    reason      text COLLATE "C",
    signed_on   text COLLATE "C" NOT NULL,
    version     bigint NOT NULL DEFAULT 1,
    created_at  text COLLATE "C" NOT NULL,
    updated_at  text COLLATE "C" NOT NULL,
    rev         bigint NOT NULL DEFAULT 0,
    CHECK (outcome = 'signed' OR reason IS NOT NULL)
);
CREATE UNIQUE INDEX branch_signoffs_by_signer ON branch_signoffs(branch_id, month, author_id);
CREATE INDEX branch_signoffs_by_rev ON branch_signoffs(rev);

-- `author_id` has no reference to people: on a database of its own the
-- county clerk may be `--as county`, which is no person.
CREATE TABLE resolutions (
    uuid          text COLLATE "C" PRIMARY KEY,
    kind          text COLLATE "C" NOT NULL CHECK (kind IN ('station', 'branch')),
    signoff_uuid  text COLLATE "C" NOT NULL,
    station_id    text COLLATE "C" REFERENCES stations(id),
    branch_id     text COLLATE "C" REFERENCES branches(id),
    month         text COLLATE "C" NOT NULL,
    answers       text COLLATE "C" NOT NULL,
    outcome       text COLLATE "C" NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    corrected_fen bigint,
    reason        text COLLATE "C" NOT NULL,
    resolved_on   text COLLATE "C" NOT NULL,
    author_id     text COLLATE "C" NOT NULL,
    editor_id     text COLLATE "C",
    version       bigint NOT NULL DEFAULT 1,
    created_at    text COLLATE "C" NOT NULL,
    updated_at    text COLLATE "C" NOT NULL,
    rev           bigint NOT NULL DEFAULT 0,
    CHECK ((kind = 'station' AND station_id IS NOT NULL AND branch_id IS NULL)
        OR (kind = 'branch' AND branch_id IS NOT NULL AND station_id IS NULL)),
    CHECK ((outcome = 'accepted') = (corrected_fen IS NOT NULL))
);
CREATE UNIQUE INDEX resolutions_by_signoff ON resolutions(signoff_uuid);
CREATE INDEX resolutions_by_month ON resolutions(month);
CREATE INDEX resolutions_by_rev ON resolutions(rev);

CREATE TRIGGER branch_signoffs_rev BEFORE INSERT OR UPDATE ON branch_signoffs FOR EACH ROW
    EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER branch_signoffs_tombstone AFTER DELETE ON branch_signoffs FOR EACH ROW
    EXECUTE FUNCTION bianmin_tombstone('branch', 'branch_id', 'uuid');

-- A resolution's tombstone goes where the resolution went: a station's to
-- the laptops of that station's records, a branch's to the branch.
CREATE FUNCTION bianmin_resolution_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sync_deletions (rev, table_name, key, scope_kind, scope_id)
    VALUES (bianmin_next_rev(), 'resolutions', jsonb_build_array(OLD.uuid)::text, OLD.kind,
            coalesce(OLD.station_id, OLD.branch_id));
    RETURN OLD;
END $$;
CREATE TRIGGER resolutions_rev BEFORE INSERT OR UPDATE ON resolutions FOR EACH ROW
    EXECUTE FUNCTION bianmin_rev();
CREATE TRIGGER resolutions_tombstone AFTER DELETE ON resolutions FOR EACH ROW
    EXECUTE FUNCTION bianmin_resolution_tombstone();
