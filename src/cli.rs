//! The command line: clap definitions only; `main` dispatches.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "bianmin",
    version,
    about = "便民 — the convenience-station maintainer's dashboard",
    long_about = "便民 (bianmin): figures, rewards and penalties of China Post's convenience \
                  service stations (便民服务站), computed exactly under the county's policy."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate one month of facts (JSON, see CALC.md) under the policy and
    /// print the result as JSON.
    Calc {
        /// The input JSON file, or - for standard input.
        file: String,
        /// Evaluate under this policy file instead of the built-in Dezhou 2012 policy.
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
    },
    /// Print the built-in policy file (to copy and adapt with --policy).
    Policy,
}
