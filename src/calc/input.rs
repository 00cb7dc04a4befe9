//! CALC.md's input JSON, read strictly: unknown fields, malformed money
//! and dates are refused with the field's path.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};

use crate::money::parse_yuan;
use crate::month::{parse_date, Month};
use crate::policy::{
    BranchFacts, CategoryFacts, FactsError, Kind, MonthFacts, PolicyVersion, StationFacts, WithholdingMonth,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalcInput {
    #[serde(deserialize_with = "month")]
    pub month: Month,
    #[serde(default, deserialize_with = "opt_date")]
    pub as_of: Option<NaiveDate>,
    pub branches: Vec<BranchInput>,
    pub stations: Vec<StationInput>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BranchInput {
    pub id: String,
    pub kind: KindInput,
    #[serde(default)]
    pub plan: Option<u64>,
    pub manager: String,
    pub maintainers: Vec<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindInput {
    Rural,
    Urban,
}

impl From<KindInput> for Kind {
    fn from(k: KindInput) -> Kind {
        match k {
            KindInput::Rural => Kind::Rural,
            KindInput::Urban => Kind::Urban,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationInput {
    pub id: String,
    pub branch: String,
    pub kind: KindInput,
    pub maintainer: String,
    #[serde(default)]
    pub village_households: Option<u64>,
    #[serde(default = "one")]
    pub stations_in_village: u64,
    /// Category id → figures; the categories are the month's version's
    /// (R13), checked by the engine.
    #[serde(default, deserialize_with = "payments")]
    pub payments: BTreeMap<String, CategoryInput>,
    #[serde(default)]
    pub card_txns: Vec<CardTxnInput>,
    #[serde(default)]
    pub referrals: BTreeMap<String, u64>,
    /// R14: the quarter's earlier months.
    #[serde(default)]
    pub withholding_history: Vec<HistoryInput>,
}

fn one() -> u64 {
    1
}

/// `payments`: an object of categories, each once. A JSON object may
/// repeat a key, and a map would keep only the last: refused instead, as
/// with every other field.
fn payments<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, CategoryInput>, D::Error> {
    struct PaymentsVisitor;
    impl<'de> serde::de::Visitor<'de> for PaymentsVisitor {
        type Value = BTreeMap<String, CategoryInput>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of payment categories")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!("duplicate category `{key}`")));
                }
                let value = map.next_value::<CategoryInput>()?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    d.deserialize_map(PaymentsVisitor)
}

/// One earlier month of the quarter (R14).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryInput {
    #[serde(deserialize_with = "month")]
    pub month: Month,
    #[serde(deserialize_with = "yuan")]
    pub withheld: Decimal,
    pub met: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    pub count: u64,
    #[serde(deserialize_with = "yuan")]
    pub amount: Decimal,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardTxnInput {
    pub card: String,
    #[serde(deserialize_with = "date")]
    pub date: NaiveDate,
}

fn yuan<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let text = MoneyText::deserialize(d)?;
    let value = parse_yuan(&text.0).map_err(serde::de::Error::custom)?;
    if value < Decimal::ZERO {
        return Err(serde::de::Error::custom(format!("{:?} is negative", text.0)));
    }
    Ok(value)
}

/// Money must be a JSON string: a JSON number may already have passed
/// through binary floating point in the program that wrote it.
struct MoneyText(String);

impl<'de> Deserialize<'de> for MoneyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<MoneyText, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = MoneyText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("money as a string with at most two decimals, e.g. \"12.50\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<MoneyText, E> {
                Ok(MoneyText(v.to_string()))
            }
        }
        d.deserialize_str(V)
    }
}

fn month<'de, D: Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
    let text = String::deserialize(d)?;
    text.parse().map_err(serde::de::Error::custom)
}

fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    // Parsed straight from the input text where the JSON allows, without
    // an allocation: there is one date per card transaction.
    struct DateVisitor;
    impl serde::de::Visitor<'_> for DateVisitor {
        type Value = NaiveDate;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a date as a string, YYYY-MM-DD")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<NaiveDate, E> {
            parse_date(v).map_err(E::custom)
        }
    }
    d.deserialize_str(DateVisitor)
}

fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(text) => parse_date(&text).map(Some).map_err(serde::de::Error::custom),
    }
}

impl CalcInput {
    /// Turns the input into engine facts, applying the card cap (R1) of
    /// the month's policy version.
    pub fn into_facts(self, version: &PolicyVersion) -> Result<MonthFacts, FactsError> {
        let month = self.month;
        let as_of = self.as_of.unwrap_or_else(|| month.last_day());
        if !month.contains(as_of) {
            return Err(FactsError {
                path: "as_of".into(),
                message: format!("{as_of} is outside the month {month}"),
            });
        }
        let branches = self
            .branches
            .into_iter()
            .map(|b| BranchFacts {
                id: b.id,
                kind: b.kind.into(),
                plan: b.plan,
                manager: b.manager,
                maintainers: b.maintainers,
            })
            .collect();
        let mut stations = Vec::with_capacity(self.stations.len());
        for (i, s) in self.stations.into_iter().enumerate() {
            for (j, txn) in s.card_txns.iter().enumerate() {
                if !month.contains(txn.date) {
                    return Err(FactsError {
                        path: format!("stations[{i}].card_txns[{j}].date"),
                        message: format!("{} is outside the month {month}", txn.date),
                    });
                }
                if txn.date > as_of {
                    return Err(FactsError {
                        path: format!("stations[{i}].card_txns[{j}].date"),
                        message: format!("{} is after as_of {as_of}", txn.date),
                    });
                }
            }
            let card = crate::policy::card_cap::card_counts(
                s.card_txns.iter().map(|t| (t.card.as_str(), t.date)),
                version.card_cap.per_card_per_day,
            );
            let payments = s
                .payments
                .into_iter()
                .map(|(id, p)| {
                    (
                        id,
                        CategoryFacts {
                            count: p.count,
                            amount: p.amount,
                        },
                    )
                })
                .collect();
            let withholding_history = s
                .withholding_history
                .iter()
                .map(|h| WithholdingMonth {
                    month: h.month,
                    withheld: h.withheld,
                    met: h.met,
                })
                .collect();
            stations.push(StationFacts {
                id: s.id,
                branch: s.branch,
                kind: s.kind.into(),
                maintainer: s.maintainer,
                village_households: s.village_households,
                stations_in_village: s.stations_in_village,
                payments,
                card,
                referrals: s.referrals,
                withholding_history,
            });
        }
        Ok(MonthFacts {
            month,
            as_of,
            branches,
            stations,
        })
    }
}
