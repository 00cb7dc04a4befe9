//! `bianmin` with no command: the dashboard on the local database. With
//! no database yet the demo county is loaded first (the header says so).
//! When standard output is not a terminal, this month's report is printed
//! instead.

use std::io::IsTerminal;

use anyhow::Context;
use bianmin::config::{default_config_path, Config};
use bianmin::demo::{build_demo, DEFAULT_SEED};
use bianmin::i18n::Lang;
use bianmin::month::today_shanghai;
use bianmin::report::build_report;
use bianmin::report::table::render_table;
use bianmin::store::Store;
use bianmin::tui::theme::Theme;
use bianmin::tui::App;

use crate::cli::Global;

pub fn run(global: &Global) -> anyhow::Result<()> {
    let config_path = default_config_path();
    let mut config = Config::load(&config_path)?;
    let path = super::db_path(global);
    let fresh = !path.exists();
    let mut store = Store::open(&path)?;
    if fresh {
        let summary = build_demo(&mut store, DEFAULT_SEED, today_shanghai())?;
        eprintln!("{}", super::demo::describe(&summary, &path.display().to_string()));
        eprintln!("No database was there yet, so this is the demo county. Import real data with `bianmin import`.");
    }
    let policy = super::policy_in_effect(global, Some(&store))?;
    let lang = match (global.lang, config.lang.as_deref().and_then(Lang::parse)) {
        (Some(_), _) | (None, None) => super::lang(global),
        (None, Some(lang)) => lang,
    };

    if !std::io::stdout().is_terminal() {
        let month = store.default_month()?;
        let report = build_report(&store, &policy, month, None, None)?;
        super::write_stdout(render_table(&report, lang).as_bytes())?;
        return Ok(());
    }

    let person = global.person.clone().or_else(|| config.person.clone());
    let mut app = App::new(store, policy, lang, person.as_deref())?;
    app.theme = Theme::from_env(config.colours);
    app.sync.configured = config.sync.server.is_some();
    if let (Some(server), Some(token)) = (&config.sync.server, &config.sync.token) {
        let minutes = config.sync.interval_minutes.unwrap_or(5).max(1);
        app.background = Some(bianmin::tui::background::BackgroundSync::new(
            path.clone(),
            server.clone(),
            token.clone(),
            std::time::Duration::from_secs(minutes * 60),
            std::time::Instant::now(),
        ));
    }
    bianmin::tui::run(&mut app, !global.no_mouse).context("the dashboard")?;
    if let Some(picked) = app.picked_person.take() {
        config.person = Some(picked);
        config.save(&config_path)?;
        eprintln!(
            "{}: saved who you are; change it there or with --as",
            config_path.display()
        );
    }
    Ok(())
}
