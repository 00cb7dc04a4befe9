//! `bianmin report`: the month's stations, branches and people, computed
//! by the engine from the store, as a table, CSV, JSON (CALC.md's shape)
//! or a workbook; and the per-station statements of R11.

pub mod county;
pub mod csv;
pub mod file_name;
pub mod quarter;
pub mod rules;
pub mod statement;
pub mod table;
pub mod xlsx;

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::calc::CalcOutput;
use crate::i18n::{trf, Text};
use crate::month::Month;
use crate::policy::{evaluate, FactsError, MonthResult, Policy, PolicyVersion};
use crate::store::county_read::CountyRead;
use crate::store::facts::{month_facts_of, BranchScope};
use crate::store::registry::Station;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{}", trf(Text::ReportFacts, &[.0]))]
    Facts(#[from] FactsError),
    #[error("{}", trf(Text::ReportEarlierMonth, &[month, problem]))]
    EarlierMonth { month: Month, problem: FactsError },
    #[error(transparent)]
    NoVersion(#[from] crate::policy::NoVersion),
    #[error("{}", trf(Text::ReportUnknownBranch, &[&format!("{:?}", .0)]))]
    UnknownBranch(String),
    #[error("{path}: {message}")]
    Write { path: String, message: String },
}

/// A month evaluated, with the names the views need.
#[derive(Debug, Clone)]
pub struct MonthReport {
    pub result: MonthResult,
    pub stations: HashMap<String, Station>,
    pub branch_names: HashMap<String, String>,
    pub person_names: HashMap<String, String>,
    pub person_green_card: HashMap<String, bool>,
    /// The database holds the demo county.
    pub demo: bool,
    /// The facts the result was evaluated from (figures so far).
    pub facts: crate::policy::MonthFacts,
    /// The policy version the month was evaluated under (R12).
    pub version: PolicyVersion,
    /// Stations in their first month after installation (R16).
    pub new_stations: std::collections::HashSet<String>,
}

impl MonthReport {
    pub fn station_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.stations.get(id).map_or(id, |s| s.name.as_str())
    }

    pub fn branch_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.branch_names.get(id).map_or(id, String::as_str)
    }

    pub fn person_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.person_names.get(id).map_or(id, String::as_str)
    }
}

/// Evaluates a month from a county database (the SQLite store or a
/// PostgreSQL one). `branch` narrows to one branch.
pub fn build_report<D: CountyRead + ?Sized>(
    store: &D,
    policy: &Policy,
    month: Month,
    as_of: Option<NaiveDate>,
    branch: Option<&str>,
) -> Result<MonthReport, ReportError> {
    let branches = store.branches()?;
    let scope = match branch {
        Some(id) if branches.iter().any(|b| b.id == id) => BranchScope::Only(vec![id.to_string()]),
        Some(id) => return Err(ReportError::UnknownBranch(id.to_string())),
        None => BranchScope::All,
    };
    let version = policy.version_for(month)?;
    let stations = store.stations()?;
    let mut facts = month_facts_of(store, &stations, month, as_of, &scope)?;
    quarter::fill_withholding_history(store, policy, &mut facts, &scope)?;
    let result = evaluate(policy, &facts)?;

    let people = store.people()?;
    Ok(MonthReport {
        result,
        stations: stations.into_iter().map(|s| (s.id.clone(), s)).collect(),
        branch_names: branches.into_iter().map(|b| (b.id, b.name)).collect(),
        person_names: people.iter().map(|p| (p.id.clone(), p.name.clone())).collect(),
        person_green_card: people.iter().map(|p| (p.id.clone(), p.has_green_card)).collect(),
        // The demo county's own file, or a laptop synced from a server
        // holding it (the server's "today" comes with its pages).
        demo: store.meta("demo")?.as_deref() == Some("1") || store.meta("demo_today")?.is_some(),
        facts,
        version: version.clone(),
        new_stations: crate::county::new_stations(store, month)?,
    })
}

/// CALC.md's output shape, so `report --format json` and `calc` agree.
pub fn render_json(report: &MonthReport) -> String {
    let mut out = serde_json::to_string_pretty(&CalcOutput::from(&report.result)).expect("output serialises");
    out.push('\n');
    out
}
