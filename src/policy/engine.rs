//! `evaluate`: one month of facts under a policy → every figure of R1–R10
//! and R14, under the version in force in the month (R12).
//! Pure: no I/O, no clock; the same facts always give the same result.

use std::collections::HashMap;

use chrono::Datelike;
use rust_decimal::Decimal;

use super::branch::{evaluate_branch, split_branch, BranchTally};
use super::checked;
use super::config::{Policy, PolicyVersion};
use super::facts::{CardCounts, CategoryFacts, FactsError, MonthFacts, StationFacts};
use super::projection::MonthProgress;
use super::result::{CategoryLabel, MonthResult, NeededPerDay, StationResult, Status, Warning};
use super::station::{evaluate_station, payment_amount, payment_count, valid_station, TooLargeAt};
use super::withholding::{station_withholding, BarFigures};
use crate::money::Rounding;

/// R10: a station's figures projected to the month's end.
pub fn project_station(
    facts: &StationFacts,
    progress: MonthProgress,
    rounding: Rounding,
) -> Result<StationFacts, TooLargeAt> {
    let mut projected = facts.clone();
    for (id, p) in &mut projected.payments {
        *p = CategoryFacts {
            count: progress
                .project_count(p.count)
                .map_err(|_| TooLargeAt(format!("payments.{id}.count")))?,
            amount: progress
                .project_amount(p.amount, rounding)
                .map_err(|_| TooLargeAt(format!("payments.{id}.amount")))?,
        };
    }
    let card = |count| {
        progress
            .project_count(count)
            .map_err(|_| TooLargeAt("card_txns".into()))
    };
    projected.card = CardCounts {
        raw: card(facts.card.raw)?,
        valid: card(facts.card.valid)?,
    };
    for (kind, count) in &mut projected.referrals {
        *count = progress
            .project_count(*count)
            .map_err(|_| TooLargeAt(format!("referrals.{kind}")))?;
    }
    Ok(projected)
}

/// How far into its month `facts` runs.
pub fn progress_of(facts: &MonthFacts) -> MonthProgress {
    MonthProgress::new(facts.as_of.day(), facts.month.days())
}

fn too_large(path: String) -> FactsError {
    FactsError {
        path,
        message: crate::i18n::tr(crate::i18n::Text::FactsOverflow).to_string(),
    }
}

/// Evaluates a month under the policy's version in force in it (R12).
/// Stations, branches and people come back in ascending id order.
pub fn evaluate(policy: &Policy, facts: &MonthFacts) -> Result<MonthResult, FactsError> {
    let version = policy.version_for(facts.month).map_err(|e| FactsError {
        path: "month".into(),
        message: e.to_string(),
    })?;
    evaluate_under(&policy.id, version, facts)
}

/// Evaluates a month under one version; `policy_id` names the policy in
/// errors.
pub fn evaluate_under(policy_id: &str, version: &PolicyVersion, facts: &MonthFacts) -> Result<MonthResult, FactsError> {
    facts.check(policy_id, version)?;
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
    let mut contest_pool = Decimal::ZERO;
    for (i, so_far) in facts.stations.iter().enumerate() {
        let at = |e: TooLargeAt| too_large(format!("stations[{i}].{}", e.0));
        let figures = if projected {
            project_station(so_far, progress, version.rounding).map_err(at)?
        } else {
            so_far.clone()
        };
        let evaluation = evaluate_station(&figures, version).map_err(at)?;
        let valid_so_far = if projected {
            valid_station(so_far, version).map_err(at)?
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
        let count_so_far = payment_count(so_far).map_err(at)?;
        let card_for_validity = version.card_for_validity(so_far.card.raw, so_far.card.valid);
        let needed_per_day = NeededPerDay {
            payments: progress.needed_per_day(version.validity.min_payments, count_so_far),
            card: progress.needed_per_day(version.validity.min_card, card_for_validity),
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
        let count = payment_count(&figures).map_err(at)?;
        let amount = payment_amount(&figures).map_err(at)?;
        let withholding = match &version.withholding {
            None => None,
            Some(rule) => {
                let bar = BarFigures {
                    amount,
                    count,
                    amount_so_far: payment_amount(so_far).map_err(at)?,
                    count_so_far,
                };
                let result = station_withholding(
                    rule,
                    version.rounding,
                    facts.month,
                    evaluation.reward.total,
                    bar,
                    &so_far.withholding_history,
                )
                .map_err(|_| too_large(format!("stations[{i}].withholding_history")))?;
                contest_pool = checked::add(contest_pool, result.forfeited)
                    .map_err(|_| too_large(format!("stations[{i}].withholding_history")))?;
                Some(result)
            }
        };

        let b = branch_index[so_far.branch.as_str()];
        let tally = &mut tallies[b];
        tally.stations += 1;
        if evaluation.valid {
            tally.valid_stations += 1;
        }
        let total = evaluation.maintenance.total;
        let overflow = |_| too_large(format!("stations[{i}].payments"));
        tally.maintenance_total = checked::add(tally.maintenance_total, total).map_err(overflow)?;
        let m = facts.branches[b]
            .maintainers
            .iter()
            .position(|p| *p == so_far.maintainer)
            .expect("check() made sure the maintainer belongs to the branch");
        tally.per_maintainer[m].0 = checked::add(tally.per_maintainer[m].0, total).map_err(overflow)?;
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
            payment_count: count,
            card_raw: figures.card.raw,
            card_valid: figures.card.valid,
            reward: evaluation.reward,
            comms_fee_covered: evaluation.comms_fee_covered,
            maintenance: evaluation.maintenance,
            needed_per_day,
            provisional: evaluation.provisional,
            payment_amount: amount,
            withholding,
        });
    }

    let mut branches = Vec::with_capacity(facts.branches.len());
    let mut people = Vec::new();
    for (b, (branch, tally)) in facts.branches.iter().zip(&tallies).enumerate() {
        let overflow = |_| too_large(format!("branches[{b}]"));
        let result = evaluate_branch(branch, tally, version).map_err(overflow)?;
        people.extend(split_branch(branch, tally, &result, version).map_err(overflow)?);
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
        version_from: version.effective_from,
        categories: version
            .categories
            .iter()
            .map(|c| CategoryLabel {
                id: c.id.clone(),
                name: c.name.clone(),
                name_en: c.name_en.clone(),
            })
            .collect(),
        contest_pool: version.withholding.as_ref().map(|_| contest_pool),
        stations,
        branches,
        people,
        warnings: warnings.into_iter().map(|(_, w)| w).collect(),
    })
}
