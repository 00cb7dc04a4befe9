//! Month totals (migration 0010): each station's month of payments per
//! category, of card transactions and of referrals per kind, kept beside
//! the daily facts by triggers. A whole month is read from them instead of
//! summed from its days; they hold the counts and fen its days sum to, so
//! every figure is the same (tests/month_totals.rs checks both ways).

use std::collections::{BTreeSet, HashMap};

use rusqlite::{params, CachedStatement, Connection, ToSql};

use super::county_read::{visit_fact_reads, FactRow};
use super::laptop::PulledTotals;
use super::multi_row::insert_rows;
use super::{Store, StoreError};
use crate::month::{parse_date, Month};

/// The three total tables' reads of one month, of one station when the
/// statements are prepared with `AND station_id = ?2`.
struct TotalReads<'c> {
    payments: CachedStatement<'c>,
    cards: CachedStatement<'c>,
    referrals: CachedStatement<'c>,
}

/// The migrations whose triggers keep tables beside the daily facts and
/// whose top-level inserts rebuild them: the month totals (0010) and the
/// stations' first trades (0014, restated by 0015). A large pull drops
/// and restores exactly these triggers and rebuilds exactly these tables,
/// each as the latest of these migrations states it.
const MIGRATIONS: [&str; 3] = [
    include_str!("../../migrations/0010_month_totals.sql"),
    include_str!("../../migrations/0014_station_first_trades.sql"),
    include_str!("../../migrations/0015_first_trades_by_day.sql"),
];

/// `items` by name, each as the last of them states it, in the order the
/// names first come.
fn latest_by_name(items: impl Iterator<Item = (&'static str, &'static str)>) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&'static str, &'static str)> = Vec::new();
    for (name, sql) in items {
        match out.iter_mut().find(|(known, _)| *known == name) {
            Some(known) => known.1 = sql,
            None => out.push((name, sql)),
        }
    }
    out
}

/// Each `CREATE TRIGGER … END;` of `sql`, with its name, and the text
/// around them.
fn split_triggers(sql: &'static str) -> (Vec<(&'static str, &'static str)>, Vec<&'static str>) {
    let mut triggers = Vec::new();
    let mut outside = Vec::new();
    let mut rest = sql;
    while let Some(start) = rest.find("CREATE TRIGGER ") {
        let from = &rest[start..];
        let Some(end) = from.find("\nEND;") else { break };
        let trigger = &from[..end + "\nEND;".len()];
        let name = trigger["CREATE TRIGGER ".len()..]
            .split_whitespace()
            .next()
            .unwrap_or_default();
        triggers.push((name, trigger));
        outside.push(&rest[..start]);
        rest = &from[trigger.len()..];
    }
    outside.push(rest);
    (triggers, outside)
}

/// Every kept table's trigger, with its name.
fn triggers() -> Vec<(&'static str, &'static str)> {
    latest_by_name(MIGRATIONS.iter().flat_map(|sql| split_triggers(sql).0))
}

/// Every kept table's rebuild in SQL (the migrations' top-level
/// `INSERT INTO … SELECT …;`, outside the triggers), with the table it fills.
fn rebuilds() -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    for sql in MIGRATIONS {
        for mut rest in split_triggers(sql).1 {
            while let Some(start) = rest.find("INSERT INTO ") {
                let from = &rest[start..];
                let Some(end) = from.find(';') else { break };
                let insert = &from[..=end];
                let table = insert["INSERT INTO ".len()..]
                    .split_whitespace()
                    .next()
                    .unwrap_or_default();
                out.push((table, insert));
                rest = &from[end..];
            }
        }
    }
    latest_by_name(out.into_iter())
}

/// A total table rebuilt in Rust after a large pull: the daily rows read
/// once in table order and summed in a hash map, as the migration's
/// `GROUP BY` sums them. SQLite sorts every row for that `GROUP BY` (half
/// a second of a county's 720,000 payments, of which reading the rows is
/// a sixth).
struct Rebuild {
    table: &'static str,
    /// Month, station[, category or kind], then the figures.
    select: &'static str,
    /// The table and its columns, as `INSERT INTO` names them: the key's,
    /// then days, then the figures.
    columns: &'static str,
    /// Columns of the key (month and station, and the category or kind).
    keys: usize,
    /// Figures summed after the key (at most two).
    figures: usize,
}

