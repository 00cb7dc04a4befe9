//! What only the PostgreSQL county database does, on a throwaway cluster
//! (tests/sync_support/pg.rs; said SKIPPED where there is no PostgreSQL):
//! two `bianmin serve` processes on one database serve a laptop
//! interchangeably; an import and laptops' pushes at once; a pull never
//! passes a revision a writer still holds; the same imports accepted and
//! refused as on SQLite; the demo county's report the same to the fen.

mod sync_support;

use std::path::{Path, PathBuf};
use std::process::Output;

use bianmin::records::{NewNote, NoteKind};
use bianmin::server::db::postgres::{DbUrl, PgServerDb};
use bianmin::server::db::{Account, Role, ServerDb};
use bianmin::store::Store;
use chrono::{NaiveDate, Utc};
use sync_support::*;

/// A card key for both databases, so that no test writes a key file into
/// the user's data folder.
const CARD_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/imports")
        .join(name)
}

fn run(db: &CountyDb, args: &[&str], file: Option<&Path>) -> Output {
    let mut cmd = bianmin();
    cmd.env("BIANMIN_CARD_KEY", CARD_KEY).args(args);
    if let Some(file) = file {
        cmd.arg(file);
    }
    cmd.arg("--db").arg(db).output().unwrap()
}

/// What a command said, with the database's name taken out (it differs).
fn said(db: &CountyDb, out: &Output) -> (bool, String, String) {
    let name = match db {
        CountyDb::Sqlite(path) => path.display().to_string(),
        CountyDb::Postgres(url) => url.clone(),
    };
    let clean = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(&name, "DB");
    (out.status.success(), clean(&out.stdout), clean(&out.stderr))
}

