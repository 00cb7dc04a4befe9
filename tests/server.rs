//! The sync server over HTTP, endpoint by endpoint: tokens (none,
//! malformed, unknown, revoked), malformed and oversized bodies, and scope —
//! a maintainer's token can neither read nor write another branch's
//! station through any endpoint. Every refusal is a 4xx with a JSON error.

mod sync_support;

use reqwest::blocking::{Client, RequestBuilder};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use sync_support::*;

fn client() -> Client {
    Client::new()
}

/// Sends a request; the status and the JSON body (which every answer has).
fn send(request: RequestBuilder) -> (u16, Value) {
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    let json = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap().starts_with("application/json"));
    let text = response.text().unwrap();
    assert!(json, "{status} without a JSON content type: {text}");
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {text}"));
    (status, body)
}

fn error_of(status: u16, body: &Value, expected: u16) -> String {
    assert_eq!(status, expected, "{body}");
    let message = body["error"].as_str().unwrap_or_else(|| panic!("{body}"));
    assert!(!message.is_empty());
    message.to_string()
}

fn note_json(uuid: &str, station: &str, author: &str, body: &str) -> Value {
    json!({
        "type": "visit_note",
        "uuid": uuid,
        "station_id": station,
        "author_id": author,
        "visited_on": "2026-11-26",
        "kind": "equipment",
        "body": body,
        "follow_up_on": null,
        "field_times": {
            "visited_on": "2026-11-26T09:00:00.000Z",
            "kind": "2026-11-26T09:00:00.000Z",
            "body": "2026-11-26T09:00:00.000Z",
            "follow_up_on": "2026-11-26T09:00:00.000Z"
        },
        "version": 1,
        "created_at": "2026-11-26T09:00:00.000Z",
        "updated_at": "2026-11-26T09:00:00.000Z"
    })
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A station of a branch other than W01's.
fn other_branch_station(db: &CountyDb) -> String {
    db.string(
        "SELECT id FROM stations WHERE branch_id NOT IN
           (SELECT branch_id FROM stations WHERE maintainer_id = 'W01') ORDER BY id LIMIT 1",
    )
}

/// The stations a maintainer keeps, on the server.
fn maintained_by(db: &CountyDb, person: &str) -> Vec<String> {
    db.strings(&format!(
        "SELECT id FROM stations WHERE maintainer_id = '{person}' ORDER BY id"
    ))
}

on_both!(
    every_endpoint_wants_a_valid_token_and_says_so_in_json,
    malformed_and_oversized_requests_get_4xx_json_and_the_server_carries_on,
    a_maintainers_token_cannot_read_or_write_another_branchs_station,
    a_repeated_push_changes_nothing_and_a_newer_version_merges,
    a_sync_run_is_not_sent_back_what_it_stored_as_sent,
    a_pull_is_compressed_only_for_a_client_that_asks,
);

fn every_endpoint_wants_a_valid_token_and_says_so_in_json(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "every_endpoint_wants_a_valid_t") else {
        return;
    };
    let revoked = token(&db, "W02", "maintainer");
    let kept = token(&db, "W02", "maintainer");
    let out = ok(
        &bianmin()
            .args(["user", "revoke", "--token", &revoked, "--db"])
            .arg(&db)
            .output()
            .unwrap(),
        "user revoke",
    );
    assert!(out.is_empty());
    let server = Server::start(&db);
    let api = format!("{}/api/v1", server.url);
    let http = client();
    let endpoints: Vec<(&str, String)> = vec![
        ("GET", format!("{api}/me")),
        ("GET", format!("{api}/pull?after=0")),
        ("POST", format!("{api}/push")),
        ("GET", format!("{api}/stations/S0001")),
        ("GET", format!("{api}/stations/S0001/notes")),
    ];
    for (method, url) in &endpoints {
        let request = || match *method {
            "GET" => http.get(url),
            _ => http.post(url).body(r#"{"records": []}"#),
        };
        let response = request().send().unwrap();
        assert_eq!(response.status().as_u16(), 401, "{url}");
        assert!(response.headers().contains_key("www-authenticate"));
        let (status, body) = send(request());
        assert!(error_of(status, &body, 401).contains("missing token"), "{body}");
        let (status, body) = send(request().header("Authorization", "Basic dzAxOnB3"));
        assert!(error_of(status, &body, 401).contains("Bearer"), "{body}");
        let (status, body) = send(request().bearer_auth("bm_0000"));
        assert!(error_of(status, &body, 401).contains("unknown token"), "{body}");
        let (status, body) = send(request().bearer_auth(&revoked));
        assert!(error_of(status, &body, 401).contains("revoked"), "{body}");
        let (status, _) = send(request().bearer_auth(&kept));
        assert!(status == 200 || status == 403, "{url}: {status}");
    }
    // Health needs no token.
    let (status, body) = send(http.get(format!("{api}/health")));
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));

    // Revoking by person ends the other token too; the list shows no token.
    ok(
        &bianmin()
            .args(["user", "revoke", "--person", "W02", "--db"])
            .arg(&db)
            .output()
            .unwrap(),
        "revoke --person",
    );
    let (status, body) = send(http.get(format!("{api}/me")).bearer_auth(&kept));
    error_of(status, &body, 401);
    let list = ok(
        &bianmin().args(["user", "list", "--db"]).arg(&db).output().unwrap(),
        "user list",
    );
    assert!(list.contains("W02") && !list.contains(&kept[3..]), "{list}");
    // A person not in the registry gets no token.
    let out = bianmin()
        .args(["user", "add", "--person", "X99", "--role", "maintainer", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("X99"));
}