const REBUILDS: [Rebuild; 3] = [
    Rebuild {
        table: "month_payments",
        select: "SELECT substr(day, 1, 7), station_id, category, count, amount_fen FROM daily_payments",
        columns: "month_payments (month, station_id, category, days, count, amount_fen)",
        keys: 3,
        figures: 2,
    },
    Rebuild {
        table: "month_cards",
        select: "SELECT substr(day, 1, 7), station_id, raw, valid FROM daily_cards",
        columns: "month_cards (month, station_id, days, raw, valid)",
        keys: 2,
        figures: 2,
    },
    Rebuild {
        table: "month_referrals",
        select: "SELECT substr(day, 1, 7), station_id, kind, count FROM daily_referrals",
        columns: "month_referrals (month, station_id, kind, days, count)",
        keys: 3,
        figures: 1,
    },
];

/// A total to write: its key (month, station, and the category or kind;
/// `""` past the table's key columns), its days and its figures (`0` past
/// the table's figures).
pub(crate) type Total<'a> = ([&'a str; 3], i64, [i64; 2]);

/// Writes `totals` into the (emptied) total table `table`, in its key
/// order: each insert an append. Both rebuilds end here, the one read
/// back from the days and the one summed from a pull's rows.
pub(crate) fn write_totals(conn: &Connection, table: &str, totals: &mut [Total<'_>]) -> Result<(), StoreError> {
    // Callers name these tables by constants (`PulledTotals::TABLES`,
    // `REBUILDS`), never by input.
    let rebuild = REBUILDS
        .iter()
        .find(|r| r.table == table)
        .expect("a month totals table");
    totals.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let head = format!("INSERT INTO {} VALUES ", rebuild.columns);
    match (rebuild.keys, rebuild.figures) {
        (3, 2) => insert_rows(conn, &head, "", totals, |(k, days, f)| {
            [&k[0] as &dyn ToSql, &k[1], &k[2], days, &f[0], &f[1]]
        }),
        (2, 2) => insert_rows(conn, &head, "", totals, |(k, days, f)| {
            [&k[0] as &dyn ToSql, &k[1], days, &f[0], &f[1]]
        }),
        _ => insert_rows(conn, &head, "", totals, |(k, days, f)| {
            [&k[0] as &dyn ToSql, &k[1], &k[2], days, &f[0]]
        }),
    }
}

/// A key's columns in one string, each its length in bytes (as one
/// character) then its text: no separator a station id could hold.
/// `false` for a column too long to say so (the caller leaves it to SQL).
fn push_key_part(key: &mut String, part: &str) -> bool {
    let Some(len) = u32::try_from(part.len()).ok().and_then(char::from_u32) else {
        return false;
    };
    key.push(len);
    key.push_str(part);
    true
}

fn key_parts(key: &str) -> Vec<&str> {
    let mut parts = Vec::with_capacity(3);
    let mut rest = key;
    while let Some(len) = rest.chars().next() {
        let after = &rest[len.len_utf8()..];
        let Some(part) = after.get(..len as usize) else { break };
        parts.push(part);
        rest = &after[part.len()..];
    }
    parts
}

impl Rebuild {
    /// Fills the (emptied) total table; `false`, writing nothing, when a
    /// row holds what only SQL sums as SQL does (a text figure a sqlite3
    /// session stored, a sum past i64): the caller runs the migration's
    /// `GROUP BY` then.
    fn in_rust(&self, tx: &rusqlite::Connection) -> Result<bool, StoreError> {
        use rusqlite::types::ValueRef;
        let mut sums: HashMap<String, (i64, [i64; 2])> = HashMap::new();
        let mut key = String::new();
        let mut stmt = tx.prepare(self.select)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            key.clear();
            for i in 0..self.keys {
                let ValueRef::Text(part) = row.get_ref(i)? else {
                    return Ok(false);
                };
                let Ok(part) = std::str::from_utf8(part) else {
                    return Ok(false);
                };
                if !push_key_part(&mut key, part) {
                    return Ok(false);
                }
            }
            let mut figures = [0i64; 2];
            for (j, figure) in figures.iter_mut().enumerate().take(self.figures) {
                let ValueRef::Integer(value) = row.get_ref(self.keys + j)? else {
                    return Ok(false);
                };
                *figure = value;
            }
            match sums.get_mut(key.as_str()) {
                Some((days, totals)) => {
                    *days += 1;
                    for (total, figure) in totals.iter_mut().zip(figures) {
                        let Some(sum) = total.checked_add(figure) else {
                            return Ok(false);
                        };
                        *total = sum;
                    }
                }
                None => {
                    sums.insert(key.clone(), (1, figures));
                }
            }
        }
        let mut totals: Vec<Total<'_>> = sums
            .iter()
            .map(|(key, (days, figures))| {
                let mut parts = [""; 3];
                for (slot, part) in parts.iter_mut().zip(key_parts(key)) {
                    *slot = part;
                }
                (parts, *days, *figures)
            })
            .collect();
        write_totals(tx, self.table, &mut totals)?;
        Ok(true)
    }
}

