//! Sync speed on loopback, end to end through `sync_once` and the real
//! server (in this process, on 127.0.0.1):
//!
//! - first pull of a county of 5,000 stations × 90 days of facts
//!   (goal: under 1 s, issue 14), by the county and by one maintainer;
//! - push of 10,000 queued notes (goal: under 5 s).
//!
//! `cargo bench --bench sync` (a few minutes: building the county takes
//! most of it); `BIANMIN_BENCH_DB=postgres cargo bench --bench sync` serves
//! the same county from PostgreSQL (benches/support/backend.rs). Figures
//! are printed, never asserted. For comparing two builds on a noisy
//! machine: `BIANMIN_BENCH_COUNTY=FILE` keeps the built county in FILE for
//! the next run, `BIANMIN_BENCH_FIRST_PULLS=N` makes N first pulls, prints
//! their median and stops, and `BIANMIN_BENCH_PAGE_ROWS=N` sets the rows
//! a page asks for. The first pull reads the pages from the database and
//! the server keeps them; later ones are sent the kept pages (docs/SYNC.md,
//! "Kept pages"). `BIANMIN_BENCH_KEPT_PAGES=0` keeps none, so every pull
//! reads.

use std::path::Path;
use std::time::Instant;

use bianmin::client::{sync_once, sync_with, SyncOptions};
use bianmin::records::{NewNote, NoteKind};
use bianmin::server::db::Role;
use bianmin::server::{spawn_on, ServerOptions};
use bianmin::store::Store;
use chrono::{Days, NaiveDate, Utc};
use rusqlite::params;

#[path = "support/backend.rs"]
mod backend;

const STATIONS: usize = 5_000;
const DAYS: u64 = 90;
const STATIONS_PER_MAINTAINER: usize = 25;
const MAINTAINERS_PER_BRANCH: usize = 2;

/// Knuth's MMIX LCG: the same county every run.
struct Lcg(u64);

impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A county of `STATIONS` stations with `DAYS` days of facts, written as
/// imports would (the triggers number every row).
fn build_county(db: &Path) -> u64 {
    let mut store = Store::open(db).unwrap();
    let tx = store.sql_for_tests_mut().transaction().unwrap();
    let maintainers = STATIONS / STATIONS_PER_MAINTAINER;
    let branches = maintainers / MAINTAINERS_PER_BRANCH;
    tx.execute("INSERT INTO counties (id, name) VALUES ('371425', '齐河县')", [])
        .unwrap();
    for b in 0..branches {
        tx.execute(
            "INSERT INTO people (id, name) VALUES (?1, ?2)",
            params![format!("M{b:03}"), format!("支局长{b}")],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO branches (id, name, kind, county_id, manager_id) VALUES (?1, ?2, 'rural', '371425', ?3)",
            params![format!("B{b:03}"), format!("第{b}支局"), format!("M{b:03}")],
        )
        .unwrap();
    }
    for m in 0..maintainers {
        let branch = format!("B{:03}", m / MAINTAINERS_PER_BRANCH);
        tx.execute(
            "INSERT INTO people (id, name, phone) VALUES (?1, ?2, '13800000000')",
            params![format!("W{m:03}"), format!("维护员{m}")],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO branch_maintainers (branch_id, person_id) VALUES (?1, ?2)",
            params![branch, format!("W{m:03}")],
        )
        .unwrap();
    }
    for s in 0..STATIONS {
        let m = s / STATIONS_PER_MAINTAINER;
        tx.execute(
            "INSERT INTO stations (id, name, kind, branch_id, maintainer_id, village, village_households)
             VALUES (?1, ?2, 'rural', ?3, ?4, ?5, ?6)",
            params![
                format!("S{s:05}"),
                format!("第{s}便民服务站"),
                format!("B{:03}", m / MAINTAINERS_PER_BRANCH),
                format!("W{m:03}"),
                format!("{s}村"),
                200 + (s % 300) as i64
            ],
        )
        .unwrap();
    }
    let mut rng = Lcg(2026);
    let first = NaiveDate::from_ymd_opt(2026, 8, 29).unwrap();
    {
        let mut pay = tx
            .prepare(
                "INSERT INTO daily_payments (station_id, day, category, count, amount_fen) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .unwrap();
        let mut card = tx
            .prepare("INSERT INTO daily_cards (station_id, day, raw, valid) VALUES (?1, ?2, ?3, ?4)")
            .unwrap();
        let mut referral = tx
            .prepare("INSERT INTO daily_referrals (station_id, day, kind, count) VALUES (?1, ?2, 'huinongtong', 1)")
            .unwrap();
        let categories = [
            ("mobile", 0.6),
            ("unicom", 0.2),
            ("telecom", 0.15),
            ("electricity", 0.55),
            ("other", 0.1),
        ];
        for d in 0..DAYS {
            let day = (first + Days::new(d)).to_string();
            for s in 0..STATIONS {
                let station = format!("S{s:05}");
                for (category, p) in categories {
                    if rng.unit() < p {
                        let count = 1 + (rng.unit() * 4.0) as i64;
                        pay.execute(params![station, day, category, count, count * 6_000])
                            .unwrap();
                    }
                }
                if rng.unit() < 0.35 {
                    card.execute(params![station, day, 2, 2]).unwrap();
                }
                if rng.unit() < 0.03 {
                    referral.execute(params![station, day]).unwrap();
                }
            }
        }
    }
    tx.commit().unwrap();
    store.head_revision().unwrap() as u64
}

/// The county at `db`: built, or with `BIANMIN_BENCH_COUNTY=FILE` copied
/// from FILE (built there first if missing), to profile the sync alone.
fn county_at(db: &Path) -> u64 {
    let Some(kept) = std::env::var_os("BIANMIN_BENCH_COUNTY").map(std::path::PathBuf::from) else {
        return build_county(db);
    };
    if !kept.exists() {
        build_county(&kept);
    }
    std::fs::copy(&kept, db).unwrap();
    Store::open(db).unwrap().head_revision().unwrap() as u64
}

/// The CPU seconds (user + system, all threads: server, fetching and
/// writing) this process has used, from /proc/self/stat; 0 elsewhere. On
/// a machine shared with other work a pull's wall time varies with the
/// load; its CPU time much less.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let field = |n: usize| rest.split_whitespace().nth(n).and_then(|v| v.parse::<f64>().ok());
    // utime and stime are fields 14 and 15 of the line, in clock ticks
    // (100 a second on Linux).
    (field(11).unwrap_or(0.0) + field(12).unwrap_or(0.0)) / 100.0
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("benches/sync.rs: run with `cargo bench --bench sync`");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server_db = dir.path().join("county.db");
    let t = Instant::now();
    let rows = county_at(&server_db);
    println!(
        "county: {STATIONS} stations × {DAYS} days, {rows} rows, built in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let db = backend::BenchDb::from_env(&server_db);
    println!("server database: {}; load average {}", db.name(), backend::load());
    let accounts = db
        .location()
        .open_server_db(bianmin::server::db::sqlite::WRITE_WAIT)
        .unwrap();
    let now = Utc::now();
    let county = accounts
        .add_account("county", Role::County, Some("县局平台办"), now)
        .unwrap();
    let maintainer = accounts.add_account("W007", Role::Maintainer, None, now).unwrap();
    drop(accounts);
    // The first pull below reads the pages, the next ones are sent the
    // pages it kept (`server::page_cache`); the server does not read them
    // ahead, so the first is the pull of a server that just started or
    // just imported. `BIANMIN_BENCH_KEPT_PAGES=0` keeps none.
    let keeps = std::env::var("BIANMIN_BENCH_KEPT_PAGES").map_or(true, |v| v != "0");
    let options = ServerOptions {
        warm_county_pages: false,
        kept_page_bytes: if keeps {
            ServerOptions::default().kept_page_bytes
        } else {
            0
        },
        ..ServerOptions::default()
    };
    let server = spawn_on(&db.location(), "127.0.0.1:0", &options).unwrap();
    let url = server.url();

    // `BIANMIN_BENCH_FIRST_PULLS=N`: N first pulls of the county, their
    // median, and nothing else (comparing two builds on a noisy machine).
    let only_first_pulls: Option<usize> = std::env::var("BIANMIN_BENCH_FIRST_PULLS")
        .ok()
        .and_then(|n| n.parse().ok());
    let mut walls = Vec::new();
    for run in 1..=only_first_pulls.unwrap_or(2).max(1) {
        let laptop = dir.path().join(format!("county-laptop-{run}.db"));
        let t = Instant::now();
        let cpu = cpu_seconds();
        let options = SyncOptions {
            page_rows: std::env::var("BIANMIN_BENCH_PAGE_ROWS")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(SyncOptions::default().page_rows),
            ..SyncOptions::default()
        };
        let report = sync_with(&laptop, &url, &county, &options).unwrap();
        println!(
            "first pull, county token (run {run}, {}): {} rows in {} pages, {:.2} s (goal < 1 s), cpu {:.2} s{}",
            if run > 1 && keeps { "kept pages" } else { "pages read" },
            report.pulled_rows,
            report.pull_pages,
            t.elapsed().as_secs_f64(),
            cpu_seconds() - cpu,
            if report.totals_from_pull {
                ", month totals summed from the pulled rows"
            } else {
                ""
            }
        );
        walls.push(t.elapsed().as_secs_f64());
        if run > 2 {
            // Only the first two files are used below.
            let _ = std::fs::remove_file(&laptop);
        }
    }
    if only_first_pulls.is_some() {
        // With kept pages, the first pull is the one that read them.
        let (read, kept) = if keeps && walls.len() > 1 {
            (walls[..1].to_vec(), walls[1..].to_vec())
        } else {
            (walls, Vec::new())
        };
        for (what, mut walls) in [("pages read", read), ("kept pages", kept)] {
            if walls.is_empty() {
                continue;
            }
            walls.sort_by(f64::total_cmp);
            println!(
                "first pull, county token, {what}: median {:.2} s of {} (min {:.2} s, max {:.2} s)",
                walls[walls.len() / 2],
                walls.len(),
                walls[0],
                walls[walls.len() - 1],
            );
        }
        println!("load average {}", backend::load());
        return;
    }
    // As over a county's network: the laptop asks for gzip (on loopback it
    // does not by itself), to show what compressing costs the CPUs.
    let laptop = dir.path().join("county-laptop-gzip.db");
    let options = SyncOptions {
        compress: Some(true),
        ..SyncOptions::default()
    };
    let t = Instant::now();
    let report = sync_with(&laptop, &url, &county, &options).unwrap();
    println!(
        "first pull, county token, gzip asked for: {} rows in {} pages, {:.2} s",
        report.pulled_rows,
        report.pull_pages,
        t.elapsed().as_secs_f64()
    );
    let laptop = dir.path().join("maintainer-laptop.db");
    let t = Instant::now();
    let report = sync_once(&laptop, &url, &maintainer).unwrap();
    println!(
        "first pull, one maintainer ({STATIONS_PER_MAINTAINER} stations): {} rows in {} pages, {:.2} s",
        report.pulled_rows,
        report.pull_pages,
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let report = sync_once(&laptop, &url, &maintainer).unwrap();
    println!(
        "sync with nothing new: {} rows, {:.3} s",
        report.pulled_rows,
        t.elapsed().as_secs_f64()
    );

    // 10,000 notes written offline on the county laptop, then one sync.
    let laptop = dir.path().join("county-laptop-1.db");
    let store = Store::open(&laptop).unwrap();
    let t = Instant::now();
    for i in 0..10_000usize {
        store
            .add_note(
                &NewNote {
                    station_id: format!("S{:05}", i % STATIONS),
                    author_id: "county".into(),
                    visited_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
                    kind: NoteKind::Collection,
                    body: format!("第{i}次走访：与站长沟通本月缴费情况，提醒村民月初交电费。"),
                    follow_up_on: None,
                },
                Utc::now(),
            )
            .unwrap();
    }
    println!(
        "10,000 notes written on the laptop in {:.1} s (not part of the sync)",
        t.elapsed().as_secs_f64()
    );
    drop(store);
    let t = Instant::now();
    let report = sync_once(&laptop, &url, &county).unwrap();
    println!(
        "push of 10,000 queued notes: {} sent in {} batches, push {:.2} s (goal < 5 s); \
         the pull after it brought {} rows back in {:.2} s; whole sync {:.2} s",
        report.pushed,
        report.push_batches,
        report.push_time.as_secs_f64(),
        report.pulled_rows,
        report.pull_time.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
    println!("load average at the end {}", backend::load());
}
