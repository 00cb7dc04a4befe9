//! Each rule of RULES.md at each of its boundaries, under the Dezhou
//! policy. Figures are worked by hand in the comments.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::branch::{more_valid, plan_penalty, valid_station_reward};
use super::config::{PenaltyBasis, Policy, PolicyVersion};
use super::facts::{BranchFacts, Kind, MonthFacts, StationFacts};
use super::result::{Role, Status, Warning};
use super::station::{evaluate_station, maintenance_if_valid};
use super::{evaluate, evaluate_under, MonthResult};
use crate::month::Month;

// The Dezhou payment categories (R13: data of the policy version).
const MOBILE: &str = "mobile";
const UNICOM: &str = "unicom";
const TELECOM: &str = "telecom";
const ELECTRICITY: &str = "electricity";
const OTHER: &str = "other";

fn dezhou() -> PolicyVersion {
    Policy::dezhou_2012().versions[0].clone()
}

fn rural(households: u64, stations: u64) -> StationFacts {
    StationFacts::new("S1", "B1", Kind::Rural, "P1").in_village(households, stations)
}

fn urban() -> StationFacts {
    StationFacts::new("S1", "B1", Kind::Urban, "P1")
}

fn line(facts: &StationFacts, category: &str) -> Decimal {
    station(facts, &dezhou()).reward.payment(category).unwrap().reward
}

fn station(facts: &StationFacts, version: &PolicyVersion) -> super::station::StationEvaluation {
    evaluate_station(facts, version).expect("figures in range")
}

/// A station that meets both thresholds (R5) on its own.
fn valid(id: &str, maintainer: &str) -> StationFacts {
    StationFacts::new(id, "B1", Kind::Urban, maintainer)
        .with_payment(MOBILE, 30, dec!(0))
        .with_card(5, 5)
}

fn invalid(id: &str, maintainer: &str) -> StationFacts {
    StationFacts::new(id, "B1", Kind::Urban, maintainer).with_payment(MOBILE, 29, dec!(0))
}

fn month_of(
    kind: Kind,
    plan: Option<u64>,
    maintainers: &[&str],
    stations: Vec<StationFacts>,
    as_of_day: u32,
) -> MonthFacts {
    let month: Month = "2026-10".parse().unwrap();
    MonthFacts {
        month,
        as_of: month.first_day() + chrono::Days::new(u64::from(as_of_day - 1)),
        branches: vec![BranchFacts {
            id: "B1".into(),
            kind,
            plan,
            manager: "M1".into(),
            maintainers: maintainers.iter().map(|s| s.to_string()).collect(),
        }],
        stations,
    }
}

fn run(facts: &MonthFacts) -> MonthResult {
    evaluate(&Policy::dezhou_2012(), facts).expect("facts are valid")
}

#[test]
fn r2_shares_of_amount_and_per_transaction() {
    let s = urban()
        .with_payment(MOBILE, 40, dec!(2000.00))
        .with_payment(UNICOM, 8, dec!(400.00))
        .with_payment(TELECOM, 3, dec!(150.00))
        .with_payment(OTHER, 9, dec!(300.00));
    assert_eq!(line(&s, MOBILE), dec!(20.00));
    assert_eq!(line(&s, UNICOM), dec!(2.00));
    assert_eq!(line(&s, TELECOM), dec!(1.50));
    // OTHER categories earn nothing under the Dezhou policy.
    assert_eq!(line(&s, OTHER), dec!(0.00));
    // 1% of 99.99 = 0.9999 → 1.00; of 0.50 = 0.005 → 0.01 (half away from zero).
    assert_eq!(
        line(&urban().with_payment(TELECOM, 1, dec!(99.99)), TELECOM),
        dec!(1.00)
    );
    assert_eq!(line(&urban().with_payment(MOBILE, 1, dec!(0.50)), MOBILE), dec!(0.01));
    assert_eq!(line(&urban().with_payment(MOBILE, 1, dec!(0.49)), MOBILE), dec!(0.00));
}

#[test]
fn r2_urban_electricity_at_19_20_21() {
    let at = |n| line(&urban().with_payment(ELECTRICITY, n, dec!(0)), ELECTRICITY);
    assert_eq!(at(19), dec!(4.75)); // 19 × 0.25
    assert_eq!(at(20), dec!(6.00)); // 20 × 0.30: 20 goes to the higher rate
    assert_eq!(at(21), dec!(6.30));
    assert_eq!(at(0), dec!(0.00));
}

