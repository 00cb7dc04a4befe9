//! The plan in words: a short printable list, and a CSV whose column
//! names never change with the language (other tools read them). Every
//! word comes from the translation table; amounts are the engine's,
//! grouped, with 元.

use std::fmt::Write as _;

use super::gather::TodayPlan;
use super::reach::{Needs, Stretch};
use super::shortfall::{Candidate, Shortfall};
use super::visit::{MaintainerPlan, Reason, Stop};
use crate::i18n::{fill, Lang, Text};
use crate::money::format_grouped;
use crate::payout::holds::StatementStanding;
use crate::policy::Role;
use crate::report::csv::CsvWriter;
use rust_decimal::Decimal;

/// The CSV's columns, in order (docs/PLAN.md describes each).
pub const CSV_COLUMNS: [&str; 21] = [
    "maintainer",
    "maintainer_name",
    "stop",
    "rank",
    "score",
    "station",
    "station_name",
    "village",
    "route_order",
    "status",
    "payments",
    "card",
    "payments_per_day",
    "card_per_day",
    "days_left",
    "stretch",
    "last_visit",
    "follow_up_on",
    "statement",
    "reasons",
    "reason_text",
];

/// An amount with its unit: "4.00 元", "1,204.50 yuan".
pub fn yuan(amount: Decimal, lang: Lang) -> String {
    format!("{} {}", format_grouped(amount), Text::Yuan.get(lang))
}

/// What a station still needs a day, the thresholds met left out:
/// "还需缴费 3 笔/天、还需刷卡 1 笔/天（本月还剩 4 天）".
pub fn needs_text(needs: &Needs, lang: Lang) -> String {
    let mut parts = Vec::new();
    if needs.payments_per_day > 0 {
        parts.push(fill(Text::PlanNeedPayments.get(lang), &[&needs.payments_per_day]));
    }
    if needs.card_per_day > 0 {
        parts.push(fill(Text::PlanNeedCard.get(lang), &[&needs.card_per_day]));
    }
    if needs.days_left == 0 {
        return Text::PlanNoDayLeft.get(lang).to_string();
    }
    let mut text = parts.join(Text::PlanListSep.get(lang));
    text.push_str(&fill(Text::PlanDaysLeft.get(lang), &[&needs.days_left]));
    text
}

/// One reason in words.
pub fn reason_text(reason: &Reason, lang: Lang) -> String {
    let t = |text: Text| text.get(lang);
    match reason {
        Reason::AtRisk(needs) => fill(t(Text::PlanAtRisk), &[&needs_text(needs, lang)]),
        Reason::OnTrack(needs) => fill(t(Text::PlanOnTrack), &[&needs_text(needs, lang)]),
        Reason::OutOfReach(needs) => fill(t(Text::PlanOutOfReach), &[&needs_text(needs, lang)]),
        Reason::FollowUp { days_overdue: 0, .. } => t(Text::PlanFollowUpToday).to_string(),
        Reason::FollowUp { on, days_overdue } => fill(t(Text::PlanFollowUpOverdue), &[on, days_overdue]),
        Reason::StatementUnsigned {
            month,
            sign_by,
            days_overdue: 0,
        } => fill(t(Text::PlanStatementDue), &[month, sign_by]),
        Reason::StatementUnsigned {
            month, days_overdue, ..
        } => fill(t(Text::PlanStatementOverdue), &[month, days_overdue]),
        Reason::LongUnvisited { days: None } => t(Text::PlanNeverVisited).to_string(),
        Reason::LongUnvisited { days: Some(days) } => fill(t(Text::PlanNotVisitedFor), &[days]),
    }
}

fn role_text(role: Role) -> Text {
    match role {
        Role::Manager => Text::RoleManager,
        Role::Maintainer => Text::RoleMaintainer,
    }
}

/// "张庄 · 张庄便民服务站 S0003": where to go.
fn place(stop: &Stop) -> String {
    let s = &stop.station;
    match &s.village {
        Some(village) if !s.name.contains(village.as_str()) => format!("{village} · {} {}", s.name, s.id),
        _ => format!("{} {}", s.name, s.id),
    }
}

fn maintainer_text(out: &mut String, m: &MaintainerPlan, lang: Lang) {
    let t = |text: Text| text.get(lang);
    let _ = writeln!(
        out,
        "{}",
        fill(
            t(Text::PlanMaintainerHead),
            &[&m.maintainer_name, &m.maintainer, &m.route.len()]
        )
    );
    if m.route.is_empty() {
        let _ = writeln!(out, "  {}", t(Text::PlanNothingToday));
    }
    for (i, stop) in m.route.iter().enumerate() {
        let _ = writeln!(out, "{:>3}. {}", i + 1, place(stop));
        for reason in &stop.reasons {
            let _ = writeln!(out, "     {}", reason_text(reason, lang));
        }
    }
    let more = m.more_worth_visiting();
    if more > 0 {
        let _ = writeln!(out, "  {}", fill(t(Text::PlanMore), &[&more]));
    }
    if m.quiet() > 0 {
        let _ = writeln!(out, "  {}", fill(t(Text::PlanQuiet), &[&m.quiet()]));
    }
}

