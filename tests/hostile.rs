//! The audit's probes against the real `bianmin serve` on 127.0.0.1:
//! forged authorship, times far in the future, bodies before tokens,
//! half-sent headers, oversized heads, too many connections, SIGTERM with
//! requests open, a busy database, and an import while laptops push.
//! Each probe is answered (JSON, a reason), nothing is lost, no one is let in.

mod sync_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use bianmin::store::Store;
use reqwest::blocking::Client;
use serde_json::{json, Value};
use sync_support::*;

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

const T: &str = "2026-11-26T09:00:00.000Z";

fn note_json(uuid: &str, station: &str, author: &str, body: &str, at: &str) -> Value {
    json!({
        "type": "visit_note", "uuid": uuid, "station_id": station, "author_id": author,
        "visited_on": "2026-11-26", "kind": "equipment", "body": body, "follow_up_on": null,
        "field_times": {"visited_on": at, "kind": at, "body": at, "follow_up_on": at},
        "version": 1, "created_at": at, "updated_at": at
    })
}

fn signoff_json(uuid: &str, station: &str, author: &str, editor: &str, outcome: &str, at: &str, version: i64) -> Value {
    json!({
        "type": "signoff", "uuid": uuid, "station_id": station, "month": "2026-10",
        "author_id": author, "editor_id": editor, "outcome": outcome,
        "reason": if outcome == "disputed" { json!("少算3笔") } else { json!(null) },
        "signed_on": "2026-11-05", "version": version, "created_at": T, "updated_at": at
    })
}

/// Pushes records with a token; the results.
fn push(url: &str, token: &str, records: &[Value]) -> Vec<Value> {
    let response = Client::new()
        .post(format!("{url}/api/v1/push"))
        .bearer_auth(token)
        .json(&json!({ "records": records }))
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().unwrap();
    body["results"].as_array().unwrap().clone()
}

/// A station of W02's with no sign-off for 2026-10 yet.
fn unsigned_station(db: &Path, person: &str) -> String {
    Store::open(db)
        .unwrap()
        .sql_for_tests()
        .query_row(
            "SELECT id FROM stations WHERE maintainer_id = ?1
               AND id NOT IN (SELECT station_id FROM signoffs WHERE month = '2026-10') ORDER BY id LIMIT 1",
            [person],
            |r| r.get(0),
        )
        .unwrap()
}