#[test]
fn r2_rural_electricity_share_at_49_9_50_79_9_80_percent() {
    // 2 stations in a village of 2000 households, 3 in one of 3000: both
    // give 1000 effective households.
    for (households, stations) in [(2000, 2), (3000, 3)] {
        let at = |n| {
            line(
                &rural(households, stations).with_payment(ELECTRICITY, n, dec!(0)),
                ELECTRICITY,
            )
        };
        assert_eq!(at(499), dec!(99.80), "49.9% → 0.20"); // 499 × 0.20
        assert_eq!(at(500), dec!(125.00), "50% → 0.25");
        assert_eq!(at(799), dec!(199.75), "79.9% → 0.25");
        assert_eq!(at(800), dec!(240.00), "80% → 0.30");
    }
    // 200 households, 3 stations: 66⅔ each; no rounding of the quotient.
    let third = |n| line(&rural(200, 3).with_payment(ELECTRICITY, n, dec!(0)), ELECTRICITY);
    assert_eq!(third(33), dec!(6.60)); // 49.5% → 0.20
    assert_eq!(third(34), dec!(8.50)); // 51% → 0.25
    assert_eq!(third(53), dec!(13.25)); // 79.5% → 0.25
    assert_eq!(third(54), dec!(16.20)); // 81% → 0.30
                                        // Exactly 50% and 80% of a third of 300.
    assert_eq!(
        line(&rural(300, 3).with_payment(ELECTRICITY, 50, dec!(0)), ELECTRICITY),
        dec!(12.50)
    );
    assert_eq!(
        line(&rural(300, 3).with_payment(ELECTRICITY, 80, dec!(0)), ELECTRICITY),
        dec!(24.00)
    );
}

#[test]
fn r2_rural_without_households_pays_the_lowest_rate_and_warns() {
    let no_village = StationFacts::new("S1", "B1", Kind::Rural, "P1").with_payment(ELECTRICITY, 90, dec!(0));
    let e = station(&no_village, &dezhou());
    assert_eq!(e.reward.payment(ELECTRICITY).unwrap().reward, dec!(18.00));
    assert!(e.provisional);
    let zero = no_village.clone().in_village(0, 1);
    assert!(station(&zero, &dezhou()).provisional);

    let result = run(&month_of(Kind::Rural, None, &["P1"], vec![no_village], 31));
    assert_eq!(
        result.warnings,
        vec![Warning::RuralWithoutHouseholds {
            station: "S1".into(),
            rate: dec!(0.20)
        }]
    );
    assert!(result.warnings[0].to_string().contains("S1"));
}

#[test]
fn r3_card_tiers_at_9_10_30_31() {
    let at = |n| {
        let e = station(&urban().with_card(n, n), &dezhou());
        (e.reward.card, e.comms_fee_covered)
    };
    assert_eq!(at(9), (dec!(2.70), dec!(0.00)));
    assert_eq!(at(10), (dec!(5.00), dec!(5.00)));
    assert_eq!(at(30), (dec!(15.00), dec!(5.00)));
    assert_eq!(at(31), (dec!(18.60), dec!(5.00)));
    assert_eq!(at(0), (dec!(0.00), dec!(0.00)));
}

#[test]
fn r1_the_capped_count_drives_the_card_reward() {
    // 12 raw, 9 valid: the tier and the comms fee follow the 9.
    let e = station(&urban().with_card(12, 9), &dezhou());
    assert_eq!(e.reward.card, dec!(2.70));
    assert_eq!(e.comms_fee_covered, dec!(0.00));
    let mut raw_policy = dezhou();
    raw_policy.card_cap.for_reward = false;
    let e = station(&urban().with_card(12, 9), &raw_policy);
    assert_eq!(e.reward.card, dec!(6.00));
}

#[test]
fn r4_referrals_include_the_conversion_on_top_of_the_lead() {
    let mut s = urban();
    s.referrals.insert("huinongtong".into(), 3);
    s.referrals.insert("finance_leads".into(), 2);
    s.referrals.insert("car_insurance_leads".into(), 4);
    s.referrals.insert("car_insurance_converted".into(), 1);
    assert_eq!(station(&s, &dezhou()).reward.referrals, dec!(45.00));
}

