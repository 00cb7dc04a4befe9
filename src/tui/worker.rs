//! The worker: the only part of the dashboard that holds the `Store`.
//! It runs the app's `Effect`s and answers each with a `Msg`. In the
//! terminal it lives on a thread of its own (`WorkerThread`), so no key
//! press waits for the database; tests and the screenshots run it inline
//! (`settle`), one effect after another, with no thread and no timing.

use std::sync::mpsc::{channel, Receiver, Sender};

use chrono::{NaiveDate, Utc};

use super::app::App;
use super::background::SyncTarget;
use super::data::{MonthData, Viewer};
use super::draft::{self, NoteDraft};
use super::effect::{Effect, Msg, NoteWrite, Status};
use super::state::{Choice, SyncView};
use crate::i18n::Text;
use crate::month::{china_time, Month};
use crate::policy::Policy;
use crate::records::VisitNote;
use crate::report::ReportError;
use crate::store::{Store, StoreError};

/// What the dashboard opens with, read once before the first frame.
pub struct Boot {
    pub today: NaiveDate,
    /// The month shown first (yesterday's).
    pub month: Month,
    pub demo: bool,
    /// Who looks; `None`: the picker asks.
    pub viewer: Option<Viewer>,
    /// A configured person the database does not know (the picker asks).
    pub unknown_person: Option<String>,
    pub choices: Vec<Choice>,
    pub data: MonthData,
    pub notes: Vec<VisitNote>,
    pub status: Status,
    pub draft: Option<NoteDraft>,
}

pub struct Worker {
    store: Store,
    policy: Policy,
    today: NaiveDate,
}

impl Worker {
    pub fn new(store: Store, policy: Policy) -> Result<Worker, StoreError> {
        let today = store.today()?;
        Ok(Worker { store, policy, today })
    }

    /// The store, for checks before the dashboard opens and for tests.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Reads what the first frame needs. `person` is who looks (`None`,
    /// or someone the database does not know: the picker asks).
    /// One read transaction for all of it: the first frame shows one
    /// state of the database, and its few hundred reads take SQLite's
    /// lock once.
    pub fn boot(&self, person: Option<&str>) -> Result<Boot, ReportError> {
        self.store.read_snapshot(|store| self.boot_from(store, person))
    }

    fn boot_from(&self, store: &Store, person: Option<&str>) -> Result<Boot, ReportError> {
        let month = store.default_month()?;
        let demo = store.is_demo()? || store.sync_status()?.server_demo;
        let viewer = match person {
            Some(p) => Viewer::resolve(store, p)?,
            None => None,
        };
        let unknown_person = person.filter(|_| viewer.is_none()).map(String::from);
        let branch = viewer.as_ref().and_then(|v| v.branch().map(String::from));
        let data = MonthData::load(store, &self.policy, month, branch.as_deref(), self.today)?;
        Ok(Boot {
            today: self.today,
            month,
            demo,
            viewer,
            unknown_person,
            choices: choices(store)?,
            data,
            notes: store.notes(None)?,
            status: self.status()?,
            draft: draft::load(store)?,
        })
    }

    fn status(&self) -> Result<Status, StoreError> {
        let state = self.store.sync_status()?;
        Ok(Status {
            sync: SyncView {
                last_success: state.last_success_at.map(china_time),
                offline_since: state.offline_since.map(china_time),
                pending: state.pending,
                running: false,
                configured: false,
            },
            months: self.store.months_with_figures()?,
        })
    }

    /// Runs one effect; `None` for the one it does not run inline (a
    /// sync, which goes to a thread of its own).
    pub fn run(&mut self, effect: Effect) -> Option<Msg> {
        let store = &self.store;
        let text = |e: &dyn std::fmt::Display| e.to_string();
        Some(match effect {
            Effect::LoadMonth {
                month,
                scope,
                generation,
            } => Msg::MonthLoaded {
                result: store
                    .read_snapshot(|store| MonthData::load(store, &self.policy, month, scope.as_deref(), self.today))
                    .map(Box::new)
                    .map_err(|e| text(&e)),
                month,
                scope,
                generation,
            },
            Effect::LoadNotes { generation } => Msg::NotesLoaded {
                generation,
                result: store.notes(None).map_err(|e| text(&e)),
            },
            Effect::LoadStationDays { station, month } => Msg::StationDays {
                result: store.station_days(&station, month).map_err(|e| text(&e)),
                station,
                month,
            },
            Effect::ReadStatus => Msg::Status(self.status().map_err(|e| text(&e))),
            Effect::LoadPlan { person, generation } => Msg::PlanLoaded {
                result: crate::plan::today_plan(store, &self.policy, &person, self.today, &Default::default())
                    .map(Box::new)
                    .map_err(|e| text(&e)),
                person,
                generation,
            },
            Effect::WriteNote(write) => Msg::NoteWritten(
                match write {
                    NoteWrite::New(new) => store.add_note(&new, Utc::now()).map(|_| ()),
                    NoteWrite::Edit { uuid, edit } => store.edit_note(&uuid, &edit, Utc::now()).map(|_| ()),
                }
                .map_err(|e| text(&e)),
            ),
            Effect::RecordSignoff(new) => Msg::SignoffRecorded {
                outcome: new.outcome,
                result: store.record_signoff(&new, Utc::now()).map(|_| ()).map_err(|e| text(&e)),
            },
            Effect::RecordBranchSignoff(new) => Msg::SignoffRecorded {
                outcome: new.outcome,
                result: store
                    .record_branch_signoff(&new, Utc::now())
                    .map(|_| ())
                    .map_err(|e| text(&e)),
            },
            Effect::SaveDraft(draft) => Msg::DraftSaved(draft::save(store, draft.as_ref()).map_err(|e| text(&e))),
            Effect::Sync => return None,
        })
    }
}

