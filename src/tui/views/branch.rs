//! 支局: valid stations against the plan, shortfall and penalty, the
//! reward pool and its 2:8 split per person; at-risk stations by
//! maintainer. The county view ranks every branch by risk.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::common::{dim, fit, money, status_span, t, titled};
use crate::i18n::Text;
use crate::policy::Role;
use crate::tui::app::{App, HitMap};

pub fn draw(frame: &mut Frame, area: Rect, app: &mut App, id: &str, pane: usize) {
    let data = app.data();
    let Some(b) = data.report.result.branches.iter().find(|b| b.id == id) else {
        frame.render_widget(Paragraph::new(format!("{}: {id}", t(app, Text::NotFound))), area);
        return;
    };
    let theme = app.theme;
    let plan = b.plan.map_or_else(|| "-".to_string(), |p| p.to_string());
    let shortfall_style = if b.shortfall > 0 { theme.bad() } else { theme.good() };
    let summary = vec![
        Line::from(vec![
            Span::raw(format!(
                "{} {} / {} {} ",
                t(app, Text::ValidStations),
                b.valid_stations,
                t(app, Text::Plan),
                plan
            )),
            Span::styled(format!("{} {}", t(app, Text::Shortfall), b.shortfall), shortfall_style),
            Span::raw(format!("  {} {}", t(app, Text::Penalty), money(b.penalty))),
            dim(app, format!("  ({} {})", t(app, Text::Stations), b.stations)),
        ]),
        Line::from(vec![
            Span::raw(format!(
                "{} R6 {} + R7 {} = {} {}",
                t(app, Text::Maintenance),
                money(b.maintenance_total),
                money(b.valid_station_reward),
                t(app, Text::Pool),
                money(b.pool)
            )),
            dim(
                app,
                if data.report.result.projected {
                    format!("  ({})", t(app, Text::Projected))
                } else {
                    String::new()
                },
            ),
        ]),
    ];
    let title = format!("{} {} ({id})", t(app, Text::Branch), data.report.branch_name(id));
    let block = titled(title, true, app);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let people_count = data.report.result.people.iter().filter(|p| p.branch == id).count() as u16;
    let [summary_area, people_area, risk_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(people_count + 3),
        Constraint::Min(3),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(summary), summary_area);

    // The 2:8 split per person.
    let people: Vec<Row> = data
        .report
        .result
        .people
        .iter()
        .filter(|p| p.branch == id)
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
            ])
        })
        .collect();
    let people_in_branch: Vec<_> = data.report.result.people.iter().filter(|p| p.branch == id).collect();
    let money_cells = |f: fn(&crate::policy::PersonResult) -> rust_decimal::Decimal| {
        people_in_branch
            .iter()
            .map(move |p| money(f(p)).len())
            .collect::<Vec<_>>()
    };
    let people_widths = [
        fit(
            t(app, Text::People),
            people_in_branch.iter().map(|p| data.report.person_name(&p.id).width()),
        ),
        fit(
            t(app, Text::Role),
            [t(app, Text::RoleManager).width(), t(app, Text::RoleMaintainer).width()],
        ),
        fit(t(app, Text::Reward), money_cells(|p| p.reward)),
        fit(t(app, Text::Penalty), money_cells(|p| p.penalty)),
        fit(t(app, Text::Net), money_cells(|p| p.net)),
    ]
    .map(Constraint::Length);
    let people_table = Table::new(people, people_widths)
        .header(
            Row::new(vec![
                Cell::from(t(app, Text::People)),
                Cell::from(t(app, Text::Role)),
                Cell::from(Line::from(t(app, Text::Reward)).right_aligned()),
                Cell::from(Line::from(t(app, Text::Penalty)).right_aligned()),
                Cell::from(Line::from(t(app, Text::Net)).right_aligned()),
            ])
            .style(theme.dim()),
        )
        .flex(ratatui::layout::Flex::Start)
        .column_spacing(2)
        .block(titled(t(app, Text::Split).into(), pane == 0, app));
    frame.render_widget(people_table, people_area);

    // At-risk (and on-track) stations grouped by maintainer.
    let at_risk = app.branch_at_risk(id);
    let rows: Vec<Row> = at_risk
        .iter()
        .map(|s| {
            Row::new(vec![
                Cell::from(data.report.person_name(&s.maintainer).to_string()),
                Cell::from(data.marked_name(&s.id, app.lang)),
                Cell::from(status_span(app, s.status)),
                Cell::from(format!("{}/{}", s.needed_per_day.payments, s.needed_per_day.card)),
            ])
        })
        .collect();
    let count = rows.len();
    let block = titled(
        format!("{} ({count})", t(app, Text::AtRiskByMaintainer)),
        pane == 1,
        app,
    );
    let list_inner = block.inner(risk_area);
    let risk_widths = [
        fit(
            t(app, Text::Maintainer),
            at_risk.iter().map(|s| data.report.person_name(&s.maintainer).width()),
        ),
        fit(
            t(app, Text::Station),
            at_risk.iter().map(|s| data.marked_name(&s.id, app.lang).width()),
        )
        .min(28),
        fit(
            t(app, Text::Status),
            at_risk
                .iter()
                .map(|s| crate::i18n::status_name(s.status, app.lang).width()),
        ),
        fit(t(app, Text::NeededShort), [5]),
    ]
    .map(Constraint::Length);
    let table = Table::new(rows, risk_widths)
        .header(
            Row::new(vec![
                Cell::from(t(app, Text::Maintainer)),
                Cell::from(t(app, Text::Station)),
                Cell::from(t(app, Text::Status)),
                Cell::from(t(app, Text::NeededShort)),
            ])
            .style(theme.dim()),
        )
        .block(block)
        .flex(ratatui::layout::Flex::Start)
        .column_spacing(2)
        .row_highlight_style(theme.selected());
    // The list always shows its cursor: ↑↓ and Enter act on it.
    let selected = (count > 0).then_some(app.branch_list.selected);
    let mut state = TableState::default()
        .with_selected(selected)
        .with_offset(app.branch_list.offset);
    frame.render_stateful_widget(table, risk_area, &mut state);
    let offset = state.offset();
    app.branch_list.offset = offset;
    app.hits.set(HitMap {
        list: Rect {
            y: list_inner.y + 1,
            height: list_inner.height.saturating_sub(1),
            ..list_inner
        },
    });
}

