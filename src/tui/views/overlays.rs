//! Popups over a screen: help, a note in full, the sign-off prompt (which
//! names the station, the month and the amount), the offer of last
//! time's unsaved note, and the first-run person picker.

use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::common::{cut, dim, popup, t, titled, yuan};
use super::visits::{kind_name, sync_span};
use crate::i18n::{fill, Text};
use crate::tui::app::App;
use crate::tui::editor::{PromptKind, SignTarget};
use crate::tui::keys;
use crate::tui::state::HitMap;

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

/// A visit note in full: who, where, when, and all of its text, wrapped.
pub fn note(frame: &mut Frame, app: &App) {
    let Some(view) = &app.note_view else { return };
    let n = &view.note;
    let report = &app.data().report;
    let screen = frame.area();
    let area = popup(frame, 84, screen.height.saturating_sub(2).max(10));
    let title = format!("{} · {}", report.station_name(&n.station_id), n.visited_on);
    let block = titled(cut(&title, area.width.saturating_sub(4) as usize), true, app);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut head = vec![
        dim(app, format!("{} ", t(app, Text::DashAuthor))),
        Span::raw(format!("{}  ", report.person_name(&n.author_id))),
        dim(app, format!("{} ", t(app, Text::Kind))),
        Span::raw(format!("{}  ", kind_name(app, n.kind))),
    ];
    if let Some(day) = n.follow_up_on {
        head.push(dim(app, format!("{} ", t(app, Text::FollowUp))));
        head.push(Span::raw(format!("{day}  ")));
    }
    head.push(sync_span(app, &n.sync));
    let [head_area, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(Line::from(head)).wrap(Wrap { trim: true }), head_area);
    app.hits.set(HitMap {
        list: body,
        ..HitMap::default()
    });
    let lines = super::common::wrap_text(&n.body, body.width as usize);
    let total = lines.len();
    let height = body.height as usize;
    let scroll = (view.scroll as usize).min(total.saturating_sub(height));
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(height).map(Line::raw).collect();
    frame.render_widget(Paragraph::new(shown), body);
    super::common::scroll_mark(frame, area, scroll, height, total, app);
}

/// The sign-off or dispute prompt: which station, which month's
/// statement, and the amount being signed.
pub fn prompt(frame: &mut Frame, app: &App) {
    let theme = app.theme;
    let Some(prompt) = &app.prompt else { return };
    let month_data = app.month_data(prompt.month);
    // What is signed, and the amount: the station's reward, or the
    // signer's own net on the branch sheet.
    let (what_text, id, amount_label, amount) = match &prompt.target {
        SignTarget::Station(station) => (
            Text::Station,
            station,
            Text::DashAmountToSign,
            month_data
                .and_then(|d| d.station(station))
                .map(|s| yuan(app, crate::payout::amount_to_pay(s))),
        ),
        SignTarget::BranchSheet(branch) => {
            let signer = app.viewer.as_ref().and_then(|v| v.person());
            (
                Text::Branch,
                branch,
                Text::DashYourNet,
                month_data.and_then(|d| {
                    d.report
                        .result
                        .people
                        .iter()
                        .find(|p| p.branch == *branch && Some(p.id.as_str()) == signer)
                        .map(|p| yuan(app, p.net))
                }),
            )
        }
    };
    let name = match &prompt.target {
        SignTarget::Station(station) => app.data().report.station_name(station).to_string(),
        SignTarget::BranchSheet(branch) => app.data().report.branch_name(branch).to_string(),
    };
    let area = popup(frame, 64, 11);
    let (title, question) = match (&prompt.target, prompt.kind) {
        (SignTarget::Station(_), PromptKind::SignOff) => (Text::SignOffTitle, Text::DashSignQuestion),
        (SignTarget::Station(_), PromptKind::Dispute) => (Text::DisputeTitle, Text::DashDisputeQuestion),
        (SignTarget::BranchSheet(_), PromptKind::SignOff) => (Text::DashSheetSignTitle, Text::DashSheetSignQuestion),
        (SignTarget::BranchSheet(_), PromptKind::Dispute) => {
            (Text::DashSheetDisputeTitle, Text::DashSheetDisputeQuestion)
        }
    };
    let block = Block::bordered()
        .title(Span::styled(t(app, title), theme.title()))
        .border_style(theme.focus_border(true));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [what, q, input, err] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Min(1),
    ])
    .areas(inner);
    let amount_line = match amount {
        Some(amount) => Line::from(vec![
            dim(app, format!("{} ", t(app, amount_label))),
            Span::styled(amount, theme.title()),
        ]),
        None => Line::from(dim(app, t(app, Text::DashAmountLoading))),
    };
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(vec![
                dim(app, format!("{} ", t(app, what_text))),
                Span::raw(format!("{name} ({id})")),
            ]),
            Line::from(vec![
                dim(app, format!("{} ", t(app, Text::Month))),
                Span::raw(prompt.month.to_string()),
            ]),
            amount_line,
        ]),
        what,
    );
    frame.render_widget(
        Paragraph::new(fill(t(app, question), &[&prompt.month])).wrap(Wrap { trim: true }),
        q,
    );
    match prompt.kind {
        PromptKind::Dispute => {
            let mut reason = prompt.reason.clone();
            reason.set_block(Block::bordered().title(t(app, Text::Reason)));
            reason.set_cursor_style(theme.selected());
            frame.render_widget(&reason, input);
        }
        PromptKind::SignOff => {
            frame.render_widget(
                Line::from(vec![
                    Span::styled("y/Enter", theme.key()),
                    Span::raw(format!(" {}  ", t(app, Text::Confirm))),
                    Span::styled("n/Esc", theme.key()),
                    Span::raw(format!(" {}", t(app, Text::Cancel))),
                ]),
                input,
            );
        }
    }
    if let Some(error) = &prompt.error {
        frame.render_widget(
            Paragraph::new(Span::styled(error.clone(), theme.bad())).wrap(Wrap { trim: true }),
            err,
        );
    }
}

