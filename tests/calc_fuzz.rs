//! Bounded fuzzing of `calc` input (issue 8): random JSON shapes and
//! values put anywhere in a valid input, and extreme counts and amounts,
//! through the library entry point (`calc::calc`) and, for a few cases,
//! through the binary. Never a panic; every refusal names a field.

use std::io::Write;
use std::process::{Command, Stdio};

use proptest::prelude::*;
use serde_json::{json, Value};

use bianmin::calc::{calc, CalcError};
use bianmin::policy::Policy;

/// A valid input under both the Dezhou and the sample county's policy
/// (2012 is a Dezhou month in both), with withholding off.
fn base_input() -> Value {
    json!({
        "month": "2012-10",
        "as_of": "2012-10-20",
        "branches": [
            {"id": "B1", "kind": "rural", "plan": 2, "manager": "M1", "maintainers": ["P1", "P2"]},
            {"id": "B2", "kind": "urban", "manager": "M2", "maintainers": ["P3"]}
        ],
        "stations": [
            {
                "id": "S1", "branch": "B1", "kind": "rural", "maintainer": "P1",
                "village_households": 200, "stations_in_village": 2,
                "payments": {
                    "mobile": {"count": 40, "amount": "2000.00"},
                    "electricity": {"count": 62, "amount": "3100.00"}
                },
                "card_txns": [{"card": "A", "date": "2012-10-01"}, {"card": "A", "date": "2012-10-01"}],
                "referrals": {"huinongtong": 1}
            },
            {"id": "S2", "branch": "B2", "kind": "urban", "maintainer": "P3",
             "payments": {"unicom": {"count": 8, "amount": "400.00"}}}
        ]
    })
}

/// Any JSON value, a few levels deep, with the values that break parsers:
/// huge and negative numbers, floats, money-like and date-like strings.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(|n| json!(n)),
        prop_oneof![Just(u64::MAX), Just(u64::MAX - 1), Just(1u64 << 63), Just(0)].prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[0-9]{0,30}(\\.[0-9]{0,3})?".prop_map(Value::String),
        "-?[0-9,.eE+]{0,12}".prop_map(Value::String),
        "(19|20|99)[0-9]{2}-[0-9]{1,2}(-[0-9]{1,2})?".prop_map(Value::String),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("mobile"),
            Just("water"),
            Just("total"),
            Just("rural"),
            Just("S1"),
            Just("B1"),
            Just("P1")
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    "[a-z_]{1,12}".boxed(),
                    Just("count".to_string()).boxed(),
                    Just("amount".to_string()).boxed(),
                    Just("month".to_string()).boxed(),
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every JSON pointer below the root of a document.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{at}/{k}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

/// One change to a valid document: replace a value, remove a key or add
/// one.
#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, Value),
    Remove(usize),
    Add(usize, String, Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), any_json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        1 => any::<usize>().prop_map(Mutation::Remove),
        1 => (any::<usize>(), "[a-z_]{1,10}", any_json()).prop_map(|(i, k, v)| Mutation::Add(i, k, v)),
    ]
}

fn apply(doc: &mut Value, m: &Mutation) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let pick = |i: usize| all[i % all.len()].clone();
    match m {
        Mutation::Replace(i, v) => {
            if let Some(slot) = doc.pointer_mut(&pick(*i)) {
                *slot = v.clone();
            }
        }
        Mutation::Remove(i) => {
            let p = pick(*i);
            let (parent, key) = p.rsplit_once('/').unwrap_or(("", &p));
            match doc.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(k) = key.parse::<usize>() {
                        if k < items.len() {
                            items.remove(k);
                        }
                    }
                }
                _ => {}
            }
        }
        Mutation::Add(i, k, v) => {
            if let Some(Value::Object(map)) = doc.pointer_mut(&pick(*i)) {
                map.insert(k.clone(), v.clone());
            }
        }
    }
}

/// A refusal names a field: the path of the value (`stations[0].payments`),
/// or, for a field missing from the top object, its name.
fn names_a_field(err: &CalcError) -> bool {
    match err {
        CalcError::Parse { path, message, .. } => {
            !path.is_empty() || message.contains("missing field `") || message.contains("unknown field `")
        }
        CalcError::Facts { problem, .. } => !problem.path.is_empty(),
    }
}