fn manager_of(db: &Path, person: &str) -> String {
    Store::open(db)
        .unwrap()
        .sql_for_tests()
        .query_row(
            "SELECT manager_id FROM branches WHERE id = (SELECT branch_id FROM branch_maintainers WHERE person_id = ?1)",
            [person],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn authorship_never_changes_and_a_decision_is_its_makers() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let w02 = token(&db, "W02", "maintainer");
    let manager = manager_of(&db, "W02");
    let m = token(&db, &manager, "manager");
    let server = Server::start(&db);
    let station = unsigned_station(&db, "W02");
    let id = uuid();
    let later = "2026-11-27T09:00:00.000Z";

    let first = push(
        &server.url,
        &w02,
        &[signoff_json(&id, &station, "W02", "W02", "signed", T, 1)],
    );
    assert_eq!(first[0]["outcome"], "stored");
    // The audit's attack: the same uuid under the manager's name, disputed.
    let forged = push(
        &server.url,
        &w02,
        &[signoff_json(&id, &station, &manager, &manager, "disputed", later, 2)],
    );
    assert_eq!(forged[0]["outcome"], "rejected");
    assert_eq!(forged[0]["refusal"]["code"], "author_changed");
    assert!(forged[0]["reason"].as_str().unwrap().contains("author cannot change"));
    // Keeping the author but naming the manager as who decided: refused too.
    let forged = push(
        &server.url,
        &w02,
        &[signoff_json(&id, &station, "W02", &manager, "disputed", later, 2)],
    );
    assert_eq!(forged[0]["refusal"]["code"], "not_the_editor");
    let stored = |field: &str| -> String {
        Store::open(&db)
            .unwrap()
            .sql_for_tests()
            .query_row(&format!("SELECT {field} FROM signoffs WHERE uuid = ?1"), [&id], |r| {
                r.get(0)
            })
            .unwrap()
    };
    assert_eq!(
        (stored("outcome"), stored("author_id")),
        ("signed".into(), "W02".into())
    );

    // The manager may record a new decision on it: the author stays.
    let by_manager = push(
        &server.url,
        &m,
        &[signoff_json(&id, &station, "W02", &manager, "disputed", later, 2)],
    );
    assert_eq!(by_manager[0]["outcome"], "stored", "{by_manager:?}");
    assert_eq!(
        (stored("outcome"), stored("author_id"), stored("editor_id")),
        ("disputed".into(), "W02".into(), manager.clone())
    );
    // A second record of the same statement is refused, naming it.
    let twin = push(
        &server.url,
        &w02,
        &[signoff_json(&uuid(), &station, "W02", "W02", "signed", later, 1)],
    );
    assert_eq!(twin[0]["refusal"]["code"], "already_signed");
}

fn sheet_json(uuid: &str, branch: &str, author: &str, editor: &str, role: &str, outcome: &str, at: &str) -> Value {
    json!({
        "type": "branch_signoff", "uuid": uuid, "branch_id": branch, "month": "2026-09",
        "author_id": author, "editor_id": editor, "role": role, "outcome": outcome,
        "reason": if outcome == "disputed" { json!("扣罚多算") } else { json!(null) },
        "signed_on": "2026-10-10", "version": 1, "created_at": T, "updated_at": at
    })
}

fn resolution_json(uuid: &str, signoff: &str, station: &str, author: &str, answers: &str) -> Value {
    json!({
        "type": "resolution", "uuid": uuid, "kind": "station", "signoff_uuid": signoff,
        "station_id": station, "month": "2026-10", "answers": answers, "outcome": "accepted",
        "corrected_fen": 4080, "reason": "核实后更正", "resolved_on": "2026-11-26",
        "author_id": author, "editor_id": author, "version": 1, "created_at": T, "updated_at": T
    })
}

#[test]
fn a_branch_sheet_is_signed_by_its_own_people_only_and_a_dispute_resolved_by_the_county_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let w02 = token(&db, "W02", "maintainer");
    let manager = manager_of(&db, "W02");
    let m = token(&db, &manager, "manager");
    let county = token(&db, "PT01", "county");
    let other_clerk = token(&db, "PT02", "county");
    let server = Server::start(&db);
    let branch: String = Store::open(&db)
        .unwrap()
        .sql_for_tests()
        .query_row(
            "SELECT branch_id FROM branch_maintainers WHERE person_id = 'W02'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let elsewhere: String = Store::open(&db)
        .unwrap()
        .sql_for_tests()
        .query_row(
            "SELECT id FROM branches WHERE id <> ?1 ORDER BY id LIMIT 1",
            [&branch],
            |r| r.get(0),
        )
        .unwrap();
    let code = |results: Vec<Value>| results[0]["refusal"]["code"].as_str().unwrap_or("").to_string();

    // A maintainer signs as the manager, or another branch's sheet, or in
    // the manager's name: refused, with the reason.
    let as_manager = push(
        &server.url,
        &w02,
        &[sheet_json(&uuid(), &branch, "W02", "W02", "manager", "signed", T)],
    );
    assert_eq!(as_manager[0]["refusal"]["code"], "not_a_signer");
    assert!(
        as_manager[0]["reason"]
            .as_str()
            .unwrap()
            .contains(&format!("W02 is not the manager of branch {branch}")),
        "{as_manager:?}"
    );
    let other = push(
        &server.url,
        &w02,
        &[sheet_json(&uuid(), &elsewhere, "W02", "W02", "maintainer", "signed", T)],
    );
    assert_eq!(code(other), "not_a_signer");
    let forged = push(
        &server.url,
        &w02,
        &[sheet_json(&uuid(), &branch, &manager, &manager, "manager", "signed", T)],
    );
    assert_eq!(code(forged), "not_the_author");

    // Their own place: stored; a second record of it refused; a change
    // made in someone else's name refused; the manager cannot change it.
    let id = uuid();
    let own = push(
        &server.url,
        &w02,
        &[sheet_json(&id, &branch, "W02", "W02", "maintainer", "signed", T)],
    );
    assert_eq!(own[0]["outcome"], "stored", "{own:?}");
    let twin = push(
        &server.url,
        &w02,
        &[sheet_json(&uuid(), &branch, "W02", "W02", "maintainer", "disputed", T)],
    );
    assert_eq!(code(twin), "already_signed_branch");
    let later = "2026-11-27T09:00:00.000Z";
    let mut edit = sheet_json(&id, &branch, "W02", &manager, "maintainer", "disputed", later);
    edit["version"] = json!(2);
    assert_eq!(code(push(&server.url, &w02, &[edit.clone()])), "not_the_editor");
    assert_eq!(code(push(&server.url, &m, &[edit])), "not_the_author");
    let manager_signs = push(
        &server.url,
        &m,
        &[sheet_json(&uuid(), &branch, &manager, &manager, "manager", "signed", T)],
    );
    assert_eq!(manager_signs[0]["outcome"], "stored", "{manager_signs:?}");
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM branch_signoffs WHERE branch_id = '{branch}' AND month = '2026-09'")
        ),
        2
    );

    // A station's dispute: only a county token resolves it.
    let station = unsigned_station(&db, "W02");
    let dispute = uuid();
    let raised = push(
        &server.url,
        &w02,
        &[signoff_json(&dispute, &station, "W02", "W02", "disputed", T, 1)],
    );
    assert_eq!(raised[0]["outcome"], "stored");
    for (who, tok) in [(manager.as_str(), &m), ("W02", &w02)] {
        let refused = push(
            &server.url,
            tok,
            &[resolution_json(&uuid(), &dispute, &station, who, T)],
        );
        assert_eq!(refused[0]["refusal"]["code"], "county_only", "{who}");
        assert!(
            refused[0]["reason"].as_str().unwrap().contains("only a county account"),
            "{refused:?}"
        );
    }
    assert_eq!(
        code(push(
            &server.url,
            &county,
            &[resolution_json(&uuid(), &dispute, &station, "PT02", T)]
        )),
        "not_the_author"
    );
    assert_eq!(
        code(push(
            &server.url,
            &county,
            &[resolution_json(&uuid(), &uuid(), &station, "PT01", T)]
        )),
        "unknown_dispute"
    );
    let rid = uuid();
    let resolved = push(
        &server.url,
        &county,
        &[resolution_json(&rid, &dispute, &station, "PT01", T)],
    );
    assert_eq!(resolved[0]["outcome"], "stored", "{resolved:?}");
    assert_eq!(
        code(push(
            &server.url,
            &county,
            &[resolution_json(&uuid(), &dispute, &station, "PT01", T)]
        )),
        "already_resolved"
    );
    // Another clerk may change the decision, as themselves only.
    let mut changed = resolution_json(&rid, &dispute, &station, "PT01", T);
    changed["outcome"] = json!("rejected");
    changed["corrected_fen"] = json!(null);
    changed["version"] = json!(2);
    changed["updated_at"] = json!(later);
    changed["editor_id"] = json!("PT01");
    assert_eq!(
        code(push(&server.url, &other_clerk, &[changed.clone()])),
        "not_the_editor"
    );
    changed["editor_id"] = json!("PT02");
    assert_eq!(push(&server.url, &other_clerk, &[changed])[0]["outcome"], "stored");
    let stored: (String, String, String) = Store::open(&db)
        .unwrap()
        .sql_for_tests()
        .query_row(
            "SELECT outcome, author_id, editor_id FROM resolutions WHERE uuid = ?1",
            [&rid],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(stored, ("rejected".into(), "PT01".into(), "PT02".into()));
}

