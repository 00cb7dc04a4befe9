//! `bianmin` with no command: this month from the local database. With no
//! database yet, the demo county is loaded first, and the output says so.

use bianmin::demo::{build_demo, DEFAULT_SEED};
use bianmin::month::today_shanghai;
use bianmin::report::build_report;
use bianmin::report::table::render_table;
use bianmin::store::Store;

use crate::cli::Global;

pub fn run(global: &Global) -> anyhow::Result<()> {
    let path = super::db_path(global);
    let fresh = !path.exists();
    let mut store = Store::open(&path)?;
    if fresh {
        let summary = build_demo(&mut store, DEFAULT_SEED, today_shanghai())?;
        eprintln!(
            "{}",
            super::demo::describe(&summary, &path.display().to_string())
        );
        eprintln!("No database was there yet, so this is the demo county. Import real data with `bianmin import`.");
    }
    let policy = super::policy(global)?;
    let month = store.default_month()?;
    let report = build_report(&store, &policy, month, None, None)?;
    super::write_stdout(render_table(&report, super::lang(global)).as_bytes())?;
    eprintln!("Commands: bianmin --help");
    Ok(())
}
