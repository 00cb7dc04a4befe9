//! Keys and the mouse on the screens: which part of the app has the
//! keyboard, the key table's actions (moving, opening, screens, months,
//! sort, filter, sync), and clicks and the wheel on lists.

use std::time::Instant;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};

use super::app::App;
use super::data::Viewer;
use super::editor::{NoteEditor, PromptKind, SignTarget};
use super::forms::NoteView;
use super::keys::{action_for, Action};
use super::lists::TodoKind;
use super::state::{Screen, FILTERED};
use crate::i18n::{fill, Text};
use crate::month::Month;

impl App {
    /// One key: to whatever has the keyboard.
    pub(super) fn on_key(&mut self, key: KeyEvent) {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return;
        }
        self.flash = None;
        if self.picker.is_some() {
            self.on_picker_key(key);
        } else if self.draft_offered() {
            self.on_draft_offer_key(key);
        } else if self.editor.is_some() {
            self.on_editor_key(key);
        } else if self.prompt.is_some() {
            self.on_prompt_key(key);
        } else if self.note_view.is_some() {
            self.on_note_view_key(key);
        } else if self.help {
            // Any key closes the help.
            self.help = false;
        } else if self.filters.typing.is_some() {
            self.on_filter_key(key);
        } else if let Some(action) = action_for(&key, self.screen().kind()) {
            self.apply(action);
        }
    }

    fn page(&self) -> isize {
        self.hits.get().list.height.max(1) as isize
    }

    fn apply(&mut self, action: Action) {
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
                let height = self.hits.get().list.height as usize;
                if let Screen::StationDetail { pane: 0, .. } = self.screen() {
                    // The figures are text, not a list: the keys scroll them.
                    let max = self.hits.get().scroll_max;
                    self.figures_scroll = match action {
                        Action::Home => 0,
                        Action::End => max,
                        _ => self.figures_scroll.saturating_add_signed(delta).min(max),
                    };
                } else if let Some(cursor) = self.cursor_mut() {
                    cursor.step(delta, len);
                    cursor.scroll_into_view(height);
                }
            }
            Action::Open => self.open_selected(),
            Action::NextPane => {
                if let Some(Screen::StationDetail { pane, .. } | Screen::Branch { pane, .. }) = self.stack.last_mut() {
                    *pane = (*pane + 1) % 2;
                }
            }
            Action::PrevMonth => self.page_month(false),
            Action::NextMonth => self.page_month(true),
            Action::Filter => {
                let kind = self.screen().kind();
                if FILTERED.contains(&kind) {
                    self.filters.typing = Some(kind);
                }
            }
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
            Action::ShowPlan => match self.viewer {
                Some(Viewer::County) => self.flash = Some(Text::DashPlanCounty.get(self.lang).to_string()),
                _ => {
                    self.cursors.plan.reset();
                    self.push_root(Screen::Plan);
                }
            },
            Action::NewNote => self.new_note(),
            Action::EditNote => {
                let note = match self.screen() {
                    Screen::Visits => self
                        .visible_notes()
                        .get(self.cursors.visits.selected)
                        .map(|n| (*n).clone()),
                    Screen::StationDetail { id, pane: 1 } => self
                        .station_notes(id)
                        .get(self.cursors.station_notes.selected)
                        .map(|n| (*n).clone()),
                    _ => None,
                };
                if let Some(note) = note {
                    self.edit_note(&note);
                }
            }
            Action::SignOff | Action::Dispute => {
                let kind = if action == Action::SignOff {
                    PromptKind::SignOff
                } else {
                    PromptKind::Dispute
                };
                let target = match self.screen() {
                    Screen::StationDetail { id, .. } => Some(SignTarget::Station(id.clone())),
                    Screen::Branch { id, .. } => Some(SignTarget::BranchSheet(id.clone())),
                    _ => None,
                };
                if let Some(target) = target {
                    self.open_sign_prompt(kind, target);
                }
            }
            Action::Sync => self.request_sync(Instant::now()),
        }
        // The screen may have changed: keep its cursor on a row.
        self.clamp_cursors();
        self.want_screen_data();
    }

    /// `[` and `]`: the month before or after among those with figures,
    /// never past today's.
    fn page_month(&mut self, forward: bool) {
        let from = self.pending_month.unwrap_or(self.month);
        let today = Month::of(self.today);
        let target = if forward {
            self.months.iter().copied().filter(|m| *m > from && *m <= today).min()
        } else {
            self.months.iter().copied().filter(|m| *m < from).max()
        };
        match target {
            Some(month) => self.go_to_month(month),
            None => {
                let (text, edge) = if forward {
                    (Text::DashNoLaterMonth, self.months.last())
                } else {
                    (Text::DashNoEarlierMonth, self.months.first())
                };
                let edge = edge.map_or_else(|| from.to_string(), Month::to_string);
                self.flash = Some(fill(text.get(self.lang), &[&edge]));
            }
        }
    }

    /// Keeps the root screen under a pushed one, so Esc returns to it.
    fn push_root(&mut self, screen: Screen) {
        let root = self.stack[0].clone();
        self.stack = vec![root];
        if self.stack[0] != screen {
            self.stack.push(screen);
        }
    }

    fn open_station(&mut self, id: String) {
        self.cursors.station_notes.reset();
        self.figures_scroll = 0;
        self.stack.push(Screen::StationDetail { id, pane: 0 });
    }

    pub(super) fn open_selected(&mut self) {
        match self.screen().clone() {
            Screen::MyStations => {
                if let Some(id) = self.visible.get(self.cursors.stations.selected).cloned() {
                    self.open_station(id);
                }
            }
            Screen::County => {
                let id = self
                    .ranked_branches()
                    .get(self.cursors.county.selected)
                    .map(|b| b.id.clone());
                if let Some(id) = id {
                    self.cursors.branch.reset();
                    self.stack.push(Screen::Branch { id, pane: 0 });
                }
            }
            Screen::Branch { id, .. } => {
                let station = self
                    .branch_list_stations(&id)
                    .get(self.cursors.branch.selected)
                    .cloned();
                if let Some(station) = station {
                    self.open_station(station);
                }
            }
            Screen::Plan => {
                let station = self.plan_list_stations().get(self.cursors.plan.selected).cloned();
                if let Some(station) = station {
                    self.open_station(station);
                }
            }
            Screen::Visits => {
                let note = self
                    .visible_notes()
                    .get(self.cursors.visits.selected)
                    .map(|n| (*n).clone());
                if let Some(note) = note {
                    self.note_view = Some(NoteView::new(note));
                }
            }
            Screen::StationDetail { id, pane: 1 } => {
                let note = self
                    .station_notes(&id)
                    .get(self.cursors.station_notes.selected)
                    .map(|n| (*n).clone());
                if let Some(note) = note {
                    self.note_view = Some(NoteView::new(note));
                }
            }
            Screen::StationDetail { .. } => {}
            Screen::Calendar => {
                let Some(todo) = self.todos().into_iter().nth(self.cursors.calendar.selected) else {
                    return;
                };
                match todo.kind {
                    TodoKind::FollowUp { note, .. } => {
                        let note = self.notes.iter().find(|n| n.uuid == note).cloned();
                        if let Some(note) = note {
                            self.note_view = Some(NoteView::new(note));
                        }
                    }
                    TodoKind::Statement { .. } | TodoKind::AtRisk { .. } => self.open_station(todo.station),
                }
            }
        }
        self.want_screen_data();
    }

    /// My stations as (id, name) in pinyin order, for the editor's
    /// station field.
    pub(super) fn stations_for_editor(&self) -> Vec<(String, String)> {
        let data = self.data();
        let mut list: Vec<(String, String)> = data
            .report
            .result
            .stations
            .iter()
            .filter(|s| self.viewer.as_ref().is_none_or(|v| v.sees(s)))
            .map(|s| (s.id.clone(), data.report.station_name(&s.id).to_string()))
            .collect();
        list.sort_by(|a, b| super::names::pinyin_cmp(&a.1, &b.1).then(a.0.cmp(&b.0)));
        list
    }

    /// The station in context: the open one, or the selected row.
    fn station_in_context(&self) -> Option<String> {
        match self.screen() {
            Screen::StationDetail { id, .. } => Some(id.clone()),
            Screen::MyStations => self.visible.get(self.cursors.stations.selected).cloned(),
            Screen::Branch { id, .. } => self.branch_list_stations(id).get(self.cursors.branch.selected).cloned(),
            Screen::Plan => self.plan_list_stations().get(self.cursors.plan.selected).cloned(),
            Screen::Visits => self
                .visible_notes()
                .get(self.cursors.visits.selected)
                .map(|n| n.station_id.clone()),
            Screen::Calendar => self
                .todos()
                .into_iter()
                .nth(self.cursors.calendar.selected)
                .map(|t| t.station),
            Screen::County => None,
        }
    }

    fn new_note(&mut self) {
        let Some(author) = self.viewer.as_ref().and_then(|v| v.person().map(String::from)) else {
            self.flash = Some(Text::CountyCannotSign.get(self.lang).to_string());
            return;
        };
        let station = self.station_in_context();
        let mut editor = NoteEditor::new(author, station, self.today, self.stations_for_editor());
        editor.set_look(self.theme, self.lang);
        self.editor = Some(editor);
    }

    pub(super) fn edit_note(&mut self, note: &crate::records::VisitNote) {
        self.note_view = None;
        let mut editor = NoteEditor::edit(note, self.stations_for_editor());
        editor.set_look(self.theme, self.lang);
        self.editor = Some(editor);
    }

    /// The wheel scrolls, a click selects (twice opens).
    pub(super) fn on_mouse(&mut self, event: MouseEvent) {
        if self.editor.is_some()
            || self.prompt.is_some()
            || self.picker.is_some()
            || self.help
            || self.note_view.is_some()
            || self.draft_offered()
        {
            return;
        }
        let len = self.list_len();
        let hits = self.hits.get();
        let height = hits.list.height as usize;
        match event.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let delta = if event.kind == MouseEventKind::ScrollDown {
                    3
                } else {
                    -3
                };
                if let Screen::StationDetail { pane: 0, .. } = self.screen() {
                    self.figures_scroll = self.figures_scroll.saturating_add_signed(delta).min(hits.scroll_max);
                } else if let Some(c) = self.cursor_mut() {
                    c.step(delta, len);
                    c.scroll_into_view(height);
                }
            }
            MouseEventKind::Down(_) => {
                let list = hits.list;
                let inside = event.column >= list.x
                    && event.column < list.x + list.width
                    && event.row >= list.y
                    && event.row < list.y + list.height;
                if !inside {
                    return;
                }
                let row = hits.offset + (event.row - list.y) as usize;
                let mut open = false;
                if let Some(c) = self.cursor_mut() {
                    if row < len {
                        open = c.selected == row;
                        c.selected = row;
                        c.offset = hits.offset;
                    }
                }
                if open {
                    self.open_selected();
                }
            }
            _ => {}
        }
    }
}