/// Adds to the month totals what a write with the triggers set aside
/// added to the days (an import, `store::import::sqlite`):
/// `(month, station, category)` → (daily rows that were new, count, fen).
/// Exactly what the insert and update triggers would have added up to.
pub(crate) fn add_month_payments<'a>(
    conn: &Connection,
    sums: impl IntoIterator<Item = ((Month, &'a str, &'a str), (i64, i64, i64))>,
) -> Result<(), StoreError> {
    let mut add = conn.prepare_cached(
        "INSERT INTO month_payments (month, station_id, category, days, count, amount_fen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (month, station_id, category) DO UPDATE SET days = days + excluded.days,
             count = count + excluded.count, amount_fen = amount_fen + excluded.amount_fen",
    )?;
    for ((month, station, category), (days, count, fen)) in sums {
        add.execute(params![month.to_string(), station, category, days, count, fen])?;
    }
    Ok(())
}

/// Keeps the stations' first payment days (migration 0014) for a write
/// with the triggers set aside: `firsts` is each station's earliest daily
/// row that write made new. What the insert trigger would have kept.
pub(crate) fn add_first_payments<'a>(
    conn: &Connection,
    firsts: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), StoreError> {
    let mut keep = conn.prepare_cached(
        "INSERT INTO station_first_trades (station_id, first_payment) VALUES (?1, ?2)
         ON CONFLICT (station_id) DO UPDATE SET first_payment = excluded.first_payment
             WHERE first_payment IS NULL OR excluded.first_payment < first_payment",
    )?;
    for (station, day) in firsts {
        keep.execute(params![station, day])?;
    }
    Ok(())
}

