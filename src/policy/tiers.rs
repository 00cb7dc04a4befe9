//! Tier tables: "the whole count is paid at the rate of the tier it falls
//! in" (R2, R3). Each tier's bounds say whether they are inclusive, so the
//! readings of 以上/以下/含 live in the policy file, not in code.

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::i18n::{tr, trf, Text};

use super::checked::{self, Checked};
use super::config::{decimal_str, opt_decimal_str, PolicyError};

/// One tier as written in the policy file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    #[serde(with = "decimal_str")]
    pub min: Decimal,
    pub min_inclusive: bool,
    #[serde(default, with = "opt_decimal_str")]
    pub max: Option<Decimal>,
    #[serde(default)]
    pub max_inclusive: bool,
    #[serde(with = "decimal_str")]
    pub rate: Decimal,
}

impl Tier {
    /// Whether `numer / denom` lies in this tier, compared by
    /// cross-multiplication so that no division rounds (denom > 0).
    fn contains_ratio(&self, numer: Decimal, denom: Decimal) -> Checked<bool> {
        let min = checked::mul(self.min, denom)?;
        let above_min = if self.min_inclusive { numer >= min } else { numer > min };
        let below_max = match self.max {
            None => true,
            Some(max) if self.max_inclusive => numer <= checked::mul(max, denom)?,
            Some(max) => numer < checked::mul(max, denom)?,
        };
        Ok(above_min && below_max)
    }
}

/// A validated list of tiers covering [0, ∞) without gap or overlap.
#[derive(Debug, Clone, PartialEq)]
pub struct Tiers(Vec<Tier>);

impl Tiers {
    /// Checks that the tiers start at 0 inclusive, touch without gap or
    /// overlap, end unbounded, and have non-negative rates. `key` names the
    /// table in the policy file for the error.
    pub fn new(tiers: Vec<Tier>, key: &str) -> Result<Tiers, PolicyError> {
        let err = |i: usize, field: &str, message: String| PolicyError::Invalid {
            key: format!("{key}[{i}].{field}"),
            message,
        };
        let Some(first) = tiers.first() else {
            return Err(PolicyError::Invalid {
                key: key.to_string(),
                message: tr(Text::PolicyErrNoTier).to_string(),
            });
        };
        if !first.min.is_zero() || !first.min_inclusive {
            return Err(err(0, "min", tr(Text::PolicyErrFirstTier).to_string()));
        }
        for (i, tier) in tiers.iter().enumerate() {
            if tier.rate.is_sign_negative() && !tier.rate.is_zero() {
                return Err(err(i, "rate", trf(Text::PolicyErrNegative, &[&tier.rate])));
            }
            if tier.min.is_sign_negative() && !tier.min.is_zero() {
                return Err(err(i, "min", trf(Text::PolicyErrNegative, &[&tier.min])));
            }
            let last = i + 1 == tiers.len();
            match (tier.max, last) {
                (None, true) => {}
                (None, false) => return Err(err(i, "max", tr(Text::PolicyErrUnboundedTier).to_string())),
                (Some(_), true) => return Err(err(i, "max", tr(Text::PolicyErrLastTierMax).to_string())),
                (Some(max), false) => {
                    if max <= tier.min {
                        return Err(err(i, "max", trf(Text::PolicyErrMaxNotAboveMin, &[&max, &tier.min])));
                    }
                    let next = &tiers[i + 1];
                    if next.min > max {
                        return Err(err(i + 1, "min", trf(Text::PolicyErrGap, &[&max, &next.min])));
                    }
                    if next.min < max {
                        return Err(err(i + 1, "min", trf(Text::PolicyErrOverlap, &[&max, &next.min])));
                    }
                    match (tier.max_inclusive, next.min_inclusive) {
                        (true, true) => {
                            return Err(err(
                                i + 1,
                                "min_inclusive",
                                trf(Text::PolicyErrInBoth, &[&max, &i, &(i + 1)]),
                            ))
                        }
                        (false, false) => {
                            return Err(err(
                                i + 1,
                                "min_inclusive",
                                trf(Text::PolicyErrInNeither, &[&max, &i, &(i + 1)]),
                            ))
                        }
                        _ => {}
                    }
                }
            }
        }
        Ok(Tiers(tiers))
    }

    /// The rate for a count.
    pub fn rate_for_count(&self, count: u64) -> Checked<Decimal> {
        self.rate_for_ratio(Decimal::from(count), Decimal::ONE)
    }

    /// The rate for the exact ratio `numer / denom` (denom > 0).
    pub fn rate_for_ratio(&self, numer: Decimal, denom: Decimal) -> Checked<Decimal> {
        for tier in &self.0 {
            if tier.contains_ratio(numer, denom)? {
                return Ok(tier.rate);
            }
        }
        // Validation guarantees full coverage of [0, ∞); a negative
        // input (impossible for counts) falls back to the lowest rate.
        Ok(self.lowest_rate())
    }

    /// The lowest rate of any tier, for figures that cannot be tiered.
    pub fn lowest_rate(&self) -> Decimal {
        self.0.iter().map(|t| t.rate).min().unwrap_or(Decimal::ZERO)
    }

    pub fn tiers(&self) -> &[Tier] {
        &self.0
    }
}
