//! The policy as data: the TOML file in `policies/`, read and checked.
//!
//! Every number and every reading of RULES.md is a field here; the engine
//! holds none. A malformed or inconsistent file is refused with an error
//! naming the key, so a county's edit can never silently change a payout.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::category::PaymentCategory;
use super::tiers::{Tier, Tiers};
use crate::money::Rounding;

/// The built-in Dezhou policy, embedded from `policies/dezhou-2012.toml`.
pub const DEZHOU_2012: &str = include_str!("../../policies/dezhou-2012.toml");

/// Why a policy file was refused.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read policy file {path}")]
    Read { path: String, source: std::io::Error },
    #[error("{origin}:{line}:{column}: {key}: {message}")]
    Syntax {
        origin: String,
        line: usize,
        column: usize,
        key: String,
        message: String,
    },
    #[error("{key}: {message}")]
    Invalid { key: String, message: String },
    #[error("{origin}")]
    InFile {
        origin: String,
        #[source]
        source: Box<PolicyError>,
    },
}

fn invalid(key: impl Into<String>, message: impl Into<String>) -> PolicyError {
    PolicyError::Invalid {
        key: key.into(),
        message: message.into(),
    }
}

/// How a category's payments earn the station reward (R2).
#[derive(Debug, Clone, PartialEq)]
pub enum CategoryRule {
    /// rate × amount (mobile, telecom: 1%).
    ShareOfAmount(Decimal),
    /// rate × count (unicom: 0.25).
    PerTransaction(Decimal),
    /// The whole count at one tier's rate: rural stations by the share of
    /// the village's households, urban stations by count (electricity).
    Tiered {
        rural_household_share: Tiers,
        urban_count: Tiers,
        rural_without_households: RuralWithoutHouseholds,
    },
}

/// What to pay a rural station whose village size is unknown (R2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuralWithoutHouseholds {
    /// The lowest tier's rate, with a warning: the figure is a floor.
    LowestRate,
}

/// R1: the per-card-per-day cap and where the capped count is used.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardCap {
    pub per_card_per_day: u32,
    pub for_reward: bool,
    pub for_commission: bool,
    pub for_validity: bool,
}

/// R3: the communication package paid by the post office.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommsFee {
    pub min_card: u64,
    #[serde(with = "decimal_str")]
    pub amount: Decimal,
}

/// R5: the thresholds of a valid station.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Validity {
    pub min_payments: u64,
    pub min_card: u64,
}

/// R6: the maintenance reward of a valid station.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Maintenance {
    #[serde(with = "decimal_str")]
    pub base: Decimal,
    #[serde(with = "decimal_str")]
    pub commission_rate: Decimal,
    pub commission_categories: Vec<PaymentCategory>,
    pub commission_includes_card: bool,
}

/// R7: the branch valid-station reward.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BranchReward {
    #[serde(with = "decimal_str")]
    pub rural_all_valid: Decimal,
    pub urban_block_size: u64,
    #[serde(with = "decimal_str")]
    pub urban_per_block: Decimal,
}

/// R8: what a station counts for in the plan penalty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PenaltyBasis {
    /// Per station short of the plan: plan − valid.
    ShortOfPlan,
    /// Per invalid station, when the plan is missed.
    PerInvalidStation,
}

/// R8: the plan penalty.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Penalty {
    #[serde(with = "decimal_str")]
    pub per_station: Decimal,
    pub basis: PenaltyBasis,
}

/// R9: how R7 is shared among several maintainers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BranchRewardSharing {
    Equal,
    ByValidStations,
}

/// R9: the 2:8 split.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Split {
    #[serde(with = "decimal_str")]
    pub manager: Decimal,
    #[serde(with = "decimal_str")]
    pub maintainers: Decimal,
    pub branch_reward_among_maintainers: BranchRewardSharing,
}

/// A checked policy: what the engine evaluates under.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub id: String,
    pub name: String,
    pub rounding: Rounding,
    pub card_cap: CardCap,
    /// Indexed by `PaymentCategory as usize`.
    pub payments: [CategoryRule; PaymentCategory::COUNT],
    pub card_tiers: Tiers,
    pub comms_fee: CommsFee,
    pub referral_rates: BTreeMap<String, Decimal>,
    pub validity: Validity,
    pub maintenance: Maintenance,
    pub branch_reward: BranchReward,
    pub penalty: Penalty,
    pub split: Split,
}

