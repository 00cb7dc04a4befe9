//! Station detail: the month day by day, what the station still needs a
//! day and how many days are left, each reward line in words (counts in
//! 笔, amounts in 元, rates as 元/笔 or %), the maintenance reward it earns
//! the branch; beside it the statement's sign-off (overdue in red, a
//! dispute with its reason) and the station's visits.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::common::{cut, days_left, dim, first_line, money, pad, scroll_mark, status_span, t, titled, yuan};
use crate::i18n::{category_name_in, fill, referral_name, Text};
use crate::policy::StationResult;
use crate::records::Outcome;
use crate::tui::app::App;
use crate::tui::data::signing_deadline;
use crate::tui::state::HitMap;

/// One reward line: what, on what basis, how much.
struct RewardRow {
    item: String,
    basis: String,
    amount: String,
}

fn reward_rows(app: &App, s: &StationResult) -> Vec<RewardRow> {
    let mut rows = Vec::new();
    let per_each = |count: u64, rate| fill(t(app, Text::DashBasisEach), &[&count, &money(rate)]);
    for line in &s.reward.payments {
        if line.count == 0 {
            continue;
        }
        let basis = if line.per_transaction {
            per_each(line.count, line.rate)
        } else {
            let percent = (line.rate * rust_decimal::Decimal::ONE_HUNDRED).normalize();
            fill(t(app, Text::DashBasisShare), &[&money(line.amount), &percent])
        };
        rows.push(RewardRow {
            item: category_name_in(&app.data().report.result, &line.category, app.lang).to_string(),
            basis,
            amount: money(line.reward),
        });
    }
    rows.push(RewardRow {
        item: t(app, Text::Card).to_string(),
        basis: per_each(s.card_valid, s.reward.card_rate),
        amount: money(s.reward.card),
    });
    for r in &s.reward.referral_lines {
        rows.push(RewardRow {
            item: referral_name(&r.kind, app.lang),
            basis: per_each(r.count, r.rate),
            amount: money(r.reward),
        });
    }
    rows
}

/// Quarterly withholding: what is withheld this month, what the
/// quarter's end will do with it, what decides it and how far the
/// station is from the bar.
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
            t(app, Text::DashWithheld),
            &[&yuan(app, w.withheld), &yuan(app, w.payable)],
        )),
        Span::raw(" · "),
        verdict,
    ])];
    lines.push(Line::from(dim(
        app,
        fill(
            t(app, Text::DashWithholdingBar),
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
            t(app, Text::DashQuarterSettled),
            &[&yuan(app, w.released), &yuan(app, w.forfeited)],
        )
    } else {
        fill(
            t(app, Text::DashQuarterPending),
            &[&yuan(app, w.pending_release), &yuan(app, w.pending_forfeit)],
        )
    };
    lines.push(Line::from(dim(app, quarter)));
    if w.missing_amount > rust_decimal::Decimal::ZERO || w.missing_count > 0 {
        lines.push(Line::from(Span::styled(
            fill(
                t(app, Text::DashBarDistance),
                &[&money(w.missing_amount), &w.missing_count],
            ),
            app.theme.warn(),
        )));
    }
    lines
}

/// The figures pane: where the station stands, then its money.
fn figure_lines(app: &App, id: &str, s: &StationResult) -> Vec<Line<'static>> {
    let data = app.data();
    let projected = data.report.result.projected;
    let basis = if projected {
        Text::DashMonthProjected
    } else {
        Text::DashMonthActual
    };
    let mut lines = vec![Line::from(vec![
        status_span(app, s.status),
        Span::raw("  "),
        Span::raw(fill(t(app, basis), &[&s.payment_count, &s.card_valid])),
    ])];
    if projected {
        let so_far = data.so_far(id);
        lines.push(Line::from(dim(
            app,
            fill(
                t(app, Text::DashSoFarLine),
                &[
                    &data.report.result.as_of.format("%m-%d"),
                    &so_far.payments,
                    &so_far.card,
                ],
            ),
        )));
        let need = s.needed_per_day;
        let line = if need.payments > 0 || need.card > 0 {
            Span::styled(super::common::needs_sentence(app, s), app.theme.warn())
        } else {
            Span::styled(
                fill(t(app, Text::DashNeedsNothing), &[&days_left(app)]),
                app.theme.good(),
            )
        };
        lines.push(Line::from(line));
    }
    // What the maintainer must know first.
    if data.missed_last_month.contains(id) {
        lines.push(Line::from(Span::styled(
            t(app, Text::DashMissedBothLastMonth),
            app.theme.bad(),
        )));
    }
    if data.report.new_stations.contains(id) {
        lines.push(Line::from(dim(app, t(app, Text::DashNewStation))));
    }
    // The sums first: on a small screen they are what stays in view.
    let total_label = if projected {
        Text::DashStationRewardProjected
    } else {
        Text::CashReward
    };
    lines.push(Line::from(vec![
        Span::styled(format!("{} ", t(app, total_label)), app.theme.title()),
        Span::styled(yuan(app, s.reward.total), app.theme.title()),
    ]));
    lines.push(Line::from(fill(
        t(app, Text::DashMaintenanceLine),
        &[
            &yuan(app, s.maintenance.total),
            &money(s.maintenance.base),
            &money(s.maintenance.commission),
        ],
    )));
    let rows = reward_rows(app, s);
    let item_width = rows.iter().map(|r| r.item.width()).max().unwrap_or(0).min(16);
    let basis_width = rows.iter().map(|r| r.basis.width()).max().unwrap_or(0).min(28);
    let amount_width = rows.iter().map(|r| r.amount.len()).max().unwrap_or(0);
    for r in &rows {
        lines.push(Line::from(vec![
            Span::raw(pad(&cut(&r.item, item_width), item_width)),
            dim(app, format!(" {} ", pad(&cut(&r.basis, basis_width), basis_width))),
            Span::raw(format!("{:>amount_width$}", r.amount)),
        ]));
    }
    if !s.comms_fee_covered.is_zero() {
        lines.push(Line::from(dim(
            app,
            fill(t(app, Text::DashCommsFee), &[&yuan(app, s.comms_fee_covered)]),
        )));
    }
    lines.extend(withholding_lines(app, s));
    let station = data.report.stations.get(id);
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
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, id: &str, pane: usize) {
    let data = app.data();
    let Some(s) = data.station(id) else {
        frame.render_widget(Paragraph::new(format!("{}: {id}", t(app, Text::NotFound))), area);
        return;
    };
    let title = format!(
        "{} ({id}) · {} · {}",
        data.report.station_name(id),
        data.report.branch_name(&s.branch),
        data.report.person_name(&s.maintainer)
    );
    let block = titled(cut(&title, area.width.saturating_sub(4) as usize), true, app);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let lines = figure_lines(app, id, s);
    let figures_height = lines.len() as u16 + 2;
    let [chart_area, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(inner);
    let (figures_area, visits_area) = if inner.width >= 100 {
        let [l, r] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
        (l, r)
    } else {
        // Narrow: the pane in use gets the room.
        let figures = if pane == 0 {
            figures_height.min(body.height.saturating_sub(4))
        } else {
            figures_height.min(body.height / 3)
        };
        let [l, r] = Layout::vertical([Constraint::Length(figures), Constraint::Min(0)]).areas(body);
        (l, r)
    };

    draw_days(frame, chart_area, app, id);
    let inner_width = figures_area.width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner_width)).sum();
    let shown = figures_area.height.saturating_sub(2) as usize;
    let scroll_max = rows.saturating_sub(shown);
    let scroll = if pane == 0 {
        app.figures_scroll.min(scroll_max)
    } else {
        0
    };
    if pane == 0 {
        let list = Rect {
            height: shown as u16,
            ..figures_area
        };
        app.hits.set(HitMap {
            list,
            offset: scroll,
            scroll_max,
        });
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll.min(u16::MAX as usize) as u16, 0))
            .block(titled(t(app, Text::Figures).into(), pane == 0, app)),
        figures_area,
    );
    scroll_mark(frame, figures_area, scroll, shown, rows, app);
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

