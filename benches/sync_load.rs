//! Load: laptops syncing at once against the county server, on loopback
//! only.
//!
//! The demo county served by `bianmin serve` processes of this build
//! (127.0.0.1, free ports); laptop threads, each with its own database and
//! token (four in five for maintainers, the rest for branch managers and
//! the county office), spread over the servers in turn. All start
//! together: a first pull, then `ROUNDS` rounds of writing a few notes and
//! syncing. Bounded in count (laptops × (1 + ROUNDS) syncs) and in time
//! (no new round after `DEADLINE`); it stops by itself. Prints errors and
//! the latency of a sync (p50, p90, p99, max), and the machine's load.
//! Never asserted.
//!
//! `cargo bench --bench sync_load`; with
//! - `BIANMIN_BENCH_DB=postgres`: the database in PostgreSQL (a throwaway
//!   cluster, benches/support/backend.rs);
//! - `BIANMIN_BENCH_LAPTOPS=200`: that many laptops (default 50);
//! - `BIANMIN_BENCH_SERVERS=2`: that many `serve` processes on the one
//!   database (PostgreSQL only; default 1);
//! - `BIANMIN_BENCH_IMPORT=1`: payment imports running meanwhile, one
//!   after another, each of 60,000 new transactions;
//! - `BIANMIN_BENCH_FETCH_ONLY=1`: each laptop fetches and parses every
//!   page of its first pull (as `sync` does, `/me` then `/pull` from 0 to
//!   the last page) but writes no SQLite file, and there are no later
//!   rounds. In the field every laptop is its own computer; here all of
//!   them share the server's two cores, so the default mode measures
//!   mostly the laptops' own writing, and this one the server's capacity
//!   for that many first pulls at once.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use bianmin::client::{sync_once, Client, SyncError};
use bianmin::demo::build_demo;
use bianmin::records::{NewNote, NoteKind};
use bianmin::server::db::Role;
use bianmin::store::Store;
use chrono::{NaiveDate, Utc};

#[path = "support/backend.rs"]
mod backend;

const ROUNDS: usize = 5;
const NOTES_PER_ROUND: usize = 4;
const DEADLINE: Duration = Duration::from_secs(180);
const BIN: &str = env!("CARGO_BIN_EXE_bianmin");

struct Laptop {
    db: PathBuf,
    person: String,
    token: String,
    url: String,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn describe(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name}: {} syncs; p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        times.len(),
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.90)),
        ms(percentile(&times, 0.99)),
        ms(times.last().copied().unwrap_or_default())
    );
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A `bianmin serve` process, killed when dropped.
struct Serve(Child, String);

