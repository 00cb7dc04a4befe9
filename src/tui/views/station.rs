//! Station detail: the month day by day, each reward line with its rule,
//! the maintenance reward it earns the branch, the projection, visits and
//! last month's sign-off.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::common::{dim, money, pad, status_span, t, titled};
use crate::i18n::{category_name_in, fill, referral_name, Text};
use crate::policy::StationResult;
use crate::store::notes::Outcome;
use crate::tui::app::App;

/// One reward line: what, on what basis, which rule, how much.
struct RewardRow {
    item: String,
    basis: String,
    rule: &'static str,
    amount: String,
}

fn reward_rows(app: &App, s: &StationResult) -> Vec<RewardRow> {
    let mut rows = Vec::new();
    for line in &s.reward.payments {
        if line.count == 0 {
            continue;
        }
        let basis = if line.per_transaction {
            format!("{} × {}", line.count, money(line.rate))
        } else {
            let percent = (line.rate * rust_decimal::Decimal::ONE_HUNDRED).normalize();
            format!("{} × {percent}%", money(line.amount))
        };
        rows.push(RewardRow {
            item: category_name_in(&app.data().report.result, &line.category, app.lang).to_string(),
            basis,
            rule: "R2",
            amount: money(line.reward),
        });
    }
    rows.push(RewardRow {
        item: t(app, Text::CardShort).to_string(),
        basis: format!("{} × {}", s.card_valid, money(s.reward.card_rate)),
        rule: "R3",
        amount: money(s.reward.card),
    });
    for r in &s.reward.referral_lines {
        rows.push(RewardRow {
            item: referral_name(&r.kind, app.lang),
            basis: format!("{} × {}", r.count, money(r.rate)),
            rule: "R4",
            amount: money(r.reward),
        });
    }
    rows
}

