-- bianmin schema: the daily payments without the per-row category CHECK,
-- and covering revision indexes of the daily facts (issue 14, the first
-- pull of a county).
--
-- Migration 0006 put `category GLOB '[a-z]*' AND category NOT GLOB
-- '*[^a-z0-9_]*'` on every payment row; evaluated for each of a county's
-- 600,000 rows it was about a sixth of a first pull's inserts. The shape
-- of a category is now checked in Rust where rows enter: a pulled page is
-- refused whole when one of its payments names a category that is not a
-- policy id (`store::laptop::apply`, `policy::category::valid_id`); an
-- import writes only the ids of its policy, which `policy::file` checks;
-- `Store::add_daily_payment` checks its argument.
--
-- SQLite cannot drop a CHECK in place: the table is rebuilt (copy, drop,
-- rename), keeping every row and its revision; dropping it drops its
-- indexes and triggers, which are made again exactly as before: the
-- revision triggers of 0003 and the month-totals triggers of 0010
-- (`store::month_totals` drops and restores those by name around a large
-- pull, and reads their text from 0010: they must stay the same). The
-- per-station index is made again as it was; the revision indexes are
-- made covering (below).
-- bianmin runs migrations with foreign keys off.

CREATE TABLE daily_payments_new (
    station_id TEXT NOT NULL REFERENCES stations(id),
    day        TEXT NOT NULL,
    category   TEXT NOT NULL,
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
-- The revision indexes of the daily facts now hold the figures too: a
-- server reads a pull page's facts from the index alone instead of
-- seeking each row in its table (half the time of a first pull's reads).
-- A laptop drops them for its large pulls (`store::laptop::apply`).
CREATE INDEX daily_payments_by_rev ON daily_payments(rev, count, amount_fen);
DROP INDEX IF EXISTS daily_cards_by_rev;
CREATE INDEX daily_cards_by_rev ON daily_cards(rev, raw, valid);
DROP INDEX IF EXISTS daily_referrals_by_rev;
CREATE INDEX daily_referrals_by_rev ON daily_referrals(rev, count);
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

-- The month-totals triggers of migration 0010, unchanged.
CREATE TRIGGER daily_payments_month_insert AFTER INSERT ON daily_payments BEGIN
    INSERT INTO month_payments (month, station_id, category, days, count, amount_fen)
    VALUES (substr(NEW.day, 1, 7), NEW.station_id, NEW.category, 1, NEW.count, NEW.amount_fen)
    ON CONFLICT (month, station_id, category) DO UPDATE SET days = days + 1,
        count = count + excluded.count, amount_fen = amount_fen + excluded.amount_fen;
END;
-- The common update: the same day, station and category, a new figure.
CREATE TRIGGER daily_payments_month_update AFTER UPDATE OF day, station_id, category, count, amount_fen
    ON daily_payments
    WHEN (NEW.day, NEW.station_id, NEW.category) IS (OLD.day, OLD.station_id, OLD.category)
     AND (NEW.count, NEW.amount_fen) IS NOT (OLD.count, OLD.amount_fen) BEGIN
    UPDATE month_payments SET count = count + NEW.count - OLD.count,
        amount_fen = amount_fen + NEW.amount_fen - OLD.amount_fen
     WHERE month = substr(NEW.day, 1, 7) AND station_id = NEW.station_id AND category = NEW.category;
END;
-- A row moved to another key: out of the old total, into the new.
CREATE TRIGGER daily_payments_month_move AFTER UPDATE OF day, station_id, category, count, amount_fen
    ON daily_payments
    WHEN (NEW.day, NEW.station_id, NEW.category) IS NOT (OLD.day, OLD.station_id, OLD.category) BEGIN
    UPDATE month_payments SET days = days - 1, count = count - OLD.count, amount_fen = amount_fen - OLD.amount_fen
     WHERE month = substr(OLD.day, 1, 7) AND station_id = OLD.station_id AND category = OLD.category;
    DELETE FROM month_payments
     WHERE month = substr(OLD.day, 1, 7) AND station_id = OLD.station_id AND category = OLD.category AND days <= 0;
    INSERT INTO month_payments (month, station_id, category, days, count, amount_fen)
    VALUES (substr(NEW.day, 1, 7), NEW.station_id, NEW.category, 1, NEW.count, NEW.amount_fen)
    ON CONFLICT (month, station_id, category) DO UPDATE SET days = days + 1,
        count = count + excluded.count, amount_fen = amount_fen + excluded.amount_fen;
END;
CREATE TRIGGER daily_payments_month_delete AFTER DELETE ON daily_payments BEGIN
    UPDATE month_payments SET days = days - 1, count = count - OLD.count, amount_fen = amount_fen - OLD.amount_fen
     WHERE month = substr(OLD.day, 1, 7) AND station_id = OLD.station_id AND category = OLD.category;
    DELETE FROM month_payments
     WHERE month = substr(OLD.day, 1, 7) AND station_id = OLD.station_id AND category = OLD.category AND days <= 0;
END;

