//! What the dashboard shows for one month, loaded from the store and
//! evaluated by the engine once per month (switching back is instant).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

use crate::county::{build_watchlist, funnel, last_finished_month, missed_both, Watchlist, WatchlistError};
use crate::month::Month;
use crate::payout::holds::{statement_standing, StatementStanding};
use crate::payout::steps::StepState;
use crate::policy::benchmarks::Benchmarks;
use crate::policy::lifecycle::Funnel;
use crate::policy::{MonthFacts, Policy, StationResult, Status};
use crate::records::{BranchSignoff, Dispute, Resolution};
use crate::records::{Outcome, Signoff, SyncState};
use crate::report::{build_report, MonthReport, ReportError};
use crate::store::Store;

/// Who is looking, and so which stations and branches they see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    Maintainer { person: String, branch: String },
    Manager { person: String, branch: String },
    County,
}

impl Viewer {
    /// Works out a person's role from the registry; "county" is the
    /// county view.
    pub fn resolve(store: &Store, person: &str) -> Result<Option<Viewer>, crate::store::StoreError> {
        if person == "county" {
            return Ok(Some(Viewer::County));
        }
        for branch in store.branches()? {
            if branch.manager_id == person {
                return Ok(Some(Viewer::Manager {
                    person: person.to_string(),
                    branch: branch.id,
                }));
            }
            if store.branch_maintainers(&branch.id)?.iter().any(|p| p == person) {
                return Ok(Some(Viewer::Maintainer {
                    person: person.to_string(),
                    branch: branch.id,
                }));
            }
        }
        Ok(None)
    }

    pub fn person(&self) -> Option<&str> {
        match self {
            Viewer::Maintainer { person, .. } | Viewer::Manager { person, .. } => Some(person),
            Viewer::County => None,
        }
    }

    pub fn branch(&self) -> Option<&str> {
        match self {
            Viewer::Maintainer { branch, .. } | Viewer::Manager { branch, .. } => Some(branch),
            Viewer::County => None,
        }
    }

    /// Whether this station is one of "my stations".
    pub fn sees(&self, station: &StationResult) -> bool {
        match self {
            Viewer::Maintainer { person, .. } => station.maintainer == *person,
            Viewer::Manager { branch, .. } => station.branch == *branch,
            Viewer::County => true,
        }
    }
}

/// The figures so far of one station (before projection).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SoFar {
    pub payments: u64,
    pub card: u64,
}

/// One month, evaluated, with what the screens add to the engine's result.
#[derive(Debug, Clone)]
pub struct MonthData {
    pub month: Month,
    pub report: MonthReport,
    pub so_far: HashMap<String, SoFar>,
    pub last_visit: BTreeMap<String, NaiveDate>,
    /// Stations with a note or sign-off not yet acknowledged by the server.
    pub unsynced: HashSet<String>,
    /// The month whose statements are signed while this month is shown
    /// (`statement_month`).
    pub statement_month: Month,
    /// That month's sign-offs, by station.
    pub signoffs: HashMap<String, Signoff>,
    /// The county's answers to that month's disputes, by sign-off.
    pub resolutions: HashMap<String, Resolution>,
    /// That month's branch-sheet sign-offs, latest decision of each signer.
    pub branch_signoffs: Vec<BranchSignoff>,
    /// That month's disputes (stations' and sheets'), answered or not.
    pub disputes: Vec<Dispute>,
    /// R11's payout steps of that month's rewards, where each stands
    /// today (what the data says for the steps bianmin can see).
    pub payout_steps: Vec<StepState>,
    /// Station id → position in the engine's result, for O(1) lookups.
    index: HashMap<String, usize>,
    /// Branch id → stations not yet valid and at risk (or invalid).
    pub at_risk_by_branch: HashMap<String, usize>,
    /// Stations that missed both their plans in the month before (R15):
    /// the maintainer's warning.
    pub missed_last_month: HashSet<String>,
    /// The county view's figures (loaded for the whole county only).
    pub county: Option<CountyData>,
}

/// What the county view shows beyond the month's money (R15, R16).
#[derive(Debug, Clone)]
pub struct CountyData {
    /// The exit watchlist of the month, or of the last finished month
    /// while the month runs; `None` before the policy's first version.
    pub watchlist: Option<Watchlist>,
    pub funnel: Funnel,
    pub benchmarks: Option<Benchmarks>,
}

impl CountyData {
    fn load(store: &Store, policy: &Policy, month: Month, report: &MonthReport) -> Result<CountyData, ReportError> {
        let watch_month = month.min(last_finished_month(store)?);
        let watchlist = match build_watchlist(store, policy, watch_month) {
            Ok(list) => Some(list),
            Err(WatchlistError::Store(e)) => return Err(e.into()),
            Err(WatchlistError::NoVersion(_) | WatchlistError::NotFinished { .. }) => None,
        };
        Ok(CountyData {
            watchlist,
            funnel: funnel(store, month)?,
            benchmarks: crate::report::county::benchmarks(report),
        })
    }
}

