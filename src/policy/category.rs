//! Payment categories of the bill-payment system (便民缴费) as data (R13):
//! a policy version lists its own, each with the business-type names the
//! exports use for it, its rate rule and whether it earns R6 commission.

use rust_decimal::Decimal;
use serde::Deserialize;

use super::tiers::Tiers;

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

/// One payment category of a policy version.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    /// ASCII id, the key of `payments` and `reward` in CALC.md (`water`).
    pub id: String,
    /// The name shown in Chinese (水费).
    pub name: String,
    /// The name shown in English (water).
    pub name_en: String,
    /// The business types (业务类型) exports write for it (水费, 代收水费).
    pub business_types: Vec<String>,
    pub rule: CategoryRule,
    /// Whether its payments count towards the R6 commission.
    pub commission: bool,
}

impl Category {
    /// Whether an export's business type names this category: one of its
    /// business types or its id, ignoring surrounding space and ASCII case.
    pub fn is_named(&self, business_type: &str) -> bool {
        let text = business_type.trim();
        self.id.eq_ignore_ascii_case(text) || self.business_types.iter().any(|n| n.eq_ignore_ascii_case(text))
    }
}

/// Category ids that would clash with the other keys of CALC.md's
/// `reward` object.
pub const RESERVED_IDS: [&str; 3] = ["card", "referrals", "total"];

/// A category id: lower-case ASCII letters, digits and `_`, starting with
/// a letter (it is a JSON key, a column value and a file-safe word).
pub fn valid_id(id: &str) -> bool {
    id.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && id.len() <= 32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_ascii_words() {
        for good in ["water", "cable_tv", "gas2"] {
            assert!(valid_id(good), "{good}");
        }
        for bad in ["", "Water", "2gas", "cable-tv", "水费", "a b"] {
            assert!(!valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn a_business_type_matches_by_name_or_id() {
        let water = Category {
            id: "water".into(),
            name: "水费".into(),
            name_en: "water".into(),
            business_types: vec!["水费".into(), "代收水费".into()],
            rule: CategoryRule::PerTransaction(Decimal::ONE),
            commission: true,
        };
        assert!(water.is_named(" 代收水费 "));
        assert!(water.is_named("WATER"));
        assert!(!water.is_named("电费"));
    }
}
