//! `bianmin import` through the binary with the fixtures of
//! tests/fixtures/imports/: every encoding and format, duplicates,
//! reversals, the card cap, and a bad file that changes nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bianmin::store::Store;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/imports")
        .join(name)
}

fn bianmin(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bianmin"));
    cmd.arg("--db").arg(db).env_remove("BIANMIN_DB");
    cmd
}

fn import(db: &Path, kind: &str, file: &str) -> Output {
    bianmin(db).args(["import", kind]).arg(fixture(file)).output().unwrap()
}

fn import_ok(db: &Path, kind: &str, file: &str) -> String {
    let out = import(db, kind, file);
    assert!(
        out.status.success(),
        "import {kind} {file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A database with the registry and plans of the fixtures.
fn registry_db(dir: &Path) -> PathBuf {
    let db = dir.join("county.db");
    let said = import_ok(&db, "stations", "stations.csv");
    assert!(said.contains("6 rows read") && said.contains("6 new"), "{said}");
    let said = import_ok(&db, "plans", "plans.csv");
    assert!(said.contains("3 new"), "{said}");
    db
}

/// (station, day, category, count, fen) of every daily payment fact.
fn daily_payments(db: &Path) -> Vec<(String, String, String, i64, i64)> {
    let store = Store::open(db).unwrap();
    let mut stmt = store
        .sql_for_tests()
        .prepare("SELECT station_id, day, category, count, amount_fen FROM daily_payments ORDER BY 1, 2, 3")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn report_json(db: &Path) -> Value {
    let out = bianmin(db)
        .args(["report", "--month", "2026-10", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn station<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap()
}

#[test]
fn the_registry_makes_branches_people_and_stations() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    let store = Store::open(&db).unwrap();
    let stations = store.stations().unwrap();
    assert_eq!(stations.len(), 6);
    let s1 = &stations[0];
    assert_eq!(
        (s1.name.as_str(), s1.village_households, s1.stations_in_village),
        ("王庄便民服务站", Some(200), 2)
    );
    assert_eq!(store.branches().unwrap().len(), 2);
    assert_eq!(store.branch_maintainers("B01").unwrap(), ["P01", "P02"]);
    assert_eq!(store.plan("B01", "2026-11".parse().unwrap()).unwrap(), Some(3));
    // The same file again changes nothing.
    let again = import_ok(&db, "stations", "stations.csv");
    assert!(again.contains("0 new") && !again.contains("updated"), "{again}");
}

#[test]
fn payments_in_utf8_bom_gbk_and_xlsx_give_the_same_facts() {
    let dir = tempfile::tempdir().unwrap();
    let base = registry_db(dir.path());
    let said = import_ok(&base, "payments", "payments.csv");
    assert!(said.contains("7 rows read") && said.contains("7 new"), "{said}");
    let expected = daily_payments(&base);
    assert_eq!(expected.len(), 7);
    // "1,234.50" yuan of telecom at S004.
    assert!(expected.contains(&("S004".into(), "2026-10-03".into(), "telecom".into(), 1, 123450)));
    for (file, format) in [
        ("payments-bom.csv", "UTF-8 with BOM"),
        ("payments-gbk.csv", "GB18030"),
        ("payments.xlsx", "XLSX"),
    ] {
        let db = dir.path().join(format!("{file}.db"));
        std::fs::copy(dir.path().join("county.db"), &db).unwrap();
        let said = import_ok(&db, "payments", file);
        assert!(said.contains(format), "{file}: {said}");
        assert_eq!(daily_payments(&db), expected, "{file}");
    }
}

#[test]
fn importing_the_same_file_twice_adds_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    import_ok(&db, "payments", "payments.csv");
    let before = daily_payments(&db);
    let again = import_ok(&db, "payments", "payments.csv");
    assert!(
        again.contains("0 new") && again.contains("7 already imported"),
        "{again}"
    );
    assert_eq!(daily_payments(&db), before);
    // An overlapping file (same transactions in another encoding) too.
    let overlap = import_ok(&db, "payments", "payments-gbk.csv");
    assert!(overlap.contains("0 new"), "{overlap}");
    assert_eq!(daily_payments(&db), before);
}

#[test]
fn reversed_and_cancelled_transactions_never_count() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    let said = import_ok(&db, "payments", "payments-reversed.csv");
    assert!(said.contains("2 new") && said.contains("5 reversed"), "{said}");
    let facts = daily_payments(&db);
    assert_eq!(
        facts,
        [
            ("S001".into(), "2026-10-10".into(), "mobile".into(), 1, 10000),
            ("S005".into(), "2026-10-10".into(), "electricity".into(), 1, 3000),
        ]
    );
}

/// A reversal in a later file takes back what an earlier file counted
/// (the day's count goes down; it once failed the import on the daily
/// table's `count >= 0` check), and the month's total follows.
#[test]
fn a_later_file_reverses_what_an_earlier_one_counted() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    let header = "交易流水号,站点编码,交易时间,业务类型,金额,状态\n";
    let first = dir.path().join("first.csv");
    std::fs::write(
        &first,
        format!("{header}X1,S001,2026-10-01 08:15:30,移动话费,50.00,成功\nX2,S001,2026-10-01 09:00:00,移动话费,20.00,成功\n"),
    )
    .unwrap();
    let second = dir.path().join("second.csv");
    std::fs::write(
        &second,
        format!("{header}X1,S001,2026-10-01 08:15:30,移动话费,50.00,冲正\n"),
    )
    .unwrap();
    for file in [&first, &second] {
        let out = bianmin(&db).args(["import", "payments"]).arg(file).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(
        daily_payments(&db),
        [("S001".into(), "2026-10-01".into(), "mobile".into(), 1, 2000)]
    );
    let store = Store::open(&db).unwrap();
    let total: (i64, i64, i64) = store
        .sql_for_tests()
        .query_row(
            "SELECT days, count, amount_fen FROM month_payments WHERE month = '2026-10' AND station_id = 'S001'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(total, (1, 1, 2000));
}

#[test]
fn a_card_swiped_five_times_a_day_counts_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    let said = import_ok(&db, "cards", "cards-five-swipes.csv");
    assert!(said.contains("6 new"), "{said}");
    let report = report_json(&db);
    let s1 = station(&report, "S001");
    assert_eq!((s1["card_raw"].as_u64(), s1["card_valid"].as_u64()), (Some(6), Some(3)));
    // Importing the regular card file adds to the same month.
    let said = import_ok(&db, "cards", "cards.csv");
    assert!(said.contains("4 new") && said.contains("1 reversed"), "{said}");
    let report = report_json(&db);
    assert_eq!(station(&report, "S001")["card_valid"], 5);
    assert_eq!(station(&report, "S005")["card_raw"], 0);
}

#[test]
fn card_numbers_are_never_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    import_ok(&db, "cards", "cards.csv");
    import_ok(&db, "cards", "cards-five-swipes.csv");
    // Close every connection so the WAL is folded into the file.
    let mut bytes = std::fs::read(&db).unwrap();
    if let Ok(wal) = std::fs::read(dir.path().join("county.db-wal")) {
        bytes.extend(wal);
    }
    for number in [
        "6217001234567890123",
        "6217001111222233334",
        "6228480012345678",
        "621700987654",
    ] {
        let found = bytes.windows(number.len()).any(|w| w == number.as_bytes());
        assert!(!found, "card number {number} is in the database file");
    }
}

#[test]
fn a_bad_row_imports_nothing_and_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    import_ok(&db, "payments", "payments-reversed.csv");
    let before = std::fs::read(&db).unwrap();
    let out = import(&db, "payments", "payments-bad-row.csv");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert!(
        stderr.contains("line 5, column 金额") && stderr.contains("\"12,5\""),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "the database file changed");
    assert!(
        !dir.path().join("county.db-wal").exists()
            || std::fs::metadata(dir.path().join("county.db-wal")).unwrap().len() == 0
    );
}