impl Serve {
    fn start(db: &str) -> Serve {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--db", db])
            .env("BIANMIN_CONFIG", "/nonexistent/bianmin-bench.toml")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line.trim().strip_prefix("listening on ").expect(&line).to_string();
        Serve(child, url)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A payments file of 60,000 new transactions over the demo's stations.
fn payments_file(dir: &Path, stations: &[String], batch: usize) -> PathBuf {
    let mut text = String::from("交易流水号,站点编码,交易时间,业务类型,金额\n");
    for i in 0..60_000usize {
        let station = &stations[i % stations.len()];
        text.push_str(&format!(
            "BENCH{batch:03}{i:06},{station},2026-11-{:02} 10:{:02}:00,电费,{}.00\n",
            1 + i % 26,
            i % 60,
            10 + i % 90
        ));
    }
    let path = dir.join(format!("payments-{batch}.csv"));
    std::fs::write(&path, text).unwrap();
    path
}

/// A first pull as the laptop's fetching thread makes it (`/me`, then
/// every page from revision 0, each parsed into the wire types), with
/// nothing written: the rows it received.
fn fetch_first_pull(laptop: &Laptop) -> Result<u64, SyncError> {
    let client = Client::new(&laptop.url, &laptop.token)?;
    client.me()?;
    let (mut after, mut rows) = (0, 0);
    loop {
        let page = client.pull(after, bianmin::wire::DEFAULT_PAGE_ROWS)?;
        rows += page.row_count();
        if !page.more || page.next <= after {
            return Ok(rows);
        }
        after = page.next;
    }
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("benches/sync_load.rs: run with `cargo bench --bench sync_load`");
        return;
    }
    let laptop_count = env_number("BIANMIN_BENCH_LAPTOPS", 50);
    let with_import = std::env::var("BIANMIN_BENCH_IMPORT").is_ok_and(|v| v == "1");
    let fetch_only = std::env::var("BIANMIN_BENCH_FETCH_ONLY").is_ok_and(|v| v == "1");
    let dir = tempfile::tempdir().unwrap();
    let built = dir.path().join("county.db");
    let mut store = Store::open(&built).unwrap();
    build_demo(
        &mut store,
        bianmin::demo::DEFAULT_SEED,
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    )
    .unwrap();
    let ids = |sql: &str| -> Vec<String> {
        let mut stmt = store.sql_for_tests().prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let maintainers = ids("SELECT DISTINCT maintainer_id FROM stations ORDER BY 1");
    let managers = ids("SELECT manager_id FROM branches ORDER BY 1");
    let stations = ids("SELECT id FROM stations WHERE status = 'open' ORDER BY 1");
    drop(store);
    let db = backend::BenchDb::from_env(&built);
    let server_count = match db {
        backend::BenchDb::Postgres(_) => env_number("BIANMIN_BENCH_SERVERS", 1).max(1),
        backend::BenchDb::Sqlite(_) => 1,
    };
    let accounts = db.location().open_server_db(Duration::from_secs(10)).unwrap();
    let now = Utc::now();
    accounts
        .add_account("county", Role::County, Some("县局平台办"), now)
        .unwrap();
    let servers: Vec<Serve> = (0..server_count).map(|_| Serve::start(&db.arg())).collect();
    let laptops: Vec<Laptop> = (0..laptop_count)
        .map(|i| {
            let (person, role) = match i % 25 {
                0..20 => (maintainers[i % maintainers.len()].clone(), Role::Maintainer),
                20..24 => (managers[i % managers.len()].clone(), Role::Manager),
                _ => ("county".to_string(), Role::County),
            };
            let token = accounts.add_account(&person, role, None, now).unwrap();
            Laptop {
                db: dir.path().join(format!("laptop-{i:03}.db")),
                person,
                token,
                url: servers[i % servers.len()].1.clone(),
            }
        })
        .collect();
    drop(accounts);
    if fetch_only {
        println!(
            "{laptop_count} laptops against {server_count} `serve` process(es) on {}{}: a first pull each, \
             fetched and parsed, not written (BIANMIN_BENCH_FETCH_ONLY); load average {}",
            db.name(),
            if with_import { ", imports running" } else { "" },
            backend::load()
        );
    } else {
        println!(
            "{laptop_count} laptops against {server_count} `serve` process(es) on {}{}: a first pull each, \
             then {ROUNDS} rounds of {NOTES_PER_ROUND} notes and a sync; load average {}",
            db.name(),
            if with_import { ", imports running" } else { "" },
            backend::load()
        );
    }

    // Imports, one after another, for as long as the laptops sync.
    let done = Arc::new(AtomicBool::new(false));
    let importer = with_import.then(|| {
        let (done, arg, dir, stations) = (done.clone(), db.arg(), dir.path().to_path_buf(), stations.clone());
        std::thread::spawn(move || {
            let mut imported = Vec::new();
            for batch in 0..20 {
                if done.load(Ordering::Relaxed) {
                    break;
                }
                let file = payments_file(&dir, &stations, batch);
                let t = Instant::now();
                let out = Command::new(BIN)
                    .args(["import", "payments"])
                    .arg(&file)
                    .args(["--db", &arg])
                    .env("BIANMIN_CONFIG", "/nonexistent/bianmin-bench.toml")
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                imported.push(t.elapsed());
            }
            imported
        })
    });

    let start = Instant::now();
    let barrier = Arc::new(Barrier::new(laptop_count));
    let first = Arc::new(Mutex::new(Vec::new()));
    let later = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let notes_sent = Arc::new(Mutex::new(0u64));
    std::thread::scope(|scope| {
        for (i, laptop) in laptops.iter().enumerate() {
            let (barrier, first, later, errors, notes_sent) = (
                barrier.clone(),
                first.clone(),
                later.clone(),
                errors.clone(),
                notes_sent.clone(),
            );
            scope.spawn(move || {
                barrier.wait();
                let t = Instant::now();
                if fetch_only {
                    match fetch_first_pull(laptop) {
                        Ok(_) => first.lock().unwrap().push(t.elapsed()),
                        Err(e) => errors.lock().unwrap().push(format!("laptop {i}: first pull: {e}")),
                    }
                    return;
                }
                match sync_once(&laptop.db, &laptop.url, &laptop.token) {
                    Ok(_) => first.lock().unwrap().push(t.elapsed()),
                    Err(e) => {
                        errors.lock().unwrap().push(format!("laptop {i}: first pull: {e}"));
                        return;
                    }
                }
                // A station the laptop's person may write on: their own
                // (a maintainer's), else the first (a manager's, the county's).
                let station: Option<String> = {
                    let stations = Store::open(&laptop.db).unwrap().stations().unwrap();
                    stations
                        .iter()
                        .find(|s| s.maintainer_id == laptop.person)
                        .or(stations.first())
                        .map(|s| s.id.clone())
                };
                for round in 0..ROUNDS {
                    if start.elapsed() > DEADLINE {
                        break;
                    }
                    if let Some(station) = &station {
                        let store = Store::open(&laptop.db).unwrap();
                        for n in 0..NOTES_PER_ROUND {
                            store
                                .add_note(
                                    &NewNote {
                                        station_id: station.clone(),
                                        author_id: laptop.person.clone(),
                                        visited_on: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
                                        kind: NoteKind::Other,
                                        body: format!("负载测试 laptop {i} round {round} note {n}"),
                                        follow_up_on: None,
                                    },
                                    Utc::now(),
                                )
                                .unwrap();
                        }
                    }
                    let t = Instant::now();
                    match sync_once(&laptop.db, &laptop.url, &laptop.token) {
                        Ok(report) => {
                            later.lock().unwrap().push(t.elapsed());
                            *notes_sent.lock().unwrap() += report.pushed;
                            for r in report.rejected {
                                errors.lock().unwrap().push(format!("laptop {i}: refused {r}"));
                            }
                        }
                        Err(e) => errors.lock().unwrap().push(format!("laptop {i}: {e}")),
                    }
                }
            });
        }
    });
    let wall = start.elapsed();
    done.store(true, Ordering::Relaxed);
    let errors = errors.lock().unwrap().clone();
    println!(
        "done in {:.1} s; {} errors; {} notes sent; load average {}",
        wall.as_secs_f64(),
        errors.len(),
        notes_sent.lock().unwrap(),
        backend::load()
    );
    for e in errors.iter().take(10) {
        println!("  {e}");
    }
    describe("first pull", first.lock().unwrap().clone());
    if !fetch_only {
        describe(
            "later syncs (push 4 notes, pull changes)",
            later.lock().unwrap().clone(),
        );
    }
    if let Some(importer) = importer {
        let imports = importer.join().unwrap();
        let secs: Vec<String> = imports.iter().map(|d| format!("{:.1}", d.as_secs_f64())).collect();
        println!(
            "imports meanwhile: {} of 60,000 payments each, in {} s",
            imports.len(),
            secs.join(", ")
        );
    }
    println!(
        "notes on the server: {}",
        db.count("SELECT count(*) FROM visit_notes WHERE body LIKE '负载测试 %'")
    );
    drop(servers);
}