#[test]
fn times_far_ahead_are_refused_and_later_corrections_still_count() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let w02 = token(&db, "W02", "maintainer");
    let server = Server::start(&db);
    let station = stations_of(&db, "W02")[0].clone();

    let frozen = uuid();
    let far = push(
        &server.url,
        &w02,
        &[note_json(&frozen, &station, "W02", "永远最新", "9999-12-31T00:00:00Z")],
    );
    assert_eq!(far[0]["outcome"], "rejected");
    assert_eq!(far[0]["refusal"]["code"], "time_ahead");
    assert!(far[0]["reason"].as_str().unwrap().contains("clock"), "{far:?}");
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM visit_notes WHERE uuid = '{frozen}'")
        ),
        0
    );

    // A note, then its correction: stored, and a repeat is unchanged.
    let id = uuid();
    assert_eq!(
        push(&server.url, &w02, &[note_json(&id, &station, "W02", "初稿", T)])[0]["outcome"],
        "stored"
    );
    let mut fixed = note_json(&id, &station, "W02", "改正", "2026-11-27T09:00:00.000Z");
    fixed["version"] = json!(2);
    fixed["created_at"] = json!(T);
    assert_eq!(push(&server.url, &w02, &[fixed.clone()])[0]["outcome"], "stored");
    assert_eq!(push(&server.url, &w02, &[fixed])[0]["outcome"], "unchanged");
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM visit_notes WHERE uuid = '{id}' AND body = '改正'")
        ),
        1
    );
    // A note without every field's time is refused rather than guessed at.
    let mut partial = note_json(&uuid(), &station, "W02", "缺时间", T);
    partial["field_times"].as_object_mut().unwrap().remove("kind");
    let refused = push(&server.url, &w02, &[partial]);
    assert_eq!(refused[0]["refusal"]["code"], "invalid");
    assert!(refused[0]["reason"].as_str().unwrap().contains("field_times.kind"));
}

