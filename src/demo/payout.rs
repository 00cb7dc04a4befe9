//! The demo county's payout records (issue 10): station owners with their
//! mobiles (a few without), the invoices of finished months (a few
//! missing last month), last month's payout steps as a county office
//! would have recorded them by "today", and last month's branch sheets
//! signed by their managers and maintainers (one maintainer disputes).
//!
//! Drawn from a generator of their own, so that adding them changed none
//! of the demo's figures.

use chrono::{Datelike, NaiveDate};

use super::names::{GIVEN, SURNAMES};
use super::rng::Rng;
use super::DemoStation;
use crate::month::Month;
use crate::payout::steps::{Basis, Step, SCHEDULE};
use crate::store::seed::{Seed, SeedBranchSignoff};
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
    tx: &Seed,
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
            tx.invoice(month, &s.station.id, number.as_deref(), &recorded_at)?;
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
            Step::Paid => Some("暂缓兑现的站点见兑现明细"),
            _ => None,
        };
        tx.payout_step(
            last_month,
            spec.step.as_str(),
            super::names::COUNTY.0,
            done_on,
            note,
            &recorded_at,
        )?;
    }
    branch_signoffs(tx, rng, last_month, today)
}

/// Last month's branch sheets: every manager and maintainer signs between
/// the 5th and the 12th (before "today"); the first maintainer of the
/// first branch with several disputes instead.
fn branch_signoffs(tx: &Seed, rng: &mut Rng, month: Month, today: NaiveDate) -> Result<(), StoreError> {
    let current = month.next();
    let sheets = tx.branch_people()?;
    let mut disputed = false;
    let mut n = 0u64;
    for sheet in sheets {
        let manager = sheet.manager.as_str();
        let maintainers: Vec<&str> = sheet
            .maintainers
            .iter()
            .map(String::as_str)
            .filter(|m| *m != manager)
            .collect();
        let several = maintainers.len() > 1;
        let signers = std::iter::once((manager, "manager")).chain(maintainers.into_iter().map(|m| (m, "maintainer")));
        for (person, role) in signers {
            let day = current.first_day().with_day(rng.range(5, 12) as u32).unwrap_or(today);
            if day >= today {
                continue;
            }
            let dispute = !disputed && several && role == "maintainer";
            disputed |= dispute;
            let at = format!("{day}T10:00:00.000Z");
            n += 1;
            tx.branch_signoff(&SeedBranchSignoff {
                uuid: &format!("00000000-0000-4000-8001-{n:012x}"),
                branch: &sheet.branch,
                month,
                person,
                role,
                disputed_because: dispute.then_some("本月计划数按120户下达，台账为100户，扣罚多算"),
                signed_on: day,
                at: &at,
            })?;
        }
    }
    Ok(())
}
