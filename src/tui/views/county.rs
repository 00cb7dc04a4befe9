//! The county view: every branch ranked by risk in a table with labelled
//! columns (stations, valid, plan, shortfall, penalty) and a total row;
//! below, the station funnel, the county benchmarks and the contest pool
//! on the left and the exit watchlist on the right, new stations marked.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::common::{cut, dim, fit, money, no_match, scroll_mark, t, table_rows, titled, with_filter, yuan};
use crate::i18n::{fill, Text};
use crate::tui::app::App;
use crate::tui::state::ScreenKind;

/// How many rows the county view gives the panels below the table.
fn panels_height(area: Rect) -> u16 {
    (area.height / 2).clamp(0, 9)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let [table_area, panels] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(panels_height(area))]).areas(area);
    draw_branches(frame, table_area, app);
    draw_panels(frame, panels, app);
}

fn draw_branches(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme;
    let data = app.data();
    let branches = app.ranked_branches();
    let plan_text = |p: Option<u64>| p.map_or("-".into(), |p| p.to_string());
    let headers = [
        t(app, Text::Branch),
        t(app, Text::DashColStations),
        t(app, Text::DashColValid),
        t(app, Text::Plan),
        t(app, Text::Shortfall),
        t(app, Text::Penalty),
        t(app, Text::Pool),
        t(app, Text::AtRiskShort),
    ];
    // The total row: sums of counts and of the engine's figures.
    let sum = |f: fn(&crate::policy::BranchResult) -> u64| branches.iter().map(|b| f(b)).sum::<u64>();
    let total_plan: Option<u64> = branches.iter().map(|b| b.plan).sum();
    let total_penalty: rust_decimal::Decimal = branches.iter().map(|b| b.penalty).sum();
    let total_pool: rust_decimal::Decimal = branches.iter().map(|b| b.pool).sum();
    let total_at_risk: usize = branches.iter().map(|b| data.at_risk(&b.id)).sum();
    let mut cells: Vec<[String; 8]> = branches
        .iter()
        .map(|b| {
            [
                data.report.branch_name(&b.id).to_string(),
                b.stations.to_string(),
                b.valid_stations.to_string(),
                plan_text(b.plan),
                b.shortfall.to_string(),
                money(b.penalty),
                money(b.pool),
                data.at_risk(&b.id).to_string(),
            ]
        })
        .collect();
    let total_row = [
        t(app, Text::Total).to_string(),
        sum(|b| b.stations).to_string(),
        sum(|b| b.valid_stations).to_string(),
        plan_text(total_plan),
        sum(|b| b.shortfall).to_string(),
        money(total_penalty),
        money(total_pool),
        total_at_risk.to_string(),
    ];
    cells.push(total_row);
    let mut widths: Vec<u16> = (0..8)
        .map(|i| fit(headers[i], cells.iter().map(|row| row[i].width())))
        .collect();
    // The branch name gives way on a narrow screen.
    let others: u16 = widths[1..].iter().sum::<u16>() + 2 * 7 + 2;
    widths[0] = widths[0].min(area.width.saturating_sub(others).max(6));
    let total_cells = cells.pop().unwrap_or_default();
    let right = |i: usize, text: String, style: ratatui::style::Style| {
        let line = Line::from(Span::styled(text, style));
        Cell::from(if i == 0 { line } else { line.right_aligned() })
    };
    let rows: Vec<Row> = branches
        .iter()
        .zip(cells)
        .map(|(b, row)| {
            let shortfall_style = if b.shortfall > 0 { theme.bad() } else { theme.good() };
            Row::new(
                row.into_iter()
                    .enumerate()
                    .map(|(i, text)| {
                        let text = if i == 0 { cut(&text, widths[0] as usize) } else { text };
                        right(i, text, if i == 4 { shortfall_style } else { Default::default() })
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let count = rows.len();
    // The unit once, in the title: the columns stay narrow.
    let title = with_filter(
        format!("{} · {}", t(app, Text::BranchesByRisk), t(app, Text::DashAmountsInYuan)),
        app,
        ScreenKind::County,
    );
    let block = titled(title, true, app);
    let inner = block.inner(area);
    let (list, offset) = table_rows(app, inner, 1, app.cursors.county);
    let header = Row::new(
        headers
            .iter()
            .enumerate()
            .map(|(i, h)| right(i, h.to_string(), theme.dim()))
            .collect::<Vec<_>>(),
    );
    let footer = Row::new(
        total_cells
            .into_iter()
            .enumerate()
            .map(|(i, text)| right(i, text, theme.title()))
            .collect::<Vec<_>>(),
    );
    let table = Table::new(rows, widths.into_iter().map(Constraint::Length))
        .header(header)
        .footer(footer)
        .block(block)
        .flex(ratatui::layout::Flex::Start)
        .column_spacing(2)
        .row_highlight_style(theme.selected());
    let mut state = TableState::default()
        .with_selected((count > 0).then_some(app.cursors.county.selected))
        .with_offset(offset);
    frame.render_stateful_widget(table, area, &mut state);
    if count == 0 {
        let filtered = !app.filters.get(ScreenKind::County).is_empty();
        no_match(frame, inner, app, filtered, Text::DashNoStations);
    }
    scroll_mark(frame, area, offset, list.height as usize, count, app);
}

fn draw_panels(frame: &mut Frame, area: Rect, app: &App) {
    let Some(county) = &app.data().county else {
        return;
    };
    if area.height < 3 {
        return;
    }
    // Wide: the payout of the statement month's rewards between them.
    let (left, right) = if area.width >= 110 {
        let [left, middle, right] = Layout::horizontal([Constraint::Ratio(1, 3); 3]).areas(area);
        let title = fill(t(app, Text::DashPayoutOf), &[&app.data().statement_month]);
        let block = titled(title, false, app);
        let inner = block.inner(middle);
        let lines = super::calendar::payout_lines(app, inner.width as usize);
        let total = lines.len();
        frame.render_widget(Paragraph::new(lines).block(block), middle);
        scroll_mark(frame, middle, 0, inner.height as usize, total, app);
        (left, right)
    } else {
        let [left, right] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
        (left, right)
    };
    let f = county.funnel;
    let mut lines = vec![Line::from(fill(
        t(app, Text::FunnelLine),
        &[&f.signed, &f.installed, &f.trading, &f.suspended, &f.closed],
    ))];
    if let Some(b) = &county.benchmarks {
        lines.push(Line::from(fill(
            t(app, Text::DashBenchmarksPerDay),
            &[&yuan(app, b.amount_per_station_day), &b.count_per_station_day],
        )));
        lines.push(Line::from(fill(
            t(app, Text::BenchmarksShares),
            &[&b.top_share, &b.bottom_share],
        )));
    }
    if let Some(pool) = app.data().report.result.contest_pool {
        lines.push(Line::from(fill(t(app, Text::DashContestPool), &[&yuan(app, pool)])));
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
                    let name = app.data().report.station_name(&e.station);
                    let mut spans = vec![Span::raw(format!("{name} "))];
                    if e.new {
                        spans.push(Span::styled(
                            format!("[{}] ", t(app, Text::NewStation)),
                            app.theme.warn(),
                        ));
                    }
                    spans.push(dim(app, fill(t(app, Text::MonthsMissed), &[&e.months.len()])));
                    Line::from(super::common::cut_spans(spans, right.width.saturating_sub(2) as usize))
                })
                .collect();
            if lines.is_empty() {
                lines.push(Line::from(dim(app, t(app, Text::WatchlistEmpty))));
            }
            (title, lines)
        }
        None => (t(app, Text::Watchlist).to_string(), vec![Line::from(dim(app, "-"))]),
    };
    let shown = right.height.saturating_sub(2) as usize;
    let total = lines.len();
    frame.render_widget(Paragraph::new(lines).block(titled(title, false, app)), right);
    scroll_mark(frame, right, 0, shown, total, app);
}
