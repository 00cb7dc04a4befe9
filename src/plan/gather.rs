//! From the store to a plan: who asks, which figures a plan for the day
//! is made of, the month evaluated by the engine, and the visits, notes
//! and sign-offs known that day. The ranking itself (`visit`,
//! `shortfall`) is pure; this is the one part that reads the database,
//! through named `Store` methods only.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::reach::{MonthClock, Thresholds};
use super::shortfall::{close_shortfall, BranchInput, Shortfall};
use super::visit::{plan_visits, PlanInput, StationInput, VisitPlan};
use super::PlanSettings;
use crate::i18n::{tr, trf, Text};
use crate::ingest::quote::quote;
use crate::month::Month;
use crate::payout::holds::{statement_standing, StatementStanding};
use crate::payout::steps::{Step, SCHEDULE};
use crate::policy::engine::{progress_of, project_station};
use crate::policy::station::maintenance_if_valid;
use crate::policy::{evaluate, MonthFacts, MonthResult, Policy, PolicyVersion, Role};
use crate::records::Resolution;
use crate::records::Signoff;
use crate::report::{build_report, MonthReport, ReportError};
use crate::store::{Store, StoreError};

/// Why there is no plan.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{}", trf(Text::PlanUnknownPerson, &[&quote(.0)]))]
    UnknownPerson(String),
    #[error("{}", trf(Text::PlanNotInABranch, &[&quote(.0)]))]
    NotInABranch(String),
    /// The database holds no daily figure at all.
    #[error("{}", tr(Text::PlanNoFigures))]
    NoFigures,
    /// The day lies outside the figures: before them, in a gap, or in a
    /// month they have not reached.
    #[error("{}", trf(Text::PlanOutsideFigures, &[day, first, latest]))]
    OutsideFigures {
        day: NaiveDate,
        first: NaiveDate,
        latest: NaiveDate,
    },
    #[error("{}", trf(Text::PlanTooLarge, &[.0]))]
    TooLarge(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Report(#[from] ReportError),
}

impl PlanError {
    /// The day asked for has no figures to plan from (`bianmin plan`
    /// exits 1, as `report` does for a month without data).
    pub fn is_outside_the_figures(&self) -> bool {
        matches!(self, PlanError::NoFigures | PlanError::OutsideFigures { .. })
    }
}

/// Whose plan: a maintainer's own stations, or a manager's branches with
/// every maintainer of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    Maintainer { person: String, branches: Vec<String> },
    Manager { person: String, branches: Vec<String> },
}

impl Who {
    /// The person's role from the registry; a branch manager is planned
    /// for as a manager even when they also maintain stations.
    pub fn resolve(store: &Store, person: &str) -> Result<Who, PlanError> {
        let branches = store.branches()?;
        let managed: Vec<String> = branches
            .iter()
            .filter(|b| b.manager_id == person)
            .map(|b| b.id.clone())
            .collect();
        if !managed.is_empty() {
            return Ok(Who::Manager {
                person: person.to_string(),
                branches: managed,
            });
        }
        let mut maintained = Vec::new();
        for b in &branches {
            if store.branch_maintainers(&b.id)?.iter().any(|m| m == person) {
                maintained.push(b.id.clone());
            }
        }
        if !maintained.is_empty() {
            return Ok(Who::Maintainer {
                person: person.to_string(),
                branches: maintained,
            });
        }
        if store.people()?.iter().any(|p| p.id == person) || person == "county" {
            Err(PlanError::NotInABranch(person.to_string()))
        } else {
            Err(PlanError::UnknownPerson(person.to_string()))
        }
    }

    pub fn person(&self) -> &str {
        match self {
            Who::Maintainer { person, .. } | Who::Manager { person, .. } => person,
        }
    }

    pub fn role(&self) -> Role {
        match self {
            Who::Maintainer { .. } => Role::Maintainer,
            Who::Manager { .. } => Role::Manager,
        }
    }

