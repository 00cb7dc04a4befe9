//! 支局: valid stations against the plan, what is short and what it
//! costs, the reward pool and its 2:8 split per person; the stations not
//! yet valid, by maintainer.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::common::{
    cut, dim, fit, money, needs_short, no_match, scroll_mark, status_span, t, table_rows, titled, with_filter, yuan,
};
use crate::i18n::{fill, Text};
use crate::policy::{BranchResult, Role};
use crate::records::Outcome;
use crate::tui::app::App;
use crate::tui::state::ScreenKind;

/// The branch's standing in two sentences.
fn summary(app: &App, b: &BranchResult) -> Vec<Line<'static>> {
    let theme = app.theme;
    let plan = b.plan.map_or_else(|| "-".to_string(), |p| p.to_string());
    let short = if b.shortfall > 0 {
        Span::styled(
            fill(t(app, Text::DashShortBy), &[&b.shortfall, &yuan(app, b.penalty)]),
            theme.bad(),
        )
    } else {
        Span::styled(t(app, Text::DashPlanMet), theme.good())
    };
    let projected = if app.data().report.result.projected {
        format!(" ({})", t(app, Text::Projected))
    } else {
        String::new()
    };
    vec![
        Line::from(vec![
            Span::raw(fill(
                t(app, Text::DashValidOfPlan),
                &[&b.valid_stations, &b.stations, &plan],
            )),
            Span::raw(" · "),
            short,
        ]),
        Line::from(vec![
            Span::raw(fill(
                t(app, Text::DashPoolLine),
                &[
                    &yuan(app, b.maintenance_total),
                    &yuan(app, b.valid_station_reward),
                    &yuan(app, b.pool),
                ],
            )),
            dim(app, projected),
        ]),
    ]
}

/// A person's decision on the branch sheet of the statement month.
fn sheet_span(app: &App, standing: Option<Outcome>) -> Span<'static> {
    let theme = app.theme;
    match standing {
        Some(Outcome::Signed) => Span::styled(t(app, Text::Signed), theme.good()),
        Some(Outcome::Disputed) => Span::styled(t(app, Text::Disputed), theme.bad()),
        None => Span::styled(t(app, Text::NotSigned), theme.warn()),
    }
}

/// The 2:8 split per person, and where each stands on the sheet.
fn people_table(app: &App, id: &str, focused: bool) -> (Table<'static>, u16) {
    let theme = app.theme;
    let data = app.data();
    let people: Vec<_> = data.report.result.people.iter().filter(|p| p.branch == id).collect();
    let rows: Vec<Row> = people
        .iter()
        .map(|p| {
            let role = match p.role {
                Role::Manager => Text::RoleManager,
                Role::Maintainer => Text::RoleMaintainer,
            };
            let net_style = if p.net.is_sign_negative() && !p.net.is_zero() {
                theme.bad()
            } else {
                theme.good()
            };
            Row::new(vec![
                Cell::from(data.report.person_name(&p.id).to_string()),
                Cell::from(t(app, role)),
                Cell::from(Line::from(money(p.reward)).right_aligned()),
                Cell::from(Line::from(money(p.penalty)).right_aligned()),
                Cell::from(Line::from(Span::styled(money(p.net), net_style)).right_aligned()),
                Cell::from(sheet_span(app, data.sheet_standing(id, &p.id))),
            ])
        })
        .collect();
    let money_cells = |f: fn(&crate::policy::PersonResult) -> rust_decimal::Decimal| {
        people.iter().map(move |p| money(f(p)).len()).collect::<Vec<_>>()
    };
    let sheet_header = fill(t(app, Text::DashSheetColumn), &[&data.statement_month]);
    let headers = [
        t(app, Text::People),
        t(app, Text::Role),
        t(app, Text::Reward),
        t(app, Text::Penalty),
        t(app, Text::Net),
        sheet_header.as_str(),
    ];
    let widths = [
        fit(
            headers[0],
            people.iter().map(|p| data.report.person_name(&p.id).width()),
        ),
        fit(
            headers[1],
            [t(app, Text::RoleManager).width(), t(app, Text::RoleMaintainer).width()],
        ),
        fit(headers[2], money_cells(|p| p.reward)),
        fit(headers[3], money_cells(|p| p.penalty)),
        fit(headers[4], money_cells(|p| p.net)),
        fit(
            headers[5],
            [Text::Signed, Text::Disputed, Text::NotSigned].map(|x| t(app, x).width()),
        ),
    ]
    .map(Constraint::Length);
    let header = Row::new(
        headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = h.to_string();
                if (2..5).contains(&i) {
                    Cell::from(Line::from(h).right_aligned())
                } else {
                    Cell::from(h)
                }
            })
            .collect::<Vec<_>>(),
    )
    .style(theme.dim());
    let height = people.len() as u16 + 3;
    let table = Table::new(rows, widths)
        .header(header)
        .flex(ratatui::layout::Flex::Start)
        .column_spacing(2)
        .block(titled(t(app, Text::DashSplitYuan).into(), focused, app));
    (table, height)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, id: &str, pane: usize) {
    let data = app.data();
    let Some(b) = data.report.result.branches.iter().find(|b| b.id == id) else {
        frame.render_widget(Paragraph::new(format!("{}: {id}", t(app, Text::NotFound))), area);
        return;
    };
    let title = format!("{} {} ({id})", t(app, Text::Branch), data.report.branch_name(id));
    let block = titled(title, true, app);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (people, people_height) = people_table(app, id, pane == 0);
    let [summary_area, people_area, risk_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(people_height.min(inner.height.saturating_sub(6))),
        Constraint::Min(3),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(summary(app, b)).wrap(Wrap { trim: true }), summary_area);
    frame.render_widget(people, people_area);
    match app.branch_shortfall(id) {
        Some(shortfall) => {
            let block = titled(t(app, Text::DashClosingTitle).into(), pane == 1, app);
            let inner = block.inner(risk_area);
            frame.render_widget(block, risk_area);
            let mut lines = Vec::new();
            super::plan::shortfall_lines(app, shortfall, &mut 0, &mut lines);
            // The branch line repeats the summary above: the list starts below it.
            let lines = lines.into_iter().skip(1).collect();
            super::plan::draw_lines(frame, inner, risk_area, app, lines, app.cursors.branch.selected);
        }
        None => draw_at_risk(frame, risk_area, app, id, pane == 1),
    }
}

