//! Every worked case of tests/cases/ (copied from ../shared/cases) through
//! the built binary: every field of the expected output must match, and
//! error cases must exit 2 with one line naming the field and no stdout.
//! A case's `.policy` file names the policy to evaluate under.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn bianmin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bianmin"));
    // No config file: the cases name their policy themselves.
    cmd.env("BIANMIN_CONFIG", cases_dir().join("no-config.toml"));
    cmd
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("cases")
}

fn run_calc(input: &Path) -> Output {
    bianmin().arg("calc").arg(input).output().expect("bianmin runs")
}

/// Runs a case under its `.policy` file (a path from the project's root)
/// when it has one, else under the built-in policy.
fn run_case(name: &str, input: &Path) -> Output {
    let policy_file = cases_dir().join(format!("{name}.policy"));
    let mut cmd = bianmin();
    cmd.arg("calc").arg(input);
    if let Ok(text) = std::fs::read_to_string(&policy_file) {
        cmd.arg("--policy")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(text.trim()));
    }
    cmd.output().expect("bianmin runs")
}

/// Lists `(name, input)` for every case.
fn cases() -> Vec<(String, PathBuf)> {
    let mut cases: Vec<(String, PathBuf)> = std::fs::read_dir(cases_dir())
        .expect("tests/cases exists")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_str()?.strip_suffix(".input.json")?.to_string();
            Some((name, path))
        })
        .collect();
    cases.sort();
    cases
}

#[test]
fn there_are_cases_of_both_kinds() {
    let all = cases();
    let errors = all
        .iter()
        .filter(|(name, _)| cases_dir().join(format!("{name}.error")).exists())
        .count();
    assert!(all.len() >= 9, "expected the nine shared cases, found {}", all.len());
    assert!(errors >= 3 && errors < all.len());
    let with_policy = all
        .iter()
        .filter(|(name, _)| cases_dir().join(format!("{name}.policy")).exists())
        .count();
    assert!(with_policy >= 3, "{with_policy} cases name a policy");
}

#[test]
fn every_case_matches_its_expected_output() {
    let mut failures = Vec::new();
    for (name, input) in cases() {
        let expected_path = cases_dir().join(format!("{name}.expected.json"));
        let error_path = cases_dir().join(format!("{name}.error"));
        let out = run_case(&name, &input);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if expected_path.exists() {
            let expected: Value = serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap()).unwrap();
            if !out.status.success() {
                failures.push(format!("{name}: exit {:?}, stderr {stderr}", out.status.code()));
                continue;
            }
            let mut actual: Value = serde_json::from_str(&stdout).expect("stdout is JSON");
            // The shared expectations predate the warnings list; none of
            // these cases should warn, and every other field must match.
            let warnings = actual.as_object_mut().unwrap().remove("warnings");
            if let Some(w) = expected.get("warnings") {
                if Some(w) != warnings.as_ref() {
                    failures.push(format!("{name}: warnings {warnings:?}, expected {w}"));
                }
            } else if warnings != Some(Value::Array(vec![])) {
                failures.push(format!("{name}: unexpected warnings {warnings:?}"));
            }
            let mut expected = expected;
            expected.as_object_mut().unwrap().remove("warnings");
            diff(&name, "", &expected, &actual, &mut failures);
        } else {
            let wanted = std::fs::read_to_string(&error_path).unwrap();
            let wanted = wanted.trim();
            if out.status.code() != Some(2) {
                failures.push(format!("{name}: exit {:?}, expected 2", out.status.code()));
            }
            if !stdout.is_empty() {
                failures.push(format!("{name}: stdout not empty: {stdout}"));
            }
            if stderr.trim_end().lines().count() != 1 || !stderr.contains(wanted) {
                failures.push(format!(
                    "{name}: stderr {stderr:?} should be one line containing {wanted:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Field-by-field comparison, so a failure names the field that differs.
fn diff(case: &str, path: &str, expected: &Value, actual: &Value, failures: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => diff(case, &format!("{path}.{k}"), ev, av, failures),
                    None => failures.push(format!("{case}: {path}.{k} missing")),
                }
            }
            for k in a.keys().filter(|k| !e.contains_key(*k)) {
                failures.push(format!("{case}: {path}.{k} not expected"));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                failures.push(format!("{case}: {path} has {} items, expected {}", a.len(), e.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff(case, &format!("{path}[{i}]"), ev, av, failures);
            }
        }
        _ if expected != actual => failures.push(format!("{case}: {path} = {actual}, expected {expected}")),
        _ => {}
    }
}

#[test]
fn the_policy_file_decides_a_cases_figures() {
    // Case 07 under the built-in Dezhou policy: water is no Dezhou
    // category, so the month cannot be evaluated.
    let out = run_calc(&cases_dir().join("07-county-2013-quarter-end.input.json"));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("stations[0].payments.cable_tv") || stderr.contains("stations[0].payments.water"),
        "{stderr}"
    );
}

#[test]
fn standard_input_gives_the_same_output_as_the_file() {
    let input = cases_dir().join("01-worked-example.input.json");
    let from_file = run_calc(&input);
    let from_stdin = bianmin()
        .args(["calc", "-"])
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert!(from_stdin.status.success());
    assert_eq!(from_file.stdout, from_stdin.stdout);
}

#[test]
fn money_is_printed_as_two_decimal_strings() {
    let out = run_calc(&cases_dir().join("01-worked-example.input.json"));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\"total\": \"40.80\""), "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    let reward = &v["stations"][0]["reward"];
    for (_, money) in reward.as_object().unwrap() {
        let s = money.as_str().expect("money is a string");
        let (_, frac) = s.split_once('.').expect("has decimals");
        assert_eq!(frac.len(), 2, "{s}");
    }
}
