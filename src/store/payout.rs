//! The payout chain's records (issue 10): who a station's reward is paid
//! to, the invoices received per station and month, the steps of a month's
//! payout as recorded, and the last check of the city's allocation. Stores
//! and reads; decides nothing (that is `crate::payout`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

use super::dates::date_at;
use super::{Store, StoreError};
use crate::month::Month;
use crate::payout::reconcile::{differences_from_json, differences_to_json, Difference};
use crate::payout::steps::{Step, StepRecord};

/// Who a station's reward goes to and how to reach them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationPayee {
    pub station_id: String,
    /// 站长/负责人
    pub owner_name: Option<String>,
    /// Mobile, for the SMS notice.
    pub owner_phone: Option<String>,
    /// 绿卡 with 惠农通 to pay into.
    pub has_green_card: bool,
}

/// A station's invoice (发票) for a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub received: bool,
    pub invoice_no: Option<String>,
}

/// The last check of the city's allocation for a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedReconciliation {
    pub month: Month,
    pub file_name: String,
    pub checked_by: Option<String>,
    pub checked_at: DateTime<Utc>,
    /// The county's day of the check (`Store::today`).
    pub checked_on: NaiveDate,
    pub matched: bool,
    pub stations_checked: u64,
    pub people_checked: u64,
    pub ours_fen: i64,
    pub theirs_fen: i64,
    pub differences: Vec<Difference>,
}

fn bad(table: &'static str, column: &'static str, value: String) -> StoreError {
    StoreError::BadValue { table, column, value }
}

