//! The visit-note editor and the sign-off prompt: forms over
//! ratatui-textarea, which edits Chinese and pasted text. The note wraps
//! softly (a pasted paragraph stays in view); the station field finds a
//! station by name, code or pinyin initials. Pure: saving turns the form
//! into a `NoteWrite` for the worker.

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::widgets::Block;
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use super::draft::NoteDraft;
use super::effect::NoteWrite;
use super::theme::Theme;
use crate::i18n::{Lang, Text};
use crate::month::{parse_date, Month};
use crate::records::{NewNote, NoteEdit, NoteKind, VisitNote};

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

/// The fields as typed, to tell whether anything changed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot {
    station: Option<String>,
    date: String,
    kind: NoteKind,
    body: String,
    follow_up: String,
}

pub struct NoteEditor {
    pub mode: EditorMode,
    /// (id, name) of the stations a note may be about, in pinyin order.
    pub stations: Vec<(String, String)>,
    /// The chosen station (an index into `stations`).
    pub station: usize,
    /// What was typed in the station field to find one.
    pub station_query: TextArea<'static>,
    /// The highlighted station among those the query finds.
    pub match_cursor: usize,
    pub date: TextArea<'static>,
    pub kind: NoteKind,
    pub body: TextArea<'static>,
    pub follow_up: TextArea<'static>,
    pub focus: Field,
    pub error: Option<String>,
    /// Esc was pressed over changed text: asking before discarding.
    pub confirm_discard: bool,
    /// The draft last kept in the database.
    pub kept: Option<NoteDraft>,
    initial: Snapshot,
    theme: Theme,
    lang: Lang,
}

/// A one-line field.
fn line(text: &str, placeholder: &str) -> TextArea<'static> {
    let mut area = TextArea::new(vec![text.to_string()]);
    area.set_cursor_line_style(ratatui::style::Style::default());
    area.set_placeholder_text(placeholder);
    area.move_cursor(CursorMove::End);
    area
}

/// The note's text: wrapped at words, or anywhere in a long word (and
/// Chinese has no spaces), so nothing scrolls sideways out of view.
fn body(text: &str) -> TextArea<'static> {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let mut area = TextArea::new(lines);
    area.set_cursor_line_style(ratatui::style::Style::default());
    area.set_wrap_mode(WrapMode::WordOrGlyph);
    area.move_cursor(CursorMove::Bottom);
    area.move_cursor(CursorMove::End);
    area
}

fn text_of(area: &TextArea) -> String {
    area.lines().join("\n")
}

impl NoteEditor {
    fn build(
        mode: EditorMode,
        stations: Vec<(String, String)>,
        station: Option<&str>,
        fields: (&str, NoteKind, &str, &str),
    ) -> NoteEditor {
        let (date, kind, text, follow_up) = fields;
        let index = station
            .and_then(|id| stations.iter().position(|(s, _)| s == id))
            .unwrap_or(0);
        let mut editor = NoteEditor {
            mode,
            stations,
            station: index,
            station_query: line("", ""),
            match_cursor: 0,
            date: line(date, "YYYY-MM-DD"),
            kind,
            body: body(text),
            follow_up: line(follow_up, "YYYY-MM-DD"),
            focus: Field::Body,
            error: None,
            confirm_discard: false,
            kept: None,
            initial: Snapshot {
                station: None,
                date: String::new(),
                kind,
                body: String::new(),
                follow_up: String::new(),
            },
            theme: Theme { colour: true },
            lang: Lang::Zh,
        };
        editor.initial = editor.snapshot();
        editor.restyle();
        editor
    }

    /// A new note, on the station in context if there is one.
    pub fn new(
        author: String,
        station: Option<String>,
        today: NaiveDate,
        stations: Vec<(String, String)>,
    ) -> NoteEditor {
        NoteEditor::build(
            EditorMode::New { author },
            stations,
            station.as_deref(),
            (&today.to_string(), NoteKind::Collection, "", ""),
        )
    }

    pub fn edit(note: &VisitNote, stations: Vec<(String, String)>) -> NoteEditor {
        let follow = note.follow_up_on.map(|d| d.to_string()).unwrap_or_default();
        NoteEditor::build(
            EditorMode::Edit { original: note.clone() },
            stations,
            Some(&note.station_id),
            (&note.visited_on.to_string(), note.kind, &note.body, &follow),
        )
    }