#[test]
fn r5_payments_at_29_and_30() {
    let with = |n| urban().with_payment(UNICOM, n, dec!(0)).with_card(5, 5);
    assert!(!station(&with(29), &dezhou()).valid);
    assert!(station(&with(30), &dezhou()).valid);
    // Every category counts, "other" included.
    let mixed = urban()
        .with_payment(OTHER, 10, dec!(0))
        .with_payment(ELECTRICITY, 20, dec!(0))
        .with_card(5, 5);
    assert!(station(&mixed, &dezhou()).valid);
}

#[test]
fn r5_valid_card_at_4_and_5_with_the_cap() {
    let with = |raw, valid| urban().with_payment(MOBILE, 30, dec!(0)).with_card(raw, valid);
    assert!(!station(&with(4, 4), &dezhou()).valid);
    assert!(station(&with(5, 5), &dezhou()).valid);
    // Five swipes, one card three times in a day: 4 valid → not valid.
    assert!(!station(&with(5, 4), &dezhou()).valid);
    let mut raw_validity = dezhou();
    raw_validity.card_cap.for_validity = false;
    assert!(station(&with(5, 4), &raw_validity).valid);
}

#[test]
fn r6_maintenance_only_for_valid_stations_and_without_other() {
    let s = rural(200, 2)
        .with_payment(MOBILE, 40, dec!(2000))
        .with_payment(UNICOM, 8, dec!(0))
        .with_payment(TELECOM, 3, dec!(0))
        .with_payment(ELECTRICITY, 62, dec!(0))
        .with_payment(OTHER, 50, dec!(0))
        .with_card(7, 6);
    let m = station(&s, &dezhou()).maintenance;
    // 5.00 + 0.05 × (40 + 8 + 3 + 62 + 6) — the 50 "other" earn nothing.
    assert_eq!((m.base, m.commission, m.total), (dec!(5.00), dec!(5.95), dec!(10.95)));
    let m = station(&s.with_card(7, 4), &dezhou()).maintenance;
    assert_eq!(m.total, dec!(0.00));
}

#[test]
fn r7_urban_blocks_at_19_20_39_40_valid() {
    let p = dezhou();
    assert_eq!(valid_station_reward(Kind::Urban, 45, 19, &p), Ok(dec!(0.00)));
    assert_eq!(valid_station_reward(Kind::Urban, 45, 20, &p), Ok(dec!(100.00)));
    assert_eq!(valid_station_reward(Kind::Urban, 45, 39, &p), Ok(dec!(100.00)));
    assert_eq!(valid_station_reward(Kind::Urban, 45, 40, &p), Ok(dec!(200.00)));
}

#[test]
fn r7_rural_needs_every_station_valid() {
    let all = run(&month_of(
        Kind::Rural,
        None,
        &["P1"],
        vec![valid("S1", "P1"), valid("S2", "P1")],
        31,
    ));
    assert_eq!(all.branches[0].valid_station_reward, dec!(100.00));
    let one_short = run(&month_of(
        Kind::Rural,
        None,
        &["P1"],
        vec![valid("S1", "P1"), invalid("S2", "P1")],
        31,
    ));
    assert_eq!(one_short.branches[0].valid_station_reward, dec!(0.00));
    assert_eq!(valid_station_reward(Kind::Rural, 0, 0, &dezhou()), Ok(dec!(0.00)));
}

#[test]
fn r8_penalty_per_station_short_of_plan() {
    let p = dezhou();
    assert_eq!(plan_penalty(Some(5), 8, 3, &p), Ok(dec!(4.00)));
    assert_eq!(plan_penalty(Some(3), 8, 3, &p), Ok(dec!(0.00)));
    assert_eq!(plan_penalty(Some(3), 8, 7, &p), Ok(dec!(0.00)));
    assert_eq!(plan_penalty(None, 8, 0, &p), Ok(dec!(0.00)));
    let mut per_invalid = dezhou();
    per_invalid.penalty.basis = PenaltyBasis::PerInvalidStation;
    // Plan missed by 2, but 5 stations are invalid.
    assert_eq!(plan_penalty(Some(5), 8, 3, &per_invalid), Ok(dec!(10.00)));
    assert_eq!(plan_penalty(Some(3), 8, 3, &per_invalid), Ok(dec!(0.00)));
}

