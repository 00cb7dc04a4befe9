//! The dashboard at county scale: 5,000 stations in 100 branches with a
//! year of daily facts in a SQLite file. `cargo bench --bench tui`.
//!
//! Goals (issue 14, after issue 4's 200 ms): the county view's first frame
//! under 50 ms median after start (open the database, evaluate the month,
//! draw), a cold month switch under 50 ms, a key press redrawn in under
//! 5 ms, memory under 50 MB. Figures in README.md ("Tests and benchmarks"). Timings are divan's; the memory is the process's
//! peak resident set after the first frame, printed before the timings.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use divan::Bencher;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::Terminal;

use bianmin::i18n::Lang;
use bianmin::policy::Policy;
use bianmin::store::Store;
use bianmin::tui::state::Screen;
use bianmin::tui::{views, App, Inline};

const STATIONS: usize = 5_000;
const BRANCHES: usize = 100;

/// Set in a child process that only builds the database, so the memory
/// figure below is the dashboard's alone.
const BUILD_ONLY: &str = "BIANMIN_BENCH_BUILD_ONLY";

fn main() {
    if let Some(path) = std::env::var_os(BUILD_ONLY) {
        build_county(Path::new(&path));
        return;
    }
    let db = county_db();
    let dash = open(db, "county");
    draw(&dash.app);
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        for line in status
            .lines()
            .filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS"))
        {
            println!("after the first frame (county view, {STATIONS} stations): {line}");
        }
    }
    divan::main();
}

/// The database, built once: registry through SQL, a year of daily facts
/// generated inside SQLite (fast, deterministic).
fn county_db() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DB.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("county.db");
        let status = std::process::Command::new(std::env::current_exe().expect("this benchmark's path"))
            .env(BUILD_ONLY, &path)
            .status()
            .expect("the builder runs");
        assert!(status.success(), "building the county failed");
        (dir, path)
    })
    .1
}

/// The same county as a laptop's first large pull leaves it: the daily
/// facts' keys only (`Store::drop_fact_indexes`), a station's days read a
/// seek per calendar day.
fn replica_db() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let county = county_db();
        let path = county.with_file_name("replica.db");
        std::fs::copy(county, &path).expect("a copy of the county");
        Store::open(&path)
            .and_then(|store| store.drop_fact_indexes())
            .expect("the indexes dropped");
        path
    })
}

/// The county's own file (`server`) or a laptop's replica of it.
fn db_of(kind: &str) -> &'static Path {
    match kind {
        "replica" => replica_db(),
        _ => county_db(),
    }
}

fn build_county(path: &Path) {
    {
        let store = Store::open(path).expect("a new database");
        let sql = format!(
            "BEGIN;
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {BRANCHES})
             INSERT INTO people (id, name) SELECT printf('M%03d', i), printf('支局长%03d', i) FROM n;
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {BRANCHES} * 3)
             INSERT INTO people (id, name) SELECT printf('W%03d', i), printf('维护%03d', i) FROM n;
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {BRANCHES})
             INSERT INTO branches (id, name, kind, manager_id)
                 SELECT printf('B%03d', i), printf('第%03d支局', i), CASE WHEN i <= 15 THEN 'urban' ELSE 'rural' END,
                        printf('M%03d', i) FROM n;
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {BRANCHES} * 3)
             INSERT INTO branch_maintainers (branch_id, person_id)
                 SELECT printf('B%03d', (i - 1) / 3 + 1), printf('W%03d', i) FROM n;
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {STATIONS})
             INSERT INTO stations (id, name, kind, branch_id, maintainer_id, village_households)
                 SELECT printf('S%05d', i), printf('第%05d便民服务站', i),
                        CASE WHEN (i - 1) % {BRANCHES} < 15 THEN 'urban' ELSE 'rural' END,
                        printf('B%03d', (i - 1) % {BRANCHES} + 1),
                        printf('W%03d', ((i - 1) % {BRANCHES}) * 3 + (i % 3) + 1), 100 + i % 400 FROM n;
             INSERT INTO plans (branch_id, month, target) SELECT id, '2026-11', 40 FROM branches;
             WITH RECURSIVE d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k < 364),
                  c(name, j) AS (VALUES ('mobile', 1), ('unicom', 2), ('telecom', 3), ('electricity', 4), ('other', 5))
             INSERT INTO daily_payments (station_id, day, category, count, amount_fen)
                 SELECT s.id, date('2025-11-27', '+' || d.k || ' days'), c.name,
                        (s.rowid * 7919 + d.k * 104729 + c.j * 31) % 4,
                        ((s.rowid * 7919 + d.k * 104729 + c.j * 31) % 4) * 5000
                 FROM stations s, d, c
                 WHERE (s.rowid * 7919 + d.k * 104729 + c.j * 31) % 4 > 0;
             WITH RECURSIVE d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k < 364)
             INSERT INTO daily_cards (station_id, day, raw, valid)
                 SELECT s.id, date('2025-11-27', '+' || d.k || ' days'), 1 + (s.rowid + d.k) % 2, 1 + (s.rowid + d.k) % 2
                 FROM stations s, d WHERE (s.rowid * 3 + d.k) % 5 = 0;
             COMMIT;"
        );
        store
            .sql_for_tests()
            .execute_batch(&sql)
            .expect("the county is generated");
    }
}

