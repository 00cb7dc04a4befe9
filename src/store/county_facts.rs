//! What the county rules read besides the daily facts (R15, R16): each
//! station's monthly plan and distribution sales, its payments summed per
//! month, and the dates of its life. Sums counts and fen only.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{Store, StoreError};
use crate::month::{parse_date, Month};
use crate::policy::lifecycle::StationLife;

/// One station's plan for a month, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanFen {
    pub collection_target: i64,
    pub distribution_target: i64,
}

/// One station's bill payments of a month: every category, summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MonthPayments {
    pub count: u64,
    pub fen: i64,
}

fn bad_date(table: &'static str, column: &'static str, value: String) -> StoreError {
    StoreError::BadValue { table, column, value }
}

fn opt_date(text: Option<String>, table: &'static str, column: &'static str) -> Result<Option<NaiveDate>, StoreError> {
    text.map(|t| parse_date(&t).map_err(|_| bad_date(table, column, t)))
        .transpose()
}

impl Store {
    /// Every station's plan for `month` (stations without one are absent).
    pub fn station_plans(&self, month: Month) -> Result<HashMap<String, PlanFen>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT station_id, collection_target_fen, distribution_target_fen FROM station_plans WHERE month = ?1",
        )?;
        let rows = stmt.query_map([month.to_string()], |r| {
            Ok((
                r.get(0)?,
                PlanFen {
                    collection_target: r.get(1)?,
                    distribution_target: r.get(2)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every station's distribution sales in `month`, in fen.
    pub fn distribution_sales(&self, month: Month) -> Result<HashMap<String, i64>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT station_id, amount_fen FROM distribution_sales WHERE month = ?1")?;
        let rows = stmt.query_map([month.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every station's bill payments in `month` (all categories, all days).
    pub fn month_payments(&self, month: Month) -> Result<HashMap<String, MonthPayments>, StoreError> {
        // From the totals, or from the days while they are stale.
        let sql = if self.month_totals_fresh()? {
            "SELECT station_id, sum(count), sum(amount_fen) FROM month_payments
             WHERE month = ?1 GROUP BY station_id"
        } else {
            "SELECT station_id, sum(count), sum(amount_fen) FROM daily_payments
             WHERE day BETWEEN ?1 || '-01' AND ?1 || '-31' GROUP BY station_id"
        };
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map([month.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                MonthPayments {
                    count: r.get(1)?,
                    fen: r.get(2)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every station's life (R16): signing and installation from the
    /// registry (the opening date when no installation date is given),
    /// its first day with a payment or card transaction, and its status.
    ///
    /// A county's month asks for them three times (the report's new
    /// stations, the watchlist's, the funnel) and each read is 10,000
    /// index seeks: they are read again only when the database changed
    /// since (a write on this connection, or a commit on another).
    pub fn station_lives(&self) -> Result<Vec<(String, StationLife)>, StoreError> {
        let state = self.database_state()?;
        if let Some(read) = self.lives.borrow().as_ref().filter(|read| read.state == state) {
            return Ok(read.lives.clone());
        }
        let lives = self.read_station_lives()?;
        *self.lives.borrow_mut() = Some(LivesRead {
            state,
            lives: lives.clone(),
        });
        Ok(lives)
    }

    /// What changes whenever the database does: SQLite's data version
    /// (commits of other connections) and this connection's count of rows
    /// written (its own writes, committed or not).
    fn database_state(&self) -> Result<(i64, u64), StoreError> {
        let version = self.conn().query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok((version, self.conn().total_changes()))
    }

    fn read_station_lives(&self) -> Result<Vec<(String, StationLife)>, StoreError> {
        // The first trades are kept per station (migration 0014) while the
        // month totals are fresh; during a large pull, read from the days,
        // each table once (a laptop keeps no index by station).
        let sql = if self.month_totals_fresh()? {
            "SELECT id, signed_on, coalesce(installed_on, opened_on), status, closed_on,
                    f.first_payment, f.first_card
             FROM stations LEFT JOIN station_first_trades f ON f.station_id = stations.id ORDER BY id"
        } else {
            "SELECT id, signed_on, coalesce(installed_on, opened_on), status, closed_on, p.first, c.first
             FROM stations
             LEFT JOIN (SELECT station_id, min(day) AS first FROM daily_payments GROUP BY station_id) AS p
                    ON p.station_id = stations.id
             LEFT JOIN (SELECT station_id, min(day) AS first FROM daily_cards GROUP BY station_id) AS c
                    ON c.station_id = stations.id
             ORDER BY id"
        };
        let mut stmt = self.conn().prepare(sql)?;
        let mut rows = stmt.query([])?;
        let mut lives = Vec::new();
        while let Some(r) = rows.next()? {
            lives.push((
                r.get(0)?,
                station_life(LifeColumns {
                    signed_on: r.get(1)?,
                    installed_on: r.get(2)?,
                    status: r.get(3)?,
                    closed_on: r.get(4)?,
                    first_payment: r.get(5)?,
                    first_card: r.get(6)?,
                })?,
            ));
        }
        Ok(lives)
    }
}

/// The stations' lives as last read, and the database's state then.
pub(crate) struct LivesRead {
    state: (i64, u64),
    lives: Vec<(String, StationLife)>,
}

/// A station's life as its query reads it (every backend's the same
/// columns): dates as text.
pub(crate) struct LifeColumns {
    pub signed_on: Option<String>,
    pub installed_on: Option<String>,
    pub status: String,
    pub closed_on: Option<String>,
    pub first_payment: Option<String>,
    pub first_card: Option<String>,
}

/// A station's life (R16) from its columns: the first trade is the
/// earlier of its first payment and its first card transaction.
pub(crate) fn station_life(c: LifeColumns) -> Result<StationLife, StoreError> {
    let first_payment = opt_date(c.first_payment, "daily_payments", "day")?;
    let first_card = opt_date(c.first_card, "daily_cards", "day")?;
    let first_trade = match (first_payment, first_card) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Ok(StationLife {
        signed_on: opt_date(c.signed_on, "stations", "signed_on")?,
        installed_on: opt_date(c.installed_on, "stations", "installed_on")?,
        first_trade,
        suspended: c.status == "suspended",
        closed: c.status == "closed",
        closed_on: opt_date(c.closed_on, "stations", "closed_on")?,
    })
}
