//! The dashboard's state and `update`. `update` takes a `Msg` (a key,
//! the mouse, pasted text, the clock, or the worker's answer), changes
//! plain state and returns the `Effect`s the worker must run; it never
//! touches the database. Keys are handled in `navigate` (screens and
//! lists) and `forms` (editor, prompts, picker, filter); `lists` says what
//! each list shows. Tested without a terminal.

use std::cell::Cell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Instant;

use chrono::NaiveDate;

use super::background::{BackgroundSync, SyncOutcome};
use super::data::{MonthData, Viewer};
use super::draft::NoteDraft;
use super::editor::{NoteEditor, Prompt};
use super::effect::{Effect, Msg, StationDays, Status};
use super::forms::NoteView;
use super::state::{Choice, Filters, HitMap, ListCursor, Picker, Screen, SortMode, SyncView};
use super::worker::Boot;
use crate::i18n::{fill, Lang, Text};
use crate::month::Month;
use crate::plan::TodayPlan;
use crate::policy::Role;
use crate::records::VisitNote;

/// Every list's cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursors {
    pub stations: ListCursor,
    pub county: ListCursor,
    pub branch: ListCursor,
    pub visits: ListCursor,
    /// The open station's visits (its second pane).
    pub station_notes: ListCursor,
    pub calendar: ListCursor,
    pub plan: ListCursor,
}

/// A month's figures and the data generation they were read at.
struct MonthSlot {
    data: Box<MonthData>,
    generation: u64,
}

pub struct App {
    pub lang: Lang,
    pub theme: super::theme::Theme,
    pub viewer: Option<Viewer>,
    pub today: NaiveDate,
    /// The month shown.
    pub month: Month,
    /// Months that hold figures: `[` and `]` page through these.
    pub months: Vec<Month>,
    cache: HashMap<Month, MonthSlot>,
    /// The branch the cached months are narrowed to (`None`: all).
    scope: Option<String>,
    /// Bumped by every write and sync: answers read before it are stale.
    generation: u64,
    /// Months asked of the worker and not yet answered.
    loading: BTreeSet<Month>,
    /// The month the user paged to, shown once it is loaded.
    pub pending_month: Option<Month>,
    pub stack: Vec<Screen>,
    pub cursors: Cursors,
    /// The open station's figures pane, scrolled by this many rows when
    /// it is in use and does not fit.
    pub figures_scroll: usize,
    pub filters: Filters,
    pub sort: SortMode,
    pub help: bool,
    pub editor: Option<NoteEditor>,
    pub prompt: Option<Prompt>,
    pub picker: Option<Picker>,
    /// A note open in full.
    pub note_view: Option<NoteView>,
    /// A note left unsaved last time, offered back.
    pub draft_offer: Option<NoteDraft>,
    pub flash: Option<String>,
    pub sync: SyncView,
    /// Every visit note the laptop holds (`lists` narrows to the viewer's).
    pub notes: Vec<VisitNote>,
    pub demo: bool,
    pub quit: bool,
    /// Written by the views while drawing; read by mouse handling and
    /// paging.
    pub hits: Cell<HitMap>,
    /// Rows of "my stations", as station ids in order.
    pub(super) visible: Vec<String>,
    /// Set when the config should record the picked person.
    pub picked_person: Option<String>,
    /// When to sync with the county server, when one is configured.
    pub schedule: Option<BackgroundSync>,
    /// The user pressed the sync key: report how it went, offline too.
    pub(super) sync_requested: bool,
    /// The open station's month day by day.
    station_days: Option<(String, Month, StationDays)>,
    station_days_asked: Option<(String, Month)>,
    /// Today's plans, by person, with the generation they were made at.
    plans: HashMap<String, (u64, Result<Box<TodayPlan>, String>)>,
    plans_asked: HashSet<String>,
    /// A note or sign-off is being written.
    pub saving: bool,
    pub(super) choices: Vec<Choice>,
    /// Effects of the `update` under way.
    out: Vec<Effect>,
}

