//! The visit-note editor and the sign-off prompt: forms over
//! ratatui-textarea, which edits Chinese and pasted text.

use chrono::{DateTime, NaiveDate, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use crate::i18n::{Lang, Text};
use crate::month::{parse_date, Month};
use crate::store::notes::{NewNote, NoteEdit, NoteKind, VisitNote};
use crate::store::Store;

/// What a key did to a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorOutcome {
    Continue,
    Save,
    Cancel,
}

/// The editor's fields, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Station,
    Date,
    Kind,
    Body,
    FollowUp,
}

const FIELDS: [Field; 5] = [Field::Station, Field::Date, Field::Kind, Field::Body, Field::FollowUp];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorMode {
    New { author: String },
    Edit { original: VisitNote },
}

pub struct NoteEditor {
    pub mode: EditorMode,
    /// (id, name) of the stations a note may be about.
    pub stations: Vec<(String, String)>,
    pub station: usize,
    pub date: TextArea<'static>,
    pub kind: NoteKind,
    pub body: TextArea<'static>,
    pub follow_up: TextArea<'static>,
    pub focus: Field,
    pub error: Option<String>,
}

/// A one-line field: no underline under the cursor's line.
fn line(text: &str) -> TextArea<'static> {
    let mut area = TextArea::new(vec![text.to_string()]);
    area.set_cursor_line_style(ratatui::style::Style::default());
    area.set_placeholder_text("YYYY-MM-DD");
    area
}

/// The note's text: no underline under the cursor's line.
fn body(mut lines: Vec<String>) -> TextArea<'static> {
    if lines.is_empty() {
        lines.push(String::new());
    }
    let mut area = TextArea::new(lines);
    area.set_cursor_line_style(ratatui::style::Style::default());
    area
}

impl NoteEditor {
    pub fn new(
        author: String,
        station: Option<String>,
        today: NaiveDate,
        stations: Vec<(String, String)>,
    ) -> NoteEditor {
        let index = station
            .and_then(|id| stations.iter().position(|(s, _)| *s == id))
            .unwrap_or(0);
        NoteEditor {
            mode: EditorMode::New { author },
            stations,
            station: index,
            date: line(&today.to_string()),
            kind: NoteKind::Collection,
            body: body(Vec::new()),
            follow_up: line(""),
            focus: Field::Body,
            error: None,
        }
    }

    pub fn edit(note: &VisitNote, stations: Vec<(String, String)>) -> NoteEditor {
        let index = stations.iter().position(|(s, _)| *s == note.station_id).unwrap_or(0);
        let mut body = body(note.body.lines().map(String::from).collect());
        body.move_cursor(ratatui_textarea::CursorMove::Bottom);
        body.move_cursor(ratatui_textarea::CursorMove::End);
        NoteEditor {
            mode: EditorMode::Edit { original: note.clone() },
            stations,
            station: index,
            date: line(&note.visited_on.to_string()),
            kind: note.kind,
            body,
            follow_up: line(&note.follow_up_on.map(|d| d.to_string()).unwrap_or_default()),
            focus: Field::Body,
            error: None,
        }
    }

    pub fn body_text(&self) -> String {
        self.body.lines().join("\n")
    }

    pub fn station_id(&self) -> Option<&str> {
        self.stations.get(self.station).map(|(id, _)| id.as_str())
    }

    fn move_focus(&mut self, forward: bool) {
        let i = FIELDS.iter().position(|f| *f == self.focus).unwrap_or(0);
        let n = FIELDS.len();
        // A note's station cannot change once written.
        let skip_station = matches!(self.mode, EditorMode::Edit { .. });
        let mut next = i;
        loop {
            next = if forward { (next + 1) % n } else { (next + n - 1) % n };
            if !(skip_station && FIELDS[next] == Field::Station) {
                break;
            }
        }
        self.focus = FIELDS[next];
    }

