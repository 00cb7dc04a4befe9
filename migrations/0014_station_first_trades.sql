-- Each station's first day with a payment and first day with a card
-- transaction (R16: a station is trading from its first trade), kept
-- beside the daily facts by triggers like the month totals (0010), so the
-- stations' lives are one read of a row per station instead of two index
-- seeks per station into the daily tables: 10,000 seeks were a third of
-- the county view's first frame (issue 14).
--
-- Same meaning as before: the earliest daily row of any count. A row is
-- made by the first fact of a station; a day earlier than the one kept
-- replaces it; deleting or moving the kept day seeks the next one. The
-- triggers belong with the month totals' (`store::month_totals` sets them
-- aside for a large pull and rebuilds this table with the totals), and a
-- reader uses this table only while the totals are marked fresh.

CREATE TABLE station_first_trades (
    station_id    TEXT PRIMARY KEY,
    first_payment TEXT,
    first_card    TEXT
) WITHOUT ROWID;

CREATE TRIGGER daily_payments_first_insert AFTER INSERT ON daily_payments
    WHEN NOT EXISTS (SELECT 1 FROM station_first_trades
                      WHERE station_id = NEW.station_id AND first_payment <= NEW.day) BEGIN
    INSERT INTO station_first_trades (station_id, first_payment) VALUES (NEW.station_id, NEW.day)
    ON CONFLICT (station_id) DO UPDATE SET first_payment = excluded.first_payment;
END;

CREATE TRIGGER daily_payments_first_delete AFTER DELETE ON daily_payments
    WHEN OLD.day = (SELECT first_payment FROM station_first_trades WHERE station_id = OLD.station_id) BEGIN
    UPDATE station_first_trades
       SET first_payment = (SELECT min(day) FROM daily_payments WHERE station_id = OLD.station_id)
     WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER daily_payments_first_move AFTER UPDATE OF day, station_id ON daily_payments
    WHEN (NEW.day, NEW.station_id) IS NOT (OLD.day, OLD.station_id) BEGIN
    UPDATE station_first_trades
       SET first_payment = (SELECT min(day) FROM daily_payments WHERE station_id = OLD.station_id)
     WHERE station_id = OLD.station_id AND first_payment = OLD.day;
    INSERT INTO station_first_trades (station_id, first_payment)
        SELECT NEW.station_id, NEW.day
         WHERE NOT EXISTS (SELECT 1 FROM station_first_trades
                            WHERE station_id = NEW.station_id AND first_payment <= NEW.day)
    ON CONFLICT (station_id) DO UPDATE SET first_payment = excluded.first_payment;
END;

CREATE TRIGGER daily_cards_first_insert AFTER INSERT ON daily_cards
    WHEN NOT EXISTS (SELECT 1 FROM station_first_trades
                      WHERE station_id = NEW.station_id AND first_card <= NEW.day) BEGIN
    INSERT INTO station_first_trades (station_id, first_card) VALUES (NEW.station_id, NEW.day)
    ON CONFLICT (station_id) DO UPDATE SET first_card = excluded.first_card;
END;

CREATE TRIGGER daily_cards_first_delete AFTER DELETE ON daily_cards
    WHEN OLD.day = (SELECT first_card FROM station_first_trades WHERE station_id = OLD.station_id) BEGIN
    UPDATE station_first_trades
       SET first_card = (SELECT min(day) FROM daily_cards WHERE station_id = OLD.station_id)
     WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER daily_cards_first_move AFTER UPDATE OF day, station_id ON daily_cards
    WHEN (NEW.day, NEW.station_id) IS NOT (OLD.day, OLD.station_id) BEGIN
    UPDATE station_first_trades
       SET first_card = (SELECT min(day) FROM daily_cards WHERE station_id = OLD.station_id)
     WHERE station_id = OLD.station_id AND first_card = OLD.day;
    INSERT INTO station_first_trades (station_id, first_card)
        SELECT NEW.station_id, NEW.day
         WHERE NOT EXISTS (SELECT 1 FROM station_first_trades
                            WHERE station_id = NEW.station_id AND first_card <= NEW.day)
    ON CONFLICT (station_id) DO UPDATE SET first_card = excluded.first_card;
END;

-- One seek per registered station and table (the stations' lives are
-- read for registered stations only).
INSERT INTO station_first_trades (station_id, first_payment, first_card)
    SELECT id, p, c FROM (
        SELECT id,
               (SELECT min(day) FROM daily_payments WHERE station_id = stations.id) AS p,
               (SELECT min(day) FROM daily_cards WHERE station_id = stations.id) AS c
          FROM stations)
     WHERE p IS NOT NULL OR c IS NOT NULL;
