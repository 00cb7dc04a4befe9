//! Helpers for the county-rules tests: the binary with no config file,
//! files written into a scratch folder, JSON of reports.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample_policy() -> PathBuf {
    root().join("policies/sample-county-2013.toml")
}

/// The binary on `db`, with no config file (only --policy chooses).
pub fn bianmin(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bianmin"));
    cmd.arg("--db")
        .arg(db)
        .env_remove("BIANMIN_DB")
        .env("BIANMIN_CONFIG", db.with_extension("no-config.toml"));
    cmd
}

pub fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Writes `text` to `dir/name` and returns the path.
pub fn file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// `bianmin import KIND FILE` under `policy` (None: built-in).
pub fn import(db: &Path, policy: Option<&Path>, kind: &str, path: &Path) -> Output {
    let mut cmd = bianmin(db);
    if let Some(p) = policy {
        cmd.arg("--policy").arg(p);
    }
    cmd.args(["import", kind]).arg(path).output().unwrap()
}

pub fn import_ok(db: &Path, policy: Option<&Path>, kind: &str, path: &Path) -> String {
    ok(import(db, policy, kind, path))
}

/// `bianmin report --month M --format json` under `policy`, as text.
pub fn report_text(db: &Path, policy: Option<&Path>, month: &str) -> String {
    let mut cmd = bianmin(db);
    if let Some(p) = policy {
        cmd.arg("--policy").arg(p);
    }
    ok(cmd
        .args(["report", "--month", month, "--format", "json"])
        .output()
        .unwrap())
}

/// `bianmin report --month M --format json` under `policy`.
pub fn report_json(db: &Path, policy: Option<&Path>, month: &str) -> Value {
    serde_json::from_str(&report_text(db, policy, month)).unwrap()
}

/// The keys of a station's `reward` in the order the pretty-printed JSON
/// writes them (a `Value` would sort them).
pub fn reward_keys(json: &str, station: &str) -> Vec<String> {
    let at = json
        .find(&format!("\"id\": \"{station}\""))
        .unwrap_or_else(|| panic!("{station} in {json}"));
    let rest = &json[at..];
    let start = rest.find("\"reward\": {").expect("a reward object") + "\"reward\": {".len();
    let end = start + rest[start..].find('}').expect("its end");
    rest[start..end]
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"')?.split_once('"').map(|(k, _)| k.to_string()))
        .collect()
}

pub fn station<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("station {id} in {report}"))
}

/// A rural county of one branch: S1 and S2 (100 and 80 households),
/// maintained by P1, managed by M1.
pub const REGISTRY: &str = "station_code,station_name,station_kind,branch_code,branch_name,branch_kind,manager_id,maintainer_id,village_households,signed_on,installed_on\n\
S1,王庄便民服务站,rural,B1,临邑支局,rural,M1,P1,100,2012-05-02,2012-06-01\n\
S2,刘集便民服务站,rural,B1,临邑支局,rural,M1,P1,80,2012-05-20,2012-06-11\n";

/// `n` payments of one business type on one day, `amount` each.
pub fn payments(prefix: &str, station: &str, day: &str, business_type: &str, n: usize, amount: &str) -> String {
    (0..n)
        .map(|i| format!("{prefix}-{station}-{day}-{i},{station},{day} 10:00:00,{business_type},{amount}\n"))
        .collect()
}

pub const PAYMENTS_HEADER: &str = "txn_id,station_code,time,category,amount\n";