#[test]
fn rows_of_unknown_stations_are_listed_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.db");
    let out = import(&db, "payments", "payments.csv");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("7 bad rows"), "{stderr}");
    assert!(
        stderr.contains("line 2") && stderr.contains("import the stations first"),
        "{stderr}"
    );
    let missing = bianmin(&db)
        .args(["import", "payments", "/nonexistent/payments.csv"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/payments.csv"));
}

#[test]
fn referrals_and_plans_reach_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    import_ok(&db, "payments", "payments.csv");
    let said = import_ok(&db, "referrals", "referrals.csv");
    assert!(said.contains("4 new"), "{said}");
    let report = report_json(&db);
    // S001: one 惠农通 (1.00) and one finance lead (2.00).
    assert_eq!(station(&report, "S001")["reward"]["referrals"], "3.00");
    // S004: a car-insurance lead (2.00) and a conversion (30.00).
    assert_eq!(station(&report, "S004")["reward"]["referrals"], "32.00");
    let b01 = report["branches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "B01")
        .unwrap();
    assert_eq!(b01["plan"], 3);
    // Every station of the registry is active in October (S006 closed on the 20th).
    assert_eq!(report["stations"].as_array().unwrap().len(), 6);
}

#[test]
fn imported_daily_rows_get_fresh_sync_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    import_ok(&db, "payments", "payments.csv");
    import_ok(&db, "cards", "cards.csv");
    import_ok(&db, "referrals", "referrals.csv");
    let store = Store::open(&db).unwrap();
    let counter: i64 = store
        .sql_for_tests()
        .query_row("SELECT rev FROM sync_revision", [], |r| r.get(0))
        .unwrap();
    let revs: Vec<i64> = store
        .sql_for_tests()
        .prepare(
            "SELECT rev FROM daily_payments UNION ALL SELECT rev FROM daily_cards
             UNION ALL SELECT rev FROM daily_referrals UNION ALL SELECT rev FROM stations",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(revs.iter().all(|r| *r > 0 && *r <= counter), "{revs:?} vs {counter}");
    let mut unique = revs.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), revs.len(), "every row its own revision");
    // A second import of a changed day moves that row past the counter.
    import_ok(&db, "payments", "payments-reversed.csv");
    let after: i64 = store
        .sql_for_tests()
        .query_row("SELECT rev FROM sync_revision", [], |r| r.get(0))
        .unwrap();
    let s1: i64 = store
        .sql_for_tests()
        .query_row(
            "SELECT rev FROM daily_payments WHERE station_id = 'S001' AND day = '2026-10-10'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(after > counter && s1 > counter && s1 <= after);
}