fn candidate_text(out: &mut String, n: usize, c: &Candidate, lang: Lang) {
    let s = &c.station;
    let _ = writeln!(
        out,
        "{n:>3}. {}",
        fill(
            Text::PlanCandidate.get(lang),
            &[
                &format!("{} {}", s.name, s.id),
                &s.maintainer_name,
                &needs_text(&c.needs, lang),
                &yuan(c.penalty_saved, lang),
                &yuan(c.maintenance_if_valid, lang),
            ],
        )
    );
}

fn shortfall_text(out: &mut String, s: &Shortfall, lang: Lang) {
    let t = |text: Text| text.get(lang);
    let b = &s.branch;
    let Some(plan) = b.plan else {
        let _ = writeln!(out, "{}", fill(t(Text::PlanNoPlan), &[&b.name]));
        return;
    };
    if s.shortfall == 0 {
        let _ = writeln!(out, "{}", fill(t(Text::PlanMet), &[&b.name, &plan, &b.valid]));
        return;
    }
    let _ = writeln!(
        out,
        "{}",
        fill(
            t(Text::PlanBranchLine),
            &[&b.name, &plan, &b.valid, &s.shortfall, &yuan(b.penalty, lang)]
        )
    );
    let reachable = s.within_reach();
    if reachable.is_empty() {
        let _ = writeln!(out, "  {}", fill(t(Text::PlanNoneReachable), &[&yuan(b.penalty, lang)]));
    } else if s.can_close() {
        let _ = writeln!(
            out,
            "  {}",
            fill(
                t(Text::PlanAnyOf),
                &[&s.shortfall, &reachable.len(), &yuan(s.closing.penalty_saved, lang)]
            )
        );
    } else {
        let _ = writeln!(
            out,
            "  {}",
            fill(
                t(Text::PlanAllOf),
                &[
                    &reachable.len(),
                    &yuan(s.closing.penalty_saved, lang),
                    &yuan(s.closing.penalty_left, lang)
                ]
            )
        );
    }
    if s.closing.valid_station_reward_added > Decimal::ZERO {
        let _ = writeln!(
            out,
            "  {}",
            fill(
                t(Text::PlanClosingReward),
                &[&yuan(s.closing.valid_station_reward_added, lang)]
            )
        );
    }
    for (i, c) in reachable.iter().enumerate() {
        candidate_text(out, i + 1, c, lang);
    }
    let out_of_reach = s.candidates.len() - reachable.len();
    if out_of_reach > 0 {
        let _ = writeln!(out, "  {}", fill(t(Text::PlanOutOfReachCount), &[&out_of_reach]));
    }
}

/// The short printable list.
pub fn render_text(plan: &TodayPlan, lang: Lang) -> String {
    let t = |text: Text| text.get(lang);
    let mut out = String::new();
    let mut head = fill(
        t(Text::PlanTitle),
        &[
            &plan.day.today,
            &plan.person_name,
            &plan.who.person(),
            &t(role_text(plan.who.role())),
        ],
    );
    if plan.demo {
        head.push_str(&format!(" · [{}]", t(Text::Demo)));
    }
    let _ = writeln!(out, "{head}");
    let clock = plan.visits.clock;
    let figures = match plan.day.figures_to {
        Some(day) => fill(t(Text::PlanFiguresTo), &[&day, &clock.days_left()]),
        None => fill(t(Text::PlanFirstMorning), &[&clock.days_in_month]),
    };
    let _ = writeln!(out, "{figures}");
    if plan.visits.maintainers.is_empty() {
        let _ = writeln!(out, "\n{}", t(Text::PlanNoStations));
    }
    for m in &plan.visits.maintainers {
        out.push('\n');
        maintainer_text(&mut out, m, lang);
    }
    for s in &plan.shortfalls {
        out.push('\n');
        shortfall_text(&mut out, s, lang);
    }
    out
}

fn statement_code(standing: Option<StatementStanding>) -> &'static str {
    match standing {
        None => "",
        Some(StatementStanding::Signed) => "signed",
        Some(StatementStanding::Disputed) => "disputed",
        Some(StatementStanding::Resolved { .. }) => "resolved",
        Some(StatementStanding::Unsigned) => "unsigned",
    }
}

