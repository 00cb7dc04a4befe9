//! The ranking of `visit`: each reason, ties, empty and edge days, and
//! properties over random stations.

use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::plan::PlanSettings;

const DEZHOU: Thresholds = Thresholds { payments: 30, card: 5 };

fn day(text: &str) -> NaiveDate {
    crate::month::parse_date(text).unwrap()
}

fn station(id: &str, status: Status, payments: u64, card: u64) -> StationInput {
    StationInput {
        id: id.into(),
        name: format!("{id}站"),
        branch: "B1".into(),
        maintainer: "W1".into(),
        maintainer_name: "王一".into(),
        village: None,
        route_order: None,
        status,
        payments,
        card,
        // Visited a week ago: no reason on its own.
        last_visit: Some(day("2026-11-13")),
        follow_up: None,
        statement: Some(StatementStanding::Signed),
        maintenance_if_valid: Decimal::ZERO,
    }
}

/// 2026-11-20, figures to the 19th: 11 days left of 30.
fn input(stations: Vec<StationInput>) -> PlanInput {
    PlanInput {
        today: day("2026-11-20"),
        clock: MonthClock {
            days_in_month: 30,
            days_elapsed: 19,
        },
        thresholds: DEZHOU,
        sign_by_day: 12,
        stations,
    }
}

fn plan(input: &PlanInput) -> VisitPlan {
    plan_visits(input, &PlanSettings::default())
}

/// Every stop of the plan, today's first, each once.
fn all(plan: &VisitPlan) -> Vec<&Stop> {
    plan.maintainers
        .iter()
        .flat_map(|m| m.route.iter().chain(m.later.iter()))
        .collect()
}

fn stop<'a>(plan: &'a VisitPlan, id: &str) -> &'a Stop {
    all(plan).into_iter().find(|s| s.station.id == id).unwrap()
}

fn codes(stop: &Stop) -> Vec<&'static str> {
    stop.reasons.iter().map(Reason::code).collect()
}

#[test]
fn an_empty_list_is_an_empty_plan() {
    let p = plan(&input(vec![]));
    assert!(p.maintainers.is_empty());
    assert_eq!(p.stops(), 0);
    assert_eq!(p.month.to_string(), "2026-11");
}

#[test]
fn at_risk_within_reach_leads_and_out_of_reach_and_valid_rank_low() {
    let p = plan(&input(vec![
        station("S1", Status::Valid, 40, 8),
        // 19 in 19 days, 11 more in 11 days: 1/day, its pace.
        station("S2", Status::AtRisk, 19, 5),
        // 2 in 19 days: 28 in 11 days is 2.5 times the even pace.
        station("S3", Status::AtRisk, 2, 5),
        station("S4", Status::OnTrack, 25, 5),
    ]));
    let m = &p.maintainers[0];
    let today: Vec<&str> = m.route.iter().map(|s| s.station.id.as_str()).collect();
    assert_eq!(today.len(), 2, "{m:#?}");
    assert!(today.contains(&"S2") && today.contains(&"S4"));
    assert_eq!(codes(stop(&p, "S2")), ["at_risk"]);
    assert_eq!(stop(&p, "S2").rank, 1);
    assert_eq!(stop(&p, "S2").needs.payments_per_day, 1);
    assert_eq!(codes(stop(&p, "S3")), ["out_of_reach"]);
    assert!(!stop(&p, "S3").worth_visiting());
    assert!(stop(&p, "S1").reasons.is_empty());
    assert_eq!(codes(stop(&p, "S4")), ["on_track"]);
    assert_eq!((m.more_worth_visiting(), m.quiet()), (0, 2));
}

