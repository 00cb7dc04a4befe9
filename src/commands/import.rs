//! `bianmin import KIND FILE`, with a progress bar for files that take
//! more than a second.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bianmin::i18n::{tr, Text};
use bianmin::ingest::{self, ProgressHandle};
use bianmin::policy::Policy;
use bianmin::server::db::postgres::PgCounty;
use bianmin::server::db::Location;
use bianmin::store::import::{ImportSummary, Imports};

use crate::cli::{Global, ImportKindArg};

pub fn run(global: &Global, kind: ImportKindArg, file: &Path) -> anyhow::Result<()> {
    // The file is opened (and its header read) before the database: a
    // file that cannot be read leaves no database behind.
    let location = Location::of(&super::db_path(global))?;
    let open = || -> anyhow::Result<(Box<dyn Imports>, Policy)> {
        match &location {
            Location::Sqlite(path) => {
                let store = super::open_or_create(global, path)?;
                let policy = super::policy_in_effect(global, Some(&store))?;
                Ok((Box::new(store), policy))
            }
            Location::Postgres(url) => {
                let county = PgCounty::open(url)?;
                let policy = super::resolved_policy_from(global, county.stored_policy()?)?.policy;
                Ok((Box::new(county), policy))
            }
        }
    };
    let summary = match kind {
        ImportKindArg::Stations => {
            let rows = ingest::read_stations(file)?;
            let (store, _) = open()?;
            with_progress(rows.progress_handle(), || store.import_stations(rows))?
        }
        ImportKindArg::Plans => {
            let rows = ingest::read_plans(file)?;
            let (store, _) = open()?;
            with_progress(rows.progress_handle(), || store.import_plans(rows))?
        }
        ImportKindArg::Payments => {
            let rows = ingest::read_payments(file)?;
            let (store, policy) = open()?;
            with_progress(rows.progress_handle(), || store.import_payments(rows, &policy))?
        }
        ImportKindArg::Cards => {
            let rows = ingest::read_cards(file)?;
            let (store, policy) = open()?;
            with_progress(rows.progress_handle(), || store.import_cards(rows, &policy))?
        }
        ImportKindArg::Referrals => {
            let rows = ingest::read_referrals(file)?;
            let (store, policy) = open()?;
            with_progress(rows.progress_handle(), || store.import_referrals(rows, &policy))?
        }
        ImportKindArg::People => {
            let rows = ingest::read_people(file)?;
            let (store, _) = open()?;
            with_progress(rows.progress_handle(), || store.import_people(rows))?
        }
        ImportKindArg::Invoices => {
            let rows = ingest::read_invoices(file)?;
            let (store, _) = open()?;
            with_progress(rows.progress_handle(), || store.import_invoices(rows))?
        }
        ImportKindArg::StationPlans => {
            let rows = ingest::read_station_plans(file)?;
            let (store, _) = open()?;
            with_progress(rows.progress_handle(), || store.import_station_plans(rows))?
        }
        ImportKindArg::Distribution => {
            let rows = ingest::read_distribution(file)?;
            let (store, _) = open()?;
            with_progress(rows.progress_handle(), || store.import_distribution(rows))?
        }
    };
    report(&summary);
    Ok(())
}

fn report(summary: &ImportSummary) {
    println!("{summary}");
}

/// Runs the import while a thread draws a progress bar on stderr, from
/// the first second on (short imports stay quiet; a bar is not drawn when
/// stderr is not a terminal).
fn with_progress<T>(handle: ProgressHandle, work: impl FnOnce() -> T) -> T {
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(1) {
                if done.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let total = handle.get().total_bytes;
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(tr(Text::ImportProgress))
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            while !done.load(Ordering::Relaxed) {
                bar.set_position(handle.get().bytes_read);
                std::thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        })
    };
    let result = work();
    done.store(true, Ordering::Relaxed);
    let _ = watcher.join();
    result
}
