//! The visit-note editor: as tall as the screen allows, the note wrapped
//! softly so all of a long paste stays in view; while the station field
//! searches, the stations it finds take the note's place.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::common::{cut, dim, popup, t};
use crate::i18n::Text;
use crate::records::NoteKind;
use crate::tui::app::App;
use crate::tui::editor::{EditorMode, Field, NoteEditor};

pub fn draw(frame: &mut Frame, app: &App) {
    let Some(editor) = &app.editor else {
        return;
    };
    let theme = app.theme;
    let title = match editor.mode {
        EditorMode::New { .. } => t(app, Text::NewNote),
        EditorMode::Edit { .. } => t(app, Text::EditNote),
    };
    let screen = frame.area();
    let area = popup(frame, 90, screen.height.saturating_sub(2).max(12));
    let block = Block::bordered()
        .title(Span::styled(title, theme.title()))
        .border_style(theme.focus_border(true));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [station, date, kind, body_label, body, follow, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let focus = editor.focus;
    let label_width = 10;
    let split = |area| Layout::horizontal([Constraint::Length(label_width), Constraint::Min(1)]).areas::<2>(area);

    let [l, v] = split(station);
    frame.render_widget(Line::from(label(app, Text::Station, focus == Field::Station)), l);
    draw_station_field(frame, v, app, editor);

    let [l, v] = split(date);
    frame.render_widget(Line::from(label(app, Text::Date, focus == Field::Date)), l);
    frame.render_widget(&editor.date, v);

    let [l, v] = split(kind);
    frame.render_widget(Line::from(label(app, Text::Kind, focus == Field::Kind)), l);
    let kinds: Vec<Span> = NoteKind::ALL
        .iter()
        .flat_map(|k| {
            let style = if *k == editor.kind {
                theme.selected()
            } else {
                theme.dim()
            };
            [Span::styled(t(app, k.text()), style), Span::raw(" ")]
        })
        .collect();
    frame.render_widget(Line::from(kinds), v);

    frame.render_widget(Line::from(label(app, Text::Note, focus == Field::Body)), body_label);
    if editor.searching() {
        draw_matches(frame, body, app, editor);
    } else {
        frame.render_widget(&editor.body, body);
    }

    let [l, v] = split(follow);
    frame.render_widget(Line::from(label(app, Text::FollowUp, focus == Field::FollowUp)), l);
    frame.render_widget(&editor.follow_up, v);

    let help_line = if editor.confirm_discard {
        Line::from(Span::styled(t(app, Text::DashDiscardQuestion), theme.bad()))
    } else if let Some(error) = &editor.error {
        Line::from(Span::styled(error.clone(), theme.bad()))
    } else {
        Line::from(vec![
            Span::styled("Ctrl-S", theme.key()),
            Span::raw(format!(" {}  ", t(app, Text::Save))),
            Span::styled("Tab", theme.key()),
            Span::raw(format!(" {}  ", t(app, Text::NextField))),
            Span::styled("Esc", theme.key()),
            Span::raw(format!(" {}", t(app, Text::Cancel))),
        ])
    };
    frame.render_widget(Paragraph::new(help_line).wrap(Wrap { trim: true }), help);
}

fn label(app: &App, text: Text, focused: bool) -> Span<'static> {
    let style = if focused { app.theme.key() } else { app.theme.dim() };
    Span::styled(t(app, text).to_string(), style)
}

/// The chosen station, or what is typed to find one.
fn draw_station_field(frame: &mut Frame, area: Rect, app: &App, editor: &NoteEditor) {
    let (id, name) = editor.stations.get(editor.station).cloned().unwrap_or_default();
    let chosen = format!("{name} ({id})");
    let editable = matches!(editor.mode, EditorMode::New { .. });
    if editor.searching() {
        frame.render_widget(&editor.station_query, area);
    } else if editor.focus == Field::Station && editable {
        let hint = format!("  {}", t(app, Text::DashStationSearchHint));
        frame.render_widget(
            Line::from(vec![Span::styled(chosen, app.theme.selected()), dim(app, hint)]),
            area,
        );
    } else {
        frame.render_widget(Line::raw(cut(&chosen, area.width as usize)), area);
    }
}

/// The stations the station field's query finds, the highlighted one
/// marked; Enter takes it.
fn draw_matches(frame: &mut Frame, area: Rect, app: &App, editor: &NoteEditor) {
    let found = editor.station_matches();
    let block = Block::bordered().border_style(app.theme.focus_border(true));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if found.is_empty() {
        frame.render_widget(Line::from(dim(app, t(app, Text::DashNoMatch))), inner);
        return;
    }
    let height = inner.height as usize;
    let first = editor.match_cursor.saturating_sub(height.saturating_sub(1));
    let lines: Vec<Line> = found
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, &s)| {
            let (id, name) = &editor.stations[s];
            let line = Line::raw(cut(&format!("{name} ({id})"), inner.width as usize));
            if i == editor.match_cursor {
                line.style(app.theme.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