#[test]
fn follow_ups_due_count_overdue_first_and_future_ones_not_at_all() {
    let mut today = station("S1", Status::Valid, 40, 8);
    today.follow_up = Some(day("2026-11-20"));
    let mut late = station("S2", Status::Valid, 40, 8);
    late.follow_up = Some(day("2026-11-15"));
    let mut later = station("S3", Status::Valid, 40, 8);
    later.follow_up = Some(day("2026-11-21"));
    let mut very_late = station("S4", Status::Valid, 40, 8);
    very_late.follow_up = Some(day("2026-09-01"));
    let p = plan(&input(vec![today, late, later, very_late]));
    assert_eq!(
        stop(&p, "S1").reasons,
        [Reason::FollowUp {
            on: day("2026-11-20"),
            days_overdue: 0
        }]
    );
    assert_eq!(codes(stop(&p, "S1")), ["follow_up_due"]);
    assert_eq!(codes(stop(&p, "S2")), ["follow_up_overdue"]);
    assert!(stop(&p, "S3").reasons.is_empty(), "not yet");
    // Overdue first; the points stop growing at 10 days overdue.
    let ranks: Vec<usize> = ["S4", "S2", "S1"].iter().map(|id| stop(&p, id).rank).collect();
    assert_eq!(ranks, [1, 2, 3]);
    assert_eq!(stop(&p, "S4").score, POINTS_FOLLOW_UP + POINTS_OVERDUE_MAX);
    assert_eq!(stop(&p, "S2").score, POINTS_FOLLOW_UP + 5 * POINTS_PER_DAY_OVERDUE);
}

#[test]
fn an_unsigned_statement_is_due_until_the_12th_and_overdue_after() {
    let mut unsigned = station("S1", Status::Valid, 40, 8);
    unsigned.statement = Some(StatementStanding::Unsigned);
    let mut disputed = station("S2", Status::Valid, 40, 8);
    disputed.statement = Some(StatementStanding::Disputed);
    let mut none = station("S3", Status::Valid, 40, 8);
    none.statement = None;
    let mut i = input(vec![unsigned, disputed, none]);
    let p = plan(&i);
    assert_eq!(
        stop(&p, "S1").reasons,
        [Reason::StatementUnsigned {
            month: "2026-10".parse().unwrap(),
            sign_by: day("2026-11-12"),
            days_overdue: 8
        }]
    );
    assert_eq!(stop(&p, "S1").score, POINTS_STATEMENT_OVERDUE);
    assert!(stop(&p, "S2").reasons.is_empty() && stop(&p, "S3").reasons.is_empty());
    // On the 12th itself it is due, not overdue.
    i.today = day("2026-11-12");
    i.clock.days_elapsed = 11;
    let p = plan(&i);
    assert_eq!(codes(stop(&p, "S1")), ["statement_due"]);
    assert_eq!(stop(&p, "S1").score, POINTS_STATEMENT_DUE);
}

#[test]
fn long_unvisited_and_never_visited_count_and_break_ties() {
    let mut never = station("S1", Status::Valid, 40, 8);
    never.last_visit = None;
    let mut month_ago = station("S2", Status::Valid, 40, 8);
    month_ago.last_visit = Some(day("2026-10-21"));
    let mut recent = station("S3", Status::Valid, 40, 8);
    recent.last_visit = Some(day("2026-10-22"));
    let p = plan(&input(vec![recent, month_ago, never]));
    assert_eq!(stop(&p, "S1").reasons, [Reason::LongUnvisited { days: None }]);
    assert_eq!(stop(&p, "S2").reasons, [Reason::LongUnvisited { days: Some(30) }]);
    assert!(stop(&p, "S3").reasons.is_empty(), "29 days");
    assert_eq!((stop(&p, "S1").rank, stop(&p, "S2").rank), (1, 2));

    // Two at-risk stations as close as each other: the one unvisited longer first.
    let mut a = station("S5", Status::AtRisk, 19, 5);
    a.last_visit = Some(day("2026-11-18"));
    let mut b = station("S6", Status::AtRisk, 19, 5);
    b.last_visit = Some(day("2026-11-10"));
    let p = plan(&input(vec![a, b]));
    assert_eq!(stop(&p, "S6").rank, 1);
}

#[test]
fn equal_standing_the_closer_to_valid_ranks_first() {
    let p = plan(&input(vec![
        station("S1", Status::AtRisk, 12, 5),
        station("S2", Status::AtRisk, 18, 5),
        station("S3", Status::AtRisk, 15, 5),
    ]));
    let ranked: Vec<&str> = {
        let mut stops = all(&p);
        stops.sort_by_key(|s| s.rank);
        stops.iter().map(|s| s.station.id.as_str()).collect()
    };
    assert_eq!(ranked, ["S2", "S3", "S1"]);
}

