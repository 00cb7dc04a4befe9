-- The stations' first trades (0014) kept without the per-station indexes
-- of the daily facts (issue 14). A laptop's large pull no longer builds
-- those indexes: a quarter of a county's first pull went to them, and a
-- laptop reads a station's days by seeking each calendar day of the
-- month in the tables' own (day-first) order instead.
--
-- 0014 sought a station's next first day with `min(day) … WHERE
-- station_id = ?`, which without the index reads the whole table. When
-- the kept first day goes, every other row of the station is on that day
-- or later: the same day is found by walking the days forward from it and
-- stopping at the station's first row (one seek through the per-station
-- index where there is one). The rebuild reads each table once, grouped
-- by station, instead of seeking each station.
--
-- Same meaning as 0014 wherever the kept first day is the station's
-- earliest (always, for a registered station: 0014 rebuilt only those,
-- and its triggers kept them so). `store::month_totals` takes each
-- trigger and rebuild from the latest migration that states it.

-- A file a killed large pull left has its totals set aside, and these
-- triggers dropped: the next sync puts them all back (from the latest
-- migration) and rebuilds the totals.
DROP TRIGGER IF EXISTS daily_payments_first_delete;
DROP TRIGGER IF EXISTS daily_payments_first_move;
DROP TRIGGER IF EXISTS daily_cards_first_delete;
DROP TRIGGER IF EXISTS daily_cards_first_move;

CREATE TRIGGER daily_payments_first_delete AFTER DELETE ON daily_payments
    WHEN OLD.day = (SELECT first_payment FROM station_first_trades WHERE station_id = OLD.station_id) BEGIN
    UPDATE station_first_trades
       SET first_payment = (SELECT day FROM daily_payments
                             WHERE day >= OLD.day AND station_id = OLD.station_id ORDER BY day LIMIT 1)
     WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER daily_payments_first_move AFTER UPDATE OF day, station_id ON daily_payments
    WHEN (NEW.day, NEW.station_id) IS NOT (OLD.day, OLD.station_id) BEGIN
    UPDATE station_first_trades
       SET first_payment = (SELECT day FROM daily_payments
                             WHERE day >= OLD.day AND station_id = OLD.station_id ORDER BY day LIMIT 1)
     WHERE station_id = OLD.station_id AND first_payment = OLD.day;
    INSERT INTO station_first_trades (station_id, first_payment)
        SELECT NEW.station_id, NEW.day
         WHERE NOT EXISTS (SELECT 1 FROM station_first_trades
                            WHERE station_id = NEW.station_id AND first_payment <= NEW.day)
    ON CONFLICT (station_id) DO UPDATE SET first_payment = excluded.first_payment;
END;

CREATE TRIGGER daily_cards_first_delete AFTER DELETE ON daily_cards
    WHEN OLD.day = (SELECT first_card FROM station_first_trades WHERE station_id = OLD.station_id) BEGIN
    UPDATE station_first_trades
       SET first_card = (SELECT day FROM daily_cards
                          WHERE day >= OLD.day AND station_id = OLD.station_id ORDER BY day LIMIT 1)
     WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER daily_cards_first_move AFTER UPDATE OF day, station_id ON daily_cards
    WHEN (NEW.day, NEW.station_id) IS NOT (OLD.day, OLD.station_id) BEGIN
    UPDATE station_first_trades
       SET first_card = (SELECT day FROM daily_cards
                          WHERE day >= OLD.day AND station_id = OLD.station_id ORDER BY day LIMIT 1)
     WHERE station_id = OLD.station_id AND first_card = OLD.day;
    INSERT INTO station_first_trades (station_id, first_card)
        SELECT NEW.station_id, NEW.day
         WHERE NOT EXISTS (SELECT 1 FROM station_first_trades
                            WHERE station_id = NEW.station_id AND first_card <= NEW.day)
    ON CONFLICT (station_id) DO UPDATE SET first_card = excluded.first_card;
END;

-- The rebuild a reading back of the totals runs (the table is emptied
-- first); here it recomputes what 0014 wrote, the same rows.
DELETE FROM station_first_trades;
INSERT INTO station_first_trades (station_id, first_payment, first_card)
    SELECT station_id, min(p), min(c) FROM (
        SELECT station_id, min(day) AS p, NULL AS c FROM daily_payments GROUP BY station_id
        UNION ALL
        SELECT station_id, NULL, min(day) FROM daily_cards GROUP BY station_id)
     WHERE station_id IN (SELECT id FROM stations)
     GROUP BY station_id;