impl Store {
    /// Whether the month totals hold what the days sum to (see migration
    /// 0011): when not, every reader sums the days.
    pub(crate) fn month_totals_fresh(&self) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT fresh FROM month_totals_state WHERE id = 1")?
            .query_row([], |r| r.get::<_, i64>(0))?
            == 1)
    }

    /// For a large pull: the totals stop following the daily facts (their
    /// triggers are dropped) and are marked stale, in one transaction.
    /// Returns the sums to keep of the pulled rows when the replica holds
    /// no daily facts yet (`PulledTotals`), for `resume_month_totals_with`.
    pub fn suspend_month_totals(&self) -> Result<Option<PulledTotals>, StoreError> {
        let tx = self.conn().unchecked_transaction()?;
        for (name, _) in triggers() {
            tx.execute_batch(&format!("DROP TRIGGER IF EXISTS {name}"))?;
        }
        tx.execute("UPDATE month_totals_state SET fresh = 0 WHERE id = 1", [])?;
        // Inside the write transaction: the look at the daily tables and
        // the file's `data_version` are of one state of the file, and any
        // later commit of another connection changes that version.
        let pulled = PulledTotals::begin(&tx)?;
        tx.commit()?;
        Ok(pulled)
    }

    /// After a large pull (and at the start of a sync, in case one was
    /// killed): the totals rebuilt from the days, their triggers back, and
    /// marked fresh, in one transaction. Nothing to do when they are fresh.
    pub fn resume_month_totals(&self) -> Result<(), StoreError> {
        self.resume_month_totals_with(None).map(|_| ())
    }

    /// `resume_month_totals`, taking the totals from `pulled` (the sums of
    /// a large pull's rows) when they are still exactly what the days sum
    /// to, and from the days otherwise. `true` when they came from
    /// `pulled`.
    pub fn resume_month_totals_with(&self, pulled: Option<&PulledTotals>) -> Result<bool, StoreError> {
        if self.month_totals_fresh()? {
            return Ok(false);
        }
        let tx = self.conn().unchecked_transaction()?;
        for (name, sql) in triggers() {
            tx.execute_batch(&format!("DROP TRIGGER IF EXISTS {name}"))?;
            tx.execute_batch(sql)?;
        }
        // Only when the sums cover every kept table (a migration adding
        // one to `MIGRATIONS` must teach `PulledTotals` to sum it too).
        let rebuilds = rebuilds();
        let covered = rebuilds.iter().all(|(table, _)| PulledTotals::TABLES.contains(table));
        let exact = match pulled {
            Some(pulled) if covered && pulled.still_exact(&tx)? => Some(pulled),
            _ => None,
        };
        for (table, sql) in rebuilds {
            tx.execute_batch(&format!("DELETE FROM {table}"))?;
            if exact.is_some() {
                continue;
            }
            let in_rust = match REBUILDS.iter().find(|r| r.table == table) {
                Some(rebuild) => rebuild.in_rust(&tx)?,
                None => false,
            };
            if !in_rust {
                tx.execute_batch(sql)?;
            }
        }
        if let Some(pulled) = exact {
            pulled.write(&tx)?;
        }
        tx.execute("UPDATE month_totals_state SET fresh = 1 WHERE id = 1", [])?;
        tx.commit()?;
        Ok(exact.is_some())
    }

    /// The month whose totals are exactly the daily facts from `first` to
    /// `last` (`YYYY-MM-DD`): `first` is its first day, `last` one of its
    /// days, and no fact lies after `last` in it. `None` for any other
    /// range (a projection's earlier day with later facts, two months):
    /// those are summed from the days.
    pub(crate) fn whole_month_of(&self, first: &str, last: &str) -> Result<Option<Month>, StoreError> {
        let (Ok(first_day), Ok(last_day)) = (parse_date(first), parse_date(last)) else {
            return Ok(None);
        };
        if !self.month_totals_fresh()? {
            return Ok(None);
        }
        let month = Month::of(first_day);
        if first_day != month.first_day() || Month::of(last_day) != month {
            return Ok(None);
        }
        if last_day == month.last_day() {
            return Ok(Some(month));
        }
        let later: bool = self
            .conn()
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM daily_payments WHERE day > ?1 AND day <= ?2)
                     OR EXISTS (SELECT 1 FROM daily_cards WHERE day > ?1 AND day <= ?2)
                     OR EXISTS (SELECT 1 FROM daily_referrals WHERE day > ?1 AND day <= ?2)",
            )?
            .query_row(params![last, month.last_day().to_string()], |r| r.get(0))?;
        Ok((!later).then_some(month))
    }

    fn total_reads(&self, filter: &str) -> Result<TotalReads<'_>, StoreError> {
        Ok(TotalReads {
            payments: self.conn().prepare_cached(&format!(
                "SELECT station_id, category, count, amount_fen FROM month_payments WHERE month = ?1{filter}"
            ))?,
            cards: self.conn().prepare_cached(&format!(
                "SELECT station_id, raw, valid FROM month_cards WHERE month = ?1{filter}"
            ))?,
            referrals: self.conn().prepare_cached(&format!(
                "SELECT station_id, kind, count FROM month_referrals WHERE month = ?1{filter}"
            ))?,
        })
    }

    /// A month's totals handed out as `CountyRead::fact_rows` hands out
    /// daily rows (here one row per station and category, card, or
    /// referral kind): of `stations` only when given.
    pub(crate) fn month_total_rows(
        &self,
        month: Month,
        stations: Option<&[String]>,
        visit: &mut dyn FnMut(FactRow<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let month = month.to_string();
        match stations {
            None => {
                let mut reads = self.total_reads("")?;
                visit_totals(&mut reads, &month, None, visit)
            }
            Some(ids) => {
                let mut reads = self.total_reads(" AND station_id = ?2")?;
                for id in ids {
                    visit_totals(&mut reads, &month, Some(id), visit)?;
                }
                Ok(())
            }
        }
    }

    /// The months that hold any payment or card figures, oldest first (the
    /// dashboard pages through these and no others). One index seek per
    /// month rather than a read of every row.
    pub fn months_with_figures(&self) -> Result<Vec<Month>, StoreError> {
        let mut months = BTreeSet::new();
        if !self.month_totals_fresh()? {
            let mut stmt = self.conn().prepare(
                "SELECT substr(day, 1, 7) FROM daily_payments UNION SELECT substr(day, 1, 7) FROM daily_cards",
            )?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            for row in rows {
                if let Ok(month) = row?.parse::<Month>() {
                    months.insert(month);
                }
            }
            return Ok(months.into_iter().collect());
        }
        for table in ["month_payments", "month_cards"] {
            let mut stmt = self
                .conn()
                .prepare_cached(&format!("SELECT min(month) FROM {table} WHERE month > ?1"))?;
            let mut after = String::new();
            while let Some(month) = stmt.query_row([&after], |r| r.get::<_, Option<String>>(0))? {
                if let Ok(m) = month.parse::<Month>() {
                    months.insert(m);
                }
                after = month;
            }
        }
        Ok(months.into_iter().collect())
    }
}

