//! R2–R6 for one station on one set of figures (actual or projected).

use rust_decimal::Decimal;

use super::category::PaymentCategory;
use super::config::{CategoryRule, Policy, RuralWithoutHouseholds};
use super::facts::{Kind, StationFacts};
use super::result::{MaintenanceReward, PaymentLine, ReferralLine, StationReward};

/// The figures of one station evaluated under the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationEvaluation {
    pub reward: StationReward,
    pub comms_fee_covered: Decimal,
    pub valid: bool,
    pub maintenance: MaintenanceReward,
    /// The electricity line is a floor (unknown village size).
    pub provisional: bool,
    /// The rate used when the village size was unknown.
    pub untiered_rate: Option<Decimal>,
}

/// The card count a use of it sees: capped (valid) or raw (R1).
fn card_count(facts: &StationFacts, capped: bool) -> u64 {
    if capped {
        facts.card.valid
    } else {
        facts.card.raw
    }
}

/// R5: at least `min_payments` payments (all categories) and `min_card`
/// card transactions.
pub fn valid_station(facts: &StationFacts, policy: &Policy) -> bool {
    facts.payment_count() >= policy.validity.min_payments
        && card_count(facts, policy.card_cap.for_validity) >= policy.validity.min_card
}

/// The rate of one tiered category for this station, and whether it had
/// to fall back to the lowest rate.
fn tiered_rate(facts: &StationFacts, count: u64, rule: &CategoryRule) -> (Decimal, bool) {
    let CategoryRule::Tiered {
        rural_household_share,
        urban_count,
        rural_without_households,
    } = rule
    else {
        unreachable!("tiered_rate is called for tiered rules only")
    };
    match facts.kind {
        Kind::Urban => (urban_count.rate_for_count(count), false),
        Kind::Rural => match facts.village_households.filter(|h| *h > 0) {
            // ratio = count / (households / stations) = count × stations / households
            Some(households) => (
                rural_household_share.rate_for_ratio(
                    Decimal::from(count) * Decimal::from(facts.stations_in_village),
                    Decimal::from(households),
                ),
                false,
            ),
            None => match rural_without_households {
                RuralWithoutHouseholds::LowestRate => (rural_household_share.lowest_rate(), true),
            },
        },
    }
}

/// R2: one payment category's reward line.
fn payment_line(facts: &StationFacts, category: PaymentCategory, policy: &Policy) -> (PaymentLine, bool) {
    let figures = facts.payment(category);
    let rule = policy.category_rule(category);
    let (rate, per_transaction, untiered) = match rule {
        CategoryRule::ShareOfAmount(rate) => (*rate, false, false),
        CategoryRule::PerTransaction(rate) => (*rate, true, false),
        CategoryRule::Tiered { .. } => {
            let (rate, untiered) = tiered_rate(facts, figures.count, rule);
            (rate, true, untiered)
        }
    };
    let exact = if per_transaction {
        rate * Decimal::from(figures.count)
    } else {
        rate * figures.amount
    };
    let line = PaymentLine {
        category,
        count: figures.count,
        amount: figures.amount,
        rate,
        per_transaction,
        reward: policy.rounding.to_fen(exact),
    };
    (line, untiered && figures.count > 0)
}

/// R2–R6 for one station.
pub fn evaluate_station(facts: &StationFacts, policy: &Policy) -> StationEvaluation {
    let rounding = policy.rounding;
    let mut untiered_rate = None;
    let payments = PaymentCategory::ALL.map(|category| {
        let (line, untiered) = payment_line(facts, category, policy);
        if untiered {
            untiered_rate = Some(line.rate);
        }
        line
    });

    // R3
    let card_for_reward = card_count(facts, policy.card_cap.for_reward);
    let card_rate = policy.card_tiers.rate_for_count(card_for_reward);
    let card = rounding.to_fen(card_rate * Decimal::from(card_for_reward));
    let comms_fee_covered = if card_for_reward >= policy.comms_fee.min_card {
        rounding.to_fen(policy.comms_fee.amount)
    } else {
        rounding.to_fen(Decimal::ZERO)
    };

    // R4
    let mut referrals_exact = Decimal::ZERO;
    let mut referral_lines = Vec::new();
    for (kind, &count) in facts.referrals.iter().filter(|(_, count)| **count > 0) {
        let rate = policy.referral_rates.get(kind).copied().unwrap_or_default();
        let exact = rate * Decimal::from(count);
        referrals_exact += exact;
        referral_lines.push(ReferralLine {
            kind: kind.clone(),
            count,
            rate,
            reward: rounding.to_fen(exact),
        });
    }
    let referrals = rounding.to_fen(referrals_exact);

    let total = payments.iter().map(|l| l.reward).sum::<Decimal>() + card + referrals;

    // R5, R6
    let valid = valid_station(facts, policy);
    let maintenance = if valid {
        let m = &policy.maintenance;
        let mut units: u64 = m.commission_categories.iter().map(|c| facts.payment(*c).count).sum();
        if m.commission_includes_card {
            units += card_count(facts, policy.card_cap.for_commission);
        }
        let base = rounding.to_fen(m.base);
        let commission = rounding.to_fen(m.commission_rate * Decimal::from(units));
        MaintenanceReward {
            base,
            commission,
            total: base + commission,
        }
    } else {
        let zero = rounding.to_fen(Decimal::ZERO);
        MaintenanceReward {
            base: zero,
            commission: zero,
            total: zero,
        }
    };

    StationEvaluation {
        reward: StationReward {
            payments,
            card_rate,
            card,
            referral_lines,
            referrals,
            total,
        },
        comms_fee_covered,
        valid,
        maintenance,
        provisional: untiered_rate.is_some(),
        untiered_rate,
    }
}