/// Sends raw bytes on a new connection and reads the answer until the
/// server closes it or `wait` passes.
fn raw(addr: &str, bytes: &[u8], wait: Duration) -> (String, bool) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    let mut buf = [0u8; 8192];
    let closed = loop {
        match stream.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut => {
                break false
            }
            Err(_) => break true,
        }
    };
    (String::from_utf8_lossy(&answer).into_owned(), closed)
}

fn json_body(answer: &str) -> Value {
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_else(|| panic!("{answer}"));
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {answer}"))
}

#[test]
fn the_token_comes_before_the_body_and_every_refusal_is_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let token = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let addr = server.url.trim_start_matches("http://").to_string();

    // 4 MB announced, none sent: the 401 comes at once, without the body.
    let head =
        "POST /api/v1/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4000000\r\n\r\n";
    let (answer, _) = raw(&addr, head.as_bytes(), Duration::from_secs(30));
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(json_body(&answer)["error"].as_str().unwrap().contains("token"));
    // With a token, a body announced over the limit is refused unread.
    let head = format!(
        "POST /api/v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Length: 400000000\r\n\r\n"
    );
    let (answer, _) = raw(&addr, head.as_bytes(), Duration::from_secs(30));
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    json_body(&answer);

    // Headers too large (431), an address too long (414): JSON bodies too,
    // and no echo of what was sent.
    let big_header = format!(
        "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Pad: {}\r\n\r\n",
        "a".repeat(300_000)
    );
    let (answer, _) = raw(&addr, big_header.as_bytes(), Duration::from_secs(30));
    assert!(
        answer.starts_with("HTTP/1.1 431"),
        "{}",
        &answer[..answer.len().min(200)]
    );
    assert!(json_body(&answer)["error"].as_str().unwrap().contains("headers"));
    assert!(!answer.contains("aaaaaaaaaa"));
    let long_uri = format!("GET /api/v1/health?{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(70_000));
    let (answer, _) = raw(&addr, long_uri.as_bytes(), Duration::from_secs(30));
    assert!(
        answer.starts_with("HTTP/1.1 414"),
        "{}",
        &answer[..answer.len().min(200)]
    );
    json_body(&answer);
    let (answer, _) = raw(&addr, b"NOT HTTP AT ALL\r\n\r\n", Duration::from_secs(30));
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    json_body(&answer);

    // Still serving.
    let health = Client::new()
        .get(format!("{}/api/v1/health", server.url))
        .send()
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
}

#[test]
fn half_sent_headers_and_idle_connections_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let server = Server::start_with(&db, &["--header-timeout", "1"]);
    let addr = server.url.trim_start_matches("http://").to_string();
    // The server closes it: the read ends long before the test's minute.
    let (answer, closed) = raw(&addr, b"GET /api/v1/health HTTP/1.1\r\nHost:", Duration::from_secs(60));
    assert!(closed, "a half-sent request was left open: {answer:?}");
    let (_, closed) = raw(&addr, b"", Duration::from_secs(60));
    assert!(closed, "an idle connection was left open");
}

#[test]
fn one_connection_too_many_is_answered_503_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let server = Server::start_with(&db, &["--max-connections", "2"]);
    let addr = server.url.trim_start_matches("http://").to_string();
    let held: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(&addr).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(300));
    let (answer, _) = raw(
        &addr,
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n",
        Duration::from_secs(30),
    );
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.to_lowercase().contains("retry-after: 5"), "{answer}");
    json_body(&answer);
    drop(held);
    std::thread::sleep(Duration::from_millis(300));
    let health = Client::new()
        .get(format!("{}/api/v1/health", server.url))
        .send()
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
}

