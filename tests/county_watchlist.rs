//! RULES.md R15 and R16 through the binary: imports of station plans and
//! distribution sales (good and bad, CSV in English and GBK Chinese, XLSX),
//! the registry's signing and installation dates, and the exit watchlist
//! of the demo county, whose plans make exactly known stations candidates.

mod county_support;

use std::path::Path;

use bianmin::demo::county_rules::{EXIT_CANDIDATES, MISSED_LAST_MONTH_ONLY, NEW_CANDIDATE};
use bianmin::store::Store;
use serde_json::Value;

use county_support::*;

fn count(db: &Path, sql: &str) -> i64 {
    Store::open(db)
        .unwrap()
        .sql_for_tests()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn registry(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("county.db");
    import_ok(&db, None, "stations", &file(dir, "stations.csv", REGISTRY));
    db
}

#[test]
fn station_plans_and_distribution_import_in_english_chinese_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry(dir.path());
    // The English headers.
    let plans = "code,month,collection_target,distribution_target\n\
                 S1,2013-01,5000,300.00\n\
                 S2,2013-01,\"1,200.50\",0\n\
                 S1,2013-02,5000.00,300\n";
    let said = import_ok(&db, None, "station-plans", &file(dir.path(), "plans.csv", plans));
    assert!(said.contains("3 rows read") && said.contains("3 new"), "{said}");
    // The same file again changes nothing; a changed target is an update.
    let said = import_ok(&db, None, "station-plans", &file(dir.path(), "plans.csv", plans));
    assert!(said.contains("3 already imported"), "{said}");
    let changed = "code,month,collection_target,distribution_target\nS1,2013-02,6000,300\n";
    let said = import_ok(&db, None, "station-plans", &file(dir.path(), "changed.csv", changed));
    assert!(said.contains("1 updated"), "{said}");
    let targets: (i64, i64) = Store::open(&db)
        .unwrap()
        .sql_for_tests()
        .query_row(
            "SELECT collection_target_fen, distribution_target_fen FROM station_plans WHERE station_id = 'S2'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(targets, (120_050, 0));

    // The Chinese headers in GBK, as Excel in China writes CSV.
    let (gbk, _, _) = encoding_rs::GBK.encode("站点编码,月份,分销金额\nS1,2013年1月,250.00\nS2,201301,0\n");
    let path = dir.path().join("distribution.csv");
    std::fs::write(&path, gbk).unwrap();
    let said = import_ok(&db, None, "distribution", &path);
    assert!(said.contains("2 new") && said.contains("GB"), "{said}");
    assert_eq!(count(&db, "SELECT sum(amount_fen) FROM distribution_sales"), 25_000);

    // XLSX with a title row above the header.
    let xlsx = dir.path().join("plans.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "2013年3月站点计划").unwrap();
    for (c, h) in ["站点编码", "月份", "代收计划", "分销计划"].iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    sheet.write_string(2, 0, "S2").unwrap();
    sheet.write_string(2, 1, "2013-03").unwrap();
    sheet.write_number(2, 2, 800.0).unwrap();
    sheet.write_number(2, 3, 100.5).unwrap();
    book.save(&xlsx).unwrap();
    let said = import_ok(&db, None, "station-plans", &xlsx);
    assert!(said.contains("1 new") && said.contains("XLSX"), "{said}");
    assert_eq!(count(&db, "SELECT count(*) FROM station_plans"), 4);
    // Every row carries a sync revision (laptops pull these tables).
    assert_eq!(count(&db, "SELECT count(*) FROM station_plans WHERE rev = 0"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM distribution_sales WHERE rev = 0"), 0);
}

#[test]
fn bad_plan_and_distribution_rows_name_their_lines_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry(dir.path());
    let bad = "code,month,collection_target,distribution_target\n\
               S1,2013-01,5000,300\n\
               S9,2013-01,5000,300\n\
               S2,2013-13,5000,300\n\
               S2,2013-01,-5,300\n\
               S1,2013-01,4000,300\n\
               S2,2013-02,12.345,300\n";
    let out = import(&db, None, "station-plans", &file(dir.path(), "bad.csv", bad));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (line, words) in [
        (3, "S9 is not in the registry"),
        (4, "not a month"),
        (5, "negative"),
        (6, "also on line 2"),
        (7, "more than two decimals"),
    ] {
        assert!(
            stderr.contains(&format!("line {line}")) && stderr.contains(words),
            "line {line} ({words}): {stderr}"
        );
    }
    assert!(stderr.contains("5 bad rows; nothing was imported"), "{stderr}");
    assert_eq!(count(&db, "SELECT count(*) FROM station_plans"), 0);

    let missing = file(dir.path(), "missing.csv", "code,month\nS1,2013-01\n");
    let out = import(&db, None, "distribution", &missing);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("missing column") && stderr.contains("分销金额 (amount)"),
        "{stderr}"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM distribution_sales"), 0);
}

#[test]
fn the_registry_keeps_signing_and_installation_dates() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry(dir.path());
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM stations WHERE signed_on = '2012-05-02' AND installed_on = '2012-06-01'"
        ),
        1
    );
    // Installed before it was signed: refused with the line.
    let bad = REGISTRY.replace("2012-05-20,2012-06-11", "2012-07-20,2012-06-11");
    let out = import(&db, None, "stations", &file(dir.path(), "bad.csv", &bad));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 3") && stderr.contains("before the signing date"),
        "{stderr}"
    );
}