/// "1.50" times its pace; empty when no day is left.
fn stretch_text(stretch: Stretch) -> String {
    stretch
        .hundredths()
        .map_or_else(String::new, |h| format!("{}.{:02}", h / 100, h % 100))
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(String::new, |v| v.to_string())
}

/// Every station of the plan, today's stops first (with their number on
/// the route), then the others in rank order; one row each.
pub fn render_csv(plan: &TodayPlan, lang: Lang) -> String {
    let mut w = CsvWriter::new();
    w.row(CSV_COLUMNS);
    for m in &plan.visits.maintainers {
        let numbered = m.route.iter().enumerate().map(|(i, s)| (Some(i + 1), s));
        for (stop_no, stop) in numbered.chain(m.later.iter().map(|s| (None, s))) {
            let s = &stop.station;
            let reasons: Vec<&str> = stop.reasons.iter().map(Reason::code).collect();
            let words: Vec<String> = stop.reasons.iter().map(|r| reason_text(r, lang)).collect();
            w.row([
                m.maintainer.clone(),
                m.maintainer_name.clone(),
                opt(stop_no),
                stop.rank.to_string(),
                stop.score.to_string(),
                s.id.clone(),
                s.name.clone(),
                s.village.clone().unwrap_or_default(),
                opt(s.route_order),
                s.status.as_str().to_string(),
                s.payments.to_string(),
                s.card.to_string(),
                stop.needs.payments_per_day.to_string(),
                stop.needs.card_per_day.to_string(),
                stop.needs.days_left.to_string(),
                stretch_text(stop.closeness.stretch),
                opt(s.last_visit),
                opt(s.follow_up),
                statement_code(s.statement).to_string(),
                reasons.join(";"),
                words.join("; "),
            ]);
        }
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs(p: u64, c: u64, left: u32) -> Needs {
        Needs {
            payments_per_day: p,
            card_per_day: c,
            days_left: left,
        }
    }

    #[test]
    fn needs_leave_out_what_is_met_in_both_languages() {
        assert_eq!(
            needs_text(&needs(3, 1, 4), Lang::Zh),
            "还需缴费 3 笔/天、还需刷卡 1 笔/天（本月还剩 4 天）"
        );
        assert_eq!(
            needs_text(&needs(0, 2, 9), Lang::En),
            "card transactions 2/day (9 d left)"
        );
        assert_eq!(needs_text(&needs(0, 0, 0), Lang::Zh), "本月已结束");
    }

    #[test]
    fn every_reason_has_words_in_both_languages_without_rule_codes() {
        let day = crate::month::parse_date("2026-11-12").unwrap();
        let reasons = [
            Reason::AtRisk(needs(3, 0, 4)),
            Reason::OnTrack(needs(1, 0, 4)),
            Reason::OutOfReach(needs(12, 3, 4)),
            Reason::FollowUp {
                on: day,
                days_overdue: 0,
            },
            Reason::FollowUp {
                on: day,
                days_overdue: 3,
            },
            Reason::StatementUnsigned {
                month: "2026-10".parse().unwrap(),
                sign_by: day,
                days_overdue: 0,
            },
            Reason::StatementUnsigned {
                month: "2026-10".parse().unwrap(),
                sign_by: day,
                days_overdue: 5,
            },
            Reason::LongUnvisited { days: None },
            Reason::LongUnvisited { days: Some(41) },
        ];
        for r in &reasons {
            let (zh, en) = (reason_text(r, Lang::Zh), reason_text(r, Lang::En));
            assert!(!zh.is_empty() && !en.is_empty() && zh != en, "{r:?}");
            assert!(!zh.contains('{') && !en.contains('{'), "{zh} / {en}");
            for code in ["R5", "R8", "R10", "R11"] {
                assert!(!zh.contains(code) && !en.contains(code), "{zh} / {en}");
            }
            assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{zh}");
        }
        assert_eq!(
            reason_text(&reasons[6], Lang::Zh),
            "2026-10 奖励确认单未签字，已逾期 5 天"
        );
    }

    #[test]
    fn amounts_are_grouped_with_the_unit() {
        assert_eq!(yuan(rust_decimal_macros::dec!(41505.03), Lang::Zh), "41,505.03 元");
        assert_eq!(yuan(rust_decimal_macros::dec!(4), Lang::En), "4.00 yuan");
    }

    #[test]
    fn stretch_reads_as_times_the_pace() {
        let clock = super::super::reach::MonthClock {
            days_in_month: 30,
            days_elapsed: 20,
        };
        assert_eq!(stretch_text(Stretch::of(clock, 30, 10)), "2.00");
        assert_eq!(stretch_text(Stretch::of(clock, 30, 11)), "1.90");
        assert_eq!(stretch_text(Stretch::UNREACHABLE), "");
    }
}