#[test]
fn sigterm_stops_the_server_with_requests_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let mut server = Server::start(&db);
    let addr = server.url.trim_start_matches("http://").to_string();
    let mut half = TcpStream::connect(&addr).unwrap();
    half.write_all(b"POST /api/v1/push HTTP/1.1\r\nHost: x\r\n").unwrap();
    let idle = TcpStream::connect(&addr).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    drop((half, idle));
}

#[test]
fn a_busy_database_is_try_later_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let token = token(&db, "W01", "maintainer");
    let server = Server::start_with(&db, &["--write-wait-ms", "300"]);
    let laptop = dir.path().join("laptop.db");
    ok(&sync(&laptop, &server.url, &token, &[]), "connect");
    let station = stations_of(&laptop, "W01")[0].clone();
    ok(
        &bianmin()
            .args([
                "note",
                "add",
                "--station",
                &station,
                "--kind",
                "other",
                "--text",
                "忙时写的",
                "--db",
            ])
            .arg(&laptop)
            .output()
            .unwrap(),
        "note add",
    );

    // Another writer (as an import would) holds the server's database.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = sync(&laptop, &server.url, &token, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("busy") && err.contains("nothing was lost"), "{err}");
    let status = ok(
        &bianmin()
            .args(["sync", "--status", "--db"])
            .arg(&laptop)
            .output()
            .unwrap(),
        "status",
    );
    assert!(
        status.contains("offline since") && status.contains("waiting to be sent: 1"),
        "{status}"
    );
    holder.execute_batch("COMMIT").unwrap();

    ok(&sync(&laptop, &server.url, &token, &[]), "after the import");
    assert_eq!(
        count(&db, "SELECT count(*) FROM visit_notes WHERE body = '忙时写的'"),
        1
    );
}

/// A payment export of `rows` rows over the county's stations.
fn payments_csv(db: &Path, path: &Path, rows: usize) {
    let stations: Vec<String> = Store::open(db)
        .unwrap()
        .sql_for_tests()
        .prepare("SELECT id FROM stations ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = String::from("交易流水号,站点编码,交易时间,业务类型,金额,状态\n");
    for i in 0..rows {
        let station = &stations[i % stations.len()];
        out.push_str(&format!(
            "LOAD{i:08},{station},2026-11-{:02} 10:{:02}:00,电费,{}.50,成功\n",
            1 + i % 26,
            i % 60,
            10 + i % 90
        ));
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn a_large_import_while_laptops_push_fails_no_push_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let people = ["W01", "W02", "W03"];
    let tokens: Vec<String> = people.iter().map(|p| token(&db, p, "maintainer")).collect();
    let log = dir.path().join("server.log");
    let server = Server::start_logged(&db, &["--write-wait-ms", "200"], &log);
    let laptops: Vec<std::path::PathBuf> = people.iter().map(|p| dir.path().join(format!("{p}.db"))).collect();
    for (laptop, token) in laptops.iter().zip(&tokens) {
        ok(&sync(laptop, &server.url, token, &[]), "connect");
    }
    let file = dir.path().join("payments.csv");
    payments_csv(&db, &file, 60_000);

    let import = bianmin()
        .args(["import", "payments"])
        .arg(&file)
        .arg("--db")
        .arg(&db)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut busy_answers = 0;
    let url = server.url.as_str();
    std::thread::scope(|scope| {
        let handles: Vec<_> = laptops
            .iter()
            .zip(&tokens)
            .zip(people)
            .map(|((laptop, token), person)| {
                scope.spawn(move || {
                    let station = stations_of(laptop, person)[0].clone();
                    let mut busy = 0;
                    for i in 0..5 {
                        ok(
                            &bianmin()
                                .args(["note", "add", "--station", &station, "--kind", "collection", "--text"])
                                .arg(format!("导入时 {person} {i}"))
                                .arg("--db")
                                .arg(laptop)
                                .output()
                                .unwrap(),
                            "note add",
                        );
                        // Try later, as the dashboard does, until it goes through.
                        for _ in 0..600 {
                            let out = sync(laptop, url, token, &[]);
                            if out.status.success() {
                                break;
                            }
                            let err = String::from_utf8_lossy(&out.stderr).to_string();
                            assert!(err.contains("busy"), "{err}");
                            busy += 1;
                            std::thread::sleep(Duration::from_millis(100));
                        }
                    }
                    busy
                })
            })
            .collect();
        for h in handles {
            busy_answers += h.join().unwrap();
        }
    });
    let imported = import.wait_with_output().unwrap();
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    for person in people {
        assert_eq!(
            count(
                &db,
                &format!("SELECT count(*) FROM visit_notes WHERE body LIKE '导入时 {person} %'")
            ),
            5,
            "{person}'s notes, each once"
        );
    }
    for laptop in &laptops {
        assert_eq!(
            count(
                laptop,
                "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND rejected_at IS NULL"
            ),
            0
        );
    }
    let server_log = std::fs::read_to_string(&log).unwrap();
    assert!(!server_log.contains(" 500 "), "{server_log}");
    eprintln!("busy answers while importing: {busy_answers}");
}

/// The payments table no longer checks a category's shape itself
/// (migration 0012): a server whose database holds a category that is no
/// policy id (a sqlite3 session, an attacker) is refused by the laptop,
/// which names the row and keeps nothing of that page.
#[test]
fn a_pulled_payment_of_a_category_that_is_no_policy_id_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let w02 = token(&db, "W02", "maintainer");
    let station = stations_of(&db, "W02")[0].clone();
    let bad = "Mobile'); DROP TABLE outbox; --";
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let changed = conn
            .execute(
                "UPDATE daily_payments SET category = ?2
                 WHERE (day, station_id, category) = (SELECT day, station_id, category FROM daily_payments
                                                      WHERE station_id = ?1 ORDER BY day LIMIT 1)",
                rusqlite::params![station, bad],
            )
            .unwrap();
        assert_eq!(changed, 1);
    }
    let server = Server::start(&db);
    let laptop = dir.path().join("laptop.db");
    let out = sync(&laptop, &server.url, &w02, &[]);
    assert!(!out.status.success(), "the pull went through");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(bad) && stderr.contains(&station), "{stderr}");
    assert_eq!(count(&laptop, "SELECT count(*) FROM daily_payments"), 0);
    assert_eq!(count(&laptop, "SELECT pull_cursor FROM sync_state"), 0);
    assert_eq!(
        count(&laptop, "SELECT count(*) FROM sqlite_master WHERE name = 'outbox'"),
        1
    );

    // A category of a megabyte is named in a few words, not copied whole
    // into the message and the laptop's last sync error.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "UPDATE daily_payments SET category = ?1 WHERE category = ?2",
            rusqlite::params!["x".repeat(1 << 20) + "!", bad],
        )
        .unwrap();
    }
    let out = sync(&laptop, &server.url, &w02, &[]);
    assert!(!out.status.success(), "the pull went through");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&"x".repeat(64)) && stderr.len() < 2_000,
        "{}",
        stderr.len()
    );
    assert_eq!(count(&laptop, "SELECT count(*) FROM daily_payments"), 0);
}

