//! R14 from the store: each station's withheld amount and whether it met
//! the bar in the quarter's earlier months, evaluated by the engine from
//! those months' facts under their own policy versions.
//!
//! Derived every time, never stored: the withheld amount of a month
//! follows from its facts, so a laptop and the server that hold the same
//! synced facts and policy get the same figures, and a late correction of
//! January's facts is reflected in March's release, as it is in January's
//! own report. Storing the figures would add a table that could disagree
//! with the facts it came from.

use std::collections::HashMap;

use super::ReportError;
use crate::policy::withholding::earlier_months_of_quarter;
use crate::policy::{evaluate_under, MonthFacts, Policy, WithholdingMonth};
use crate::store::county_read::CountyRead;
use crate::store::facts::{month_facts, BranchScope};

/// Fills `facts`' stations' `withholding_history` when the month's
/// version withholds.
pub fn fill_withholding_history<D: CountyRead + ?Sized>(
    store: &D,
    policy: &Policy,
    facts: &mut MonthFacts,
    scope: &BranchScope,
) -> Result<(), ReportError> {
    let Ok(version) = policy.version_for(facts.month) else {
        return Ok(());
    };
    if version.withholding.is_none() {
        return Ok(());
    }
    let mut history: HashMap<String, Vec<WithholdingMonth>> = HashMap::new();
    for month in earlier_months_of_quarter(facts.month) {
        let Ok(earlier) = policy.version_for(month) else {
            continue;
        };
        if earlier.withholding.is_none() {
            continue;
        }
        let month_facts = month_facts(store, month, Some(month.last_day()), scope)?;
        let result = evaluate_under(&policy.id, earlier, &month_facts)
            .map_err(|problem| ReportError::EarlierMonth { month, problem })?;
        for s in result.stations {
            if let Some(w) = s.withholding {
                history.entry(s.id).or_default().push(WithholdingMonth {
                    month,
                    withheld: w.withheld,
                    met: w.met,
                });
            }
        }
    }
    for station in &mut facts.stations {
        station.withholding_history = history.remove(&station.id).unwrap_or_default();
    }
    Ok(())
}