/// Last time's unsaved note: keep writing it, or let it go.
pub fn draft_offer(frame: &mut Frame, app: &App) {
    let Some(draft) = &app.draft_offer else { return };
    let report = &app.data().report;
    let station = draft
        .station
        .as_deref()
        .map(|id| report.station_name(id).to_string())
        .unwrap_or_default();
    let area = popup(frame, 64, 9);
    let block = titled(t(app, Text::DashDraftTitle).into(), true, app);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let first = draft.body.lines().next().unwrap_or("");
    let lines = vec![
        Line::raw(fill(t(app, Text::DashDraftFrom), &[&station, &draft.changed_at])),
        Line::from(dim(app, cut(first, width))),
        Line::raw(""),
        Line::from(vec![
            Span::styled("Enter", app.theme.key()),
            Span::raw(format!(" {}  ", t(app, Text::DashKeepWriting))),
            Span::styled("Esc", app.theme.key()),
            Span::raw(format!(" {}", t(app, Text::DashDiscard))),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}

/// The first-run picker: who am I?
pub fn picker(frame: &mut Frame, app: &App) {
    let Some(picker) = &app.picker else { return };
    let area = popup(frame, 60, 20);
    let rows: Vec<Row> = picker
        .choices
        .iter()
        .map(|c| {
            Row::new(vec![
                Cell::from(c.id.clone()),
                Cell::from(t(app, c.role)),
                Cell::from(c.label.clone()),
            ])
        })
        .collect();
    let role_width = [Text::RoleMaintainer, Text::RoleManager, Text::RoleCounty]
        .iter()
        .map(|r| t(app, *r).width())
        .max()
        .unwrap_or(8) as u16;
    let table = Table::new(
        rows,
        [
            Constraint::Length(8),
            Constraint::Length(role_width),
            Constraint::Min(10),
        ],
    )
    .block(titled(t(app, Text::WhoAreYou).into(), true, app))
    .row_highlight_style(app.theme.selected());
    let height = area.height.saturating_sub(2) as usize;
    let offset = picker.cursor.offset_for(height);
    let mut state = TableState::default()
        .with_selected(Some(picker.cursor.selected))
        .with_offset(offset);
    frame.render_stateful_widget(table, area, &mut state);
    super::common::scroll_mark(frame, area, offset, height, picker.choices.len(), app);
}
