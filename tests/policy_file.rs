//! The policy is data: another file changes the results as its numbers
//! say, and a malformed or inconsistent file is refused naming the key.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const DEFAULT_POLICY: &str = include_str!("../policies/dezhou-2012.toml");
const SAMPLE_POLICY: &str = include_str!("../policies/sample-county-2013.toml");

/// The binary with no config file (so only --policy or the built-in
/// policy is in effect) and no database.
fn bianmin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bianmin"));
    cmd.env("BIANMIN_CONFIG", root().join("tests/no-config.toml"))
        .env("BIANMIN_DB", root().join("tests/no-database.db"));
    cmd
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn worked_example() -> PathBuf {
    root().join("tests/cases/01-worked-example.input.json")
}

fn calc_with_policy(policy: &Path) -> Output {
    bianmin()
        .arg("calc")
        .arg(worked_example())
        .arg("--policy")
        .arg(policy)
        .output()
        .expect("bianmin runs")
}

#[test]
fn the_default_policy_file_gives_the_same_result_as_the_built_in_one() {
    let built_in = bianmin().arg("calc").arg(worked_example()).output().unwrap();
    let from_file = calc_with_policy(&root().join("policies/dezhou-2012.toml"));
    assert!(built_in.status.success());
    assert_eq!(built_in.stdout, from_file.stdout);
    let printed = bianmin().args(["policy", "--toml"]).output().unwrap();
    assert_eq!(String::from_utf8(printed.stdout).unwrap(), DEFAULT_POLICY);
    assert!(
        !root().join("tests/no-database.db").exists(),
        "printing the policy made a database"
    );
}

