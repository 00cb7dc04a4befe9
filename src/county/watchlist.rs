//! R15: the exit watchlist of a finished month — the stations that missed
//! both their collection and their distribution plan in the policy's
//! number of consecutive months, with their figures against the plans.
//! The county decides what to do; nothing here closes a station.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::money::format_yuan;
use crate::month::Month;
use crate::policy::exit::{exit_candidate, PlanMonth, StationPlan};
use crate::policy::{NoVersion, Policy};
use crate::store::facts::yuan_from_fen;
use crate::store::{Store, StoreError};

/// How far back a run of missed months is followed (the list shows the
/// whole run, up to a year).
const MAX_RUN_MONTHS: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum WatchlistError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    NoVersion(#[from] NoVersion),
    #[error("{}", crate::i18n::trf(crate::i18n::Text::WatchlistNotFinished, &[month, last_finished]))]
    NotFinished { month: Month, last_finished: Month },
}

/// One exit candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchEntry {
    pub station: String,
    pub name: String,
    pub branch: String,
    pub maintainer: String,
    /// In its first month after installation (R16): it needs time.
    pub new: bool,
    /// The months it missed both plans, oldest first, ending with the
    /// watchlist's month.
    pub months: Vec<PlanMonth>,
}

/// The exit candidates of a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watchlist {
    pub month: Month,
    /// The policy's `exit_after_months` in force in the month.
    pub after_months: u32,
    /// Longest run first, then by station.
    pub entries: Vec<WatchEntry>,
}

/// The last month that is over: the month before today's.
pub fn last_finished_month(store: &Store) -> Result<Month, StoreError> {
    Ok(Month::of(store.today()?).prev())
}

/// Each planned station's month against its plan.
fn plan_months(store: &Store, month: Month) -> Result<HashMap<String, PlanMonth>, StoreError> {
    let plans = store.station_plans(month)?;
    if plans.is_empty() {
        return Ok(HashMap::new());
    }
    let payments = store.month_payments(month)?;
    let sales = store.distribution_sales(month)?;
    Ok(plans
        .into_iter()
        .map(|(station, plan)| {
            let figures = PlanMonth {
                month,
                payment_amount: yuan_from_fen(payments.get(&station).map_or(0, |p| p.fen)),
                distribution_sales: yuan_from_fen(sales.get(&station).copied().unwrap_or(0)),
                plan: Some(StationPlan {
                    collection_target: yuan_from_fen(plan.collection_target),
                    distribution_target: yuan_from_fen(plan.distribution_target),
                }),
            };
            (station, figures)
        })
        .collect())
}

/// The stations that missed both plans in `month` (the maintainer's
/// warning on last month).
pub fn missed_both(store: &Store, month: Month) -> Result<HashSet<String>, StoreError> {
    Ok(plan_months(store, month)?
        .into_iter()
        .filter(|(_, m)| m.misses_both())
        .map(|(station, _)| station)
        .collect())
}

/// The exit watchlist of a finished month.
pub fn build_watchlist(store: &Store, policy: &Policy, month: Month) -> Result<Watchlist, WatchlistError> {
    let last_finished = last_finished_month(store)?;
    if month > last_finished {
        return Err(WatchlistError::NotFinished { month, last_finished });
    }
    let after_months = policy.version_for(month)?.exit_watchlist.after_months;

    // Follow each run back from the month while it lasts.
    let mut runs: HashMap<String, Vec<PlanMonth>> = HashMap::new();
    let mut open: HashSet<String> = HashSet::new();
    let mut m = month;
    for step in 0..MAX_RUN_MONTHS {
        if step > 0 && open.is_empty() {
            break;
        }
        let figures = plan_months(store, m)?;
        let mut still_open = HashSet::new();
        for (station, figures) in figures {
            let continues = step == 0 || open.contains(&station);
            if continues && figures.misses_both() {
                runs.entry(station.clone()).or_default().push(figures);
                still_open.insert(station);
            }
        }
        open = still_open;
        m = m.prev();
    }

    let stations: HashMap<String, crate::store::registry::Station> =
        store.stations()?.into_iter().map(|s| (s.id.clone(), s)).collect();
    let new: HashSet<String> = crate::county::new_stations(store, month)?;
    let mut entries: Vec<WatchEntry> = runs
        .into_iter()
        .filter_map(|(station, mut months)| {
            months.reverse();
            if !exit_candidate(&months, after_months) {
                return None;
            }
            let registered = stations.get(&station);
            Some(WatchEntry {
                name: registered.map_or_else(|| station.clone(), |s| s.name.clone()),
                branch: registered.map_or_else(String::new, |s| s.branch_id.clone()),
                maintainer: registered.map_or_else(String::new, |s| s.maintainer_id.clone()),
                new: new.contains(&station),
                station,
                months,
            })
        })
        .collect();
    entries.sort_by(|a, b| b.months.len().cmp(&a.months.len()).then(a.station.cmp(&b.station)));
    Ok(Watchlist {
        month,
        after_months,
        entries,
    })
}

/// `bianmin watchlist --format json`: a list of objects, each naming its
/// `station`; money as two-decimal strings (CALC.md's convention).
#[derive(Debug, Serialize)]
pub struct WatchEntryJson {
    pub station: String,
    pub name: String,
    pub branch: String,
    pub maintainer: String,
    pub new: bool,
    pub months_missed: usize,
    pub months: Vec<WatchMonthJson>,
}

#[derive(Debug, Serialize)]
pub struct WatchMonthJson {
    pub month: String,
    pub payment_amount: String,
    pub collection_target: String,
    pub distribution_sales: String,
    pub distribution_target: String,
}

impl Watchlist {
    pub fn to_json(&self) -> String {
        let list: Vec<WatchEntryJson> = self
            .entries
            .iter()
            .map(|e| WatchEntryJson {
                station: e.station.clone(),
                name: e.name.clone(),
                branch: e.branch.clone(),
                maintainer: e.maintainer.clone(),
                new: e.new,
                months_missed: e.months.len(),
                months: e
                    .months
                    .iter()
                    .map(|m| {
                        let plan = m.plan.unwrap_or(StationPlan {
                            collection_target: rust_decimal::Decimal::ZERO,
                            distribution_target: rust_decimal::Decimal::ZERO,
                        });
                        WatchMonthJson {
                            month: m.month.to_string(),
                            payment_amount: format_yuan(m.payment_amount),
                            collection_target: format_yuan(plan.collection_target),
                            distribution_sales: format_yuan(m.distribution_sales),
                            distribution_target: format_yuan(plan.distribution_target),
                        }
                    })
                    .collect(),
            })
            .collect();
        let mut out = serde_json::to_string_pretty(&list).expect("the watchlist serialises");
        out.push('\n');
        out
    }
}
