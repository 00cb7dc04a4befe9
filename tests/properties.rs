//! Properties of the engine that must hold for any facts (proptest).

use chrono::Days;
use proptest::prelude::*;
use rust_decimal::Decimal;

use bianmin::month::Month;
use bianmin::policy::engine::project_station;
use bianmin::policy::projection::MonthProgress;
use bianmin::policy::split::largest_remainder;
use bianmin::policy::station::evaluate_station;
use bianmin::policy::{evaluate, BranchFacts, Kind, MonthFacts, Policy, PolicyVersion, StationFacts};

/// The Dezhou payment categories.
const CATEGORIES: [&str; 5] = ["mobile", "unicom", "telecom", "electricity", "other"];

fn dezhou() -> PolicyVersion {
    Policy::dezhou_2012().versions[0].clone()
}

fn fen_amount() -> impl Strategy<Value = Decimal> {
    (0i64..2_000_000).prop_map(|fen| Decimal::new(fen, 2))
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Rural), Just(Kind::Urban)]
}

/// A station's month: counts, amounts, card counts (valid ≤ raw), village.
fn station_facts() -> impl Strategy<Value = StationFacts> {
    (
        kind(),
        proptest::collection::vec((0u64..200, fen_amount()), CATEGORIES.len()),
        (0u64..80, 0u64..30),
        proptest::option::of(0u64..500),
        1u64..4,
        (0u64..5, 0u64..5, 0u64..5, 0u64..3),
    )
        .prop_map(|(kind, payments, (valid, extra), households, in_village, refs)| {
            let mut s = StationFacts::new("S", "B", kind, "P0").with_card(valid + extra, valid);
            for (category, (count, amount)) in CATEGORIES.into_iter().zip(payments) {
                s = s.with_payment(category, count, amount);
            }
            s.village_households = households;
            s.stations_in_village = in_village;
            for (name, n) in [
                ("huinongtong", refs.0),
                ("finance_leads", refs.1),
                ("car_insurance_leads", refs.2),
                ("car_insurance_converted", refs.3),
            ] {
                s.referrals.insert(name.to_string(), n);
            }
            s
        })
}

/// A month with 1–4 branches of 1–4 maintainers and 0–12 stations each.
fn month_facts() -> impl Strategy<Value = MonthFacts> {
    let branch = (
        kind(),
        proptest::option::of(0u64..15),
        1usize..5,
        proptest::collection::vec((station_facts(), 0usize..4), 0..12),
    );
    (proptest::collection::vec(branch, 1..5), 1u32..=31).prop_map(|(branches, day)| {
        let month: Month = "2026-10".parse().unwrap();
        let mut facts = MonthFacts {
            month,
            as_of: month.first_day() + Days::new(u64::from(day - 1)),
            branches: Vec::new(),
            stations: Vec::new(),
        };
        for (b, (kind, plan, k, stations)) in branches.into_iter().enumerate() {
            let maintainers: Vec<String> = (0..k).map(|m| format!("P{b}-{m}")).collect();
            for (i, (mut station, who)) in stations.into_iter().enumerate() {
                station.id = format!("S{b}-{i:02}");
                station.branch = format!("B{b}");
                station.maintainer = maintainers[who % k].clone();
                facts.stations.push(station);
            }
            facts.branches.push(BranchFacts {
                id: format!("B{b}"),
                kind,
                plan,
                manager: format!("M{b}"),
                maintainers,
            });
        }
        facts
    })
}