impl App {
    /// The dashboard as the worker's first read left it.
    pub fn new(boot: Boot, lang: Lang) -> App {
        let scope = boot.viewer.as_ref().and_then(|v| v.branch().map(String::from));
        let mut cache = HashMap::new();
        let month = boot.month;
        cache.insert(
            month,
            MonthSlot {
                data: Box::new(boot.data),
                generation: 0,
            },
        );
        let mut app = App {
            lang,
            theme: super::theme::Theme { colour: true },
            viewer: None,
            today: boot.today,
            month,
            months: boot.status.months,
            cache,
            scope,
            generation: 0,
            loading: BTreeSet::new(),
            pending_month: None,
            stack: vec![Screen::MyStations],
            cursors: Cursors::default(),
            figures_scroll: 0,
            filters: Filters::default(),
            sort: SortMode::Risk,
            help: false,
            editor: None,
            prompt: None,
            picker: None,
            note_view: None,
            draft_offer: None,
            flash: None,
            sync: boot.status.sync,
            notes: boot.notes,
            demo: boot.demo,
            quit: false,
            hits: Cell::new(HitMap::default()),
            visible: Vec::new(),
            picked_person: None,
            schedule: None,
            sync_requested: false,
            station_days: None,
            station_days_asked: None,
            plans: HashMap::new(),
            plans_asked: HashSet::new(),
            saving: false,
            choices: boot.choices,
            out: Vec::new(),
        };
        match boot.viewer {
            Some(viewer) => app.set_viewer(viewer),
            None => {
                if let Some(p) = boot.unknown_person {
                    app.flash = Some(fill(Text::DashUnknownPerson.get(lang), &[&p]));
                }
                app.picker = Some(Picker {
                    choices: app.choices.clone(),
                    cursor: ListCursor::default(),
                });
            }
        }
        app.draft_offer = boot.draft;
        app.out.clear();
        app
    }

