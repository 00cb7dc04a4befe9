//! What reading a county's figures asks of its database, whichever it is:
//! the SQLite store (here) or a PostgreSQL county database
//! (`server::db::postgres::county`). `facts::month_facts`, the report and
//! the county rules are written once over it, so a report from either
//! database is the same to the fen.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::dates::days_2_to_3;
use super::registry::{Branch, Person, Station};
use super::{Store, StoreError};
use crate::month::Month;
use crate::policy::lifecycle::StationLife;
use crate::records::{Resolution, Signoff};

/// One daily fact row of a month, as `fact_rows` hands them out.
#[derive(Debug, Clone, Copy)]
pub enum FactRow<'a> {
    Payment {
        station: &'a str,
        category: &'a str,
        count: i64,
        fen: i64,
    },
    Card {
        station: &'a str,
        raw: u64,
        valid: u64,
    },
    Referral {
        station: &'a str,
        kind: &'a str,
        count: u64,
    },
}

/// The reads of a county report.
pub trait CountyRead {
    /// A value of `meta`.
    fn meta(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Every person, ascending id.
    fn people(&self) -> Result<Vec<Person>, StoreError>;
    /// Every branch, ascending id.
    fn branches(&self) -> Result<Vec<Branch>, StoreError>;
    /// The maintainers of a branch, ascending id.
    fn branch_maintainers(&self, branch_id: &str) -> Result<Vec<String>, StoreError>;
    /// A branch's plan for a month.
    fn plan(&self, branch_id: &str, month: Month) -> Result<Option<u64>, StoreError>;
    /// Every station, ascending id.
    fn stations(&self) -> Result<Vec<Station>, StoreError>;
    /// The last day from `first` to `last` (`YYYY-MM-DD`) with a payment or
    /// card fact.
    fn latest_fact_day(&self, first: &str, last: &str) -> Result<Option<String>, StoreError>;
    /// Every daily fact from `first` to `last`, of `stations` only when
    /// given (a branch's report), in no particular order.
    fn fact_rows(
        &self,
        first: &str,
        last: &str,
        stations: Option<&[String]>,
        visit: &mut dyn FnMut(FactRow<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
    /// Every station's life (R16), ascending id.
    fn station_lives(&self) -> Result<Vec<(String, StationLife)>, StoreError>;
    /// The first day with a payment or card fact.
    fn first_fact_day(&self) -> Result<Option<NaiveDate>, StoreError>;
    /// The stations' sign-offs of a month's statements, by station.
    fn signoffs(&self, month: Month) -> Result<Vec<Signoff>, StoreError>;
    /// The county's resolutions of a month's disputes, by the sign-off
    /// they resolve.
    fn resolutions(&self, month: Month) -> Result<HashMap<String, Resolution>, StoreError>;
}

/// A text column read without copying it.
fn text(value: rusqlite::types::ValueRef<'_>) -> rusqlite::Result<&str> {
    value.as_str().map_err(rusqlite::Error::from)
}

/// Hands out the rows of three reads, each with the station first: of
/// payments (station, category, count, fen), cards (station, raw, valid)
/// and referrals (station, kind, count), daily rows or month totals alike.
pub(super) fn visit_fact_reads(
    [mut payments, mut cards, mut referrals]: [rusqlite::Rows<'_>; 3],
    visit: &mut dyn FnMut(FactRow<'_>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    while let Some(r) = payments.next()? {
        visit(FactRow::Payment {
            station: text(r.get_ref(0)?)?,
            category: text(r.get_ref(1)?)?,
            count: r.get(2)?,
            fen: r.get(3)?,
        })?;
    }
    while let Some(r) = cards.next()? {
        visit(FactRow::Card {
            station: text(r.get_ref(0)?)?,
            raw: r.get(1)?,
            valid: r.get(2)?,
        })?;
    }
    while let Some(r) = referrals.next()? {
        visit(FactRow::Referral {
            station: text(r.get_ref(0)?)?,
            kind: text(r.get_ref(1)?)?,
            count: r.get(2)?,
        })?;
    }
    Ok(())
}

/// A station's daily facts from `?2` through `?3`: payments (category,
/// count, fen), cards (raw, valid) and referrals (kind, count).
pub(crate) const STATION_FACT_READS: [&str; 3] = [
    concat!(
        days_2_to_3!(),
        "SELECT f.category, f.count, f.amount_fen FROM days CROSS JOIN daily_payments AS f
         WHERE f.day = days.day AND f.station_id = ?1"
    ),
    concat!(
        days_2_to_3!(),
        "SELECT f.raw, f.valid FROM days CROSS JOIN daily_cards AS f
         WHERE f.day = days.day AND f.station_id = ?1"
    ),
    concat!(
        days_2_to_3!(),
        "SELECT f.kind, f.count FROM days CROSS JOIN daily_referrals AS f
         WHERE f.day = days.day AND f.station_id = ?1"
    ),
];

impl CountyRead for Store {
    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Store::meta(self, key)
    }

    fn people(&self) -> Result<Vec<Person>, StoreError> {
        Store::people(self)
    }

    fn branches(&self) -> Result<Vec<Branch>, StoreError> {
        Store::branches(self)
    }

    fn branch_maintainers(&self, branch_id: &str) -> Result<Vec<String>, StoreError> {
        Store::branch_maintainers(self, branch_id)
    }

    fn plan(&self, branch_id: &str, month: Month) -> Result<Option<u64>, StoreError> {
        Store::plan(self, branch_id, month)
    }

    fn stations(&self) -> Result<Vec<Station>, StoreError> {
        Store::stations(self)
    }

    fn latest_fact_day(&self, first: &str, last: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT max(d) FROM (SELECT max(day) AS d FROM daily_payments WHERE day BETWEEN ?1 AND ?2
                                     UNION ALL SELECT max(day) FROM daily_cards WHERE day BETWEEN ?1 AND ?2)",
                params![first, last],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    fn fact_rows(
        &self,
        first: &str,
        last: &str,
        stations: Option<&[String]>,
        visit: &mut dyn FnMut(FactRow<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        // A whole month (or the month so far, with no later facts) is read
        // from its totals: the same sums, a twentieth of the rows.
        if let Some(month) = self.whole_month_of(first, last)? {
            return self.month_total_rows(month, stations, visit);
        }
        // A county month is half a million rows, read in day order (the
        // tables' order); a branch reads its own stations a seek per
        // station and day instead (`days_2_to_3`).
        let Some(stations) = stations else {
            let conn = self.conn();
            let mut payments = conn.prepare_cached(
                "SELECT station_id, category, count, amount_fen FROM daily_payments WHERE day BETWEEN ?1 AND ?2",
            )?;
            let mut cards =
                conn.prepare_cached("SELECT station_id, raw, valid FROM daily_cards WHERE day BETWEEN ?1 AND ?2")?;
            let mut referrals =
                conn.prepare_cached("SELECT station_id, kind, count FROM daily_referrals WHERE day BETWEEN ?1 AND ?2")?;
            return visit_fact_reads(
                [
                    payments.query(params![first, last])?,
                    cards.query(params![first, last])?,
                    referrals.query(params![first, last])?,
                ],
                visit,
            );
        };
        // The days are sought one by one from `first`: it must be one.
        debug_assert!(crate::wire::is_calendar_day(first), "{first}");
        let [payments, cards, referrals] = STATION_FACT_READS;
        let mut payments = self.conn().prepare_cached(payments)?;
        let mut cards = self.conn().prepare_cached(cards)?;
        let mut referrals = self.conn().prepare_cached(referrals)?;
        for id in stations {
            let mut rows = payments.query(params![id, first, last])?;
            while let Some(r) = rows.next()? {
                visit(FactRow::Payment {
                    station: id,
                    category: text(r.get_ref(0)?)?,
                    count: r.get(1)?,
                    fen: r.get(2)?,
                })?;
            }
            let mut rows = cards.query(params![id, first, last])?;
            while let Some(r) = rows.next()? {
                visit(FactRow::Card {
                    station: id,
                    raw: r.get(0)?,
                    valid: r.get(1)?,
                })?;
            }
            let mut rows = referrals.query(params![id, first, last])?;
            while let Some(r) = rows.next()? {
                visit(FactRow::Referral {
                    station: id,
                    kind: text(r.get_ref(0)?)?,
                    count: r.get(1)?,
                })?;
            }
        }
        Ok(())
    }

    fn station_lives(&self) -> Result<Vec<(String, StationLife)>, StoreError> {
        Store::station_lives(self)
    }

    fn first_fact_day(&self) -> Result<Option<NaiveDate>, StoreError> {
        Store::first_fact_day(self)
    }

    fn signoffs(&self, month: Month) -> Result<Vec<Signoff>, StoreError> {
        Store::signoffs(self, month)
    }

    fn resolutions(&self, month: Month) -> Result<HashMap<String, Resolution>, StoreError> {
        Store::resolutions(self, month)
    }
}
