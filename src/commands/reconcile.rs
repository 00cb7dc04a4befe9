//! `bianmin reconcile FILE --month M`: the city's allocation against our
//! figures; exit 0 when everything matches to the fen, 1 with the
//! differences. The result is kept as the month's last check.

use std::process::ExitCode;

use anyhow::Context;
use bianmin::i18n::{trf, Text};
use bianmin::ingest;
use bianmin::month::Month;
use bianmin::payout::reconcile::{collect, compare, differences_grid, summary};
use bianmin::payout::PayoutMonth;
use bianmin::store::payout::SavedReconciliation;
use chrono::Utc;

use crate::cli::{Global, ReconcileArgs, ReconcileFormat};

/// Exit status when the allocation differs from our figures.
const EXIT_DIFFERENT: u8 = 1;

pub fn run(global: &Global, args: &ReconcileArgs) -> anyhow::Result<ExitCode> {
    let lang = super::lang(global);
    let month: Month = args.month.parse().map_err(anyhow::Error::msg).context("--month")?;
    let store = super::open_store(global)?;
    let policy = super::policy_in_effect(global, Some(&store))?;
    let file = args.file.display().to_string();
    let rows = ingest::read_allocations(&args.file)?;
    let allocation = collect(&file, rows, month)?;
    let payout = PayoutMonth::load(&store, &policy, month)?;
    super::payout::warn_if_figures_short(&payout);
    let comparison = compare(&payout.report, &allocation);
    store.save_reconciliation(&SavedReconciliation {
        month,
        file_name: file,
        checked_by: super::payout::acting_person(global)?,
        checked_at: Utc::now(),
        checked_on: store.today()?,
        matched: comparison.matched(),
        stations_checked: comparison.stations_checked,
        people_checked: comparison.people_checked,
        ours_fen: comparison.ours_fen,
        theirs_fen: comparison.theirs_fen,
        differences: comparison.differences.clone(),
    })?;
    let grid = differences_grid(&payout.report, &comparison, lang);
    let said = summary(&comparison, lang);
    let out = match args.format {
        ReconcileFormat::Table => {
            let mut text = said;
            if !comparison.matched() {
                text.push('\n');
                text.push_str(&grid.render());
            }
            text
        }
        ReconcileFormat::Csv => {
            eprint!("{said}");
            grid.to_csv()
        }
    };
    super::write_stdout(out.as_bytes())?;
    eprintln!("{}", trf(Text::ReconcileSaved, &[&month]));
    Ok(if comparison.matched() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_DIFFERENT)
    })
}
