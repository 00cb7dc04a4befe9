-- Month totals beside the daily facts (issue 14): each station's month of
-- each payment category, of card transactions and of each referral kind,
-- so that a whole month is read (25,000 rows for a county) rather than
-- summed from half a million daily rows. They are counts and fen only,
-- summed exactly as `store::facts::month_facts` sums the days; the policy
-- engine still computes every yuan from them. R1 (the per-card daily cap)
-- is applied per day when cards are imported (`daily_cards.valid`), so a
-- month's (raw, valid) is the plain sum of its days'.
--
-- Kept right by triggers on the daily tables, so every writer (imports,
-- the laptop's pulls and sweeps, the demo, deletes, a sqlite3 session)
-- keeps them without knowing of them. `days` counts the daily rows under
-- a total: a total exists exactly when a daily row does (a daily row of
-- count 0 still makes its category appear, as it does when summed), and
-- is deleted with the last one. The update triggers name only the fact
-- columns, so the revision triggers' `SET rev` does not fire them.
-- Months are `YYYY-MM` (the first seven characters of the day).

CREATE TABLE month_payments (
    month      TEXT NOT NULL,
    station_id TEXT NOT NULL,
    category   TEXT NOT NULL,
    days       INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    PRIMARY KEY (month, station_id, category)
) WITHOUT ROWID;

CREATE TABLE month_cards (
    month      TEXT NOT NULL,
    station_id TEXT NOT NULL,
    days       INTEGER NOT NULL,
    raw        INTEGER NOT NULL,
    valid      INTEGER NOT NULL,
    PRIMARY KEY (month, station_id)
) WITHOUT ROWID;

CREATE TABLE month_referrals (
    month      TEXT NOT NULL,
    station_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    days       INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (month, station_id, kind)
) WITHOUT ROWID;

INSERT INTO month_payments (month, station_id, category, days, count, amount_fen)
    SELECT substr(day, 1, 7), station_id, category, count(*), sum(count), sum(amount_fen)
      FROM daily_payments GROUP BY 1, 2, 3;
INSERT INTO month_cards (month, station_id, days, raw, valid)
    SELECT substr(day, 1, 7), station_id, count(*), sum(raw), sum(valid)
      FROM daily_cards GROUP BY 1, 2;
INSERT INTO month_referrals (month, station_id, kind, days, count)
    SELECT substr(day, 1, 7), station_id, kind, count(*), sum(count)
      FROM daily_referrals GROUP BY 1, 2, 3;

-- daily_payments
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

-- daily_cards
CREATE TRIGGER daily_cards_month_insert AFTER INSERT ON daily_cards BEGIN
    INSERT INTO month_cards (month, station_id, days, raw, valid)
    VALUES (substr(NEW.day, 1, 7), NEW.station_id, 1, NEW.raw, NEW.valid)
    ON CONFLICT (month, station_id) DO UPDATE SET days = days + 1,
        raw = raw + excluded.raw, valid = valid + excluded.valid;
END;
CREATE TRIGGER daily_cards_month_update AFTER UPDATE OF day, station_id, raw, valid ON daily_cards
    WHEN (NEW.day, NEW.station_id) IS (OLD.day, OLD.station_id)
     AND (NEW.raw, NEW.valid) IS NOT (OLD.raw, OLD.valid) BEGIN
    UPDATE month_cards SET raw = raw + NEW.raw - OLD.raw, valid = valid + NEW.valid - OLD.valid
     WHERE month = substr(NEW.day, 1, 7) AND station_id = NEW.station_id;
END;
CREATE TRIGGER daily_cards_month_move AFTER UPDATE OF day, station_id, raw, valid ON daily_cards
    WHEN (NEW.day, NEW.station_id) IS NOT (OLD.day, OLD.station_id) BEGIN
    UPDATE month_cards SET days = days - 1, raw = raw - OLD.raw, valid = valid - OLD.valid
     WHERE month = substr(OLD.day, 1, 7) AND station_id = OLD.station_id;
    DELETE FROM month_cards WHERE month = substr(OLD.day, 1, 7) AND station_id = OLD.station_id AND days <= 0;
    INSERT INTO month_cards (month, station_id, days, raw, valid)
    VALUES (substr(NEW.day, 1, 7), NEW.station_id, 1, NEW.raw, NEW.valid)
    ON CONFLICT (month, station_id) DO UPDATE SET days = days + 1,
        raw = raw + excluded.raw, valid = valid + excluded.valid;
END;
CREATE TRIGGER daily_cards_month_delete AFTER DELETE ON daily_cards BEGIN
    UPDATE month_cards SET days = days - 1, raw = raw - OLD.raw, valid = valid - OLD.valid
     WHERE month = substr(OLD.day, 1, 7) AND station_id = OLD.station_id;
    DELETE FROM month_cards WHERE month = substr(OLD.day, 1, 7) AND station_id = OLD.station_id AND days <= 0;
END;

-- daily_referrals
CREATE TRIGGER daily_referrals_month_insert AFTER INSERT ON daily_referrals BEGIN
    INSERT INTO month_referrals (month, station_id, kind, days, count)
    VALUES (substr(NEW.day, 1, 7), NEW.station_id, NEW.kind, 1, NEW.count)
    ON CONFLICT (month, station_id, kind) DO UPDATE SET days = days + 1, count = count + excluded.count;
END;
CREATE TRIGGER daily_referrals_month_update AFTER UPDATE OF day, station_id, kind, count ON daily_referrals
    WHEN (NEW.day, NEW.station_id, NEW.kind) IS (OLD.day, OLD.station_id, OLD.kind)
     AND NEW.count IS NOT OLD.count BEGIN
    UPDATE month_referrals SET count = count + NEW.count - OLD.count
     WHERE month = substr(NEW.day, 1, 7) AND station_id = NEW.station_id AND kind = NEW.kind;
END;
CREATE TRIGGER daily_referrals_month_move AFTER UPDATE OF day, station_id, kind, count ON daily_referrals
    WHEN (NEW.day, NEW.station_id, NEW.kind) IS NOT (OLD.day, OLD.station_id, OLD.kind) BEGIN
    UPDATE month_referrals SET days = days - 1, count = count - OLD.count
     WHERE month = substr(OLD.day, 1, 7) AND station_id = OLD.station_id AND kind = OLD.kind;
    DELETE FROM month_referrals
     WHERE month = substr(OLD.day, 1, 7) AND station_id = OLD.station_id AND kind = OLD.kind AND days <= 0;
    INSERT INTO month_referrals (month, station_id, kind, days, count)
    VALUES (substr(NEW.day, 1, 7), NEW.station_id, NEW.kind, 1, NEW.count)
    ON CONFLICT (month, station_id, kind) DO UPDATE SET days = days + 1, count = count + excluded.count;
END;
CREATE TRIGGER daily_referrals_month_delete AFTER DELETE ON daily_referrals BEGIN
    UPDATE month_referrals SET days = days - 1, count = count - OLD.count
     WHERE month = substr(OLD.day, 1, 7) AND station_id = OLD.station_id AND kind = OLD.kind;
    DELETE FROM month_referrals
     WHERE month = substr(OLD.day, 1, 7) AND station_id = OLD.station_id AND kind = OLD.kind AND days <= 0;
END;