#[test]
fn r7_r8_what_more_valid_stations_would_change() {
    let p = dezhou();
    // Plan 5, 3 valid of 8: any 2 more take the 4.00 away, one takes 2.00.
    let two = more_valid(Kind::Urban, Some(5), 8, 3, 2, &p).unwrap();
    assert_eq!((two.penalty_saved, two.penalty_after), (dec!(4.00), dec!(0.00)));
    let one = more_valid(Kind::Urban, Some(5), 8, 3, 1, &p).unwrap();
    assert_eq!((one.penalty_saved, one.penalty_after), (dec!(2.00), dec!(2.00)));
    // Past the plan nothing more is saved; never more stations than there are.
    assert_eq!(
        more_valid(Kind::Urban, Some(5), 8, 3, 9, &p).unwrap().penalty_saved,
        dec!(4.00)
    );
    assert_eq!(
        more_valid(Kind::Urban, None, 8, 3, 2, &p).unwrap().penalty_saved,
        dec!(0.00)
    );
    // R7: the rural 100.00 comes with the last station; urban with the 20th.
    let rural_last = more_valid(Kind::Rural, None, 8, 7, 1, &p).unwrap();
    assert_eq!(rural_last.valid_station_reward_added, dec!(100.00));
    assert_eq!(
        more_valid(Kind::Rural, None, 8, 6, 1, &p)
            .unwrap()
            .valid_station_reward_added,
        dec!(0.00)
    );
    assert_eq!(
        more_valid(Kind::Urban, None, 30, 19, 1, &p)
            .unwrap()
            .valid_station_reward_added,
        dec!(100.00)
    );
    // Per invalid station: the last of the shortfall saves what is left.
    let mut per_invalid = dezhou();
    per_invalid.penalty.basis = PenaltyBasis::PerInvalidStation;
    assert_eq!(
        more_valid(Kind::Urban, Some(5), 8, 3, 1, &per_invalid)
            .unwrap()
            .penalty_saved,
        dec!(2.00)
    );
    assert_eq!(
        more_valid(Kind::Urban, Some(5), 8, 4, 1, &per_invalid)
            .unwrap()
            .penalty_saved,
        dec!(8.00)
    );
}

#[test]
fn r6_maintenance_if_valid_is_what_a_valid_station_earns() {
    let p = dezhou();
    let s = rural(200, 2)
        .with_payment(MOBILE, 40, dec!(2000))
        .with_payment(OTHER, 50, dec!(0))
        .with_card(7, 6);
    assert_eq!(maintenance_if_valid(&s, &p).unwrap(), station(&s, &p).maintenance);
    // Not valid (4 card transactions): nothing paid, but 5.00 + 0.05 × 44 if it were.
    let short = s.with_card(4, 4);
    assert_eq!(station(&short, &p).maintenance.total, dec!(0.00));
    assert_eq!(maintenance_if_valid(&short, &p).unwrap().total, dec!(7.20));
}

#[test]
fn r9_split_with_three_maintainers_adds_up() {
    // Three valid urban stations, one per maintainer, plan 5 → penalty 4.00.
    let facts = month_of(
        Kind::Urban,
        Some(5),
        &["P3", "P1", "P2"],
        vec![valid("S1", "P1"), valid("S2", "P2"), valid("S3", "P3")],
        31,
    );
    let r = run(&facts);
    let b = &r.branches[0];
    // Each station: 5.00 + 0.05 × 35 = 6.75 → pool 20.25.
    assert_eq!(b.pool, dec!(20.25));
    assert_eq!(b.penalty, dec!(4.00));
    let ids: Vec<&str> = r.people.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["M1", "P1", "P2", "P3"]);
    // Manager: round(20.25 × 0.2) = 4.05; 16.20 left, claims 5.40 each.
    let rewards: Vec<Decimal> = r.people.iter().map(|p| p.reward).collect();
    assert_eq!(rewards, [dec!(4.05), dec!(5.40), dec!(5.40), dec!(5.40)]);
    // Penalty: 0.80 to the manager, 3.20 in thirds: 1.07, 1.07, 1.06.
    let penalties: Vec<Decimal> = r.people.iter().map(|p| p.penalty).collect();
    assert_eq!(penalties, [dec!(0.80), dec!(1.07), dec!(1.07), dec!(1.06)]);
    assert_eq!(r.people[3].net, dec!(4.34));
    assert_eq!(r.people.iter().map(|p| p.reward).sum::<Decimal>(), b.pool);
    assert_eq!(r.people.iter().map(|p| p.penalty).sum::<Decimal>(), b.penalty);
}

