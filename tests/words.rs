//! Issue 9, the command line: Chinese throughout with `--lang zh` (help,
//! clap's errors, messages, library errors), words for people in reports
//! and statements, honest empty states, statements people sign, China
//! time. Every check runs the real binary in both languages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use bianmin::store::Store;

/// The binary, with nothing of the caller's environment deciding for it:
/// no database, config or locale from outside.
fn bianmin(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bianmin"));
    cmd.env_remove("BIANMIN_DB")
        .env_remove("BIANMIN_TOKEN")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("BIANMIN_CONFIG", home.join("config.toml"));
    cmd
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

/// Any Chinese character.
fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A rule code such as R2 or R14 as a word of its own.
fn rule_code(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| w.len() >= 2 && w.starts_with('R') && w[1..].chars().all(|c| c.is_ascii_digit()))
        .map(String::from)
}

/// One demo county for the read-only tests (today 2026-11-27: October is
/// the last finished month, November runs).
fn demo() -> &'static (tempfile::TempDir, PathBuf) {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db");
        ok(bianmin(dir.path())
            .args(["demo", "--today", "2026-11-27", "--db"])
            .arg(&db)
            .output()
            .unwrap());
        (dir, db)
    })
}

fn on_demo(args: &[&str]) -> Output {
    let (dir, db) = demo();
    bianmin(dir.path()).args(args).arg("--db").arg(db).output().unwrap()
}

#[test]
fn help_is_in_the_language_asked_for() {
    let home = tempfile::tempdir().unwrap();
    let zh = ok(bianmin(home.path())
        .args(["--lang", "zh", "import", "--help"])
        .output()
        .unwrap());
    for word in ["导入", "用法", "选项", "数据库文件", "显示帮助", "便民缴费交易明细"] {
        assert!(zh.contains(word), "{word} missing:\n{zh}");
    }
    for english in [
        "Usage",
        "Options",
        "Print help",
        "possible values",
        "The file to import",
    ] {
        assert!(!zh.contains(english), "{english} in the Chinese help:\n{zh}");
    }
    // --lang after the command, and `-h`, too.
    let short = ok(bianmin(home.path())
        .args(["report", "-h", "--lang=zh"])
        .output()
        .unwrap());
    assert!(short.contains("确认单") && !short.contains("Options"), "{short}");
    let en = ok(bianmin(home.path())
        .args(["--lang", "en", "import", "--help"])
        .output()
        .unwrap());
    assert!(
        en.contains("Usage:") && en.contains("The file to import") && !has_chinese_help(&en),
        "{en}"
    );
    // The locale decides when nothing else does.
    let by_locale = ok(bianmin(home.path())
        .env("LANG", "zh_CN.UTF-8")
        .args(["note", "--help"])
        .output()
        .unwrap());
    assert!(by_locale.contains("走访记录"), "{by_locale}");
    // And the config file before the locale.
    std::fs::write(home.path().join("config.toml"), "lang = \"zh\"\n").unwrap();
    let by_config = ok(bianmin(home.path()).args(["sync", "--help"]).output().unwrap());
    assert!(by_config.contains("县局服务器"), "{by_config}");
}

/// Chinese beyond the names English help quotes (工号, 绿卡 …).
fn has_chinese_help(text: &str) -> bool {
    ["导入", "用法", "选项", "数据库"].iter().any(|w| text.contains(w))
}

