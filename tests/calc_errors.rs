//! Bad input through the binary: exit 2, one line on stderr naming the
//! field path, nothing on stdout.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

fn valid_input() -> Value {
    json!({
        "month": "2026-10",
        "as_of": "2026-10-31",
        "branches": [
            {"id": "B1", "kind": "rural", "plan": 1, "manager": "M1", "maintainers": ["P1", "P2"]},
            {"id": "B2", "kind": "urban", "manager": "M2", "maintainers": ["P3"]}
        ],
        "stations": [
            {
                "id": "S1", "branch": "B1", "kind": "rural", "maintainer": "P1",
                "village_households": 100,
                "payments": {"mobile": {"count": 30, "amount": "900.00"}},
                "card_txns": [{"card": "A", "date": "2026-10-01"}],
                "referrals": {"huinongtong": 1}
            },
            {"id": "S2", "branch": "B2", "kind": "urban", "maintainer": "P3"}
        ]
    })
}

fn calc_stdin(input: &str, extra: &[&str]) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bianmin"))
        .arg("calc")
        .args(extra)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bianmin runs");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_refused(input: &Value, path: &str, reason: &str) {
    let (code, stdout, stderr) = calc_stdin(&input.to_string(), &[]);
    assert_eq!(code, Some(2), "exit for {path}: stderr {stderr}");
    assert!(stdout.is_empty(), "stdout for {path}: {stdout}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line for {path}: {stderr}");
    assert!(stderr.contains(path), "{stderr:?} should name {path}");
    assert!(stderr.contains(reason), "{stderr:?} should say {reason:?}");
}

