//! Load: 50 laptops syncing at once against one server, on loopback only.
//!
//! The demo county on a server in this process (127.0.0.1, a free port);
//! 50 laptop threads, each with its own database and token (40 for
//! maintainers, 8 for branch managers, 2 for the county office). All start
//! together: a first pull, then `ROUNDS` rounds of writing a few notes and
//! syncing. Bounded in count (50 × (1 + ROUNDS) syncs) and in time (no new
//! round after `DEADLINE`); it stops by itself. Prints errors and the
//! latency of a sync (p50, p90, p99, max). Never asserted.
//!
//! `cargo bench --bench sync_load`

use std::path::PathBuf;
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use bianmin::client::sync_once;
use bianmin::demo::build_demo;
use bianmin::records::{NewNote, NoteKind};
use bianmin::server::db::{Role, ServerDb, SqliteServerDb};
use bianmin::server::{spawn, ServerOptions};
use bianmin::store::Store;
use chrono::{NaiveDate, Utc};

const LAPTOPS: usize = 50;
const ROUNDS: usize = 5;
const NOTES_PER_ROUND: usize = 4;
const DEADLINE: Duration = Duration::from_secs(120);

struct Laptop {
    db: PathBuf,
    person: String,
    token: String,
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

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("benches/sync_load.rs: run with `cargo bench --bench sync_load`");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server_db = dir.path().join("county.db");
    let mut store = Store::open(&server_db).unwrap();
    build_demo(
        &mut store,
        bianmin::demo::DEFAULT_SEED,
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    )
    .unwrap();
    let ids = |sql: &str| -> Vec<String> {
        let mut stmt = store.conn().prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let maintainers = ids("SELECT DISTINCT maintainer_id FROM stations ORDER BY 1");
    let managers = ids("SELECT manager_id FROM branches ORDER BY 1");
    drop(store);
    let accounts = SqliteServerDb::open(&server_db).unwrap();
    let now = Utc::now();
    accounts
        .add_account("county", Role::County, Some("县局平台办"), now)
        .unwrap();
    let laptops: Vec<Laptop> = (0..LAPTOPS)
        .map(|i| {
            let (person, role) = match i {
                0..40 => (maintainers[i % maintainers.len()].clone(), Role::Maintainer),
                40..48 => (managers[(i - 40) % managers.len()].clone(), Role::Manager),
                _ => ("county".to_string(), Role::County),
            };
            let token = accounts.add_account(&person, role, None, now).unwrap();
            Laptop {
                db: dir.path().join(format!("laptop-{i:02}.db")),
                person,
                token,
            }
        })
        .collect();
    drop(accounts);

    let server = spawn(&server_db, "127.0.0.1:0", &ServerOptions::default()).unwrap();
    let url = server.url();
    println!(
        "{LAPTOPS} laptops against {url}: a first pull each, then {ROUNDS} rounds of {NOTES_PER_ROUND} notes and a sync"
    );
    let start = Instant::now();
    let barrier = Arc::new(Barrier::new(LAPTOPS));
    let first = Arc::new(Mutex::new(Vec::new()));
    let later = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let notes_sent = Arc::new(Mutex::new(0u64));
    std::thread::scope(|scope| {
        for (i, laptop) in laptops.iter().enumerate() {
            let (barrier, first, later, errors, notes_sent, url) = (
                barrier.clone(),
                first.clone(),
                later.clone(),
                errors.clone(),
                notes_sent.clone(),
                url.clone(),
            );
            scope.spawn(move || {
                barrier.wait();
                let t = Instant::now();
                match sync_once(&laptop.db, &url, &laptop.token) {
                    Ok(_) => first.lock().unwrap().push(t.elapsed()),
                    Err(e) => {
                        errors.lock().unwrap().push(format!("laptop {i}: {e}"));
                        return;
                    }
                }
                let station: Option<String> = Store::open(&laptop.db)
                    .unwrap()
                    .conn()
                    .query_row("SELECT id FROM stations ORDER BY id LIMIT 1", [], |r| r.get(0))
                    .ok();
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
                    match sync_once(&laptop.db, &url, &laptop.token) {
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
    let errors = errors.lock().unwrap().clone();
    println!(
        "done in {:.1} s; {} errors; {} notes sent",
        wall.as_secs_f64(),
        errors.len(),
        notes_sent.lock().unwrap()
    );
    for e in errors.iter().take(10) {
        println!("  {e}");
    }
    describe("first pull", first.lock().unwrap().clone());
    describe(
        "later syncs (push 4 notes, pull changes)",
        later.lock().unwrap().clone(),
    );
    let on_server: i64 = Store::open(&server_db)
        .unwrap()
        .conn()
        .query_row(
            "SELECT count(*) FROM visit_notes WHERE body LIKE '负载测试 %'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    println!("notes on the server: {on_server}");
}