#[test]
fn reasons_add_up_weightiest_first() {
    let mut s = station("S1", Status::AtRisk, 19, 5);
    s.follow_up = Some(day("2026-11-18"));
    s.statement = Some(StatementStanding::Unsigned);
    s.last_visit = None;
    let p = plan(&input(vec![s]));
    let s = stop(&p, "S1");
    assert_eq!(
        codes(s),
        ["at_risk", "statement_overdue", "follow_up_overdue", "never_visited"]
    );
    assert_eq!(
        s.score,
        POINTS_AT_RISK
            + POINTS_STATEMENT_OVERDUE
            + POINTS_FOLLOW_UP
            + 2 * POINTS_PER_DAY_OVERDUE
            + POINTS_LONG_UNVISITED
    );
}

#[test]
fn the_months_last_day_and_a_month_with_no_day_left() {
    let mut last = input(vec![
        // 29 payments: one more today.
        station("S1", Status::AtRisk, 29, 5),
        // 20: ten more in a day is out of reach.
        station("S2", Status::AtRisk, 20, 5),
    ]);
    last.today = day("2026-11-30");
    last.clock.days_elapsed = 29;
    let p = plan(&last);
    assert_eq!(codes(stop(&p, "S1")), ["at_risk"]);
    assert_eq!(stop(&p, "S1").needs.days_left, 1);
    assert_eq!(codes(stop(&p, "S2")), ["out_of_reach"]);
    assert_eq!(stop(&p, "S2").needs.payments_per_day, 10);

    // Figures complete (no day left): a station short is invalid, out of reach.
    last.clock.days_elapsed = 30;
    last.stations[0].status = Status::Invalid;
    let p = plan(&last);
    assert_eq!(codes(stop(&p, "S1")), ["out_of_reach"]);
    assert_eq!(stop(&p, "S1").needs.payments_per_day, 0);
}

#[test]
fn the_first_morning_of_a_month_spreads_the_need_over_every_day() {
    let mut first = input(vec![station("S1", Status::AtRisk, 0, 0)]);
    first.today = day("2026-12-01");
    first.clock = MonthClock {
        days_in_month: 31,
        days_elapsed: 0,
    };
    let p = plan(&first);
    assert_eq!(
        stop(&p, "S1").reasons[0],
        Reason::AtRisk(Needs {
            payments_per_day: 1,
            card_per_day: 1,
            days_left: 31
        })
    );
}

#[test]
fn the_cut_keeps_the_best_in_route_order_and_counts_the_rest() {
    let mut stations: Vec<StationInput> = (1..=12)
        .map(|i| {
            let mut s = station(&format!("S{i:02}"), Status::AtRisk, 10 + i, 5);
            s.route_order = Some(13 - i as u32);
            s
        })
        .collect();
    stations.push(station("S20", Status::Valid, 40, 8));
    let p = plan(&input(stations));
    let m = &p.maintainers[0];
    assert_eq!(m.route.len(), 8);
    // The eight closest (S05..S12) are today's, driven by route order.
    let route: Vec<&str> = m.route.iter().map(|s| s.station.id.as_str()).collect();
    assert_eq!(route, ["S12", "S11", "S10", "S09", "S08", "S07", "S06", "S05"]);
    assert_eq!((m.more_worth_visiting(), m.quiet()), (4, 1));
    assert_eq!(m.later[0].station.id, "S04");
    assert_eq!(m.later[0].rank, 9);
}

#[test]
fn villages_stay_together_on_the_route() {
    let mk = |id: &str, village: Option<&str>, order: Option<u32>| {
        let mut s = station(id, Status::AtRisk, 19, 5);
        s.village = village.map(String::from);
        s.route_order = order;
        s
    };
    let p = plan(&input(vec![
        mk("S1", Some("张庄"), Some(5)),
        mk("S2", Some("李村"), Some(2)),
        mk("S3", Some("张庄"), Some(1)),
        mk("S4", None, Some(3)),
        mk("S5", Some("王屯"), None),
        mk("S6", None, None),
    ]));
    let route: Vec<&str> = p.maintainers[0].route.iter().map(|s| s.station.id.as_str()).collect();
    // 张庄 (first at 1) with both its stations, 李村 (2), S4 (3), then
    // those without a route order.
    assert_eq!(route, ["S3", "S1", "S2", "S4", "S5", "S6"]);
}

