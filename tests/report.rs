//! `bianmin demo` and `bianmin report` through the binary, and the check
//! that `report --format json` equals `calc` on the same facts.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use bianmin::store::facts::BranchScope;
use bianmin::store::Store;
use serde_json::{json, Value};

fn bianmin(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bianmin"));
    cmd.arg("--db").arg(db).env_remove("BIANMIN_DB");
    cmd
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// One demo database for the read-only tests of this file.
fn demo_db() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db");
        ok(bianmin(&db).args(["demo", "--today", "2026-11-27"]).output().unwrap());
        (dir, db)
    })
    .1
}

#[test]
fn demo_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    ok(bianmin(&db)
        .args(["demo", "--today", "2026-11-27", "--seed", "3"])
        .output()
        .unwrap());
    let again = bianmin(&db).args(["demo"]).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    ok(bianmin(&db)
        .args(["demo", "--today", "2026-11-27", "--force"])
        .output()
        .unwrap());
}

#[test]
fn the_first_run_without_a_database_loads_the_demo_in_a_file_of_its_own() {
    let home = tempfile::tempdir().unwrap();
    let run = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_bianmin"));
        cmd.env_remove("BIANMIN_DB")
            .env_remove("BIANMIN_CONFIG")
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .args(["--lang", "zh"]);
        cmd.output().unwrap()
    };
    let out = run();
    let stdout = ok(out.clone());
    assert!(stdout.contains("演示数据"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("演示数据"));
    let data = home.path().join("data/bianmin");
    assert!(data.join("demo.db").exists());
    assert!(
        !data.join("bianmin.db").exists(),
        "the real database's place stays free"
    );

    // A demo an earlier bianmin left in the real database's place moves to
    // its own file, so deleting nothing is needed before connecting.
    std::fs::rename(data.join("demo.db"), data.join("bianmin.db")).unwrap();
    let _ = std::fs::remove_file(data.join("demo.db-wal"));
    let out = run();
    ok(out.clone());
    assert!(data.join("demo.db").exists() && !data.join("bianmin.db").exists());
}

