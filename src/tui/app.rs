//! The dashboard's state and `update`: key actions change plain state;
//! views only draw it. Tested without a terminal.

use std::cell::Cell;
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::data::{risk_rank, MonthData, Viewer};
use super::editor::{NoteEditor, Prompt, PromptKind};
use super::keys::{action_for, Action};
use crate::i18n::{Lang, Text};
use crate::month::Month;
use crate::policy::{Policy, StationResult};
use crate::store::notes::{NewSignoff, Outcome, VisitNote};
use crate::store::Store;

/// A station's month day by day: (payments, valid card transactions).
pub type StationDays = std::collections::BTreeMap<NaiveDate, (u64, u64)>;

/// Which screen, for the key table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScreenKind {
    MyStations,
    StationDetail,
    Branch,
    County,
    Visits,
    Calendar,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    MyStations,
    StationDetail { id: String, pane: usize },
    Branch { id: String, pane: usize },
    County,
    Visits,
    Calendar,
}

impl Screen {
    pub fn kind(&self) -> ScreenKind {
        match self {
            Screen::MyStations => ScreenKind::MyStations,
            Screen::StationDetail { .. } => ScreenKind::StationDetail,
            Screen::Branch { .. } => ScreenKind::Branch,
            Screen::County => ScreenKind::County,
            Screen::Visits => ScreenKind::Visits,
            Screen::Calendar => ScreenKind::Calendar,
        }
    }
}

/// How "my stations" is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortMode {
    Risk,
    Name,
    Reward,
    LastVisit,
}

impl SortMode {
    pub fn next(self) -> SortMode {
        match self {
            SortMode::Risk => SortMode::Name,
            SortMode::Name => SortMode::Reward,
            SortMode::Reward => SortMode::LastVisit,
            SortMode::LastVisit => SortMode::Risk,
        }
    }

    pub fn text(self) -> Text {
        match self {
            SortMode::Risk => Text::SortRisk,
            SortMode::Name => Text::SortName,
            SortMode::Reward => Text::SortReward,
            SortMode::LastVisit => Text::SortLastVisit,
        }
    }
}

/// A scrolling list's cursor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCursor {
    pub selected: usize,
    pub offset: usize,
}

impl ListCursor {
    pub fn clamp(&mut self, len: usize) {
        if len == 0 {
            self.selected = 0;
        } else if self.selected >= len {
            self.selected = len - 1;
        }
    }

    fn step(&mut self, delta: isize, len: usize) {
        if len == 0 {
            return;
        }
        let next = self.selected as isize + delta;
        self.selected = next.clamp(0, len as isize - 1) as usize;
    }

    /// Keeps the selection within `height` rows from the offset.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
    }
}

/// The sync state as the header shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncView {
    pub last_success: Option<String>,
    pub offline_since: Option<String>,
    pub pending: u64,
    pub running: bool,
    pub configured: bool,
}

/// The person picker of the first run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    /// (id, name, role words)
    pub choices: Vec<(String, String, Text)>,
    pub cursor: ListCursor,
}

/// Screen areas the last frame drew, for mouse clicks and paging.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HitMap {
    /// Rows of the main list (first row of data, not the header).
    pub list: Rect,
}

pub struct App {
    pub store: Store,
    pub policy: Policy,
    pub lang: Lang,
    pub theme: super::theme::Theme,
    pub viewer: Option<Viewer>,
    pub today: NaiveDate,
    pub month: Month,
    cache: HashMap<Month, MonthData>,
    pub stack: Vec<Screen>,
    pub stations: ListCursor,
    pub county: ListCursor,
    pub branch_list: ListCursor,
    pub visits: ListCursor,
    pub filter: String,
    pub filtering: bool,
    pub sort: SortMode,
    pub help: bool,
    pub editor: Option<NoteEditor>,
    pub prompt: Option<Prompt>,
    pub picker: Option<Picker>,
    pub flash: Option<String>,
    pub sync: SyncView,
    pub notes: Vec<VisitNote>,
    pub demo: bool,
    pub quit: bool,
    /// Written by the views while drawing; read by mouse handling.
    pub hits: Cell<HitMap>,
    /// Visible rows of "my stations", as station ids in order.
    visible: Vec<String>,
    /// Set when the config should record the picked person.
    pub picked_person: Option<String>,
    /// Sync with the county server, when one is configured.
    pub background: Option<super::background::BackgroundSync>,
    /// The user pressed the sync key: report how it went, offline too.
    sync_requested: bool,
    /// The open station's month day by day (station, month, days), read
    /// when the station or month changes, not on every frame.
    station_days: Option<(String, Month, StationDays)>,
}

