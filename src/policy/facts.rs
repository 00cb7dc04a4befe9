//! What the engine evaluates: one month of aggregated facts per station,
//! and the branches with their plan and people. No I/O, no money yet.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::config::PolicyVersion;
use super::withholding::same_quarter_before;
use crate::i18n::{trf, Text};
use crate::month::Month;

/// Rural (农村) or urban (城市); for a station it picks the electricity
/// tiers, for a branch the valid-station reward (R2, R7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Rural,
    Urban,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Rural => "rural",
            Kind::Urban => "urban",
        }
    }
}

/// Count and amount of one payment category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CategoryFacts {
    pub count: u64,
    pub amount: Decimal,
}

/// Card transactions: all of them, and those within the per-card-per-day
/// cap (R1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CardCounts {
    pub raw: u64,
    pub valid: u64,
}

/// What an earlier month of the quarter withheld from a station (R14),
/// and whether that month reached the bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WithholdingMonth {
    pub month: Month,
    pub withheld: Decimal,
    pub met: bool,
}

/// One station's month so far.
#[derive(Debug, Clone, PartialEq)]
pub struct StationFacts {
    pub id: String,
    pub branch: String,
    pub kind: Kind,
    pub maintainer: String,
    pub village_households: Option<u64>,
    pub stations_in_village: u64,
    /// Payment category id (one of the version's categories) → figures.
    /// A category without payments may be left out.
    pub payments: BTreeMap<String, CategoryFacts>,
    pub card: CardCounts,
    /// Referral kind (a key of the policy's `[referrals]`) → count.
    pub referrals: BTreeMap<String, u64>,
    /// The quarter's earlier months (R14), when the version withholds.
    pub withholding_history: Vec<WithholdingMonth>,
}

impl StationFacts {
    /// A station with no activity yet, alone in its village.
    pub fn new(id: &str, branch: &str, kind: Kind, maintainer: &str) -> StationFacts {
        StationFacts {
            id: id.to_string(),
            branch: branch.to_string(),
            kind,
            maintainer: maintainer.to_string(),
            village_households: None,
            stations_in_village: 1,
            payments: BTreeMap::new(),
            card: CardCounts::default(),
            referrals: BTreeMap::new(),
            withholding_history: Vec::new(),
        }
    }

    /// Sets one category's count and amount.
    pub fn with_payment(mut self, category: &str, count: u64, amount: Decimal) -> StationFacts {
        self.payments
            .insert(category.to_string(), CategoryFacts { count, amount });
        self
    }

    /// Sets the card counts, raw and valid.
    pub fn with_card(mut self, raw: u64, valid: u64) -> StationFacts {
        self.card = CardCounts { raw, valid };
        self
    }

    /// Sets the village: its households and how many stations share it.
    pub fn in_village(mut self, households: u64, stations_in_village: u64) -> StationFacts {
        self.village_households = Some(households);
        self.stations_in_village = stations_in_village;
        self
    }

    /// One category's figures (none when it has no entry).
    pub fn payment(&self, category: &str) -> CategoryFacts {
        self.payments.get(category).copied().unwrap_or_default()
    }

    /// All payments, every category (R5 counts them all). Too many to
    /// count: the category with the largest count, which the error names.
    pub fn payment_count(&self) -> Result<u64, &str> {
        let counts: Vec<u64> = self.payments.values().map(|p| p.count).collect();
        super::checked::sum_counts(&counts)
            .map_err(|largest| self.payments.keys().nth(largest).map_or("", String::as_str))
    }
}

/// One branch (支局) with its plan and people.
#[derive(Debug, Clone, PartialEq)]
pub struct BranchFacts {
    pub id: String,
    pub kind: Kind,
    /// The "five-plus-one" target of valid stations; None = no plan.
    pub plan: Option<u64>,
    pub manager: String,
    pub maintainers: Vec<String>,
}

/// A month of facts, complete through `as_of`.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthFacts {
    pub month: Month,
    pub as_of: NaiveDate,
    pub branches: Vec<BranchFacts>,
    /// Every station active in the month (R7).
    pub stations: Vec<StationFacts>,
}

/// Facts that cannot be evaluated; `path` names the field as in CALC.md's
/// input (`stations[3].maintainer`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct FactsError {
    pub path: String,
    pub message: String,
}

fn error(path: String, message: String) -> FactsError {
    FactsError { path, message }
}