/// Everyone the picker offers: each branch's maintainers, then its
/// manager, then the county.
pub fn choices(store: &Store) -> Result<Vec<Choice>, StoreError> {
    let mut choices = Vec::new();
    let names: std::collections::HashMap<String, String> =
        store.people()?.into_iter().map(|p| (p.id, p.name)).collect();
    for branch in store.branches()? {
        let name_of = |id: &str| names.get(id).cloned().unwrap_or_default();
        for m in store.branch_maintainers(&branch.id)? {
            choices.push(Choice {
                label: format!("{} · {}", name_of(&m), branch.name),
                role: Text::RoleMaintainer,
                viewer: Viewer::Maintainer {
                    person: m.clone(),
                    branch: branch.id.clone(),
                },
                id: m,
            });
        }
        choices.push(Choice {
            id: branch.manager_id.clone(),
            label: format!("{} · {}", name_of(&branch.manager_id), branch.name),
            role: Text::RoleManager,
            viewer: Viewer::Manager {
                person: branch.manager_id.clone(),
                branch: branch.id.clone(),
            },
        });
    }
    choices.push(Choice {
        id: "county".into(),
        label: String::new(),
        role: Text::RoleCounty,
        viewer: Viewer::County,
    });
    Ok(choices)
}

/// Runs effects inline, and the effects their answers lead to, until
/// the app asks for nothing more. Returns what the worker does not run
/// inline (a sync), for the caller to answer or check.
pub fn settle(app: &mut App, worker: &mut Worker, effects: Vec<Effect>) -> Vec<Effect> {
    let mut queue: std::collections::VecDeque<Effect> = effects.into();
    let mut left = Vec::new();
    while let Some(effect) = queue.pop_front() {
        match worker.run(effect.clone()) {
            Some(msg) => queue.extend(app.update(msg)),
            None => left.push(effect),
        }
    }
    left
}

/// The worker on a thread of its own, and the sync on another.
pub struct WorkerThread {
    effects: Sender<Effect>,
    msgs: Receiver<Msg>,
    replies: Sender<Msg>,
    sync: Option<SyncTarget>,
}

impl WorkerThread {
    pub fn spawn(mut worker: Worker, sync: Option<SyncTarget>) -> WorkerThread {
        let (effects, inbox) = channel::<Effect>();
        let (replies, msgs) = channel::<Msg>();
        let out = replies.clone();
        std::thread::spawn(move || {
            while let Ok(first) = inbox.recv() {
                // What queued up meanwhile, with only the latest draft:
                // a fast typist's every key need not be written.
                let mut batch: Vec<Effect> = std::iter::once(first).chain(inbox.try_iter()).collect();
                let last_draft = batch.iter().rposition(|e| matches!(e, Effect::SaveDraft(_)));
                let mut i = 0;
                batch.retain(|e| {
                    let keep = !matches!(e, Effect::SaveDraft(_)) || Some(i) == last_draft;
                    i += 1;
                    keep
                });
                for effect in batch {
                    if let Some(msg) = worker.run(effect) {
                        if out.send(msg).is_err() {
                            return; // the dashboard has quit
                        }
                    }
                }
            }
        });
        WorkerThread {
            effects,
            msgs,
            replies,
            sync,
        }
    }

    pub fn send(&self, effect: Effect) {
        if effect == Effect::Sync {
            let Some(target) = self.sync.clone() else { return };
            let out = self.replies.clone();
            std::thread::spawn(move || {
                // The dashboard may have quit meanwhile: nothing to tell then.
                let _ = out.send(Msg::Synced(target.run()));
            });
        } else {
            // A worker that stopped has nothing to answer; the app goes on
            // showing what it has.
            let _ = self.effects.send(effect);
        }
    }

    /// An answer, if one is ready.
    pub fn try_recv(&self) -> Option<Msg> {
        self.msgs.try_recv().ok()
    }
}

/// The dashboard driven inline: an app and its worker on one thread,
/// every effect answered before the next message. How the tests and the
/// screenshots drive it: no thread, no timing.
pub struct Inline {
    pub app: App,
    pub worker: Worker,
    /// Effects the worker does not run inline (a sync), in order.
    pub left: Vec<Effect>,
}

impl Inline {
    /// Opens the dashboard on a store, as `bianmin` does.
    pub fn open(
        store: Store,
        policy: Policy,
        lang: crate::i18n::Lang,
        person: Option<&str>,
    ) -> Result<Inline, ReportError> {
        let worker = Worker::new(store, policy)?;
        let app = App::new(worker.boot(person)?, lang);
        Ok(Inline {
            app,
            worker,
            left: Vec::new(),
        })
    }

    /// One message, and everything it leads to.
    pub fn send(&mut self, msg: Msg) {
        let effects = self.app.update(msg);
        let left = settle(&mut self.app, &mut self.worker, effects);
        self.left.extend(left);
    }

    pub fn key(&mut self, code: ratatui::crossterm::event::KeyCode) {
        use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
        self.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    /// Ctrl and a letter.
    pub fn ctrl(&mut self, c: char) {
        use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        self.send(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
    }

    /// Each character as a key press.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(ratatui::crossterm::event::KeyCode::Char(c));
        }
    }

    pub fn paste(&mut self, text: &str) {
        self.send(Msg::Paste(text.to_string()));
    }
}