/// R14: what is withheld this month, what the quarter's end will do with
/// it, what decides it and how far the station is from the bar.
fn withholding_lines(app: &App, s: &StationResult) -> Vec<Line<'static>> {
    let Some(w) = s.withholding else {
        return Vec::new();
    };
    let verdict = if w.met {
        Span::styled(t(app, Text::BarMet).to_string(), app.theme.good())
    } else {
        Span::styled(t(app, Text::BarMissed).to_string(), app.theme.warn())
    };
    let mut lines = vec![Line::from(vec![
        Span::raw(fill(
            t(app, Text::WithheldThisMonth),
            &[&money(w.withheld), &money(w.payable)],
        )),
        Span::raw(" · "),
        verdict,
    ])];
    lines.push(Line::from(dim(
        app,
        fill(
            t(app, Text::TuiBar),
            &[
                &money(w.bar_amount),
                &w.bar_count,
                &money(s.payment_amount),
                &s.payment_count,
            ],
        ),
    )));
    let quarter = if w.quarter_end {
        fill(
            t(app, Text::TuiQuarterSettled),
            &[&money(w.released), &money(w.forfeited)],
        )
    } else {
        fill(
            t(app, Text::TuiQuarterPending),
            &[&money(w.pending_release), &money(w.pending_forfeit)],
        )
    };
    lines.push(Line::from(dim(app, quarter)));
    if w.missing_amount > rust_decimal::Decimal::ZERO || w.missing_count > 0 {
        lines.push(Line::from(Span::styled(
            fill(t(app, Text::BarDistance), &[&money(w.missing_amount), &w.missing_count]),
            app.theme.warn(),
        )));
    }
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, id: &str, pane: usize) {
    let data = app.data();
    let Some(s) = data.station(id) else {
        frame.render_widget(Paragraph::new(format!("{}: {id}", t(app, Text::NotFound))), area);
        return;
    };
    let station = data.report.stations.get(id);
    let title = format!(
        "{} ({id}) · {} · {}",
        data.report.station_name(id),
        data.report.branch_name(&s.branch),
        data.report.person_name(&s.maintainer)
    );
    let block = titled(title, true, app);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    // The figures first: they decide the layout's heights.
    let mut lines = vec![Line::from(vec![
        status_span(app, s.status),
        Span::raw(format!(
            "  {} {} · {} {}",
            t(app, Text::Payments),
            s.payment_count,
            t(app, Text::CardValid),
            s.card_valid
        )),
    ])];
    // R15, R16: what the maintainer must know first.
    if data.missed_last_month.contains(id) {
        lines.push(Line::from(Span::styled(
            t(app, Text::MissedBothLastMonth),
            app.theme.bad(),
        )));
    }
    if data.report.new_stations.contains(id) {
        lines.push(Line::from(dim(app, t(app, Text::NewStationNote))));
    }
    if data.report.result.projected {
        let so_far = data.so_far(id);
        lines.push(Line::from(dim(
            app,
            format!(
                "{}: {} {} · {} {}   {}: {}/{}",
                t(app, Text::SoFar),
                t(app, Text::PaymentsShort),
                so_far.payments,
                t(app, Text::CardShort),
                so_far.card,
                t(app, Text::NeededShort),
                s.needed_per_day.payments,
                s.needed_per_day.card
            ),
        )));
    }
    let rows = reward_rows(app, s);
    let item_width = rows.iter().map(|r| r.item.width()).max().unwrap_or(0).min(20);
    let basis_width = rows.iter().map(|r| r.basis.width()).max().unwrap_or(0).min(22);
    for r in &rows {
        lines.push(Line::from(vec![
            Span::raw(pad(&r.item, item_width)),
            dim(app, format!(" {} ", pad(&r.basis, basis_width))),
            dim(app, r.rule),
            Span::raw(format!(" {:>8}", r.amount)),
        ]));
    }
    let total_width = item_width + basis_width + 2 + 2;
    lines.push(Line::from(vec![
        Span::styled(pad(t(app, Text::CashReward), total_width), app.theme.title()),
        Span::styled(format!(" {:>8}", money(s.reward.total)), app.theme.title()),
    ]));
    if !s.comms_fee_covered.is_zero() {
        lines.push(Line::from(dim(
            app,
            format!("{} R3 {}", t(app, Text::CommsFee), money(s.comms_fee_covered)),
        )));
    }
    lines.push(Line::from(format!(
        "{} R6 {} ({} {} + {} {})",
        t(app, Text::Maintenance),
        money(s.maintenance.total),
        t(app, Text::Base),
        money(s.maintenance.base),
        t(app, Text::Commission),
        money(s.maintenance.commission)
    )));
    lines.extend(withholding_lines(app, s));
    if s.provisional {
        lines.push(Line::from(Span::styled(
            t(app, Text::WarningNoHouseholds),
            app.theme.warn(),
        )));
    }
    if station.is_some_and(|st| !st.has_terminal) {
        lines.push(Line::from(Span::styled(t(app, Text::NoTerminal), app.theme.bad())));
    }
    if station.is_some_and(|st| !st.has_green_card) {
        lines.push(Line::from(Span::styled(t(app, Text::NoGreenCard), app.theme.bad())));
    }
    let figures_height = lines.len() as u16 + 2;

    let [chart_area, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(inner);
    let (figures_area, visits_area) = if inner.width >= 100 {
        let [l, r] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
        (l, r)
    } else {
        let [l, r] = Layout::vertical([Constraint::Length(figures_height), Constraint::Min(0)]).areas(body);
        (l, r)
    };

    draw_days(frame, chart_area, app, id);
    frame.render_widget(
        Paragraph::new(lines).block(titled(t(app, Text::Figures).into(), pane == 0, app)),
        figures_area,
    );
    draw_visits(frame, visits_area, app, id, pane == 1);
}

/// Payments and valid card transactions, day by day, one line each.
fn draw_days(frame: &mut Frame, area: Rect, app: &App, id: &str) {
    let data = app.data();
    let empty = std::collections::BTreeMap::new();
    let days = app.station_days(id).unwrap_or(&empty);
    let shown_days = if data.report.result.projected {
        (data.report.result.as_of - app.month.first_day()).num_days() as u32 + 1
    } else {
        app.month.days()
    };
    let mut payments = Vec::new();
    let mut cards = Vec::new();
    let mut day = app.month.first_day();
    for _ in 0..shown_days {
        let (p, c) = days.get(&day).copied().unwrap_or((0, 0));
        payments.push(p);
        cards.push(c);
        day = day.succ_opt().unwrap_or(day);
    }
    let labels = [t(app, Text::PaymentsShort), t(app, Text::CardShort)];
    let label_width = labels.iter().map(|l| l.width()).max().unwrap_or(0) as u16 + 1;
    let [row1, row2] = Layout::vertical([Constraint::Length(1); 2]).areas(area);
    for (row, label, values, style) in [
        (row1, labels[0], &payments, app.theme.good()),
        (row2, labels[1], &cards, app.theme.warn()),
    ] {
        let [l, chart] = Layout::horizontal([Constraint::Length(label_width), Constraint::Min(0)]).areas(row);
        frame.render_widget(Paragraph::new(dim(app, label)), l);
        frame.render_widget(Sparkline::default().data(values).style(style), chart);
    }
}

/// Last month's sign-off, then the station's visits.
fn draw_visits(frame: &mut Frame, area: Rect, app: &App, id: &str, focused: bool) {
    let data = app.data();
    let mut lines = Vec::new();
    let signoff = match data.signoff(id) {
        Some(Outcome::Signed) => Span::styled(t(app, Text::Signed), app.theme.good()),
        Some(Outcome::Disputed) => Span::styled(t(app, Text::Disputed), app.theme.bad()),
        None => Span::styled(t(app, Text::NotSigned), app.theme.warn()),
    };
    lines.push(Line::from(vec![
        Span::raw(format!("{} {}: ", app.month.prev(), t(app, Text::Statement))),
        signoff,
    ]));
    let notes: Vec<_> = app.notes.iter().filter(|n| n.station_id == id).collect();
    if notes.is_empty() {
        lines.push(Line::from(dim(app, t(app, Text::NoVisits))));
    }
    for note in notes {
        let first = note.body.lines().next().unwrap_or("");
        lines.push(Line::from(vec![
            Span::raw(format!("{} ", note.visited_on.format("%m-%d"))),
            dim(app, format!("{} ", super::visits::kind_name(app, note.kind))),
            Span::raw(first.to_string()),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(titled(t(app, Text::Visits).into(), focused, app)),
        area,
    );
}
