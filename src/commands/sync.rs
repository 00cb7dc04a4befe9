//! `bianmin sync`: push the outbox to the county server, then pull what
//! changed. Exits 2 with one line on stderr when the server cannot be
//! reached; nothing is lost and the next sync carries on.

use std::io::BufRead;

use anyhow::Context;
use bianmin::config::{default_config_path, Config};
use bianmin::sync::{sync_with, Checkpoint, SyncOptions};

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

fn when(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| {
        t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    })
    .unwrap_or_else(|| "never".into())
}

pub fn run(global: &Global, args: &SyncArgs) -> anyhow::Result<()> {
    let db = super::db_path(global);
    if args.status {
        let store = super::open_store(global)?;
        let s = store.sync_status()?;
        let mut out = format!(
            "server: {}\nlast success: {}\nlast attempt: {}\n",
            s.server_url.as_deref().unwrap_or("none yet"),
            when(s.last_success_at),
            when(s.last_attempt_at)
        );
        if let Some(since) = s.offline_since {
            out.push_str(&format!("offline since: {}\n", when(Some(since))));
        }
        if let Some(e) = &s.last_error {
            out.push_str(&format!("last error: {e}\n"));
        }
        out.push_str(&format!(
            "waiting to be sent: {}\nrefused by the server: {}\n",
            s.pending, s.rejected
        ));
        for r in store.rejected_records()? {
            out.push_str(&format!("  {r}\n"));
        }
        return super::write_stdout(out.as_bytes());
    }
    let config_path = default_config_path();
    let config = Config::load(&config_path)?;
    let server = args.server.clone().or(config.sync.server).with_context(|| {
        format!(
            "no county server: give --server URL, or set server under [sync] in {}",
            config_path.display()
        )
    })?;
    let token = args.token.clone().or(config.sync.token).with_context(|| {
        format!(
            "no token: give --token TOKEN (from bianmin user add on the server), or set token under [sync] in {}",
            config_path.display()
        )
    })?;
    let options = SyncOptions {
        page_rows: args.page_rows,
        batch_records: args.batch_records,
        checkpoint: pause_hook(),
        ..SyncOptions::default()
    };
    let report = sync_with(&db, &server, &token, &options)?;
    let mut out = format!(
        "synced with {}: sent {} record{}, received {} row{} in {} page{} ({:.1} s)\n",
        report.server,
        report.pushed,
        if report.pushed == 1 { "" } else { "s" },
        report.pulled_rows,
        if report.pulled_rows == 1 { "" } else { "s" },
        report.pull_pages,
        if report.pull_pages == 1 { "" } else { "s" },
        report.elapsed.as_secs_f64()
    );
    if !report.rejected.is_empty() {
        out.push_str(&format!(
            "{} record{} refused by the server and set aside (see bianmin note list):\n",
            report.rejected.len(),
            if report.rejected.len() == 1 { "" } else { "s" }
        ));
        for r in &report.rejected {
            out.push_str(&format!("  {r}\n"));
        }
    }
    super::write_stdout(out.as_bytes())
}
