//! `bianmin sync`: push the outbox to the county server, then pull what
//! changed. Connecting once is enough: `--server URL` with the token from
//! `--token`, BIANMIN_TOKEN or a hidden prompt; on success the server,
//! the token and whose it is go into the config file (0600), and later
//! `bianmin sync`, the dashboard's `r` and its background sync need
//! nothing more. Exits 2 with one line on stderr when the server cannot be
//! reached; nothing is lost and the next sync carries on.

use std::io::{BufRead, IsTerminal};

use anyhow::{bail, Context};
use bianmin::client::{sync_with, Checkpoint, SyncOptions};
use bianmin::config::{default_config_path, Config};
use bianmin::i18n::{tr, trf, Text};

use crate::cli::{Global, SyncArgs};

/// Test hook: `BIANMIN_TEST_PAUSE=pull-committed:2` makes sync stop at that
/// point, say so on stderr and wait for a line on stdin, so a test can kill
/// it there (or restart the server) deterministically.
const PAUSE_VAR: &str = "BIANMIN_TEST_PAUSE";

fn pause_hook() -> Option<Box<dyn Fn(Checkpoint) + Send + Sync>> {
    let text = std::env::var(PAUSE_VAR).ok()?;
    let at = Checkpoint::parse(&text)?;
    Some(Box::new(move |reached| {
        if reached == at {
            eprintln!("bianmin: paused at {text} ({PAUSE_VAR})");
            let mut line = String::new();
            let _ = std::io::stdin().lock().read_line(&mut line);
        }
    }))
}

/// "1 record", "2 records" (one word for both in Chinese).
fn count(n: u64, one: Text, many: Text) -> String {
    trf(if n == 1 { one } else { many }, &[&n])
}

/// An instant in China time, as the screens show it.
fn when(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(bianmin::month::china_time)
        .unwrap_or_else(|| tr(Text::Never).to_string())
}

fn status(global: &Global) -> anyhow::Result<()> {
    let store = super::open_store(global)?;
    let s = store.sync_status()?;
    let none = tr(Text::NoneYet).to_string();
    let mut out = String::new();
    let mut line = |label: Text, value: String| out.push_str(&format!("{}: {value}\n", tr(label)));
    line(Text::StatusServer, s.server_url.clone().unwrap_or(none));
    if let Some(me) = store.identity()? {
        let name = me.name.map(|n| format!(" {n}")).unwrap_or_default();
        let role = match me.role.as_str() {
            "manager" => Text::RoleManager,
            "county" => Text::RoleCounty,
            _ => Text::RoleMaintainer,
        };
        line(Text::StatusWho, format!("{}{name} ({})", me.person_id, tr(role)));
    }
    line(Text::StatusLastSuccess, when(s.last_success_at));
    line(Text::StatusLastAttempt, when(s.last_attempt_at));
    if let Some(since) = s.offline_since {
        line(Text::StatusOfflineSince, when(Some(since)));
    }
    if let Some(e) = &s.last_error {
        line(Text::StatusLastError, e.clone());
    }
    line(Text::StatusWaiting, s.pending.to_string());
    line(Text::StatusRefused, s.rejected.to_string());
    for r in store.rejected_records()? {
        out.push_str(&format!("  {r}\n"));
    }
    super::write_stdout(out.as_bytes())
}

/// The token: `--token` or BIANMIN_TOKEN (clap reads both), the config
/// file's for its own server, else typed at a hidden prompt.
fn token(args: &SyncArgs, config: &Config, server: &str) -> anyhow::Result<String> {
    if let Some(token) = &args.token {
        return Ok(token.trim().to_string());
    }
    if let Some(token) = &config.sync.token {
        if config.sync.server.as_deref() == Some(server) {
            return Ok(token.clone());
        }
    }
    if !std::io::stdin().is_terminal() {
        bail!("{}", tr(Text::SyncNoToken));
    }
    let typed = rpassword::prompt_password(trf(Text::TokenPrompt, &[&server])).context(tr(Text::SyncNoToken))?;
    let typed = typed.trim().to_string();
    if typed.is_empty() {
        bail!("{}", tr(Text::SyncNoToken));
    }
    Ok(typed)
}

pub fn run(global: &Global, args: &SyncArgs) -> anyhow::Result<()> {
    if args.status {
        return status(global);
    }
    let config_path = default_config_path();
    let mut config = Config::load(&config_path)?;
    if let Some(warning) = config.exposure_warning(&config_path) {
        eprintln!("{warning}");
    }
    let server = match args.server.clone().or(config.sync.server.clone()) {
        Some(server) => server.trim().to_string(),
        None => bail!("{}", trf(Text::NoServer, &[&config_path.display()])),
    };
    let token = token(args, &config, &server)?;
    let db = super::db_path(global);
    super::open_or_create(global, &db)?;
    let options = SyncOptions {
        page_rows: args.page_rows,
        batch_records: args.batch_records,
        checkpoint: pause_hook(),
        ..SyncOptions::default()
    };
    let report = sync_with(&db, &server, &token, &options)?;

    // Connected: remember the server, the token and whose it is, so that
    // nothing needs typing again (and the token never needs to be on a
    // command line, where other users of the computer can see it).
    let person = report.identity.as_ref().map(|me| me.person_id.clone());
    let changed = config.sync.server.as_deref() != Some(server.as_str())
        || config.sync.token.as_deref() != Some(token.as_str())
        || (person.is_some() && config.person != person);
    if changed {
        config.sync.server = Some(server.clone());
        config.sync.token = Some(token);
        if person.is_some() {
            config.person = person;
        }
        config.save(&config_path)?;
        eprintln!("{}", trf(Text::ConnectedSaved, &[&config_path.display()]));
    }

    let mut out = trf(
        Text::SyncSummary,
        &[
            &report.server,
            &count(report.pushed, Text::RecordsOne, Text::RecordsMany),
            &count(report.pulled_rows, Text::RowsOne, Text::RowsMany),
            &count(report.pull_pages, Text::PagesOne, Text::PagesMany),
            &format!("{:.1}", report.elapsed.as_secs_f64()),
        ],
    );
    out.push('\n');
    if let Some(me) = &report.identity {
        if me.demo {
            out.push_str(tr(Text::ServerIsDemo));
            out.push('\n');
        }
    }
    if !report.rejected.is_empty() {
        let n = report.rejected.len() as u64;
        out.push_str(&trf(
            Text::SyncRefusedSetAside,
            &[&count(n, Text::RecordsOne, Text::RecordsMany)],
        ));
        out.push('\n');
        for r in &report.rejected {
            out.push_str(&format!("  {r}\n"));
        }
    }
    super::write_stdout(out.as_bytes())
}
