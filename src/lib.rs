//! bianmin — the library behind the `bianmin` binary.
//!
//! `policy` is the pure rules engine (the only place money is computed);
//! `calc` turns CALC.md's JSON into engine facts and back.

pub mod calc;
pub mod config;
pub mod county;
pub mod demo;
pub mod i18n;
pub mod ingest;
pub mod money;
pub mod month;
pub mod policy;
pub mod report;
pub mod server;
pub mod store;
pub mod sync;
pub mod tui;
