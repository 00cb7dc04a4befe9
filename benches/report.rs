//! `bianmin report` from the store at county scale: 5,000 stations in 100
//! branches, with one month of daily facts (payments per category per day,
//! card counts, a few referrals) or twelve months of them, in a SQLite file
//! in a temporary directory, written through the Store API.
//!
//! `cargo bench --bench report`; goal: `build_report` < 300 ms. The month
//! queried is 2026-10; the args say what else the database holds:
//! - `1 month`: 2026-10 alone (457,000 daily payment rows, 80,000 card
//!   rows, 2,700 referral rows; 40 MB);
//! - `12 months, last`: 2025-11 to 2026-10 (5.4 million daily payment
//!   rows; 460 MB), querying the last of them;
//! - `12 months, middle`: the same database, querying 2026-04.
//!
//! The databases are built once per run (about 5 s and 70 s) and removed at
//! the end. Figures are printed by divan, never asserted.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use chrono::{Datelike, NaiveDate};
use divan::Bencher;

use bianmin::month::Month;
use bianmin::policy::{CardCounts, Kind, Policy};
use bianmin::report::build_report;
use bianmin::store::facts::BranchScope;
use bianmin::store::registry::{Branch, Person, Station};
use bianmin::store::Store;

const STATIONS: usize = 5_000;
const BRANCHES: usize = 100;
/// The first branches are urban, the others rural.
const URBAN_BRANCHES: usize = 15;
const MAINTAINERS_PER_BRANCH: usize = 3;
/// Mean payments a station makes a day, over the county (about a million
/// a month, as in benches/import_bench.sh).
const MEAN_PAYMENTS_PER_DAY: f64 = 6.5;
/// The month every case queries.
const QUERIED: (i32, u32) = (2026, 10);
const SEED: u64 = 0x00b1_a4d1_4e90_2026;

/// One payment category's share of a station's payments and the mean
/// amount of one payment in fen.
const CATEGORY_MIX: [(&str, f64, f64); 5] = [
    ("mobile", 0.34, 6_000.0),
    ("unicom", 0.10, 5_000.0),
    ("telecom", 0.06, 7_000.0),
    ("electricity", 0.40, 9_000.0),
    ("other", 0.10, 4_000.0),
];
/// Referral kinds of the Dezhou 2012 policy and their chance per station-day.
const REFERRALS: [(&str, f64); 4] = [
    ("huinongtong", 0.010),
    ("finance_leads", 0.004),
    ("car_insurance_leads", 0.003),
    ("car_insurance_converted", 0.0005),
];

/// The cases: (label, months of facts in the database, month queried).
const CASES: [&str; 3] = ["1 month", "12 months, last", "12 months, middle"];

fn main() {
    divan::main();
    // The temporary directories go with the statics' contents.
    if let Ok(mut dirs) = TEMP_DIRS.lock() {
        dirs.clear();
    }
}

/// 64-bit LCG (Knuth's MMIX constants); the high 32 bits are the output.
struct Lcg(u64);

impl Lcg {
    fn next_u32(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 32) as u32
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        f64::from(self.next_u32()) / 4_294_967_296.0
    }

    /// A whole number with mean `mean`: `floor(mean + u)`.
    fn count(&mut self, mean: f64) -> u64 {
        (mean + self.unit()).floor() as u64
    }
}

struct BenchStation {
    id: String,
    /// Relative activity, mean 1 over the county.
    activity: f64,
    /// Mean card transactions a day (0 without a terminal).
    cards_per_day: f64,
}

static TEMP_DIRS: Mutex<Vec<tempfile::TempDir>> = Mutex::new(Vec::new());
static ONE_MONTH: OnceLock<PathBuf> = OnceLock::new();
static TWELVE_MONTHS: OnceLock<PathBuf> = OnceLock::new();

/// The database of a case and the month it queries.
fn case(label: &str) -> (&'static Path, Month) {
    let queried = Month::new(QUERIED.0, QUERIED.1).expect("a month");
    match label {
        "1 month" => (ONE_MONTH.get_or_init(|| build_db(1)), queried),
        "12 months, last" => (TWELVE_MONTHS.get_or_init(|| build_db(12)), queried),
        "12 months, middle" => (
            TWELVE_MONTHS.get_or_init(|| build_db(12)),
            (0..6).fold(queried, |m, _| m.prev()),
        ),
        other => panic!("unknown case {other}"),
    }
}