#[test]
fn r9_branch_reward_can_follow_valid_stations() {
    let stations = vec![
        valid("S1", "P1"),
        valid("S2", "P1"),
        valid("S3", "P1"),
        valid("S4", "P2"),
    ];
    let mut by_valid = dezhou();
    by_valid.split.branch_reward_among_maintainers = super::config::BranchRewardSharing::ByValidStations;
    let r = evaluate_under(
        "dezhou-2012",
        &by_valid,
        &month_of(Kind::Rural, None, &["P1", "P2"], stations.clone(), 31),
    )
    .unwrap();
    // Pool 4 × 6.75 + 100 = 127.00; manager 25.40; P1 0.8 × (20.25 + 75) = 76.20; P2 0.8 × (6.75 + 25) = 25.40.
    let rewards: Vec<Decimal> = r.people.iter().map(|p| p.reward).collect();
    assert_eq!(rewards, [dec!(25.40), dec!(76.20), dec!(25.40)]);
    let equal = run(&month_of(Kind::Rural, None, &["P1", "P2"], stations, 31));
    let rewards: Vec<Decimal> = equal.people.iter().map(|p| p.reward).collect();
    // Equal: P1 0.8 × 20.25 + 40 = 56.20; P2 0.8 × 6.75 + 40 = 45.40.
    assert_eq!(rewards, [dec!(25.40), dec!(56.20), dec!(45.40)]);
}

#[test]
fn r9_a_manager_who_also_maintains_gets_both_lines() {
    let facts = month_of(Kind::Urban, None, &["M1"], vec![valid("S1", "M1")], 31);
    let r = run(&facts);
    let roles: Vec<(&str, Role)> = r.people.iter().map(|p| (p.id.as_str(), p.role)).collect();
    assert_eq!(roles, [("M1", Role::Manager), ("M1", Role::Maintainer)]);
}

#[test]
fn r10_projection_statuses_and_needs() {
    // Day 10 of 31.
    let on_track = StationFacts::new("S1", "B1", Kind::Urban, "P1")
        .with_payment(MOBILE, 11, dec!(0))
        .with_card(2, 2);
    let at_risk = StationFacts::new("S2", "B1", Kind::Urban, "P1")
        .with_payment(MOBILE, 8, dec!(0))
        .with_card(1, 1);
    let already = valid("S3", "P1");
    let r = run(&month_of(
        Kind::Urban,
        Some(3),
        &["P1"],
        vec![on_track, at_risk, already],
        10,
    ));
    assert!(r.projected);
    let statuses: Vec<Status> = r.stations.iter().map(|s| s.status).collect();
    // 11 → 34 payments, 2 → 6 cards: on track; 8 → 24 payments: at risk.
    assert_eq!(statuses, [Status::OnTrack, Status::AtRisk, Status::Valid]);
    assert_eq!(r.stations[0].payment_count, 34);
    assert_eq!(r.stations[0].needed_per_day.payments, 1); // ceil(19 / 21)
    assert_eq!(r.stations[0].needed_per_day.card, 1); // ceil(3 / 21)
    assert_eq!(r.stations[1].needed_per_day.payments, 2); // ceil(22 / 21)
    assert_eq!(r.stations[1].needed_per_day.card, 1); // ceil(4 / 21)
    assert_eq!(r.stations[2].needed_per_day.payments, 0);
    // Projected validity drives the branch: S1 and S3 count, plan 3 missed by 1.
    assert_eq!(r.branches[0].valid_stations, 2);
    assert_eq!(r.branches[0].penalty, dec!(2.00));
}

#[test]
fn r10_on_the_last_day_figures_are_actual() {
    let s = valid("S1", "P1").with_payment(ELECTRICITY, 7, dec!(0));
    let r = run(&month_of(Kind::Urban, None, &["P1"], vec![s], 31));
    assert!(!r.projected);
    assert_eq!(r.stations[0].status, Status::Valid);
    assert_eq!(r.stations[0].payment_count, 37);
    let r = run(&month_of(Kind::Urban, None, &["P1"], vec![invalid("S1", "P1")], 31));
    assert_eq!(r.stations[0].status, Status::Invalid);
    assert_eq!(r.stations[0].needed_per_day.payments, 0);
}
