//! What `App::update` asks for and what comes back (gitui's asyncgit
//! pattern): the app never touches the database; it returns `Effect`s,
//! which the worker (`worker.rs`) runs against the store and answers with
//! a `Msg`. Key presses, the mouse, pasted text and the clock arrive as
//! `Msg`s too, so one `update` handles everything and stays testable.

use std::time::Instant;

use ratatui::crossterm::event::{KeyEvent, MouseEvent};

use super::background::SyncOutcome;
use super::data::MonthData;
use super::draft::NoteDraft;
use super::state::SyncView;
use crate::month::Month;
use crate::plan::TodayPlan;
use crate::records::{NewBranchSignoff, NewNote, NewSignoff, NoteEdit, Outcome, VisitNote};

/// A station's month day by day: (payments, valid card transactions).
pub type StationDays = std::collections::BTreeMap<chrono::NaiveDate, (u64, u64)>;

/// Work for the worker. Loads carry what they were asked with, so a late
/// answer to an old question is recognised and dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Evaluate a month for a branch (`None`: the whole county).
    LoadMonth {
        month: Month,
        scope: Option<String>,
        generation: u64,
    },
    /// Read every visit note.
    LoadNotes { generation: u64 },
    /// Read a station's month day by day.
    LoadStationDays { station: String, month: Month },
    /// Read the sync state and the months that hold figures.
    ReadStatus,
    /// Make today's visit plan of a maintainer or a manager (with the
    /// manager's shortfall lists).
    LoadPlan { person: String, generation: u64 },
    /// Write a visit note (new or changed) with its outbox row.
    WriteNote(NoteWrite),
    /// Record a statement's sign-off or dispute.
    RecordSignoff(NewSignoff),
    /// Record the signer's sign-off or dispute of a branch sheet.
    RecordBranchSignoff(NewBranchSignoff),
    /// Keep the note being written (`None`: forget it), so it survives
    /// the program being killed.
    SaveDraft(Option<NoteDraft>),
    /// Sync with the county server now (run on a thread of its own: a
    /// slow network never holds up a load).
    Sync,
}

/// A note to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteWrite {
    New(NewNote),
    Edit { uuid: String, edit: NoteEdit },
}

/// What the laptop knows beyond a month's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// `running` and `configured` are the app's own; the rest is read.
    pub sync: SyncView,
    /// Months that hold figures, oldest first.
    pub months: Vec<Month>,
}

/// Something that happened: input, the clock, or the answer to an effect.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Tick(Instant),
    MonthLoaded {
        month: Month,
        scope: Option<String>,
        generation: u64,
        result: Result<Box<MonthData>, String>,
    },
    NotesLoaded {
        generation: u64,
        result: Result<Vec<VisitNote>, String>,
    },
    StationDays {
        station: String,
        month: Month,
        result: Result<StationDays, String>,
    },
    Status(Result<Status, String>),
    PlanLoaded {
        person: String,
        generation: u64,
        result: Result<Box<TodayPlan>, String>,
    },
    NoteWritten(Result<(), String>),
    SignoffRecorded {
        outcome: Outcome,
        result: Result<(), String>,
    },
    DraftSaved(Result<(), String>),
    Synced(SyncOutcome),
}
