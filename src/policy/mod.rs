//! The rules engine (RULES.md R1–R16): pure functions over a month's facts
//! under a dated policy read from TOML. The only place money is computed.

pub mod benchmarks;
pub mod branch;
pub mod card_cap;
pub mod category;
pub mod checked;
pub mod config;
pub mod engine;
pub mod exit;
pub mod facts;
mod file;
pub mod lifecycle;
pub mod projection;
pub mod result;
pub mod source;
pub mod split;
pub mod station;
pub mod tiers;
pub mod withholding;

#[cfg(test)]
mod rule_tests;

pub use category::{Category, CategoryRule};
pub use config::{NoVersion, Policy, PolicyError, PolicyVersion};
pub use engine::{evaluate, evaluate_under};
pub use facts::{BranchFacts, CardCounts, CategoryFacts, FactsError, Kind, MonthFacts, StationFacts, WithholdingMonth};
pub use result::{BranchResult, CategoryLabel, MonthResult, PersonResult, Role, StationResult, Status, Warning};
pub use source::{resolve_policy, PolicyChoice, PolicySource, ResolvedPolicy};
pub use withholding::WithholdingResult;
