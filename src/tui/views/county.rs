//! The county view's lower half (RULES.md R14–R16): the station funnel,
//! the county benchmarks and the contest pool on the left; the exit
//! watchlist on the right, new stations marked.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::common::{dim, money, t, titled};
use crate::i18n::{fill, Text};
use crate::tui::app::App;

/// How many rows the county view gives these panels.
pub fn height(area: Rect) -> u16 {
    (area.height / 2).clamp(0, 9)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(county) = &app.data().county else {
        return;
    };
    let [left, right] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);

    let f = county.funnel;
    let mut lines = vec![Line::from(fill(
        t(app, Text::FunnelLine),
        &[&f.signed, &f.installed, &f.trading, &f.suspended, &f.closed],
    ))];
    if let Some(b) = &county.benchmarks {
        lines.push(Line::from(fill(
            t(app, Text::BenchmarksPerDay),
            &[&money(b.amount_per_station_day), &b.count_per_station_day],
        )));
        lines.push(Line::from(fill(
            t(app, Text::BenchmarksShares),
            &[&b.top_share, &b.bottom_share],
        )));
    }
    if let Some(pool) = app.data().report.result.contest_pool {
        lines.push(Line::from(format!("{} {}", t(app, Text::ContestPool), money(pool))));
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(titled(
            t(app, Text::FunnelAndBenchmarks).into(),
            false,
            app,
        )),
        left,
    );

    let (title, lines) = match &county.watchlist {
        Some(list) => {
            let title = fill(t(app, Text::WatchlistShort), &[&list.month, &list.entries.len()]);
            let mut lines: Vec<Line> = list
                .entries
                .iter()
                .map(|e| {
                    let mut spans = vec![Span::raw(format!("{} ", app.data().report.station_name(&e.station)))];
                    if e.new {
                        spans.push(Span::styled(
                            format!("[{}] ", t(app, Text::NewStation)),
                            app.theme.warn(),
                        ));
                    }
                    spans.push(dim(app, fill(t(app, Text::MonthsMissed), &[&e.months.len()])));
                    Line::from(spans)
                })
                .collect();
            if lines.is_empty() {
                lines.push(Line::from(dim(app, t(app, Text::WatchlistEmpty))));
            }
            (title, lines)
        }
        None => (t(app, Text::Watchlist).to_string(), vec![Line::from(dim(app, "-"))]),
    };
    frame.render_widget(Paragraph::new(lines).block(titled(title, false, app)), right);
}
