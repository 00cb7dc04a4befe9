//! Writes the benchmarks' synthetic month (10,000 stations in 200 branches,
//! 300,000 card transactions) as `bianmin calc` input JSON (CALC.md).
//!
//! `cargo run --release --example gen_calc_input -- [AS_OF_DAY] > month.json`
//! AS_OF_DAY is the day of 2026-10 the data runs through: 31 (the default)
//! gives actual figures, an earlier day projected ones.

use std::io::Write;
use std::process::ExitCode;

#[path = "../benches/synthetic/mod.rs"]
mod synthetic;

fn main() -> ExitCode {
    let day = match std::env::args().nth(1).map(|a| a.parse::<u32>()) {
        None => synthetic::DAYS,
        Some(Ok(day)) if (1..=synthetic::DAYS).contains(&day) => day,
        Some(_) => {
            eprintln!("usage: gen_calc_input [AS_OF_DAY 1..=31] > FILE.json");
            return ExitCode::from(2);
        }
    };
    let month = synthetic::SynMonth::generate(day);
    let json = month.to_json();
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(json.as_bytes()).and_then(|()| out.flush()) {
        eprintln!("gen_calc_input: cannot write: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "gen_calc_input: {} stations, {} branches, {} card transactions, as_of {}, {} bytes",
        month.stations.len(),
        month.branches.len(),
        month.card_txn_count(),
        month.as_of(),
        json.len()
    );
    ExitCode::SUCCESS
}
