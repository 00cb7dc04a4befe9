//! The policy file's TOML, read strictly (unknown keys refused, decimals
//! as strings) and checked into `Policy`. Errors name the key: a syntax
//! error with its line and column, an inconsistency with its path
//! (`versions[1].categories[3].rate`).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::category::{valid_id, Category, CategoryRule, RuralWithoutHouseholds, RESERVED_IDS};
use super::config::{
    decimal_str, invalid, opt_decimal_str, BranchReward, CardCap, CommsFee, ExitWatchlist, Maintenance, Penalty,
    Policy, PolicyError, PolicyVersion, Split, Validity, Withholding,
};
use super::tiers::{Tier, Tiers};
use crate::i18n::{tr, trf, Text};
use crate::money::Rounding;
use crate::month::Month;

/// Parses and checks policy text; `origin` names it in errors.
pub fn parse(text: &str, origin: &str) -> Result<Policy, PolicyError> {
    let raw = parse_raw(text, origin)?;
    raw.check().map_err(|e| PolicyError::InFile {
        origin: origin.to_string(),
        source: Box::new(e),
    })
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
    versions: Vec<RawVersion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersion {
    effective_from: String,
    rounding: Rounding,
    card_cap: CardCap,
    categories: Vec<RawCategory>,
    card: RawCard,
    referrals: BTreeMap<String, DecimalValue>,
    validity: Validity,
    maintenance: Maintenance,
    branch_reward: BranchReward,
    penalty: Penalty,
    split: Split,
    #[serde(default)]
    withholding: Option<Withholding>,
    exit_watchlist: ExitWatchlist,
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
struct RawCategory {
    id: String,
    name: String,
    name_en: String,
    #[serde(default)]
    business_types: Vec<String>,
    commission: bool,
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
        Err(invalid(key, trf(Text::PolicyErrNegative, &[&value])))
    } else {
        Ok(value)
    }
}

fn at_least_one(key: &str, value: u64) -> Result<(), PolicyError> {
    if value == 0 {
        Err(invalid(key, tr(Text::PolicyErrAtLeastOne)))
    } else {
        Ok(())
    }
}

impl RawCategory {
    fn check(self, key: &str) -> Result<Category, PolicyError> {
        if !valid_id(&self.id) {
            return Err(invalid(
                format!("{key}.id"),
                trf(Text::PolicyErrCategoryId, &[&format!("{:?}", self.id)]),
            ));
        }
        if RESERVED_IDS.contains(&self.id.as_str()) {
            return Err(invalid(
                format!("{key}.id"),
                trf(Text::PolicyErrReservedId, &[&format!("{:?}", self.id)]),
            ));
        }
        for (field, text) in [("name", &self.name), ("name_en", &self.name_en)] {
            if text.trim().is_empty() {
                return Err(invalid(format!("{key}.{field}"), tr(Text::ImportEmpty)));
            }
        }
        for (i, name) in self.business_types.iter().enumerate() {
            if name.trim().is_empty() {
                return Err(invalid(format!("{key}.business_types[{i}]"), tr(Text::ImportEmpty)));
            }
        }
        let rule = self.rule(key)?;
        Ok(Category {
            id: self.id,
            name: self.name,
            name_en: self.name_en,
            business_types: self.business_types,
            rule,
            commission: self.commission,
        })
    }

    fn rule(&self, key: &str) -> Result<CategoryRule, PolicyError> {
        let unexpected = |field: &str, present: bool| -> Result<(), PolicyError> {
            if present {
                Err(invalid(format!("{key}.{field}"), tr(Text::PolicyErrNotThisRule)))
            } else {
                Ok(())
            }
        };
        let rate = |rate: Option<Decimal>| -> Result<Decimal, PolicyError> {
            let rate_key = format!("{key}.rate");
            let value = rate.ok_or_else(|| invalid(&rate_key, tr(Text::PolicyErrMissing)))?;
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
                let tiers = |tiers: &Option<Vec<Tier>>, field: &str| {
                    let tiers_key = format!("{key}.{field}");
                    let list = tiers
                        .clone()
                        .ok_or_else(|| invalid(&tiers_key, tr(Text::PolicyErrMissing)))?;
                    Tiers::new(list, &tiers_key)
                };
                Ok(CategoryRule::Tiered {
                    rural_household_share: tiers(&self.rural_household_share, "rural_household_share")?,
                    urban_count: tiers(&self.urban_count, "urban_count")?,
                    rural_without_households: self
                        .rural_without_households
                        .unwrap_or(RuralWithoutHouseholds::LowestRate),
                })
            }
        }
    }
}

