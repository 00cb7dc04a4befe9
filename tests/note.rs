//! `bianmin note add` and `bianmin note list` through the binary, on a
//! laptop's database and on the server's.

mod sync_support;

use serde_json::Value;
use sync_support::*;

fn list_json(db: &std::path::Path, extra: &[&str]) -> Vec<Value> {
    let out = ok(
        &bianmin()
            .args(["note", "list", "--format", "json", "--db"])
            .arg(db)
            .args(extra)
            .output()
            .unwrap(),
        "note list",
    );
    serde_json::from_str::<Value>(&out).unwrap().as_array().unwrap().clone()
}

fn note_add(db: &std::path::Path, station: &str, text: &str, extra: &[&str]) -> std::process::Output {
    bianmin()
        .args([
            "note",
            "add",
            "--station",
            station,
            "--kind",
            "equipment",
            "--text",
            text,
            "--db",
        ])
        .arg(db)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn a_note_written_on_a_connected_laptop_is_the_tokens_persons_and_waits_for_sync() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let token = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let laptop = dir.path().join("laptop.db");
    ok(&sync(&laptop, &server.url, &token, &[]), "connect");
    let station = stations_of(&laptop, "W01")[0].clone();
    let out = ok(
        &note_add(
            &laptop,
            &station,
            "商易通终端无法打印小票\n已更换打印纸",
            &["--follow-up", "2026-12-01", "--date", "2026-11-26"],
        ),
        "note add without --as",
    );
    let uuid = out.trim().to_string();
    assert!(uuid::Uuid::parse_str(&uuid).is_ok(), "{out}");

    let notes = list_json(&laptop, &["--station", &station]);
    let note = notes.iter().find(|n| n["uuid"] == uuid.as_str()).unwrap();
    assert_eq!(note["author_id"], "W01", "the token's person");
    assert_eq!(note["kind"], "equipment");
    assert_eq!(note["visited_on"], "2026-11-26");
    assert_eq!(note["follow_up_on"], "2026-12-01");
    assert_eq!(note["sync"]["state"], "pending");
    assert!(notes.iter().all(|n| n["station_id"] == station.as_str()));

    let table = ok(
        &bianmin()
            .args(["note", "list", "--station", &station, "--db"])
            .arg(&laptop)
            .output()
            .unwrap(),
        "note list",
    );
    let line = table
        .lines()
        .find(|l| l.contains(&uuid[uuid.len() - 12..]))
        .unwrap_or_else(|| panic!("{table}"));
    // The whole note, wrapped, never cut with "…".
    assert!(
        line.contains("pending") && line.contains("商易通终端无法打印小票"),
        "{line}"
    );
    assert!(!table.contains('…') && table.contains("已更换打印纸"), "{table}");
    assert!(table.contains("1 waiting to be sent"), "{table}");

    // --as another person cannot write on this laptop: the server takes
    // new records only from the token's person.
    let other = note_add(&laptop, &station, "冒名", &["--as", "W02"]);
    assert_eq!(other.status.code(), Some(2));
    let err = String::from_utf8_lossy(&other.stderr);
    assert!(err.contains("W01") && err.contains("W02"), "{err}");
    assert_eq!(
        list_json(&laptop, &[]).iter().filter(|n| n["body"] == "冒名").count(),
        0
    );

    // After two syncs the note is on the server exactly once, as W01's.
    ok(&sync(&laptop, &server.url, &token, &[]), "push");
    ok(&sync(&laptop, &server.url, &token, &[]), "again");
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM visit_notes WHERE uuid = '{uuid}' AND author_id = 'W01'")
        ),
        1
    );
    assert_eq!(
        list_json(&laptop, &[])
            .iter()
            .filter(|n| n["sync"]["state"] == "pending")
            .count(),
        0
    );
}

