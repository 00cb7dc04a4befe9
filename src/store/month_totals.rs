//! Month totals (migration 0010): each station's month of payments per
//! category, of card transactions and of referrals per kind, kept beside
//! the daily facts by triggers. A whole month is read from them instead of
//! summed from its days; they hold the counts and fen its days sum to, so
//! every figure is the same (tests/month_totals.rs checks both ways).

use std::collections::BTreeSet;

use rusqlite::{params, CachedStatement, Connection};

use super::county_read::{visit_fact_reads, FactRow};
use super::{Store, StoreError};
use crate::month::{parse_date, Month};

/// The three total tables' reads of one month, of one station when the
/// statements are prepared with `AND station_id = ?2`.
struct TotalReads<'c> {
    payments: CachedStatement<'c>,
    cards: CachedStatement<'c>,
    referrals: CachedStatement<'c>,
}

/// The totals' triggers and their rebuild, as migration 0010 writes them:
/// a large pull drops and restores exactly these.
const MIGRATION: &str = include_str!("../../migrations/0010_month_totals.sql");

/// Each `CREATE TRIGGER … END;` of the migration, with its name.
fn triggers() -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    let mut rest = MIGRATION;
    while let Some(start) = rest.find("CREATE TRIGGER ") {
        let from = &rest[start..];
        let Some(end) = from.find("\nEND;") else { break };
        let sql = &from[..end + "\nEND;".len()];
        let name = sql["CREATE TRIGGER ".len()..]
            .split_whitespace()
            .next()
            .unwrap_or_default();
        out.push((name, sql));
        rest = &from[end..];
    }
    out
}

/// The migration's three `INSERT INTO month_… SELECT … GROUP BY …;`.
fn rebuilds() -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut rest = MIGRATION;
    while let Some(start) = rest.find("INSERT INTO month_") {
        let from = &rest[start..];
        let Some(end) = from.find(';') else { break };
        // Only the top-level rebuilds: the triggers' inserts have VALUES.
        let sql = &from[..=end];
        if sql.contains("GROUP BY") {
            out.push(sql);
        }
        rest = &from[end..];
    }
    out
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
    pub fn suspend_month_totals(&self) -> Result<(), StoreError> {
        let tx = self.conn().unchecked_transaction()?;
        for (name, _) in triggers() {
            tx.execute_batch(&format!("DROP TRIGGER IF EXISTS {name}"))?;
        }
        tx.execute("UPDATE month_totals_state SET fresh = 0 WHERE id = 1", [])?;
        tx.commit()?;
        Ok(())
    }

    /// After a large pull (and at the start of a sync, in case one was
    /// killed): the totals rebuilt from the days, their triggers back, and
    /// marked fresh, in one transaction. Nothing to do when they are fresh.
    pub fn resume_month_totals(&self) -> Result<(), StoreError> {
        if self.month_totals_fresh()? {
            return Ok(());
        }
        let tx = self.conn().unchecked_transaction()?;
        for (name, sql) in triggers() {
            tx.execute_batch(&format!("DROP TRIGGER IF EXISTS {name}"))?;
            tx.execute_batch(sql)?;
        }
        for table in ["month_payments", "month_cards", "month_referrals"] {
            tx.execute_batch(&format!("DELETE FROM {table}"))?;
        }
        for sql in rebuilds() {
            tx.execute_batch(sql)?;
        }
        tx.execute("UPDATE month_totals_state SET fresh = 1 WHERE id = 1", [])?;
        tx.commit()?;
        Ok(())
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
