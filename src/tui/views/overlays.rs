//! Popups over a screen: help, the note editor, the sign-off prompt and
//! the first-run person picker.

use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;

use super::common::{dim, popup, t, titled};
use crate::i18n::Text;
use crate::store::notes::NoteKind;
use crate::tui::app::App;
use crate::tui::editor::{EditorMode, Field, PromptKind};
use crate::tui::keys;

/// `?`: the same key table as the footer.
pub fn help(frame: &mut Frame, app: &App) {
    let screen = app.screen().kind();
    let mut lines: Vec<Line> = keys::help(screen)
        .map(|b| {
            Line::from(vec![
                Span::styled(format!("{:<10}", b.label), app.theme.key()),
                Span::raw(b.help.get(app.lang)),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(dim(app, t(app, Text::AnyKeyCloses))));
    let height = lines.len() as u16 + 2;
    let area = popup(frame, 52, height);
    frame.render_widget(
        Paragraph::new(lines).block(titled(t(app, Text::Help).into(), true, app)),
        area,
    );
}

/// The visit-note editor.
pub fn editor(frame: &mut Frame, app: &mut App) {
    let lang = app.lang;
    let theme = app.theme;
    let Some(editor) = app.editor.as_mut() else {
        return;
    };
    let title = match editor.mode {
        EditorMode::New { .. } => Text::NewNote.get(lang),
        EditorMode::Edit { .. } => Text::EditNote.get(lang),
    };
    let area = popup(frame, 76, 20);
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
    let lw = 10;
    let split = |area| Layout::horizontal([Constraint::Length(lw), Constraint::Min(1)]).areas::<2>(area);

    let [l, v] = split(station);
    frame.render_widget(
        Line::from(label_for(lang, theme, Text::Station, focus == Field::Station)),
        l,
    );
    let (id, name) = editor.stations.get(editor.station).cloned().unwrap_or_default();
    let arrows = if focus == Field::Station && matches!(editor.mode, EditorMode::New { .. }) {
        "◀ ▶ "
    } else {
        ""
    };
    frame.render_widget(Line::raw(format!("{arrows}{name} ({id})")), v);

    let [l, v] = split(date);
    frame.render_widget(Line::from(label_for(lang, theme, Text::Date, focus == Field::Date)), l);
    editor.date.set_cursor_style(cursor(theme, focus == Field::Date));
    frame.render_widget(&editor.date, v);

    let [l, v] = split(kind);
    frame.render_widget(Line::from(label_for(lang, theme, Text::Kind, focus == Field::Kind)), l);
    let kinds: Vec<Span> = NoteKind::ALL
        .iter()
        .flat_map(|k| {
            let name = kind_text(*k).get(lang);
            let style = if *k == editor.kind {
                theme.selected()
            } else {
                theme.dim()
            };
            [Span::styled(name, style), Span::raw(" ")]
        })
        .collect();
    frame.render_widget(Line::from(kinds), v);

    frame.render_widget(
        Line::from(label_for(lang, theme, Text::Note, focus == Field::Body)),
        body_label,
    );
    editor
        .body
        .set_block(Block::bordered().border_style(theme.focus_border(focus == Field::Body)));
    editor.body.set_cursor_style(cursor(theme, focus == Field::Body));
    frame.render_widget(&editor.body, body);

    let [l, v] = split(follow);
    frame.render_widget(
        Line::from(label_for(lang, theme, Text::FollowUp, focus == Field::FollowUp)),
        l,
    );
    editor
        .follow_up
        .set_cursor_style(cursor(theme, focus == Field::FollowUp));
    frame.render_widget(&editor.follow_up, v);

    let help_line = match &editor.error {
        Some(error) => Line::from(Span::styled(error.clone(), theme.bad())),
        None => Line::from(vec![
            Span::styled("Tab", theme.key()),
            Span::raw(format!(" {}  ", Text::NextField.get(lang))),
            Span::styled("Ctrl-S", theme.key()),
            Span::raw(format!(" {}  ", Text::Save.get(lang))),
            Span::styled("Esc", theme.key()),
            Span::raw(format!(" {}", Text::Cancel.get(lang))),
        ]),
    };
    frame.render_widget(help_line, help);
}

fn cursor(theme: crate::tui::theme::Theme, focused: bool) -> ratatui::style::Style {
    if focused {
        theme.selected()
    } else {
        ratatui::style::Style::new()
    }
}

fn label_for(lang: crate::i18n::Lang, theme: crate::tui::theme::Theme, text: Text, focused: bool) -> Span<'static> {
    let style = if focused { theme.key() } else { theme.dim() };
    Span::styled(text.get(lang).to_string(), style)
}

pub fn kind_text(kind: NoteKind) -> Text {
    match kind {
        NoteKind::Collection => Text::KindCollection,
        NoteKind::Equipment => Text::KindEquipment,
        NoteKind::Promotion => Text::KindPromotion,
        NoteKind::Reconciliation => Text::KindReconciliation,
        NoteKind::Other => Text::KindOther,
    }
}

/// The sign-off or dispute prompt.
pub fn prompt(frame: &mut Frame, app: &mut App) {
    let lang = app.lang;
    let theme = app.theme;
    let name = app
        .prompt
        .as_ref()
        .map(|p| app.data().report.station_name(&p.station).to_string())
        .unwrap_or_default();
    let Some(prompt) = app.prompt.as_mut() else {
        return;
    };
    let area = popup(frame, 64, 8);
    let (title, question) = match prompt.kind {
        PromptKind::SignOff => (Text::SignOffTitle, Text::SignOffQuestion),
        PromptKind::Dispute => (Text::DisputeTitle, Text::DisputeQuestion),
    };
    let block = Block::bordered()
        .title(Span::styled(title.get(lang), theme.title()))
        .border_style(theme.focus_border(true));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [q, input, err] =
        Layout::vertical([Constraint::Length(2), Constraint::Length(3), Constraint::Min(1)]).areas(inner);
    frame.render_widget(
        Paragraph::new(format!("{name} · {} {}", prompt.month, question.get(lang)))
            .wrap(ratatui::widgets::Wrap { trim: true }),
        q,
    );
    match prompt.kind {
        PromptKind::Dispute => {
            prompt.reason.set_block(Block::bordered().title(Text::Reason.get(lang)));
            frame.render_widget(&prompt.reason, input);
        }
        PromptKind::SignOff => {
            frame.render_widget(
                Line::from(vec![
                    Span::styled("y/Enter", theme.key()),
                    Span::raw(format!(" {}  ", Text::Confirm.get(lang))),
                    Span::styled("n/Esc", theme.key()),
                    Span::raw(format!(" {}", Text::Cancel.get(lang))),
                ]),
                input,
            );
        }
    }
    if let Some(error) = &prompt.error {
        frame.render_widget(Line::from(Span::styled(error.clone(), theme.bad())), err);
    }
}

/// The first-run picker: who am I?
pub fn picker(frame: &mut Frame, app: &App) {
    let Some(picker) = &app.picker else { return };
    let area = popup(frame, 60, 20);
    let rows: Vec<Row> = picker
        .choices
        .iter()
        .map(|(id, name, role)| {
            Row::new(vec![
                Cell::from(id.clone()),
                Cell::from(t(app, *role)),
                Cell::from(name.clone()),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [Constraint::Length(8), Constraint::Length(10), Constraint::Min(10)],
    )
    .block(titled(t(app, Text::WhoAreYou).into(), true, app))
    .row_highlight_style(app.theme.selected());
    let mut state = TableState::default().with_selected(Some(picker.cursor.selected));
    frame.render_stateful_widget(table, area, &mut state);
}
