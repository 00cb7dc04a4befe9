//! `bianmin demo`

use anyhow::{bail, Context};
use bianmin::demo::{build_demo, DemoSummary};
use bianmin::i18n::{trf, Text};
use bianmin::month::{parse_date, today_shanghai};

use crate::cli::Global;

pub fn run(global: &Global, seed: u64, today: Option<&str>, force: bool) -> anyhow::Result<()> {
    let path = super::db_path(global);
    let today = match today {
        Some(text) => parse_date(text).map_err(anyhow::Error::msg).context("--today")?,
        None => today_shanghai(),
    };
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