fn demo_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("demo.db");
    ok(bianmin(&db).args(["demo", "--today", "2026-11-27"]).output().unwrap());
    db
}

fn watchlist(db: &Path, args: &[&str]) -> std::process::Output {
    bianmin(db).arg("watchlist").args(args).output().unwrap()
}

#[test]
fn the_demo_watchlist_holds_exactly_the_planned_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    // The default is the last finished month: October, with today 27 November.
    let out = ok(watchlist(&db, &["--format", "json"]));
    let same = ok(watchlist(&db, &["--month", "2026-10", "--format", "json"]));
    assert_eq!(out, same);
    let list: Value = serde_json::from_str(&out).unwrap();
    let mut stations: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["station"].as_str().unwrap())
        .collect();
    stations.sort_unstable();
    let mut expected = EXIT_CANDIDATES.to_vec();
    expected.sort_unstable();
    assert_eq!(stations, expected, "exactly the demo's candidates");
    for e in list.as_array().unwrap() {
        let months = e["months"].as_array().unwrap();
        let expected_run = if e["station"] == "S0112" { 3 } else { 2 };
        assert_eq!(months.len(), expected_run, "{e}");
        assert_eq!(e["months_missed"], expected_run);
        assert_eq!(months.last().unwrap()["month"], "2026-10");
        // Every month below both targets.
        for m in months {
            let yuan = |k: &str| m[k].as_str().unwrap().parse::<f64>().unwrap();
            assert!(yuan("payment_amount") < yuan("collection_target"), "{m}");
            assert!(yuan("distribution_sales") < yuan("distribution_target"), "{m}");
        }
        assert_eq!(e["new"], e["station"] == NEW_CANDIDATE, "{e}");
    }
    // A station that missed both only last month is not a candidate.
    assert!(!stations.contains(&MISSED_LAST_MONTH_ONLY[0]));

    // The table, in Chinese, marks the new station.
    let table = ok(bianmin(&db).args(["--lang", "zh", "watchlist"]).output().unwrap());
    assert!(table.contains("退出预警 2026-10") && table.contains("4 个"), "{table}");
    assert!(table.contains("[新站]"), "{table}");

    // The running month is not finished; a month before any plan has none.
    let out = watchlist(&db, &["--month", "2026-11"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not over yet"));
    let empty: Value = serde_json::from_str(&ok(watchlist(&db, &["--month", "2026-05", "--format", "json"]))).unwrap();
    assert_eq!(empty, Value::Array(vec![]));
    let out = watchlist(&db, &["--month", "2026-5"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_demo_funnel_narrows_like_a_real_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let store = Store::open(&db).unwrap();
    let november: bianmin::month::Month = "2026-11".parse().unwrap();
    let f = bianmin::county::funnel(&store, november).unwrap();
    // 200 trading stations, 12 installed and not yet trading, 20 signed
    // only, 3 closed (their trading was before the demo's months).
    assert_eq!((f.signed, f.installed), (235, 215));
    assert!(f.trading <= 200 && f.trading >= 190, "{f:?}");
    assert_eq!((f.suspended, f.closed), (2, 3));
    // A month earlier, the stations signed in November are not signed yet.
    let october = bianmin::county::funnel(&store, november.prev()).unwrap();
    assert!(
        october.signed < f.signed && october.installed < f.installed,
        "{october:?}"
    );
    // The demo is new: it leaves no deletion for laptops to hear of.
    assert_eq!(count(&db, "SELECT count(*) FROM sync_deletions"), 0);
    // New: the stations installed in September and October after the 1st.
    let new = bianmin::county::new_stations(&store, november.prev()).unwrap();
    let mut new: Vec<&str> = new.iter().map(String::as_str).collect();
    new.sort_unstable();
    assert_eq!(new, ["S0006", "S0163"]);
}