/// Writes the county and `months` months of daily facts ending with the
/// queried month into a new database file; returns its path.
fn build_db(months: usize) -> PathBuf {
    let started = std::time::Instant::now();
    let dir = tempfile::Builder::new()
        .prefix("bianmin-report-bench-")
        .tempdir()
        .expect("a temporary directory");
    let path = dir.path().join("bench.db");
    TEMP_DIRS.lock().expect("not poisoned").push(dir);
    let store = Store::open(&path).expect("the store opens");
    let mut rng = Lcg(SEED);
    let last = Month::new(QUERIED.0, QUERIED.1).expect("a month");
    let first = (1..months).fold(last, |m, _| m.prev());

    store.sql_for_tests().execute_batch("BEGIN").expect("begin");
    let stations = write_registry(&store, &mut rng, first, last);
    let mut month = first;
    let (mut payment_rows, mut card_rows, mut referral_rows) = (0u64, 0u64, 0u64);
    loop {
        let mut day = month.first_day();
        while day <= month.last_day() {
            let (p, c, r) = write_day(&store, &mut rng, &stations, day);
            payment_rows += p;
            card_rows += c;
            referral_rows += r;
            day = day.succ_opt().expect("a next day");
        }
        if month == last {
            break;
        }
        month = month.next();
    }
    store.sql_for_tests().execute_batch("COMMIT").expect("commit");
    // As bianmin leaves a database when it exits: the WAL checkpointed.
    // No ANALYZE: bianmin never runs it, and with its statistics SQLite
    // plans the month's sums differently.
    store
        .sql_for_tests()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("checkpoint");
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    eprintln!(
        "report bench: {months} month(s) {first}..{last}: {payment_rows} daily payment rows, \
         {card_rows} card rows, {referral_rows} referral rows, {:.0} MB, built in {:.1?}",
        size as f64 / 1e6,
        started.elapsed()
    );
    path
}

/// 5,000 stations in 100 branches, their people, and a plan for every
/// branch and month.
fn write_registry(store: &Store, rng: &mut Lcg, first: Month, last: Month) -> Vec<BenchStation> {
    let per_branch = STATIONS / BRANCHES;
    let mut stations = Vec::with_capacity(STATIONS);
    let mut total_activity = 0.0;
    for b in 0..BRANCHES {
        let kind = if b < URBAN_BRANCHES { Kind::Urban } else { Kind::Rural };
        let branch_id = format!("B{:03}", b + 1);
        let manager = Person {
            id: format!("M{:03}", b + 1),
            name: format!("支局长{}", b + 1),
            phone: None,
            has_green_card: true,
        };
        store.upsert_person(&manager).expect("person");
        store
            .upsert_branch(&Branch {
                id: branch_id.clone(),
                name: format!("第{}支局", b + 1),
                kind,
                county_id: None,
                manager_id: manager.id.clone(),
            })
            .expect("branch");
        let maintainers: Vec<String> = (0..MAINTAINERS_PER_BRANCH)
            .map(|m| format!("W{:04}", b * MAINTAINERS_PER_BRANCH + m + 1))
            .collect();
        for id in &maintainers {
            store
                .upsert_person(&Person {
                    id: id.clone(),
                    name: format!("维护员{id}"),
                    phone: None,
                    has_green_card: rng.unit() >= 0.05,
                })
                .expect("person");
            store.add_branch_maintainer(&branch_id, id).expect("maintainer");
        }
        for n in 0..per_branch {
            let id = format!("S{:05}", b * per_branch + n + 1);
            let has_terminal = rng.unit() >= 0.03;
            let households = 80 + (rng.unit() * 520.0) as u64;
            store
                .upsert_station(&Station {
                    id: id.clone(),
                    name: format!("便民服务站{id}"),
                    kind,
                    branch_id: branch_id.clone(),
                    maintainer_id: maintainers[n * MAINTAINERS_PER_BRANCH / per_branch].clone(),
                    village: Some(format!("村{id}")),
                    village_households: (kind == Kind::Rural).then_some(households),
                    stations_in_village: 1,
                    route_order: Some(n as u32 + 1),
                    status: "open".into(),
                    has_terminal,
                    has_green_card: rng.unit() >= 0.04,
                    opened_on: NaiveDate::from_ymd_opt(2020, 3, 15),
                    closed_on: None,
                })
                .expect("station");
            // Heavy tail: Pareto(α = 1.3), capped.
            let activity = (1.0 - rng.unit()).powf(-1.0 / 1.3).min(250.0);
            total_activity += activity;
            let cards_per_day = if has_terminal {
                (0.3 * activity.powf(0.7)).min(12.0)
            } else {
                0.0
            };
            stations.push(BenchStation {
                id,
                activity,
                cards_per_day,
            });
        }
        let mut month = first;
        loop {
            let target = (per_branch as f64 * 0.6).round() as u64;
            store.set_plan(&branch_id, month, target).expect("plan");
            if month == last {
                break;
            }
            month = month.next();
        }
    }
    let mean = total_activity / stations.len() as f64;
    for s in &mut stations {
        s.activity /= mean;
    }
    stations
}