/// What went wrong loading the dashboard.
pub type LoadError = crate::report::ReportError;

impl App {
    /// Opens the dashboard for a person (None: the picker asks).
    pub fn new(store: Store, policy: Policy, lang: Lang, person: Option<&str>) -> Result<App, LoadError> {
        let today = store.today()?;
        let month = store.default_month()?;
        let demo = store.is_demo()? || store.sync_status()?.server_demo;
        let viewer = match person {
            Some(p) => Viewer::resolve(&store, p)?,
            None => None,
        };
        let mut app = App {
            store,
            policy,
            lang,
            theme: super::theme::Theme { colour: true },
            viewer: None,
            today,
            month,
            cache: HashMap::new(),
            stack: vec![Screen::MyStations],
            stations: ListCursor::default(),
            county: ListCursor::default(),
            branch_list: ListCursor::default(),
            visits: ListCursor::default(),
            filter: String::new(),
            filtering: false,
            sort: SortMode::Risk,
            help: false,
            editor: None,
            prompt: None,
            picker: None,
            flash: None,
            sync: SyncView::default(),
            notes: Vec::new(),
            demo,
            quit: false,
            hits: Cell::new(HitMap::default()),
            visible: Vec::new(),
            picked_person: None,
            background: None,
            sync_requested: false,
            station_days: None,
        };
        app.viewer = viewer.clone();
        app.load_month(month)?;
        app.reload_notes()?;
        app.refresh_sync()?;
        match viewer {
            Some(v) => app.set_viewer(v),
            None => {
                if let Some(p) = person {
                    app.flash = Some(format!("{}: {p}", Text::UnknownPerson.get(lang)));
                }
                app.open_picker()?;
            }
        }
        Ok(app)
    }

    fn open_picker(&mut self) -> Result<(), LoadError> {
        let mut choices = Vec::new();
        let names: HashMap<String, String> = self.store.people()?.into_iter().map(|p| (p.id, p.name)).collect();
        for branch in self.store.branches()? {
            for m in self.store.branch_maintainers(&branch.id)? {
                let name = names.get(&m).cloned().unwrap_or_default();
                choices.push((m, format!("{name} · {}", branch.name), Text::RoleMaintainer));
            }
            let name = names.get(&branch.manager_id).cloned().unwrap_or_default();
            choices.push((
                branch.manager_id.clone(),
                format!("{name} · {}", branch.name),
                Text::RoleManager,
            ));
        }
        choices.push(("county".into(), String::new(), Text::RoleCounty));
        self.picker = Some(Picker {
            choices,
            cursor: ListCursor::default(),
        });
        Ok(())
    }

    fn set_viewer(&mut self, viewer: Viewer) {
        self.stack = vec![match viewer {
            Viewer::County => Screen::County,
            _ => Screen::MyStations,
        }];
        let scope_changed = self.viewer.as_ref().map(Viewer::branch) != Some(viewer.branch());
        self.viewer = Some(viewer);
        if scope_changed {
            // Months loaded for another scope (the picker loads all).
            if let Err(e) = self.reload() {
                self.flash = Some(e.to_string());
            }
        }
        self.recompute_visible();
    }

