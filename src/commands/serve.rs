//! `bianmin serve`: the county sync server over the database.

use std::io::Write;

use anyhow::Context;
use bianmin::server::{serve, ServerOptions};

use crate::cli::Global;

pub fn run(global: &Global, listen: &str, max_body_bytes: usize) -> anyhow::Result<()> {
    let db = super::db_path(global);
    if !db.exists() {
        eprintln!(
            "bianmin serve: {} does not exist yet; it is made empty. Load the county first: bianmin import stations FILE --db {}",
            db.display(),
            db.display()
        );
    } else {
        let stations: i64 = super::open_store(global)?
            .conn()
            .query_row("SELECT count(*) FROM stations", [], |r| r.get(0))?;
        if stations == 0 {
            eprintln!(
                "bianmin serve: {} holds no station yet; laptops will receive nothing",
                db.display()
            );
        }
    }
    let options = ServerOptions { max_body_bytes };
    serve(&db, listen, &options, |addr| {
        // Tests and scripts read the address from this line.
        println!("listening on http://{addr}");
        let _ = std::io::stdout().flush();
        eprintln!(
            "bianmin serve: database {}; Ctrl-C stops. Tokens: bianmin user add --db {} --person ID --role ROLE",
            db.display(),
            db.display()
        );
    })
    .with_context(|| format!("bianmin serve --db {}", db.display()))?;
    Ok(())
}
