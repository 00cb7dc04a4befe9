//! bianmin — the library behind the `bianmin` binary.
//!
//! `policy` is the pure rules engine (the only place money is computed);
//! `calc` turns CALC.md's JSON into engine facts and back. Sync is split
//! by role: `wire` (what travels), `sync` (the pure merge and checks),
//! `store::laptop` (the laptop's replica and outbox), `client` (the
//! laptop's side of a sync), `server` (the county server and its storage).

pub mod calc;
pub mod client;
pub mod config;
pub mod county;
pub mod demo;
pub mod errors;
pub mod i18n;
pub mod ingest;
pub mod money;
pub mod month;
pub mod payout;
pub mod plan;
pub mod policy;
pub mod records;
pub mod report;
pub mod server;
pub mod store;
pub mod sync;
pub mod tui;
pub mod wire;