/// A laptop reads a station's days a seek per calendar day, so a server
/// whose database holds a fact on a day that is no date (a sqlite3
/// session, an attacker) is refused by the laptop, which names the row,
/// keeps nothing of that page, and quotes a megabyte in a few words.
#[test]
fn a_pulled_fact_on_a_day_that_is_no_date_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let w02 = token(&db, "W02", "maintainer");
    let station = stations_of(&db, "W02")[0].clone();
    let set_day = |day: &str| {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "UPDATE daily_cards SET day = ?2
             WHERE (day, station_id) = (SELECT day, station_id FROM daily_cards
                                        WHERE station_id = ?1 ORDER BY day DESC LIMIT 1)",
            rusqlite::params![station, day],
        )
        .unwrap()
    };
    assert_eq!(set_day("2026-11-31"), 1);
    let server = Server::start(&db);
    let laptop = dir.path().join("laptop.db");
    let out = sync(&laptop, &server.url, &w02, &[]);
    assert!(!out.status.success(), "the pull went through");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("daily_cards.day") && stderr.contains("2026-11-31") && stderr.contains(&station),
        "{stderr}"
    );
    assert_eq!(count(&laptop, "SELECT count(*) FROM daily_cards"), 0);
    assert_eq!(count(&laptop, "SELECT pull_cursor FROM sync_state"), 0);

    assert_eq!(set_day(&("2026-11-3".to_string() + &"0".repeat(1 << 20))), 1);
    let out = sync(&laptop, &server.url, &w02, &[]);
    assert!(!out.status.success(), "the pull went through");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2026-11-30000") && stderr.len() < 2_000,
        "{}",
        stderr.len()
    );
    assert_eq!(count(&laptop, "SELECT count(*) FROM daily_cards"), 0);
}
