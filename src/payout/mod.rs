//! The payout chain of a reward month (RULES.md R11, issue 10): from the
//! engine's figures to money paid. `reconcile` checks the city's
//! allocation against our figures; `steps` keeps the month's steps as
//! state (done, overdue, whose); `holds` says which stations are held back
//! and why; `export` writes the files finance, payroll and the SMS
//! platform load; `sms` words the notices.
//!
//! Every amount comes from the engine's result (`report::build_report`);
//! this module sums fen, compares and formats, and never computes a
//! reward. The loading here reads the store; the deciding parts
//! (`steps`, `holds`, `reconcile::compare`, `sms`) are pure.

pub mod disputes;
pub mod export;
pub mod holds;
pub mod lines;
pub mod reconcile;
pub mod sms;
pub mod status;
pub mod steps;

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::i18n::{trf, Text};
use crate::month::Month;
use crate::policy::{PersonResult, Policy, StationResult};
use crate::records::{BranchSignoff, Resolution, ResolutionOutcome};
use crate::records::{Outcome, Signoff};
use crate::report::{build_report, MonthReport, ReportError};
use crate::store::payout::{Invoice, StationPayee};
use crate::store::registry::Person;
use crate::store::{Store, StoreError};
use holds::{statement_standing, PayCheck, StatementStanding};
use steps::{Evidence, SheetTally, SignoffTally, Step, StepState};

#[derive(Debug, thiserror::Error)]
pub enum PayoutError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Report(#[from] ReportError),
    /// Money is paid for finished months only.
    #[error("{}", trf(Text::PayoutMonthNotOver, &[month, today]))]
    MonthNotOver { month: Month, today: NaiveDate },
    #[error("{}", trf(Text::PayoutNoFigures, &[month]))]
    NoFigures { month: Month },
}

/// An amount of the engine's result in whole fen, to add and compare
/// exactly. The engine rounds every amount to the fen (R9) and keeps
/// them far inside i64 fen (calc refuses what would overflow), so
/// anything else is a bug in the engine, not bad input.
pub fn engine_fen(amount: Decimal) -> i64 {
    crate::store::facts::fen_from_yuan(amount).expect("the engine rounds every amount to the fen (R9)")
}

/// The amount a station is paid for the month. THE one place the amount
/// to pay is taken from the engine's result: the cash reward, or, under a
/// policy that withholds (R14), the engine's `payable` (total − withheld +
/// released).
pub fn amount_to_pay(station: &StationResult) -> Decimal {
    station.payable()
}

/// What one station or person is due for the month, in fen: the engine's
/// figure, or the county's corrected figure when it accepted a dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// The engine's figure (`amount_to_pay`, a person's net).
    pub computed_fen: i64,
    /// What is paid (or held back): the computed figure, or the
    /// corrected one.
    pub fen: i64,
    /// How the county resolved a dispute of it, if it did (of the dispute
    /// as it stands).
    pub resolved: Option<ResolutionOutcome>,
}

impl Due {
    fn computed(fen: i64) -> Due {
        Due {
            computed_fen: fen,
            fen,
            resolved: None,
        }
    }

    /// Due once the county's answer `resolution`, if any, is applied.
    fn resolved_by(computed_fen: i64, resolution: Option<&Resolution>) -> Due {
        match resolution {
            Some(r) => Due {
                computed_fen,
                fen: r.corrected_fen.unwrap_or(computed_fen),
                resolved: Some(r.outcome),
            },
            None => Due::computed(computed_fen),
        }
    }

    /// The corrected figure less the computed one.
    pub fn correction_fen(&self) -> i64 {
        self.fen - self.computed_fen
    }
}

/// A finished month with everything paying it needs.
#[derive(Debug, Clone)]
pub struct PayoutMonth {
    pub report: MonthReport,
    pub payees: HashMap<String, StationPayee>,
    pub invoices: HashMap<String, Invoice>,
    pub signoffs: HashMap<String, Signoff>,
    /// The county's resolutions, by the sign-off they resolve.
    pub resolutions: HashMap<String, Resolution>,
    /// The branch sheets' sign-offs, by (branch, signer).
    pub branch_signoffs: HashMap<(String, String), BranchSignoff>,
    pub people: HashMap<String, Person>,
    /// The last day of the month with figures (the month's last day when
    /// every import is in).
    pub figures_to: NaiveDate,
}

impl PayoutMonth {
    /// Loads `month`, refusing a month that is not over or has no figures.
    pub fn load(store: &Store, policy: &Policy, month: Month) -> Result<PayoutMonth, PayoutError> {
        let today = store.today()?;
        if month >= Month::of(today) {
            return Err(PayoutError::MonthNotOver { month, today });
        }
        let figures_to = store.last_fact_day_in(month)?.ok_or(PayoutError::NoFigures { month })?;
        let report = build_report(store, policy, month, Some(month.last_day()), None)?;
        Ok(PayoutMonth {
            report,
            payees: store.station_payees()?,
            invoices: store.invoices(month)?,
            signoffs: store
                .signoffs(month)?
                .into_iter()
                .map(|s| (s.station_id.clone(), s))
                .collect(),
            resolutions: store.resolutions(month)?,
            branch_signoffs: store
                .branch_signoffs(month)?
                .into_iter()
                .map(|s| ((s.branch_id.clone(), s.signer.clone()), s))
                .collect(),
            people: store.people()?.into_iter().map(|p| (p.id.clone(), p)).collect(),
            figures_to,
        })
    }