fn malformed_and_oversized_requests_get_4xx_json_and_the_server_carries_on(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "malformed_and_oversized_reques") else {
        return;
    };
    let token = token(&db, "W01", "maintainer");
    let server = Server::start_with(&db, &["--max-body-bytes", "65536"]);
    let api = format!("{}/api/v1", server.url);
    let http = client();
    let push = |body: Vec<u8>| {
        send(
            http.post(format!("{api}/push"))
                .bearer_auth(&token)
                .header("Content-Type", "application/json")
                .body(body),
        )
    };

    let (status, body) = push(b"{\"records\": [".to_vec());
    assert!(error_of(status, &body, 400).contains("push request"), "{body}");
    let (status, body) = push(b"not json at all".to_vec());
    error_of(status, &body, 400);
    let (status, body) = push(br#"{"records": 5}"#.to_vec());
    error_of(status, &body, 422);
    let (status, body) = push(br#"{"records": [], "branch_id": "B02"}"#.to_vec());
    assert!(error_of(status, &body, 422).contains("branch_id"), "{body}");
    let (status, body) = push(br#"{"records": [{"type": "payment"}]}"#.to_vec());
    error_of(status, &body, 422);
    let big = format!(
        r#"{{"records": [{}]}}"#,
        note_json(&uuid(), "S0001", "W01", &"长".repeat(40_000))
    );
    let (status, body) = push(big.into_bytes());
    assert!(error_of(status, &body, 413).contains("larger"), "{body}");
    let many: Vec<Value> = (0..1001).map(|_| json!({"type": "signoff"})).collect::<Vec<_>>();
    let (status, body) = push(serde_json::to_vec(&json!({ "records": many })).unwrap());
    assert!(status == 413 || status == 422, "{status} {body}");

    let (status, body) = send(http.get(format!("{api}/pull?after=abc")).bearer_auth(&token));
    error_of(status, &body, 400);
    let (status, body) = send(http.get(format!("{api}/pull?after=-5")).bearer_auth(&token));
    error_of(status, &body, 400);
    let (status, body) = send(http.get(format!("{api}/nothing")).bearer_auth(&token));
    error_of(status, &body, 404);
    let (status, body) = send(http.get(format!("{}/", server.url)));
    error_of(status, &body, 404);
    let (status, body) = send(http.get(format!("{api}/push")).bearer_auth(&token));
    error_of(status, &body, 405);
    let (status, body) = send(http.delete(format!("{api}/me")).bearer_auth(&token));
    error_of(status, &body, 405);

    // Still serving, and a good request still works.
    let station = maintained_by(&db, "W01")[0].clone();
    let (status, body) =
        push(serde_json::to_vec(&json!({ "records": [note_json(&uuid(), &station, "W01", "好的")] })).unwrap());
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["results"][0]["outcome"], "stored");
    let (status, _) = send(http.get(format!("{api}/health")));
    assert_eq!(status, 200);
}

/// Every station id a pull page's rows of these tables name.
fn stations_named(page: &Value, tables: &[&str]) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for table in tables {
        for row in page[*table].as_array().unwrap() {
            ids.insert(row[1].as_str().unwrap().to_string());
        }
    }
    ids
}

/// Every station id a pull page's notes and sign-offs name.
fn records_named(page: &Value) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for row in page["visit_notes"].as_array().unwrap() {
        ids.insert(row["note"]["station_id"].as_str().unwrap().to_string());
    }
    for row in page["signoffs"].as_array().unwrap() {
        ids.insert(row["signoff"]["station_id"].as_str().unwrap().to_string());
    }
    ids
}