/// Stations not yet valid, grouped by maintainer.
fn draw_at_risk(frame: &mut Frame, area: Rect, app: &App, id: &str, focused: bool) {
    let theme = app.theme;
    let data = app.data();
    let at_risk = app.branch_at_risk(id);
    let needs: Vec<String> = at_risk
        .iter()
        .map(|s| needs_short(app, s).unwrap_or_else(|| "-".into()))
        .collect();
    let widths = [
        fit(
            t(app, Text::Maintainer),
            at_risk.iter().map(|s| data.report.person_name(&s.maintainer).width()),
        ),
        fit(
            t(app, Text::Station),
            at_risk.iter().map(|s| data.marked_name(&s.id, app.lang).width()),
        )
        .min(24),
        fit(
            t(app, Text::Status),
            at_risk
                .iter()
                .map(|s| crate::i18n::status_name(s.status, app.lang).width()),
        ),
        fit(t(app, Text::DashNeedsHeader), needs.iter().map(|n| n.width())),
    ];
    let rows: Vec<Row> = at_risk
        .iter()
        .zip(&needs)
        .map(|(s, need)| {
            Row::new(vec![
                Cell::from(data.report.person_name(&s.maintainer).to_string()),
                Cell::from(cut(&data.marked_name(&s.id, app.lang), widths[1] as usize)),
                Cell::from(status_span(app, s.status)),
                Cell::from(need.clone()),
            ])
        })
        .collect();
    let count = rows.len();
    let title = with_filter(
        format!("{} ({count})", t(app, Text::AtRiskByMaintainer)),
        app,
        ScreenKind::Branch,
    );
    let block = titled(title, focused, app);
    let inner = block.inner(area);
    let (list, offset) = table_rows(app, inner, 0, app.cursors.branch);
    let table = Table::new(rows, widths.map(Constraint::Length))
        .header(
            Row::new(vec![
                Cell::from(t(app, Text::Maintainer)),
                Cell::from(t(app, Text::Station)),
                Cell::from(t(app, Text::Status)),
                Cell::from(t(app, Text::DashNeedsHeader)),
            ])
            .style(theme.dim()),
        )
        .block(block)
        .flex(ratatui::layout::Flex::Start)
        .column_spacing(2)
        .row_highlight_style(theme.selected());
    // The list always shows its cursor: ↑↓ and Enter act on it.
    let mut state = TableState::default()
        .with_selected((count > 0).then_some(app.cursors.branch.selected))
        .with_offset(offset);
    frame.render_stateful_widget(table, area, &mut state);
    if count == 0 {
        let filtered = !app.filters.get(ScreenKind::Branch).is_empty();
        no_match(frame, inner, app, filtered, Text::DashAllValid);
    }
    scroll_mark(frame, area, offset, list.height as usize, count, app);
}
