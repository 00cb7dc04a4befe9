//! Which database a sync benchmark's server runs on: a SQLite file, or
//! with `BIANMIN_BENCH_DB=postgres` a PostgreSQL database in a throwaway
//! cluster started for the run (the tests' own, tests/sync_support/pg.rs;
//! stopped and deleted when the benchmark ends). The county is always
//! built in a SQLite file first, the same way; on PostgreSQL it is then
//! copied in (as `bianmin demo` does there), so both runs serve the same
//! rows.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use bianmin::server::db::postgres::copy::copy_from_sqlite;
use bianmin::server::db::postgres::{DbUrl, PgCounty};
use bianmin::server::db::Location;
use bianmin::store::Store;

#[allow(dead_code)]
#[path = "../../tests/sync_support/pg.rs"]
mod pg;

pub enum BenchDb {
    Sqlite(PathBuf),
    Postgres(String),
}

impl BenchDb {
    /// The backend `BIANMIN_BENCH_DB` names (`sqlite`, the default, or
    /// `postgres`), for a county built in the SQLite file `built`.
    pub fn from_env(built: &Path) -> BenchDb {
        match std::env::var("BIANMIN_BENCH_DB").as_deref() {
            Ok("postgres") | Ok("postgresql") => {
                let cluster = pg::cluster().expect("BIANMIN_BENCH_DB=postgres needs PostgreSQL's server programs");
                let url = cluster.fresh_db("bench");
                let t = std::time::Instant::now();
                let county = PgCounty::open(&DbUrl::parse(&url).unwrap()).unwrap();
                let rows = copy_from_sqlite(&Store::open(built).unwrap(), &county).unwrap();
                println!(
                    "copied into PostgreSQL: {rows} rows in {:.1} s",
                    t.elapsed().as_secs_f64()
                );
                BenchDb::Postgres(url)
            }
            _ => BenchDb::Sqlite(built.to_path_buf()),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            BenchDb::Sqlite(_) => "SQLite",
            BenchDb::Postgres(_) => "PostgreSQL",
        }
    }

    pub fn location(&self) -> Location {
        match self {
            BenchDb::Sqlite(path) => Location::Sqlite(path.clone()),
            BenchDb::Postgres(url) => Location::Postgres(Box::new(DbUrl::parse(url).unwrap())),
        }
    }

    /// What `--db` is given.
    pub fn arg(&self) -> String {
        match self {
            BenchDb::Sqlite(path) => path.display().to_string(),
            BenchDb::Postgres(url) => url.clone(),
        }
    }

    /// A number from a query (SQL both take).
    pub fn count(&self, sql: &str) -> i64 {
        match self {
            BenchDb::Sqlite(path) => {
                let c = rusqlite::Connection::open(path).unwrap();
                c.busy_timeout(std::time::Duration::from_secs(30)).unwrap();
                let n = c.query_row(sql, [], |r| r.get(0)).unwrap();
                let _ = c.close();
                n
            }
            BenchDb::Postgres(url) => postgres::Client::connect(url, postgres::NoTls)
                .unwrap()
                .query_one(sql, &[])
                .unwrap()
                .get(0),
        }
    }
}

/// The machine's load, as `uptime` says it, for the figures.
pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