fn a_maintainers_token_cannot_read_or_write_another_branchs_station(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_maintainers_token_cannot_rea") else {
        return;
    };
    let maintainer = token(&db, "W01", "maintainer");
    let manager_of_other = {
        let other = other_branch_station(&db);
        let manager = db.string(&format!(
            "SELECT b.manager_id FROM stations s JOIN branches b ON b.id = s.branch_id WHERE s.id = '{other}'"
        ));
        (manager.clone(), token(&db, &manager, "manager"))
    };
    let county = token(&db, "county", "county");
    let server = Server::start(&db);
    let api = format!("{}/api/v1", server.url);
    let http = client();
    let mine: BTreeSet<String> = maintained_by(&db, "W01").into_iter().collect();
    let own = mine.iter().next().unwrap().clone();
    let other = other_branch_station(&db);

    let branch: BTreeSet<String> = db
        .strings(
            "SELECT id FROM stations WHERE branch_id IN (SELECT branch_id FROM stations WHERE maintainer_id = 'W01')",
        )
        .into_iter()
        .collect();
    assert!(branch.len() > mine.len(), "W01 shares the branch with others");

    // GET /me: the whole branch's figures, W01's own stations' notes.
    let (status, me) = send(http.get(format!("{api}/me")).bearer_auth(&maintainer));
    assert_eq!(status, 200);
    assert_eq!(me["role"], "maintainer");
    assert_eq!(me["person_id"], "W01");
    assert_eq!(me["stations"], branch.len());
    assert_eq!(me["own_stations"], mine.len());

    // GET /stations/{id}: 403 outside the scope, whether the station exists
    // or not (the answer tells nothing of what lies outside).
    let (status, body) = send(http.get(format!("{api}/stations/{own}")).bearer_auth(&maintainer));
    assert_eq!((status, body["id"].as_str()), (200, Some(own.as_str())));
    let (status, outside) = send(http.get(format!("{api}/stations/{other}")).bearer_auth(&maintainer));
    assert!(
        error_of(status, &outside, 403).contains("outside the scope"),
        "{outside}"
    );
    let (status, missing) = send(http.get(format!("{api}/stations/S9999")).bearer_auth(&maintainer));
    assert_eq!(
        error_of(status, &missing, 403).replace("S9999", "?"),
        outside["error"].as_str().unwrap().replace(other.as_str(), "?")
    );

    // GET /stations/{id}/notes: W01's own stations only.
    let (status, body) = send(http.get(format!("{api}/stations/{own}/notes")).bearer_auth(&maintainer));
    assert_eq!(status, 200);
    assert!(body["notes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["station_id"] == own.as_str()));
    let sibling = branch.difference(&mine).next().unwrap().clone();
    for id in [&other, &sibling] {
        let (status, body) = send(http.get(format!("{api}/stations/{id}/notes")).bearer_auth(&maintainer));
        error_of(status, &body, 403);
    }

    // GET /pull: the branch's registry and facts, W01's notes and
    // sign-offs, whatever the page size; nothing of another branch.
    let mut after = 0;
    let mut figures = BTreeSet::new();
    let mut records = BTreeSet::new();
    let mut first_scope = None;
    loop {
        let (status, page) = send(
            http.get(format!("{api}/pull?after={after}&limit=500"))
                .bearer_auth(&maintainer),
        );
        assert_eq!(status, 200, "{page}");
        if after == 0 {
            first_scope = Some(page["scope"].clone());
        }
        figures.extend(stations_named(
            &page,
            &["stations", "daily_payments", "daily_cards", "daily_referrals"],
        ));
        records.extend(records_named(&page));
        after = page["next"].as_i64().unwrap();
        if !page["more"].as_bool().unwrap() {
            break;
        }
    }
    assert_eq!(figures, branch, "every station of the branch, nothing else");
    assert!(records.is_subset(&mine) && !records.is_empty(), "{records:?}");
    let scope = first_scope.unwrap();
    let named: BTreeSet<String> = scope["record_stations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(named, mine, "the first page names the scope");

    // POST /push: a note on another branch's station is refused; one on
    // W01's station in someone else's name too; W01's own goes in.
    let outside = uuid();
    let impostor = uuid();
    let fine = uuid();
    let (status, body) = send(
        http.post(format!("{api}/push")).bearer_auth(&maintainer).body(
            serde_json::to_vec(&json!({ "records": [
                note_json(&outside, &other, "W01", "越权"),
                note_json(&impostor, &own, "W02", "冒名"),
                note_json(&fine, &own, "W01", "正常"),
            ]}))
            .unwrap(),
        ),
    );
    assert_eq!(status, 200, "{body}");
    let results = body["results"].as_array().unwrap();
    assert_eq!(results[0]["outcome"], "rejected");
    assert!(results[0]["reason"].as_str().unwrap().contains("outside the scope"));
    assert_eq!(results[1]["outcome"], "rejected");
    assert!(results[1]["reason"].as_str().unwrap().contains("author"));
    assert_eq!(results[2]["outcome"], "stored");
    let on_server = |uuid: &str| count(&db, &format!("SELECT count(*) FROM visit_notes WHERE uuid = '{uuid}'"));
    assert_eq!((on_server(&outside), on_server(&impostor), on_server(&fine)), (0, 0, 1));

    // The manager of the other branch sees that station but not W01's,
    // whose branch is not theirs.
    let (_, manager) = manager_of_other;
    let (status, _) = send(http.get(format!("{api}/stations/{other}")).bearer_auth(&manager));
    assert_eq!(status, 200);
    let (status, body) = send(http.get(format!("{api}/stations/{own}")).bearer_auth(&manager));
    error_of(status, &body, 403);
    // The county sees everything.
    for id in [&own, &other] {
        let (status, _) = send(http.get(format!("{api}/stations/{id}")).bearer_auth(&county));
        assert_eq!(status, 200);
    }
}

fn a_repeated_push_changes_nothing_and_a_newer_version_merges(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_repeated_push_changes_nothin") else {
        return;
    };
    let token = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let api = format!("{}/api/v1", server.url);
    let http = client();
    let station = maintained_by(&db, "W01")[0].clone();
    let id = uuid();
    let push = |record: Value| {
        let (status, body) = send(
            http.post(format!("{api}/push"))
                .bearer_auth(&token)
                .body(serde_json::to_vec(&json!({ "records": [record] })).unwrap()),
        );
        assert_eq!(status, 200, "{body}");
        body["results"][0].clone()
    };
    let rev = || count(&db, &format!("SELECT rev FROM visit_notes WHERE uuid = '{id}'"));
    let first = note_json(&id, &station, "W01", "第一版");
    assert_eq!(push(first.clone())["outcome"], "stored");
    let stored_at = rev();
    assert_eq!(push(first.clone())["outcome"], "unchanged");
    assert_eq!(rev(), stored_at, "a repeat gets no new revision");

    let mut second = first.clone();
    second["version"] = json!(2);
    second["kind"] = json!("other");
    second["field_times"]["kind"] = json!("2026-11-26T18:00:00+08:00");
    second["updated_at"] = json!("2026-11-26T10:00:00.000Z");
    assert_eq!(push(second)["outcome"], "stored");
    assert!(rev() > stored_at);
    let note = |column: &str| db.string(&format!("SELECT {column} FROM visit_notes WHERE uuid = '{id}'"));
    assert_eq!(note("body"), "第一版");
    assert_eq!(note("kind"), "other");
    assert_eq!(note("version"), "2");
    // Times are kept in one form whatever form they came in.
    let times: Value = serde_json::from_str(&note("field_times")).unwrap();
    assert_eq!(times["kind"], "2026-11-26T10:00:00.000Z");

    // Invalid records are refused with a reason naming the field.
    let mut bad = note_json(&uuid(), &station, "W01", "x");
    bad["visited_on"] = json!("2026-13-01");
    let result = push(bad);
    assert_eq!(result["outcome"], "rejected");
    assert!(result["reason"].as_str().unwrap().contains("visited_on"));
    let result = push(note_json("not-a-uuid", &station, "W01", "x"));
    assert!(result["reason"].as_str().unwrap().contains("UUID"));
}

/// Issue 14 item 3: a pull is not sent the records its own sync run
/// (`x-bianmin-echo`, with the same token) just stored exactly as sent,
/// and its cursor still moves past them; anything else comes back: the
/// record to another run or token, a record the server completed or
/// merged, a later change by anyone, a deletion.
fn a_sync_run_is_not_sent_back_what_it_stored_as_sent(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_sync_run_is_not_sent_back_wh") else {
        return;
    };
    let other_token = token(&db, "W01", "maintainer");
    let county = token(&db, "PT01", "county");
    let token = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let api = format!("{}/api/v1", server.url);
    let http = client();
    let (run, other_run) = (uuid(), uuid());
    let push = |token: &str, run: &str, record: Value| {
        let (status, body) = send(
            http.post(format!("{api}/push"))
                .bearer_auth(token)
                .header("x-bianmin-echo", run)
                .body(serde_json::to_vec(&json!({ "records": [record] })).unwrap()),
        );
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["results"][0]["outcome"], "stored", "{body}");
    };
    let pull = |token: &str, run: Option<&str>, after: i64| {
        let mut request = http
            .get(format!("{api}/pull?after={after}&limit=100000"))
            .bearer_auth(token);
        if let Some(run) = run {
            request = request.header("x-bianmin-echo", run);
        }
        let (status, page) = send(request);
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["more"], false, "one page: {}", page["next"]);
        page
    };
    let notes = |page: &Value| -> Vec<String> {
        (page["visit_notes"].as_array().unwrap().iter())
            .map(|n| n["note"]["uuid"].as_str().unwrap().to_string())
            .collect()
    };
    let cursor = pull(&token, None, 0)["next"].as_i64().unwrap();
    let station = maintained_by(&db, "W01")[0].clone();

    let mine = uuid();
    push(&token, &run, note_json(&mine, &station, "W01", "本次同步写的"));
    let page = pull(&token, Some(&run), cursor);
    assert_eq!(notes(&page), Vec::<String>::new(), "{page}");
    assert!(
        page["next"].as_i64().unwrap() > cursor,
        "the cursor moves past it: {page}"
    );
    // Another run, another token of the same person, an old client: sent.
    assert_eq!(notes(&pull(&token, Some(&other_run), cursor)), vec![mine.clone()]);
    assert_eq!(notes(&pull(&other_token, Some(&run), cursor)), vec![mine.clone()]);
    assert_eq!(notes(&pull(&token, None, cursor)), vec![mine.clone()]);
    // A header that is no run id is ignored: everything is sent.
    assert_eq!(notes(&pull(&token, Some("x"), cursor)), vec![mine.clone()]);

    // Stored otherwise than sent (the server writes times in one form):
    // the laptop must receive the server's form.
    let completed = uuid();
    let mut record = note_json(&completed, &station, "W01", "时间换了写法");
    record["field_times"]["kind"] = json!("2026-11-26T17:00:00+08:00");
    push(&token, &run, record);
    assert_eq!(notes(&pull(&token, Some(&run), cursor)), vec![completed.clone()]);

    // Changed later by someone else (merged with a county clerk's later
    // text): comes back to the run that first sent it.
    let mut edit = note_json(&mine, &station, "W01", "县局补充了说明");
    edit["version"] = json!(2);
    edit["field_times"]["body"] = json!("2026-11-26T10:00:00.000Z");
    edit["updated_at"] = json!("2026-11-26T10:00:00.000Z");
    push(&county, &other_run, edit);
    let page = pull(&token, Some(&run), cursor);
    assert_eq!(notes(&page), vec![completed.clone(), mine.clone()], "{page}");
    assert_eq!(page["visit_notes"][1]["note"]["body"], "县局补充了说明");

    // Pushed as sent again by the run, then deleted on the server: the
    // tombstone is sent.
    let gone = uuid();
    push(&token, &run, note_json(&gone, &station, "W01", "将被删除"));
    let before = pull(&token, Some(&run), cursor);
    assert!(!notes(&before).contains(&gone), "{before}");
    db.execute(&format!("DELETE FROM visit_notes WHERE uuid = '{gone}'"));
    let page = pull(&token, Some(&run), cursor);
    let deleted: Vec<&Value> = (page["deleted"].as_array().unwrap().iter())
        .filter(|d| d[1] == "visit_notes" && d[2][0] == gone.as_str())
        .collect();
    assert_eq!(deleted.len(), 1, "{page}");
}

