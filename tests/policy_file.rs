//! The policy is data: another file changes the results as its numbers
//! say, and a malformed or inconsistent file is refused naming the key.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const DEFAULT_POLICY: &str = include_str!("../policies/dezhou-2012.toml");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn worked_example() -> PathBuf {
    root().join("tests/cases/01-worked-example.input.json")
}

fn calc_with_policy(policy: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bianmin"))
        .arg("calc")
        .arg(worked_example())
        .arg("--policy")
        .arg(policy)
        .output()
        .expect("bianmin runs")
}

#[test]
fn the_default_policy_file_gives_the_same_result_as_the_built_in_one() {
    let built_in = Command::new(env!("CARGO_BIN_EXE_bianmin"))
        .arg("calc")
        .arg(worked_example())
        .output()
        .unwrap();
    let from_file = calc_with_policy(&root().join("policies/dezhou-2012.toml"));
    assert!(built_in.status.success());
    assert_eq!(built_in.stdout, from_file.stdout);
    let printed = Command::new(env!("CARGO_BIN_EXE_bianmin"))
        .arg("policy")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(printed.stdout).unwrap(), DEFAULT_POLICY);
}

#[test]
fn another_policy_file_changes_every_figure_it_names() {
    let out = calc_with_policy(&root().join("tests/fixtures/policies/generous.toml"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["stations"][0];
    // Cap 3 a day: card A's three swipes on the 1st all count.
    assert_eq!(s["card_valid"], 7);
    assert_eq!(s["reward"]["mobile"], "40.00"); // 2% of 2000.00
    assert_eq!(s["reward"]["unicom"], "2.40"); // 8 × 0.30
    assert_eq!(s["reward"]["electricity"], "15.50"); // unchanged tiers
    assert_eq!(s["reward"]["card"], "4.90"); // 7 × 0.70
    assert_eq!(s["reward"]["total"], "64.30");
    assert_eq!(s["comms_fee_covered"], "6.00"); // from 5 cards, 6.00
                                                // 8.00 + 0.10 × (113 payments incl. other + 7 cards)
    assert_eq!(s["maintenance"]["total"], "20.00");
    let b = &v["branches"][0];
    assert_eq!(b["valid_station_reward"], "150.00");
    assert_eq!(b["pool"], "170.00");
    assert_eq!(b["penalty"], "6.00"); // 2 short × 3.00
    let people: Vec<(&str, &str, &str)> = v["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap(),
                p["reward"].as_str().unwrap(),
                p["penalty"].as_str().unwrap(),
            )
        })
        .collect();
    // 3:7 split: manager 51.00 and 1.80; P1 0.7 × 20 + 0.7 × 75 = 66.50.
    assert_eq!(
        people,
        [
            ("M1", "51.00", "1.80"),
            ("P1", "66.50", "2.10"),
            ("P2", "52.50", "2.10")
        ]
    );
}

/// Writes the default policy with one edit and returns its path.
fn edited_policy(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    assert_eq!(
        DEFAULT_POLICY.matches(from).count(),
        1,
        "edit {name}: {from:?} must occur once"
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, DEFAULT_POLICY.replacen(from, to, 1)).unwrap();
    path
}

#[test]
fn bad_policies_are_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "overlapping-tiers",
            "min = \"30\"\nmin_inclusive = false",
            "min = \"30\"\nmin_inclusive = true",
            "card.tiers[2].min_inclusive",
            "overlap",
        ),
        (
            "gapped-tiers",
            "max = \"0.5\"\nmax_inclusive = false\nrate = \"0.20\"",
            "max = \"0.4\"\nmax_inclusive = false\nrate = \"0.20\"",
            "payments.electricity.rural_household_share[1].min",
            "gap",
        ),
        (
            "split",
            "maintainers = \"0.8\"",
            "maintainers = \"0.7\"",
            "split",
            "add up to 1",
        ),
        (
            "negative-rate",
            "rate = \"0.25\"\n\n[payments.telecom]",
            "rate = \"-0.25\"\n\n[payments.telecom]",
            "payments.unicom.rate",
            "negative",
        ),
        (
            "negative-penalty",
            "per_station = \"2.00\"",
            "per_station = \"-2.00\"",
            "penalty.per_station",
            "negative",
        ),
        (
            "unknown-key",
            "min_payments = 30",
            "min_payments = 30\nbonus = 1",
            "validity",
            "unknown field `bonus`",
        ),
        (
            "float-rate",
            "rate = \"0.01\"\n\n[payments.unicom]",
            "rate = 0.01\n\n[payments.unicom]",
            "payments.mobile.rate",
            "float",
        ),
        (
            "rounding",
            "rounding = \"half_away_from_zero\"",
            "rounding = \"bankers\"",
            "rounding",
            "unknown variant",
        ),
        (
            "missing",
            "[penalty]\nper_station = \"2.00\"\n",
            "[penalty]\n",
            "penalty",
            "missing field `per_station`",
        ),
        (
            "zero-cap",
            "per_card_per_day = 2",
            "per_card_per_day = 0",
            "card_cap.per_card_per_day",
            "at least 1",
        ),
        (
            "zero-block",
            "urban_block_size = 20",
            "urban_block_size = 0",
            "branch_reward.urban_block_size",
            "at least 1",
        ),
        (
            "unbounded-middle",
            "max = \"20\"\nmax_inclusive = false\nrate = \"0.25\"",
            "rate = \"0.25\"",
            "payments.electricity.urban_count[0].max",
            "unbounded",
        ),
        (
            "commission-twice",
            "[\"electricity\", \"mobile\", \"unicom\", \"telecom\"]",
            "[\"electricity\", \"mobile\", \"mobile\"]",
            "maintenance.commission_categories[2]",
            "twice",
        ),
    ];
    for (name, from, to, key, reason) in cases {
        let path = edited_policy(dir.path(), name, from, to);
        let out = calc_with_policy(&path);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains(key), "{name}: {stderr:?} should name {key}");
        assert!(stderr.contains(reason), "{name}: {stderr:?} should say {reason}");
        assert!(
            stderr.contains(&format!("{name}.toml")),
            "{name}: {stderr:?} should name the file"
        );
    }
}
