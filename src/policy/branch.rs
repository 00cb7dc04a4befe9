//! R7 (branch valid-station reward), R8 (plan penalty) and R9 (the 2:8
//! split among the branch's people).

use rust_decimal::Decimal;

use super::checked::{self, Checked};
use super::config::{BranchRewardSharing, PenaltyBasis, PolicyVersion};
use super::facts::{BranchFacts, Kind};
use super::result::{BranchResult, PersonResult, Role};
use super::split::largest_remainder;

/// What the branch's stations add up to, for R7–R9.
#[derive(Debug, Clone, Default)]
pub struct BranchTally {
    pub stations: u64,
    pub valid_stations: u64,
    pub maintenance_total: Decimal,
    /// Per maintainer of the branch (same order as `BranchFacts::maintainers`):
    /// the R6 total and the valid stations they maintain.
    pub per_maintainer: Vec<(Decimal, u64)>,
}

/// R7: rural — the full reward when every active station is valid (and
/// there is one); urban — per full block of valid stations.
pub fn valid_station_reward(kind: Kind, stations: u64, valid: u64, version: &PolicyVersion) -> Checked<Decimal> {
    let r = &version.branch_reward;
    let exact = match kind {
        Kind::Rural if stations > 0 && valid == stations => r.rural_all_valid,
        Kind::Rural => Decimal::ZERO,
        Kind::Urban => checked::mul(r.urban_per_block, Decimal::from(valid / r.urban_block_size))?,
    };
    Ok(version.rounding.to_fen(exact))
}

/// R8: stations short of the plan (0 without a plan or when met).
pub fn plan_shortfall(plan: Option<u64>, valid: u64) -> u64 {
    plan.map_or(0, |p| p.saturating_sub(valid))
}

/// R8: the penalty when the plan is missed.
pub fn plan_penalty(plan: Option<u64>, stations: u64, valid: u64, version: &PolicyVersion) -> Checked<Decimal> {
    let shortfall = plan_shortfall(plan, valid);
    let counted = if shortfall == 0 {
        0
    } else {
        match version.penalty.basis {
            PenaltyBasis::ShortOfPlan => shortfall,
            PenaltyBasis::PerInvalidStation => stations - valid,
        }
    };
    Ok(version
        .rounding
        .to_fen(checked::mul(version.penalty.per_station, Decimal::from(counted))?))
}

/// What making `more` of a branch's stations valid would change (R7, R8),
/// against `valid` now: the visit plan's "make any 2 of these 6 valid and
/// the 4.00 penalty goes away".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoreValid {
    /// The penalty with `more` more valid stations.
    pub penalty_after: Decimal,
    /// How much less penalty that is than with `valid`.
    pub penalty_saved: Decimal,
    /// How much more valid-station reward (R7) the branch would earn.
    pub valid_station_reward_added: Decimal,
}

/// R7 and R8 at `valid + more` valid stations (never more than the
/// branch has) against `valid`.
pub fn more_valid(
    kind: Kind,
    plan: Option<u64>,
    stations: u64,
    valid: u64,
    more: u64,
    version: &PolicyVersion,
) -> Checked<MoreValid> {
    let valid = valid.min(stations);
    let after = valid.saturating_add(more).min(stations);
    let penalty_now = plan_penalty(plan, stations, valid, version)?;
    let penalty_after = plan_penalty(plan, stations, after, version)?;
    let reward_now = valid_station_reward(kind, stations, valid, version)?;
    let reward_after = valid_station_reward(kind, stations, after, version)?;
    Ok(MoreValid {
        penalty_after,
        penalty_saved: checked::sub(penalty_now, penalty_after)?,
        valid_station_reward_added: checked::sub(reward_after, reward_now)?,
    })
}

/// R7 + R8 for one branch.
pub fn evaluate_branch(branch: &BranchFacts, tally: &BranchTally, version: &PolicyVersion) -> Checked<BranchResult> {
    let valid_station_reward = valid_station_reward(branch.kind, tally.stations, tally.valid_stations, version)?;
    Ok(BranchResult {
        id: branch.id.clone(),
        stations: tally.stations,
        valid_stations: tally.valid_stations,
        plan: branch.plan,
        shortfall: plan_shortfall(branch.plan, tally.valid_stations),
        maintenance_total: tally.maintenance_total,
        valid_station_reward,
        pool: checked::add(tally.maintenance_total, valid_station_reward)?,
        penalty: plan_penalty(branch.plan, tally.stations, tally.valid_stations, version)?,
    })
}

/// R9: the manager gets round(amount × manager share); the maintainers
/// share the rest by the largest-remainder rule.
fn manager_part(amount: Decimal, version: &PolicyVersion) -> Checked<Decimal> {
    Ok(version.rounding.to_fen(checked::mul(amount, version.split.manager)?))
}

/// R9: the reward and penalty of each of the branch's people. Maintainers
/// are listed in ascending id order, so remainder ties go to the lower id.
pub fn split_branch(
    branch: &BranchFacts,
    tally: &BranchTally,
    result: &BranchResult,
    version: &PolicyVersion,
) -> Checked<Vec<PersonResult>> {
    let share = version.split.maintainers;
    let k = branch.maintainers.len();

    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| branch.maintainers[a].cmp(&branch.maintainers[b]));

    // Reward: claim_i = share × R6_i + share × R7 × w_i, over a common
    // denominator so the remainders compare exactly.
    let r7 = result.valid_station_reward;
    let (weights, denominator): (Vec<Decimal>, Decimal) = match version.split.branch_reward_among_maintainers {
        BranchRewardSharing::ByValidStations if tally.valid_stations > 0 => (
            order
                .iter()
                .map(|&i| Decimal::from(tally.per_maintainer[i].1))
                .collect(),
            Decimal::from(tally.valid_stations),
        ),
        _ => (vec![Decimal::ONE; k], Decimal::from(k)),
    };
    // Every numerator is at most pool × denominator; the largest-remainder
    // split scales them by 100 fen.
    let hundred = Decimal::ONE_HUNDRED;
    checked::mul(
        checked::mul(result.pool.max(result.penalty), denominator.max(Decimal::from(k)))?,
        hundred,
    )?;
    let reward_numerators: Vec<Decimal> = order
        .iter()
        .zip(&weights)
        .map(|(&i, w)| {
            let own = checked::mul(checked::mul(share, tally.per_maintainer[i].0)?, denominator)?;
            checked::add(own, checked::mul(checked::mul(share, r7)?, *w)?)
        })
        .collect::<Checked<_>>()?;
    let manager_reward = manager_part(result.pool, version)?;
    let maintainer_rewards = largest_remainder(result.pool - manager_reward, &reward_numerators, denominator);

    // Penalty: the manager's part, the rest in equal shares.
    let manager_penalty = manager_part(result.penalty, version)?;
    let rest = result.penalty - manager_penalty;
    let maintainer_penalties = largest_remainder(rest, &vec![rest; k], Decimal::from(k));

    let person = |id: &str, role: Role, reward: Decimal, penalty: Decimal| PersonResult {
        id: id.to_string(),
        role,
        branch: branch.id.clone(),
        reward,
        penalty,
        net: reward - penalty,
    };
    let mut people = Vec::with_capacity(k + 1);
    people.push(person(&branch.manager, Role::Manager, manager_reward, manager_penalty));
    for (pos, &i) in order.iter().enumerate() {
        people.push(person(
            &branch.maintainers[i],
            Role::Maintainer,
            maintainer_rewards[pos],
            maintainer_penalties[pos],
        ));
    }
    Ok(people)
}