proptest! {
    #[test]
    fn the_split_parts_add_up_to_the_pool_and_the_penalty(facts in month_facts()) {
        let result = evaluate(&Policy::dezhou_2012(), &facts).unwrap();
        for branch in &result.branches {
            let people = result.people.iter().filter(|p| p.branch == branch.id);
            let (reward, penalty) = people.fold((Decimal::ZERO, Decimal::ZERO), |(r, p), person| {
                (r + person.reward, p + person.penalty)
            });
            prop_assert_eq!(reward, branch.pool);
            prop_assert_eq!(penalty, branch.penalty);
        }
    }

    #[test]
    fn no_reward_is_negative(facts in month_facts()) {
        let result = evaluate(&Policy::dezhou_2012(), &facts).unwrap();
        for s in &result.stations {
            for line in &s.reward.payments {
                prop_assert!(line.reward >= Decimal::ZERO);
            }
            prop_assert!(s.reward.card >= Decimal::ZERO && s.reward.referrals >= Decimal::ZERO);
            prop_assert!(s.reward.total >= Decimal::ZERO && s.maintenance.total >= Decimal::ZERO);
        }
        for b in &result.branches {
            prop_assert!(b.pool >= Decimal::ZERO && b.penalty >= Decimal::ZERO);
        }
        for p in &result.people {
            prop_assert!(p.reward >= Decimal::ZERO && p.penalty >= Decimal::ZERO);
        }
    }

    #[test]
    fn a_reward_never_falls_as_a_count_rises(base in station_facts(), bump in 1u64..40) {
        let policy = dezhou();
        let before = evaluate_station(&base, &policy).unwrap();
        // One more of each kind of count, the amounts unchanged.
        let mut more = base.clone().with_card(base.card.raw + bump, base.card.valid + bump);
        for category in CATEGORIES {
            let p = base.payment(category);
            more = more.with_payment(category, p.count + bump, p.amount);
        }
        let after = evaluate_station(&more, &policy).unwrap();
        for category in CATEGORIES {
            let line = |e: &bianmin::policy::station::StationEvaluation| e.reward.payment(category).unwrap().reward;
            prop_assert!(line(&after) >= line(&before));
        }
        prop_assert!(after.reward.card >= before.reward.card);
        prop_assert!(after.reward.total >= before.reward.total);
        prop_assert!(after.comms_fee_covered >= before.comms_fee_covered);
        prop_assert!(after.maintenance.total >= before.maintenance.total);
    }

    #[test]
    fn a_projection_on_the_last_day_equals_the_actual_figures(station in station_facts(), days in 28u32..=31) {
        let policy = dezhou();
        let complete = MonthProgress::new(days, days);
        prop_assert_eq!(project_station(&station, complete, policy.rounding).unwrap(), station.clone());
        prop_assert_eq!(complete.project_count(station.card.raw), Ok(station.card.raw));
    }

    #[test]
    fn evaluating_on_the_last_day_reports_the_facts_unprojected(mut facts in month_facts()) {
        facts.as_of = facts.month.last_day();
        let result = evaluate(&Policy::dezhou_2012(), &facts).unwrap();
        prop_assert!(!result.projected);
        for s in &result.stations {
            let f = facts.stations.iter().find(|f| f.id == s.id).unwrap();
            prop_assert_eq!(Ok(s.payment_count), f.payment_count());
            prop_assert_eq!((s.card_raw, s.card_valid), (f.card.raw, f.card.valid));
            prop_assert_eq!(s.valid, s.counts_as_valid);
        }
    }

    #[test]
    fn projections_never_shrink_the_figures(station in station_facts(), day in 1u32..31) {
        let policy = dezhou();
        let projected = project_station(&station, MonthProgress::new(day, 31), policy.rounding).unwrap();
        for category in CATEGORIES {
            prop_assert!(projected.payment(category).count >= station.payment(category).count);
            prop_assert!(projected.payment(category).amount >= station.payment(category).amount);
        }
        prop_assert!(projected.card.valid <= projected.card.raw);
    }

    #[test]
    fn largest_remainder_always_hands_out_exactly_the_total(
        total_fen in 0i64..10_000_000,
        claims in proptest::collection::vec(0i64..1_000_000, 1..8),
        denominator in 1u32..50,
    ) {
        let total = Decimal::new(total_fen, 2);
        let numerators: Vec<Decimal> = claims.iter().map(|c| Decimal::new(*c, 3)).collect();
        let parts = largest_remainder(total, &numerators, Decimal::from(denominator));
        prop_assert_eq!(parts.len(), numerators.len());
        prop_assert_eq!(parts.iter().copied().sum::<Decimal>(), total);
        for part in parts {
            prop_assert_eq!(part.scale(), 2);
        }
    }
}