#[test]
fn the_valid_input_is_accepted() {
    let (code, stdout, stderr) = calc_stdin(&valid_input().to_string(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let out: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(out["stations"][0]["reward"]["referrals"], "1.00");
    assert_eq!(out["branches"][1]["plan"], Value::Null);
}

#[test]
fn each_kind_of_bad_input_names_its_field() {
    type Mutation = fn(&mut Value);
    let cases: Vec<(Mutation, &str, &str)> = vec![
        (
            |v| v["stations"][0]["colour"] = json!("red"),
            "stations[0]",
            "unknown field `colour`",
        ),
        (
            |v| v["stations"][0]["payments"]["mobile"]["count"] = json!(-1),
            "stations[0].payments.mobile.count",
            "-1",
        ),
        (
            |v| v["stations"][0]["payments"]["mobile"]["amount"] = json!("-1.00"),
            "stations[0].payments.mobile.amount",
            "negative",
        ),
        (
            |v| v["stations"][0]["payments"]["mobile"]["amount"] = json!(12.5),
            "stations[0].payments.mobile.amount",
            "string",
        ),
        (
            |v| v["stations"][0]["payments"]["mobile"]["amount"] = json!("1.005"),
            "stations[0].payments.mobile.amount",
            "more than two decimals",
        ),
        (
            |v| v["stations"][0]["payments"]["water"] = json!({"count": 1, "amount": "1.00"}),
            "stations[0].payments",
            "has no payment category water",
        ),
        (
            |v| v["stations"][0]["branch"] = json!("B9"),
            "stations[0].branch",
            "not listed",
        ),
        (
            |v| v["stations"][0]["maintainer"] = json!("P3"),
            "stations[0].maintainer",
            "not a maintainer",
        ),
        (
            |v| v["branches"][1]["maintainers"] = json!([]),
            "branches[1].maintainers",
            "no maintainers",
        ),
        (|v| v["stations"][1]["id"] = json!("S1"), "stations[1].id", "duplicate"),
        (|v| v["branches"][1]["id"] = json!("B1"), "branches[1].id", "duplicate"),
        (
            |v| v["stations"][0]["stations_in_village"] = json!(0),
            "stations[0].stations_in_village",
            "below 1",
        ),
        (
            |v| v["stations"][0]["card_txns"][0]["date"] = json!("2026-11-01"),
            "stations[0].card_txns[0].date",
            "outside the month",
        ),
        (
            |v| v["stations"][0]["card_txns"][0]["date"] = json!("2026-10-1"),
            "stations[0].card_txns[0].date",
            "not a date",
        ),
        (|v| v["as_of"] = json!("2026-09-30"), "as_of", "outside the month"),
        (|v| v["month"] = json!("2026-13"), "month", "not a month"),
        (
            |v| v["branches"][1]["manager"] = json!("P1"),
            "branches[1].manager",
            "belongs to branch",
        ),
        (
            |v| v["branches"][1]["maintainers"] = json!(["M1"]),
            "branches[1].maintainers[0]",
            "belongs to branch",
        ),
        (
            |v| v["branches"][0]["maintainers"] = json!(["P1", "P1"]),
            "branches[0].maintainers[1]",
            "duplicate",
        ),
        (
            |v| v["branches"][0]["kind"] = json!("suburban"),
            "branches[0].kind",
            "unknown variant",
        ),
        (
            |v| v["stations"][0]["referrals"]["lottery"] = json!(1),
            "stations[0].referrals.lottery",
            "unknown referral kind",
        ),
        (|v| v["branches"][0]["plan"] = json!(-2), "branches[0].plan", "-2"),
    ];
    for (mutate, path, reason) in cases {
        let mut input = valid_input();
        mutate(&mut input);
        assert_refused(&input, path, reason);
    }
}

#[test]
fn broken_json_names_line_and_column() {
    let (code, stdout, stderr) = calc_stdin("{\n  \"month\": \"2026-10\",\n  oops\n}", &[]);
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert!(stderr.contains("<stdin>:3:3"), "{stderr}");
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_bianmin"))
        .args(["calc", "/nonexistent/facts.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/facts.json"));
}

/// Issue 8: counts and amounts whose sums or products do not fit are
/// refused naming the field, never computed (a u64 sum wraps in release,
/// Decimal's `+` and `*` panic).
#[test]
fn figures_too_large_to_compute_are_refused_naming_the_field() {
    type Mutation = fn(&mut Value);
    let max = u64::MAX;
    let cases: Vec<(Mutation, &str, &str)> = vec![
        (
            // The worked example's mobile count made 2^64 − 69: with the
            // other 73 payments the sum wraps to 4.
            |v| {
                v["stations"][0]["payments"] = json!({
                    "mobile": {"count": 18446744073709551547u64, "amount": "2000.00"},
                    "unicom": {"count": 8, "amount": "400.00"},
                    "telecom": {"count": 3, "amount": "150.00"},
                    "electricity": {"count": 62, "amount": "3100.00"}
                })
            },
            "stations[0].payments.mobile.count",
            "too large",
        ),
        (
            |v| {
                let all = json!({"count": u64::MAX, "amount": "1.00"});
                v["stations"][0]["payments"] = json!({
                    "mobile": all, "unicom": all, "telecom": all, "electricity": all, "other": all
                })
            },
            "stations[0].payments.",
            "too large",
        ),
        (
            |v| {
                let huge = json!({"count": 1, "amount": "79228162514264337593543950.00"});
                v["stations"][0]["payments"] = json!({"mobile": huge, "telecom": huge, "other": huge})
            },
            "stations[0].payments.",
            "too large",
        ),
        (
            // Day 10 of 31: 2^63 referrals project past u64.
            |v| {
                v["as_of"] = json!("2026-10-10");
                v["stations"][0]["referrals"]["huinongtong"] = json!(9223372036854775808u64);
            },
            "stations[0].referrals.huinongtong",
            "too large",
        ),
        (
            |v| {
                v["stations"][1]["village_households"] = json!(1);
                v["stations"][1]["stations_in_village"] = json!(u64::MAX);
                v["stations"][1]["kind"] = json!("rural");
                v["stations"][1]["payments"] = json!({"electricity": {"count": u64::MAX, "amount": "1.00"}});
            },
            "stations[1].stations_in_village",
            "too large",
        ),
    ];
    for (mutate, path, reason) in cases {
        let mut input = valid_input();
        mutate(&mut input);
        assert_refused(&input, path, reason);
    }
    // 2^64 is no u64: refused where it is read.
    let text = valid_input()
        .to_string()
        .replace("\"count\":30", "\"count\":18446744073709551616");
    let (code, stdout, stderr) = calc_stdin(&text, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stdout.is_empty() && stderr.contains("stations[0].payments.mobile.count"),
        "{stderr}"
    );
    // A count of u64::MAX alone does not overflow anything: computed.
    let mut alone = valid_input();
    alone["stations"][0]["payments"] = json!({"other": {"count": max, "amount": "0.00"}});
    let (code, stdout, stderr) = calc_stdin(&alone.to_string(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let out: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(out["stations"][0]["payment_count"], json!(max));
}

#[test]
fn a_payment_category_given_twice_is_refused() {
    let text = valid_input()
        .to_string()
        .replace(
            "\"mobile\":{",
            "\"unicom\":{\"count\":1,\"amount\":\"1.00\"},\"mobile\":{",
        )
        .replace("\"unicom\":{\"count\":1", "\"mobile\":{\"count\":1");
    assert!(text.matches("\"mobile\"").count() == 2, "{text}");
    let (code, stdout, stderr) = calc_stdin(&text, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("stations[0].payments") && stderr.contains("duplicate category `mobile`"),
        "{stderr}"
    );
}

/// R14's `withholding_history` (CALC.md): the quarter's earlier months,
/// each once, and only where the version withholds.
#[test]
fn a_bad_withholding_history_is_refused() {
    let policy = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/sample-county-2013.toml");
    let input = |history: Value| {
        json!({
            "month": "2013-03",
            "branches": [{"id": "B1", "kind": "rural", "manager": "M1", "maintainers": ["P1"]}],
            "stations": [{"id": "S1", "branch": "B1", "kind": "rural", "maintainer": "P1",
                          "withholding_history": history}]
        })
        .to_string()
    };
    let entry = |month: &str| json!({"month": month, "withheld": "20.00", "met": true});
    for (history, path, reason) in [
        (
            json!([entry("2012-12")]),
            "withholding_history[0].month",
            "not an earlier month of the quarter",
        ),
        (
            json!([entry("2013-03")]),
            "withholding_history[0].month",
            "not an earlier month",
        ),
        (
            json!([entry("2013-04")]),
            "withholding_history[0].month",
            "not an earlier month",
        ),
        (
            json!([entry("2013-01"), entry("2013-01")]),
            "withholding_history[1].month",
            "twice",
        ),
        (
            json!([{"month": "2013-01", "withheld": "-1.00", "met": true}]),
            "withholding_history[0].withheld",
            "negative",
        ),
        (
            json!([{"month": "2013-01", "withheld": "20.00"}]),
            "withholding_history[0]",
            "missing field `met`",
        ),
    ] {
        let (code, stdout, stderr) = calc_stdin(&input(history), &["--policy", policy]);
        assert_eq!(code, Some(2), "{path}: {stderr}");
        assert!(stdout.is_empty());
        assert!(
            stderr.contains(&format!("stations[0].{path}")) && stderr.contains(reason),
            "{stderr:?} should name {path} and say {reason}"
        );
    }
    // Under Dezhou (no withholding) any history is refused.
    let dezhou = input(json!([entry("2013-01")]));
    let (code, _, stderr) = calc_stdin(&dezhou, &[]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("stations[0].withholding_history") && stderr.contains("withholds nothing"),
        "{stderr}"
    );
}

#[test]
fn a_month_before_the_policys_first_version_is_refused() {
    let mut input = valid_input();
    input["month"] = json!("2011-12");
    input["as_of"] = json!("2011-12-31");
    input["stations"][0]["card_txns"] = json!([]);
    assert_refused(
        &input,
        "month",
        "no version of the policy dezhou-2012 is in force in 2011-12",
    );
}
