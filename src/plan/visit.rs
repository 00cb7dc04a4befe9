//! Today's visit plan: a maintainer's stations ranked by how much a visit
//! today can change this month's outcome, the best few cut out and put in
//! route order. Pure: the day, the month's standing of every station and
//! its visits come in; the plan comes out. docs/PLAN.md says the same in
//! words a branch manager can check against a printed list.
//!
//! A station scores the points of each reason that applies (the `POINTS_*`
//! constants); the reasons are kept, weightiest first, for the list to
//! show. Ties go to the station closer to being valid, then to the one
//! unvisited longer, then by route.

use std::cmp::{Ordering, Reverse};
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::reach::{station_within_reach, Closeness, MonthClock, Needs, Thresholds};
use super::PlanSettings;
use crate::month::Month;
use crate::payout::holds::StatementStanding;
use crate::policy::Status;

/// Not valid yet, the projection misses, and it is within reach.
pub const POINTS_AT_RISK: u32 = 50;
/// A follow-up date has come (plus `POINTS_PER_DAY_OVERDUE` a day, up to
/// `POINTS_OVERDUE_MAX`).
pub const POINTS_FOLLOW_UP: u32 = 30;
pub const POINTS_PER_DAY_OVERDUE: u32 = 2;
pub const POINTS_OVERDUE_MAX: u32 = 20;
/// Last month's statement unsigned after the signing day (R11's 12th).
pub const POINTS_STATEMENT_OVERDUE: u32 = 40;
/// Last month's statement unsigned, signing day still to come.
pub const POINTS_STATEMENT_DUE: u32 = 20;
/// Not visited for `PlanSettings::visit_every_days` or more, or never.
pub const POINTS_LONG_UNVISITED: u32 = 15;
/// Valid on the projection but not yet on its figures.
pub const POINTS_ON_TRACK: u32 = 10;

/// One station as the plan needs it: the engine's standing, the figures
/// so far, and the visits. Built by `gather` (or by a caller holding the
/// month already).
#[derive(Debug, Clone, PartialEq)]
pub struct StationInput {
    pub id: String,
    pub name: String,
    pub branch: String,
    pub maintainer: String,
    pub maintainer_name: String,
    pub village: Option<String>,
    pub route_order: Option<u32>,
    /// The engine's standing (R10): `Valid`, `OnTrack`, `AtRisk`, or
    /// `Invalid` once no day is left.
    pub status: Status,
    /// Payments (every category) and card transactions as validity counts
    /// them, so far.
    pub payments: u64,
    pub card: u64,
    /// The day of the latest visit on or before today.
    pub last_visit: Option<NaiveDate>,
    /// The follow-up date of the latest visit's notes (a later visit
    /// closes an earlier follow-up).
    pub follow_up: Option<NaiveDate>,
    /// Last month's statement (R11), `None` when the station had none.
    pub statement: Option<StatementStanding>,
    /// The maintenance reward (R6) it would earn its branch if valid, on
    /// its projected figures: `policy::station::maintenance_if_valid`.
    /// Read by the shortfall list only.
    pub maintenance_if_valid: rust_decimal::Decimal,
}

/// Everything the ranking reads.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanInput {
    /// The day planned for.
    pub today: NaiveDate,
    pub clock: MonthClock,
    pub thresholds: Thresholds,
    /// R11: stations sign last month's statement by this day of the month.
    pub sign_by_day: u32,
    pub stations: Vec<StationInput>,
}

/// Why a station is (or is not) worth a visit today. Structured: the
/// caller words it (`render::reason_text`, the dashboard).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Not valid yet and the projection misses, but within reach: what it
    /// still needs a day.
    AtRisk(Needs),
    /// A follow-up date from the latest visit has come.
    FollowUp { on: NaiveDate, days_overdue: u32 },
    /// Last month's statement is not signed; `days_overdue` is 0 up to the
    /// signing day.
    StatementUnsigned {
        month: Month,
        sign_by: NaiveDate,
        days_overdue: u32,
    },
    /// Not visited for this many days (`None`: never).
    LongUnvisited { days: Option<u32> },
    /// Valid on the projection, not yet on its figures.
    OnTrack(Needs),
    /// Cannot be valid this month any more: out of reach (see `reach`),
    /// or no day is left. Scores nothing.
    OutOfReach(Needs),
}