/// Issue 14 item 3: gzip only for a client that asks (an older laptop
/// gets plain JSON as before), and the same page either way.
fn a_pull_is_compressed_only_for_a_client_that_asks(backend: Backend) {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_pull_is_compressed_only_for_") else {
        return;
    };
    let token = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let url = format!("{}/api/v1/pull?after=0&limit=100000", server.url);
    // Not inflated by the client: the bytes as they travel.
    let raw = Client::builder().no_gzip().build().unwrap();
    let plain = raw.get(&url).bearer_auth(&token).send().unwrap();
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    let plain: Value = serde_json::from_slice(&plain.bytes().unwrap()).unwrap();
    let zipped = (raw.get(&url).bearer_auth(&token))
        .header("accept-encoding", "gzip")
        .send()
        .unwrap();
    assert_eq!(zipped.status(), 200);
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let bytes = zipped.bytes().unwrap();
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut json).unwrap();
    assert!(bytes.len() * 2 < json.len(), "{} of {}", bytes.len(), json.len());
    let mut zipped: Value = serde_json::from_slice(&json).unwrap();
    let mut plain = plain;
    // The same page but for the time it was answered at.
    zipped["server_time"] = Value::Null;
    plain["server_time"] = Value::Null;
    assert_eq!(zipped, plain);
}
