//! `evaluate`: one month of facts under a policy → every figure of R1–R10.
//! Pure: no I/O, no clock; the same facts always give the same result.

use std::collections::HashMap;

use chrono::Datelike;

use super::branch::{evaluate_branch, split_branch, BranchTally};
use super::config::Policy;
use super::facts::{CardCounts, CategoryFacts, FactsError, MonthFacts, StationFacts};
use super::projection::MonthProgress;
use super::result::{MonthResult, NeededPerDay, StationResult, Status, Warning};
use super::station::{evaluate_station, valid_station};
use crate::money::Rounding;

/// R10: a station's figures projected to the month's end.
pub fn project_station(facts: &StationFacts, progress: MonthProgress, rounding: Rounding) -> StationFacts {
    let mut projected = facts.clone();
    for p in &mut projected.payments {
        *p = CategoryFacts {
            count: progress.project_count(p.count),
            amount: progress.project_amount(p.amount, rounding),
        };
    }
    projected.card = CardCounts {
        raw: progress.project_count(facts.card.raw),
        valid: progress.project_count(facts.card.valid),
    };
    for count in projected.referrals.values_mut() {
        *count = progress.project_count(*count);
    }
    projected
}

/// How far into its month `facts` runs.
pub fn progress_of(facts: &MonthFacts) -> MonthProgress {
    MonthProgress::new(facts.as_of.day(), facts.month.days())
}

/// Evaluates a month. Stations, branches and people come back in
/// ascending id order.
pub fn evaluate(policy: &Policy, facts: &MonthFacts) -> Result<MonthResult, FactsError> {
    facts.check(policy)?;
    let progress = progress_of(facts);
    let projected = !progress.is_complete();

    let branch_index: HashMap<&str, usize> = facts
        .branches
        .iter()
        .enumerate()
        .map(|(i, b)| (b.id.as_str(), i))
        .collect();
    let mut tallies: Vec<BranchTally> = facts
        .branches
        .iter()
        .map(|b| BranchTally {
            per_maintainer: vec![Default::default(); b.maintainers.len()],
            ..Default::default()
        })
        .collect();

    let mut stations = Vec::with_capacity(facts.stations.len());
    let mut warnings = Vec::new();
    for so_far in &facts.stations {
        let figures = if projected {
            project_station(so_far, progress, policy.rounding)
        } else {
            so_far.clone()
        };
        let evaluation = evaluate_station(&figures, policy);
        let valid_so_far = if projected {
            valid_station(so_far, policy)
        } else {
            evaluation.valid
        };
        let status = match (projected, valid_so_far, evaluation.valid) {
            (false, true, _) => Status::Valid,
            (false, false, _) => Status::Invalid,
            (true, true, _) => Status::Valid,
            (true, false, true) => Status::OnTrack,
            (true, false, false) => Status::AtRisk,
        };
        let card_for_validity = if policy.card_cap.for_validity {
            so_far.card.valid
        } else {
            so_far.card.raw
        };
        let needed_per_day = NeededPerDay {
            payments: progress.needed_per_day(policy.validity.min_payments, so_far.payment_count()),
            card: progress.needed_per_day(policy.validity.min_card, card_for_validity),
        };
        if let Some(rate) = evaluation.untiered_rate {
            warnings.push((
                so_far.id.clone(),
                Warning::RuralWithoutHouseholds {
                    station: so_far.id.clone(),
                    rate,
                },
            ));
        }

        let b = branch_index[so_far.branch.as_str()];
        let tally = &mut tallies[b];
        tally.stations += 1;
        if evaluation.valid {
            tally.valid_stations += 1;
        }
        tally.maintenance_total += evaluation.maintenance.total;
        let m = facts.branches[b]
            .maintainers
            .iter()
            .position(|p| *p == so_far.maintainer)
            .expect("check() made sure the maintainer belongs to the branch");
        tally.per_maintainer[m].0 += evaluation.maintenance.total;
        if evaluation.valid {
            tally.per_maintainer[m].1 += 1;
        }

        stations.push(StationResult {
            id: so_far.id.clone(),
            branch: so_far.branch.clone(),
            maintainer: so_far.maintainer.clone(),
            valid: valid_so_far,
            counts_as_valid: evaluation.valid,
            status,
            payment_count: figures.payment_count(),
            card_raw: figures.card.raw,
            card_valid: figures.card.valid,
            reward: evaluation.reward,
            comms_fee_covered: evaluation.comms_fee_covered,
            maintenance: evaluation.maintenance,
            needed_per_day,
            provisional: evaluation.provisional,
        });
    }

    let mut branches = Vec::with_capacity(facts.branches.len());
    let mut people = Vec::new();
    for (branch, tally) in facts.branches.iter().zip(&tallies) {
        let result = evaluate_branch(branch, tally, policy);
        people.extend(split_branch(branch, tally, &result, policy));
        branches.push(result);
    }

    stations.sort_by(|a, b| a.id.cmp(&b.id));
    branches.sort_by(|a, b| a.id.cmp(&b.id));
    people.sort_by(|a, b| a.id.cmp(&b.id).then(a.role.cmp(&b.role)));
    warnings.sort_by(|a, b| a.0.cmp(&b.0));

    Ok(MonthResult {
        month: facts.month,
        as_of: facts.as_of,
        projected,
        stations,
        branches,
        people,
        warnings: warnings.into_iter().map(|(_, w)| w).collect(),
    })
}