    pub fn on_key(&mut self, key: KeyEvent) -> EditorOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return EditorOutcome::Cancel,
            KeyCode::Char('s') if ctrl => return EditorOutcome::Save,
            KeyCode::Tab => {
                self.move_focus(true);
                return EditorOutcome::Continue;
            }
            KeyCode::BackTab => {
                self.move_focus(false);
                return EditorOutcome::Continue;
            }
            _ => {}
        }
        self.error = None;
        match self.focus {
            Field::Station => match key.code {
                KeyCode::Up | KeyCode::Left => self.station = self.station.saturating_sub(1),
                KeyCode::Down | KeyCode::Right if self.station + 1 < self.stations.len() => self.station += 1,
                KeyCode::Enter => self.move_focus(true),
                _ => {}
            },
            Field::Kind => {
                let i = NoteKind::ALL.iter().position(|k| *k == self.kind).unwrap_or(0);
                let n = NoteKind::ALL.len();
                match key.code {
                    KeyCode::Left | KeyCode::Up => self.kind = NoteKind::ALL[(i + n - 1) % n],
                    KeyCode::Right | KeyCode::Down | KeyCode::Char(' ') => self.kind = NoteKind::ALL[(i + 1) % n],
                    KeyCode::Enter => self.move_focus(true),
                    _ => {}
                }
            }
            Field::Date | Field::FollowUp => {
                if key.code == KeyCode::Enter {
                    self.move_focus(true);
                } else {
                    let area = if self.focus == Field::Date {
                        &mut self.date
                    } else {
                        &mut self.follow_up
                    };
                    area.input(key);
                }
            }
            Field::Body => {
                self.body.input(key);
            }
        }
        EditorOutcome::Continue
    }

    /// Pasted text goes into the focused text field as it is.
    pub fn on_paste(&mut self, text: &str) {
        match self.focus {
            Field::Body => {
                self.body.insert_str(text);
            }
            Field::Date => {
                self.date.insert_str(text.trim());
            }
            Field::FollowUp => {
                self.follow_up.insert_str(text.trim());
            }
            _ => {}
        }
    }

    /// Writes the note; the error is a sentence for the form.
    pub fn save(&self, store: &Store, now: DateTime<Utc>, lang: Lang) -> Result<(), String> {
        let date_text = self.date.lines().join("");
        let visited_on =
            parse_date(date_text.trim()).map_err(|_| format!("{}: {date_text}", Text::BadDate.get(lang)))?;
        let follow_text = self.follow_up.lines().join("");
        let follow_up_on = match follow_text.trim() {
            "" => None,
            text => Some(parse_date(text).map_err(|_| format!("{}: {text}", Text::BadDate.get(lang)))?),
        };
        let body = self.body_text();
        if body.trim().is_empty() {
            return Err(Text::EmptyNote.get(lang).to_string());
        }
        match &self.mode {
            EditorMode::New { author } => {
                let station_id = self.station_id().ok_or_else(|| Text::NoStation.get(lang).to_string())?;
                store
                    .add_note(
                        &NewNote {
                            station_id: station_id.to_string(),
                            author_id: author.clone(),
                            visited_on,
                            kind: self.kind,
                            body,
                            follow_up_on,
                        },
                        now,
                    )
                    .map_err(|e| e.to_string())?;
            }
            EditorMode::Edit { original } => {
                let edit = NoteEdit {
                    visited_on: (visited_on != original.visited_on).then_some(visited_on),
                    kind: (self.kind != original.kind).then_some(self.kind),
                    body: (body != original.body).then_some(body),
                    follow_up_on: (follow_up_on != original.follow_up_on).then_some(follow_up_on),
                };
                if edit != NoteEdit::default() {
                    store.edit_note(&original.uuid, &edit, now).map_err(|e| e.to_string())?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    SignOff,
    Dispute,
}

/// Recording a station's sign-off (y/Enter) or dispute (with a reason).
pub struct Prompt {
    pub kind: PromptKind,
    pub station: String,
    /// The month whose statement is signed (last month).
    pub month: Month,
    pub reason: TextArea<'static>,
    pub error: Option<String>,
}

impl Prompt {
    pub fn new(kind: PromptKind, station: String, month: Month) -> Prompt {
        Prompt {
            kind,
            station,
            month,
            reason: TextArea::default(),
            error: None,
        }
    }

    pub fn reason(&self) -> String {
        self.reason.lines().join(" ")
    }

    pub fn on_key(&mut self, key: KeyEvent) -> EditorOutcome {
        match (self.kind, key.code) {
            (_, KeyCode::Esc) => EditorOutcome::Cancel,
            (PromptKind::SignOff, KeyCode::Enter | KeyCode::Char('y')) => EditorOutcome::Save,
            (PromptKind::SignOff, KeyCode::Char('n')) => EditorOutcome::Cancel,
            (PromptKind::Dispute, KeyCode::Enter) => EditorOutcome::Save,
            (PromptKind::Dispute, _) => {
                self.reason.input(key);
                EditorOutcome::Continue
            }
            _ => EditorOutcome::Continue,
        }
    }
}