    /// Last time's unsaved note, as it was left. A draft of a change to a
    /// note that is gone comes back as a new note.
    pub fn from_draft(draft: &NoteDraft, original: Option<VisitNote>, stations: Vec<(String, String)>) -> NoteEditor {
        let mut editor = match original {
            Some(note) => NoteEditor::edit(&note, stations),
            None => NoteEditor::build(
                EditorMode::New {
                    author: draft.author.clone(),
                },
                stations,
                draft.station.as_deref(),
                ("", NoteKind::Collection, "", ""),
            ),
        };
        if let Some(i) = draft
            .station
            .as_ref()
            .and_then(|id| editor.stations.iter().position(|(s, _)| s == id))
        {
            editor.station = i;
        }
        editor.date = line(&draft.date, "YYYY-MM-DD");
        editor.kind = draft.kind;
        editor.body = body(&draft.body);
        editor.follow_up = line(&draft.follow_up, "YYYY-MM-DD");
        editor.restyle();
        editor
    }

    /// The app's colours and language (for the form's own messages).
    pub fn set_look(&mut self, theme: Theme, lang: Lang) {
        self.theme = theme;
        self.lang = lang;
        self.restyle();
    }

    /// Cursor and border styles follow the focus (set here, not while
    /// drawing: views only read).
    fn restyle(&mut self) {
        let theme = self.theme;
        let cursor = |focused: bool| {
            if focused {
                theme.selected()
            } else {
                ratatui::style::Style::new()
            }
        };
        let focus = self.focus;
        self.station_query.set_cursor_style(cursor(focus == Field::Station));
        self.date.set_cursor_style(cursor(focus == Field::Date));
        self.follow_up.set_cursor_style(cursor(focus == Field::FollowUp));
        self.body.set_cursor_style(cursor(focus == Field::Body));
        self.body
            .set_block(Block::bordered().border_style(theme.focus_border(focus == Field::Body)));
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            station: self.station_id().map(String::from),
            date: text_of(&self.date),
            kind: self.kind,
            body: self.body_text(),
            follow_up: text_of(&self.follow_up),
        }
    }

    /// Whether anything differs from what the editor opened with.
    pub fn changed(&self) -> bool {
        self.snapshot() != self.initial
    }

    pub fn body_text(&self) -> String {
        text_of(&self.body)
    }

    pub fn station_id(&self) -> Option<&str> {
        self.stations.get(self.station).map(|(id, _)| id.as_str())
    }

    /// Stations the station field's query finds (indices, in order).
    pub fn station_matches(&self) -> Vec<usize> {
        let query = text_of(&self.station_query);
        self.stations
            .iter()
            .enumerate()
            .filter(|(_, (id, name))| super::names::matches(&query, name, id))
            .map(|(i, _)| i)
            .collect()
    }

    /// The station field is searching (something typed there).
    pub fn searching(&self) -> bool {
        self.focus == Field::Station && !text_of(&self.station_query).is_empty()
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
        self.station_query = line("", "");
        self.match_cursor = 0;
        self.restyle();
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
            Field::Station => self.on_station_key(key),
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

    /// Typing searches; ↑↓ choose among what it finds (or step through
    /// every station when nothing is typed); Enter takes it.
    fn on_station_key(&mut self, key: KeyEvent) {
        if matches!(self.mode, EditorMode::Edit { .. }) {
            return;
        }
        match key.code {
            KeyCode::Up | KeyCode::Down => {
                let up = key.code == KeyCode::Up;
                if self.searching() {
                    let n = self.station_matches().len();
                    if n > 0 {
                        self.match_cursor = if up {
                            self.match_cursor.saturating_sub(1)
                        } else {
                            (self.match_cursor + 1).min(n - 1)
                        };
                    }
                } else if up {
                    self.station = self.station.saturating_sub(1);
                } else if self.station + 1 < self.stations.len() {
                    self.station += 1;
                }
            }
            KeyCode::Enter => {
                if self.searching() {
                    match self.station_matches().get(self.match_cursor) {
                        Some(&i) => self.station = i,
                        None => {
                            self.error = Some(Text::DashNoMatch.get(self.lang).to_string());
                            return;
                        }
                    }
                }
                self.move_focus(true);
            }
            _ => {
                self.station_query.input(key);
                self.match_cursor = 0;
            }
        }
    }

    /// Pasted text goes into the focused text field as it is.
    pub fn on_paste(&mut self, text: &str) {
        // Terminals send a paste's line ends as \r.
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
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
            Field::Station => {
                self.station_query.insert_str(text.trim().replace('\n', " "));
                self.match_cursor = 0;
            }
            Field::Kind => {}
        }
    }

    /// The fields as they stand, to keep as a draft.
    pub fn draft(&self, changed_at: String) -> NoteDraft {
        let s = self.snapshot();
        NoteDraft {
            author: match &self.mode {
                EditorMode::New { author } => author.clone(),
                EditorMode::Edit { original } => original.author_id.clone(),
            },
            editing: match &self.mode {
                EditorMode::New { .. } => None,
                EditorMode::Edit { original } => Some(original.uuid.clone()),
            },
            station: s.station,
            date: s.date,
            kind: s.kind,
            body: s.body,
            follow_up: s.follow_up,
            changed_at,
        }
    }

    /// The note to write, or what is wrong, in a sentence for the form.
    pub fn to_write(&self, lang: Lang) -> Result<NoteWrite, String> {
        let date_text = text_of(&self.date);
        let visited_on =
            parse_date(date_text.trim()).map_err(|_| format!("{}: {date_text}", Text::BadDate.get(lang)))?;
        let follow_text = text_of(&self.follow_up);
        let follow_up_on = match follow_text.trim() {
            "" => None,
            text => Some(parse_date(text).map_err(|_| format!("{}: {text}", Text::BadDate.get(lang)))?),
        };
        let body = self.body_text();
        if body.trim().is_empty() {
            return Err(Text::EmptyNote.get(lang).to_string());
        }
        Ok(match &self.mode {
            EditorMode::New { author } => {
                let station_id = self.station_id().ok_or_else(|| Text::NoStation.get(lang).to_string())?;
                NoteWrite::New(NewNote {
                    station_id: station_id.to_string(),
                    author_id: author.clone(),
                    visited_on,
                    kind: self.kind,
                    body,
                    follow_up_on,
                })
            }
            EditorMode::Edit { original } => NoteWrite::Edit {
                uuid: original.uuid.clone(),
                edit: NoteEdit {
                    visited_on: (visited_on != original.visited_on).then_some(visited_on),
                    kind: (self.kind != original.kind).then_some(self.kind),
                    body: (body != original.body).then_some(body),
                    follow_up_on: (follow_up_on != original.follow_up_on).then_some(follow_up_on),
                },
            },
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    SignOff,
    Dispute,
}

/// What a sign-off prompt signs: a station's statement, or a branch's
/// sheet as the viewer (its manager or one of its maintainers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignTarget {
    Station(String),
    BranchSheet(String),
}

/// Recording a sign-off (y/Enter) or dispute (with a reason).
pub struct Prompt {
    pub kind: PromptKind,
    pub target: SignTarget,
    /// The month whose statement is signed.
    pub month: Month,
    pub reason: TextArea<'static>,
    pub error: Option<String>,
    lang: Lang,
}

impl Prompt {
    pub fn new(kind: PromptKind, target: SignTarget, month: Month, lang: Lang) -> Prompt {
        let mut reason = TextArea::default();
        reason.set_wrap_mode(WrapMode::WordOrGlyph);
        reason.set_cursor_line_style(ratatui::style::Style::default());
        Prompt {
            kind,
            target,
            month,
            reason,
            error: None,
            lang,
        }
    }

    pub fn reason(&self) -> String {
        self.reason.lines().join(" ").trim().to_string()
    }

    pub fn on_key(&mut self, key: KeyEvent) -> EditorOutcome {
        self.error = None;
        match (self.kind, key.code) {
            (_, KeyCode::Esc) => EditorOutcome::Cancel,
            (PromptKind::SignOff, KeyCode::Enter | KeyCode::Char('y')) => EditorOutcome::Save,
            (PromptKind::SignOff, KeyCode::Char('n')) => EditorOutcome::Cancel,
            (PromptKind::Dispute, KeyCode::Enter) if self.reason().is_empty() => {
                self.error = Some(Text::DashReasonNeeded.get(self.lang).to_string());
                EditorOutcome::Continue
            }
            (PromptKind::Dispute, KeyCode::Enter) => EditorOutcome::Save,
            (PromptKind::Dispute, _) => {
                self.reason.input(key);
                EditorOutcome::Continue
            }
            _ => EditorOutcome::Continue,
        }
    }
}