    pub fn month(&self) -> Month {
        self.report.result.month
    }

    /// What decides whether a station is paid.
    pub fn pay_check(&self, station_id: &str) -> PayCheck {
        let signoff = self.signoffs.get(station_id);
        PayCheck {
            has_green_card: self.payees.get(station_id).is_some_and(|p| p.has_green_card),
            invoice_received: self.invoices.get(station_id).is_some_and(|i| i.received),
            statement: statement_standing(signoff, signoff.and_then(|s| self.resolutions.get(&s.uuid))),
        }
    }

    /// What a station is due: its reward, or the county's corrected
    /// figure when it accepted the station's dispute.
    pub fn station_due(&self, station: &StationResult) -> Due {
        let computed = engine_fen(amount_to_pay(station));
        let signoff = self.signoffs.get(&station.id);
        let resolution = signoff.and_then(|s| self.resolutions.get(&s.uuid)).filter(|_| {
            matches!(
                self.pay_check(&station.id).statement,
                StatementStanding::Resolved { .. }
            )
        });
        Due::resolved_by(computed, resolution)
    }

    /// What a manager or maintainer is due: their net (R9), or the
    /// county's corrected net when it accepted their dispute of the
    /// branch sheet.
    pub fn person_due(&self, person: &PersonResult) -> Due {
        let computed = engine_fen(person.net);
        let resolution = self
            .branch_signoffs
            .get(&(person.branch.clone(), person.id.clone()))
            .filter(|s| s.outcome == Outcome::Disputed)
            .and_then(|s| {
                self.resolutions
                    .get(&s.uuid)
                    .filter(|r| r.answers_decision(&s.updated_at))
            });
        Due::resolved_by(computed, resolution)
    }
}

/// The sign-offs of a month's statements over its active stations, as
/// they stood on `day`.
pub fn signoff_tally(store: &Store, month: Month, day: NaiveDate) -> Result<SignoffTally, StoreError> {
    let signoffs: HashMap<String, Signoff> = store
        .signoffs(month)?
        .into_iter()
        .filter(|s| s.signed_on <= day)
        .map(|s| (s.station_id.clone(), s))
        .collect();
    let mut tally = SignoffTally::default();
    for station in store.stations()?.into_iter().filter(|s| s.active_in(month)) {
        tally.stations += 1;
        // A dispute is not a signature, resolved or not: the step says
        // the stations signed.
        match statement_standing(signoffs.get(&station.id), None) {
            StatementStanding::Signed => tally.signed += 1,
            StatementStanding::Disputed | StatementStanding::Resolved { .. } => tally.disputed += 1,
            StatementStanding::Unsigned => {}
        }
    }
    Ok(tally)
}

/// The branch sheets of a month as they stood on `day`: who of each
/// sheet's signers (the manager, every maintainer) signed, or disputed.
pub fn sheet_tally(store: &Store, month: Month, day: NaiveDate) -> Result<SheetTally, StoreError> {
    let decisions: HashMap<(String, String), Outcome> = store
        .branch_signoffs(month)?
        .into_iter()
        .filter(|s| s.signed_on <= day)
        .map(|s| ((s.branch_id, s.signer), s.outcome))
        .collect();
    let mut tally = SheetTally::default();
    for sheet in store.sheet_signers()? {
        tally.sheets += 1;
        let mut all_signed = true;
        for (signer, _) in &sheet.signers {
            tally.signers += 1;
            match decisions.get(&(sheet.branch_id.clone(), signer.clone())) {
                Some(Outcome::Signed) => tally.signed += 1,
                Some(Outcome::Disputed) => {
                    tally.disputed += 1;
                    all_signed = false;
                }
                None => all_signed = false,
            }
        }
        tally.complete += u64::from(all_signed);
    }
    Ok(tally)
}

/// What bianmin's data says about the derived steps of a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthEvidence {
    pub reconcile: Evidence,
    pub signoffs: Evidence,
    pub sheets: Evidence,
}

impl MonthEvidence {
    /// The evidence as it stood on `day` (a later check or sign-off is
    /// not seen).
    pub fn load(store: &Store, month: Month, day: NaiveDate) -> Result<MonthEvidence, StoreError> {
        let reconcile = match store.reconciliation(month)? {
            Some(saved) if saved.checked_on <= day => Evidence::Reconciled {
                matched: saved.matched,
                differences: saved.differences.len() as u64,
                on: saved.checked_on,
            },
            _ => Evidence::NotReconciled,
        };
        Ok(MonthEvidence {
            reconcile,
            signoffs: Evidence::Signoffs(signoff_tally(store, month, day)?),
            sheets: Evidence::BranchSheets(sheet_tally(store, month, day)?),
        })
    }

    pub fn of(&self, step: Step) -> Option<Evidence> {
        match step {
            Step::CountyCheck => Some(self.reconcile.clone()),
            Step::StationsSigned => Some(self.signoffs.clone()),
            Step::BranchSheetsSigned => Some(self.sheets.clone()),
            _ => None,
        }
    }
}

/// Every step of a reward month as it stood on `today`, from the store
/// (records of later days are not seen).
pub fn month_status(store: &Store, month: Month, today: NaiveDate) -> Result<Vec<StepState>, StoreError> {
    let mut records = store.payout_steps(month)?;
    records.retain(|r| r.done_on <= today);
    let evidence = MonthEvidence::load(store, month, today)?;
    Ok(steps::month_steps(month, today, &records, |step| evidence.of(step)))
}