#[test]
fn a_note_written_in_the_demo_stays_there_and_never_waits_for_a_server() {
    let dir = tempfile::tempdir().unwrap();
    let demo = server_db(dir.path());
    let station = stations_of(&demo, "W01")[0].clone();
    // Not connected: the author is --as, else the config file's person.
    let out = note_add(&demo, &station, "演示里写的", &["--as", "W01"]);
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    let uuid = ok(&out, "note add in the demo").trim().to_string();
    assert!(said.contains("demo") && said.contains("never sent"), "{said}");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "person = \"W01\"\n").unwrap();
    ok(
        &bianmin()
            .env("BIANMIN_CONFIG", &config)
            .args([
                "note",
                "add",
                "--station",
                &station,
                "--kind",
                "other",
                "--text",
                "回访",
                "--db",
            ])
            .arg(&demo)
            .output()
            .unwrap(),
        "note add with the config's person",
    );
    let notes = list_json(&demo, &[]);
    let note = notes.iter().find(|n| n["uuid"] == uuid.as_str()).unwrap();
    assert_eq!(note["sync"]["state"], "local");
    assert_eq!(notes.iter().filter(|n| n["sync"]["state"] == "pending").count(), 0);
    assert_eq!(count(&demo, "SELECT count(*) FROM outbox"), 0);
    let table = ok(
        &bianmin().args(["note", "list", "--db"]).arg(&demo).output().unwrap(),
        "note list",
    );
    assert!(table.contains("0 waiting to be sent"), "{table}");
    // And sync refuses the demo in words, changing nothing.
    let out = sync(&demo, "http://127.0.0.1:9", "bm_x", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("demo county"));
}

#[test]
fn bad_notes_are_refused_with_what_was_wrong_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let laptop = server_db(dir.path());
    let before = list_json(&laptop, &[]).len();
    let station = stations_of(&laptop, "W01")[0].clone();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--station", "S9999", "--kind", "other", "--text", "x", "--as", "W01"],
            "S9999",
        ),
        (
            &["--station", &station, "--kind", "other", "--text", "  ", "--as", "W01"],
            "text",
        ),
        (
            &[
                "--station",
                &station,
                "--kind",
                "other",
                "--text",
                "x",
                "--as",
                "W01",
                "--date",
                "2026-02-30",
            ],
            "--date",
        ),
        (&["--station", &station, "--kind", "other", "--text", "x"], "--as"),
        (
            &["--station", &station, "--kind", "visit", "--text", "x", "--as", "W01"],
            "visit",
        ),
    ];
    for (args, expected) in cases {
        let out = bianmin()
            .args(["note", "add", "--db"])
            .arg(&laptop)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    assert_eq!(list_json(&laptop, &[]).len(), before);
    let out = bianmin()
        .args(["note", "list", "--station", "S9999", "--db"])
        .arg(&laptop)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn on_the_servers_database_notes_are_already_synced() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let token = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let laptop = dir.path().join("laptop.db");
    ok(&sync(&laptop, &server.url, &token, &[]), "first sync");
    let station = stations_of(&db, "W01")[0].clone();
    let add = |db: &std::path::Path, text: &str| {
        ok(
            &bianmin()
                .args([
                    "note",
                    "add",
                    "--station",
                    &station,
                    "--kind",
                    "collection",
                    "--text",
                    text,
                    "--as",
                    "W01",
                    "--db",
                ])
                .arg(db)
                .output()
                .unwrap(),
            "note add",
        )
        .trim()
        .to_string()
    };
    let from_laptop = add(&laptop, "从笔记本写的");
    ok(&sync(&laptop, &server.url, &token, &[]), "push");
    // Written straight on the server's database (a county clerk).
    let on_server = add(&db, "在服务器上写的");
    assert_eq!(count(&db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"), 0);
    let notes = list_json(&db, &["--station", &station]);
    for uuid in [&from_laptop, &on_server] {
        let note = notes.iter().find(|n| n["uuid"] == uuid.as_str()).unwrap();
        assert_eq!(note["sync"]["state"], "synced", "{note}");
    }
    // The laptop gets the server's note at its next sync.
    ok(&sync(&laptop, &server.url, &token, &[]), "pull");
    let notes = list_json(&laptop, &["--station", &station]);
    let note = notes.iter().find(|n| n["uuid"] == on_server.as_str()).unwrap();
    assert_eq!(note["sync"]["state"], "synced");
    assert_eq!(note["body"], "在服务器上写的");
}