impl Reason {
    /// Its points (see the `POINTS_*` constants).
    pub fn points(&self) -> u32 {
        match *self {
            Reason::AtRisk(_) => POINTS_AT_RISK,
            Reason::FollowUp { days_overdue, .. } => {
                POINTS_FOLLOW_UP
                    + days_overdue
                        .saturating_mul(POINTS_PER_DAY_OVERDUE)
                        .min(POINTS_OVERDUE_MAX)
            }
            Reason::StatementUnsigned { days_overdue: 0, .. } => POINTS_STATEMENT_DUE,
            Reason::StatementUnsigned { .. } => POINTS_STATEMENT_OVERDUE,
            Reason::LongUnvisited { .. } => POINTS_LONG_UNVISITED,
            Reason::OnTrack(_) => POINTS_ON_TRACK,
            Reason::OutOfReach(_) => 0,
        }
    }

    /// A stable name (CSV, JSON, tests).
    pub fn code(&self) -> &'static str {
        match self {
            Reason::AtRisk(_) => "at_risk",
            Reason::FollowUp { days_overdue: 0, .. } => "follow_up_due",
            Reason::FollowUp { .. } => "follow_up_overdue",
            Reason::StatementUnsigned { days_overdue: 0, .. } => "statement_due",
            Reason::StatementUnsigned { .. } => "statement_overdue",
            Reason::LongUnvisited { days: None } => "never_visited",
            Reason::LongUnvisited { .. } => "long_unvisited",
            Reason::OnTrack(_) => "on_track",
            Reason::OutOfReach(_) => "out_of_reach",
        }
    }
}

/// One station in the plan, with its place and reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    pub station: StationInput,
    /// 1 for the station most worth a visit among its maintainer's.
    pub rank: usize,
    pub score: u32,
    /// Weightiest first; empty for a station with nothing to do.
    pub reasons: Vec<Reason>,
    pub needs: Needs,
    /// How far from valid (see `reach`); `Closeness::MET` once valid.
    pub closeness: Closeness,
    /// Days since the last visit (`None`: never visited).
    pub days_since_visit: Option<u32>,
}

impl Stop {
    /// Anything to do there today.
    pub fn worth_visiting(&self) -> bool {
        self.score > 0
    }
}

/// One maintainer's day.
#[derive(Debug, Clone, PartialEq)]
pub struct MaintainerPlan {
    pub maintainer: String,
    pub maintainer_name: String,
    /// Today's stops, at most `stops_per_maintainer`, in route order.
    pub route: Vec<Stop>,
    /// Their other stations, most worth a visit first.
    pub later: Vec<Stop>,
}

impl MaintainerPlan {
    /// Stations worth a visit that did not make today's list.
    pub fn more_worth_visiting(&self) -> usize {
        self.later.iter().filter(|s| s.worth_visiting()).count()
    }

    /// Stations with nothing to do today.
    pub fn quiet(&self) -> usize {
        self.later.len() - self.more_worth_visiting()
    }
}

/// The day's plan: one list per maintainer, by maintainer id.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitPlan {
    pub today: NaiveDate,
    pub month: Month,
    pub clock: MonthClock,
    pub maintainers: Vec<MaintainerPlan>,
}

impl VisitPlan {
    pub fn stops(&self) -> usize {
        self.maintainers.iter().map(|m| m.route.len()).sum()
    }
}

/// The reasons that apply to one station today, weightiest first.
fn reasons_of(input: &PlanInput, s: &StationInput, settings: &PlanSettings) -> (Vec<Reason>, Needs, Closeness) {
    let needs = Needs::of(input.clock, input.thresholds, s.payments, s.card);
    let closeness = match s.status {
        Status::Valid => Closeness::MET,
        _ => Closeness::of(input.clock, input.thresholds, s.payments, s.card, settings),
    };
    let mut reasons = Vec::new();
    match s.status {
        Status::Valid => {}
        Status::OnTrack => reasons.push(Reason::OnTrack(needs)),
        Status::AtRisk if station_within_reach(input.clock, input.thresholds, s.payments, s.card, settings) => {
            reasons.push(Reason::AtRisk(needs))
        }
        Status::AtRisk | Status::Invalid => reasons.push(Reason::OutOfReach(needs)),
    }
    if let Some(on) = s.follow_up.filter(|on| *on <= input.today) {
        reasons.push(Reason::FollowUp {
            on,
            days_overdue: days_between(on, input.today),
        });
    }
    if s.statement == Some(StatementStanding::Unsigned) {
        let month = Month::of(input.today).prev();
        let this = Month::of(input.today);
        let sign_by = this
            .first_day()
            .with_day(input.sign_by_day.clamp(1, this.days()))
            .unwrap_or_else(|| this.last_day());
        reasons.push(Reason::StatementUnsigned {
            month,
            sign_by,
            days_overdue: days_between(sign_by, input.today),
        });
    }
    let days_since = days_since_visit(s, input.today);
    if days_since.is_none_or(|d| d >= settings.visit_every_days) {
        reasons.push(Reason::LongUnvisited { days: days_since });
    }
    // Weightiest first; equal points keep the order above.
    reasons.sort_by_key(|r| Reverse(r.points()));
    (reasons, needs, closeness)
}