    /// Evaluates a month (once; later visits come from the cache).
    pub fn load_month(&mut self, month: Month) -> Result<(), LoadError> {
        if !self.cache.contains_key(&month) {
            let branch = self.viewer.as_ref().and_then(|v| v.branch().map(String::from));
            let data = MonthData::load(&self.store, &self.policy, month, branch.as_deref())?;
            self.cache.insert(month, data);
        }
        self.month = month;
        self.recompute_visible();
        Ok(())
    }

    /// Drops cached months after a write, and reloads the current one.
    fn reload(&mut self) -> Result<(), LoadError> {
        self.cache.clear();
        self.station_days = None;
        self.load_month(self.month)?;
        self.reload_notes()?;
        self.refresh_sync()
    }

    pub fn reload_notes(&mut self) -> Result<(), LoadError> {
        let mut notes = self.store.notes(None)?;
        if let Some(viewer) = &self.viewer {
            let data = &self.cache[&self.month];
            notes.retain(|n| data.station(&n.station_id).is_some_and(|s| viewer.sees(s)));
        }
        self.notes = notes;
        self.visits.clamp(self.visible_notes().len());
        Ok(())
    }

    /// Re-reads the sync state from the store.
    pub fn refresh_sync(&mut self) -> Result<(), LoadError> {
        let (last_success, offline_since): (Option<String>, Option<String>) = self
            .store
            .conn()
            .query_row(
                "SELECT last_success_at, offline_since FROM sync_state WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(crate::store::StoreError::from)?;
        self.sync.last_success = last_success;
        self.sync.offline_since = offline_since;
        self.sync.pending = self.store.pending_count()?;
        Ok(())
    }

    pub fn data(&self) -> &MonthData {
        &self.cache[&self.month]
    }

    pub fn screen(&self) -> &Screen {
        self.stack.last().expect("the stack always holds a screen")
    }

    /// "My stations" in the order and filter chosen.
    pub fn visible_stations(&self) -> Vec<&StationResult> {
        let data = self.data();
        self.visible.iter().filter_map(|id| data.station(id)).collect()
    }

    fn recompute_visible(&mut self) {
        let Some(viewer) = self.viewer.clone() else {
            self.visible.clear();
            return;
        };
        let data = &self.cache[&self.month];
        let needle = self.filter.to_lowercase();
        let mut rows: Vec<&StationResult> = data
            .report
            .result
            .stations
            .iter()
            .filter(|s| viewer.sees(s))
            .filter(|s| {
                needle.is_empty()
                    || s.id.to_lowercase().contains(&needle)
                    || data.report.station_name(&s.id).to_lowercase().contains(&needle)
                    || data.report.person_name(&s.maintainer).contains(&needle)
            })
            .collect();
        match self.sort {
            SortMode::Risk => rows.sort_by(|a, b| risk_rank(a).cmp(&risk_rank(b)).then(a.id.cmp(&b.id))),
            SortMode::Name => rows.sort_by(|a, b| data.report.station_name(&a.id).cmp(data.report.station_name(&b.id))),
            SortMode::Reward => rows.sort_by(|a, b| b.reward.total.cmp(&a.reward.total).then(a.id.cmp(&b.id))),
            SortMode::LastVisit => rows.sort_by_key(|s| (data.last_visit.get(&s.id).copied(), s.id.clone())),
        }
        self.visible = rows.into_iter().map(|s| s.id.clone()).collect();
        self.stations.clamp(self.visible.len());
    }

    /// Branches ranked by risk: shortfall, then at-risk stations.
    pub fn ranked_branches(&self) -> Vec<&crate::policy::BranchResult> {
        let data = self.data();
        let mut branches: Vec<&crate::policy::BranchResult> = data.report.result.branches.iter().collect();
        branches.sort_by(|a, b| {
            b.shortfall
                .cmp(&a.shortfall)
                .then(data.at_risk(&b.id).cmp(&data.at_risk(&a.id)))
                .then(a.id.cmp(&b.id))
        });
        branches
    }

    /// Notes of my stations, filtered.
    pub fn visible_notes(&self) -> Vec<&VisitNote> {
        let needle = self.filter.to_lowercase();
        self.notes
            .iter()
            .filter(|n| {
                needle.is_empty()
                    || n.body.to_lowercase().contains(&needle)
                    || n.station_id.to_lowercase().contains(&needle)
                    || self.data().report.station_name(&n.station_id).contains(&needle)
            })
            .collect()
    }

    /// The branch the branch screen shows by default.
    fn my_branch(&self) -> Option<String> {
        self.viewer.as_ref().and_then(|v| v.branch().map(String::from))
    }

    /// Stations in the branch screen's at-risk list, grouped by maintainer.
    pub fn branch_at_risk(&self, branch: &str) -> Vec<&StationResult> {
        let mut rows: Vec<&StationResult> = self
            .data()
            .report
            .result
            .stations
            .iter()
            .filter(|s| s.branch == branch && risk_rank(s).0 < 2)
            .collect();
        rows.sort_by(|a, b| a.maintainer.cmp(&b.maintainer).then(risk_rank(a).cmp(&risk_rank(b))));
        rows
    }

    // ----- update -----

    /// Handles one key.
    pub fn on_key(&mut self, key: KeyEvent) {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return;
        }
        self.flash = None;
        if self.picker.is_some() {
            self.on_picker_key(key);
        } else if self.editor.is_some() {
            self.on_editor_key(key);
        } else if self.prompt.is_some() {
            self.on_prompt_key(key);
        } else if self.help {
            // Any key closes the help.
            self.help = false;
        } else if self.filtering {
            self.on_filter_key(key);
        } else if let Some(action) = action_for(&key, self.screen().kind()) {
            if let Err(e) = self.apply(action) {
                self.flash = Some(e.to_string());
            }
        }
    }

