//! `bianmin plan` through the binary on the demo county (today
//! 2026-11-27, figures to the 26th): a maintainer's and a manager's plan
//! in both languages, the CSV, days outside the figures, hostile `--as`
//! and `--date`, and a connected laptop's own person.

mod sync_support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use serde_json::Value;
use sync_support::*;

/// One copy of the demo county for the read-only tests of this file.
fn demo() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = server_db(dir.path());
        (dir, db)
    })
    .1
}

fn plan(db: &Path, args: &[&str]) -> Output {
    bianmin().arg("plan").arg("--db").arg(db).args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn report_json(db: &Path) -> Value {
    let out = ok(
        &bianmin()
            .args(["report", "--format", "json", "--db"])
            .arg(db)
            .output()
            .unwrap(),
        "report",
    );
    serde_json::from_str(&out).unwrap()
}

/// A list of a report's JSON (`stations`, `branches`, `people`).
fn list<'a>(report: &'a Value, key: &str) -> &'a [Value] {
    report[key].as_array().map_or(&[], Vec::as_slice)
}

/// A CSV text as rows of cells (the plan's cells hold no newline).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

const CSV_HEADER: &str = "maintainer,maintainer_name,stop,rank,score,station,station_name,village,route_order,\
status,payments,card,payments_per_day,card_per_day,days_left,stretch,last_visit,follow_up_on,statement,reasons,reason_text";

fn no_rule_codes(text: &str) {
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let code = word
            .strip_prefix('R')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        assert!(!code, "rule code {word} in:\n{text}");
    }
}

#[test]
fn a_maintainers_plan_in_chinese_and_english() {
    let zh = ok(&plan(demo(), &["--as", "W02", "--lang", "zh"]), "plan zh");
    let lines: Vec<&str> = zh.lines().collect();
    assert!(lines[0].starts_with("今日走访计划 2026-11-27 · "), "{zh}");
    assert!(
        lines[0].contains("（W02）· 维护人员") && lines[0].contains("演示数据"),
        "{zh}"
    );
    assert_eq!(lines[1], "数据截至 2026-11-26 · 本月还剩 4 天");
    assert!(zh.contains("今日走访") && zh.contains("  1. "), "{zh}");
    assert!(zh.contains("还需缴费") || zh.contains("还需刷卡"), "{zh}");
    no_rule_codes(&zh);
    // A maintainer's list has no branch money in it.
    assert!(!zh.contains("扣罚"), "{zh}");

    let en = ok(&plan(demo(), &["--as", "W02", "--lang", "en"]), "plan en");
    assert!(
        en.starts_with("Visit plan for 2026-11-27 · ") && en.contains("(W02) · maintainer"),
        "{en}"
    );
    assert!(en.contains("figures to 2026-11-26 · days left in the month: 4"), "{en}");
    // Station names are data; the words around them are English.
    for zh_word in ["今日", "还需", "走访", "数据截至", "天未"] {
        assert!(!en.contains(zh_word), "{zh_word} in:\n{en}");
    }
    no_rule_codes(&en);
    // The same stops in both languages.
    let stops = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| {
                l.trim_start()
                    .split_once(". ")
                    .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
            })
            .map(|l| l.rsplit(' ').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(stops(&zh), stops(&en));
    assert!(!stops(&zh).is_empty());
}

#[test]
fn the_csv_has_stable_columns_and_every_station_of_the_maintainer() {
    for lang in ["zh", "en"] {
        let text = ok(
            &plan(demo(), &["--as", "W02", "--format", "csv", "--lang", lang]),
            "plan csv",
        );
        assert_eq!(
            text.lines().next(),
            Some(CSV_HEADER),
            "columns do not change with --lang {lang}"
        );
    }
    let text = ok(&plan(demo(), &["--as", "W02", "--format", "csv"]), "plan csv");
    let rows = csv_rows(&text);
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let body = &rows[1..];
    // Every station W02 maintains this month, once.
    let report = report_json(demo());
    let mut want = stations_of(demo(), "W02");
    want.sort();
    let mut got: Vec<&str> = body.iter().map(|r| r[col("station")].as_str()).collect();
    got.sort();
    assert_eq!(got, want);
    assert!(body.iter().all(|r| r[col("maintainer")] == "W02"));
    // Today's stops are numbered 1, 2, … first; the rest have none.
    let stops: Vec<&str> = body.iter().map(|r| r[col("stop")].as_str()).collect();
    let numbered = stops.iter().take_while(|s| !s.is_empty()).count();
    assert!(numbered > 0 && numbered <= 8);
    assert!(stops[..numbered]
        .iter()
        .enumerate()
        .all(|(i, s)| *s == (i + 1).to_string()));
    assert!(stops[numbered..].iter().all(|s| s.is_empty()));
    // Engine figures: status and so-far counts as the report has them.
    for r in body {
        let s = list(&report, "stations")
            .iter()
            .find(|s| s["id"] == r[col("station")].as_str())
            .unwrap();
        assert_eq!(s["status"], r[col("status")].as_str());
        if !r[col("reasons")].is_empty() {
            assert!(r[col("score")] != "0" || r[col("reasons")] == "out_of_reach");
        }
    }
}