/// Whole days from `from` to `to`, 0 when `to` is not after it.
fn days_between(from: NaiveDate, to: NaiveDate) -> u32 {
    u32::try_from((to - from).num_days().max(0)).unwrap_or(u32::MAX)
}

fn days_since_visit(s: &StationInput, today: NaiveDate) -> Option<u32> {
    s.last_visit.map(|d| days_between(d, today))
}

/// Most worth a visit first: points, then closer to valid (one a visit
/// can bring in on its own, then the smaller stretch), then longer
/// unvisited (never first), then route order and code.
fn by_rank(a: &Stop, b: &Stop) -> Ordering {
    let unvisited = |s: &Stop| Reverse(s.days_since_visit.unwrap_or(u32::MAX));
    b.score
        .cmp(&a.score)
        .then_with(|| a.closeness.cmp(&b.closeness))
        .then_with(|| unvisited(a).cmp(&unvisited(b)))
        .then_with(|| route_key(&a.station).cmp(&route_key(&b.station)))
}

/// A station's own place on the route: by route order (stations without
/// one last), then code.
fn route_key(s: &StationInput) -> (bool, Option<u32>, &str) {
    (s.route_order.is_none(), s.route_order, s.id.as_str())
}

/// Puts the day's stops in driving order: villages together, each village
/// where its first station falls on the route, stations without a route
/// order after those with one.
pub fn route_order(stops: &mut [Stop]) {
    let mut village_first: BTreeMap<String, Option<u32>> = BTreeMap::new();
    for s in stops.iter() {
        if let Some(v) = &s.station.village {
            let first = village_first.entry(v.clone()).or_insert(s.station.route_order);
            *first = match (*first, s.station.route_order) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
    }
    let place = |s: &Stop| {
        let village = s.station.village.clone();
        let first = match &village {
            Some(v) => village_first.get(v.as_str()).copied().flatten(),
            None => s.station.route_order,
        };
        (
            first.is_none(),
            first,
            village.is_none(),
            village,
            s.station.route_order.is_none(),
            s.station.route_order,
            s.station.id.clone(),
        )
    };
    stops.sort_by_cached_key(place);
}

/// Today's plan for every maintainer of `input.stations`.
pub fn plan_visits(input: &PlanInput, settings: &PlanSettings) -> VisitPlan {
    let mut by_maintainer: BTreeMap<&str, Vec<Stop>> = BTreeMap::new();
    for s in &input.stations {
        let (reasons, needs, closeness) = reasons_of(input, s, settings);
        by_maintainer.entry(s.maintainer.as_str()).or_default().push(Stop {
            station: s.clone(),
            rank: 0,
            score: reasons.iter().map(Reason::points).sum(),
            reasons,
            needs,
            closeness,
            days_since_visit: days_since_visit(s, input.today),
        });
    }
    let maintainers = by_maintainer
        .into_iter()
        .map(|(maintainer, mut stops)| {
            stops.sort_by(by_rank);
            for (i, s) in stops.iter_mut().enumerate() {
                s.rank = i + 1;
            }
            let today = stops
                .iter()
                .take(settings.stops_per_maintainer)
                .take_while(|s| s.worth_visiting())
                .count();
            let later = stops.split_off(today);
            route_order(&mut stops);
            MaintainerPlan {
                maintainer: maintainer.to_string(),
                maintainer_name: stops
                    .first()
                    .or(later.first())
                    .map_or_else(String::new, |s| s.station.maintainer_name.clone()),
                route: stops,
                later,
            }
        })
        .collect();
    VisitPlan {
        today: input.today,
        month: Month::of(input.today),
        clock: input.clock,
        maintainers,
    }
}

#[cfg(test)]
#[path = "visit_tests.rs"]
mod tests;