#[test]
fn every_import_kind_accepts_and_refuses_the_same_files_as_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let Some(pg) = empty_county_db(Backend::Postgres, dir.path(), "imports") else {
        return;
    };
    let sqlite = empty_county_db(Backend::Sqlite, dir.path(), "imports").unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let station_plans = write(
        "station-plans.csv",
        "code,month,collection_target,distribution_target\nS001,2026-10,6000,300\nS002,2026-10,5000.5,0\n",
    );
    let station_plans_bad = write(
        "station-plans-bad.csv",
        "code,month,collection_target,distribution_target\nS001,2026-10,6000,300\nS001,2026-10,1,1\nS999,2026-10,1,1\n",
    );
    let distribution = write(
        "distribution.csv",
        "code,month,amount\nS001,2026-10,250.00\nS003,2026-10,0\n",
    );
    // Larger than a batch of kept rows, with repeats inside the file and
    // reversals of rows earlier in it (kept or not yet), and a row after
    // its reversal.
    let mut many = String::from("交易流水号,站点编码,交易时间,业务类型,金额,状态\n");
    let mut cards = String::from("交易流水号,站点编码,交易时间,卡号,金额,状态\n");
    for i in 0..4_500 {
        let station = ["S001", "S002", "S003"][i % 3];
        let day = 1 + i % 28;
        many.push_str(&format!(
            "M{i:05},{station},2026-10-{day:02} 09:00:00,电费,{}.10,成功\n",
            10 + i % 50
        ));
        cards.push_str(&format!(
            "K{i:05},{station},2026-10-{day:02} 10:00:00,62170012345678{:05},100.00,成功\n",
            i % 7
        ));
        if i % 1_000 == 999 {
            many.push_str(&format!(
                "M{:05},{station},2026-10-{day:02} 09:00:00,电费,1.00,成功\n",
                i - 3
            ));
            many.push_str(&format!("M{i:05},{station},2026-10-{day:02} 09:00:00,电费,1.00,冲正\n"));
            many.push_str(&format!("M{i:05},{station},2026-10-{day:02} 09:00:00,电费,1.00,成功\n"));
            cards.push_str(&format!(
                "K{:05},{station},2026-10-{day:02} 10:00:00,6217,100.00,冲正\n",
                i - 500
            ));
        }
    }
    let many = write("many-payments.csv", &many);
    // A later file taking back a payment an earlier file counted: the
    // day's count goes down (an upsert's proposed row of -1 once failed
    // the daily table's `count >= 0` check before its conflict was seen).
    let later_reversal = write(
        "later-reversal.csv",
        "交易流水号,站点编码,交易时间,业务类型,金额,状态\nM00010,S002,2026-10-11 09:00:00,电费,20.10,冲正\n",
    );
    let many_cards = write("many-cards.csv", &cards);
    let steps: Vec<(&str, PathBuf)> = vec![
        ("plans", fixture("plans.csv")),
        ("stations", fixture("stations.csv")),
        ("plans", fixture("plans.csv")),
        ("payments", fixture("payments.csv")),
        ("payments", fixture("payments-bom.csv")),
        ("payments", fixture("payments-gbk.csv")),
        ("payments", fixture("payments.xlsx")),
        ("payments", fixture("payments-reversed.csv")),
        ("payments", fixture("payments-bad-row.csv")),
        ("payments", fixture("payments.csv")),
        ("cards", fixture("cards.csv")),
        ("cards", fixture("cards-five-swipes.csv")),
        ("cards", fixture("cards.csv")),
        ("payments", many.clone()),
        ("payments", many),
        ("payments", later_reversal),
        ("cards", many_cards.clone()),
        ("cards", many_cards),
        ("referrals", fixture("referrals.csv")),
        ("people", fixture("people.csv")),
        ("invoices", fixture("invoices.csv")),
        ("invoices", fixture("invoices.csv")),
        ("station-plans", station_plans),
        ("station-plans", station_plans_bad),
        ("distribution", distribution),
        ("stations", fixture("stations.csv")),
    ];
    let mut refused = 0;
    for (kind, file) in &steps {
        let on_sqlite = said(&sqlite, &run(&sqlite, &["import", kind], Some(file)));
        let on_pg = said(&pg, &run(&pg, &["import", kind], Some(file)));
        assert_eq!(on_pg, on_sqlite, "import {kind} {}", file.display());
        refused += usize::from(!on_pg.0);
    }
    assert!(refused >= 3, "the bad files were refused on both: {refused}");
    // What they hold is the same, figure for figure.
    for sql in [
        "SELECT id || '|' || name || '|' || coalesce(owner_phone, '') FROM stations ORDER BY id",
        "SELECT id || '|' || name || '|' || coalesce(phone, '') || '|' || has_green_card FROM people ORDER BY id",
        "SELECT day || station_id || category || '|' || count || '|' || amount_fen FROM daily_payments ORDER BY 1",
        "SELECT day || station_id || '|' || raw || '|' || valid FROM daily_cards ORDER BY 1",
        "SELECT day || station_id || kind || '|' || count FROM daily_referrals ORDER BY 1",
        "SELECT station_id || month || '|' || collection_target_fen || '|' || distribution_target_fen FROM station_plans ORDER BY 1",
        "SELECT station_id || month || '|' || amount_fen FROM distribution_sales ORDER BY 1",
        "SELECT station_id || month || '|' || received || '|' || coalesce(invoice_no, '') FROM invoices ORDER BY 1",
        "SELECT txn_id FROM reversed_txns ORDER BY 1",
        "SELECT kind || '|' || rows_read || '|' || rows_new || '|' || rows_duplicate || '|' || rows_reversed FROM imports ORDER BY id",
    ] {
        assert_eq!(pg.strings(sql), sqlite.strings(sql), "{sql}");
    }
    let report = |db: &CountyDb| {
        said(
            db,
            &run(db, &["report", "--month", "2026-10", "--format", "json"], None),
        )
    };
    let (ok, json, _) = report(&pg);
    assert!(ok && json.contains("\"stations\""), "{json}");
    assert_eq!(report(&pg), report(&sqlite));
}

