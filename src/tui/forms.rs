//! What has the keyboard over a screen: the first-run picker, the note
//! editor (and its draft, kept on every change), the sign-off prompt, a
//! note open in full, the offer of last time's draft, and the filter line.
//! Writes go out as effects; their answers come back here.

use chrono::Utc;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::App;
use super::editor::{EditorOutcome, NoteEditor, Prompt, PromptKind, SignTarget};
use super::effect::Effect;
use super::state::ScreenKind;
use crate::i18n::{fill, Text};
use crate::month::china_time;
use crate::records::{NewBranchSignoff, NewSignoff, Outcome, VisitNote};

/// A note open in full, scrolled by `scroll` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteView {
    pub note: VisitNote,
    pub scroll: u16,
}

impl NoteView {
    pub fn new(note: VisitNote) -> NoteView {
        NoteView { note, scroll: 0 }
    }
}

impl App {
    pub(super) fn on_picker_key(&mut self, key: KeyEvent) {
        let Some(picker) = self.picker.as_mut() else {
            return;
        };
        let len = picker.choices.len();
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => picker.cursor.step(-1, len),
            KeyCode::Down | KeyCode::Char('j') => picker.cursor.step(1, len),
            KeyCode::Enter => {
                let Some(choice) = picker.choices.get(picker.cursor.selected).cloned() else {
                    return;
                };
                self.picker = None;
                self.picked_person = Some(choice.id);
                self.set_viewer(choice.viewer);
            }
            KeyCode::Esc | KeyCode::Char('q') => self.quit = true,
            _ => {}
        }
    }

    /// Last time's unsaved note is offered to the person who wrote it.
    pub fn draft_offered(&self) -> bool {
        let me = self.viewer.as_ref().and_then(|v| v.person());
        self.picker.is_none()
            && self.editor.is_none()
            && self.draft_offer.as_ref().is_some_and(|d| Some(d.author.as_str()) == me)
    }

    pub(super) fn on_draft_offer_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Enter | KeyCode::Char('y') => {
                if let Some(draft) = self.draft_offer.take() {
                    let original = draft
                        .editing
                        .as_ref()
                        .and_then(|uuid| self.notes.iter().find(|n| n.uuid == *uuid))
                        .cloned();
                    let mut editor = NoteEditor::from_draft(&draft, original, self.stations_for_editor());
                    editor.set_look(self.theme, self.lang);
                    editor.kept = Some(draft);
                    self.editor = Some(editor);
                }
            }
            KeyCode::Esc | KeyCode::Char('n') => {
                self.draft_offer = None;
                self.emit(Effect::SaveDraft(None));
            }
            _ => {}
        }
    }

    pub(super) fn on_editor_key(&mut self, key: KeyEvent) {
        let Some(editor) = self.editor.as_mut() else {
            return;
        };
        if editor.confirm_discard {
            match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    self.editor = None;
                    self.emit(Effect::SaveDraft(None));
                }
                KeyCode::Char('n') | KeyCode::Esc | KeyCode::Enter => editor.confirm_discard = false,
                _ => {}
            }
            return;
        }
        if self.saving {
            return;
        }
        match editor.on_key(key) {
            EditorOutcome::Continue => self.keep_draft(),
            EditorOutcome::Cancel => {
                if editor.changed() {
                    editor.confirm_discard = true;
                } else {
                    self.editor = None;
                    self.emit(Effect::SaveDraft(None));
                }
            }
            EditorOutcome::Save => match editor.to_write(self.lang) {
                Ok(write) => {
                    self.saving = true;
                    self.emit(Effect::WriteNote(write));
                }
                Err(message) => editor.error = Some(message),
            },
        }
    }

    /// Keeps the editor's fields in the database when they changed.
    fn keep_draft(&mut self) {
        let Some(editor) = self.editor.as_mut() else {
            return;
        };
        let mut draft = editor.draft(String::new());
        if editor.kept.as_ref().is_some_and(|kept| {
            let mut kept = kept.clone();
            kept.changed_at.clear();
            kept == draft
        }) {
            return;
        }
        if editor.kept.is_none() && !editor.changed() {
            return;
        }
        draft.changed_at = china_time(Utc::now());
        editor.kept = Some(draft.clone());
        self.emit(Effect::SaveDraft(Some(draft)));
    }

    pub(super) fn note_written(&mut self, result: Result<(), String>) {
        self.saving = false;
        match result {
            Ok(()) => {
                self.editor = None;
                self.flash = Some(Text::NoteSaved.get(self.lang).to_string());
                self.emit(Effect::SaveDraft(None));
                self.reload();
            }
            Err(message) => match self.editor.as_mut() {
                Some(editor) => editor.error = Some(message),
                None => self.flash = Some(message),
            },
        }
    }

    /// `c` or `d`: asks about the statement month's statement of a station
    /// or sheet of a branch. A branch sheet is signed by the people on it
    /// only; the county answers disputes, it does not sign.
    pub(super) fn open_sign_prompt(&mut self, kind: PromptKind, target: SignTarget) {
        let month = self.data().statement_month;
        let Some(person) = self.viewer.as_ref().and_then(|v| v.person().map(String::from)) else {
            self.flash = Some(Text::CountyCannotSign.get(self.lang).to_string());
            return;
        };
        if let SignTarget::BranchSheet(branch) = &target {
            let on_sheet = self
                .data()
                .report
                .result
                .people
                .iter()
                .any(|p| p.branch == *branch && p.id == person);
            if !on_sheet {
                let name = self.data().report.branch_name(branch).to_string();
                self.flash = Some(fill(Text::DashSheetNotOnIt.get(self.lang), &[&name]));
                return;
            }
        }
        if self.month_data(month).is_none() {
            // The amount to name comes with the month's figures.
            self.load_month(month);
        }
        self.prompt = Some(Prompt::new(kind, target, month, self.lang));
    }

    pub(super) fn on_prompt_key(&mut self, key: KeyEvent) {
        if self.saving {
            return;
        }
        let Some(prompt) = self.prompt.as_mut() else {
            return;
        };
        match prompt.on_key(key) {
            EditorOutcome::Continue => {}
            EditorOutcome::Cancel => self.prompt = None,
            EditorOutcome::Save => {
                let (kind, target, month, reason) = (prompt.kind, prompt.target.clone(), prompt.month, prompt.reason());
                if self.month_data(month).is_none() {
                    // Nobody signs an amount they have not seen.
                    if let Some(p) = self.prompt.as_mut() {
                        p.error = Some(Text::DashAmountLoading.get(self.lang).to_string());
                    }
                    return;
                }
                let (outcome, reason) = match kind {
                    PromptKind::SignOff => (Outcome::Signed, None),
                    PromptKind::Dispute => (Outcome::Disputed, Some(reason)),
                };
                let Some(author) = self.viewer.as_ref().and_then(|v| v.person().map(String::from)) else {
                    self.prompt = None;
                    self.flash = Some(Text::CountyCannotSign.get(self.lang).to_string());
                    return;
                };
                self.saving = true;
                self.emit(match target {
                    SignTarget::Station(station) => Effect::RecordSignoff(NewSignoff {
                        station_id: station,
                        month,
                        author_id: author,
                        outcome,
                        reason,
                        signed_on: self.today,
                    }),
                    SignTarget::BranchSheet(branch) => Effect::RecordBranchSignoff(NewBranchSignoff {
                        branch_id: branch,
                        month,
                        signer: author,
                        role: None,
                        outcome,
                        reason,
                        signed_on: self.today,
                    }),
                });
            }
        }
    }

    pub(super) fn signoff_recorded(&mut self, outcome: Outcome, result: Result<(), String>) {
        self.saving = false;
        match result {
            Ok(()) => {
                self.prompt = None;
                let text = match outcome {
                    Outcome::Signed => Text::SignoffSaved,
                    Outcome::Disputed => Text::DashDisputeSaved,
                };
                self.flash = Some(text.get(self.lang).to_string());
                self.reload();
            }
            Err(message) => match self.prompt.as_mut() {
                Some(prompt) => prompt.error = Some(message),
                None => self.flash = Some(message),
            },
        }
    }

    pub(super) fn on_note_view_key(&mut self, key: KeyEvent) {
        let Some(view) = self.note_view.as_mut() else {
            return;
        };
        let page = self.hits.get().list.height.max(1);
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => view.scroll = view.scroll.saturating_add(1),
            KeyCode::Up | KeyCode::Char('k') => view.scroll = view.scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => view.scroll = view.scroll.saturating_add(page),
            KeyCode::PageUp => view.scroll = view.scroll.saturating_sub(page),
            KeyCode::Home | KeyCode::Char('g') => view.scroll = 0,
            KeyCode::Char('e') => {
                let note = view.note.clone();
                self.edit_note(&note);
            }
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') | KeyCode::Char('h') | KeyCode::Left => {
                self.note_view = None
            }
            _ => {}
        }
    }

    pub(super) fn on_filter_key(&mut self, key: KeyEvent) {
        let Some(screen) = self.filters.typing else {
            return;
        };
        match key.code {
            KeyCode::Esc => {
                self.filters.clear(screen);
                self.filters.typing = None;
            }
            KeyCode::Enter => self.filters.typing = None,
            KeyCode::Backspace => {
                self.filters.get_mut(screen).pop();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => self.filters.get_mut(screen).push(c),
            _ => {}
        }
        self.filter_changed(screen);
    }

    fn filter_changed(&mut self, screen: ScreenKind) {
        let c = &mut self.cursors;
        match screen {
            ScreenKind::MyStations => c.stations.reset(),
            ScreenKind::Visits => c.visits.reset(),
            ScreenKind::County => c.county.reset(),
            ScreenKind::Branch => c.branch.reset(),
            _ => {}
        }
        self.recompute_visible();
    }

    /// Pasted text: into the editor, the prompt or the filter.
    pub(super) fn on_paste(&mut self, text: &str) {
        if let Some(editor) = self.editor.as_mut() {
            if !editor.confirm_discard {
                editor.on_paste(text);
                self.keep_draft();
            }
        } else if let Some(prompt) = self.prompt.as_mut() {
            prompt.reason.insert_str(text.replace(['\n', '\r'], " "));
        } else if let Some(screen) = self.filters.typing {
            self.filters.get_mut(screen).push_str(text.trim());
            self.filter_changed(screen);
        }
    }
}