    pub fn branches(&self) -> &[String] {
        match self {
            Who::Maintainer { branches, .. } | Who::Manager { branches, .. } => branches,
        }
    }

    fn plans_for(&self, maintainer: &str) -> bool {
        match self {
            Who::Maintainer { person, .. } => person == maintainer,
            Who::Manager { .. } => true,
        }
    }
}

/// The figures a plan for `today` is made of: its month's, through the
/// last day before `today` that has any (`None` on a month's first
/// morning, when the month has none to have yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanDay {
    pub today: NaiveDate,
    pub month: Month,
    pub figures_to: Option<NaiveDate>,
}

impl PlanDay {
    /// What the database knows on the morning of `today`. Outside the
    /// figures (before them, in a month they skip, or past the month they
    /// reach — except that month's next first morning) is an error, so a
    /// plan never treats days nobody imported as days without business.
    pub fn find(store: &Store, today: NaiveDate) -> Result<PlanDay, PlanError> {
        let month = Month::of(today);
        let known = match today.pred_opt() {
            Some(yesterday) => store.last_fact_day_through(yesterday)?,
            None => None,
        };
        let figures_to = match known {
            Some(day) if month.contains(day) => Some(day),
            // The first morning of the month after the figures'.
            Some(day) if today.day() == 1 && Month::of(day) == month.prev() => None,
            _ => {
                return Err(match (store.first_fact_day()?, store.latest_fact_day()?) {
                    (Some(first), Some(latest)) => PlanError::OutsideFigures {
                        day: today,
                        first,
                        latest,
                    },
                    _ => PlanError::NoFigures,
                })
            }
        };
        Ok(PlanDay {
            today,
            month,
            figures_to,
        })
    }

    pub fn clock(&self) -> MonthClock {
        MonthClock {
            days_in_month: self.month.days(),
            days_elapsed: self.figures_to.map_or(0, |d| d.day()),
        }
    }
}

/// The plan for one person and day, with what a list needs to show it.
#[derive(Debug, Clone, PartialEq)]
pub struct TodayPlan {
    pub who: Who,
    pub person_name: String,
    pub day: PlanDay,
    /// The database holds the demo county.
    pub demo: bool,
    pub visits: VisitPlan,
    /// A manager's: one per branch, in branch id order. Empty for a
    /// maintainer.
    pub shortfalls: Vec<Shortfall>,
}

/// Visits known on a day: per station, the latest visit on or before it
/// and the follow-up that visit's notes set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visits {
    latest: HashMap<String, (NaiveDate, Option<NaiveDate>)>,
}

impl Visits {
    pub fn load(store: &Store, today: NaiveDate) -> Result<Visits, PlanError> {
        let mut latest: HashMap<String, (NaiveDate, Option<NaiveDate>)> = HashMap::new();
        for note in store.notes(None)? {
            if note.visited_on > today {
                continue;
            }
            let entry = latest.entry(note.station_id.clone()).or_insert((note.visited_on, None));
            if note.visited_on > entry.0 {
                *entry = (note.visited_on, None);
            }
            if note.visited_on == entry.0 {
                // Several notes of the last visit: the earliest date set.
                entry.1 = match (entry.1, note.follow_up_on) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
        }
        Ok(Visits { latest })
    }

    pub fn last_visit(&self, station: &str) -> Option<NaiveDate> {
        self.latest.get(station).map(|v| v.0)
    }

    pub fn follow_up(&self, station: &str) -> Option<NaiveDate> {
        self.latest.get(station).and_then(|v| v.1)
    }
}

/// Last month's statements as they stood on a day (R11), sign-offs and
/// the county's answers to disputes as `payout::holds` reads them: `None`
/// for a station that had none, or when the database has no figures for last
/// month (no statement was made from them).
#[derive(Debug, Clone, Default)]
pub struct Statements {
    made: bool,
    month: Option<Month>,
    signoffs: HashMap<String, Signoff>,
    /// The county's answers to disputes, by the sign-off they answer.
    resolutions: HashMap<String, Resolution>,
}

impl Statements {
    pub fn load(store: &Store, day: PlanDay) -> Result<Statements, PlanError> {
        let last = day.month.prev();
        let made = store.last_fact_day_in(last)?.is_some();
        let signoffs = store
            .signoffs(last)?
            .into_iter()
            .filter(|s| s.signed_on <= day.today)
            .map(|s| (s.station_id.clone(), s))
            .collect();
        let mut resolutions = store.resolutions(last)?;
        resolutions.retain(|_, r| r.resolved_on <= day.today);
        Ok(Statements {
            made,
            month: Some(last),
            signoffs,
            resolutions,
        })
    }

