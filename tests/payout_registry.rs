//! The registry for paying people (issue 10) through the binary and the
//! store: station owners in the station import, `import people`,
//! `import invoices`, and the payout tables' sync revisions and
//! tombstones; migration 0007 over a database with imports in it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bianmin::month::{parse_date, Month};
use bianmin::payout::reconcile::{Difference, PayeeKind};
use bianmin::payout::steps::{Step, StepRecord};
use bianmin::store::migrate::to_version;
use bianmin::store::payout::SavedReconciliation;
use bianmin::store::{schema_version, Store, SCHEMA_VERSION};
use rusqlite::Connection;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/imports")
        .join(name)
}

fn bianmin(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bianmin"));
    cmd.arg("--db").arg(db).env_remove("BIANMIN_DB").args(["--lang", "en"]);
    cmd
}

fn import(db: &Path, kind: &str, file: &Path) -> Output {
    bianmin(db).args(["import", kind]).arg(file).output().unwrap()
}

fn import_ok(db: &Path, kind: &str, file: &Path) -> String {
    let out = import(db, kind, file);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn registry(dir: &Path) -> PathBuf {
    let db = dir.join("county.db");
    import_ok(&db, "stations", &fixture("stations.csv"));
    db
}

fn october() -> Month {
    "2026-10".parse().unwrap()
}

#[test]
fn the_station_import_reads_owners_and_an_empty_cell_keeps_what_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry(dir.path());
    let payees = Store::open(&db).unwrap().station_payees().unwrap();
    let owner = |id: &str| {
        let p = &payees[id];
        (p.owner_name.clone(), p.owner_phone.clone(), p.has_green_card)
    };
    assert_eq!(owner("S001"), (Some("王大山".into()), Some("13812345678".into()), true));
    assert_eq!(owner("S002").1.as_deref(), Some("13812345679"));
    assert_eq!(owner("S003"), (Some("刘成".into()), None, true));
    assert_eq!(owner("S004").1.as_deref(), Some("13900001111"));
    assert_eq!(owner("S005"), (None, None, false));

    // The same file again changes nothing.
    let again = import_ok(&db, "stations", &fixture("stations.csv"));
    assert!(!again.contains("updated"), "{again}");

    // A file without the owner columns leaves them alone.
    let text = std::fs::read_to_string(fixture("stations.csv")).unwrap();
    let without: String = text
        .lines()
        .map(|l| l.rsplitn(3, ',').nth(2).unwrap().to_string() + "\n")
        .collect();
    let file = dir.path().join("stations-no-owner.csv");
    std::fs::write(&file, without).unwrap();
    import_ok(&db, "stations", &file);
    let payees = Store::open(&db).unwrap().station_payees().unwrap();
    assert_eq!(payees["S001"].owner_phone.as_deref(), Some("13812345678"));

    // A landline is refused with its line and column.
    let bad = text.replace("13900002222", "0534-2212345");
    let file = dir.path().join("stations-landline.csv");
    std::fs::write(&file, bad).unwrap();
    let out = import(&db, "stations", &file);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 7, column 站长手机") && err.contains("mobile"),
        "{err}"
    );
}

#[test]
fn people_get_their_phone_and_green_card() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry(dir.path());
    let said = import_ok(&db, "people", &fixture("people.csv"));
    assert!(said.contains("5 rows read") && said.contains("5 updated"), "{said}");
    let people = Store::open(&db).unwrap().people().unwrap();
    let person = |id: &str| people.iter().find(|p| p.id == id).unwrap().clone();
    assert_eq!(person("P01").phone.as_deref(), Some("13700000002"));
    assert!(person("P01").has_green_card);
    assert_eq!(person("P02").phone, None);
    assert!(!person("P02").has_green_card);
    assert_eq!(person("P03").name, "陈刚");
    let again = import_ok(&db, "people", &fixture("people.csv"));
    assert!(again.contains("5 already imported"), "{again}");

    // English headers; an unknown 工号 refuses the whole file.
    let file = dir.path().join("people-en.csv");
    std::fs::write(
        &file,
        "person_id,phone,green_card\nP02,13700000009,yes\nX99,13700000010,no\n",
    )
    .unwrap();
    let out = import(&db, "people", &file);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3") && err.contains("X99") && err.contains("nothing was imported"),
        "{err}"
    );
    let people = Store::open(&db).unwrap().people().unwrap();
    assert_eq!(people.iter().find(|p| p.id == "P02").unwrap().phone, None);
}

