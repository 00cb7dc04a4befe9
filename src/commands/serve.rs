//! `bianmin serve`: the county sync server over the database (a SQLite
//! file, or a PostgreSQL database named by a `postgres://` address).

use std::io::Write;
use std::time::Duration;

use bianmin::i18n::{trf, Text};
use bianmin::policy::{PolicySource, ResolvedPolicy};
use bianmin::server::db::postgres::PgCounty;
use bianmin::server::db::Location;
use bianmin::server::{serve, Limits, ServerOptions};

use crate::cli::Global;

/// What `bianmin serve` was given.
pub struct ServeArgs {
    pub listen: String,
    pub max_body_bytes: usize,
    pub max_connections: usize,
    pub header_timeout: u64,
    pub write_wait_ms: u64,
    pub kept_pages_mb: usize,
}

/// Says which policy the server runs under; a policy from `--policy` or
/// the config is kept by `keep` in the database.
fn keep_policy(resolved: &ResolvedPolicy, keep: impl FnOnce(&str, &str) -> anyhow::Result<()>) -> anyhow::Result<()> {
    match &resolved.source {
        PolicySource::Flag(path) | PolicySource::Config(path) => {
            keep(&resolved.text, &path.display().to_string())?;
            eprintln!("{}", trf(Text::ServePolicy, &[&resolved.source]));
        }
        PolicySource::Stored(_) => eprintln!("{}", trf(Text::ServePolicy, &[&resolved.source])),
        PolicySource::BuiltIn => {}
    }
    Ok(())
}

pub fn run(global: &Global, args: &ServeArgs) -> anyhow::Result<()> {
    let path = super::db_path(global);
    let location = Location::of(&path)?;
    // The county's policy (--policy or the config's) is kept in the
    // database, where `report` on it finds it and laptops receive it with
    // who they are: every figure anywhere is evaluated under it.
    match &location {
        Location::Sqlite(db) => {
            let fresh = !db.exists();
            let store = super::open_or_create(global, db)?;
            if fresh {
                eprintln!("{}", trf(Text::ServeNewDatabase, &[&db.display()]));
            } else if store.stations()?.is_empty() {
                eprintln!("{}", trf(Text::ServeNoStations, &[&db.display()]));
            }
            let resolved = super::resolved_policy(global, Some(&store))?;
            keep_policy(&resolved, |text, origin| Ok(store.store_policy(text, origin)?))?;
        }
        Location::Postgres(url) => {
            let county = PgCounty::open(url)?;
            if county.station_count()? == 0 {
                eprintln!("{}", trf(Text::ServeNoStations, &[&url.shown()]));
            }
            let resolved = super::resolved_policy_from(global, county.stored_policy()?)?;
            keep_policy(&resolved, |text, origin| Ok(county.store_policy(text, origin)?))?;
        }
    }
    let options = ServerOptions {
        max_body_bytes: args.max_body_bytes,
        limits: Limits {
            max_connections: args.max_connections,
            header_timeout: Duration::from_secs(args.header_timeout.max(1)),
            ..Limits::default()
        },
        write_wait: Duration::from_millis(args.write_wait_ms),
        kept_page_bytes: args.kept_pages_mb.saturating_mul(1 << 20),
        warm_county_pages: args.kept_pages_mb > 0,
    };
    let shown = location.shown();
    serve(&location, &args.listen, &options, |addr| {
        // Tests and scripts read the address from this line.
        println!("listening on http://{addr}");
        let _ = std::io::stdout().flush();
        eprintln!("{}", trf(Text::ServeListening, &[&shown]));
    })
    .map_err(|e| anyhow::anyhow!(trf(Text::ServeFailed, &[&shown, &e])))?;
    Ok(())
}