/// One day of every station; returns the rows written (payments, cards,
/// referrals).
fn write_day(store: &Store, rng: &mut Lcg, stations: &[BenchStation], day: NaiveDate) -> (u64, u64, u64) {
    // Bills arrive at the month's start; market days are busier.
    let weekend = day.weekday().num_days_from_monday() >= 5;
    let factor = if weekend { 1.25 } else { 0.95 } * if day.day() <= 10 { 1.15 } else { 0.92 };
    let (mut payments, mut cards, mut referrals) = (0, 0, 0);
    for s in stations {
        for (category, share, mean_fen) in CATEGORY_MIX {
            let count = rng.count(MEAN_PAYMENTS_PER_DAY * s.activity * share * factor);
            if count == 0 {
                continue;
            }
            let amount_fen = (count as f64 * mean_fen * (0.7 + 0.6 * rng.unit())).round() as i64;
            store
                .add_daily_payment(&s.id, day, category, count, amount_fen)
                .expect("payment");
            payments += 1;
        }
        let raw = rng.count(s.cards_per_day * factor);
        if raw > 0 {
            // Now and then a card is swiped past the cap.
            let valid = if raw >= 3 && rng.unit() < 0.3 { raw - 1 } else { raw };
            store
                .set_daily_cards(&s.id, day, CardCounts { raw, valid })
                .expect("cards");
            cards += 1;
        }
        for (kind, chance) in REFERRALS {
            if rng.unit() < chance {
                store.add_daily_referrals(&s.id, day, kind, 1).expect("referral");
                referrals += 1;
            }
        }
    }
    (payments, cards, referrals)
}

/// The whole `bianmin report` computation: month facts from the store,
/// the engine, and the names. Goal: < 300 ms.
#[divan::bench(args = CASES, sample_count = 20, sample_size = 1)]
fn build_report_5k(bencher: Bencher, label: &str) {
    let (path, month) = case(label);
    let store = Store::open(path).expect("the store opens");
    let policy = Policy::dezhou_2012();
    let report = build_report(&store, &policy, month, None, None).expect("the report builds");
    assert_eq!(report.result.stations.len(), STATIONS);
    bencher
        .counter(divan::counter::ItemsCount::new(STATIONS))
        .bench_local(|| build_report(divan::black_box(&store), &policy, divan::black_box(month), None, None));
}

/// `month_facts` alone: the store's part of the report.
#[divan::bench(args = CASES, sample_count = 20, sample_size = 1)]
fn month_facts_5k(bencher: Bencher, label: &str) {
    let (path, month) = case(label);
    let store = Store::open(path).expect("the store opens");
    let facts = store
        .month_facts(month, None, &BranchScope::All)
        .expect("the facts read");
    assert_eq!(facts.stations.len(), STATIONS);
    bencher
        .counter(divan::counter::ItemsCount::new(STATIONS))
        .bench_local(|| divan::black_box(&store).month_facts(divan::black_box(month), None, &BranchScope::All));
}
