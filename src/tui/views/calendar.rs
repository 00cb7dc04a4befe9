//! 日历: this month's payout milestones for last month's rewards (R11),
//! today marked, and what is due from me.

use chrono::{Datelike, NaiveDate};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::common::{dim, t, titled};
use crate::i18n::Text;
use crate::tui::app::App;

/// (day of month, for stations?, what happens) — RULES.md R11.
pub const MILESTONES: &[(u32, Text)] = &[
    (3, Text::MilestonePulled),
    (6, Text::MilestoneCountyCheck),
    (12, Text::MilestoneSignoffs),
    (13, Text::MilestoneFiled),
    (14, Text::MilestoneCityAudit),
    (15, Text::MilestoneCountyLeader),
    (24, Text::MilestonePaid),
    (25, Text::MilestoneSms),
];

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let month = app.month;
    let theme = app.theme;
    let block = titled(format!("{} {month}", t(app, Text::Calendar)), true, app);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [grid_area, list_area] = Layout::horizontal([Constraint::Length(23), Constraint::Min(20)]).areas(inner);

    // A month grid, Monday first, milestones bold, today reversed.
    let mut lines = vec![Line::from(dim(app, t(app, Text::WeekdayHeader)))];
    let first = month.first_day();
    let mut row: Vec<Span> = Vec::new();
    for _ in 0..first.weekday().num_days_from_monday() {
        row.push(Span::raw("   "));
    }
    for d in 1..=month.days() {
        let date = NaiveDate::from_ymd_opt(month.year(), month.month(), d).expect("a day of the month");
        let mut style = if MILESTONES.iter().any(|(m, _)| *m == d) {
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
    frame.render_widget(Paragraph::new(lines), grid_area);

    // The milestones, then what is due from me.
    let mut lines = vec![Line::from(dim(
        app,
        format!("{} {}", t(app, Text::RewardsFor), month.prev()),
    ))];
    for (day, text) in MILESTONES {
        let date = NaiveDate::from_ymd_opt(month.year(), month.month(), *day);
        let past = date.is_some_and(|d| d < app.today);
        let today = date == Some(app.today);
        let marker = if today {
            "▶"
        } else if past {
            "✓"
        } else {
            " "
        };
        let style = if today {
            theme.key()
        } else if past {
            theme.dim()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::from(Span::styled(
            format!(
                "{marker} {} {}",
                crate::i18n::fill(t(app, Text::DayOfMonthNumbered), &[&format!("{day:>2}")]),
                t(app, *text)
            ),
            style,
        )));
    }
    let data = app.data();
    if let Some(viewer) = &app.viewer {
        let missing: Vec<&str> = data
            .report
            .result
            .stations
            .iter()
            .filter(|s| viewer.sees(s) && data.signoff(&s.id).is_none())
            .map(|s| data.report.station_name(&s.id))
            .collect();
        lines.push(Line::raw(""));
        let deadline = NaiveDate::from_ymd_opt(month.year(), month.month(), 12);
        let overdue = deadline.is_some_and(|d| app.today > d) && !missing.is_empty();
        let style = if overdue {
            theme.bad()
        } else if missing.is_empty() {
            theme.good()
        } else {
            theme.warn()
        };
        lines.push(Line::from(Span::styled(
            format!("{} {}: {}", t(app, Text::SignoffsMissing), month.prev(), missing.len()),
            style,
        )));
        let shown = missing
            .len()
            .min(list_area.height.saturating_sub(lines.len() as u16 + 1) as usize);
        for name in &missing[..shown] {
            lines.push(Line::raw(format!("  {name}")));
        }
        if shown < missing.len() {
            lines.push(Line::from(dim(app, format!("  … +{}", missing.len() - shown))));
        }
    }
    frame.render_widget(Paragraph::new(lines), list_area);
}