#[test]
fn the_demo_countys_report_in_postgresql_equals_sqlites_to_the_fen() {
    let dir = tempfile::tempdir().unwrap();
    let Some(pg) = empty_county_db(Backend::Postgres, dir.path(), "demo") else {
        return;
    };
    let sqlite = empty_county_db(Backend::Sqlite, dir.path(), "demo").unwrap();
    for db in [&pg, &sqlite] {
        let out = run(db, &["demo", "--seed", "7", "--today", "2026-11-27"], None);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    // A demo fills an empty database only.
    let again = said(&pg, &run(&pg, &["demo", "--today", "2026-11-27"], None));
    assert!(!again.0 && again.2.contains("empty database"), "{again:?}");
    let branch = sqlite.string("SELECT min(id) FROM branches");
    for args in [
        vec!["report", "--month", "2026-10", "--format", "json"],
        vec!["report", "--month", "2026-09", "--format", "json"],
        vec!["report", "--month", "2026-11", "--format", "json"],
        vec![
            "report",
            "--month",
            "2026-11",
            "--as-of",
            "2026-11-20",
            "--format",
            "json",
        ],
        vec!["report", "--month", "2026-10", "--branch", &branch, "--format", "json"],
        vec!["report", "--month", "2026-10"],
        vec!["report", "--month", "2026-10", "--format", "csv", "--table", "people"],
        vec!["report"],
    ] {
        let on_pg = said(&pg, &run(&pg, &args, None));
        assert!(on_pg.0, "{args:?}: {}", on_pg.2);
        assert_eq!(on_pg, said(&sqlite, &run(&sqlite, &args, None)), "{args:?}");
    }
    // The notes (in an order of their own where visits tie).
    let notes = |db: &CountyDb| {
        let out = run(db, &["note", "list", "--format", "json"], None);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        list.sort_by_key(|n| n["uuid"].as_str().unwrap().to_string());
        list
    };
    let on_pg = notes(&pg);
    assert!(on_pg.len() > 100);
    assert_eq!(on_pg, notes(&sqlite));

    // The statements, file for file.
    let statements = |db: &CountyDb, name: &str| {
        let out_dir = dir.path().join(name);
        let out = run(
            db,
            &[
                "report",
                "--month",
                "2026-10",
                "--statements",
                "--output",
                out_dir.to_str().unwrap(),
            ],
            None,
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut files: Vec<(String, String)> = std::fs::read_dir(&out_dir)
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
        files
    };
    let on_pg = statements(&pg, "pg-statements");
    assert!(on_pg.len() > 100, "{}", on_pg.len());
    assert_eq!(on_pg, statements(&sqlite, "sqlite-statements"));
}

/// `bianmin serve` processes on one database are one server to a laptop.
#[test]
fn two_serve_processes_on_one_database_serve_a_laptop_interchangeably() {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(Backend::Postgres, dir.path(), "two_servers") else {
        return;
    };
    let token = token(&db, "W01", "maintainer");
    let first = Server::start(&db);
    let second = Server::start(&db);
    let laptop = dir.path().join("laptop.db");

    let pulled = ok(&sync(&laptop, &first.url, &token, &[]), "first sync, through the first");
    assert!(received(&pulled) > 1000, "{pulled}");
    let station = stations_of(&laptop, "W01")[0].clone();
    let uuid = Store::open(&laptop)
        .unwrap()
        .add_note(
            &NewNote {
                station_id: station,
                author_id: "W01".into(),
                visited_on: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
                kind: NoteKind::Equipment,
                body: "两台服务器测试".into(),
                follow_up_on: None,
            },
            Utc::now(),
        )
        .unwrap()
        .uuid;
    // Through the other process: no pull from the start (same server
    // identity, same revisions), the note goes up once.
    let out = ok(&sync(&laptop, &second.url, &token, &[]), "sync through the second");
    assert!(out.contains("sent 1 record"), "{out}");
    assert!(received(&out) <= 2, "only what changed, not everything again: {out}");
    // And back through the first: nothing new, nothing twice.
    let out = ok(&sync(&laptop, &first.url, &token, &[]), "sync through the first again");
    assert!(out.contains("sent 0 records") && received(&out) == 0, "{out}");
    assert_eq!(
        count(&db, &format!("SELECT count(*) FROM visit_notes WHERE uuid = '{uuid}'")),
        1
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM visit_notes WHERE body = '两台服务器测试'"),
        1
    );
    let own = "SELECT id FROM stations WHERE maintainer_id = 'W01'";
    assert_eq!(content(&laptop, own), content(&db, own));
    assert_intact(&laptop);
    // Each stops cleanly as a service manager stops it.
    let (mut first, mut second) = (first, second);
    assert!(first.terminate().success());
    assert!(second.terminate().success());
}

/// A payments file of `days` days for every station of the demo county,
/// `per_day` transactions each, with ids that no fixture uses.
fn big_payments_file(db: &CountyDb, dir: &Path, days: u32, per_day: u32) -> PathBuf {
    let stations = db.strings("SELECT id FROM stations WHERE status = 'open' ORDER BY id");
    let mut text = String::from("交易流水号,站点编码,交易时间,业务类型,金额\n");
    for day in 1..=days {
        for s in &stations {
            for i in 0..per_day {
                text.push_str(&format!(
                    "LOAD{day:02}{s}{i:03},{s},2026-11-{day:02} 10:{:02}:00,电费,{}.50\n",
                    i % 60,
                    10 + i
                ));
            }
        }
    }
    let path = dir.join("load-payments.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn an_import_while_laptops_push_fails_no_push() {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(Backend::Postgres, dir.path(), "import_and_push") else {
        return;
    };
    let people = ["W01", "W02", "W03", "W04"];
    let tokens: Vec<String> = people.iter().map(|p| token(&db, p, "maintainer")).collect();
    let server = Server::start(&db);
    let laptops: Vec<PathBuf> = people.iter().map(|p| dir.path().join(format!("{p}.db"))).collect();
    for (laptop, token) in laptops.iter().zip(&tokens) {
        ok(&sync(laptop, &server.url, token, &[]), "first sync");
    }
    let file = big_payments_file(&db, dir.path(), 20, 20);
    let rows_before = count(&db, "SELECT count(*) FROM payment_txns");

    // The import runs while every laptop writes and pushes, again and again.
    let mut import = bianmin()
        .env("BIANMIN_CARD_KEY", CARD_KEY)
        .args(["import", "payments"])
        .arg(&file)
        .arg("--db")
        .arg(&db)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut pushes = 0;
    let mut rounds = 0;
    let import = loop {
        for ((laptop, token), person) in laptops.iter().zip(&tokens).zip(people) {
            let store = Store::open(laptop).unwrap();
            let station = stations_of(laptop, person)[0].clone();
            store
                .add_note(
                    &NewNote {
                        station_id: station,
                        author_id: person.into(),
                        visited_on: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
                        kind: NoteKind::Collection,
                        body: format!("导入期间 {rounds}"),
                        follow_up_on: None,
                    },
                    Utc::now(),
                )
                .unwrap();
            drop(store);
            let out = sync(laptop, &server.url, token, &[]);
            assert!(
                out.status.success(),
                "a push during the import failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            pushes += 1;
        }
        rounds += 1;
        if let Some(status) = import.try_wait().unwrap() {
            break status;
        }
        if rounds >= 200 {
            break import.wait().unwrap();
        }
    };
    eprintln!("{pushes} pushes in {rounds} rounds while the import ran");
    assert!(import.success(), "the import itself went through");
    assert!(pushes >= people.len(), "{pushes}");
    assert!(count(&db, "SELECT count(*) FROM payment_txns") > rows_before);
    // Every note once on the server, and every laptop whole after a last sync.
    assert_eq!(
        count(&db, "SELECT count(*) FROM visit_notes WHERE body LIKE '导入期间 %'"),
        (rounds * people.len()) as i64
    );
    for ((laptop, token), person) in laptops.iter().zip(&tokens).zip(people) {
        ok(&sync(laptop, &server.url, token, &[]), "last sync");
        let mine = format!("SELECT id FROM stations WHERE maintainer_id = '{person}'");
        assert_eq!(content(laptop, &mine), content(&db, &mine), "{person}");
    }
}

/// Revisions are taken inside writing transactions that commit in any
/// order: a pull reads up to the lowest revision a writer still holds,
/// so nothing can appear later below a laptop's cursor.
#[test]
fn a_pull_never_passes_a_revision_a_writer_still_holds() {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(Backend::Postgres, dir.path(), "frontier") else {
        return;
    };
    let CountyDb::Postgres(url) = &db else { unreachable!() };
    let server = PgServerDb::open(&DbUrl::parse(url).unwrap(), std::time::Duration::from_secs(10)).unwrap();
    let county = server
        .scope_of(&Account {
            person_id: "PT01".into(),
            role: Role::County,
        })
        .unwrap();
    let page = |after: i64| server.pull_page(&county, after, 100_000, Utc::now()).unwrap().page;
    let head = page(0).head;
    assert_eq!(head, count(&db, "SELECT last_value FROM sync_rev"));

    // A long writer (an import) takes a revision and keeps its
    // transaction open; a short one (a push) takes the next and commits.
    let mut long = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let mut import = long.transaction().unwrap();
    import
        .execute(
            "UPDATE stations SET name = name || '·' WHERE id = (SELECT min(id) FROM stations)",
            &[],
        )
        .unwrap();
    db.execute("UPDATE people SET name = name || '·' WHERE id = (SELECT min(id) FROM people)");
    assert_eq!(count(&db, "SELECT last_value FROM sync_rev"), head + 2);
    let held = page(head);
    assert_eq!(held.head, head, "not past the revision the import holds");
    assert!(held.people.is_empty() && held.stations.is_empty() && !held.more);

    import.commit().unwrap();
    let settled = page(head);
    assert_eq!(settled.head, head + 2);
    assert_eq!((settled.stations.len(), settled.people.len()), (1, 1));

    // A writer that starts after a cursor was handed out never makes it
    // look like another server's (a head below the cursor): the page is
    // just empty until it ends.
    let mut again = long.transaction().unwrap();
    again
        .execute(
            "UPDATE stations SET name = name || '·' WHERE id = (SELECT max(id) FROM stations)",
            &[],
        )
        .unwrap();
    let waiting = page(head + 2);
    assert_eq!((waiting.head, waiting.next), (head + 2, head + 2));
    assert_eq!(waiting.row_count(), 0);
    again.rollback().unwrap();
    // A cursor the database never handed out (a restore from an older
    // copy) is told so.
    assert!(page(head + 1_000).head < head + 1_000);
}

/// `serve --policy` keeps the county's policy in the PostgreSQL database:
/// a report there, and every laptop, evaluate under it.
#[test]
fn the_countys_policy_is_kept_in_the_postgresql_database() {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(Backend::Postgres, dir.path(), "policy") else {
        return;
    };
    let policy = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/dezhou-2012.toml");
    let server = Server::start_with(&db, &["--policy", policy.to_str().unwrap()]);
    let token = token(&db, "W01", "maintainer");
    let me: serde_json::Value = reqwest::blocking::Client::new()
        .get(format!("{}/api/v1/me", server.url))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        me["policy"]["text"].as_str(),
        Some(std::fs::read_to_string(&policy).unwrap().as_str())
    );
    assert!(me["policy"]["origin"].as_str().unwrap().contains("dezhou-2012.toml"));
    let origin = db.string("SELECT value FROM meta WHERE key = 'policy_origin'");
    assert!(origin.contains("dezhou-2012.toml"), "{origin}");
}

/// A password in the address is never shown, whatever goes wrong.
#[test]
fn a_password_in_the_address_is_never_shown() {
    // Nothing listens on port 1: every command fails to connect.
    let url = "postgres://bm:s3cret-pw@127.0.0.1:1/county";
    for args in [
        vec!["report"],
        vec!["serve", "--listen", "127.0.0.1:0"],
        vec!["user", "list"],
        vec!["note", "list"],
        vec!["demo"],
        vec!["note", "add", "--station", "S1", "--kind", "other", "--text", "x"],
    ] {
        let out = bianmin().args(&args).args(["--db", url]).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!said.contains("s3cret"), "{args:?}: {said}");
        assert!(said.contains("127.0.0.1:1"), "{args:?} names the database: {said}");
    }
    let out = bianmin()
        .args(["import", "stations"])
        .arg(fixture("stations.csv"))
        .args(["--db", "postgres://bm@127.0.0.1:1"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("/NAME"), "{said}");
}

/// A batch is written in bulk; a record the database itself refuses sends
/// the batch back through the record-by-record path, where it alone is
/// refused (`server_error`) and the others are stored, as on SQLite.
#[test]
fn a_record_the_database_refuses_does_not_hold_up_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(Backend::Postgres, dir.path(), "poison") else {
        return;
    };
    // A rule of this database's own that no check of bianmin's knows.
    db.execute(
        "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.body = '毒' THEN RAISE EXCEPTION 'poisoned note'; END IF; RETURN NEW; END $$;
         CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON visit_notes
             FOR EACH ROW EXECUTE FUNCTION refuse_poison();",
    );
    let token = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let station = db.string("SELECT min(id) FROM stations WHERE maintainer_id = 'W01'");
    let note = |uuid: &str, body: &str, version: i64, at: &str| {
        serde_json::json!({
            "type": "visit_note", "uuid": uuid, "station_id": station, "author_id": "W01",
            "visited_on": "2026-11-26", "kind": "other", "body": body, "follow_up_on": null,
            "version": version,
            "field_times": {"visited_on": at, "kind": at, "body": at, "follow_up_on": at},
            "created_at": "2026-11-26T09:00:00.000Z", "updated_at": at})
    };
    let (a, b, c) = (
        uuid::Uuid::new_v4().to_string(),
        uuid::Uuid::new_v4().to_string(),
        uuid::Uuid::new_v4().to_string(),
    );
    let push = |records: Vec<serde_json::Value>| -> Vec<serde_json::Value> {
        let answer: serde_json::Value = reqwest::blocking::Client::new()
            .post(format!("{}/api/v1/push", server.url))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "records": records }))
            .send()
            .unwrap()
            .json()
            .unwrap();
        answer["results"].as_array().unwrap().clone()
    };
    // In bulk: two versions of one note in one batch merge in order.
    let results = push(vec![
        note(&a, "第一版", 1, "2026-11-26T09:00:00.000Z"),
        note(&a, "第二版", 2, "2026-11-26T09:10:00.000Z"),
        note(&b, "另一条", 1, "2026-11-26T09:00:00.000Z"),
    ]);
    let outcomes: Vec<&str> = results.iter().map(|r| r["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["stored", "stored", "stored"]);
    assert_eq!(
        db.string(&format!("SELECT body || version FROM visit_notes WHERE uuid = '{a}'")),
        "第二版2"
    );
    // Record by record: the poisoned one alone is refused.
    let results = push(vec![
        note(&c, "毒", 1, "2026-11-26T09:00:00.000Z"),
        note(&b, "另一条，改过", 2, "2026-11-26T09:20:00.000Z"),
        note(&a, "第二版", 2, "2026-11-26T09:10:00.000Z"),
    ]);
    let outcomes: Vec<&str> = results.iter().map(|r| r["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["rejected", "stored", "unchanged"], "{results:?}");
    assert_eq!(results[0]["refusal"]["code"], "server_error");
    assert!(
        results[0]["reason"].as_str().unwrap().contains("poisoned note"),
        "{results:?}"
    );
    assert_eq!(
        count(&db, &format!("SELECT count(*) FROM visit_notes WHERE uuid = '{c}'")),
        0
    );
    assert_eq!(
        db.string(&format!("SELECT body FROM visit_notes WHERE uuid = '{b}'")),
        "另一条，改过"
    );
}
