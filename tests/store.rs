//! The store: migrations from empty and from every earlier version, and a
//! database from a newer bianmin refused without being touched.

use std::path::Path;
use std::process::Command;

use bianmin::store::migrate::to_version;
use bianmin::store::{schema_version, Store, StoreError, SCHEMA_VERSION};
use rusqlite::Connection;

fn bianmin(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bianmin"));
    cmd.arg("--db").arg(db).env_remove("BIANMIN_DB");
    cmd
}

#[test]
fn a_new_database_gets_the_whole_schema_with_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("new.db");
    let store = Store::open(&path).unwrap();
    assert_eq!(schema_version(store.sql_for_tests()).unwrap(), SCHEMA_VERSION);
    let mode: String = store
        .sql_for_tests()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = store
        .sql_for_tests()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    // A station of an unknown branch is refused by the foreign key.
    let err = store.sql_for_tests().execute(
        "INSERT INTO stations (id, name, kind, branch_id, maintainer_id) VALUES ('S', 'n', 'rural', 'nope', 'nobody')",
        [],
    );
    assert!(err.is_err());
}

#[test]
fn every_earlier_version_upgrades_keeping_its_data() {
    for version in 1..SCHEMA_VERSION as usize {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            to_version(&mut conn, version).unwrap();
            conn.execute_batch(
                "INSERT INTO people (id, name) VALUES ('M1', '王建国'), ('P1', '李秀英');
                 INSERT INTO branches (id, name, kind, manager_id) VALUES ('B1', '恩城支局', 'rural', 'M1');
                 INSERT INTO branch_maintainers (branch_id, person_id) VALUES ('B1', 'P1');
                 INSERT INTO stations (id, name, kind, branch_id, maintainer_id) VALUES ('S1', '王庄便民服务站', 'rural', 'B1', 'P1');
                 INSERT INTO daily_payments (station_id, day, category, count, amount_fen) VALUES ('S1', '2026-10-01', 'mobile', 3, 15000);",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(schema_version(store.sql_for_tests()).unwrap(), SCHEMA_VERSION);
        assert_eq!(store.stations().unwrap()[0].name, "王庄便民服务站");
        let month = "2026-10".parse().unwrap();
        let facts = store
            .month_facts(month, None, &bianmin::store::facts::BranchScope::All)
            .unwrap();
        assert_eq!(facts.stations[0].payment_count(), Ok(3));
    }
}

#[test]
fn a_database_from_a_newer_bianmin_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match Store::open(&path) {
        Err(StoreError::TooNew {
            found: 99, supported, ..
        }) => assert_eq!(supported, SCHEMA_VERSION),
        Err(other) => panic!("wrong error: {other}"),
        Ok(_) => panic!("a newer database was opened"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!dir.path().join("future.db-wal").exists());

    let out = bianmin(&path).args(["report"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("newer bianmin") && stderr.contains("99"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(
        &path,
        "这不是数据库 — not a database, just some text that is long enough",
    )
    .unwrap();
    let out = bianmin(&path).args(["report"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("notes.txt"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "这不是数据库 — not a database, just some text that is long enough"
    );
}

/// A read snapshot sees one state of the file: another connection's
/// commit in the middle is not seen until the snapshot ends; an error
/// inside ends it too, and a nested one reads inside the outer.
#[test]
fn a_read_snapshot_sees_one_state_and_always_ends() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let store = Store::open(&path).unwrap();
    let other = Store::open(&path).unwrap();
    let people = |s: &Store| -> Result<i64, StoreError> {
        Ok(s.sql_for_tests()
            .query_row("SELECT count(*) FROM people", [], |r| r.get(0))?)
    };
    let (before, during, nested) = store
        .read_snapshot(|s| {
            let before = people(s)?;
            other
                .sql_for_tests()
                .execute("INSERT INTO people (id, name) VALUES ('P1', 'p')", [])
                .unwrap();
            let during = people(s)?;
            let nested = s.read_snapshot(people)?;
            Ok::<_, StoreError>((before, during, nested))
        })
        .unwrap();
    assert_eq!((before, during, nested), (0, 0, 0));
    assert_eq!(people(&store).unwrap(), 1, "the next read sees the commit");
    assert!(store.sql_for_tests().is_autocommit());

    let failed: Result<(), StoreError> = store.read_snapshot(|s| {
        people(s)?;
        Err(StoreError::BadValue {
            table: "people",
            column: "id",
            value: "x".into(),
        })
    });
    assert!(failed.is_err());
    assert!(
        store.sql_for_tests().is_autocommit(),
        "the snapshot ended with the error"
    );
}

/// The schema of `daily_payments` and everything hanging on it: its
/// columns, indexes and triggers.
fn payments_schema(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare(
            "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master
             WHERE tbl_name = 'daily_payments' ORDER BY type, name",
        )
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

fn strings(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

/// Migration 0012 rebuilds `daily_payments` without its per-row category
/// CHECK: every row keeps its figures and revision, the month totals
/// stay right, the indexes and triggers are the ones it had, and the
/// revision and month-totals triggers still follow every write.
#[test]
fn the_payments_lose_their_category_check_and_keep_rows_revisions_and_triggers() {
    // The last version whose payments table checks categories in SQL.
    let before = (1..SCHEMA_VERSION as usize)
        .rev()
        .find(|&v| {
            let mut conn = Connection::open_in_memory().unwrap();
            to_version(&mut conn, v).unwrap();
            payments_schema(&conn)
                .iter()
                .any(|s| s.starts_with("table") && s.contains("GLOB"))
        })
        .expect("a version with the CHECK");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let rows_sql = "SELECT day || '|' || station_id || '|' || category || '|' || count || '|' || amount_fen
                    || '|' || rev FROM daily_payments ORDER BY 1";
    let totals_sql = "SELECT month || '|' || station_id || '|' || category || '|' || days || '|' || count
                      || '|' || amount_fen FROM month_payments ORDER BY 1";
    let (old_rows, old_totals, old_schema) = {
        let mut conn = Connection::open(&path).unwrap();
        to_version(&mut conn, before).unwrap();
        conn.execute_batch(
            "INSERT INTO people (id, name) VALUES ('M1', '王建国'), ('P1', '李秀英');
             INSERT INTO branches (id, name, kind, manager_id) VALUES ('B1', '恩城支局', 'rural', 'M1');
             INSERT INTO stations (id, name, kind, branch_id, maintainer_id) VALUES ('S1', '王庄便民服务站', 'rural', 'B1', 'P1');
             INSERT INTO daily_payments (station_id, day, category, count, amount_fen) VALUES
                 ('S1', '2026-10-01', 'mobile', 3, 15000), ('S1', '2026-10-02', 'electricity', 1, 8000),
                 ('S1', '2026-11-01', 'cable_tv2', 2, 100);",
        )
        .unwrap();
        let bad = conn.execute(
            "INSERT INTO daily_payments (station_id, day, category, count, amount_fen) VALUES ('S1', '2026-10-03', 'Bad!', 1, 1)",
            [],
        );
        assert!(bad.is_err(), "the old table checks categories");
        (
            strings(&conn, rows_sql),
            strings(&conn, totals_sql),
            payments_schema(&conn),
        )
    };
    let store = Store::open(&path).unwrap();
    let conn = store.sql_for_tests();
    assert_eq!(strings(conn, rows_sql), old_rows);
    assert_eq!(strings(conn, totals_sql), old_totals);
    let schema = payments_schema(conn);
    assert!(!schema.iter().any(|s| s.contains("GLOB")), "{schema:#?}");
    // The same triggers, word for word; the same indexes, the revision
    // index now holding the figures too (a server reads pages from it).
    let of_type =
        |s: &[String], kind: &str| -> Vec<String> { s.iter().filter(|x| x.starts_with(kind)).cloned().collect() };
    // (Less the first-trade triggers a later migration, 0014, adds.)
    let triggers: Vec<String> = of_type(&schema, "trigger")
        .into_iter()
        .filter(|t| !t.contains("_first_"))
        .collect();
    assert_eq!(triggers, of_type(&old_schema, "trigger"));
    assert_eq!(of_type(&old_schema, "trigger").len(), 7);
    let name = |x: &String| x.split(':').next().unwrap().to_string();
    assert_eq!(
        of_type(&schema, "index").iter().map(name).collect::<Vec<_>>(),
        of_type(&old_schema, "index").iter().map(name).collect::<Vec<_>>()
    );
    assert!(
        schema.contains(&"index daily_payments_by_rev: CREATE INDEX daily_payments_by_rev ON daily_payments(rev, count, amount_fen)".to_string()),
        "{schema:#?}"
    );
    assert_eq!(old_rows.len(), 3);

    // The triggers follow: a new row is numbered and counted in its month.
    let head = store.head_revision().unwrap();
    store
        .add_daily_payment("S1", "2026-10-05".parse().unwrap(), "mobile", 2, 10000)
        .unwrap();
    assert_eq!(
        strings(conn, "SELECT rev || '' FROM daily_payments WHERE day = '2026-10-05'"),
        vec![(head + 1).to_string()]
    );
    assert_eq!(
        strings(
            conn,
            "SELECT days || '|' || count || '|' || amount_fen FROM month_payments
             WHERE month = '2026-10' AND category = 'mobile'"
        ),
        vec!["2|5|25000"]
    );
    // A category is checked where it is written.
    let err = store
        .add_daily_payment("S1", "2026-10-06".parse().unwrap(), "Bad!", 1, 1)
        .unwrap_err();
    assert!(matches!(err, StoreError::BadCategory { .. }), "{err}");
    assert!(err.to_string().contains("Bad!"), "{err}");
}