#[test]
fn a_managers_plan_has_one_list_per_maintainer() {
    let mut a = station("S1", Status::AtRisk, 19, 5);
    a.maintainer = "W2".into();
    a.maintainer_name = "李二".into();
    let b = station("S2", Status::AtRisk, 19, 5);
    let p = plan(&input(vec![a, b]));
    let who: Vec<(&str, &str)> = p
        .maintainers
        .iter()
        .map(|m| (m.maintainer.as_str(), m.maintainer_name.as_str()))
        .collect();
    assert_eq!(who, [("W1", "王一"), ("W2", "李二")]);
    assert_eq!(p.stops(), 2);
    assert!(p.maintainers.iter().all(|m| m.route[0].rank == 1));
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        Just(Status::Valid),
        Just(Status::OnTrack),
        Just(Status::AtRisk),
        Just(Status::Invalid)
    ]
}

prop_compose! {
    fn any_station(id: usize)(
        status in status(),
        payments in 0u64..80,
        card in 0u64..12,
        maintainer in 0..3usize,
        route in proptest::option::of(0u32..20),
        village in proptest::option::of(0..4usize),
        visited in proptest::option::of(0i64..90),
        follow_up in proptest::option::of(-30i64..10),
        statement in proptest::option::of(0..3usize),
    ) -> StationInput {
        let today = day("2026-11-20");
        let mut s = station(&format!("S{id:03}"), status, payments, card);
        s.maintainer = format!("W{maintainer}");
        s.route_order = route;
        s.village = village.map(|v| format!("村{v}"));
        s.last_visit = visited.map(|d| today - chrono::Days::new(d as u64));
        s.follow_up = follow_up.map(|d| today + chrono::TimeDelta::days(d));
        s.statement = statement.map(|k| [StatementStanding::Signed, StatementStanding::Disputed, StatementStanding::Unsigned][k]);
        s
    }
}

fn any_stations() -> impl Strategy<Value = Vec<StationInput>> {
    (0usize..40).prop_flat_map(|n| (0..n).map(any_station).collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_station_once_the_cut_outranks_the_rest_and_the_order_is_the_inputs_own(
        stations in any_stations(),
        seed in any::<u64>(),
        days_elapsed in 0u32..=30,
    ) {
        let mut i = input(stations.clone());
        i.clock.days_elapsed = days_elapsed;
        let settings = PlanSettings::default();
        let p = plan_visits(&i, &settings);

        // Every station exactly once.
        let mut seen: Vec<&str> = all(&p).iter().map(|s| s.station.id.as_str()).collect();
        seen.sort();
        let mut want: Vec<&str> = stations.iter().map(|s| s.id.as_str()).collect();
        want.sort();
        prop_assert_eq!(seen, want);

        for m in &p.maintainers {
            prop_assert!(m.route.len() <= settings.stops_per_maintainer);
            prop_assert!(m.route.iter().all(|s| s.worth_visiting() && s.station.maintainer == m.maintainer));
            // Today's are ranks 1..=k; the rest follow in rank order.
            let mut ranks: Vec<usize> = m.route.iter().map(|s| s.rank).collect();
            ranks.sort();
            prop_assert_eq!(ranks, (1..=m.route.len()).collect::<Vec<_>>());
            prop_assert!(m.later.windows(2).all(|w| w[0].rank + 1 == w[1].rank));
            let lowest_today = m.route.iter().map(|s| s.score).min();
            if let (Some(low), Some(high)) = (lowest_today, m.later.iter().map(|s| s.score).max()) {
                prop_assert!(low >= high);
            }
            // A short list means nothing else is worth a visit.
            if m.route.len() < settings.stops_per_maintainer {
                prop_assert_eq!(m.more_worth_visiting(), 0);
            }
            for s in m.route.iter().chain(&m.later) {
                prop_assert_eq!(s.score, s.reasons.iter().map(Reason::points).sum::<u32>());
                prop_assert!(s.reasons.windows(2).all(|w| w[0].points() >= w[1].points()));
                let validity = s.reasons.iter().filter(|r| matches!(r, Reason::AtRisk(_) | Reason::OnTrack(_) | Reason::OutOfReach(_))).count();
                prop_assert_eq!(validity, usize::from(s.station.status != Status::Valid));
            }
        }

        // The order of the input does not matter.
        let mut shuffled = i.clone();
        let n = shuffled.stations.len();
        if n > 1 {
            let mut state = seed;
            for k in (1..n).rev() {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.stations.swap(k, (state >> 33) as usize % (k + 1));
            }
        }
        prop_assert_eq!(plan_visits(&shuffled, &settings), p);
    }
}
