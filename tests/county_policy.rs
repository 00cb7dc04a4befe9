//! A county's own rules over time (RULES.md R12–R14) through the binary:
//! a year that crosses a version change, evaluated month by month from
//! the store; quarterly withholding through the store, `report` and the
//! statements; and a second county policy whose figures are worked by
//! hand in the comments.

mod county_support;

use std::process::{Command, Stdio};

use serde_json::{json, Value};

use county_support::*;

/// The months from July 2012 to June 2013.
fn year() -> Vec<String> {
    let mut months = Vec::new();
    for (y, m) in (7..=12).map(|m| (2012, m)).chain((1..=6).map(|m| (2013, m))) {
        months.push(format!("{y}-{m:02}"));
    }
    months
}

#[test]
fn a_year_across_a_version_change_is_evaluated_month_by_month() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("county.db");
    let policy = sample_policy();
    import_ok(&db, None, "stations", &file(dir.path(), "stations.csv", REGISTRY));
    // Every month S1 collects electricity (5 × 50.00); mobile (2 × 100.00)
    // until the sample county stops it in 2013, water (3 × 50.00) after.
    let mut csv = PAYMENTS_HEADER.to_string();
    for month in year() {
        let day = format!("{month}-10");
        csv.push_str(&payments("E", "S1", &day, "电费", 5, "50.00"));
        if month.starts_with("2012") {
            csv.push_str(&payments("M", "S1", &day, "移动话费", 2, "100.00"));
        } else {
            csv.push_str(&payments("W", "S1", &day, "代收水费", 3, "50.00"));
        }
    }
    let said = import_ok(&db, Some(&policy), "payments", &file(dir.path(), "payments.csv", &csv));
    // 12 × 5 electricity, 6 × 2 mobile, 6 × 3 water.
    assert!(said.contains("90 new"), "{said}");

    let dezhou_keys = [
        "mobile",
        "unicom",
        "telecom",
        "electricity",
        "other",
        "card",
        "referrals",
        "total",
    ];
    let county_keys = [
        "unicom",
        "telecom",
        "electricity",
        "water",
        "cable_tv",
        "other",
        "card",
        "referrals",
        "total",
    ];
    for month in year() {
        let text = report_text(&db, Some(&policy), &month);
        let report: Value = serde_json::from_str(&text).unwrap();
        let s1 = station(&report, "S1");
        let keys = reward_keys(&text, "S1");
        // Electricity: 5 of 100 households = 5% → 0.20 × 5 = 1.00.
        assert_eq!(s1["reward"]["electricity"], "1.00", "{month}");
        if month.starts_with("2012") {
            // The Dezhou version: mobile 1% of 200.00 = 2.00; no withholding.
            assert_eq!(keys, dezhou_keys, "{month}: the reward lines in the version's order");
            assert_eq!(s1["reward"]["mobile"], "2.00", "{month}");
            assert_eq!(s1["reward"]["total"], "3.00", "{month}");
            assert!(
                s1.get("withholding").is_none() && report.get("contest_pool").is_none(),
                "{month}"
            );
        } else {
            // The 2013 version: water 3 × 0.30 = 0.90; 1.90 earned, all of
            // it withheld (never more than earned), never met (8 payments).
            assert_eq!(keys, county_keys, "{month}");
            assert_eq!(s1["reward"]["water"], "0.90", "{month}");
            assert_eq!(s1["reward"]["total"], "1.90", "{month}");
            let w = &s1["withholding"];
            assert_eq!(
                (&w["withheld"], &w["met"], &w["payable"]),
                (&json!("1.90"), &json!(false), &json!("0.00"))
            );
            // March and June end a quarter: three months forfeited.
            let quarter_end = month.ends_with("-03") || month.ends_with("-06");
            let forfeited = if quarter_end { "5.70" } else { "0.00" };
            assert_eq!(w["forfeited"], forfeited, "{month}");
            assert_eq!(w["released"], "0.00", "{month}");
            assert_eq!(report["contest_pool"], forfeited, "{month}");
        }
    }

    // Under Dezhou alone the 2013 facts cannot be evaluated: water is no
    // Dezhou category, and the error says so.
    let out = bianmin(&db)
        .args(["report", "--month", "2013-02", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("payments.water") && stderr.contains("2013-02"),
        "{stderr}"
    );
}

