//! R2–R6 for one station on one set of figures (actual or projected),
//! under the policy version in force in the month.

use rust_decimal::Decimal;

use super::category::{Category, CategoryRule, RuralWithoutHouseholds};
use super::checked::{self, TooLarge};
use super::config::PolicyVersion;
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

/// A figure too large to compute with, and the input field (relative to
/// the station, as in CALC.md: `payments.mobile.count`) it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLargeAt(pub String);

trait Blame<T> {
    fn at(self, field: impl Into<String>) -> Result<T, TooLargeAt>;
}

impl<T> Blame<T> for Result<T, TooLarge> {
    fn at(self, field: impl Into<String>) -> Result<T, TooLargeAt> {
        self.map_err(|TooLarge| TooLargeAt(field.into()))
    }
}

/// The card count a use of it sees: capped (valid) or raw (R1).
fn card_count(facts: &StationFacts, capped: bool) -> u64 {
    if capped {
        facts.card.valid
    } else {
        facts.card.raw
    }
}

/// All payments of the station, every category.
pub fn payment_count(facts: &StationFacts) -> Result<u64, TooLargeAt> {
    facts
        .payment_count()
        .map_err(|category| TooLargeAt(format!("payments.{category}.count")))
}

/// The payment amount of all categories (R14's bar).
pub fn payment_amount(facts: &StationFacts) -> Result<Decimal, TooLargeAt> {
    let mut total = Decimal::ZERO;
    for (id, figures) in &facts.payments {
        total = checked::add(total, figures.amount).at(format!("payments.{id}.amount"))?;
    }
    Ok(total)
}

/// R5: at least `min_payments` payments (all categories) and `min_card`
/// card transactions.
pub fn valid_station(facts: &StationFacts, version: &PolicyVersion) -> Result<bool, TooLargeAt> {
    Ok(payment_count(facts)? >= version.validity.min_payments
        && card_count(facts, version.card_cap.for_validity) >= version.validity.min_card)
}

/// The rate of one tiered category for this station, and whether it had
/// to fall back to the lowest rate.
fn tiered_rate(facts: &StationFacts, category: &Category, count: u64) -> Result<(Decimal, bool), TooLargeAt> {
    let CategoryRule::Tiered {
        rural_household_share,
        urban_count,
        rural_without_households,
    } = &category.rule
    else {
        unreachable!("tiered_rate is called for tiered rules only")
    };
    let count_field = || format!("payments.{}.count", category.id);
    match facts.kind {
        Kind::Urban => Ok((urban_count.rate_for_count(count).at(count_field())?, false)),
        Kind::Rural => match facts.village_households.filter(|h| *h > 0) {
            // ratio = count / (households / stations) = count × stations / households
            Some(households) => {
                let numer = checked::mul(Decimal::from(count), Decimal::from(facts.stations_in_village))
                    .at("stations_in_village")?;
                let rate = rural_household_share
                    .rate_for_ratio(numer, Decimal::from(households))
                    .at("village_households")?;
                Ok((rate, false))
            }
            None => match rural_without_households {
                RuralWithoutHouseholds::LowestRate => Ok((rural_household_share.lowest_rate(), true)),
            },
        },
    }
}

/// R2: one payment category's reward line.
fn payment_line(
    facts: &StationFacts,
    category: &Category,
    version: &PolicyVersion,
) -> Result<(PaymentLine, bool), TooLargeAt> {
    let figures = facts.payment(&category.id);
    let (rate, per_transaction, untiered) = match &category.rule {
        CategoryRule::ShareOfAmount(rate) => (*rate, false, false),
        CategoryRule::PerTransaction(rate) => (*rate, true, false),
        CategoryRule::Tiered { .. } => {
            let (rate, untiered) = tiered_rate(facts, category, figures.count)?;
            (rate, true, untiered)
        }
    };
    let exact = if per_transaction {
        checked::mul(rate, Decimal::from(figures.count)).at(format!("payments.{}.count", category.id))?
    } else {
        checked::mul(rate, figures.amount).at(format!("payments.{}.amount", category.id))?
    };
    let line = PaymentLine {
        category: category.id.clone(),
        count: figures.count,
        amount: figures.amount,
        rate,
        per_transaction,
        reward: version.rounding.to_fen(exact),
    };
    Ok((line, untiered && figures.count > 0))
}

/// R6: the maintenance reward these figures earn the branch when the
/// station counts as valid — what `evaluate_station` pays a valid
/// station, and what making a station valid would add (the visit plan's
/// shortfall list asks it of stations that are not valid yet).
pub fn maintenance_if_valid(facts: &StationFacts, version: &PolicyVersion) -> Result<MaintenanceReward, TooLargeAt> {
    let rounding = version.rounding;
    let m = &version.maintenance;
    let mut units: u64 = 0;
    for category in version.categories.iter().filter(|c| c.commission) {
        units =
            checked::add_u64(units, facts.payment(&category.id).count).at(format!("payments.{}.count", category.id))?;
    }
    if m.commission_includes_card {
        units = checked::add_u64(units, card_count(facts, version.card_cap.for_commission)).at("card_txns")?;
    }
    let base = rounding.to_fen(m.base);
    let commission = rounding.to_fen(checked::mul(m.commission_rate, Decimal::from(units)).at("payments")?);
    Ok(MaintenanceReward {
        base,
        commission,
        total: checked::add(base, commission).at("payments")?,
    })
}

/// R2–R6 for one station.
pub fn evaluate_station(facts: &StationFacts, version: &PolicyVersion) -> Result<StationEvaluation, TooLargeAt> {
    let rounding = version.rounding;
    let mut untiered_rate = None;
    let mut payments = Vec::with_capacity(version.categories.len());
    for category in &version.categories {
        let (line, untiered) = payment_line(facts, category, version)?;
        if untiered {
            untiered_rate = Some(line.rate);
        }
        payments.push(line);
    }

    // R3
    let card_for_reward = card_count(facts, version.card_cap.for_reward);
    let card_rate = version.card_tiers.rate_for_count(card_for_reward).at("card_txns")?;
    let card = rounding.to_fen(checked::mul(card_rate, Decimal::from(card_for_reward)).at("card_txns")?);
    let comms_fee_covered = if card_for_reward >= version.comms_fee.min_card {
        rounding.to_fen(version.comms_fee.amount)
    } else {
        rounding.to_fen(Decimal::ZERO)
    };

    // R4
    let mut referrals_exact = Decimal::ZERO;
    let mut referral_lines = Vec::new();
    for (kind, &count) in facts.referrals.iter().filter(|(_, count)| **count > 0) {
        let field = || format!("referrals.{kind}");
        let rate = version.referral_rates.get(kind).copied().unwrap_or_default();
        let exact = checked::mul(rate, Decimal::from(count)).at(field())?;
        referrals_exact = checked::add(referrals_exact, exact).at(field())?;
        referral_lines.push(ReferralLine {
            kind: kind.clone(),
            count,
            rate,
            reward: rounding.to_fen(exact),
        });
    }
    let referrals = rounding.to_fen(referrals_exact);

    let mut total = checked::add(card, referrals).at("card_txns")?;
    for line in &payments {
        total = checked::add(total, line.reward).at(format!("payments.{}.amount", line.category))?;
    }

    // R5, R6
    let valid = valid_station(facts, version)?;
    let maintenance = if valid {
        maintenance_if_valid(facts, version)?
    } else {
        let zero = rounding.to_fen(Decimal::ZERO);
        MaintenanceReward {
            base: zero,
            commission: zero,
            total: zero,
        }
    };

    Ok(StationEvaluation {
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
    })
}
