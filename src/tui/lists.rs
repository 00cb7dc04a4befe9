//! What each list shows, in which order: the viewer's stations (filtered,
//! sorted), their visit notes, the branches, a branch's stations not yet
//! valid, and the calendar's to-do list. Pure reads of the app's state.

use chrono::NaiveDate;

use super::app::App;
use super::data::{risk_rank, signing_deadline, Viewer};
use super::names;
use super::state::{Screen, ScreenKind, SortMode};
use crate::payout::holds::StatementStanding;
use crate::plan::{Shortfall, TodayPlan};
use crate::policy::{BranchResult, StationResult};
use crate::records::VisitNote;

/// When a to-do is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Due {
    /// Past its day by this many days.
    Overdue(i64),
    Today,
    /// A later day.
    On(NaiveDate),
}

/// Something the person using the dashboard has to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TodoKind {
    /// A station's statement of `month` is not signed (or is disputed).
    Statement { month: crate::month::Month, disputed: bool },
    /// The station can still be made valid this month.
    AtRisk { payments: u64, card: u64, days_left: i64 },
    /// A note asked to come back on this day.
    FollowUp { note: String, first_line: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Todo {
    pub due: Due,
    pub station: String,
    pub kind: TodoKind,
}

impl App {
    /// "My stations" in the order and filter chosen.
    pub fn visible_stations(&self) -> Vec<&StationResult> {
        let data = self.data();
        self.visible.iter().filter_map(|id| data.station(id)).collect()
    }

    /// Stations of the viewer in the screen's order.
    pub(super) fn recompute_visible(&mut self) {
        let Some(viewer) = self.viewer.clone() else {
            self.visible.clear();
            return;
        };
        let data = self.data();
        let report = &data.report;
        let needle = self.filters.get(ScreenKind::MyStations).to_string();
        let mut rows: Vec<&StationResult> = report
            .result
            .stations
            .iter()
            .filter(|s| viewer.sees(s))
            .filter(|s| {
                names::matches(&needle, report.station_name(&s.id), &s.id)
                    || report.person_name(&s.maintainer).contains(needle.trim())
            })
            .collect();
        match self.sort {
            SortMode::Risk => rows.sort_by(|a, b| risk_rank(a).cmp(&risk_rank(b)).then(a.id.cmp(&b.id))),
            SortMode::Name => {
                let mut keyed: Vec<(String, &StationResult)> = rows
                    .into_iter()
                    .map(|s| (names::sort_key(report.station_name(&s.id)), s))
                    .collect();
                keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
                rows = keyed.into_iter().map(|(_, s)| s).collect();
            }
            SortMode::Reward => rows.sort_by(|a, b| b.reward.total.cmp(&a.reward.total).then(a.id.cmp(&b.id))),
            SortMode::LastVisit => rows.sort_by_key(|s| (data.last_visit.get(&s.id).copied(), s.id.clone())),
        }
        self.visible = rows.into_iter().map(|s| s.id.clone()).collect();
        self.clamp_cursors();
    }

    /// Whether a note is about one of the viewer's stations.
    fn is_mine(&self, note: &VisitNote) -> bool {
        match &self.viewer {
            Some(viewer) => self.data().station(&note.station_id).is_some_and(|s| viewer.sees(s)),
            None => false,
        }
    }

    /// Notes of my stations, newest first, filtered on the visits screen.
    pub fn visible_notes(&self) -> Vec<&VisitNote> {
        let needle = self.filters.get(ScreenKind::Visits).trim().to_lowercase();
        let report = &self.data().report;
        self.notes
            .iter()
            .filter(|n| self.is_mine(n))
            .filter(|n| {
                needle.is_empty()
                    || n.body.to_lowercase().contains(&needle)
                    || names::matches(&needle, report.station_name(&n.station_id), &n.station_id)
                    || report.person_name(&n.author_id).contains(&needle)
            })
            .collect()
    }

    /// One station's notes, newest first.
    pub fn station_notes(&self, id: &str) -> Vec<&VisitNote> {
        self.notes.iter().filter(|n| n.station_id == id).collect()
    }

    /// The branch the branch screen shows by default.
    pub(super) fn my_branch(&self) -> Option<String> {
        self.viewer.as_ref().and_then(|v| v.branch().map(String::from))
    }

    /// Branches ranked by risk: shortfall, then at-risk stations;
    /// filtered on the county screen.
    pub fn ranked_branches(&self) -> Vec<&BranchResult> {
        let data = self.data();
        let needle = self.filters.get(ScreenKind::County).trim().to_lowercase();
        let mut branches: Vec<&BranchResult> = data
            .report
            .result
            .branches
            .iter()
            .filter(|b| names::matches(&needle, data.report.branch_name(&b.id), &b.id))
            .collect();
        branches.sort_by(|a, b| {
            b.shortfall
                .cmp(&a.shortfall)
                .then(data.at_risk(&b.id).cmp(&data.at_risk(&a.id)))
                .then(a.id.cmp(&b.id))
        });
        branches
    }

    /// Stations of a branch not yet valid, grouped by maintainer (in
    /// pinyin order of their names), most at risk first within each.
    pub fn branch_at_risk(&self, branch: &str) -> Vec<&StationResult> {
        let report = &self.data().report;
        let needle = self.filters.get(ScreenKind::Branch).to_string();
        let mut rows: Vec<&StationResult> = report
            .result
            .stations
            .iter()
            .filter(|s| s.branch == branch && risk_rank(s).0 < 2)
            .filter(|s| {
                names::matches(&needle, report.station_name(&s.id), &s.id)
                    || report.person_name(&s.maintainer).contains(needle.trim())
            })
            .collect();
        rows.sort_by(|a, b| {
            names::pinyin_cmp(report.person_name(&a.maintainer), report.person_name(&b.maintainer))
                .then(risk_rank(a).cmp(&risk_rank(b)))
                .then(a.id.cmp(&b.id))
        });
        rows
    }

    /// The calendar's to-do list for the person using it: unsigned
    /// statements (due the 12th), follow-ups of notes due within a week
    /// or overdue, stations still to be made valid this month; overdue
    /// first, then by day.
    pub fn todos(&self) -> Vec<Todo> {
        let Some(viewer) = &self.viewer else {
            return Vec::new();
        };
        let data = self.data();
        let today = self.today;
        let due = |day: NaiveDate| {
            let late = (today - day).num_days();
            if late > 0 {
                Due::Overdue(late)
            } else if late == 0 {
                Due::Today
            } else {
                Due::On(day)
            }
        };
        let mine: Vec<&StationResult> = data.report.result.stations.iter().filter(|s| viewer.sees(s)).collect();
        let mut todos = Vec::new();
        let deadline = signing_deadline(data.statement_month);
        for s in &mine {
            // A dispute the county answered is done; an open one is not.
            let standing = data.standing(&s.id);
            let disputed = standing == StatementStanding::Disputed;
            if standing == StatementStanding::Unsigned || disputed {
                todos.push(Todo {
                    due: due(deadline),
                    station: s.id.clone(),
                    kind: TodoKind::Statement {
                        month: data.statement_month,
                        disputed,
                    },
                });
            }
        }
        let week = today + chrono::Days::new(7);
        for note in self.notes.iter().filter(|n| self.is_mine(n)) {
            let Some(day) = note.follow_up_on else { continue };
            // Done once the station has a visit on or after that day.
            let visited = self
                .notes
                .iter()
                .any(|n| n.station_id == note.station_id && n.visited_on >= day);
            if visited || day > week {
                continue;
            }
            todos.push(Todo {
                due: due(day),
                station: note.station_id.clone(),
                kind: TodoKind::FollowUp {
                    note: note.uuid.clone(),
                    first_line: note.body.lines().next().unwrap_or("").to_string(),
                },
            });
        }
        if data.report.result.projected {
            let end = self.month.last_day();
            let days_left = (end - data.report.result.as_of).num_days();
            let mut at_risk: Vec<&&StationResult> = mine.iter().filter(|s| risk_rank(s).0 == 0).collect();
            at_risk.sort_by(|a, b| risk_rank(a).cmp(&risk_rank(b)).then(a.id.cmp(&b.id)));
            for s in at_risk {
                todos.push(Todo {
                    due: due(end),
                    station: s.id.clone(),
                    kind: TodoKind::AtRisk {
                        payments: s.needed_per_day.payments,
                        card: s.needed_per_day.card,
                        days_left,
                    },
                });
            }
        }
        // Overdue first (the longest overdue first), then by day; a
        // stable sort keeps each kind's own order within a day.
        todos.sort_by_key(|t| match t.due {
            Due::Overdue(days) => (0, -days, today),
            Due::Today => (1, 0, today),
            Due::On(day) => (2, 0, day),
        });
        todos
    }

    /// The viewer's plan for today, once made.
    pub fn my_plan(&self) -> Option<&Result<Box<TodayPlan>, String>> {
        let person = self.viewer.as_ref()?.person()?;
        self.plan_of(person)
    }

    /// The shortfall list the branch screen shows: today's month, a plan
    /// not met, its manager's plan made.
    pub fn branch_shortfall(&self, branch: &str) -> Option<&Shortfall> {
        if self.month != crate::month::Month::of(self.today) {
            return None;
        }
        let manager = self.branch_manager(branch)?;
        let plan = self.plan_of(&manager)?.as_ref().ok()?;
        plan.shortfalls
            .iter()
            .find(|s| s.branch.id == branch && s.shortfall > 0)
    }

    /// The stations a branch screen's list opens, in its order.
    pub fn branch_list_stations(&self, branch: &str) -> Vec<String> {
        match self.branch_shortfall(branch) {
            Some(s) => s.within_reach().iter().map(|c| c.station.id.clone()).collect(),
            None => self.branch_at_risk(branch).iter().map(|s| s.id.clone()).collect(),
        }
    }

    /// The stations the plan screen's list opens, in its order.
    pub fn plan_list_stations(&self) -> Vec<String> {
        match self.my_plan() {
            Some(Ok(plan)) => plan_targets(plan),
            _ => Vec::new(),
        }
    }

    /// The length of the list on the current screen.
    pub(super) fn list_len(&self) -> usize {
        match self.screen() {
            Screen::MyStations => self.visible.len(),
            Screen::County => self.ranked_branches().len(),
            Screen::Branch { id, .. } => self.branch_list_stations(id).len(),
            Screen::Plan => self.plan_list_stations().len(),
            Screen::Visits => self.visible_notes().len(),
            Screen::StationDetail { id, pane: 1 } => self.station_notes(id).len(),
            Screen::Calendar => self.todos().len(),
            Screen::StationDetail { .. } => 0,
        }
    }

    pub(super) fn cursor_mut(&mut self) -> Option<&mut super::state::ListCursor> {
        let c = &mut self.cursors;
        match self.stack.last()? {
            Screen::MyStations => Some(&mut c.stations),
            Screen::County => Some(&mut c.county),
            Screen::Branch { .. } => Some(&mut c.branch),
            Screen::Visits => Some(&mut c.visits),
            Screen::StationDetail { pane: 1, .. } => Some(&mut c.station_notes),
            Screen::Calendar => Some(&mut c.calendar),
            Screen::Plan => Some(&mut c.plan),
            Screen::StationDetail { .. } => None,
        }
    }

    /// Keeps the current list's cursor on a row after its list changed.
    pub(super) fn clamp_cursors(&mut self) {
        let len = self.list_len();
        let height = self.hits.get().list.height as usize;
        if let Some(cursor) = self.cursor_mut() {
            cursor.clamp(len);
            cursor.scroll_into_view(height);
        }
        let stations = self.visible.len();
        self.cursors.stations.clamp(stations);
    }

    /// Whether the viewer is a maintainer (whose lists need no
    /// maintainer or author column).
    pub fn is_maintainer(&self) -> bool {
        matches!(self.viewer, Some(Viewer::Maintainer { .. }))
    }
}

/// A plan's stations in the order its screen lists them: each
/// maintainer's stops in route order, then each shortfall's stations
/// within reach.
pub fn plan_targets(plan: &TodayPlan) -> Vec<String> {
    let stops = plan
        .visits
        .maintainers
        .iter()
        .flat_map(|m| m.route.iter().map(|s| s.station.id.clone()));
    let closing = plan
        .shortfalls
        .iter()
        .filter(|s| s.shortfall > 0)
        .flat_map(|s| s.within_reach().iter().map(|c| c.station.id.clone()));
    stops.chain(closing).collect()
}