#[test]
fn a_managers_plan_lists_every_maintainer_and_the_stations_that_close_the_shortfall() {
    let report = report_json(demo());
    let b01 = list(&report, "branches").iter().find(|b| b["id"] == "B01").unwrap();
    let shortfall = b01["shortfall"].as_u64().unwrap();
    let penalty = b01["penalty"].as_str().unwrap();
    assert!(shortfall > 0, "the demo's B01 misses its plan");
    let maintainers: Vec<&str> = list(&report, "people")
        .iter()
        .filter(|p| p["branch"] == "B01" && p["role"] == "maintainer")
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(maintainers.len() > 1);

    let zh = ok(&plan(demo(), &["--as", "M01", "--lang", "zh"]), "manager zh");
    assert!(zh.lines().next().unwrap().contains("（M01）· 支局长"), "{zh}");
    for m in &maintainers {
        assert!(zh.contains(&format!("（{m}）：今日走访")), "{m} missing:\n{zh}");
    }
    // The engine's penalty, grouped, with 元; "any N of these M".
    assert!(zh.contains(&format!("差 {shortfall} 个 · 扣罚 {penalty} 元")), "{zh}");
    assert!(
        zh.contains(&format!("中任意 {shortfall} 个达标，{penalty} 元扣罚即可免除")),
        "{zh}"
    );
    assert!(zh.contains("单独达标免罚 2.00 元"), "{zh}");
    no_rule_codes(&zh);

    let en = ok(&plan(demo(), &["--as", "M01", "--lang", "en"]), "manager en");
    assert!(en.contains(&format!("make any {shortfall} of these ")), "{en}");
    assert!(
        en.contains(&format!("valid and the {penalty} yuan penalty goes away")),
        "{en}"
    );
    no_rule_codes(&en);

    // The CSV lists the maintainers' stations, the whole branch.
    let csv = ok(&plan(demo(), &["--as", "M01", "--format", "csv"]), "manager csv");
    let rows = csv_rows(&csv);
    let branch_stations = list(&report, "stations")
        .iter()
        .filter(|s| s["branch"] == "B01")
        .count();
    assert_eq!(rows.len() - 1, branch_stations);
}

#[test]
fn a_met_plan_says_so() {
    let report = report_json(demo());
    let met = list(&report, "branches")
        .iter()
        .find(|b| b["shortfall"] == 0 && !b["plan"].is_null())
        .expect("a branch of the demo meets its plan");
    let manager = list(&report, "people")
        .iter()
        .find(|p| p["branch"] == met["id"] && p["role"] == "manager")
        .unwrap();
    let en = ok(
        &plan(demo(), &["--as", manager["id"].as_str().unwrap(), "--lang", "en"]),
        "met plan",
    );
    assert!(en.contains(" · met"), "{en}");
    assert!(!en.contains("penalty goes away"), "{en}");
}

