//! The manager's shortfall list (issue 9 item 7): the branch's stations
//! not counted valid, the most reachable first, each with its maintainer,
//! the penalty it would save and the reward it would add — so that "make
//! any 2 of these 6 valid and the 4.00 penalty goes away" can be said.
//!
//! Every amount comes from the policy engine (`policy::branch::more_valid`
//! and the caller's `maintenance_if_valid`); this module orders stations
//! and copies figures, it computes no money.

use std::cmp::Reverse;

use rust_decimal::Decimal;

use super::reach::{station_within_reach, Closeness, MonthClock, Needs, Thresholds};
use super::visit::StationInput;
use super::PlanSettings;
use crate::policy::branch::more_valid;
use crate::policy::checked::Checked;
use crate::policy::{Kind, PolicyVersion, Status};

/// A branch as the engine evaluated it for the month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchInput {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    /// The month's plan of valid stations (R8), if any.
    pub plan: Option<u64>,
    pub stations: u64,
    /// Valid on the evaluated (projected) figures: what R8 counts.
    pub valid: u64,
    /// The engine's penalty for the month (R8).
    pub penalty: Decimal,
}

/// A station not counted valid, with what making it valid would bring.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub station: StationInput,
    pub needs: Needs,
    pub closeness: Closeness,
    /// It can still be made valid this month (see `reach`).
    pub within_reach: bool,
    /// Made valid on its own (no other station with it), the penalty it
    /// takes away (R8)…
    pub penalty_saved: Decimal,
    /// … and the valid-station reward it adds (R7: the rural 100.00 when it
    /// is the last station not valid, the urban one when it makes a 20th).
    /// Together, see `Shortfall::closing`.
    pub valid_station_reward_added: Decimal,
    /// The maintenance reward (R6) it would earn the branch, at least (on
    /// its projected figures; more business earns more commission).
    pub maintenance_if_valid: Decimal,
}

/// What closing the shortfall would take and bring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closing {
    /// Stations to make valid: the shortfall, or every station within
    /// reach when there are fewer.
    pub stations: u64,
    pub penalty_saved: Decimal,
    /// The penalty still paid after them (0 when they close the shortfall).
    pub penalty_left: Decimal,
    /// The valid-station reward (R7) they add together.
    pub valid_station_reward_added: Decimal,
}

/// One branch's shortfall and the stations that can close it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortfall {
    pub branch: BranchInput,
    /// Stations short of plan (R8), 0 without a plan or when it is met.
    pub shortfall: u64,
    /// Every station not counted valid: those within reach first, each
    /// group the closest to valid first.
    pub candidates: Vec<Candidate>,
    pub closing: Closing,
}

impl Shortfall {
    /// The stations within reach: "make any `shortfall` of these valid".
    pub fn within_reach(&self) -> &[Candidate] {
        let n = self.candidates.iter().take_while(|c| c.within_reach).count();
        &self.candidates[..n]
    }

    /// The fewest stations that close the shortfall, the most reachable:
    /// the first `closing.stations` candidates.
    pub fn fewest(&self) -> &[Candidate] {
        let n = usize::try_from(self.closing.stations).unwrap_or(usize::MAX);
        &self.candidates[..n.min(self.candidates.len())]
    }

    /// Whether the stations within reach are enough to meet the plan.
    pub fn can_close(&self) -> bool {
        self.closing.stations == self.shortfall
    }
}

