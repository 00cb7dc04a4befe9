//! Month totals (migration 0010): each station's month of payments per
//! category, of card transactions and of referrals per kind, kept beside
//! the daily facts by triggers. A whole month is read from them instead of
//! summed from its days; they hold the counts and fen its days sum to, so
//! every figure is the same (tests/month_totals.rs checks both ways).

use std::collections::BTreeSet;

use rusqlite::{params, CachedStatement};

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

impl Store {
    /// The month whose totals are exactly the daily facts from `first` to
    /// `last` (`YYYY-MM-DD`): `first` is its first day, `last` one of its
    /// days, and no fact lies after `last` in it. `None` for any other
    /// range (a projection's earlier day with later facts, two months):
    /// those are summed from the days.
    pub(crate) fn whole_month_of(&self, first: &str, last: &str) -> Result<Option<Month>, StoreError> {
        let (Ok(first_day), Ok(last_day)) = (parse_date(first), parse_date(last)) else {
            return Ok(None);
        };
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