#[test]
fn clap_errors_are_chinese_too() {
    let home = tempfile::tempdir().unwrap();
    let out = bianmin(home.path())
        .args(["--lang", "zh", "report", "--format", "pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(
        said.contains("pdf") && said.contains("可选值") && said.contains("用法"),
        "{said}"
    );
    assert!(!said.contains("error:") && !said.contains("Usage"), "{said}");
    let out = bianmin(home.path()).args(["--lang", "zh", "reprot"]).output().unwrap();
    assert!(stderr(&out).contains("report"), "{}", stderr(&out));
    let out = bianmin(home.path())
        .args(["--lang", "en", "report", "--format", "pdf"])
        .output()
        .unwrap();
    assert!(stderr(&out).contains("invalid value 'pdf'"), "{}", stderr(&out));
}

#[test]
fn an_import_of_a_missing_file_is_said_in_chinese_once_and_makes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("d.db");
    let out = bianmin(home.path())
        .args(["--lang", "zh", "import", "payments", "MISSING.csv", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(said.contains("MISSING.csv") && said.contains("无法打开文件"), "{said}");
    let os = std::io::Error::from_raw_os_error(2).to_string();
    assert_eq!(said.matches(&os).count(), 1, "the OS error once: {said}");
    assert!(!db.exists(), "a failed import left a database behind");

    let out = bianmin(home.path())
        .args(["--lang", "en", "import", "payments", "MISSING.csv", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let said = stderr(&out);
    assert!(
        said.contains("MISSING.csv: cannot open the file") && said.matches(&os).count() == 1,
        "{said}"
    );
}

#[test]
fn bad_rows_are_listed_in_chinese() {
    let home = tempfile::tempdir().unwrap();
    let csv = home.path().join("stations.csv");
    std::fs::write(&csv, "站点编码,站点名称\nS1,王庄\n").unwrap();
    let out = bianmin(home.path())
        .args(["--lang", "zh", "import", "stations"])
        .arg(&csv)
        .arg("--db")
        .arg(home.path().join("d.db"))
        .output()
        .unwrap();
    let said = stderr(&out);
    assert!(said.contains("缺少列") && said.contains("表头行中有"), "{said}");
    assert!(!said.contains("missing column"), "{said}");
}

/// Every command that takes --db, pointed into a folder that does not
/// exist: an error, and nothing made.
#[test]
fn a_database_in_a_folder_that_is_not_there_is_an_error_for_every_command() {
    let home = tempfile::tempdir().unwrap();
    let csv = home.path().join("x.csv");
    std::fs::write(&csv, "a,b\n1,2\n").unwrap();
    let csv = csv.to_str().unwrap();
    let commands: &[&[&str]] = &[
        &[],
        &["report"],
        &["report", "--format", "json"],
        &["report", "--statements", "-o", "out"],
        &["note", "list"],
        &[
            "note",
            "add",
            "--station",
            "S1",
            "--kind",
            "other",
            "--text",
            "x",
            "--as",
            "W01",
        ],
        &["import", "stations", csv],
        &["demo"],
        &["sync", "--status"],
        &["sync", "--server", "http://127.0.0.1:9", "--token", "t"],
        &["user", "list"],
        &["user", "add", "--person", "W01", "--role", "maintainer"],
        &["serve", "--listen", "127.0.0.1:0"],
        &["payout", "status"],
        &["payout", "undo", "paid", "--month", "2026-10"],
        &["watchlist"],
        &["export", "payments", "--month", "2026-10"],
        &["reconcile", csv, "--month", "2026-10"],
    ];
    for args in commands {
        for lang in ["zh", "en"] {
            let db = home.path().join("no/such/dir/x.db");
            let out = bianmin(home.path())
                .current_dir(home.path())
                .args(["--lang", lang])
                .args(*args)
                .arg("--db")
                .arg(&db)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
            assert!(!home.path().join("no").exists(), "{args:?} made a folder");
            assert!(!home.path().join("out").exists(), "{args:?} made the output folder");
            if lang == "zh" {
                assert!(has_chinese(&stderr(&out)), "{args:?}: {}", stderr(&out));
            }
        }
    }
    // Reading the policy needs no database, and makes none.
    let db = home.path().join("no/such/dir/x.db");
    ok(bianmin(home.path()).args(["policy", "--db"]).arg(&db).output().unwrap());
    assert!(!home.path().join("no").exists());
}

#[test]
fn a_month_without_figures_says_so_and_exits_1() {
    for (lang, said) in [("en", "no data for 2025-01"), ("zh", "2025-01 没有数据")] {
        for format in ["json", "table", "csv"] {
            let out = on_demo(&["--lang", lang, "report", "--month", "2025-01", "--format", format]);
            assert_eq!(out.status.code(), Some(1), "{lang} {format}: {}", stderr(&out));
            assert!(out.stdout.is_empty(), "{}", stdout(&out));
            assert!(stderr(&out).contains(said), "{}", stderr(&out));
            // It says which months there are.
            assert!(
                stderr(&out).contains("2026-08") && stderr(&out).contains("2026-11"),
                "{}",
                stderr(&out)
            );
        }
    }
    // Statements of such a month: the same, and no folder is made.
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("out");
    let out = on_demo(&[
        "report",
        "--month",
        "2025-01",
        "--statements",
        "-o",
        folder.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!folder.exists());
}

#[test]
fn text_reports_have_words_units_and_no_rule_codes() {
    for lang in ["zh", "en"] {
        let finished = ok(on_demo(&["--lang", lang, "report", "--month", "2026-10"]));
        assert_eq!(rule_code(&finished), None, "{finished}");
        let running = ok(on_demo(&["--lang", lang, "report", "--month", "2026-11"]));
        assert_eq!(rule_code(&running), None, "{running}");
        let first = running.lines().next().unwrap();
        match lang {
            "zh" => {
                assert!(finished.contains("站点奖励（元）"), "{finished}");
                assert!(finished.lines().next().unwrap().contains("全月实际数据"), "{finished}");
                assert!(first.contains("预测") && first.contains("还剩 4 天"), "{first}");
                assert!(running.contains("站点奖励（元，预测）"), "{running}");
            }
            _ => {
                assert!(finished.contains("station reward (yuan)"), "{finished}");
                assert!(
                    first.contains("projected") && first.contains("days left in the month: 4"),
                    "{first}"
                );
                assert!(running.contains("station reward (yuan, projected)"), "{running}");
            }
        }
    }
    // Amounts of a thousand and more are grouped for people, plain for programs.
    let table = ok(on_demo(&["--lang", "zh", "report", "--month", "2026-10"]));
    assert!(table.contains(','), "no grouped amount in:\n{table}");
    let csv = ok(on_demo(&[
        "report", "--month", "2026-10", "--format", "csv", "--table", "branches",
    ]));
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header,
        "branch,name,stations,valid stations,plan,shortfall,maintenance,valid-station reward,reward pool,penalty"
    );
}

fn statements(args: &[&str]) -> (tempfile::TempDir, Vec<(String, String)>, String) {
    let out_dir = tempfile::tempdir().unwrap();
    let (home, db) = demo();
    let out = bianmin(home.path())
        .args(["report", "--statements", "--statement-format", "text"])
        .args(args)
        .arg("--db")
        .arg(db)
        .arg("-o")
        .arg(out_dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut files: Vec<(String, String)> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    (out_dir, files, stderr(&out))
}

/// The stations a person maintains in the demo.
fn maintained_by(person: &str) -> Vec<String> {
    let store = Store::open(&demo().1).unwrap();
    store
        .stations()
        .unwrap()
        .into_iter()
        .filter(|s| s.maintainer_id == person)
        .map(|s| s.id)
        .collect()
}

#[test]
fn statements_default_to_the_last_finished_month_in_the_language_of_the_ui() {
    let (_dir, zh, said) = statements(&["--lang", "zh"]);
    assert!(zh.len() > 150, "{} statements", zh.len());
    assert!(zh.iter().all(|(name, _)| name.ends_with("-2026-10.txt")), "{zh:?}");
    assert!(said.contains("2026-10") && has_chinese(&said), "{said}");
    for (name, text) in &zh {
        assert_eq!(rule_code(text), None, "{name}:\n{text}");
        assert!(
            text.contains("签字情况") && text.contains("本月应付站点"),
            "{name}:\n{text}"
        );
        assert!(!text.contains("预测"), "a finished month is not projected:\n{text}");
    }
    let signed_amounts = zh.iter().filter(|(_, t)| t.contains(" 元 × 1%")).count();
    assert!(signed_amounts > 0, "amounts shown as amounts");
    assert!(
        zh.iter().any(|(_, t)| t.contains(" 笔 × 0.25 元/笔")),
        "counts shown as counts"
    );
    // After the 12th an unsigned statement is overdue; a dispute shows its reason.
    let overdue = zh.iter().filter(|(_, t)| t.contains("逾期未签字")).count();
    assert!(overdue > 0 && said.contains("逾期"), "{said}");
    let disputed: Vec<&String> = zh
        .iter()
        .filter(|(_, t)| t.contains("有异议（"))
        .map(|(_, t)| t)
        .collect();
    assert!(!disputed.is_empty());
    assert!(disputed.iter().all(|t| t.contains("原因：")), "{disputed:?}");

    let (_dir, en, said) = statements(&["--lang", "en"]);
    assert_eq!(en.len(), zh.len());
    assert!(said.contains("statements for 2026-10"), "{said}");
    for (name, text) in &en {
        assert_eq!(rule_code(text), None, "{name}:\n{text}");
        assert!(
            text.contains("Sign-off") && text.contains("bill-payment reward (plan 2.1)"),
            "{text}"
        );
        assert!(!text.contains("签字情况") && !text.contains("奖励确认单"), "{text}");
    }
    assert!(en.iter().any(|(_, t)| t.contains("OVERDUE")));
}

#[test]
fn statements_narrow_to_the_person_and_the_branch() {
    let own = maintained_by("W01");
    assert!(!own.is_empty());
    let (_dir, files, _) = statements(&["--lang", "zh", "--as", "W01"]);
    let names: Vec<String> = files
        .iter()
        .map(|(n, _)| n.split('-').next().unwrap().to_string())
        .collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| own.contains(n)),
        "{names:?} not all of {own:?}"
    );
    // A manager takes the branch's.
    let store = Store::open(&demo().1).unwrap();
    let b01: Vec<String> = store
        .stations()
        .unwrap()
        .into_iter()
        .filter(|s| s.branch_id == "B01")
        .map(|s| s.id)
        .collect();
    let manager = store
        .branches()
        .unwrap()
        .into_iter()
        .find(|b| b.id == "B01")
        .unwrap()
        .manager_id;
    let (_dir, files, _) = statements(&["--as", &manager]);
    assert!(files
        .iter()
        .all(|(n, _)| b01.iter().any(|s| n.starts_with(&format!("{s}-")))));
    let (_dir, by_branch, _) = statements(&["--branch", "B01"]);
    assert_eq!(files.len(), by_branch.len());
    // Someone not in the database is an error, not the whole county.
    let (home, db) = demo();
    let out = bianmin(home.path())
        .args(["--lang", "zh", "--as", "W99", "report", "--statements", "-o"])
        .arg(home.path().join("w99"))
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("W99") && has_chinese(&stderr(&out)),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_connected_laptop_writes_its_own_persons_statements() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("laptop.db");
    std::fs::copy(&demo().1, &db).unwrap();
    let key = bianmin::store::card_key::key_path(&demo().1);
    if key.exists() {
        std::fs::copy(&key, bianmin::store::card_key::key_path(&db)).unwrap();
    }
    {
        let store = Store::open(&db).unwrap();
        store
            .sql_for_tests()
            .execute(
                "UPDATE sync_state SET person_id = 'W02', role = 'maintainer', branches = '[]' WHERE id = 1",
                [],
            )
            .unwrap();
    }
    let own = maintained_by("W02");
    let out_dir = dir.path().join("out");
    ok(bianmin(dir.path())
        .args(["report", "--statements", "--db"])
        .arg(&db)
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap());
    let written: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written.len(), own.len(), "{written:?}");
    // --as past the token is refused.
    let out = bianmin(dir.path())
        .args(["--as", "W01", "report", "--statements", "--db"])
        .arg(&db)
        .arg("-o")
        .arg(dir.path().join("w01"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn html_statements_mark_overdue_and_disputed_in_red() {
    let out_dir = tempfile::tempdir().unwrap();
    let (home, db) = demo();
    ok(bianmin(home.path())
        .args(["--lang", "zh", "report", "--statements", "--db"])
        .arg(db)
        .arg("-o")
        .arg(out_dir.path())
        .output()
        .unwrap());
    let pages: Vec<String> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let alerts = pages.iter().filter(|p| p.contains("class=\"signoff alert\"")).count();
    let flagged = pages
        .iter()
        .filter(|p| p.contains("逾期未签字") || p.contains("有异议（"))
        .count();
    assert!(
        alerts > 0 && alerts == flagged,
        "{alerts} alerts, {flagged} overdue or disputed"
    );
    assert!(pages.iter().all(|p| p.contains("金额（元）") && rule_code(p).is_none()));
}

#[test]
fn note_list_shows_whole_notes_in_the_users_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    ok(bianmin(dir.path())
        .args(["demo", "--today", "2026-11-27", "--db"])
        .arg(&db)
        .output()
        .unwrap());
    let long = "站长反映电费缴费机器这几天经常断网，已联系县局技术人员上门检查，预计下周二之前修好。\n第二行：顺便宣传了惠农通，有两户愿意办理。";
    ok(bianmin(dir.path())
        .args([
            "--as",
            "W01",
            "note",
            "add",
            "--station",
            "S0001",
            "--kind",
            "equipment",
            "--text",
            long,
            "--db",
        ])
        .arg(&db)
        .output()
        .unwrap());
    let zh = ok(bianmin(dir.path())
        .args(["--lang", "zh", "note", "list", "--station", "S0001", "--db"])
        .arg(&db)
        .output()
        .unwrap());
    assert!(!zh.contains('…'), "{zh}");
    assert!(
        zh.contains("内容") && zh.contains("设备故障") && zh.contains("共 "),
        "{zh}"
    );
    let joined: String = zh.chars().filter(|c| !c.is_whitespace()).collect();
    for part in long.lines() {
        let part: String = part.chars().filter(|c| !c.is_whitespace()).collect();
        // Each wrapped piece is there; the table's columns sit between them.
        for piece in part.chars().collect::<Vec<_>>().chunks(8) {
            let piece: String = piece.iter().collect();
            assert!(joined.contains(&piece), "{piece} missing:\n{zh}");
        }
    }
    let en = ok(bianmin(dir.path())
        .args(["--lang", "en", "note", "list", "--station", "S0001", "--db"])
        .arg(&db)
        .output()
        .unwrap());
    assert!(
        en.contains("text") && en.contains("equipment") && en.contains("waiting to be sent"),
        "{en}"
    );
}

#[test]
fn the_demo_is_said_in_the_users_language() {
    let dir = tempfile::tempdir().unwrap();
    let out = bianmin(dir.path())
        .args(["--lang", "zh", "demo", "--today", "2026-11-27", "--db"])
        .arg(dir.path().join("d.db"))
        .output()
        .unwrap();
    assert!(stderr(&out).contains("个站点"), "{}", stderr(&out));
    let again = bianmin(dir.path())
        .args(["--lang", "zh", "demo", "--db"])
        .arg(dir.path().join("d.db"))
        .output()
        .unwrap();
    assert!(
        stderr(&again).contains("已经存在") && stderr(&again).contains("--force"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn a_resolved_dispute_is_said_on_the_statement() {
    // A copy of the demo: resolving writes to it.
    let (home, demo_db) = demo();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("resolved.db");
    Store::open(demo_db).unwrap().checkpoint_wal().unwrap();
    std::fs::copy(demo_db, &db).unwrap();
    let month: bianmin::month::Month = "2026-10".parse().unwrap();
    let dispute = Store::open(&db)
        .unwrap()
        .disputes(month)
        .unwrap()
        .into_iter()
        .find(|d| d.station_id.is_some() && d.resolution.is_none())
        .expect("the demo has an open station dispute");
    let station = dispute.station_id.clone().unwrap();
    ok(bianmin(home.path())
        .args(["dispute", "resolve", &dispute.uuid, "--accept", "--amount", "1234.5"])
        .args(["--reason", "核实无误", "--as", "C01", "--db"])
        .arg(&db)
        .output()
        .unwrap());

    let out_dir = tempfile::tempdir().unwrap();
    ok(bianmin(home.path())
        .args(["--lang", "zh", "report", "--statements", "--statement-format", "text"])
        .args(["--month", "2026-10", "--db"])
        .arg(&db)
        .arg("-o")
        .arg(out_dir.path())
        .output()
        .unwrap());
    let text = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains(&station))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .expect("the disputed station's statement");
    assert!(text.contains("县局已处理"), "{text}");
    assert!(
        text.contains("更正为 1,234.50 元") && text.contains("核实无误"),
        "{text}"
    );
    assert!(text.contains("原因："), "the station's reason stays:\n{text}");
}