/// The county view: every branch ranked by risk; below, the funnel,
/// benchmarks and exit watchlist (R14–R16).
pub fn draw_county(frame: &mut Frame, area: Rect, app: &mut App) {
    let [area, rules] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(super::county::height(area))]).areas(area);
    super::county::draw(frame, rules, app);
    let theme = app.theme;
    let data = app.data();
    let branches = app.ranked_branches();
    let rows: Vec<Row> = branches
        .iter()
        .map(|b| {
            let at_risk = data.at_risk(&b.id);
            let shortfall_style = if b.shortfall > 0 { theme.bad() } else { theme.good() };
            Row::new(vec![
                Cell::from(data.report.branch_name(&b.id).to_string()),
                Cell::from(Line::from(format!("{}/{}", b.valid_stations, b.stations)).right_aligned()),
                Cell::from(Line::from(b.plan.map_or("-".into(), |p| p.to_string())).right_aligned()),
                Cell::from(Line::from(Span::styled(b.shortfall.to_string(), shortfall_style)).right_aligned()),
                Cell::from(Line::from(at_risk.to_string()).right_aligned()),
                Cell::from(Line::from(money(b.penalty)).right_aligned()),
                Cell::from(Line::from(money(b.pool)).right_aligned()),
            ])
        })
        .collect();
    let count = rows.len();
    let block = titled(t(app, Text::BranchesByRisk).into(), true, app);
    let inner = block.inner(area);
    let county_widths = [
        fit(
            t(app, Text::Branch),
            branches.iter().map(|b| data.report.branch_name(&b.id).width()),
        ),
        fit(t(app, Text::ValidShort), [7]),
        fit(t(app, Text::Plan), [3]),
        fit(t(app, Text::Shortfall), [3]),
        fit(t(app, Text::AtRiskShort), [3]),
        fit(t(app, Text::Penalty), branches.iter().map(|b| money(b.penalty).len())),
        fit(t(app, Text::Pool), branches.iter().map(|b| money(b.pool).len())),
    ]
    .map(Constraint::Length);
    let table = Table::new(rows, county_widths)
        .header(
            Row::new(vec![
                Cell::from(t(app, Text::Branch)),
                Cell::from(Line::from(t(app, Text::ValidShort)).right_aligned()),
                Cell::from(Line::from(t(app, Text::Plan)).right_aligned()),
                Cell::from(Line::from(t(app, Text::Shortfall)).right_aligned()),
                Cell::from(Line::from(t(app, Text::AtRiskShort)).right_aligned()),
                Cell::from(Line::from(t(app, Text::Penalty)).right_aligned()),
                Cell::from(Line::from(t(app, Text::Pool)).right_aligned()),
            ])
            .style(theme.dim()),
        )
        .block(block)
        .flex(ratatui::layout::Flex::Start)
        .column_spacing(2)
        .row_highlight_style(theme.selected());
    let mut state = TableState::default()
        .with_selected((count > 0).then_some(app.county.selected))
        .with_offset(app.county.offset);
    frame.render_stateful_widget(table, area, &mut state);
    app.county.offset = state.offset();
    app.hits.set(HitMap {
        list: Rect {
            y: inner.y + 1,
            height: inner.height.saturating_sub(1),
            ..inner
        },
    });
}
