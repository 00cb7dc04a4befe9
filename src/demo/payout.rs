//! The demo county's payout records (issue 10): station owners with their
//! mobiles (a few without), the invoices of finished months (a few
//! missing last month), and last month's payout steps as a county office
//! would have recorded them by "today".
//!
//! Drawn from a generator of their own, so that adding them changed none
//! of the demo's figures.

use chrono::{Datelike, NaiveDate};
use rusqlite::params;

use super::names::{GIVEN, SURNAMES};
use super::rng::Rng;
use super::DemoStation;
use crate::month::Month;
use crate::payout::steps::{Basis, Step, SCHEDULE};
use crate::store::StoreError;

/// Mixed into the demo's seed for this generator.
const SALT: u64 = 0x5041_594f_5554;

pub(super) fn rng(seed: u64) -> Rng {
    Rng::new(seed ^ SALT)
}

/// A station's owner: a name, and a mobile for all but a few.
pub(super) struct Owner {
    pub name: String,
    pub phone: Option<String>,
}

pub(super) fn owner(rng: &mut Rng) -> Owner {
    let name = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN));
    let phone = (!rng.chance(0.03)).then(|| format!("1{}", rng.range(3_000_000_000, 8_999_999_999)));
    Owner { name, phone }
}

/// Invoices of every finished month (a few missing, more so last month,
/// whose invoices are still coming in) and last month's steps done by
/// their day, up to `today`, but for the SMS notice (to show a late step).
pub(super) fn insert_records(
    tx: &rusqlite::Transaction,
    rng: &mut Rng,
    stations: &[DemoStation],
    first_month: Month,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let current = Month::of(today);
    let last_month = current.prev();
    let recorded_at = format!("{}T09:00:00Z", today.pred_opt().unwrap_or(today));
    let mut month = first_month;
    while month < current {
        let missing = if month == last_month { 0.07 } else { 0.01 };
        for (i, s) in stations.iter().enumerate() {
            let received = !rng.chance(missing);
            let number = received.then(|| format!("{:08}", (month.year() as u64 % 100) * 1_000_000 + i as u64));
            tx.execute(
                "INSERT INTO invoices (month, station_id, received, invoice_no, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![month.to_string(), s.station.id, received, number, recorded_at],
            )?;
        }
        month = month.next();
    }
    for spec in SCHEDULE {
        let due = spec.step.due(last_month);
        if spec.basis == Basis::Derived || spec.step == Step::SmsSent || due >= today {
            continue;
        }
        let done_on = due
            .with_day(due.day().saturating_sub(rng.range(0, 2) as u32).max(1))
            .unwrap_or(due);
        let note = match spec.step {
            Step::Pulled => Some("市公司分配明细已下发"),
            Step::BranchSheetsSigned => Some("纸质签字表已收齐"),
            Step::Paid => Some("暂缓兑现的站点见兑现明细"),
            _ => None,
        };
        tx.execute(
            "INSERT INTO payout_steps (month, step, county_id, done_by, done_on, note, recorded_at)
             VALUES (?1, ?2, ?3, 'county', ?4, ?5, ?6)",
            params![
                last_month.to_string(),
                spec.step.as_str(),
                super::names::COUNTY.0,
                done_on.to_string(),
                note,
                recorded_at
            ],
        )?;
    }
    Ok(())
}