#[test]
fn a_day_outside_the_figures_is_said_and_exits_1() {
    for (date, lang, words) in [
        ("2025-01-15", "zh", "不在数据范围内"),
        ("2099-12-31", "en", "is outside the figures"),
        // The figures start on 2026-08-01: its morning has nothing before it.
        ("2026-08-01", "en", "from 2026-08-01 to 2026-11-26"),
        // December's 2nd needs December's 1st.
        ("2026-12-02", "zh", "2026-08-01 到 2026-11-26"),
    ] {
        let out = plan(demo(), &["--as", "W01", "--date", date, "--lang", lang]);
        assert_eq!(out.status.code(), Some(1), "{date}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
        assert!(stderr(&out).contains(words), "{date}: {}", stderr(&out));
    }
}

#[test]
fn the_first_morning_of_the_next_month_and_a_day_in_the_past_plan_from_what_was_known() {
    let first = ok(
        &plan(demo(), &["--as", "W01", "--date", "2026-12-01", "--lang", "en"]),
        "Dec 1",
    );
    assert!(
        first.contains("no figures for the month yet · 31 days in the month"),
        "{first}"
    );
    assert!(first.contains("(31 d left)"), "the whole month ahead:\n{first}");

    let past = ok(
        &plan(demo(), &["--as", "W01", "--date", "2026-11-15", "--lang", "zh"]),
        "Nov 15",
    );
    assert!(past.contains("数据截至 2026-11-14 · 本月还剩 16 天"), "{past}");
    // Before the 12th nothing is overdue yet.
    let early = ok(
        &plan(demo(), &["--as", "M01", "--date", "2026-11-05", "--lang", "zh"]),
        "Nov 5",
    );
    assert!(!early.contains("已逾期"), "{early}");
}

#[test]
fn bad_dates_are_bad_input() {
    for date in [
        "2026-02-30",
        "garbage",
        "",
        "2026-11-27T00:00",
        "+2026-11-27",
        "２０２６-11-27",
    ] {
        let out = plan(demo(), &["--as", "W01", "--date", date]);
        assert_eq!(out.status.code(), Some(2), "{date:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("--date"), "{date:?}: {}", stderr(&out));
    }
}

#[test]
fn hostile_or_unknown_persons_are_refused_by_name() {
    let long = "a".repeat(100_000);
    for person in [
        "W99",
        "",
        "=cmd|' /C calc'!A0",
        "\u{1b}[31mW01",
        "../../etc/passwd",
        "W01' OR '1'='1",
        &long,
    ] {
        let out = plan(demo(), &["--as", person, "--lang", "en"]);
        assert_eq!(out.status.code(), Some(2), "{person:?}");
        let err = stderr(&out);
        assert!(err.contains("is not in the database"), "{err}");
        assert!(!err.contains('\u{1b}'), "an escape sequence reached the terminal");
        assert!(err.len() < 1_000, "the error quotes a cut name");
        assert!(out.stdout.is_empty());
    }
    // The county, or a person in no branch, has no plan.
    let out = plan(demo(), &["--as", "county", "--lang", "zh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("不是维护人员或支局长"), "{}", stderr(&out));
    // Nobody named and none configured.
    let out = plan(demo(), &["--lang", "en"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--as"), "{}", stderr(&out));
}

#[test]
fn a_hostile_station_name_is_text_in_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    {
        let store = bianmin::store::Store::open(&db).unwrap();
        let id = stations_of(&db, "W02")[0].clone();
        let mut station = store.station(&id).unwrap().unwrap();
        station.name = "=HYPERLINK(\"http://x.example\",\"click\")".into();
        station.village = Some("@SUM(1+1)".into());
        store.upsert_station(&station).unwrap();
    }
    let csv = ok(&plan(&db, &["--as", "W02", "--format", "csv"]), "csv");
    assert!(csv.contains("\"'=HYPERLINK("), "{csv}");
    assert!(csv.contains(",'@SUM(1+1),"), "{csv}");
    assert!(!csv.contains(",=HYPERLINK") && !csv.contains(",@SUM"), "{csv}");
}

#[test]
fn a_connected_laptop_plans_for_its_own_person_and_no_one_outside_its_scope() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let token = token(&db, "W02", "maintainer");
    let server = Server::start(&db);
    let laptop = dir.path().join("laptop.db");
    ok(&sync(&laptop, &server.url, &token, &[]), "connect");
    let own = bianmin()
        .env("BIANMIN_CONFIG", laptop_config(&laptop))
        .args(["plan", "--date", "2026-11-27", "--lang", "en", "--db"])
        .arg(&laptop)
        .output()
        .unwrap();
    let text = ok(&own, "plan on the laptop");
    assert!(text.contains("(W02) · maintainer"), "{text}");
    // The same list as on the county's database.
    let county = ok(&plan(&db, &["--as", "W02", "--lang", "en"]), "plan on the server db");
    let body = |t: &str| t.lines().skip(1).map(String::from).collect::<Vec<_>>();
    assert_eq!(body(&text), body(&county));

    let other = bianmin()
        .env("BIANMIN_CONFIG", laptop_config(&laptop))
        .args(["plan", "--as", "W01", "--date", "2026-11-27", "--db"])
        .arg(&laptop)
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(2), "{}", stderr(&other));
    assert!(stderr(&other).contains("W01"), "{}", stderr(&other));
}
