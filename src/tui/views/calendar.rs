//! 日历: a to-do list for the person using it — statements to sign by
//! the 12th (with the count; overdue in red), follow-ups from notes,
//! stations still to make valid with the days left — overdue first; beside
//! it the month's grid and the payout milestones of R11.

use chrono::{Datelike, NaiveDate};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::common::{cut, dim, scroll_mark, t, titled};
use crate::i18n::{fill, Text};
use crate::tui::app::App;
use crate::tui::data::signing_deadline;
use crate::tui::lists::{Due, Todo, TodoKind};
use crate::tui::state::HitMap;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let block = titled(format!("{} {}", t(app, Text::DashTodoTitle), app.month), true, app);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width >= 100 && inner.height >= 10 {
        let side_width = if inner.width >= 116 { 40 } else { 30 };
        let [list, side] = Layout::horizontal([Constraint::Min(40), Constraint::Length(side_width)]).areas(inner);
        draw_todos(frame, list, area, app);
        draw_side(frame, side, app);
    } else {
        draw_todos(frame, inner, area, app);
    }
}

fn due_words(app: &App, due: Due) -> String {
    match due {
        Due::Overdue(days) => fill(t(app, Text::DashDueOverdue), &[&days]),
        Due::Today => t(app, Text::DashDueToday).to_string(),
        Due::On(day) => fill(t(app, Text::DashDueBy), &[&day.format("%m-%d")]),
    }
}

fn todo_words(app: &App, todo: &Todo) -> String {
    let name = app.data().report.station_name(&todo.station);
    match &todo.kind {
        TodoKind::Statement { month, disputed: false } => fill(t(app, Text::DashTodoSign), &[month, &name]),
        TodoKind::Statement { month, disputed: true } => fill(t(app, Text::DashTodoDisputed), &[month, &name]),
        TodoKind::AtRisk { .. } => match app.data().station(&todo.station) {
            Some(s) => fill(
                t(app, Text::DashTodoAtRisk),
                &[&name, &super::common::needs_sentence(app, s)],
            ),
            None => name.to_string(),
        },
        TodoKind::FollowUp { first_line, .. } => fill(t(app, Text::DashTodoFollowUp), &[&name, first_line]),
    }
}