/// The statement's sign-off in words: signed, disputed with its reason,
/// not signed (overdue in red after the 12th).
pub fn signoff_line(app: &App, id: &str) -> Line<'static> {
    let data = app.data();
    let month = data.statement_month;
    let deadline = signing_deadline(month);
    let mut spans = vec![Span::raw(fill(t(app, Text::DashStatementOf), &[&month]))];
    match data.signoff_record(id) {
        Some(r) if r.outcome == Outcome::Signed => {
            spans.push(Span::styled(t(app, Text::Signed), app.theme.good()));
            spans.push(dim(app, format!(" {}", r.signed_on.format("%m-%d"))));
        }
        Some(r) => {
            let answer = data.resolution(id);
            let style = if answer.is_some() {
                app.theme.warn()
            } else {
                app.theme.bad()
            };
            spans.push(Span::styled(t(app, Text::Disputed), style));
            if let Some(reason) = &r.reason {
                spans.push(Span::styled(fill(t(app, Text::DashReasonSaid), &[reason]), style));
            }
            if let Some(answer) = answer {
                let outcome = match answer.corrected_fen {
                    Some(fen) => fill(
                        t(app, Text::DashDisputeAccepted),
                        &[&yuan(app, rust_decimal::Decimal::new(fen, 2))],
                    ),
                    None => t(app, Text::DashDisputeRejected).to_string(),
                };
                spans.push(Span::raw(fill(
                    t(app, Text::DashCountyAnswered),
                    &[&outcome, &answer.reason],
                )));
            }
        }
        None if data.statement_overdue(id, app.today) => {
            spans.push(Span::styled(
                fill(t(app, Text::DashOverdue), &[&deadline.format("%m-%d")]),
                app.theme.bad(),
            ));
        }
        None => spans.push(Span::styled(
            fill(t(app, Text::DashSignBy), &[&deadline.format("%m-%d")]),
            app.theme.warn(),
        )),
    }
    Line::from(spans)
}

/// The statement's sign-off, then the station's visits (a list: Enter
/// opens a note in full).
fn draw_visits(frame: &mut Frame, area: Rect, app: &App, id: &str, focused: bool) {
    let block = titled(t(app, Text::Visits).into(), focused, app);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    let [sign, list] = Layout::vertical([Constraint::Length(2.min(inner.height)), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(signoff_line(app, id)).wrap(Wrap { trim: true }), sign);
    let notes = app.station_notes(id);
    if notes.is_empty() {
        frame.render_widget(Paragraph::new(dim(app, t(app, Text::NoVisits))), list);
        return;
    }
    let height = list.height as usize;
    let cursor = app.cursors.station_notes;
    let offset = cursor.offset_for(height);
    if focused {
        app.hits.set(HitMap {
            list,
            offset,
            ..HitMap::default()
        });
    }
    let width = list.width as usize;
    let lines: Vec<Line> = notes
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, note)| {
            let head = format!(
                "{} {} ",
                note.visited_on.format("%m-%d"),
                super::visits::kind_name(app, note.kind)
            );
            let text = first_line(app, &note.body, width.saturating_sub(head.width()));
            let line = Line::from(vec![dim(app, head), Span::raw(text)]);
            if focused && i == cursor.selected {
                line.style(app.theme.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    scroll_mark(frame, area, offset, height, notes.len(), app);
}