/// The categories of one version: ids unique, and each business type
/// names one category only (an import must never have to guess).
fn check_categories(raw: Vec<RawCategory>, key: &str) -> Result<Vec<Category>, PolicyError> {
    if raw.is_empty() {
        return Err(invalid(key, tr(Text::PolicyErrNoCategory)));
    }
    let mut categories: Vec<Category> = Vec::with_capacity(raw.len());
    for (i, category) in raw.into_iter().enumerate() {
        let at = format!("{key}[{i}]");
        let category = category.check(&at)?;
        if categories.iter().any(|c| c.id == category.id) {
            return Err(invalid(format!("{at}.id"), trf(Text::PolicyErrTwice, &[&category.id])));
        }
        for (j, name) in category.business_types.iter().enumerate() {
            let at_j = format!("{at}.business_types[{j}]");
            if category.business_types[..j]
                .iter()
                .any(|n| n.trim().eq_ignore_ascii_case(name.trim()))
            {
                return Err(invalid(at_j, trf(Text::PolicyErrTwice, &[&format!("{name:?}")])));
            }
            if let Some(other) = categories.iter().find(|c| c.is_named(name)) {
                return Err(invalid(
                    at_j,
                    trf(Text::PolicyErrNamesOther, &[&format!("{name:?}"), &other.id]),
                ));
            }
        }
        if let Some(other) = categories.iter().find(|c| category.is_named(&c.id)) {
            return Err(invalid(
                format!("{at}.business_types"),
                trf(Text::PolicyErrNamesOtherId, &[&format!("{:?}", other.id)]),
            ));
        }
        categories.push(category);
    }
    Ok(categories)
}

impl RawVersion {
    fn check(self, key: &str) -> Result<PolicyVersion, PolicyError> {
        let k = |field: &str| format!("{key}.{field}");
        let effective_from: Month = self
            .effective_from
            .parse()
            .map_err(|e: String| invalid(k("effective_from"), e))?;
        if self.card_cap.per_card_per_day == 0 {
            return Err(invalid(k("card_cap.per_card_per_day"), tr(Text::PolicyErrAtLeastOne)));
        }
        let categories = check_categories(self.categories, &k("categories"))?;
        let card_tiers = Tiers::new(self.card.tiers, &k("card.tiers"))?;
        non_negative(&k("card.comms_fee.amount"), self.card.comms_fee.amount)?;
        let mut referral_rates = BTreeMap::new();
        for (kind, DecimalValue(rate)) in self.referrals {
            non_negative(&k(&format!("referrals.{kind}")), rate)?;
            referral_rates.insert(kind, rate);
        }
        non_negative(&k("maintenance.base"), self.maintenance.base)?;
        non_negative(&k("maintenance.commission_rate"), self.maintenance.commission_rate)?;
        non_negative(&k("branch_reward.rural_all_valid"), self.branch_reward.rural_all_valid)?;
        non_negative(&k("branch_reward.urban_per_block"), self.branch_reward.urban_per_block)?;
        at_least_one(
            &k("branch_reward.urban_block_size"),
            self.branch_reward.urban_block_size,
        )?;
        non_negative(&k("penalty.per_station"), self.penalty.per_station)?;
        let split = &self.split;
        non_negative(&k("split.manager"), split.manager)?;
        non_negative(&k("split.maintainers"), split.maintainers)?;
        if split.manager + split.maintainers != Decimal::ONE {
            return Err(invalid(
                k("split"),
                trf(
                    Text::PolicyErrSplit,
                    &[&split.manager, &split.maintainers, &(split.manager + split.maintainers)],
                ),
            ));
        }
        if let Some(w) = &self.withholding {
            non_negative(&k("withholding.withhold"), w.withhold)?;
            non_negative(&k("withholding.bar_amount"), w.bar_amount)?;
        }
        if !(1..=12).contains(&self.exit_watchlist.after_months) {
            return Err(invalid(
                k("exit_watchlist.after_months"),
                tr(Text::PolicyErrOneToTwelve),
            ));
        }
        Ok(PolicyVersion {
            effective_from,
            rounding: self.rounding,
            card_cap: self.card_cap,
            categories,
            card_tiers,
            comms_fee: self.card.comms_fee,
            referral_rates,
            validity: self.validity,
            maintenance: self.maintenance,
            branch_reward: self.branch_reward,
            penalty: self.penalty,
            split: self.split,
            withholding: self.withholding,
            exit_watchlist: self.exit_watchlist,
        })
    }
}

impl RawPolicy {
    fn check(self) -> Result<Policy, PolicyError> {
        if self.versions.is_empty() {
            return Err(invalid("versions", tr(Text::PolicyErrNoVersion)));
        }
        let mut versions: Vec<PolicyVersion> = Vec::with_capacity(self.versions.len());
        for (i, raw) in self.versions.into_iter().enumerate() {
            let version = raw.check(&format!("versions[{i}]"))?;
            if let Some(previous) = versions.last() {
                if version.effective_from <= previous.effective_from {
                    return Err(invalid(
                        format!("versions[{i}].effective_from"),
                        trf(
                            Text::PolicyErrVersionOrder,
                            &[&version.effective_from, &previous.effective_from],
                        ),
                    ));
                }
            }
            versions.push(version);
        }
        Ok(Policy {
            id: self.id,
            name: self.name,
            versions,
        })
    }
}