#[test]
fn a_payment_in_a_category_the_month_does_not_have_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("county.db");
    import_ok(&db, None, "stations", &file(dir.path(), "stations.csv", REGISTRY));
    let csv = format!(
        "{PAYMENTS_HEADER}{}{}{}",
        payments("A", "S1", "2012-12-31", "移动", 1, "30.00"),
        payments("B", "S1", "2013-02-03", "移动", 1, "30.00"),
        payments("C", "S1", "2013-02-03", "gas bill", 1, "30.00")
    );
    let out = import(
        &db,
        Some(&sample_policy()),
        "payments",
        &file(dir.path(), "p.csv", &csv),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Line 2 (2012) is fine; line 3 names mobile and the month, line 4 an
    // unknown business type.
    assert!(!stderr.contains("line 2"), "{stderr}");
    assert!(
        stderr.contains("line 3") && stderr.contains("mobile") && stderr.contains("2013-02"),
        "{stderr}"
    );
    assert!(stderr.contains("line 4") && stderr.contains("gas bill"), "{stderr}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    // Nothing was imported, so December has no figures: said, exit 1.
    let out = bianmin(&db)
        .arg("--policy")
        .arg(sample_policy())
        .args(["report", "--month", "2012-12", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no data for 2012-12"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Jan–Mar 2013 under the sample county's policy (withhold 20.00; the bar
/// 10,000.00 yuan or 100 payments). S1 collects water (0.30 a payment),
/// S2 cable TV (1%).
fn quarter_db(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("county.db");
    import_ok(&db, None, "stations", &file(dir, "stations.csv", REGISTRY));
    let csv = format!(
        "{PAYMENTS_HEADER}{}{}{}{}{}",
        payments("J", "S1", "2013-01-15", "水费", 120, "10.00"),
        payments("J", "S2", "2013-01-15", "有线电视费", 1, "12000.00"),
        payments("F", "S1", "2013-02-15", "水费", 50, "10.00"),
        payments("M", "S1", "2013-03-15", "水费", 100, "10.00"),
        payments("M", "S2", "2013-03-15", "有线电视", 2, "150.00"),
    );
    import_ok(
        &db,
        Some(&sample_policy()),
        "payments",
        &file(dir, "payments.csv", &csv),
    );
    db
}

fn withholding(report: &Value, id: &str) -> (String, bool, String, String, String) {
    let w = &station(report, id)["withholding"];
    let text = |k: &str| w[k].as_str().unwrap().to_string();
    (
        text("withheld"),
        w["met"].as_bool().unwrap(),
        text("released"),
        text("forfeited"),
        text("payable"),
    )
}

fn w(
    withheld: &str,
    met: bool,
    released: &str,
    forfeited: &str,
    payable: &str,
) -> (String, bool, String, String, String) {
    (withheld.into(), met, released.into(), forfeited.into(), payable.into())
}

#[test]
fn withholding_across_a_quarter_through_the_store_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = quarter_db(dir.path());
    let policy = sample_policy();

    // January. S1: 120 × 0.30 = 36.00, 120 payments ≥ 100: met; 20.00
    // withheld, 16.00 paid. S2: 1% of 12,000.00 = 120.00, 12,000.00 ≥
    // 10,000.00: met; 100.00 paid.
    let jan = report_json(&db, Some(&policy), "2013-01");
    assert_eq!(withholding(&jan, "S1"), w("20.00", true, "0.00", "0.00", "16.00"));
    assert_eq!(withholding(&jan, "S2"), w("20.00", true, "0.00", "0.00", "100.00"));
    assert_eq!(jan["contest_pool"], "0.00");
    // February. S1: 50 × 0.30 = 15.00, all of it withheld (never more than
    // earned), 50 payments, 500.00 yuan: not met. S2 earned nothing.
    let feb = report_json(&db, Some(&policy), "2013-02");
    assert_eq!(withholding(&feb, "S1"), w("15.00", false, "0.00", "0.00", "0.00"));
    assert_eq!(withholding(&feb, "S2"), w("0.00", false, "0.00", "0.00", "0.00"));
    // March ends the quarter. S1: 30.00 earned, 100 payments: met (the
    // bar includes 100); released January's and March's 20.00 = 40.00,
    // February's 15.00 forfeited; paid 30.00 − 20.00 + 40.00 = 50.00.
    // S2: 1% of 300.00 = 3.00, all withheld, not met; January's 20.00
    // released, 0.00 + 3.00 forfeited; paid 3.00 − 3.00 + 20.00 = 20.00.
    let mar = report_json(&db, Some(&policy), "2013-03");
    assert_eq!(withholding(&mar, "S1"), w("20.00", true, "40.00", "15.00", "50.00"));
    assert_eq!(withholding(&mar, "S2"), w("3.00", false, "20.00", "3.00", "20.00"));
    assert_eq!(mar["contest_pool"], "18.00");

    // The same figures from `calc`, with the history the report derived.
    let history = |id: &str| {
        [&jan, &feb]
            .iter()
            .map(|r| {
                let w = &station(r, id)["withholding"];
                json!({"month": r["month"], "withheld": w["withheld"], "met": w["met"]})
            })
            .collect::<Vec<_>>()
    };
    let input = json!({
        "month": "2013-03",
        "branches": [{"id": "B1", "kind": "rural", "manager": "M1", "maintainers": ["P1"]}],
        "stations": [
            {"id": "S1", "branch": "B1", "kind": "rural", "maintainer": "P1", "village_households": 100,
             "payments": {"water": {"count": 100, "amount": "1000.00"}}, "withholding_history": history("S1")},
            {"id": "S2", "branch": "B1", "kind": "rural", "maintainer": "P1", "village_households": 80,
             "payments": {"cable_tv": {"count": 2, "amount": "300.00"}}, "withholding_history": history("S2")}
        ]
    });
    let calc = calc_stdin(&input.to_string(), &policy);
    assert_eq!(calc["contest_pool"], mar["contest_pool"]);
    for id in ["S1", "S2"] {
        assert_eq!(
            station(&calc, id)["withholding"],
            station(&mar, id)["withholding"],
            "{id}"
        );
    }

    // A late February file reaches the bar: March re-derives the quarter
    // from the facts (nothing stored to go stale). S1's February: 100
    // payments, 30.00 earned, 20.00 withheld and met; March releases
    // 60.00 and pays 30.00 − 20.00 + 60.00 = 70.00; the pool is S2's 3.00.
    let late = format!(
        "{PAYMENTS_HEADER}{}",
        payments("F2", "S1", "2013-02-20", "水费", 50, "10.00")
    );
    import_ok(&db, Some(&policy), "payments", &file(dir.path(), "late.csv", &late));
    let mar = report_json(&db, Some(&policy), "2013-03");
    assert_eq!(withholding(&mar, "S1"), w("20.00", true, "60.00", "0.00", "70.00"));
    assert_eq!(mar["contest_pool"], "3.00");

    // The text report and the statements show it.
    let table = ok(bianmin(&db)
        .args(["--lang", "en", "--policy"])
        .arg(&policy)
        .args(["report", "--month", "2013-03"])
        .output()
        .unwrap());
    assert!(table.contains("withheld") && table.contains("payable"), "{table}");
    assert!(
        table.contains("Station contest pool (quarterly withholding): 3.00 yuan") && !table.contains("R14"),
        "{table}"
    );
    let out_dir = dir.path().join("statements");
    ok(bianmin(&db)
        .args(["--lang", "zh", "--policy"])
        .arg(&policy)
        .args([
            "report",
            "--month",
            "2013-03",
            "--statements",
            "--statement-format",
            "text",
            "--output",
        ])
        .arg(&out_dir)
        .output()
        .unwrap());
    let statement = std::fs::read_to_string(out_dir.join("S1-2013-03.txt")).unwrap();
    assert!(
        statement.contains("应付金额") && statement.contains("70.00"),
        "{statement}"
    );
    assert!(
        statement.contains("季末返还") && statement.contains("60.00"),
        "{statement}"
    );
    assert!(
        statement.contains("已达标") && statement.contains("本季结算"),
        "{statement}"
    );
}

fn calc_stdin(input: &str, policy: &std::path::Path) -> Value {
    serde_json::from_str(&calc_text(input, policy)).unwrap()
}

fn calc_text(input: &str, policy: &std::path::Path) -> String {
    ok(calc_output(input, policy))
}

/// `bianmin calc --policy POLICY -` with `input` on standard input.
fn calc_output(input: &str, policy: &std::path::Path) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bianmin"))
        .env("BIANMIN_CONFIG", policy.with_extension("no-config"))
        .arg("calc")
        .arg("--policy")
        .arg(policy)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn other_county() -> std::path::PathBuf {
    root().join("tests/fixtures/policies/other-county.toml")
}

/// One rural branch (plan 3) of two maintainers; S1 busy, S2 small.
fn other_county_input(month: &str, history: bool) -> Value {
    let day = |d: u32| format!("{month}-{d:02}");
    // S1: K1 twice on the 1st (one valid a day under this policy), then
    // 19 more cards once: 21 raw, 20 valid.
    let mut s1_cards = vec![
        json!({"card": "K1", "date": day(1)}),
        json!({"card": "K1", "date": day(1)}),
    ];
    s1_cards.extend((2..=20).map(|k| json!({"card": format!("K{k}"), "date": day(2)})));
    // S2: K1 three times on the 2nd, K2 once: 4 raw, 2 valid.
    let s2_cards = vec![
        json!({"card": "K1", "date": day(2)}),
        json!({"card": "K1", "date": day(2)}),
        json!({"card": "K1", "date": day(2)}),
        json!({"card": "K2", "date": day(2)}),
    ];
    let mut s1 = json!({
        "id": "S1", "branch": "B1", "kind": "rural", "maintainer": "P1",
        "village_households": 200, "stations_in_village": 2,
        "payments": {
            "telecom": {"count": 10, "amount": "800.00"},
            "electricity": {"count": 65, "amount": "3000.00"},
            "water": {"count": 20, "amount": "400.00"},
            "gas": {"count": 5, "amount": "250.00"}
        },
        "card_txns": s1_cards,
        "referrals": {"huinongtong": 2}
    });
    if history {
        s1["withholding_history"] = json!([
            {"month": "2014-01", "withheld": "10.00", "met": true},
            {"month": "2014-02", "withheld": "4.20", "met": false}
        ]);
    }
    json!({
        "month": month,
        "branches": [{"id": "B1", "kind": "rural", "plan": 3, "manager": "M1", "maintainers": ["P1", "P2"]}],
        "stations": [
            s1,
            {
                "id": "S2", "branch": "B1", "kind": "rural", "maintainer": "P2", "village_households": 50,
                "payments": {
                    "electricity": {"count": 20, "amount": "900.00"},
                    "water": {"count": 10, "amount": "200.00"}
                },
                "card_txns": s2_cards
            }
        ]
    })
}

#[test]
fn a_second_county_policy_with_other_numbers_worked_by_hand() {
    let text = calc_text(&other_county_input("2014-03", true).to_string(), &other_county());
    let out: Value = serde_json::from_str(&text).unwrap();
    let s1 = station(&out, "S1");
    // S1, March 2014 (version 2014-01):
    //   telecom 0.5% of 800.00 = 4.00
    //   electricity: 65 of 200 / 2 = 100 households = 65% ≥ 60% → 0.35 × 65 = 22.75
    //   water 20 × 0.40 = 8.00; gas 2% of 250.00 = 5.00
    //   card: 20 valid ≥ 20 → 0.45 × 20 = 9.00, and the 8.00 package covered
    //   referrals 2 × 1.50 = 3.00
    //   total 4.00 + 22.75 + 8.00 + 5.00 + 9.00 + 3.00 = 51.75
    let lines: Vec<(String, &str)> = reward_keys(&text, "S1")
        .into_iter()
        .map(|k| {
            let amount = s1["reward"][&k].as_str().unwrap();
            (k, amount)
        })
        .collect();
    let lines: Vec<(&str, &str)> = lines.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        lines,
        [
            ("telecom", "4.00"),
            ("electricity", "22.75"),
            ("water", "8.00"),
            ("gas", "5.00"),
            ("card", "9.00"),
            ("referrals", "3.00"),
            ("total", "51.75")
        ]
    );
    assert_eq!(
        (s1["card_raw"].as_u64(), s1["card_valid"].as_u64()),
        (Some(21), Some(20))
    );
    assert_eq!(s1["comms_fee_covered"], "8.00");
    // 100 payments ≥ 40, 20 cards ≥ 3: valid. Commission counts telecom,
    // electricity, gas and the card (not water): 0.04 × (10 + 65 + 5 + 20)
    // = 4.00, on top of the 4.00 base.
    assert_eq!(s1["valid"], true);
    assert_eq!(
        s1["maintenance"],
        json!({"base": "4.00", "commission": "4.00", "total": "8.00"})
    );
    // Withholding: 4,450.00 yuan < 5,000.00, but 100 payments ≥ 60: met.
    // March ends the quarter: January's 10.00 and March's 10.00 released,
    // February's 4.20 forfeited; paid 51.75 − 10.00 + 20.00 = 61.75.
    assert_eq!(
        s1["withholding"],
        json!({"withheld": "10.00", "met": true, "released": "20.00", "forfeited": "4.20", "payable": "61.75"})
    );

    // S2: electricity 20 of 50 = 40% < 60% → 0.15 × 20 = 3.00; water 10 ×
    // 0.40 = 4.00; card 2 valid × 0.25 = 0.50; total 7.50. 30 payments <
    // 40: invalid, no maintenance. All 7.50 withheld (1,100.00 yuan, 30
    // payments: not met) and forfeited at the quarter's end: paid 0.00.
    let s2 = station(&out, "S2");
    assert_eq!(s2["reward"]["electricity"], "3.00");
    assert_eq!(s2["reward"]["water"], "4.00");
    assert_eq!(s2["reward"]["card"], "0.50");
    assert_eq!(s2["reward"]["total"], "7.50");
    assert_eq!(s2["valid"], false);
    assert_eq!(s2["maintenance"]["total"], "0.00");
    assert_eq!(
        s2["withholding"],
        json!({"withheld": "7.50", "met": false, "released": "0.00", "forfeited": "7.50", "payable": "0.00"})
    );
    // The contest pool: 4.20 + 7.50 = 11.70.
    assert_eq!(out["contest_pool"], "11.70");

    // Branch: 1 valid of 2, plan 3 → 2 short × 3.00 = 6.00; not all valid →
    // no R7. Pool 8.00: manager 1:3 → 2.00, P1 0.75 × 8.00 = 6.00, P2 0.00.
    // Penalty: manager 6.00 × 0.25 = 1.50; 4.50 in halves, 2.25 each.
    let b = &out["branches"][0];
    assert_eq!(
        (&b["shortfall"], &b["penalty"], &b["pool"]),
        (&json!(2), &json!("6.00"), &json!("8.00"))
    );
    assert_eq!(b["valid_station_reward"], "0.00");
    let people: Vec<(&str, &str, &str, &str)> = out["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap();
            (s("id"), s("reward"), s("penalty"), s("net"))
        })
        .collect();
    assert_eq!(
        people,
        [
            ("M1", "2.00", "1.50", "0.50"),
            ("P1", "6.00", "2.25", "3.75"),
            ("P2", "0.00", "2.25", "-2.25")
        ]
    );
}

#[test]
fn the_second_countys_next_version_changes_water_and_ends_withholding() {
    // August 2014, version 2014-07: water 20 × 0.50 = 10.00 and it earns
    // commission. S1: total 4.00 + 22.75 + 10.00 + 5.00 + 9.00 + 3.00 =
    // 53.75; commission 0.04 × (10 + 65 + 20 + 5 + 20) = 4.80 → 8.80.
    let out = calc_stdin(&other_county_input("2014-08", false).to_string(), &other_county());
    let s1 = station(&out, "S1");
    assert_eq!(s1["reward"]["water"], "10.00");
    assert_eq!(s1["reward"]["total"], "53.75");
    assert_eq!(s1["maintenance"]["total"], "8.80");
    assert!(s1.get("withholding").is_none() && out.get("contest_pool").is_none());
    // Pool 8.80: manager 2.20, P1 6.60.
    assert_eq!(out["people"][0]["reward"], "2.20");
    assert_eq!(out["people"][1]["reward"], "6.60");

    // A withholding history where the version withholds nothing: refused.
    let out = calc_output(&other_county_input("2014-08", true).to_string(), &other_county());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("stations[0].withholding_history") && stderr.contains("withholds nothing"),
        "{stderr}"
    );
}