    fn standing(&self, report: &MonthReport, station: &str) -> Option<StatementStanding> {
        let month = self.month?;
        let had_one = self.made && report.stations.get(station).is_some_and(|s| s.active_in(month));
        had_one.then(|| {
            let signoff = self.signoffs.get(station);
            statement_standing(signoff, signoff.and_then(|s| self.resolutions.get(&s.uuid)))
        })
    }
}

/// R11's signing day for stations (the 12th).
pub fn sign_by_day() -> u32 {
    SCHEDULE
        .iter()
        .find(|s| s.step == Step::StationsSigned)
        .map_or(12, |s| s.due_day)
}

/// The month of `report` as of the plan's day: the engine's result, and
/// the facts it was made from. On a month's first morning no figure of the
/// month counts yet (a past month's first day may hold some).
fn evaluated(report: &MonthReport, policy: &Policy, day: PlanDay) -> Result<(MonthResult, MonthFacts), PlanError> {
    if day.figures_to.is_some() {
        return Ok((report.result.clone(), report.facts.clone()));
    }
    let mut facts = report.facts.clone();
    for s in &mut facts.stations {
        s.payments.clear();
        s.card = Default::default();
        s.referrals.clear();
    }
    let result = evaluate(policy, &facts).map_err(ReportError::from)?;
    Ok((result, facts))
}

/// The plan's inputs for the stations of one evaluated branch that `who`
/// plans for.
pub fn station_inputs(
    report: &MonthReport,
    result: &MonthResult,
    facts: &MonthFacts,
    who: &Who,
    visits: &Visits,
    statements: &Statements,
) -> Result<Vec<StationInput>, PlanError> {
    let version = &report.version;
    let progress = progress_of(facts);
    let facts_of: HashMap<&str, &crate::policy::StationFacts> =
        facts.stations.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut out = Vec::new();
    for s in result.stations.iter().filter(|s| who.plans_for(&s.maintainer)) {
        let Some(so_far) = facts_of.get(s.id.as_str()) else {
            continue;
        };
        let too_large = |field: String| PlanError::TooLarge(format!("{}: {field}", s.id));
        let payments = so_far
            .payment_count()
            .map_err(|category| too_large(format!("payments.{category}.count")))?;
        let projected = project_station(so_far, progress, version.rounding).map_err(|e| too_large(e.0))?;
        let maintenance = maintenance_if_valid(&projected, version).map_err(|e| too_large(e.0))?;
        let registry = report.stations.get(&s.id);
        out.push(StationInput {
            id: s.id.clone(),
            name: report.station_name(&s.id).to_string(),
            branch: s.branch.clone(),
            maintainer: s.maintainer.clone(),
            maintainer_name: report.person_name(&s.maintainer).to_string(),
            village: registry.and_then(|r| r.village.clone()),
            route_order: registry.and_then(|r| r.route_order),
            status: s.status,
            payments,
            card: version.card_for_validity(so_far.card.raw, so_far.card.valid),
            last_visit: visits.last_visit(&s.id),
            follow_up: visits.follow_up(&s.id),
            statement: statements.standing(report, &s.id),
            maintenance_if_valid: maintenance.total,
        });
    }
    Ok(out)
}

/// R5's thresholds of a version, the card count as validity counts it.
pub fn thresholds(version: &PolicyVersion) -> Thresholds {
    Thresholds {
        payments: version.validity.min_payments,
        card: version.validity.min_card,
    }
}

/// Today's plan for `person` (a maintainer or a branch manager) on
/// `today`: the visit list, and for a manager each branch's shortfall.
pub fn today_plan(
    store: &Store,
    policy: &Policy,
    person: &str,
    today: NaiveDate,
    settings: &PlanSettings,
) -> Result<TodayPlan, PlanError> {
    let who = Who::resolve(store, person)?;
    let day = PlanDay::find(store, today)?;
    let visits = Visits::load(store, today)?;
    let statements = Statements::load(store, day)?;
    let as_of = day.figures_to.unwrap_or_else(|| day.month.first_day());

    let mut stations = Vec::new();
    let mut branches = Vec::new();
    let mut person_name = person.to_string();
    let mut demo = false;
    let mut version = None;
    for branch in who.branches() {
        let report = build_report(store, policy, day.month, Some(as_of), Some(branch))?;
        let (result, facts) = evaluated(&report, policy, day)?;
        stations.extend(station_inputs(&report, &result, &facts, &who, &visits, &statements)?);
        person_name = report.person_name(person).to_string();
        demo = report.demo;
        for b in &result.branches {
            let Some(kind) = facts.branches.iter().find(|f| f.id == b.id).map(|f| f.kind) else {
                continue;
            };
            branches.push(BranchInput {
                id: b.id.clone(),
                name: report.branch_name(&b.id).to_string(),
                kind,
                plan: b.plan,
                stations: b.stations,
                valid: b.valid_stations,
                penalty: b.penalty,
            });
        }
        version = Some(report.version);
    }
    let version = match version {
        Some(v) => v,
        None => policy.version_for(day.month).map_err(ReportError::from)?.clone(),
    };
    let input = PlanInput {
        today,
        clock: day.clock(),
        thresholds: thresholds(&version),
        sign_by_day: sign_by_day(),
        stations,
    };
    let visits = plan_visits(&input, settings);
    let shortfalls = match who {
        Who::Manager { .. } => branches
            .iter()
            .map(|b| {
                close_shortfall(b, &input.stations, input.clock, input.thresholds, &version, settings)
                    .map_err(|_| PlanError::TooLarge(b.id.clone()))
            })
            .collect::<Result<_, _>>()?,
        Who::Maintainer { .. } => Vec::new(),
    };
    Ok(TodayPlan {
        who,
        person_name,
        day,
        demo,
        visits,
        shortfalls,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::month::parse_date;
    use crate::policy::Kind;
    use crate::records::{NewNote, NoteKind};
    use crate::store::registry::{Branch, Person, Station};

    fn day(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    fn store_with_two_stations() -> Store {
        let store = Store::open_in_memory().unwrap();
        for (id, name) in [("M1", "支局长"), ("W1", "维护一"), ("P9", "路人")] {
            store
                .upsert_person(&Person {
                    id: id.into(),
                    name: name.into(),
                    phone: None,
                    has_green_card: true,
                })
                .unwrap();
        }
        store
            .upsert_branch(&Branch {
                id: "B1".into(),
                name: "一支局".into(),
                kind: Kind::Rural,
                county_id: None,
                manager_id: "M1".into(),
            })
            .unwrap();
        store.add_branch_maintainer("B1", "W1").unwrap();
        for id in ["S1", "S2"] {
            store
                .upsert_station(&Station {
                    id: id.into(),
                    name: format!("{id}站"),
                    kind: Kind::Rural,
                    branch_id: "B1".into(),
                    maintainer_id: "W1".into(),
                    village: None,
                    village_households: None,
                    stations_in_village: 1,
                    route_order: None,
                    status: "open".into(),
                    has_terminal: true,
                    has_green_card: true,
                    opened_on: None,
                    closed_on: None,
                })
                .unwrap();
        }
        store
    }

    fn note(store: &Store, station: &str, visited: &str, follow_up: Option<&str>) {
        store
            .add_note(
                &NewNote {
                    station_id: station.into(),
                    author_id: "W1".into(),
                    visited_on: day(visited),
                    kind: NoteKind::Other,
                    body: "走访".into(),
                    follow_up_on: follow_up.map(day),
                },
                Utc.with_ymd_and_hms(2026, 11, 20, 1, 0, 0).unwrap(),
            )
            .unwrap();
    }

    #[test]
    fn the_latest_visit_known_that_day_sets_the_follow_up() {
        let store = store_with_two_stations();
        note(&store, "S1", "2026-11-01", Some("2026-11-10"));
        // A later visit without a follow-up closes the earlier one.
        note(&store, "S1", "2026-11-05", None);
        // Two notes of one visit: the earlier date.
        note(&store, "S2", "2026-11-03", Some("2026-11-20"));
        note(&store, "S2", "2026-11-03", Some("2026-11-12"));
        // A visit after the day planned for is not known yet.
        note(&store, "S2", "2026-11-25", None);

        let v = Visits::load(&store, day("2026-11-20")).unwrap();
        assert_eq!(v.last_visit("S1"), Some(day("2026-11-05")));
        assert_eq!(v.follow_up("S1"), None);
        assert_eq!(v.last_visit("S2"), Some(day("2026-11-03")));
        assert_eq!(v.follow_up("S2"), Some(day("2026-11-12")));
        // On the day before the later visit, the first one's follow-up stands.
        let before = Visits::load(&store, day("2026-11-04")).unwrap();
        assert_eq!(before.follow_up("S1"), Some(day("2026-11-10")));
        assert_eq!(Visits::load(&store, day("2026-10-31")).unwrap().last_visit("S1"), None);
    }

    #[test]
    fn who_is_a_manager_first_then_a_maintainer_and_nobody_else() {
        let store = store_with_two_stations();
        assert!(matches!(Who::resolve(&store, "M1").unwrap(), Who::Manager { branches, .. } if branches == ["B1"]));
        assert!(matches!(Who::resolve(&store, "W1").unwrap(), Who::Maintainer { .. }));
        assert!(matches!(Who::resolve(&store, "P9"), Err(PlanError::NotInABranch(_))));
        assert!(matches!(
            Who::resolve(&store, "county"),
            Err(PlanError::NotInABranch(_))
        ));
        assert!(matches!(Who::resolve(&store, "X1"), Err(PlanError::UnknownPerson(_))));
    }

    #[test]
    fn a_plan_day_needs_figures_of_its_month_up_to_the_day_before() {
        let store = store_with_two_stations();
        assert!(matches!(
            PlanDay::find(&store, day("2026-11-20")),
            Err(PlanError::NoFigures)
        ));
        for d in ["2026-10-31", "2026-11-03", "2026-11-10"] {
            store.add_daily_payment("S1", day(d), "mobile", 1, 100).unwrap();
        }
        let on = |d: &str| PlanDay::find(&store, day(d));
        assert_eq!(on("2026-11-20").unwrap().figures_to, Some(day("2026-11-10")));
        assert_eq!(on("2026-11-20").unwrap().clock().days_left(), 20);
        // The 10th's own figures are not known on its morning.
        assert_eq!(on("2026-11-10").unwrap().figures_to, Some(day("2026-11-03")));
        // The first morning of the month after the figures: nothing yet.
        let first = on("2026-12-01").unwrap();
        assert_eq!((first.figures_to, first.clock().days_left()), (None, 31));
        assert_eq!(on("2026-11-01").unwrap().figures_to, None);
        for outside in ["2026-11-02", "2026-12-02", "2026-10-31", "2027-01-01"] {
            let e = on(outside).unwrap_err();
            assert!(e.is_outside_the_figures(), "{outside}: {e}");
        }
        assert!(matches!(
            on("2026-12-02"),
            Err(PlanError::OutsideFigures { first, latest, .. }) if first == day("2026-10-31") && latest == day("2026-11-10")
        ));
    }
}