fn visit_totals(
    reads: &mut TotalReads<'_>,
    month: &str,
    station: Option<&str>,
    visit: &mut dyn FnMut(FactRow<'_>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    for stmt in [&mut reads.payments, &mut reads.cards, &mut reads.referrals] {
        stmt.raw_bind_parameter(1, month)?;
        if let Some(id) = station {
            stmt.raw_bind_parameter(2, id)?;
        }
    }
    visit_fact_reads(
        [
            reads.payments.raw_query(),
            reads.cards.raw_query(),
            reads.referrals.raw_query(),
        ],
        visit,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pulled_sums_cover_every_kept_table() {
        let mut kept: Vec<&str> = rebuilds().into_iter().map(|(table, _)| table).collect();
        kept.sort_unstable();
        let mut summed = PulledTotals::TABLES.to_vec();
        summed.sort_unstable();
        assert_eq!(kept, summed);
    }

    /// A large pull puts back each trigger as the migrations left it: a
    /// later migration's restatement (0015's first trades), not the first.
    #[test]
    fn resumed_totals_have_the_triggers_and_rebuilds_the_migrations_left() {
        let store = Store::open_in_memory().unwrap();
        let schema = |store: &Store| -> Vec<(String, String)> {
            let mut stmt = store
                .conn()
                .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
                .unwrap();
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
            rows.map(Result::unwrap).collect()
        };
        let migrated = schema(&store);
        assert!(store.suspend_month_totals().unwrap().is_some());
        assert!(schema(&store).len() < migrated.len());
        store.resume_month_totals().unwrap();
        assert_eq!(schema(&store), migrated);
        let first_trades = rebuilds()
            .into_iter()
            .filter(|(table, _)| *table == "station_first_trades")
            .map(|(_, sql)| sql)
            .collect::<Vec<_>>();
        assert_eq!(first_trades.len(), 1);
        assert!(first_trades[0].contains("GROUP BY station_id"), "{}", first_trades[0]);
    }

    #[test]
    fn a_keys_columns_come_back_whole_whatever_they_hold() {
        let mut key = String::new();
        for part in ["2026-10", "S:1:2", "", "类别9"] {
            assert!(push_key_part(&mut key, part));
        }
        assert_eq!(key_parts(&key), ["2026-10", "S:1:2", "", "类别9"]);
    }

    #[test]
    fn a_text_figure_leaves_the_sums_to_sql() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.conn();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO daily_referrals (station_id, day, kind, count) VALUES ('S1', '2026-10-01', 'k', 2),
                 ('S1', '2026-10-02', 'k', 3), ('S1', '2026-11-01', 'k', 1);
             DELETE FROM month_referrals;",
        )
        .unwrap();
        assert!(REBUILDS[2].in_rust(conn).unwrap());
        let rows = |conn: &rusqlite::Connection| -> Vec<(String, i64, i64)> {
            let mut stmt = conn
                .prepare("SELECT month, days, count FROM month_referrals ORDER BY month")
                .unwrap();
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
            rows.map(Result::unwrap).collect()
        };
        assert_eq!(
            rows(conn),
            [("2026-10".to_string(), 2, 5), ("2026-11".to_string(), 1, 1)]
        );
        conn.execute_batch(
            "DELETE FROM month_referrals; UPDATE daily_referrals SET count = 'many' WHERE day = '2026-10-01';",
        )
        .unwrap();
        assert!(!REBUILDS[2].in_rust(conn).unwrap());
        assert!(rows(conn).is_empty(), "nothing written before giving up");
    }
}
