//! The policy as data: the TOML file in `policies/`, read and checked.
//!
//! A policy is a list of dated versions (R12); each version holds every
//! number and every reading of RULES.md, its payment categories included
//! (R13); the engine holds none. A malformed or inconsistent file is
//! refused with an error naming the key, so a county's edit can never
//! silently change a payout. `file` turns the TOML into these types.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::category::Category;
use super::tiers::Tiers;
use crate::money::Rounding;
use crate::month::Month;

pub use super::category::{CategoryRule, RuralWithoutHouseholds};

/// The built-in Dezhou policy, embedded from `policies/dezhou-2012.toml`.
pub const DEZHOU_2012: &str = include_str!("../../policies/dezhou-2012.toml");

/// Where the built-in policy's text comes from, for messages.
pub const DEZHOU_2012_ORIGIN: &str = "policies/dezhou-2012.toml";

/// Why a policy file was refused.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("{}", crate::i18n::trf(crate::i18n::Text::PolicyErrRead, &[path, &crate::errors::io_text(source)]))]
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

pub(crate) fn invalid(key: impl Into<String>, message: impl Into<String>) -> PolicyError {
    PolicyError::Invalid {
        key: key.into(),
        message: message.into(),
    }
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

/// R6: the maintenance reward of a valid station. Which payment
/// categories earn commission is said by each category (R13).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Maintenance {
    #[serde(with = "decimal_str")]
    pub base: Decimal,
    #[serde(with = "decimal_str")]
    pub commission_rate: Decimal,
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

/// R14: part of each month's station reward kept back until the quarter
/// ends, paid for the months that reached the bar.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Withholding {
    /// Withheld each month (never more than the station earned).
    #[serde(with = "decimal_str")]
    pub withhold: Decimal,
    /// A month is met with at least this payment amount (all categories) …
    #[serde(with = "decimal_str")]
    pub bar_amount: Decimal,
    /// … or at least this many payments.
    pub bar_count: u64,
}

/// R15: when a station that keeps missing both plans is an exit candidate.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExitWatchlist {
    /// Consecutive finished months missing both plans.
    pub after_months: u32,
}

/// One version of a policy: every rule in force from `effective_from`
/// until the next version (R12).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyVersion {
    pub effective_from: Month,
    pub rounding: Rounding,
    pub card_cap: CardCap,
    /// The payment categories, in the order CALC.md's `reward` lists them.
    pub categories: Vec<Category>,
    pub card_tiers: Tiers,
    pub comms_fee: CommsFee,
    pub referral_rates: BTreeMap<String, Decimal>,
    pub validity: Validity,
    pub maintenance: Maintenance,
    pub branch_reward: BranchReward,
    pub penalty: Penalty,
    pub split: Split,
    /// R14; `None` when this version withholds nothing.
    pub withholding: Option<Withholding>,
    pub exit_watchlist: ExitWatchlist,
}

impl PolicyVersion {
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The category an export's business type (业务类型) belongs to.
    pub fn category_for_business_type(&self, business_type: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.is_named(business_type))
    }

    /// The card count a use of it sees: capped (valid) or raw (R1).
    pub fn card_for_validity(&self, raw: u64, valid: u64) -> u64 {
        if self.card_cap.for_validity {
            valid
        } else {
            raw
        }
    }
}

/// A checked policy: dated versions in ascending order, at least one.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub id: String,
    pub name: String,
    pub versions: Vec<PolicyVersion>,
}

/// No version of the policy is in force in a month (it precedes the first).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::i18n::trf(crate::i18n::Text::PolicyErrNoVersionIn, &[policy, month, first]))]
pub struct NoVersion {
    pub policy: String,
    pub month: Month,
    pub first: Month,
}

impl Policy {
    /// The built-in Dezhou 2012 policy.
    pub fn dezhou_2012() -> Policy {
        Policy::from_toml(DEZHOU_2012, DEZHOU_2012_ORIGIN).expect("the embedded policy is checked by the test suite")
    }

    /// Reads and checks a policy file.
    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Policy::from_toml(&text, &path.display().to_string())
    }

    /// Parses and checks policy text; `origin` names it in errors (a
    /// file, or where a stored policy came from).
    pub fn from_toml(text: &str, origin: &str) -> Result<Policy, PolicyError> {
        super::file::parse(text, origin)
    }

    /// The version in force in `month` (R12).
    pub fn version_for(&self, month: Month) -> Result<&PolicyVersion, NoVersion> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.effective_from <= month)
            .ok_or_else(|| NoVersion {
                policy: self.id.clone(),
                month,
                first: self.versions.first().map_or(month, |v| v.effective_from),
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
