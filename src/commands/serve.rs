//! `bianmin serve`: the county sync server over the database.

use std::io::Write;
use std::time::Duration;

use bianmin::i18n::{trf, Text};
use bianmin::policy::PolicySource;
use bianmin::server::{serve, Limits, ServerOptions};

use crate::cli::Global;

/// What `bianmin serve` was given.
pub struct ServeArgs {
    pub listen: String,
    pub max_body_bytes: usize,
    pub max_connections: usize,
    pub header_timeout: u64,
    pub write_wait_ms: u64,
}

pub fn run(global: &Global, args: &ServeArgs) -> anyhow::Result<()> {
    let db = super::db_path(global);
    let fresh = !db.exists();
    let store = super::open_or_create(global, &db)?;
    if fresh {
        eprintln!("{}", trf(Text::ServeNewDatabase, &[&db.display()]));
    } else if store.stations()?.is_empty() {
        eprintln!("{}", trf(Text::ServeNoStations, &[&db.display()]));
    }
    // The county's policy (--policy or the config's) is kept in the
    // database, where `report` on it finds it and laptops receive it with
    // who they are: every figure anywhere is evaluated under it.
    let resolved = super::resolved_policy(global, Some(&store))?;
    match &resolved.source {
        PolicySource::Flag(path) | PolicySource::Config(path) => {
            store.store_policy(&resolved.text, &path.display().to_string())?;
            eprintln!("{}", trf(Text::ServePolicy, &[&resolved.source]));
        }
        PolicySource::Stored(_) => eprintln!("{}", trf(Text::ServePolicy, &[&resolved.source])),
        PolicySource::BuiltIn => {}
    }
    drop(store);
    let options = ServerOptions {
        max_body_bytes: args.max_body_bytes,
        limits: Limits {
            max_connections: args.max_connections,
            header_timeout: Duration::from_secs(args.header_timeout.max(1)),
            ..Limits::default()
        },
        write_wait: Duration::from_millis(args.write_wait_ms),
    };
    serve(&db, &args.listen, &options, |addr| {
        // Tests and scripts read the address from this line.
        println!("listening on http://{addr}");
        let _ = std::io::stdout().flush();
        eprintln!("{}", trf(Text::ServeListening, &[&db.display()]));
    })
    .map_err(|e| anyhow::anyhow!(trf(Text::ServeFailed, &[&db.display(), &e])))?;
    Ok(())
}