impl MonthData {
    /// Loads a month; `branch` narrows it to one branch (a maintainer's or
    /// manager's view needs no other). `today` decides which statement
    /// the month's screens sign (`statement_month`).
    pub fn load(
        store: &Store,
        policy: &Policy,
        month: Month,
        branch: Option<&str>,
        today: NaiveDate,
    ) -> Result<MonthData, ReportError> {
        let report = build_report(store, policy, month, None, branch)?;
        let facts: &MonthFacts = &report.facts;
        let so_far = facts
            .stations
            .iter()
            .map(|s| {
                (
                    s.id.clone(),
                    SoFar {
                        // The engine has refused counts that overflow.
                        payments: s.payment_count().unwrap_or(u64::MAX),
                        card: report.version.card_for_validity(s.card.raw, s.card.valid),
                    },
                )
            })
            .collect();
        let mut unsynced = HashSet::new();
        for note in store.notes(None)? {
            if matches!(note.sync, SyncState::Pending | SyncState::Rejected(_)) {
                unsynced.insert(note.station_id.clone());
            }
        }
        let statement_month = statement_month(month, today);
        let signoffs: HashMap<String, Signoff> = store
            .signoffs(statement_month)?
            .into_iter()
            .map(|s| (s.station_id.clone(), s))
            .collect();
        for s in signoffs.values() {
            if matches!(s.sync, SyncState::Pending | SyncState::Rejected(_)) {
                unsynced.insert(s.station_id.clone());
            }
        }
        let index = report
            .result
            .stations
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let mut at_risk_by_branch: HashMap<String, usize> = HashMap::new();
        for s in &report.result.stations {
            if risk_rank(s).0 == 0 {
                *at_risk_by_branch.entry(s.branch.clone()).or_default() += 1;
            }
        }
        let county = match branch {
            None => Some(CountyData::load(store, policy, month, &report)?),
            Some(_) => None,
        };
        Ok(MonthData {
            month,
            index,
            at_risk_by_branch,
            missed_last_month: missed_both(store, month.prev())?,
            county,
            report,
            so_far,
            last_visit: store.last_visits()?,
            unsynced,
            statement_month,
            signoffs,
            resolutions: store.resolutions(statement_month)?,
            branch_signoffs: store.branch_signoffs(statement_month)?,
            disputes: store.disputes(statement_month)?,
            payout_steps: crate::payout::month_status(store, statement_month, today)?,
        })
    }

    pub fn station(&self, id: &str) -> Option<&StationResult> {
        self.index.get(id).map(|&i| &self.report.result.stations[i])
    }

    /// Stations of a branch at risk (or invalid).
    pub fn at_risk(&self, branch: &str) -> usize {
        self.at_risk_by_branch.get(branch).copied().unwrap_or(0)
    }

    pub fn so_far(&self, id: &str) -> SoFar {
        self.so_far.get(id).copied().unwrap_or_default()
    }

    /// Days since the station was last visited, as of `today`.
    pub fn days_since_visit(&self, id: &str, today: NaiveDate) -> Option<i64> {
        self.last_visit.get(id).map(|d| (today - *d).num_days().max(0))
    }

    /// A station's name with its marks: `!` when it missed both plans last
    /// month (R15), `[新]` in its first month after installation (R16).
    pub fn marked_name(&self, id: &str, lang: crate::i18n::Lang) -> String {
        let warn = if self.missed_last_month.contains(id) { "! " } else { "" };
        format!("{warn}{}", crate::report::county::marked_name(&self.report, id, lang))
    }

    /// The statement of `statement_month`: signed, disputed, or missing.
    pub fn signoff(&self, id: &str) -> Option<Outcome> {
        self.signoffs.get(id).map(|s| s.outcome)
    }

    /// Where the statement stands: signed, disputed, disputed and
    /// answered by the county, or unsigned (`payout::holds` decides).
    pub fn standing(&self, id: &str) -> StatementStanding {
        let signoff = self.signoffs.get(id);
        let resolution = signoff.and_then(|s| self.resolutions.get(&s.uuid));
        statement_standing(signoff, resolution)
    }

    /// The county's answer to the station's dispute, if it answers the
    /// dispute as it stands.
    pub fn resolution(&self, id: &str) -> Option<&Resolution> {
        match self.standing(id) {
            StatementStanding::Resolved { .. } => self.signoffs.get(id).and_then(|s| self.resolutions.get(&s.uuid)),
            _ => None,
        }
    }

    /// The statement's sign-off with its dispute reason, if any.
    pub fn signoff_record(&self, id: &str) -> Option<&Signoff> {
        self.signoffs.get(id)
    }

    /// Where a person stands on a branch's sheet of `statement_month`.
    pub fn sheet_standing(&self, branch: &str, person: &str) -> Option<Outcome> {
        self.branch_signoffs
            .iter()
            .find(|s| s.branch_id == branch && s.signer == person)
            .map(|s| s.outcome)
    }

    /// The statement is not signed and its day (the 12th) has passed.
    pub fn statement_overdue(&self, id: &str, today: NaiveDate) -> bool {
        self.signoff(id).is_none() && today > signing_deadline(self.statement_month)
    }
}

/// The statement a month's screens sign: the month itself once it is
/// over, last month's while it runs (a statement is of a whole month).
pub fn statement_month(month: Month, today: NaiveDate) -> Month {
    if month < Month::of(today) {
        month
    } else {
        month.prev()
    }
}

/// R11: stations sign a month's statement by the 12th of the next month.
pub fn signing_deadline(statement: Month) -> NaiveDate {
    let next = statement.next();
    next.first_day() + chrono::Days::new(11)
}

/// How much a station puts the plan at risk: lower sorts first.
pub fn risk_rank(station: &StationResult) -> (u8, std::cmp::Reverse<u64>) {
    let rank = match station.status {
        Status::AtRisk | Status::Invalid => 0,
        Status::OnTrack => 1,
        Status::Valid => 2,
    };
    let need = station.needed_per_day.payments + station.needed_per_day.card * 6;
    (rank, std::cmp::Reverse(need))
}