#[test]
fn invoices_per_station_and_month() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry(dir.path());
    let said = import_ok(&db, "invoices", &fixture("invoices.csv"));
    assert!(said.contains("6 rows read") && said.contains("6 new"), "{said}");
    let invoices = Store::open(&db).unwrap().invoices(october()).unwrap();
    assert!(invoices["S001"].received);
    assert_eq!(invoices["S001"].invoice_no.as_deref(), Some("26100001"));
    assert!(!invoices["S003"].received && !invoices["S005"].received);
    assert!(invoices["S006"].received && invoices["S006"].invoice_no.is_none());

    // The checks' own headers: code, month, received. "No" clears the number.
    let file = dir.path().join("invoices-en.csv");
    std::fs::write(&file, "code,month,received\nS001,2026-10,no\nS003,2026-10,yes\n").unwrap();
    let said = import_ok(&db, "invoices", &file);
    assert!(said.contains("2 updated"), "{said}");
    let invoices = Store::open(&db).unwrap().invoices(october()).unwrap();
    assert!(!invoices["S001"].received && invoices["S001"].invoice_no.is_none());
    assert!(invoices["S003"].received);

    let file = dir.path().join("invoices-bad.csv");
    std::fs::write(
        &file,
        "站点编码,月份,是否收到发票,发票号码\nS001,2999-01,是,\nS002,2026-10,否,123\nS404,2026-10,是,\nS004,2026-10,也许,\n",
    )
    .unwrap();
    let out = import(&db, "invoices", &file);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for want in [
        "4 bad rows",
        "line 2, column 月份: 2999-01 is a month still to come",
        "line 3, column 发票号码",
        "line 4, column 站点编码: station S404",
        "line 5, column 是否收到发票",
    ] {
        assert!(err.contains(want), "{want} not in {err}");
    }
}