    fn on_filter_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => {
                self.filter.clear();
                self.filtering = false;
            }
            KeyCode::Enter => self.filtering = false,
            KeyCode::Backspace => {
                self.filter.pop();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => self.filter.push(c),
            _ => {}
        }
        self.stations.selected = 0;
        self.stations.offset = 0;
        self.visits.selected = 0;
        self.visits.offset = 0;
        self.recompute_visible();
    }

    fn on_picker_key(&mut self, key: KeyEvent) {
        let Some(picker) = self.picker.as_mut() else {
            return;
        };
        let len = picker.choices.len();
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => picker.cursor.step(-1, len),
            KeyCode::Down | KeyCode::Char('j') => picker.cursor.step(1, len),
            KeyCode::Enter => {
                let id = picker.choices[picker.cursor.selected].0.clone();
                self.picker = None;
                match Viewer::resolve(&self.store, &id) {
                    Ok(Some(viewer)) => {
                        self.picked_person = Some(id);
                        self.set_viewer(viewer);
                    }
                    Ok(None) => self.flash = Some(format!("{}: {id}", Text::UnknownPerson.get(self.lang))),
                    Err(e) => self.flash = Some(e.to_string()),
                }
            }
            KeyCode::Esc | KeyCode::Char('q') => self.quit = true,
            _ => {}
        }
    }

    fn on_editor_key(&mut self, key: KeyEvent) {
        let Some(editor) = self.editor.as_mut() else {
            return;
        };
        match editor.on_key(key) {
            super::editor::EditorOutcome::Continue => {}
            super::editor::EditorOutcome::Cancel => self.editor = None,
            super::editor::EditorOutcome::Save => {
                let editor = self.editor.as_ref().expect("checked above");
                match editor.save(&self.store, Utc::now(), self.lang) {
                    Ok(_) => {
                        self.editor = None;
                        self.flash = Some(Text::NoteSaved.get(self.lang).to_string());
                        if let Err(e) = self.reload() {
                            self.flash = Some(e.to_string());
                        }
                    }
                    Err(message) => {
                        if let Some(editor) = self.editor.as_mut() {
                            editor.error = Some(message);
                        }
                    }
                }
            }
        }
    }

    fn on_prompt_key(&mut self, key: KeyEvent) {
        let Some(prompt) = self.prompt.as_mut() else {
            return;
        };
        match prompt.on_key(key) {
            super::editor::EditorOutcome::Continue => {}
            super::editor::EditorOutcome::Cancel => self.prompt = None,
            super::editor::EditorOutcome::Save => {
                let prompt = self.prompt.take().expect("checked above");
                let (outcome, reason) = match prompt.kind {
                    PromptKind::SignOff => (Outcome::Signed, None),
                    PromptKind::Dispute => (Outcome::Disputed, Some(prompt.reason())),
                };
                let author = self.viewer.as_ref().and_then(|v| v.person().map(String::from));
                let Some(author) = author else {
                    self.flash = Some(Text::CountyCannotSign.get(self.lang).to_string());
                    return;
                };
                let new = NewSignoff {
                    station_id: prompt.station.clone(),
                    month: prompt.month,
                    author_id: author,
                    outcome,
                    reason,
                    signed_on: self.today,
                };
                match self.store.record_signoff(&new, Utc::now()) {
                    Ok(_) => {
                        self.flash = Some(Text::SignoffSaved.get(self.lang).to_string());
                        if let Err(e) = self.reload() {
                            self.flash = Some(e.to_string());
                        }
                    }
                    Err(e) => {
                        let mut prompt = prompt;
                        prompt.error = Some(e.to_string());
                        self.prompt = Some(prompt);
                    }
                }
            }
        }
    }

    /// The length of the list on the current screen.
    fn list_len(&self) -> usize {
        match self.screen() {
            Screen::MyStations => self.visible.len(),
            Screen::County => self.data().report.result.branches.len(),
            Screen::Branch { id, .. } => self.branch_at_risk(id).len(),
            Screen::Visits => self.visible_notes().len(),
            _ => 0,
        }
    }

    fn cursor_mut(&mut self) -> Option<&mut ListCursor> {
        match self.stack.last()? {
            Screen::MyStations => Some(&mut self.stations),
            Screen::County => Some(&mut self.county),
            Screen::Branch { .. } => Some(&mut self.branch_list),
            Screen::Visits => Some(&mut self.visits),
            _ => None,
        }
    }

    fn page(&self) -> isize {
        self.hits.get().list.height.max(1) as isize
    }

    fn apply(&mut self, action: Action) -> Result<(), LoadError> {
        let len = self.list_len();
        let page = self.page();
        match action {
            Action::Quit => {
                if self.stack.len() > 1 {
                    self.stack.pop();
                } else {
                    self.quit = true;
                }
            }
            Action::Back => {
                if self.stack.len() > 1 {
                    self.stack.pop();
                }
            }
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Home | Action::End => {
                let delta = match action {
                    Action::Up => -1,
                    Action::Down => 1,
                    Action::PageUp => -page,
                    Action::PageDown => page,
                    Action::Home => -(len as isize),
                    _ => len as isize,
                };
                if let Some(cursor) = self.cursor_mut() {
                    cursor.step(delta, len);
                }
            }
            Action::Open => self.open_selected(),
            Action::NextPane => {
                if let Some(Screen::StationDetail { pane, .. } | Screen::Branch { pane, .. }) = self.stack.last_mut() {
                    *pane = (*pane + 1) % 2;
                }
            }
            Action::PrevMonth => {
                let month = self.month.prev();
                self.load_month(month)?;
            }
            Action::NextMonth => {
                // Not past the month of today: there is nothing there yet.
                let month = self.month.next();
                if month <= Month::of(self.today) {
                    self.load_month(month)?;
                }
            }
            Action::Filter => self.filtering = true,
            Action::CycleSort => {
                self.sort = self.sort.next();
                self.recompute_visible();
            }
            Action::Help => self.help = true,
            Action::ShowStations => {
                let top = match self.viewer {
                    Some(Viewer::County) => Screen::County,
                    _ => Screen::MyStations,
                };
                self.stack = vec![top];
            }
            Action::ShowBranch => match self.my_branch() {
                Some(id) => self.push_root(Screen::Branch { id, pane: 0 }),
                None => self.stack = vec![Screen::County],
            },
            Action::ShowVisits => self.push_root(Screen::Visits),
            Action::ShowCalendar => self.push_root(Screen::Calendar),
            Action::NewNote => self.new_note(),
            Action::EditNote => {
                let note = self.visible_notes().get(self.visits.selected).map(|n| (*n).clone());
                if let Some(note) = note {
                    self.editor = Some(NoteEditor::edit(&note, self.stations_for_editor()));
                }
            }
            Action::SignOff | Action::Dispute => {
                if let Screen::StationDetail { id, .. } = self.screen() {
                    let kind = if action == Action::SignOff {
                        PromptKind::SignOff
                    } else {
                        PromptKind::Dispute
                    };
                    self.prompt = Some(Prompt::new(kind, id.clone(), self.month.prev()));
                }
            }
            Action::Sync => match self.background.as_mut() {
                Some(background) => {
                    background.request(std::time::Instant::now());
                    self.sync_requested = true;
                    self.flash = Some(Text::Syncing.get(self.lang).to_string());
                }
                None if self.demo && !self.sync.configured => {
                    self.flash = Some(Text::DemoNoSync.get(self.lang).to_string())
                }
                None => self.flash = Some(Text::SyncNotConfigured.get(self.lang).to_string()),
            },
        }
        // The screen may have changed: clamp to its own list.
        let len = self.list_len();
        if let Some(cursor) = self.cursor_mut() {
            cursor.clamp(len);
        }
        Ok(())
    }

    /// Keeps the root screen under a pushed one, so Esc returns to it.
    fn push_root(&mut self, screen: Screen) {
        let root = self.stack[0].clone();
        self.stack = vec![root];
        if self.stack[0] != screen {
            self.stack.push(screen);
        }
    }

    fn open_selected(&mut self) {
        match self.screen().clone() {
            Screen::MyStations => {
                if let Some(id) = self.visible.get(self.stations.selected).cloned() {
                    self.stack.push(Screen::StationDetail { id, pane: 0 });
                }
            }
            Screen::County => {
                let id = self.ranked_branches().get(self.county.selected).map(|b| b.id.clone());
                if let Some(id) = id {
                    self.branch_list = ListCursor::default();
                    self.stack.push(Screen::Branch { id, pane: 0 });
                }
            }
            Screen::Branch { id, .. } => {
                let station = self
                    .branch_at_risk(&id)
                    .get(self.branch_list.selected)
                    .map(|s| s.id.clone());
                if let Some(station) = station {
                    self.stack.push(Screen::StationDetail { id: station, pane: 0 });
                }
            }
            Screen::Visits => {
                let station = self
                    .visible_notes()
                    .get(self.visits.selected)
                    .map(|n| n.station_id.clone());
                if let Some(id) = station {
                    self.stack.push(Screen::StationDetail { id, pane: 1 });
                }
            }
            _ => {}
        }
    }

    /// My stations as (id, name), for the editor's station field.
    fn stations_for_editor(&self) -> Vec<(String, String)> {
        let data = self.data();
        let viewer = self.viewer.clone();
        let mut list: Vec<(String, String)> = data
            .report
            .result
            .stations
            .iter()
            .filter(|s| viewer.as_ref().is_none_or(|v| v.sees(s)))
            .map(|s| (s.id.clone(), data.report.station_name(&s.id).to_string()))
            .collect();
        list.sort();
        list
    }

    fn new_note(&mut self) {
        let Some(author) = self.viewer.as_ref().and_then(|v| v.person().map(String::from)) else {
            self.flash = Some(Text::CountyCannotSign.get(self.lang).to_string());
            return;
        };
        let station = match self.screen() {
            Screen::StationDetail { id, .. } => Some(id.clone()),
            Screen::MyStations => self.visible.get(self.stations.selected).cloned(),
            _ => None,
        };
        self.editor = Some(NoteEditor::new(author, station, self.today, self.stations_for_editor()));
    }

    /// Reads the open station's days if the station or month changed since.
    pub fn refresh_station_days(&mut self) {
        let Screen::StationDetail { id, .. } = self.screen() else {
            return;
        };
        let current = self
            .station_days
            .as_ref()
            .is_some_and(|(s, m, _)| s == id && *m == self.month);
        if !current {
            let id = id.clone();
            match self.store.station_days(&id, self.month) {
                Ok(days) => self.station_days = Some((id, self.month, days)),
                Err(e) => self.flash = Some(e.to_string()),
            }
        }
    }

    /// The open station's payments and valid card transactions per day.
    pub fn station_days(&self, id: &str) -> Option<&StationDays> {
        self.station_days
            .as_ref()
            .filter(|(s, m, _)| s == id && *m == self.month)
            .map(|(_, _, days)| days)
    }

    /// Pasted text: into the editor, the prompt or the filter.
    pub fn on_paste(&mut self, text: &str) {
        if let Some(editor) = self.editor.as_mut() {
            editor.on_paste(text);
        } else if let Some(prompt) = self.prompt.as_mut() {
            prompt.reason.insert_str(text.replace(['\n', '\r'], " "));
        } else if self.filtering {
            self.filter.push_str(text.trim());
            self.recompute_visible();
        }
    }

    /// Called between events: starts a due background sync and takes in
    /// one that finished.
    pub fn tick(&mut self) {
        self.tick_at(std::time::Instant::now());
    }

    pub fn tick_at(&mut self, now: std::time::Instant) {
        use super::background::SyncOutcome;
        let Some(background) = self.background.as_mut() else {
            return;
        };
        let outcome = background.poll(now);
        self.sync.running = background.running();
        let Some(outcome) = outcome else { return };
        let requested = std::mem::take(&mut self.sync_requested);
        match outcome {
            SyncOutcome::Done(report) => {
                let mut message = format!(
                    "{}: {} {}, {} {}",
                    Text::SyncDone.get(self.lang),
                    Text::Pushed.get(self.lang),
                    report.pushed,
                    Text::Pulled.get(self.lang),
                    report.pulled_rows
                );
                if !report.rejected.is_empty() {
                    message.push_str(&format!(
                        ", {} {}",
                        Text::Rejected.get(self.lang),
                        report.rejected.len()
                    ));
                }
                if requested || report.pulled_rows > 0 || !report.rejected.is_empty() {
                    self.flash = Some(message);
                }
                if let Err(e) = self.reload() {
                    self.flash = Some(e.to_string());
                }
            }
            SyncOutcome::Offline(message) | SyncOutcome::Failed(message) => {
                if requested {
                    self.flash = Some(message);
                }
            }
        }
        if let Err(e) = self.refresh_sync() {
            self.flash = Some(e.to_string());
        }
    }

    /// Handles the mouse: the wheel scrolls, a click selects (twice opens).
    pub fn on_mouse(&mut self, event: MouseEvent) {
        if self.editor.is_some() || self.prompt.is_some() || self.picker.is_some() || self.help {
            return;
        }
        let len = self.list_len();
        match event.kind {
            MouseEventKind::ScrollDown => {
                if let Some(c) = self.cursor_mut() {
                    c.step(3, len);
                }
            }
            MouseEventKind::ScrollUp => {
                if let Some(c) = self.cursor_mut() {
                    c.step(-3, len);
                }
            }
            MouseEventKind::Down(_) => {
                let list = self.hits.get().list;
                let inside = event.column >= list.x
                    && event.column < list.x + list.width
                    && event.row >= list.y
                    && event.row < list.y + list.height;
                if inside {
                    if let Some(c) = self.cursor_mut() {
                        let row = c.offset + (event.row - list.y) as usize;
                        if row < len {
                            let again = c.selected == row;
                            c.selected = row;
                            if again {
                                self.open_selected();
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}
