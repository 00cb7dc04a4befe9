//! `bianmin demo`

use anyhow::{bail, Context};
use bianmin::demo::{build_demo, DemoSummary};
use bianmin::i18n::{tr, trf, Text};
use bianmin::month::{parse_date, today_shanghai};
use bianmin::server::db::postgres::copy::copy_from_sqlite;
use bianmin::server::db::postgres::{DbUrl, PgCounty};
use bianmin::server::db::Location;
use bianmin::store::Store;

use crate::cli::Global;

/// The demo county in an existing, empty PostgreSQL database: made in
/// memory exactly as in a SQLite file, then copied in.
fn on_postgres(url: &DbUrl, seed: u64, today: chrono::NaiveDate, force: bool) -> anyhow::Result<()> {
    let county = PgCounty::open(url)?;
    if !county.is_empty()? {
        let hint = if force { tr(Text::PgDemoNoForce) } else { "" };
        bail!("{}", trf(Text::PgDemoNotEmpty, &[&url.shown(), &hint]));
    }
    let mut store = Store::open_in_memory()?;
    let summary = build_demo(&mut store, seed, today)?;
    copy_from_sqlite(&store, &county)?;
    eprintln!("{}", describe(&summary, url.shown()));
    Ok(())
}

pub fn run(global: &Global, seed: u64, today: Option<&str>, force: bool) -> anyhow::Result<()> {
    let path = super::db_path(global);
    let today = match today {
        Some(text) => parse_date(text).map_err(anyhow::Error::msg).context("--today")?,
        None => today_shanghai(),
    };
    if let Location::Postgres(url) = Location::of(&path)? {
        return on_postgres(&url, seed, today, force);
    }
    if path.exists() {
        if !force {
            bail!("{}", trf(Text::DemoExists, &[&path.display()]));
        }
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            if file.exists() {
                std::fs::remove_file(&file).map_err(super::io_failed(Text::CannotRemove, &file))?;
            }
        }
    }
    let mut store = super::open_or_create(global, &path)?;
    let summary = build_demo(&mut store, seed, today)?;
    eprintln!("{}", describe(&summary, &path.display().to_string()));
    Ok(())
}

pub fn describe(s: &DemoSummary, path: &str) -> String {
    trf(
        Text::DemoMade,
        &[
            &path,
            &s.branches,
            &s.people,
            &s.stations,
            &s.first_day,
            &s.last_day,
            &s.notes,
        ],
    )
}