/// The to-do list: a summary of the statements, then one line a thing.
fn draw_todos(frame: &mut Frame, area: Rect, block_area: Rect, app: &App) {
    let theme = app.theme;
    let data = app.data();
    let todos = app.todos();
    let unsigned = todos
        .iter()
        .filter(|t| matches!(t.kind, TodoKind::Statement { disputed: false, .. }))
        .count();
    let deadline = signing_deadline(data.statement_month);
    let overdue = app.today > deadline;
    let summary_style = if unsigned == 0 {
        theme.good()
    } else if overdue {
        theme.bad()
    } else {
        theme.warn()
    };
    let summary = if unsigned == 0 {
        fill(t(app, Text::DashAllSigned), &[&data.statement_month])
    } else if overdue {
        fill(
            t(app, Text::DashUnsignedOverdue),
            &[&data.statement_month, &unsigned, &deadline.format("%m-%d")],
        )
    } else {
        fill(
            t(app, Text::DashUnsignedDue),
            &[&data.statement_month, &unsigned, &deadline.format("%m-%d")],
        )
    };
    let [head, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(cut(&summary, head.width as usize), summary_style)),
        head,
    );
    let height = list.height as usize;
    let offset = app.cursors.calendar.offset_for(height);
    app.hits.set(HitMap {
        list,
        offset,
        ..HitMap::default()
    });
    if todos.is_empty() {
        frame.render_widget(Paragraph::new(dim(app, t(app, Text::DashNothingDue))), list);
        return;
    }
    let dues: Vec<String> = todos.iter().map(|t| due_words(app, t.due)).collect();
    let due_width = dues.iter().map(|d| d.width()).max().unwrap_or(0);
    let width = list.width as usize;
    let lines: Vec<Line> = todos
        .iter()
        .zip(&dues)
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, (todo, due))| {
            let style = match todo.due {
                Due::Overdue(_) => theme.bad(),
                Due::Today => theme.warn(),
                Due::On(_) => Default::default(),
            };
            let words = cut(&todo_words(app, todo), width.saturating_sub(due_width + 1));
            let line = Line::from(vec![
                Span::styled(format!("{due}{} ", " ".repeat(due_width - due.width())), style),
                Span::raw(words),
            ]);
            if i == app.cursors.calendar.selected {
                line.style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    scroll_mark(frame, block_area, offset, height, todos.len(), app);
}

/// The month's grid (payout days bold, today reversed) and where the
/// payout of the statement month's rewards stands.
fn draw_side(frame: &mut Frame, area: Rect, app: &App) {
    let month = app.month;
    let theme = app.theme;
    let mut lines = vec![Line::from(dim(app, t(app, Text::WeekdayHeader)))];
    let first = month.first_day();
    let mut row: Vec<Span> = Vec::new();
    for _ in 0..first.weekday().num_days_from_monday() {
        row.push(Span::raw("   "));
    }
    for d in 1..=month.days() {
        let Some(date) = NaiveDate::from_ymd_opt(month.year(), month.month(), d) else {
            continue;
        };
        let mut style = if app.data().payout_steps.iter().any(|s| s.due == date) {
            theme.key()
        } else {
            ratatui::style::Style::new()
        };
        if date == app.today {
            style = style.add_modifier(Modifier::REVERSED);
        }
        row.push(Span::styled(format!("{d:>2}"), style));
        row.push(Span::raw(" "));
        if date.weekday().num_days_from_monday() == 6 {
            lines.push(Line::from(std::mem::take(&mut row)));
        }
    }
    if !row.is_empty() {
        lines.push(Line::from(row));
    }
    lines.push(Line::raw(""));
    let head = fill(t(app, Text::DashPayoutOf), &[&app.data().statement_month]);
    lines.push(Line::from(dim(app, cut(&head, area.width as usize))));
    lines.extend(payout_lines(app, area.width as usize));
    frame.render_widget(Paragraph::new(lines), area);
}

/// R11's payout steps of the statement month, a line or two each: done ✓, due today ▶,
/// overdue ! (in red, with the days), each with what the data says where
/// bianmin can see it (sign-offs counted, the city's allocation checked).
pub fn payout_lines(app: &App, width: usize) -> Vec<Line<'static>> {
    use crate::payout::status::{evidence_text, standing_text};
    use crate::payout::steps::Standing;
    let theme = app.theme;
    let data = app.data();
    let mut lines = Vec::new();
    // The county's queue: every dispute not yet answered. Its count comes
    // first (the panel may not show its end), the reasons after the steps.
    let open: Vec<_> = data.disputes.iter().filter(|d| d.is_open()).collect();
    if !open.is_empty() {
        lines.push(Line::from(Span::styled(
            cut(&fill(t(app, Text::DashDisputesOpen), &[&open.len()]), width),
            theme.bad(),
        )));
    }
    for step in &data.payout_steps {
        let (marker, style) = match step.standing {
            Standing::Done => ("✓", theme.dim()),
            Standing::DueToday => ("▶", theme.key()),
            Standing::Overdue { .. } => ("!", theme.bad()),
            Standing::Upcoming { .. } => (" ", ratatui::style::Style::new()),
        };
        let mut text = format!("{marker}{} {}", step.due.format("%m-%d"), t(app, step.spec.step.text()));
        if let Standing::Overdue { .. } = step.standing {
            text.push_str(&format!(" · {}", standing_text(step.standing, app.lang)));
        }
        lines.push(Line::from(Span::styled(cut(&text, width), style)));
        if let Some(evidence) = &step.evidence {
            lines.push(Line::from(dim(
                app,
                cut(&format!("      {}", evidence_text(evidence, app.lang)), width),
            )));
        }
    }
    for d in open {
        let what = match (&d.station_id, &d.branch_id) {
            (Some(station), _) => format!("{} {station}", data.report.station_name(station)),
            (None, Some(branch)) => format!(
                "{} {branch} · {}",
                data.report.branch_name(branch),
                data.report.person_name(&d.raised_by)
            ),
            (None, None) => d.uuid.clone(),
        };
        lines.push(Line::from(dim(
            app,
            cut(
                &format!("  {}", fill(t(app, Text::DashDisputeLine), &[&what, &d.reason])),
                width,
            ),
        )));
    }
    lines
}
