//! Station detail: the month day by day, each reward line with its rule,
//! the maintenance reward it earns the branch, the projection, visits and
//! last month's sign-off.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};
use ratatui::Frame;

use super::common::{dim, money, pad, status_span, t, titled};
use crate::i18n::{category_name, referral_name, Text};
use crate::policy::PaymentCategory;
use crate::store::notes::Outcome;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, id: &str, pane: usize) {
    let data = app.data();
    let Some(s) = data.station(id) else {
        frame.render_widget(
            Paragraph::new(format!("{}: {id}", t(app, Text::NotFound))),
            area,
        );
        return;
    };
    let station = data.report.stations.get(id);
    let name = data.report.station_name(id);
    let title = format!(
        "{name} ({id}) · {} · {}",
        data.report.branch_name(&s.branch),
        data.report.person_name(&s.maintainer)
    );
    let block = titled(title, true, app);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let [chart_area, body] =
        Layout::vertical([Constraint::Length(4), Constraint::Min(0)]).areas(inner);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);

    // Day by day: payments and valid card transactions.
    let days = app.store.station_days(id, app.month).unwrap_or_default();
    let last = app.month.days().min(if app.month.contains(app.today) {
        data.report
            .result
            .as_of
            .format("%d")
            .to_string()
            .parse()
            .unwrap_or(31)
    } else {
        31
    });
    let mut payments = Vec::new();
    let mut cards = Vec::new();
    let mut day = app.month.first_day();
    for _ in 0..last {
        let (p, c) = days.get(&day).copied().unwrap_or((0, 0));
        payments.push(p);
        cards.push(c);
        day = day.succ_opt().unwrap_or(day);
    }
    let [p_label, p_line, c_label, c_line] =
        Layout::vertical([Constraint::Length(1); 4]).areas(chart_area);
    frame.render_widget(
        Paragraph::new(dim(app, t(app, Text::PaymentsPerDay))),
        p_label,
    );
    frame.render_widget(
        Sparkline::default().data(&payments).style(app.theme.good()),
        p_line,
    );
    frame.render_widget(Paragraph::new(dim(app, t(app, Text::CardsPerDay))), c_label);
    frame.render_widget(
        Sparkline::default().data(&cards).style(app.theme.warn()),
        c_line,
    );

    // Left: the reward lines with their rules.
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
    if data.report.result.projected {
        let so_far = data.so_far(id);
        lines.push(Line::from(dim(
            app,
            format!(
                "{} {}/{} · {} {}/{}",
                t(app, Text::SoFar),
                so_far.payments,
                so_far.card,
                t(app, Text::NeededShort),
                s.needed_per_day.payments,
                s.needed_per_day.card
            ),
        )));
    }
    for category in PaymentCategory::ALL {
        let line = s.reward.payment(category);
        if line.count == 0 {
            continue;
        }
        lines.push(Line::from(vec![
            Span::raw(pad(category_name(category, app.lang), 12)),
            dim(app, format!(" {:>4} R2 ", line.count)),
            Span::raw(format!("{:>8}", money(line.reward))),
        ]));
    }
    lines.push(Line::from(vec![
        Span::raw(pad(t(app, Text::CardShort), 12)),
        dim(app, format!(" {:>4} R3 ", s.card_valid)),
        Span::raw(format!("{:>8}", money(s.reward.card))),
    ]));
    for r in &s.reward.referral_lines {
        lines.push(Line::from(vec![
            Span::raw(referral_name(&r.kind, app.lang)),
            dim(app, format!(" {} R4 ", r.count)),
            Span::raw(money(r.reward)),
        ]));
    }
    lines.push(Line::from(vec![
        Span::styled(t(app, Text::CashReward), app.theme.title()),
        Span::raw(format!(" {}", money(s.reward.total))),
    ]));
    if !s.comms_fee_covered.is_zero() {
        lines.push(Line::from(dim(
            app,
            format!("{} {}", t(app, Text::CommsFee), money(s.comms_fee_covered)),
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
    if s.provisional {
        lines.push(Line::from(Span::styled(
            t(app, Text::WarningNoHouseholds),
            app.theme.warn(),
        )));
    }
    if station.is_some_and(|st| !st.has_terminal) {
        lines.push(Line::from(Span::styled(
            t(app, Text::NoTerminal),
            app.theme.bad(),
        )));
    }
    if station.is_some_and(|st| !st.has_green_card) {
        lines.push(Line::from(Span::styled(
            t(app, Text::NoGreenCard),
            app.theme.bad(),
        )));
    }
    frame.render_widget(
        Paragraph::new(lines).block(titled(t(app, Text::Figures).into(), pane == 0, app)),
        left,
    );

    // Right: last month's sign-off, then the visits.
    let mut lines = Vec::new();
    let signoff = match data.signoff(id) {
        Some(Outcome::Signed) => Span::styled(t(app, Text::Signed), app.theme.good()),
        Some(Outcome::Disputed) => Span::styled(t(app, Text::Disputed), app.theme.bad()),
        None => Span::styled(t(app, Text::NotSigned), app.theme.warn()),
    };
    lines.push(Line::from(vec![
        Span::raw(format!(
            "{} {}: ",
            app.month.prev(),
            t(app, Text::Statement)
        )),
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
            dim(
                app,
                format!("{} ", super::visits::kind_name(app, note.kind)),
            ),
            Span::raw(first.to_string()),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(titled(t(app, Text::Visits).into(), pane == 1, app)),
        right,
    );
}