/// The dashboard with its worker inline: a key's effects (a month to
/// evaluate) are run before the redraw, so the figures include them.
fn open(db: &Path, person: &str) -> Inline {
    let store = Store::open(db).expect("the database opens");
    Inline::open(store, Policy::dezhou_2012(), Lang::Zh, Some(person)).expect("the dashboard loads")
}

fn draw(app: &App) {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
    terminal.draw(|frame| views::draw(frame, app)).expect("a frame");
}

/// Start to first frame: open the file, evaluate the month, draw.
#[divan::bench(args = ["county", "M001", "W001"])]
fn first_frame(bencher: Bencher, person: &str) {
    first_frame_of(bencher, county_db(), person);
}

/// `first_frame` on a laptop's replica of the county.
#[divan::bench(args = ["county", "M001", "W001"])]
fn first_frame_replica(bencher: Bencher, person: &str) {
    first_frame_of(bencher, replica_db(), person);
}

fn first_frame_of(bencher: Bencher, db: &Path, person: &str) {
    bencher.bench_local(|| {
        let dash = open(db, person);
        draw(&dash.app);
        dash
    });
}

/// A maintainer moves to the next station and opens it (its days this
/// month are read and drawn), and back: each turn reads a station's days.
#[divan::bench(args = ["server", "replica"])]
fn station_detail(bencher: Bencher, db: &str) {
    let mut dash = open(db_of(db), "W001");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
    dash.key(KeyCode::Enter);
    let Screen::StationDetail { id, .. } = dash.app.screen().clone() else {
        panic!("Enter opens a station: {:?}", dash.app.screen());
    };
    let days = dash.app.station_days(&id).map_or(0, |days| days.len());
    assert!(days > 0, "the station's days are read: {id}");
    dash.key(KeyCode::Esc);
    // Down and up in turn: two stations, and only the open one's days kept.
    let mut down = true;
    bencher.bench_local(|| {
        dash.key(if down { KeyCode::Down } else { KeyCode::Up });
        down = !down;
        dash.key(KeyCode::Enter);
        terminal.draw(|frame| views::draw(frame, &dash.app)).expect("a frame");
        dash.key(KeyCode::Esc);
    });
}

/// One key press (down the list) and the redraw.
#[divan::bench(args = ["county", "M001"])]
fn key_press(bencher: Bencher, person: &str) {
    let mut dash = open(county_db(), person);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
    bencher.bench_local(|| {
        dash.key(KeyCode::Down);
        terminal.draw(|frame| views::draw(frame, &dash.app)).expect("a frame");
    });
}

/// Switching to last month (evaluated the first time) and back (cached).
#[divan::bench]
fn switch_month(bencher: Bencher) {
    let mut dash = open(county_db(), "county");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
    bencher.bench_local(|| {
        for c in ['[', ']'] {
            dash.key(KeyCode::Char(c));
            terminal.draw(|frame| views::draw(frame, &dash.app)).expect("a frame");
        }
    });
}

/// Switching to a month not evaluated yet (last month, cold): what a
/// person waits for on `[` the first time. Opening is not timed.
#[divan::bench]
fn switch_month_cold(bencher: Bencher) {
    bencher
        .with_inputs(|| {
            let terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
            (open(county_db(), "county"), terminal)
        })
        .bench_local_values(|(mut dash, mut terminal)| {
            dash.key(KeyCode::Char('['));
            terminal.draw(|frame| views::draw(frame, &dash.app)).expect("a frame");
            (dash, terminal)
        });
}