/// Money in an output: a string with exactly two decimals.
fn money_is_two_decimal_strings(out: &Value) -> bool {
    out["stations"].as_array().into_iter().flatten().all(|s| {
        s["reward"].as_object().is_some_and(|r| {
            r.values().all(|v| {
                v.as_str()
                    .and_then(|t| t.split_once('.'))
                    .is_some_and(|(_, f)| f.len() == 2)
            })
        })
    })
}

fn policies() -> [Policy; 2] {
    [
        Policy::dezhou_2012(),
        Policy::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/policies/sample-county-2013.toml"
        )))
        .unwrap(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn mutated_input_never_panics_and_refusals_name_a_field(mutations in proptest::collection::vec(mutation(), 1..4)) {
        let mut doc = base_input();
        for m in &mutations {
            apply(&mut doc, m);
        }
        let text = doc.to_string();
        for policy in &policies() {
            match calc(&text, "fuzz.json", policy) {
                Ok(out) => {
                    let out: Value = serde_json::from_str(&out).unwrap();
                    prop_assert!(money_is_two_decimal_strings(&out), "{out}");
                }
                Err(e) => prop_assert!(names_a_field(&e), "{e} for {text}"),
            }
        }
    }

    #[test]
    fn extreme_counts_and_amounts_are_computed_exactly_or_refused(
        counts in proptest::collection::vec(prop_oneof![0u64..1000, any::<u64>(), Just(u64::MAX)], 4),
        amounts in proptest::collection::vec(prop_oneof![
            (0u64..100_000_000).prop_map(|f| format!("{}.{:02}", f / 100, f % 100)),
            "[1-9][0-9]{20,28}\\.[0-9]{2}",
        ], 4),
        referrals in prop_oneof![0u64..10, any::<u64>()],
        day in 1u32..=31,
    ) {
        let mut doc = base_input();
        doc["as_of"] = json!(format!("2012-10-{day:02}"));
        let ids = ["mobile", "unicom", "electricity", "other"];
        let payments: serde_json::Map<String, Value> = ids
            .iter()
            .zip(counts.iter().zip(&amounts))
            .map(|(id, (count, amount))| (id.to_string(), json!({"count": count, "amount": amount})))
            .collect();
        doc["stations"][0]["payments"] = Value::Object(payments);
        doc["stations"][1]["referrals"] = json!({"finance_leads": referrals});
        let text = doc.to_string();
        for policy in &policies() {
            match calc(&text, "extreme.json", policy) {
                Ok(out) => {
                    let out: Value = serde_json::from_str(&out).unwrap();
                    prop_assert!(money_is_two_decimal_strings(&out), "{out}");
                    // The payment count is the true sum, never wrapped.
                    if day == 31 {
                        let sum: u128 = counts.iter().map(|c| u128::from(*c)).sum();
                        prop_assert_eq!(out["stations"][0]["payment_count"].as_u64().map(u128::from), Some(sum));
                    }
                }
                Err(e) => {
                    let shown = e.to_string();
                    prop_assert!(shown.contains("stations[0].") || shown.contains("stations[1]."), "{shown}");
                }
            }
        }
    }
}

fn run_binary(text: &str) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bianmin"))
        .env(
            "BIANMIN_CONFIG",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/no-config.toml"),
        )
        .args(["calc", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

proptest! {
    // A few cases through the real binary: the process must not abort.
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn through_the_binary_exit_0_or_2_with_one_line(mutations in proptest::collection::vec(mutation(), 1..3)) {
        let mut doc = base_input();
        for m in &mutations {
            apply(&mut doc, m);
        }
        let (code, stdout, stderr) = run_binary(&doc.to_string());
        match code {
            Some(0) => prop_assert!(serde_json::from_str::<Value>(&stdout).is_ok()),
            Some(2) => {
                prop_assert!(stdout.is_empty());
                prop_assert_eq!(stderr.trim_end().lines().count(), 1, "{}", stderr);
            }
            other => prop_assert!(false, "exit {other:?}: {stderr}"),
        }
    }
}