    /// Handles one message; returns the work it needs done.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Mouse(event) => self.on_mouse(event),
            Msg::Paste(text) => self.on_paste(&text),
            Msg::Tick(now) => self.on_tick(now),
            Msg::MonthLoaded {
                month,
                scope,
                generation,
                result,
            } => self.month_loaded(month, scope, generation, result),
            Msg::NotesLoaded { generation, result } => {
                if generation == self.generation {
                    match result {
                        Ok(notes) => {
                            self.notes = notes;
                            self.clamp_cursors();
                        }
                        Err(e) => self.flash = Some(e),
                    }
                }
            }
            Msg::StationDays { station, month, result } => {
                if self.station_days_asked.as_ref() == Some(&(station.clone(), month)) {
                    self.station_days_asked = None;
                }
                match result {
                    Ok(days) => self.station_days = Some((station, month, days)),
                    Err(e) => self.flash = Some(e),
                }
            }
            Msg::Status(result) => match result {
                Ok(Status { sync, months }) => {
                    self.sync.last_success = sync.last_success;
                    self.sync.offline_since = sync.offline_since;
                    self.sync.pending = sync.pending;
                    self.months = months;
                }
                Err(e) => self.flash = Some(e),
            },
            Msg::PlanLoaded {
                person,
                generation,
                result,
            } => {
                self.plans_asked.remove(&person);
                self.plans.insert(person, (generation, result));
                self.clamp_cursors();
            }
            Msg::NoteWritten(result) => self.note_written(result),
            Msg::SignoffRecorded { outcome, result } => self.signoff_recorded(outcome, result),
            Msg::DraftSaved(result) => {
                if let Err(e) = result {
                    self.flash = Some(fill(Text::DashDraftNotKept.get(self.lang), &[&e]));
                }
            }
            Msg::Synced(outcome) => self.synced(outcome, Instant::now()),
        }
        std::mem::take(&mut self.out)
    }

    pub(super) fn emit(&mut self, effect: Effect) {
        self.out.push(effect);
    }

    /// Whether the worker has work of ours under way (the header says so).
    pub fn work_pending(&self) -> bool {
        !self.loading.is_empty() || self.saving || self.station_days_asked.is_some() || !self.plans_asked.is_empty()
    }

    pub fn data(&self) -> &MonthData {
        &self.cache[&self.month].data
    }

    /// A month's figures if they are loaded (any generation).
    pub fn month_data(&self, month: Month) -> Option<&MonthData> {
        self.cache.get(&month).map(|slot| &*slot.data)
    }

    pub fn screen(&self) -> &Screen {
        self.stack.last().expect("the stack always holds a screen")
    }

    pub(super) fn set_viewer(&mut self, viewer: Viewer) {
        self.stack = vec![match viewer {
            Viewer::County => Screen::County,
            _ => Screen::MyStations,
        }];
        let scope = viewer.branch().map(String::from);
        self.viewer = Some(viewer);
        if scope != self.scope {
            // The months loaded so far are of another scope; what is shown
            // stays until its own figures arrive.
            self.scope = scope;
            self.generation += 1;
            self.load_month(self.month);
        }
        self.recompute_visible();
    }

    /// Shows a month: at once if it is loaded (and reloads it if a write
    /// made it stale), else once the worker has read it.
    pub(super) fn go_to_month(&mut self, month: Month) {
        match self.cache.get(&month) {
            Some(slot) => {
                let stale = slot.generation != self.generation;
                self.month = month;
                self.pending_month = None;
                if stale {
                    self.load_month(month);
                }
                self.month_changed();
            }
            None => {
                self.pending_month = Some(month);
                self.load_month(month);
            }
        }
    }

    /// Asks the worker for a month (once at a time).
    pub(super) fn load_month(&mut self, month: Month) {
        if self.loading.insert(month) {
            let (scope, generation) = (self.scope.clone(), self.generation);
            self.emit(Effect::LoadMonth {
                month,
                scope,
                generation,
            });
        }
    }

    fn month_loaded(
        &mut self,
        month: Month,
        scope: Option<String>,
        generation: u64,
        result: Result<Box<MonthData>, String>,
    ) {
        self.loading.remove(&month);
        if scope != self.scope || generation != self.generation {
            // Asked before a write or a change of viewer: ask again if it
            // is still wanted.
            if month == self.month || self.pending_month == Some(month) {
                self.load_month(month);
            }
            return;
        }
        match result {
            Ok(data) => {
                self.cache.insert(month, MonthSlot { data, generation });
                if self.pending_month == Some(month) {
                    self.pending_month = None;
                    self.month = month;
                    self.month_changed();
                } else if month == self.month {
                    self.recompute_visible();
                }
            }
            Err(e) => {
                if self.pending_month == Some(month) {
                    self.pending_month = None;
                }
                self.flash = Some(e);
            }
        }
    }

    /// After the shown month changed: lists and the open station follow.
    fn month_changed(&mut self) {
        self.recompute_visible();
        self.want_screen_data();
    }

    /// After a write or a sync: everything read before is stale.
    pub(super) fn reload(&mut self) {
        self.generation += 1;
        self.loading.clear();
        self.load_month(self.month);
        if let Some(m) = self.pending_month {
            self.load_month(m);
        }
        self.emit(Effect::LoadNotes {
            generation: self.generation,
        });
        self.emit(Effect::ReadStatus);
        self.station_days = None;
        self.station_days_asked = None;
        self.plans_asked.clear();
        self.want_screen_data();
    }

    /// Asks for what the current screen shows beyond the month's figures:
    /// the open station's days, today's plan (of the viewer, or of a
    /// branch's manager for its shortfall list).
    pub(super) fn want_screen_data(&mut self) {
        self.want_station_days();
        let person = match self.screen() {
            Screen::Plan => self.viewer.as_ref().and_then(|v| v.person()).map(String::from),
            Screen::Branch { id, .. } if self.month == Month::of(self.today) => self.branch_manager(id),
            _ => None,
        };
        if let Some(person) = person {
            self.want_plan(person);
        }
    }

    /// The manager of a branch, as the month's figures name them.
    pub fn branch_manager(&self, branch: &str) -> Option<String> {
        self.data()
            .report
            .result
            .people
            .iter()
            .find(|p| p.branch == branch && p.role == Role::Manager)
            .map(|p| p.id.clone())
    }

    fn want_plan(&mut self, person: String) {
        let fresh = self.plans.get(&person).is_some_and(|(g, _)| *g == self.generation);
        if !fresh && self.plans_asked.insert(person.clone()) {
            let generation = self.generation;
            self.emit(Effect::LoadPlan { person, generation });
        }
    }

    /// Today's plan of a person, once made (it may be of before the last
    /// write while a new one is made).
    pub fn plan_of(&self, person: &str) -> Option<&Result<Box<TodayPlan>, String>> {
        self.plans.get(person).map(|(_, plan)| plan)
    }

    /// Asks for the open station's days if the station or month changed.
    fn want_station_days(&mut self) {
        let Screen::StationDetail { id, .. } = self.screen() else {
            return;
        };
        let wanted = (id.clone(), self.month);
        let have = self
            .station_days
            .as_ref()
            .is_some_and(|(s, m, _)| (s, m) == (&wanted.0, &wanted.1));
        if !have && self.station_days_asked.as_ref() != Some(&wanted) {
            self.station_days_asked = Some(wanted.clone());
            self.emit(Effect::LoadStationDays {
                station: wanted.0,
                month: wanted.1,
            });
        }
    }

    /// The open station's payments and valid card transactions per day.
    pub fn station_days(&self, id: &str) -> Option<&StationDays> {
        self.station_days
            .as_ref()
            .filter(|(s, m, _)| s == id && *m == self.month)
            .map(|(_, _, days)| days)
    }

    /// The clock: starts a sync that is due.
    fn on_tick(&mut self, now: Instant) {
        if let Some(schedule) = self.schedule.as_mut() {
            if schedule.start_if_due(now) {
                self.sync.running = true;
                self.emit(Effect::Sync);
            }
        }
    }

    /// The user asked for a sync now.
    pub(super) fn request_sync(&mut self, now: Instant) {
        match self.schedule.as_mut() {
            Some(schedule) => {
                schedule.request(now);
                self.sync_requested = true;
                self.flash = Some(Text::Syncing.get(self.lang).to_string());
                self.on_tick(now);
            }
            None if self.demo && !self.sync.configured => {
                self.flash = Some(Text::DemoNoSync.get(self.lang).to_string())
            }
            None => self.flash = Some(Text::SyncNotConfigured.get(self.lang).to_string()),
        }
    }

    /// A sync finished: say so when it matters, and read what it brought.
    pub fn synced(&mut self, outcome: SyncOutcome, now: Instant) {
        if let Some(schedule) = self.schedule.as_mut() {
            schedule.finish(&outcome, now);
        }
        self.sync.running = false;
        let requested = std::mem::take(&mut self.sync_requested);
        let lang = self.lang;
        match outcome {
            SyncOutcome::Done(report) => {
                let mut message = fill(Text::DashSyncDone.get(lang), &[&report.pushed, &report.pulled_rows]);
                if !report.rejected.is_empty() {
                    message.push_str(&fill(Text::DashSyncRefused.get(lang), &[&report.rejected.len()]));
                }
                if requested || report.pulled_rows > 0 || !report.rejected.is_empty() {
                    self.flash = Some(message);
                }
                self.reload();
            }
            // Offline is said briefly: the full reason (address, OS error)
            // is in `bianmin sync --status`.
            SyncOutcome::Offline(_) => {
                if requested {
                    self.flash = Some(Text::DashOffline.get(lang).to_string());
                }
                self.emit(Effect::ReadStatus);
            }
            SyncOutcome::Failed(message) => {
                if requested {
                    self.flash = Some(message);
                }
                self.emit(Effect::ReadStatus);
            }
        }
    }
}