#[test]
fn the_payout_tables_take_sync_revisions_and_leave_tombstones() {
    let dir = tempfile::tempdir().unwrap();
    let db = registry(dir.path());
    let store = Store::open(&db).unwrap();
    let rev = |table: &str, key: &str, value: &str| -> i64 {
        store
            .sql_for_tests()
            .query_row(&format!("SELECT rev FROM {table} WHERE {key} = ?1"), [value], |r| {
                r.get(0)
            })
            .unwrap()
    };
    let head = || store.head_revision().unwrap();

    // A station's phone: a new revision.
    let before = rev("stations", "id", "S001");
    store
        .sql_for_tests()
        .execute("UPDATE stations SET owner_phone = '13800000000' WHERE id = 'S001'", [])
        .unwrap();
    assert!(rev("stations", "id", "S001") > before);

    // A step: inserted, changed, deleted with a county tombstone.
    let record = StepRecord {
        step: Step::CityAudit,
        done_by: "county".into(),
        done_on: parse_date("2026-11-14").unwrap(),
        note: None,
        forced: false,
    };
    store
        .record_payout_step(october(), &record, chrono::Utc::now())
        .unwrap();
    let first = rev("payout_steps", "step", "city_audit");
    assert_eq!(first, head());
    let mut later = record.clone();
    later.note = Some("市公司已审核".into());
    store.record_payout_step(october(), &later, chrono::Utc::now()).unwrap();
    assert!(rev("payout_steps", "step", "city_audit") > first);
    assert_eq!(store.payout_steps(october()).unwrap(), vec![later]);
    assert!(store.remove_payout_step(october(), Step::CityAudit).unwrap());
    let (table, key, kind): (String, String, String) = store
        .sql_for_tests()
        .query_row(
            "SELECT table_name, key, scope_kind FROM sync_deletions ORDER BY rev DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (table.as_str(), key.as_str(), kind.as_str()),
        ("payout_steps", "[\"2026-10\",\"city_audit\"]", "county")
    );

    // An invoice is a station's row.
    store
        .set_invoice("S002", october(), true, Some("1"), Some("county"), chrono::Utc::now())
        .unwrap();
    assert_eq!(rev("invoices", "station_id", "S002"), head());
    store.sql_for_tests().execute("DELETE FROM invoices", []).unwrap();
    let (table, scope): (String, String) = store
        .sql_for_tests()
        .query_row(
            "SELECT table_name, scope_kind || ':' || scope_id FROM sync_deletions ORDER BY rev DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((table.as_str(), scope.as_str()), ("invoices", "station:S002"));

    // The last reconciliation of a month, read back as written.
    let saved = SavedReconciliation {
        month: october(),
        file_name: "市公司.xlsx".into(),
        checked_by: Some("county".into()),
        checked_at: chrono::Utc::now(),
        checked_on: parse_date("2026-11-05").unwrap(),
        matched: false,
        stations_checked: 6,
        people_checked: 0,
        ours_fen: 12_345,
        theirs_fen: 12_346,
        differences: vec![Difference {
            kind: PayeeKind::Station,
            id: "S001".into(),
            ours: Some(4080),
            theirs: Some(4081),
            lines: vec![2],
        }],
    };
    store.save_reconciliation(&saved).unwrap();
    let back = store.reconciliation(october()).unwrap().unwrap();
    assert_eq!(back.differences, saved.differences);
    assert_eq!(
        (back.checked_on, back.matched, back.theirs_fen),
        (saved.checked_on, false, 12_346)
    );
    assert_eq!(rev("reconciliations", "month", "2026-10"), head());
}

#[test]
fn migration_0007_rebuilds_the_import_log_under_the_rows_that_refer_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.db");
    {
        let mut conn = Connection::open(&path).unwrap();
        to_version(&mut conn, 3).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             INSERT INTO people (id, name) VALUES ('M1', '王建国'), ('P1', '李秀英');
             INSERT INTO branches (id, name, kind, manager_id) VALUES ('B1', '恩城支局', 'rural', 'M1');
             INSERT INTO stations (id, name, kind, branch_id, maintainer_id) VALUES ('S1', '王庄', 'rural', 'B1', 'P1');
             INSERT INTO imports (id, kind, file_name, imported_at) VALUES (7, 'payments', 'p.csv', '2026-11-01T00:00:00Z');
             INSERT INTO payment_txns (txn_id, station_id, day, category, amount_fen, import_id)
                 VALUES ('T1', 'S1', '2026-10-01', 'mobile', 5000, 7);",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(schema_version(store.sql_for_tests()).unwrap(), SCHEMA_VERSION);
    let (kind, file): (String, String) = store
        .sql_for_tests()
        .query_row("SELECT kind, file_name FROM imports WHERE id = 7", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((kind.as_str(), file.as_str()), ("payments", "p.csv"));
    let dangling: i64 = store
        .sql_for_tests()
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(dangling, 0, "every reference to the import log still holds");
    // New kinds go in; the rows that refer to the log still must.
    store
        .sql_for_tests()
        .execute(
            "INSERT INTO imports (kind, file_name, imported_at) VALUES ('people', 'x.csv', 'now')",
            [],
        )
        .unwrap();
    let orphan = store.sql_for_tests().execute(
        "INSERT INTO payment_txns (txn_id, station_id, day, category, amount_fen, import_id)
         VALUES ('T2', 'S1', '2026-10-02', 'mobile', 1, 999)",
        [],
    );
    assert!(orphan.is_err(), "the foreign key to imports holds");
    let stations = store.stations().unwrap();
    assert_eq!(stations[0].name, "王庄");
    assert_eq!(store.station_payees().unwrap()["S1"].owner_name, None);
}