impl Store {
    /// Every station's payee, by station id.
    pub fn station_payees(&self) -> Result<HashMap<String, StationPayee>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, owner_name, owner_phone, has_green_card FROM stations")?;
        let rows = stmt.query_map([], |r| {
            Ok(StationPayee {
                station_id: r.get(0)?,
                owner_name: r.get(1)?,
                owner_phone: r.get(2)?,
                has_green_card: r.get(3)?,
            })
        })?;
        rows.map(|p| p.map(|p| (p.station_id.clone(), p)).map_err(StoreError::from))
            .collect()
    }

    /// The invoices recorded for a month, by station id.
    pub fn invoices(&self, month: Month) -> Result<HashMap<String, Invoice>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT station_id, received, invoice_no FROM invoices WHERE month = ?1")?;
        let rows = stmt.query_map([month.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                Invoice {
                    received: r.get(1)?,
                    invoice_no: r.get(2)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The database's county: the one county of the registry, '' when it
    /// names none (or several, which one database does not hold).
    pub fn county_id(&self) -> Result<String, StoreError> {
        let ids: Vec<String> = {
            let mut stmt = self.conn().prepare("SELECT id FROM counties ORDER BY id LIMIT 2")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        Ok(match ids.as_slice() {
            [one] => one.clone(),
            _ => String::new(),
        })
    }

    /// The last day of `month` with any daily figure, `None` when the
    /// month has none.
    pub fn last_fact_day_in(&self, month: Month) -> Result<Option<NaiveDate>, StoreError> {
        self.fact_day(
            "SELECT max(d) FROM (SELECT max(day) AS d FROM daily_payments WHERE day BETWEEN ?1 AND ?2
                                 UNION ALL SELECT max(day) FROM daily_cards WHERE day BETWEEN ?1 AND ?2)",
            params![month.first_day(), month.last_day()],
        )
    }

    /// The steps of a reward month recorded as done.
    pub fn payout_steps(&self, month: Month) -> Result<Vec<StepRecord>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT step, done_by, done_on, note, forced FROM payout_steps WHERE month = ?1 ORDER BY step")?;
        let mut rows = stmt.query([month.to_string()])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let Some(step) = Step::parse(&r.get::<_, String>(0)?) else {
                // A step of a newer bianmin: not ours to show.
                continue;
            };
            out.push(StepRecord {
                step,
                done_by: r.get(1)?,
                done_on: date_at(r, 2, "payout_steps", "done_on")?,
                note: r.get(3)?,
                forced: r.get(4)?,
            });
        }
        out.sort_by_key(|r| r.step);
        Ok(out)
    }

    /// Records a step of a reward month as done (again: the later record
    /// replaces the earlier).
    pub fn record_payout_step(&self, month: Month, record: &StepRecord, now: DateTime<Utc>) -> Result<(), StoreError> {
        let county = self.county_id()?;
        self.conn().execute(
            "INSERT INTO payout_steps (month, step, county_id, done_by, done_on, note, forced, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (month, step) DO UPDATE SET county_id = excluded.county_id, done_by = excluded.done_by,
                 done_on = excluded.done_on, note = excluded.note, forced = excluded.forced,
                 recorded_at = excluded.recorded_at",
            params![
                month.to_string(),
                record.step.as_str(),
                county,
                record.done_by,
                record.done_on,
                record.note,
                record.forced,
                now.to_rfc3339()
            ],
        )?;
        Ok(())
    }

    /// Takes a step's record back; false when there was none.
    pub fn remove_payout_step(&self, month: Month, step: Step) -> Result<bool, StoreError> {
        let removed = self.conn().execute(
            "DELETE FROM payout_steps WHERE month = ?1 AND step = ?2",
            params![month.to_string(), step.as_str()],
        )?;
        Ok(removed > 0)
    }

    /// Keeps a check of the city's allocation as the month's last.
    pub fn save_reconciliation(&self, saved: &SavedReconciliation) -> Result<(), StoreError> {
        let county = self.county_id()?;
        self.conn().execute(
            "INSERT INTO reconciliations (month, county_id, file_name, checked_by, checked_at, checked_on, matched,
                 stations_checked, people_checked, ours_fen, theirs_fen, differences)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (month) DO UPDATE SET county_id = excluded.county_id, file_name = excluded.file_name,
                 checked_by = excluded.checked_by, checked_at = excluded.checked_at,
                 checked_on = excluded.checked_on, matched = excluded.matched,
                 stations_checked = excluded.stations_checked, people_checked = excluded.people_checked,
                 ours_fen = excluded.ours_fen, theirs_fen = excluded.theirs_fen, differences = excluded.differences",
            params![
                saved.month.to_string(),
                county,
                saved.file_name,
                saved.checked_by,
                saved.checked_at.to_rfc3339(),
                saved.checked_on,
                saved.matched,
                saved.stations_checked,
                saved.people_checked,
                saved.ours_fen,
                saved.theirs_fen,
                differences_to_json(&saved.differences),
            ],
        )?;
        Ok(())
    }

    /// The last check of the city's allocation for a month, if any.
    pub fn reconciliation(&self, month: Month) -> Result<Option<SavedReconciliation>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT file_name, checked_by, checked_at, checked_on, matched, stations_checked, people_checked,
                    ours_fen, theirs_fen, differences
             FROM reconciliations WHERE month = ?1",
        )?;
        let mut rows = stmt.query([month.to_string()])?;
        let Some(r) = rows.next()? else {
            return Ok(None);
        };
        let (file_name, checked_by, checked_at): (String, Option<String>, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let checked_on = date_at(r, 3, "reconciliations", "checked_on")?;
        let (matched, stations, people): (bool, u64, u64) = (r.get(4)?, r.get(5)?, r.get(6)?);
        let (ours, theirs, json): (i64, i64, String) = (r.get(7)?, r.get(8)?, r.get(9)?);
        let checked_at = DateTime::parse_from_rfc3339(&checked_at)
            .map_err(|_| bad("reconciliations", "checked_at", checked_at.clone()))?
            .with_timezone(&Utc);
        let differences = differences_from_json(&json).map_err(|e| bad("reconciliations", "differences", e))?;
        Ok(Some(SavedReconciliation {
            month,
            file_name,
            checked_by,
            checked_at,
            checked_on,
            matched,
            stations_checked: stations,
            people_checked: people,
            ours_fen: ours,
            theirs_fen: theirs,
            differences,
        }))
    }
}
