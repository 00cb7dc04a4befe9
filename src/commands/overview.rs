//! `bianmin` with no command: the dashboard. It opens the real database
//! when there is one (sync fills it); until then the demo county, which
//! lives in a file of its own (`demo.db` beside the real one) and is made
//! on the first run, marked as demo everywhere. When standard output is
//! not a terminal, this month's report is printed instead.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use bianmin::config::{default_config_path, Config};
use bianmin::demo::{build_demo, DEFAULT_SEED};
use bianmin::i18n::{tr, trf, Text};
use bianmin::month::today_shanghai;
use bianmin::report::build_report;
use bianmin::report::table::render_table;
use bianmin::store::{default_db_path, default_demo_path, Store};
use bianmin::tui::theme::Theme;
use bianmin::tui::App;

use crate::cli::Global;

/// Moves a database and its WAL side files.
fn move_database(from: &Path, to: &Path) -> anyhow::Result<()> {
    {
        // Everything into the main file first, so the side files can go.
        let store = Store::open(from)?;
        store
            .checkpoint_wal()
            .map_err(|e| anyhow::anyhow!(trf(Text::DemoCannotMove, &[&from.display(), &e])))?;
    }
    std::fs::rename(from, to).map_err(|e| {
        anyhow::anyhow!(trf(
            Text::CannotMove,
            &[&from.display(), &to.display(), &bianmin::errors::io_text(&e)]
        ))
    })?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", from.display()));
        if side.exists() {
            let _ = std::fs::remove_file(side);
        }
    }
    Ok(())
}

/// The database the dashboard opens: `--db`, else the real one, else the
/// demo (made now if this is the first run).
fn database(global: &Global) -> anyhow::Result<PathBuf> {
    if let Some(path) = &global.db {
        super::open_existing(path)?;
        return Ok(path.clone());
    }
    let real = default_db_path();
    let demo = default_demo_path();
    if real.exists() {
        // An earlier bianmin made the demo county in the real database's
        // place: it moves to its own file, where it belongs.
        let holds_demo = Store::open(&real)?.is_demo()?;
        if !holds_demo {
            return Ok(real);
        }
        if demo.exists() {
            std::fs::remove_file(&demo).map_err(super::io_failed(Text::CannotReplace, &demo))?;
        }
        move_database(&real, &demo)?;
        eprintln!("{}", trf(Text::DemoMoved, &[&demo.display()]));
    }
    if !demo.exists() {
        if let Some(dir) = demo.parent() {
            std::fs::create_dir_all(dir).map_err(super::io_failed(Text::CannotCreate, dir))?;
        }
        let mut store = Store::open(&demo)?;
        let summary = build_demo(&mut store, DEFAULT_SEED, today_shanghai())?;
        eprintln!("{}", super::demo::describe(&summary, &demo.display().to_string()));
        eprintln!("{}", tr(Text::FirstRunDemo));
    }
    Ok(demo)
}

pub fn run(global: &Global) -> anyhow::Result<()> {
    let config_path = default_config_path();
    let mut config = Config::load(&config_path)?;
    if let Some(warning) = config.exposure_warning(&config_path) {
        eprintln!("{warning}");
    }
    let path = database(global)?;
    let store = Store::open(&path)?;
    let policy = super::policy_in_effect(global, Some(&store))?;
    let lang = super::lang(global);
    // Who is looking: decided (and --as checked against the laptop's
    // token) before anything is shown, on a screen or not.
    let person = super::viewer(global, &store, &config)?;
    // `--as` names someone the database must know: a typo is an error,
    // not a silent fall back to the picker.
    if let Some(asked) = &global.person {
        if asked != "county" && bianmin::tui::data::Viewer::resolve(&store, asked)?.is_none() {
            anyhow::bail!(trf(Text::DashUnknownAs, &[asked, &path.display()]));
        }
    }

    if !std::io::stdout().is_terminal() {
        let month = store.default_month()?;
        let report = build_report(&store, &policy, month, None, None)?;
        super::write_stdout(render_table(&report, lang).as_bytes())?;
        return Ok(());
    }

    let syncs = store.queues_records()?;
    let worker = bianmin::tui::Worker::new(store, policy)?;
    let boot = worker.boot(person.as_deref())?;
    let mut app = App::new(boot, lang);
    app.theme = Theme::from_env(config.colours);
    app.sync.configured = syncs && config.sync.server.is_some();
    let mut target = None;
    if let (true, Some(server), Some(token)) = (syncs, &config.sync.server, &config.sync.token) {
        let minutes = config.sync.interval_minutes.unwrap_or(5).max(1);
        app.schedule = Some(bianmin::tui::background::BackgroundSync::new(
            std::time::Duration::from_secs(minutes * 60),
            std::time::Instant::now(),
        ));
        target = Some(bianmin::tui::background::SyncTarget {
            db_path: path.clone(),
            server: server.clone(),
            token: token.clone(),
        });
    }
    let worker = bianmin::tui::WorkerThread::spawn(worker, target);
    bianmin::tui::run(&mut app, worker, !global.no_mouse)
        .map_err(|e| anyhow::anyhow!(trf(Text::DashboardFailed, &[&e])))?;
    if let Some(picked) = app.picked_person.take() {
        config.person = Some(picked);
        config.save(&config_path)?;
        eprintln!("{}", trf(Text::PersonSaved, &[&config_path.display()]));
    }
    Ok(())
}
