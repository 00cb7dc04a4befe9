//! The rules engine (RULES.md R1–R10): pure functions over a month's facts
//! under a policy read from TOML. The only place money is computed.

pub mod branch;
pub mod card_cap;
pub mod category;
pub mod config;
pub mod engine;
pub mod facts;
pub mod projection;
pub mod result;
pub mod split;
pub mod station;
pub mod tiers;

#[cfg(test)]
mod rule_tests;

pub use category::PaymentCategory;
pub use config::{Policy, PolicyError};
pub use engine::evaluate;
pub use facts::{BranchFacts, CardCounts, CategoryFacts, FactsError, Kind, MonthFacts, StationFacts};
pub use result::{BranchResult, MonthResult, PersonResult, Role, StationResult, Status, Warning};