impl Policy {
    /// The built-in Dezhou 2012 policy.
    pub fn dezhou_2012() -> Policy {
        Policy::from_toml(DEZHOU_2012, "policies/dezhou-2012.toml")
            .expect("the embedded policy is checked by the test suite")
    }

    /// Reads and checks a policy file.
    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Policy::from_toml(&text, &path.display().to_string())
    }

    /// Parses and checks policy text; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Policy, PolicyError> {
        let raw = parse_raw(text, origin)?;
        raw.check().map_err(|e| PolicyError::InFile {
            origin: origin.to_string(),
            source: Box::new(e),
        })
    }

    pub fn category_rule(&self, category: PaymentCategory) -> &CategoryRule {
        &self.payments[category as usize]
    }
}

fn parse_raw(text: &str, origin: &str) -> Result<RawPolicy, PolicyError> {
    let syntax = |err: toml::de::Error, key: String| {
        let (line, column) = err
            .span()
            .map(|span| line_and_column(text, span.start))
            .unwrap_or((0, 0));
        PolicyError::Syntax {
            origin: origin.to_string(),
            line,
            column,
            key,
            message: err.message().replace('\n', " "),
        }
    };
    let deserializer = toml::Deserializer::parse(text).map_err(|e| syntax(e, "(document)".into()))?;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let key = e.path().to_string();
        syntax(e.into_inner(), key)
    })
}

