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