#[test]
fn a_database_that_is_not_there_is_an_error_and_nothing_is_made() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["report"][..], &[], &["note", "list"]] {
        let db = dir.path().join("no/such/dir/x.db");
        let out = bianmin(&db).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("no database"), "{args:?}");
        assert!(!dir.path().join("no").exists(), "{args:?} made a folder");
    }
    let out = bianmin(&dir.path().join("no/such/dir/x.db"))
        .args(["import", "stations", "whatever.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("no").exists(), "an import made a folder");
}

/// CALC.md input that holds exactly the store's facts for the month:
/// card transactions are laid out so the cap gives the stored raw and
/// valid counts.
fn calc_input_from_store(db: &Path, month: &str, as_of: Option<&str>) -> Value {
    let store = Store::open(db).unwrap();
    let month_value: bianmin::month::Month = month.parse().unwrap();
    let as_of_date = as_of.map(|d| bianmin::month::parse_date(d).unwrap());
    let facts = store.month_facts(month_value, as_of_date, &BranchScope::All).unwrap();
    let first = month_value.first_day().to_string();
    let branches: Vec<Value> = facts
        .branches
        .iter()
        .map(|b| {
            json!({"id": b.id, "kind": b.kind.as_str(), "plan": b.plan, "manager": b.manager, "maintainers": b.maintainers})
        })
        .collect();
    let stations: Vec<Value> = facts
        .stations
        .iter()
        .map(|s| {
            let mut payments = serde_json::Map::new();
            for (c, p) in &s.payments {
                payments.insert(
                    c.clone(),
                    json!({"count": p.count, "amount": format!("{:.2}", p.amount)}),
                );
            }
            let mut txns = Vec::new();
            let (raw, valid) = (s.card.raw, s.card.valid);
            let mut distinct = valid;
            if raw > valid {
                // One card swiped 2 + (raw − valid) times: 2 valid.
                for _ in 0..(2 + raw - valid) {
                    txns.push(json!({"card": "X", "date": first}));
                }
                distinct -= 2;
            }
            for i in 0..distinct {
                txns.push(json!({"card": format!("C{i}"), "date": first}));
            }
            let mut station = json!({
                "id": s.id, "branch": s.branch, "kind": s.kind.as_str(), "maintainer": s.maintainer,
                "stations_in_village": s.stations_in_village,
                "payments": payments, "card_txns": txns, "referrals": s.referrals,
            });
            if let Some(h) = s.village_households {
                station["village_households"] = json!(h);
            }
            station
        })
        .collect();
    json!({"month": month, "as_of": facts.as_of.to_string(), "branches": branches, "stations": stations})
}

fn calc(input: &Value) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.json");
    std::fs::write(&file, input.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bianmin"))
        .arg("calc")
        .arg(&file)
        .output()
        .unwrap();
    serde_json::from_str(&ok(out)).unwrap()
}

#[test]
fn report_json_equals_calc_on_the_same_facts() {
    let db = demo_db();
    for (month, as_of) in [("2026-10", None), ("2026-11", Some("2026-11-20"))] {
        let mut args = vec!["report", "--format", "json", "--month", month];
        if let Some(day) = as_of {
            args.extend(["--as-of", day]);
        }
        let report: Value = serde_json::from_str(&ok(bianmin(db).args(&args).output().unwrap())).unwrap();
        let expected = calc(&calc_input_from_store(db, month, as_of));
        assert_eq!(report, expected, "month {month}");
        assert_eq!(report["projected"], json!(as_of.is_some()));
        assert!(report["stations"].as_array().unwrap().len() > 150);
    }
}

#[test]
fn the_current_month_runs_to_the_last_day_with_figures() {
    let report: Value = serde_json::from_str(&ok(bianmin(demo_db())
        .args(["report", "--format", "json"])
        .output()
        .unwrap()))
    .unwrap();
    assert_eq!(report["month"], "2026-11");
    assert_eq!(report["as_of"], "2026-11-26");
    assert_eq!(report["projected"], true);
    let statuses: Vec<&str> = report["stations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    for status in ["valid", "on_track", "at_risk"] {
        assert!(statuses.contains(&status), "no {status} station in the demo");
    }
}

#[test]
fn table_csv_and_branch_filter() {
    let db = demo_db();
    let table = ok(bianmin(db)
        .args(["report", "--month", "2026-10", "--lang", "en"])
        .output()
        .unwrap());
    assert!(
        table.contains("demo data") && table.contains("stations") && table.contains("people"),
        "{table}"
    );
    let csv = ok(bianmin(db)
        .args([
            "report", "--month", "2026-10", "--format", "csv", "--table", "branches", "--lang", "zh",
        ])
        .output()
        .unwrap());
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("支局,名称"), "{}", lines[0]);
    assert_eq!(lines.len(), 9, "header + 8 branches");

    let one: Value = serde_json::from_str(&ok(bianmin(db)
        .args(["report", "--month", "2026-10", "--format", "json", "--branch", "B07"])
        .output()
        .unwrap()))
    .unwrap();
    assert_eq!(one["branches"].as_array().unwrap().len(), 1);
    assert!(one["stations"].as_array().unwrap().iter().all(|s| s["branch"] == "B07"));

    let unknown = bianmin(db).args(["report", "--branch", "B99"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("B99"));
}

#[test]
fn xlsx_and_statements_are_written_to_files() {
    let db = demo_db();
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("report.xlsx");
    ok(bianmin(db)
        .args(["report", "--month", "2026-10", "--format", "xlsx", "--output"])
        .arg(&xlsx)
        .output()
        .unwrap());
    assert_eq!(&std::fs::read(&xlsx).unwrap()[..2], b"PK");
    let refused = bianmin(db).args(["report", "--format", "xlsx"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));

    let out_dir = dir.path().join("statements");
    ok(bianmin(db)
        .args([
            "report",
            "--month",
            "2026-10",
            "--statements",
            "--statement-format",
            "text",
            "--lang",
            "zh",
            "--output",
        ])
        .arg(&out_dir)
        .output()
        .unwrap());
    let files = std::fs::read_dir(&out_dir).unwrap().count();
    assert!(files > 150, "{files} statements");
    let first = std::fs::read_to_string(out_dir.join("S0001-2026-10.txt")).unwrap();
    for needed in [
        "便民服务站奖励确认单",
        "便民缴费营销政策（方案二（一））",
        "合计",
        "站点负责人签字",
        "有效站点认定",
        "签字情况",
    ] {
        assert!(first.contains(needed), "statement lacks {needed}:\n{first}");
    }
    assert!(!first.contains("R2") && !first.contains("R5"), "a rule code:\n{first}");
    let html_dir = dir.path().join("html");
    ok(bianmin(db)
        .args(["report", "--month", "2026-10", "--statements", "--output"])
        .arg(&html_dir)
        .output()
        .unwrap());
    let page = std::fs::read_to_string(html_dir.join("S0001-2026-10.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("@page"));
}