#[test]
fn bianmin_policy_shows_the_versions_and_their_categories() {
    let out = bianmin()
        .args(["--lang", "en", "policy", "--policy"])
        .arg(root().join("policies/sample-county-2013.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("(sample-county-2013)") && text.contains("2 version(s)"),
        "{text}"
    );
    let (v2012, v2013) = text
        .split_once("2013-01 onwards")
        .expect("the 2013 version, open-ended");
    assert!(v2012.contains("2012-01 to 2012-12"), "{text}");
    assert!(v2012.contains("mobile") && !v2012.contains("water"), "{v2012}");
    assert!(v2012.contains("quarterly withholding: none"), "{v2012}");
    assert!(
        !v2013.contains(" mobile ") && v2013.contains("water") && v2013.contains("cable_tv"),
        "{v2013}"
    );
    assert!(
        v2013.contains("20.00 yuan a month") && v2013.contains("10000.00"),
        "{v2013}"
    );
    let zh = bianmin()
        .args(["--lang", "zh", "policy", "--policy"])
        .arg(root().join("policies/sample-county-2013.toml"))
        .output()
        .unwrap();
    let zh = String::from_utf8(zh.stdout).unwrap();
    assert!(
        zh.contains("2013-01 起") && zh.contains("水费") && zh.contains("有线电视费"),
        "{zh}"
    );
}

#[test]
fn the_config_file_names_the_county_policy_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("policies/sample-county-2013.toml"),
        dir.path().join("county.toml"),
    )
    .unwrap();
    // A path relative to the config file's folder.
    std::fs::write(dir.path().join("config.toml"), "policy = \"county.toml\"\n").unwrap();
    let configured = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_bianmin"))
            .env("BIANMIN_CONFIG", dir.path().join("config.toml"))
            .env("BIANMIN_DB", dir.path().join("no.db"))
            .args(args)
            .arg(root().join("tests/cases/07-county-2013-quarter-end.input.json"))
            .output()
            .unwrap()
    };
    let out = configured(&["calc"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/cases/07-county-2013-quarter-end.expected.json")).unwrap(),
    )
    .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["contest_pool"], expected["contest_pool"]);
    // --policy still wins: under Dezhou, water is no category.
    let out = configured(&[
        "calc",
        "--policy",
        root().join("policies/dezhou-2012.toml").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    // A config naming a file that is not there is an error, not Dezhou.
    std::fs::write(dir.path().join("config.toml"), "policy = \"gone.toml\"\n").unwrap();
    let out = configured(&["calc"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("gone.toml"));
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

/// Writes a policy with one edit and returns its path.
fn edited_policy(dir: &Path, base: &str, name: &str, from: &str, to: &str) -> PathBuf {
    assert_eq!(base.matches(from).count(), 1, "edit {name}: {from:?} must occur once");
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, base.replacen(from, to, 1)).unwrap();
    path
}

#[test]
fn bad_policies_are_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = DEFAULT_POLICY;
    let cases = [
        (
            d,
            "overlapping-tiers",
            "min = \"30\"\nmin_inclusive = false",
            "min = \"30\"\nmin_inclusive = true",
            "versions[0].card.tiers[2].min_inclusive",
            "overlap",
        ),
        (
            d,
            "gapped-tiers",
            "max = \"0.5\"\nmax_inclusive = false\nrate = \"0.20\"",
            "max = \"0.4\"\nmax_inclusive = false\nrate = \"0.20\"",
            "versions[0].categories[3].rural_household_share[1].min",
            "gap",
        ),
        (
            d,
            "split",
            "maintainers = \"0.8\"",
            "maintainers = \"0.7\"",
            "versions[0].split",
            "add up to 1",
        ),
        (
            d,
            "negative-rate",
            "rate = \"0.25\"\ncommission = true",
            "rate = \"-0.25\"\ncommission = true",
            "versions[0].categories[1].rate",
            "negative",
        ),
        (
            d,
            "negative-penalty",
            "per_station = \"2.00\"",
            "per_station = \"-2.00\"",
            "versions[0].penalty.per_station",
            "negative",
        ),
        (
            d,
            "unknown-key",
            "min_payments = 30",
            "min_payments = 30\nbonus = 1",
            "versions[0].validity",
            "unknown field `bonus`",
        ),
        (
            d,
            "float-rate",
            "rate = \"0.01\"\ncommission = true\n\n[[versions.categories]]\nid = \"unicom\"",
            "rate = 0.01\ncommission = true\n\n[[versions.categories]]\nid = \"unicom\"",
            "versions[0].categories[0].rate",
            "float",
        ),
        (
            d,
            "rounding",
            "rounding = \"half_away_from_zero\"",
            "rounding = \"bankers\"",
            "versions[0].rounding",
            "unknown variant",
        ),
        (
            d,
            "missing",
            "[versions.penalty]\nper_station = \"2.00\"\n",
            "[versions.penalty]\n",
            "versions[0].penalty",
            "missing field `per_station`",
        ),
        (
            d,
            "zero-cap",
            "per_card_per_day = 2",
            "per_card_per_day = 0",
            "versions[0].card_cap.per_card_per_day",
            "at least 1",
        ),
        (
            d,
            "zero-block",
            "urban_block_size = 20",
            "urban_block_size = 0",
            "versions[0].branch_reward.urban_block_size",
            "at least 1",
        ),
        (
            d,
            "unbounded-middle",
            "max = \"20\"\nmax_inclusive = false\nrate = \"0.25\"",
            "rate = \"0.25\"",
            "versions[0].categories[3].urban_count[0].max",
            "unbounded",
        ),
        (
            d,
            "category-twice",
            "id = \"telecom\"",
            "id = \"unicom\"",
            "versions[0].categories[2].id",
            "twice",
        ),
        (
            d,
            "business-type-twice",
            "business_types = [\"电信\",",
            "business_types = [\"联通\",",
            "versions[0].categories[2].business_types[0]",
            "already names the category unicom",
        ),
        (
            d,
            "reserved-id",
            "id = \"other\"",
            "id = \"total\"",
            "versions[0].categories[4].id",
            "line of the reward",
        ),
        (
            d,
            "bad-id",
            "id = \"mobile\"",
            "id = \"Mobile\"",
            "versions[0].categories[0].id",
            "not a category id",
        ),
        (
            d,
            "no-month",
            "effective_from = \"2012-01\"",
            "effective_from = \"2012\"",
            "versions[0].effective_from",
            "not a month",
        ),
        (
            d,
            "exit-never",
            "after_months = 2",
            "after_months = 0",
            "versions[0].exit_watchlist.after_months",
            "1 to 12",
        ),
        (
            SAMPLE_POLICY,
            "versions-out-of-order",
            "effective_from = \"2013-01\"",
            "effective_from = \"2011-06\"",
            "versions[1].effective_from",
            "oldest first",
        ),
        (
            SAMPLE_POLICY,
            "negative-withhold",
            "withhold = \"20.00\"",
            "withhold = \"-20.00\"",
            "versions[1].withholding.withhold",
            "negative",
        ),
    ];
    for (base, name, from, to, key, reason) in cases {
        let path = edited_policy(dir.path(), base, name, from, to);
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