/// 1-based line and column of a byte offset.
pub fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    id: String,
    name: String,
    rounding: Rounding,
    card_cap: CardCap,
    payments: RawPayments,
    card: RawCard,
    referrals: BTreeMap<String, DecimalValue>,
    validity: Validity,
    maintenance: Maintenance,
    branch_reward: BranchReward,
    penalty: Penalty,
    split: Split,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPayments {
    mobile: RawCategoryRule,
    unicom: RawCategoryRule,
    telecom: RawCategoryRule,
    electricity: RawCategoryRule,
    other: RawCategoryRule,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RuleKind {
    ShareOfAmount,
    PerTransaction,
    Tiered,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategoryRule {
    rule: RuleKind,
    #[serde(default, with = "opt_decimal_str")]
    rate: Option<Decimal>,
    rural_household_share: Option<Vec<Tier>>,
    urban_count: Option<Vec<Tier>>,
    rural_without_households: Option<RuralWithoutHouseholds>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCard {
    tiers: Vec<Tier>,
    comms_fee: CommsFee,
}

#[derive(Debug, Deserialize)]
#[serde(transparent)]
struct DecimalValue(#[serde(with = "decimal_str")] Decimal);

fn non_negative(key: &str, value: Decimal) -> Result<Decimal, PolicyError> {
    if value < Decimal::ZERO {
        Err(invalid(key, format!("{value} is negative")))
    } else {
        Ok(value)
    }
}

fn at_least_one(key: &str, value: u64) -> Result<(), PolicyError> {
    if value == 0 {
        Err(invalid(key, "must be at least 1"))
    } else {
        Ok(())
    }
}

impl RawCategoryRule {
    fn check(self, key: &str) -> Result<CategoryRule, PolicyError> {
        let unexpected = |field: &str, present: bool| -> Result<(), PolicyError> {
            if present {
                Err(invalid(format!("{key}.{field}"), "does not apply to this rule"))
            } else {
                Ok(())
            }
        };
        let rate = |rate: Option<Decimal>| -> Result<Decimal, PolicyError> {
            let rate_key = format!("{key}.rate");
            let value = rate.ok_or_else(|| invalid(&rate_key, "missing"))?;
            non_negative(&rate_key, value)
        };
        match self.rule {
            RuleKind::ShareOfAmount | RuleKind::PerTransaction => {
                unexpected("rural_household_share", self.rural_household_share.is_some())?;
                unexpected("urban_count", self.urban_count.is_some())?;
                unexpected("rural_without_households", self.rural_without_households.is_some())?;
                let rate = rate(self.rate)?;
                Ok(match self.rule {
                    RuleKind::ShareOfAmount => CategoryRule::ShareOfAmount(rate),
                    _ => CategoryRule::PerTransaction(rate),
                })
            }
            RuleKind::Tiered => {
                unexpected("rate", self.rate.is_some())?;
                let tiers = |tiers: Option<Vec<Tier>>, field: &str| {
                    let tiers_key = format!("{key}.{field}");
                    let list = tiers.ok_or_else(|| invalid(&tiers_key, "missing"))?;
                    Tiers::new(list, &tiers_key)
                };
                Ok(CategoryRule::Tiered {
                    rural_household_share: tiers(self.rural_household_share, "rural_household_share")?,
                    urban_count: tiers(self.urban_count, "urban_count")?,
                    rural_without_households: self
                        .rural_without_households
                        .unwrap_or(RuralWithoutHouseholds::LowestRate),
                })
            }
        }
    }
}

impl RawPolicy {
    fn check(self) -> Result<Policy, PolicyError> {
        if self.card_cap.per_card_per_day == 0 {
            return Err(invalid("card_cap.per_card_per_day", "must be at least 1"));
        }
        let p = self.payments;
        let payments = [
            p.mobile.check("payments.mobile")?,
            p.unicom.check("payments.unicom")?,
            p.telecom.check("payments.telecom")?,
            p.electricity.check("payments.electricity")?,
            p.other.check("payments.other")?,
        ];
        debug_assert!(PaymentCategory::ALL.iter().enumerate().all(|(i, c)| *c as usize == i));
        let card_tiers = Tiers::new(self.card.tiers, "card.tiers")?;
        non_negative("card.comms_fee.amount", self.card.comms_fee.amount)?;
        let mut referral_rates = BTreeMap::new();
        for (kind, DecimalValue(rate)) in self.referrals {
            non_negative(&format!("referrals.{kind}"), rate)?;
            referral_rates.insert(kind, rate);
        }
        non_negative("maintenance.base", self.maintenance.base)?;
        non_negative("maintenance.commission_rate", self.maintenance.commission_rate)?;
        let categories = &self.maintenance.commission_categories;
        for (i, category) in categories.iter().enumerate() {
            if categories[..i].contains(category) {
                return Err(invalid(
                    format!("maintenance.commission_categories[{i}]"),
                    format!("{} is listed twice", category.as_str()),
                ));
            }
        }
        non_negative("branch_reward.rural_all_valid", self.branch_reward.rural_all_valid)?;
        non_negative("branch_reward.urban_per_block", self.branch_reward.urban_per_block)?;
        at_least_one("branch_reward.urban_block_size", self.branch_reward.urban_block_size)?;
        non_negative("penalty.per_station", self.penalty.per_station)?;
        let split = &self.split;
        non_negative("split.manager", split.manager)?;
        non_negative("split.maintainers", split.maintainers)?;
        if split.manager + split.maintainers != Decimal::ONE {
            return Err(invalid(
                "split",
                format!(
                    "manager {} + maintainers {} = {}, must add up to 1",
                    split.manager,
                    split.maintainers,
                    split.manager + split.maintainers
                ),
            ));
        }
        Ok(Policy {
            id: self.id,
            name: self.name,
            rounding: self.rounding,
            card_cap: self.card_cap,
            payments,
            card_tiers,
            comms_fee: self.card.comms_fee,
            referral_rates,
            validity: self.validity,
            maintenance: self.maintenance,
            branch_reward: self.branch_reward,
            penalty: self.penalty,
            split: self.split,
        })
    }
}

/// Serde adapter: a decimal written as a string ("0.25") or an integer.
/// Floats are refused: a TOML float is binary and `0.1` is not 0.1.
pub mod decimal_str {
    use rust_decimal::Decimal;
    use serde::de::{self, Deserializer, Visitor};
    use std::fmt;
    use std::str::FromStr;

    struct DecimalVisitor;

    impl Visitor<'_> for DecimalVisitor {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a decimal written as a string, e.g. \"0.25\"")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
            let plain = !v.is_empty()
                && v.trim_start_matches('-')
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.');
            match Decimal::from_str(v) {
                Ok(d) if plain => Ok(d),
                _ => Err(E::custom(format!("{v:?} is not a decimal"))),
            }
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
            Err(E::custom(format!(
                "{v} is a float; write the decimal as a string, e.g. \"{v}\""
            )))
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }
}

/// Serde adapter: an optional `decimal_str`.
pub mod opt_decimal_str {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer};

    #[derive(Deserialize)]
    struct Wrapped(#[serde(with = "super::decimal_str")] Decimal);

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(v)| v))
    }
}
