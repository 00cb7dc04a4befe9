//! 今日计划: where to go today (`plan::today_plan`, made by the worker):
//! for a manager first each branch's shortfall and the fewest stations
//! that close it with the penalty each saves; then each maintainer's stops
//! in route order with the reasons in words. Enter opens the station. The branch
//! screen shows the same shortfall list (`shortfall_lines`).

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::common::{cut, dim, scroll_mark, t, titled};
use crate::i18n::{fill, Text};
use crate::plan::render::{needs_text, reason_text};
use crate::plan::{MaintainerPlan, Shortfall, Stop, TodayPlan};
use crate::tui::app::App;
use crate::tui::state::HitMap;

/// A line of a plan list, and which openable row it is (its index in
/// `lists::plan_targets` order), if any.
pub type PlanLine = (Line<'static>, Option<usize>);

fn yuan(app: &App, amount: rust_decimal::Decimal) -> String {
    crate::plan::render::yuan(amount, app.lang)
}

/// "张庄 · 张庄便民服务站 S0003": where to go.
fn place(stop: &Stop) -> String {
    let s = &stop.station;
    match &s.village {
        Some(village) if !s.name.contains(village.as_str()) => format!("{village} · {} {}", s.name, s.id),
        _ => format!("{} {}", s.name, s.id),
    }
}

fn maintainer_lines(app: &App, m: &MaintainerPlan, next: &mut usize, out: &mut Vec<PlanLine>) {
    out.push((
        Line::from(Span::styled(
            fill(
                t(app, Text::PlanMaintainerHead),
                &[&m.maintainer_name, &m.maintainer, &m.route.len()],
            ),
            app.theme.title(),
        )),
        None,
    ));
    if m.route.is_empty() {
        out.push((
            Line::from(dim(app, format!("  {}", t(app, Text::PlanNothingToday)))),
            None,
        ));
    }
    for (i, stop) in m.route.iter().enumerate() {
        out.push((Line::raw(format!("{:>3}. {}", i + 1, place(stop))), Some(*next)));
        *next += 1;
        for reason in &stop.reasons {
            out.push((
                Line::from(dim(app, format!("     {}", reason_text(reason, app.lang)))),
                None,
            ));
        }
    }
    let more = m.more_worth_visiting();
    if more > 0 {
        out.push((
            Line::from(dim(app, format!("  {}", fill(t(app, Text::DashPlanMore), &[&more])))),
            None,
        ));
    }
    if m.quiet() > 0 {
        out.push((
            Line::from(dim(app, format!("  {}", fill(t(app, Text::PlanQuiet), &[&m.quiet()])))),
            None,
        ));
    }
}

/// One branch's shortfall: how many stations short and what it costs,
/// "make any N of these M valid", then those stations (openable rows,
/// numbered from `next`).
pub fn shortfall_lines(app: &App, s: &Shortfall, next: &mut usize, out: &mut Vec<PlanLine>) {
    let b = &s.branch;
    let theme = app.theme;
    let Some(plan) = b.plan else {
        out.push((Line::raw(fill(t(app, Text::PlanNoPlan), &[&b.name])), None));
        return;
    };
    if s.shortfall == 0 {
        out.push((
            Line::from(Span::styled(
                fill(t(app, Text::PlanMet), &[&b.name, &plan, &b.valid]),
                theme.good(),
            )),
            None,
        ));
        return;
    }
    out.push((
        Line::from(Span::styled(
            fill(
                t(app, Text::PlanBranchLine),
                &[&b.name, &plan, &b.valid, &s.shortfall, &yuan(app, b.penalty)],
            ),
            theme.bad(),
        )),
        None,
    ));
    let reachable = s.within_reach();
    let head = if reachable.is_empty() {
        fill(t(app, Text::PlanNoneReachable), &[&yuan(app, b.penalty)])
    } else if s.can_close() {
        fill(
            t(app, Text::PlanAnyOf),
            &[&s.shortfall, &reachable.len(), &yuan(app, s.closing.penalty_saved)],
        )
    } else {
        fill(
            t(app, Text::PlanAllOf),
            &[
                &reachable.len(),
                &yuan(app, s.closing.penalty_saved),
                &yuan(app, s.closing.penalty_left),
            ],
        )
    };
    out.push((Line::from(Span::styled(format!("  {head}"), theme.warn())), None));
    if s.closing.valid_station_reward_added > rust_decimal::Decimal::ZERO {
        out.push((
            Line::raw(format!(
                "  {}",
                fill(
                    t(app, Text::PlanClosingReward),
                    &[&yuan(app, s.closing.valid_station_reward_added)]
                )
            )),
            None,
        ));
    }
    for (i, c) in reachable.iter().enumerate() {
        let st = &c.station;
        out.push((
            Line::raw(format!("{:>3}. {} {} · {}", i + 1, st.name, st.id, st.maintainer_name)),
            Some(*next),
        ));
        *next += 1;
        out.push((
            Line::from(dim(
                app,
                format!(
                    "     {} · {}",
                    needs_text(&c.needs, app.lang),
                    fill(
                        t(app, Text::DashCandidateSaves),
                        &[&yuan(app, c.penalty_saved), &yuan(app, c.maintenance_if_valid)]
                    )
                ),
            )),
            None,
        ));
    }
    let out_of_reach = s.candidates.len() - reachable.len();
    if out_of_reach > 0 {
        out.push((
            Line::from(dim(
                app,
                format!("  {}", fill(t(app, Text::PlanOutOfReachCount), &[&out_of_reach])),
            )),
            None,
        ));
    }
}

/// The whole plan as lines, in `lists::plan_targets` order: what closes
/// a manager's shortfall first (it decides the month's penalty), then
/// each maintainer's day.
fn plan_lines(app: &App, plan: &TodayPlan) -> Vec<PlanLine> {
    let mut out = Vec::new();
    let mut next = 0;
    for s in &plan.shortfalls {
        shortfall_lines(app, s, &mut next, &mut out);
        out.push((Line::raw(""), None));
    }
    if plan.visits.maintainers.is_empty() {
        out.push((Line::from(dim(app, t(app, Text::PlanNoStations))), None));
    }
    for m in &plan.visits.maintainers {
        maintainer_lines(app, m, &mut next, &mut out);
        out.push((Line::raw(""), None));
    }
    out
}

/// Draws plan lines in `area`, the selected row highlighted and in view;
/// records the list for the mouse.
pub fn draw_lines(frame: &mut Frame, area: Rect, block_area: Rect, app: &App, lines: Vec<PlanLine>, selected: usize) {
    let height = area.height as usize;
    let width = area.width as usize;
    let at = lines.iter().position(|(_, i)| *i == Some(selected)).unwrap_or(0);
    // The selected row and the lines that explain it stay in view.
    let explained = lines[at..]
        .iter()
        .skip(1)
        .take_while(|(_, i)| i.is_none())
        .count()
        .min(2);
    let offset = (at + explained + 1).saturating_sub(height);
    // Rows are not lines here: clicks do nothing, paging knows the height.
    app.hits.set(HitMap {
        list: Rect { width: 0, ..area },
        ..HitMap::default()
    });
    let total = lines.len();
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(offset)
        .take(height)
        .map(|(line, index)| {
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            let style = line.spans.first().map(|s| s.style).unwrap_or_default();
            let line = Line::from(Span::styled(cut(&text, width), style));
            if index == Some(selected) {
                line.style(app.theme.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(shown), area);
    scroll_mark(frame, block_area, offset, height, total, app);
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let block = titled(fill(t(app, Text::DashPlanTitle), &[&app.today]), true, app);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let plan = match app.my_plan() {
        None => {
            frame.render_widget(Paragraph::new(dim(app, t(app, Text::DashPlanMaking))), inner);
            return;
        }
        Some(Err(message)) => {
            frame.render_widget(
                Paragraph::new(Span::styled(message.clone(), app.theme.warn())).wrap(Wrap { trim: true }),
                inner,
            );
            return;
        }
        Some(Ok(plan)) => plan,
    };
    let [head, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(inner);
    let clock = plan.visits.clock;
    let figures = match plan.day.figures_to {
        Some(day) => fill(t(app, Text::PlanFiguresTo), &[&day, &clock.days_left()]),
        None => fill(t(app, Text::PlanFirstMorning), &[&clock.days_in_month]),
    };
    frame.render_widget(Paragraph::new(dim(app, cut(&figures, head.width as usize))), head);
    draw_lines(frame, list, area, app, plan_lines(app, plan), app.cursors.plan.selected);
}