impl MonthFacts {
    /// Checks everything the engine relies on: references resolve, ids are
    /// unique, each person belongs to one branch, figures are in range.
    pub fn check<'a>(&'a self, policy_id: &str, version: &PolicyVersion) -> Result<(), FactsError> {
        if !self.month.contains(self.as_of) {
            return Err(error(
                "as_of".into(),
                trf(Text::FactsOutsideMonth, &[&self.as_of, &self.month]),
            ));
        }
        let mut branch_index: HashMap<&str, usize> = HashMap::new();
        let mut person_branch: HashMap<&'a str, &'a str> = HashMap::new();
        for (i, branch) in self.branches.iter().enumerate() {
            if branch_index.insert(&branch.id, i).is_some() {
                return Err(error(
                    format!("branches[{i}].id"),
                    trf(Text::FactsDuplicateBranch, &[&format!("{:?}", branch.id)]),
                ));
            }
            if branch.maintainers.is_empty() {
                return Err(error(
                    format!("branches[{i}].maintainers"),
                    trf(Text::FactsNoMaintainers, &[&format!("{:?}", branch.id)]),
                ));
            }
            let mut claim = |person: &'a str, path: String| match person_branch.get(person) {
                Some(other) if *other != branch.id => Err(error(
                    path,
                    trf(
                        Text::FactsOneBranchEach,
                        &[&format!("{person:?}"), &format!("{other:?}")],
                    ),
                )),
                _ => {
                    person_branch.insert(person, &branch.id);
                    Ok(())
                }
            };
            claim(&branch.manager, format!("branches[{i}].manager"))?;
            let mut seen = HashSet::new();
            for (j, maintainer) in branch.maintainers.iter().enumerate() {
                let path = format!("branches[{i}].maintainers[{j}]");
                if !seen.insert(maintainer.as_str()) {
                    return Err(error(
                        path,
                        trf(Text::FactsDuplicateMaintainer, &[&format!("{maintainer:?}")]),
                    ));
                }
                claim(maintainer, path)?;
            }
        }
        let mut station_ids = HashSet::new();
        for (i, station) in self.stations.iter().enumerate() {
            let at = |field: &str| format!("stations[{i}].{field}");
            if !station_ids.insert(station.id.as_str()) {
                return Err(error(
                    at("id"),
                    trf(Text::FactsDuplicateStation, &[&format!("{:?}", station.id)]),
                ));
            }
            let Some(&b) = branch_index.get(station.branch.as_str()) else {
                return Err(error(
                    at("branch"),
                    trf(Text::FactsUnlistedBranch, &[&format!("{:?}", station.branch)]),
                ));
            };
            if !self.branches[b].maintainers.contains(&station.maintainer) {
                return Err(error(
                    at("maintainer"),
                    trf(
                        Text::FactsNotMaintainerOf,
                        &[&format!("{:?}", station.maintainer), &format!("{:?}", station.branch)],
                    ),
                ));
            }
            if station.stations_in_village < 1 {
                return Err(error(
                    at("stations_in_village"),
                    trf(Text::FactsBelowOne, &[&station.stations_in_village]),
                ));
            }
            for (key, figures) in &station.payments {
                if version.category(key).is_none() {
                    let known: Vec<&str> = version.categories.iter().map(|c| c.id.as_str()).collect();
                    return Err(error(
                        at(&format!("payments.{key}")),
                        trf(
                            Text::FactsNoCategory,
                            &[&self.month, key, &policy_id, &version.effective_from, &known.join(", ")],
                        ),
                    ));
                }
                if figures.amount < Decimal::ZERO {
                    return Err(error(
                        at(&format!("payments.{key}.amount")),
                        trf(Text::PolicyErrNegative, &[&figures.amount]),
                    ));
                }
            }
            if station.card.valid > station.card.raw {
                return Err(error(
                    at("card_txns"),
                    trf(Text::FactsValidAboveRaw, &[&station.card.valid, &station.card.raw]),
                ));
            }
            for kind in station.referrals.keys() {
                if !version.referral_rates.contains_key(kind) {
                    let known: Vec<&str> = version.referral_rates.keys().map(String::as_str).collect();
                    return Err(error(
                        at(&format!("referrals.{kind}")),
                        trf(
                            Text::FactsUnknownReferral,
                            &[&policy_id, &version.effective_from, &known.join(", ")],
                        ),
                    ));
                }
            }
            self.check_withholding_history(i, station, version)?;
        }
        Ok(())
    }

    /// R14: the earlier months of the quarter, each once, and only when
    /// the version withholds at all.
    fn check_withholding_history(
        &self,
        i: usize,
        station: &StationFacts,
        version: &PolicyVersion,
    ) -> Result<(), FactsError> {
        let history = &station.withholding_history;
        if history.is_empty() {
            return Ok(());
        }
        if version.withholding.is_none() {
            return Err(error(
                format!("stations[{i}].withholding_history"),
                trf(Text::FactsNoWithholding, &[&self.month, &version.effective_from]),
            ));
        }
        for (j, entry) in history.iter().enumerate() {
            let at = |field: &str| format!("stations[{i}].withholding_history[{j}].{field}");
            if !same_quarter_before(entry.month, self.month) {
                return Err(error(
                    at("month"),
                    trf(Text::FactsNotEarlierMonth, &[&entry.month, &self.month]),
                ));
            }
            if history[..j].iter().any(|e| e.month == entry.month) {
                return Err(error(at("month"), trf(Text::PolicyErrTwice, &[&entry.month])));
            }
            if entry.withheld < Decimal::ZERO {
                return Err(error(at("withheld"), trf(Text::PolicyErrNegative, &[&entry.withheld])));
            }
        }
        Ok(())
    }
}