/// The shortfall of `branch` among `stations` (ordered: within reach
/// first, then by `Closeness`, then route) (those of other branches
/// are left out). Fails only on figures too large to compute with.
pub fn close_shortfall(
    branch: &BranchInput,
    stations: &[StationInput],
    clock: MonthClock,
    thresholds: Thresholds,
    version: &PolicyVersion,
    settings: &PlanSettings,
) -> Checked<Shortfall> {
    let shortfall = crate::policy::branch::plan_shortfall(branch.plan, branch.valid);
    let mut open: Vec<(StationInput, Needs, Closeness, bool)> = stations
        .iter()
        .filter(|s| s.branch == branch.id && matches!(s.status, Status::AtRisk | Status::Invalid))
        .map(|s| {
            let needs = Needs::of(clock, thresholds, s.payments, s.card);
            let closeness = Closeness::of(clock, thresholds, s.payments, s.card, settings);
            let within = station_within_reach(clock, thresholds, s.payments, s.card, settings);
            (s.clone(), needs, closeness, within)
        })
        .collect();
    open.sort_by(|a, b| {
        (Reverse(a.3), a.2, a.0.route_order.is_none(), a.0.route_order, &a.0.id).cmp(&(
            Reverse(b.3),
            b.2,
            b.0.route_order.is_none(),
            b.0.route_order,
            &b.0.id,
        ))
    });
    // What one more valid station brings on its own: the same for each
    // (any of them will do), whatever the order they are made valid in.
    let one_more = more_valid(branch.kind, branch.plan, branch.stations, branch.valid, 1, version)?;
    let candidates: Vec<Candidate> = open
        .into_iter()
        .map(|(station, needs, closeness, within_reach)| Candidate {
            maintenance_if_valid: station.maintenance_if_valid,
            station,
            needs,
            closeness,
            within_reach,
            penalty_saved: one_more.penalty_saved,
            valid_station_reward_added: one_more.valid_station_reward_added,
        })
        .collect();
    let reachable = candidates.iter().filter(|c| c.within_reach).count() as u64;
    let closing_stations = shortfall.min(reachable);
    let closed = more_valid(
        branch.kind,
        branch.plan,
        branch.stations,
        branch.valid,
        closing_stations,
        version,
    )?;
    Ok(Shortfall {
        branch: branch.clone(),
        shortfall,
        candidates,
        closing: Closing {
            stations: closing_stations,
            penalty_saved: closed.penalty_saved,
            penalty_left: closed.penalty_after,
            valid_station_reward_added: closed.valid_station_reward_added,
        },
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use rust_decimal_macros::dec;

    use super::*;
    use crate::policy::config::PenaltyBasis;
    use crate::policy::Policy;

    const DEZHOU: Thresholds = Thresholds { payments: 30, card: 5 };

    fn version() -> PolicyVersion {
        Policy::dezhou_2012().versions[0].clone()
    }

    fn clock() -> MonthClock {
        // 20 of 30 days: the even pace is 1 payment a day.
        MonthClock {
            days_in_month: 30,
            days_elapsed: 20,
        }
    }

    fn station(id: &str, maintainer: &str, status: Status, payments: u64, card: u64) -> StationInput {
        StationInput {
            id: id.into(),
            name: format!("{id}站"),
            branch: "B1".into(),
            maintainer: maintainer.into(),
            maintainer_name: format!("{maintainer}名"),
            village: None,
            route_order: None,
            status,
            payments,
            card,
            last_visit: NaiveDate::from_ymd_opt(2026, 11, 1),
            follow_up: None,
            statement: None,
            maintenance_if_valid: dec!(6.50),
        }
    }

    fn branch(plan: Option<u64>, stations: u64, valid: u64, penalty: Decimal) -> BranchInput {
        BranchInput {
            id: "B1".into(),
            name: "一支局".into(),
            kind: Kind::Urban,
            plan,
            stations,
            valid,
            penalty,
        }
    }

    /// Plan 5, 3 valid of 10: six reachable at-risk stations, one out of
    /// reach, one on track (counted valid already).
    fn branch_of_ten() -> (BranchInput, Vec<StationInput>) {
        let mut stations = vec![
            station("S01", "W1", Status::Valid, 40, 9),
            station("S02", "W1", Status::Valid, 35, 6),
            station("S03", "W2", Status::OnTrack, 28, 5),
            station("S10", "W2", Status::AtRisk, 2, 0),
        ];
        // Payments so far 20, 19, …, 15: each needs a little more.
        for (i, p) in (15..=20).rev().enumerate() {
            stations.push(station(
                &format!("S0{}", 4 + i),
                if i % 2 == 0 { "W1" } else { "W2" },
                Status::AtRisk,
                p,
                5,
            ));
        }
        (branch(Some(5), 10, 3, dec!(4.00)), stations)
    }

    #[test]
    fn any_two_of_six_take_the_four_yuan_away() {
        let (b, stations) = branch_of_ten();
        let s = close_shortfall(&b, &stations, clock(), DEZHOU, &version(), &PlanSettings::default()).unwrap();
        assert_eq!(s.shortfall, 2);
        assert_eq!(s.within_reach().len(), 6, "{:#?}", s.candidates);
        assert_eq!(
            s.candidates.len(),
            7,
            "the on-track and valid stations are not candidates"
        );
        assert!(!s.candidates[6].within_reach && s.candidates[6].station.id == "S10");
        assert!(s.can_close());
        assert_eq!(s.closing.penalty_saved, dec!(4.00));
        assert_eq!(s.closing.penalty_left, dec!(0.00));
        assert_eq!(s.closing.valid_station_reward_added, dec!(0.00), "urban, far from 20");
        // The closest first: 20 payments so far needs 1/day, 15 needs 2/day.
        let order: Vec<&str> = s.candidates.iter().map(|c| c.station.id.as_str()).collect();
        assert_eq!(order, ["S04", "S05", "S06", "S07", "S08", "S09", "S10"]);
        assert_eq!(s.fewest().len(), 2);
        assert_eq!(s.fewest()[0].station.maintainer, "W1");
        // Any one of them saves 2.00 on its own; two together the 4.00.
        assert!(s.candidates.iter().all(|c| c.penalty_saved == dec!(2.00)));
        assert!(s.candidates.iter().all(|c| c.maintenance_if_valid == dec!(6.50)));
        assert_eq!(s.candidates[0].needs.payments_per_day, 1);
    }

    #[test]
    fn too_few_within_reach_leave_a_penalty() {
        let (b, mut stations) = branch_of_ten();
        // Only S04 still within reach.
        for s in stations
            .iter_mut()
            .filter(|s| s.id.as_str() > "S04" && s.status == Status::AtRisk)
        {
            s.payments = 1;
            s.card = 0;
        }
        let s = close_shortfall(&b, &stations, clock(), DEZHOU, &version(), &PlanSettings::default()).unwrap();
        assert_eq!(s.within_reach().len(), 1);
        assert!(!s.can_close());
        assert_eq!(s.closing.stations, 1);
        assert_eq!(
            (s.closing.penalty_saved, s.closing.penalty_left),
            (dec!(2.00), dec!(2.00))
        );
        assert_eq!(s.fewest().len(), 1);
    }

    #[test]
    fn a_rural_branch_closing_with_its_last_stations_earns_the_branch_reward() {
        let (b, stations) = branch_of_ten();
        // Plan 9 of 10, and only the 6 reachable + S10 are not valid: rural,
        // closing 6 leaves S10, so no 100.00; a plan of all 10 cannot close.
        let rural = BranchInput {
            kind: Kind::Rural,
            plan: Some(9),
            penalty: dec!(12.00),
            ..b
        };
        let s = close_shortfall(&rural, &stations, clock(), DEZHOU, &version(), &PlanSettings::default()).unwrap();
        assert_eq!((s.shortfall, s.closing.stations), (6, 6));
        assert_eq!(s.closing.valid_station_reward_added, dec!(0.00));
        // With S10 valid already (8 of 10 valid... and 6 to go) the last one brings it.
        let mut all_reachable = stations.clone();
        all_reachable.retain(|s| s.id != "S10");
        let rural = BranchInput { stations: 9, ..rural };
        let s = close_shortfall(
            &rural,
            &all_reachable,
            clock(),
            DEZHOU,
            &version(),
            &PlanSettings::default(),
        )
        .unwrap();
        assert_eq!(s.closing.stations, 6);
        assert_eq!(s.closing.valid_station_reward_added, dec!(100.00));
        assert!(
            s.candidates.iter().all(|c| c.valid_station_reward_added == dec!(0.00)),
            "not on its own"
        );
    }

    #[test]
    fn no_plan_or_a_met_plan_has_nothing_to_close() {
        let (_, stations) = branch_of_ten();
        for b in [branch(None, 10, 3, dec!(0)), branch(Some(3), 10, 3, dec!(0))] {
            let s = close_shortfall(&b, &stations, clock(), DEZHOU, &version(), &PlanSettings::default()).unwrap();
            assert_eq!(s.shortfall, 0);
            assert!(s.fewest().is_empty() && s.can_close());
            assert_eq!(s.closing.penalty_saved, dec!(0.00));
            assert!(s.candidates.iter().all(|c| c.penalty_saved == dec!(0.00)));
        }
        // A branch with no station at all.
        let empty = close_shortfall(
            &branch(Some(2), 0, 0, dec!(4.00)),
            &[],
            clock(),
            DEZHOU,
            &version(),
            &PlanSettings::default(),
        )
        .unwrap();
        assert_eq!(empty.shortfall, 2);
        assert!(empty.candidates.is_empty() && !empty.can_close());
        assert_eq!(empty.closing.penalty_left, dec!(4.00));
    }

    #[test]
    fn per_invalid_station_the_last_of_the_shortfall_saves_the_rest() {
        let (b, stations) = branch_of_ten();
        let mut v = version();
        v.penalty.basis = PenaltyBasis::PerInvalidStation;
        let b = BranchInput {
            penalty: dec!(14.00),
            ..b
        };
        let s = close_shortfall(&b, &stations, clock(), DEZHOU, &v, &PlanSettings::default()).unwrap();
        // 7 invalid → 14.00; one more valid on its own: 6 → 12.00; two meet the plan: 0.
        assert!(s.candidates.iter().all(|c| c.penalty_saved == dec!(2.00)));
        assert_eq!(s.closing.penalty_saved, dec!(14.00));
    }

    #[test]
    fn the_last_day_and_a_closed_month() {
        let (b, stations) = branch_of_ten();
        // The last day: 1 day left; S04 (20 so far) needs 10 in a day.
        let last = MonthClock {
            days_in_month: 30,
            days_elapsed: 29,
        };
        let s = close_shortfall(&b, &stations, last, DEZHOU, &version(), &PlanSettings::default()).unwrap();
        assert!(s.within_reach().is_empty(), "{:#?}", s.candidates[0]);
        assert_eq!(s.candidates[0].needs.payments_per_day, 10);
        // No day left: nothing is within reach, whatever the factor.
        let over = MonthClock {
            days_in_month: 30,
            days_elapsed: 30,
        };
        let settings = PlanSettings {
            reach_factor: u32::MAX,
            ..PlanSettings::default()
        };
        let s = close_shortfall(&b, &stations, over, DEZHOU, &version(), &settings).unwrap();
        assert!(s.within_reach().is_empty());
        assert_eq!(s.closing.penalty_left, dec!(4.00));
    }
}
