//! Sync end to end: the real `bianmin serve` on 127.0.0.1 (port 0) over a
//! demo county, laptops syncing with the real `bianmin sync`, killed with
//! SIGKILL at known points (BIANMIN_TEST_PAUSE), a server restarted in the
//! middle, two laptops of one maintainer, and the server out of reach.

mod sync_support;

use std::path::Path;

use bianmin::records::{NewNote, NewSignoff, NoteEdit, NoteKind, Outcome};
use bianmin::store::Store;
use chrono::{Duration, NaiveDate, Utc};
use sync_support::*;

/// Every table a pull fills with rows of its own in the wire (the tables
/// described as data, `store::synced`, are added in `rows_in`).
const SYNCED_TABLES: [&str; 13] = [
    "counties",
    "people",
    "branches",
    "branch_maintainers",
    "stations",
    "plans",
    "daily_payments",
    "daily_cards",
    "daily_referrals",
    "visit_notes",
    "signoffs",
    "branch_signoffs",
    "resolutions",
];

fn rows_in<D: Db + ?Sized>(db: &D) -> i64 {
    SYNCED_TABLES
        .iter()
        .copied()
        .chain(bianmin::store::synced::SYNCED_TABLES.iter().map(|t| t.name))
        .map(|t| count(db, &format!("SELECT count(*) FROM {t}")))
        .sum()
}

const ALL_STATIONS: &str = "SELECT id FROM stations";

on_both!(
    a_maintainer_pulls_their_stations_then_only_what_changed,
    a_push_killed_midway_sends_every_note_exactly_once,
    a_pull_killed_midway_resumes_without_sending_again_what_arrived,
    a_server_restarted_in_the_middle_of_a_sync,
    two_laptops_of_one_maintainer_merge_edits_of_one_note_field_by_field,
    a_refused_record_is_set_aside_with_the_servers_reason_and_the_others_go_through,
    a_signoff_goes_up_and_the_later_decision_wins_whole_everywhere,
    payees_invoices_and_payout_steps_reach_the_laptop_and_their_deletions_too,
    a_laptop_is_not_sent_back_what_it_pushed_unless_the_server_changed_it,
    a_first_pull_sums_the_month_totals_of_its_rows_a_later_large_pull_reads_them_back,
    a_first_pull_sent_kept_pages_ends_with_what_the_county_holds,
);

fn add_notes(laptop: &Path, author: &str, prefix: &str, n: usize) {
    let store = Store::open(laptop).unwrap();
    let stations = stations_of(laptop, author);
    for i in 0..n {
        store
            .add_note(
                &NewNote {
                    station_id: stations[i % stations.len()].clone(),
                    author_id: author.into(),
                    visited_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
                    kind: NoteKind::Collection,
                    body: format!("{prefix} {i}：提醒村民月初交电费"),
                    follow_up_on: None,
                },
                Utc::now(),
            )
            .unwrap();
    }
}

fn notes_with<D: Db + ?Sized>(db: &D, prefix: &str) -> i64 {
    count(
        db,
        &format!("SELECT count(*) FROM visit_notes WHERE body LIKE '{prefix} %'"),
    )
}

fn pending(db: &Path) -> i64 {
    count(
        db,
        "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND rejected_at IS NULL",
    )
}

fn a_maintainer_pulls_their_stations_then_only_what_changed(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_maintainer_pulls_their_stati") else {
        return;
    };
    let token = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let laptop = dir.path().join("laptop.db");

    let first = ok(&sync(&laptop, &server.url, &token, &[]), "first sync");
    let mine = stations_of(&db, "W01");
    assert!(!mine.is_empty());
    assert_eq!(stations_of(&laptop, "W01"), mine);
    // The whole branch's figures (its valid count, pool and penalty depend
    // on all of them), W01's own stations' notes and sign-offs.
    let branch =
        "SELECT id FROM stations WHERE branch_id IN (SELECT branch_id FROM stations WHERE maintainer_id = 'W01')";
    let own = "SELECT id FROM stations WHERE maintainer_id = 'W01'";
    assert_eq!(
        count(&laptop, "SELECT count(*) FROM stations"),
        count(&db, &format!("SELECT count(*) FROM ({branch}) AS b")),
        "every station of the branch"
    );
    assert!(count(&laptop, "SELECT count(*) FROM stations") > mine.len() as i64);
    assert_eq!(figures(&laptop, branch), figures(&db, branch));
    assert_eq!(content(&laptop, own), content(&db, own));
    assert_eq!(
        count(
            &laptop,
            &format!("SELECT count(*) FROM visit_notes WHERE station_id NOT IN ({own})")
        ),
        0,
        "no note of another maintainer's station"
    );
    assert_eq!(received(&first), rows_in(&laptop) as u64, "{first}");
    assert!(count(&laptop, "SELECT count(*) FROM daily_payments") > 100);
    assert_intact(&laptop);
    // After the first pull only changes travel: none yet.
    let again = ok(&sync(&laptop, &server.url, &token, &[]), "second sync");
    assert_eq!(received(&again), 0, "{again}");

    // A corrected figure of one of W01's stations, and one of another
    // maintainer's, on the server.
    {
        let bump = |station_sql: &str| {
            db.execute(&format!(
                "UPDATE daily_payments SET count = count + 1, amount_fen = amount_fen + 5000
                 WHERE (day, station_id, category) =
                   (SELECT day, station_id, category FROM daily_payments
                    WHERE station_id = ({station_sql}) ORDER BY day DESC, category LIMIT 1)"
            ))
        };
        let before = count(&db, "SELECT CAST(sum(count) AS BIGINT) FROM daily_payments");
        bump(&format!("SELECT '{}'", mine[0]));
        bump(&format!(
            "SELECT id FROM stations WHERE id NOT IN ({branch}) ORDER BY id LIMIT 1"
        ));
        assert_eq!(
            count(&db, "SELECT CAST(sum(count) AS BIGINT) FROM daily_payments"),
            before + 2
        );
    }
    let third = ok(&sync(&laptop, &server.url, &token, &[]), "third sync");
    assert_eq!(received(&third), 1, "only the branch's changed row: {third}");
    assert_eq!(figures(&laptop, branch), figures(&db, branch));
}

fn a_push_killed_midway_sends_every_note_exactly_once(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_push_killed_midway_sends_eve") else {
        return;
    };
    let token = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let laptop = dir.path().join("laptop.db");
    ok(&sync(&laptop, &server.url, &token, &[]), "first sync");
    add_notes(&laptop, "W01", "推送测试", 30);
    assert_eq!(pending(&laptop), 30);

    // Killed after the server stored batch 2, before the laptop marked it.
    PausedSync::start(&laptop, &server.url, &token, "push-acked:2", &["--batch-records", "10"]).kill();
    assert_intact(&laptop);
    assert_eq!(notes_with(&db, "推送测试"), 20);
    assert_eq!(pending(&laptop), 20, "batch 1 marked, batch 2 not");
    let revisions =
        || db.strings("SELECT uuid || ' ' || rev FROM visit_notes WHERE body LIKE '推送测试 %' ORDER BY uuid");
    let revs_before = revisions();

    // Killed again right after marking the first batch of the rerun.
    PausedSync::start(
        &laptop,
        &server.url,
        &token,
        "push-committed:1",
        &["--batch-records", "10"],
    )
    .kill();
    assert_intact(&laptop);
    assert_eq!(pending(&laptop), 10);

    let out = ok(&sync(&laptop, &server.url, &token, &[]), "final sync");
    assert!(out.contains("sent 10 records"), "{out}");
    assert_eq!(pending(&laptop), 0);
    assert_intact(&laptop);
    assert_eq!(notes_with(&db, "推送测试"), 30, "every note once");
    assert_eq!(
        count(
            &db,
            "SELECT count(DISTINCT body) FROM visit_notes WHERE body LIKE '推送测试 %'"
        ),
        30
    );
    // The batch sent twice changed nothing on the server the second time.
    let revs_after = revisions();
    for before in &revs_before {
        assert!(revs_after.contains(before), "{before} was not stored again");
    }
    // The server's own database has no outbox rows for what it received
    // (a PostgreSQL one has no outbox at all).
    if backend == Backend::Sqlite {
        assert_eq!(count(&db, "SELECT count(*) FROM outbox"), 0);
    }
    // And the notes come back to the laptop as they are.
    let in_scope = "SELECT id FROM stations WHERE maintainer_id = 'W01'";
    ok(&sync(&laptop, &server.url, &token, &[]), "sync after");
    assert_eq!(content(&laptop, in_scope), content(&db, in_scope));
}

fn a_pull_killed_midway_resumes_without_sending_again_what_arrived(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_pull_killed_midway_resumes_w") else {
        return;
    };
    let token = token(&db, "county", "county");
    let server = Server::start(&db);
    let laptop = dir.path().join("laptop.db");
    let total = rows_in(&db);

    PausedSync::start(
        &laptop,
        &server.url,
        &token,
        "pull-committed:3",
        &["--page-rows", "4000"],
    )
    .kill();
    assert_not_corrupt(&laptop);
    let after_three = rows_in(&laptop);
    assert!(
        after_three > 8_000 && after_three <= 12_000,
        "three pages: {after_three}"
    );
    assert!(count(&laptop, "SELECT pull_cursor FROM sync_state") > 0);

    // Killed again with a page received but not yet stored.
    PausedSync::start(
        &laptop,
        &server.url,
        &token,
        "pull-received:2",
        &["--page-rows", "4000"],
    )
    .kill();
    assert_not_corrupt(&laptop);
    let stored = rows_in(&laptop);
    assert!(
        stored > after_three && stored <= after_three + 4_000,
        "one more page stored, the received one not: {after_three} then {stored}"
    );

    let out = ok(
        &sync(&laptop, &server.url, &token, &["--page-rows", "4000"]),
        "final sync",
    );
    assert_eq!(
        received(&out) as i64,
        total - stored,
        "nothing that arrived is sent again: {out}"
    );
    assert_intact(&laptop);
    assert_eq!(rows_in(&laptop), total);
    assert_eq!(content(&laptop, ALL_STATIONS), content(&db, ALL_STATIONS));
    assert_eq!(
        count(&laptop, "SELECT count(*) FROM pragma_foreign_key_check"),
        0,
        "a finished pull holds whole references"
    );
}

fn a_server_restarted_in_the_middle_of_a_sync(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_server_restarted_in_the_midd") else {
        return;
    };
    let token = token(&db, "county", "county");
    let mut server = Server::start(&db);
    let laptop = dir.path().join("laptop.db");

    // Restarted on the same port while the laptop is between pages: the
    // laptop carries on with the new process.
    let paused = PausedSync::start(
        &laptop,
        &server.url,
        &token,
        "pull-committed:2",
        &["--page-rows", "4000"],
    );
    server.restart();
    let (success, out, err) = paused.resume();
    assert!(success, "{out}\n{err}");
    assert_eq!(content(&laptop, ALL_STATIONS), content(&db, ALL_STATIONS));
    assert_intact(&laptop);

    // Down while the laptop pushes: the sync fails, nothing is lost, and
    // the next one finishes the push exactly once.
    let store = Store::open(&laptop).unwrap();
    let station: String = store
        .sql_for_tests()
        .query_row("SELECT id FROM stations ORDER BY id LIMIT 1", [], |r| r.get(0))
        .unwrap();
    for i in 0..12 {
        store
            .add_note(
                &NewNote {
                    station_id: station.clone(),
                    author_id: "county".into(),
                    visited_on: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
                    kind: NoteKind::Reconciliation,
                    body: format!("重启测试 {i}"),
                    follow_up_on: None,
                },
                Utc::now(),
            )
            .unwrap();
    }
    drop(store);
    let paused = PausedSync::start(
        &laptop,
        &server.url,
        &token,
        "push-committed:1",
        &["--batch-records", "5"],
    );
    server.kill();
    let (success, _, err) = paused.resume();
    assert!(!success);
    assert!(err.contains("cannot reach the county server"), "{err}");
    assert_eq!(pending(&laptop), 7);
    assert_intact(&laptop);

    server.restart();
    ok(&sync(&laptop, &server.url, &token, &[]), "sync after restart");
    assert_eq!(pending(&laptop), 0);
    assert_eq!(notes_with(&db, "重启测试"), 12);
    assert_eq!(content(&laptop, ALL_STATIONS), content(&db, ALL_STATIONS));
}

fn two_laptops_of_one_maintainer_merge_edits_of_one_note_field_by_field(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "two_laptops_of_one_maintainer_") else {
        return;
    };
    let token_a = token(&db, "W01", "maintainer");
    let token_b = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    ok(&sync(&a, &server.url, &token_a, &[]), "sync a");
    ok(&sync(&b, &server.url, &token_b, &[]), "sync b");

    let t0 = Utc::now() - Duration::hours(2);
    let station = stations_of(&a, "W01")[0].clone();
    let uuid = Store::open(&a)
        .unwrap()
        .add_note(
            &NewNote {
                station_id: station.clone(),
                author_id: "W01".into(),
                visited_on: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
                kind: NoteKind::Equipment,
                body: "商易通终端无法打印小票".into(),
                follow_up_on: None,
            },
            t0,
        )
        .unwrap()
        .uuid;
    ok(&sync(&a, &server.url, &token_a, &[]), "a sends the note");
    ok(&sync(&b, &server.url, &token_b, &[]), "b receives it");
    assert!(Store::open(&b).unwrap().note(&uuid).unwrap().is_some());

    // Offline, both edit: A the text (t1) and later the kind (t3); B the
    // text in between (t2) and a follow-up day (t2).
    let (t1, t2, t3) = (
        t0 + Duration::minutes(10),
        t0 + Duration::minutes(20),
        t0 + Duration::minutes(30),
    );
    let store_a = Store::open(&a).unwrap();
    store_a
        .edit_note(
            &uuid,
            &NoteEdit {
                body: Some("已更换打印纸".into()),
                ..NoteEdit::default()
            },
            t1,
        )
        .unwrap();
    store_a
        .edit_note(
            &uuid,
            &NoteEdit {
                kind: Some(NoteKind::Other),
                ..NoteEdit::default()
            },
            t3,
        )
        .unwrap();
    let follow_up = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    Store::open(&b)
        .unwrap()
        .edit_note(
            &uuid,
            &NoteEdit {
                body: Some("已报修，等待配件".into()),
                follow_up_on: Some(Some(follow_up)),
                ..NoteEdit::default()
            },
            t2,
        )
        .unwrap();

    ok(&sync(&a, &server.url, &token_a, &[]), "a");
    ok(&sync(&b, &server.url, &token_b, &[]), "b");
    ok(&sync(&a, &server.url, &token_a, &[]), "a again");

    let note_of = |db: &dyn Db| {
        db.strings_of(&format!(
            "SELECT body || '|' || kind || '|' || coalesce(follow_up_on, '') || '|' || version FROM visit_notes WHERE uuid = '{uuid}'"
        ))
    };
    let merged = format!("已报修，等待配件|other|{follow_up}|3");
    let dbs: [(&str, &dyn Db); 3] = [("server", &db), ("laptop a", &a), ("laptop b", &b)];
    for (name, db) in dbs {
        // B's later text, A's later kind, B's follow-up.
        assert_eq!(note_of(db), vec![merged.clone()], "{name}");
    }
    assert_eq!(pending(&a), 0);
    assert_eq!(pending(&b), 0);
    let in_scope = "SELECT id FROM stations WHERE maintainer_id = 'W01'";
    assert_eq!(content(&a, in_scope), content(&db, in_scope));
    assert_eq!(content(&b, in_scope), content(&db, in_scope));
}

#[test]
fn with_the_server_unreachable_sync_fails_in_one_line_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let token = token(&db, "W01", "maintainer");
    let mut server = Server::start(&db);
    let laptop = dir.path().join("laptop.db");
    ok(&sync(&laptop, &server.url, &token, &[]), "first sync");
    add_notes(&laptop, "W01", "离线测试", 1);
    let before = Store::open(&laptop).unwrap().sync_status().unwrap();
    assert!(before.last_success_at.is_some() && before.offline_since.is_none());
    let snapshot = (content(&laptop, ALL_STATIONS), rows_in(&laptop), pending(&laptop));

    assert!(bianmin::client::health(&server.url).is_ok());
    server.kill();
    assert!(bianmin::client::health(&server.url).unwrap_err().is_offline());
    let out = sync(&laptop, &server.url, &token, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot reach the county server") && err.contains(&server.url),
        "{err}"
    );
    assert_eq!(
        (content(&laptop, ALL_STATIONS), rows_in(&laptop), pending(&laptop)),
        snapshot,
        "nothing changed"
    );
    let offline = Store::open(&laptop).unwrap().sync_status().unwrap();
    assert_eq!(offline.last_success_at, before.last_success_at);
    assert!(offline.offline_since.is_some());
    assert!(offline.last_error.unwrap().contains("cannot reach"));
    assert_eq!(offline.pending, 1);

    // Still offline: the time offline began stays.
    let _ = sync(&laptop, &server.url, &token, &[]);
    let still = Store::open(&laptop).unwrap().sync_status().unwrap();
    assert_eq!(still.offline_since, offline.offline_since);
    assert!(still.last_attempt_at >= offline.last_attempt_at);

    let status = ok(
        &bianmin()
            .args(["sync", "--status", "--db"])
            .arg(&laptop)
            .output()
            .unwrap(),
        "sync --status",
    );
    assert!(
        status.contains("offline since") && status.contains("waiting to be sent: 1"),
        "{status}"
    );

    server.restart();
    ok(&sync(&laptop, &server.url, &token, &[]), "back online");
    let back = Store::open(&laptop).unwrap().sync_status().unwrap();
    assert!(back.offline_since.is_none() && back.last_error.is_none());
    assert!(back.last_success_at > before.last_success_at);
    assert_eq!(back.pending, 0);
    assert_eq!(notes_with(&db, "离线测试"), 1);
}

fn a_refused_record_is_set_aside_with_the_servers_reason_and_the_others_go_through(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_refused_record_is_set_aside_") else {
        return;
    };
    let token = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let laptop = dir.path().join("laptop.db");
    ok(&sync(&laptop, &server.url, &token, &[]), "first sync");

    // A station of another branch on this laptop (as if it were stale).
    let other = db.string(
        "SELECT id FROM stations WHERE branch_id <> (SELECT branch_id FROM stations WHERE maintainer_id = 'W01' LIMIT 1) ORDER BY id LIMIT 1",
    );
    let store = Store::open(&laptop).unwrap();
    store
        .sql_for_tests()
        .execute_batch("PRAGMA foreign_keys = OFF")
        .unwrap();
    store
        .sql_for_tests()
        .execute(
            "INSERT INTO stations (id, name, kind, branch_id, maintainer_id) VALUES (?1, '别处的站', 'rural', 'B99', 'W01')",
            [&other],
        )
        .unwrap();
    let own = stations_of(&db, "W01")[0].clone();
    let note = |station: &str, body: String| NewNote {
        station_id: station.into(),
        author_id: "W01".into(),
        visited_on: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        kind: NoteKind::Promotion,
        body,
        follow_up_on: None,
    };
    let first = store.add_note(&note(&own, "拒绝测试 a".into()), Utc::now()).unwrap();
    let outside = store.add_note(&note(&other, "拒绝测试 b".into()), Utc::now()).unwrap();
    let long = store
        .add_note(&note(&own, format!("拒绝测试 c{}", "长".repeat(20_000))), Utc::now())
        .unwrap();
    let last = store.add_note(&note(&own, "拒绝测试 d".into()), Utc::now()).unwrap();
    drop(store);

    let out = ok(&sync(&laptop, &server.url, &token, &[]), "sync");
    assert!(out.contains("2 records refused"), "{out}");
    assert!(out.contains("outside the scope") && out.contains("characters"), "{out}");
    for uuid in [&first.uuid, &last.uuid] {
        assert_eq!(
            count(&db, &format!("SELECT count(*) FROM visit_notes WHERE uuid = '{uuid}'")),
            1
        );
    }
    for uuid in [&outside.uuid, &long.uuid] {
        assert_eq!(
            count(&db, &format!("SELECT count(*) FROM visit_notes WHERE uuid = '{uuid}'")),
            0
        );
    }
    let listed = ok(
        &bianmin()
            .args(["note", "list", "--format", "json", "--db"])
            .arg(&laptop)
            .output()
            .unwrap(),
        "note list",
    );
    let notes: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let state = |uuid: &str| notes.as_array().unwrap().iter().find(|n| n["uuid"] == uuid).unwrap()["sync"].clone();
    assert_eq!(state(&first.uuid)["state"], "synced");
    assert_eq!(state(&outside.uuid)["state"], "rejected");
    assert!(state(&outside.uuid)["reason"]
        .as_str()
        .unwrap()
        .contains("outside the scope"));
    let status = Store::open(&laptop).unwrap().sync_status().unwrap();
    assert_eq!((status.pending, status.rejected), (0, 2));

    // Edited to something the server takes, the note goes as a new version.
    Store::open(&laptop)
        .unwrap()
        .edit_note(
            &long.uuid,
            &NoteEdit {
                body: Some("拒绝测试 c 改短了".into()),
                ..NoteEdit::default()
            },
            Utc::now(),
        )
        .unwrap();
    let out = ok(&sync(&laptop, &server.url, &token, &[]), "sync the edit");
    assert!(out.contains("sent 1 record,"), "{out}");
    assert_eq!(notes_with(&db, "拒绝测试"), 3);
    assert_eq!(Store::open(&laptop).unwrap().sync_status().unwrap().rejected, 1);
}

#[test]
fn plain_http_to_another_computer_is_refused_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let laptop = dir.path().join("laptop.db");
    let out = sync(&laptop, "http://192.0.2.1:8080", "bm_x", &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("https://") && err.contains("only to this computer"),
        "{err}"
    );
    // A demo database is not synced into.
    let demo = dir.path().join("demo.db");
    ok(
        &bianmin()
            .args(["demo", "--today", "2026-11-27", "--db"])
            .arg(&demo)
            .output()
            .unwrap(),
        "demo",
    );
    let out = sync(&demo, "http://127.0.0.1:9", "bm_x", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("demo county"));
}

fn a_signoff_goes_up_and_the_later_decision_wins_whole_everywhere(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_signoff_goes_up_and_the_late") else {
        return;
    };
    let (token_a, token_b) = (token(&db, "W01", "maintainer"), token(&db, "W01", "maintainer"));
    let server = Server::start(&db);
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    ok(&sync(&a, &server.url, &token_a, &[]), "sync a");
    ok(&sync(&b, &server.url, &token_b, &[]), "sync b");
    let station = stations_of(&db, "W01")[0].clone();
    let month = "2026-10".parse().unwrap();
    let signoff = |outcome, reason: Option<&str>, day| NewSignoff {
        station_id: station.clone(),
        month,
        author_id: "W01".into(),
        outcome,
        reason: reason.map(String::from),
        signed_on: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
    };
    let t0 = Utc::now() - Duration::hours(1);
    Store::open(&a)
        .unwrap()
        .record_signoff(&signoff(Outcome::Disputed, Some("电费笔数与站点台账不符"), 20), t0)
        .unwrap();
    ok(&sync(&a, &server.url, &token_a, &[]), "a sends the dispute");
    // (uuid, outcome, reason, signed on) of the station's sign-off.
    let on_server = |db: &dyn Db| {
        let s = db.strings_of(&format!(
            "SELECT uuid || '|' || outcome || '|' || coalesce(reason, '') || '|' || signed_on FROM signoffs
              WHERE station_id = '{station}' AND month = '{month}'"
        ));
        assert_eq!(s.len(), 1, "one sign-off of the station and month: {s:?}");
        let parts: Vec<String> = s[0].split('|').map(String::from).collect();
        (parts[0].clone(), parts[1].clone(), parts[2].clone(), parts[3].clone())
    };
    let disputed = on_server(&db);
    assert_eq!(disputed.1, "disputed");
    assert_eq!(disputed.2, "电费笔数与站点台账不符");

    // B, having received the dispute, records the signature later on.
    ok(&sync(&b, &server.url, &token_b, &[]), "b receives it");
    assert_eq!(on_server(&b).1, "disputed");
    Store::open(&b)
        .unwrap()
        .record_signoff(&signoff(Outcome::Signed, None, 25), t0 + Duration::minutes(30))
        .unwrap();
    ok(&sync(&b, &server.url, &token_b, &[]), "b sends the signature");
    ok(&sync(&a, &server.url, &token_a, &[]), "a receives it");
    let dbs: [(&str, &dyn Db); 3] = [("server", &db), ("a", &a), ("b", &b)];
    for (name, db) in dbs {
        let s = on_server(db);
        assert_eq!((s.1.as_str(), s.2.as_str()), ("signed", ""), "{name}");
        assert_eq!(s.0, disputed.0, "{name}");
        assert_eq!(s.3, "2026-11-25", "{name}");
    }
    assert_eq!((pending(&a), pending(&b)), (0, 0));
}

fn payees_invoices_and_payout_steps_reach_the_laptop_and_their_deletions_too(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "payees_invoices_and_payout_ste") else {
        return;
    };
    let token = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let laptop = dir.path().join("laptop.db");
    ok(&sync(&laptop, &server.url, &token, &[]), "first sync");
    let branch =
        "SELECT id FROM stations WHERE branch_id IN (SELECT branch_id FROM stations WHERE maintainer_id = 'W01')";
    let digest = |db: &dyn Db| -> Vec<i64> {
        vec![
            count(
                db,
                &format!("SELECT count(*) FROM stations WHERE owner_name IS NOT NULL AND id IN ({branch})"),
            ),
            count(
                db,
                &format!("SELECT count(*) FROM invoices WHERE station_id IN ({branch})"),
            ),
            count(db, "SELECT count(*) FROM payout_steps"),
        ]
    };
    let on_laptop = digest(&laptop);
    assert_eq!(on_laptop, digest(&db));
    assert!(on_laptop.iter().all(|n| *n > 0), "{on_laptop:?}");
    assert_eq!(
        count(
            &laptop,
            &format!("SELECT count(*) FROM invoices WHERE station_id NOT IN ({branch})")
        ),
        0,
        "no other branch's invoices"
    );

    // A step undone and an invoice withdrawn on the server go from the
    // laptop at its next sync; a changed owner's phone arrives.
    let step = db.string("SELECT step FROM payout_steps ORDER BY month, step LIMIT 1");
    db.execute(&format!("DELETE FROM payout_steps WHERE step = '{step}'"));
    let invoices = count(&db, "SELECT count(*) FROM invoices");
    db.execute(&format!(
        "DELETE FROM invoices WHERE (month, station_id) IN
           (SELECT month, station_id FROM invoices WHERE station_id IN ({branch}) ORDER BY month, station_id LIMIT 1)"
    ));
    assert_eq!(count(&db, "SELECT count(*) FROM invoices"), invoices - 1);
    db.execute(&format!(
        "UPDATE stations SET owner_phone = '13900000000' WHERE id = (SELECT min(id) FROM ({branch}) AS b)"
    ));
    ok(&sync(&laptop, &server.url, &token, &[]), "second sync");
    assert_eq!(digest(&laptop), digest(&db));
    assert_eq!(
        count(
            &laptop,
            "SELECT count(*) FROM stations WHERE owner_phone = '13900000000'"
        ),
        1
    );
    assert_intact(&laptop);
}

/// Issue 14 item 3: a sync's pull does not bring back the notes its push
/// just stored as sent; another laptop receives them; a note the server
/// merged with another laptop's edit does come back; both laptops end
/// equal to the server.
fn a_laptop_is_not_sent_back_what_it_pushed_unless_the_server_changed_it(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_laptop_is_not_sent_back_what") else {
        return;
    };
    let token_a = token(&db, "W01", "maintainer");
    let token_b = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    ok(&sync(&a, &server.url, &token_a, &[]), "sync a");
    ok(&sync(&b, &server.url, &token_b, &[]), "sync b");

    add_notes(&a, "W01", "回声", 30);
    let pushed = ok(&sync(&a, &server.url, &token_a, &[]), "a pushes");
    assert_eq!(received(&pushed), 0, "none of its 30 notes back: {pushed}");
    assert_eq!(pending(&a), 0);
    assert_eq!(notes_with(&db, "回声"), 30);
    let got = ok(&sync(&b, &server.url, &token_b, &[]), "b receives");
    // The notes, and their author's row (people come with their notes).
    assert_eq!(received(&got), 31, "{got}");
    assert_eq!(notes_with(&b, "回声"), 30);
    let again = ok(&sync(&a, &server.url, &token_a, &[]), "a again");
    assert_eq!(received(&again), 0, "{again}");

    // Offline, A edits a note's text, then B (later) its follow-up day.
    let uuid = a.strings_of("SELECT uuid FROM visit_notes WHERE body LIKE '回声 %' ORDER BY uuid LIMIT 1")[0].clone();
    let now = Utc::now() + Duration::minutes(1);
    Store::open(&a)
        .unwrap()
        .edit_note(
            &uuid,
            &NoteEdit {
                body: Some("回声：已改".into()),
                ..NoteEdit::default()
            },
            now,
        )
        .unwrap();
    let follow_up = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    Store::open(&b)
        .unwrap()
        .edit_note(
            &uuid,
            &NoteEdit {
                follow_up_on: Some(Some(follow_up)),
                ..NoteEdit::default()
            },
            now + Duration::minutes(1),
        )
        .unwrap();
    // A's edit is stored as sent: not back. B's is merged with it: back.
    let a_sent = ok(&sync(&a, &server.url, &token_a, &[]), "a sends its edit");
    assert_eq!(received(&a_sent), 0, "{a_sent}");
    let b_merged = ok(&sync(&b, &server.url, &token_b, &[]), "b sends its edit");
    assert_eq!(
        received(&b_merged),
        2,
        "the merged note (and its author) comes back: {b_merged}"
    );
    let a_gets = ok(&sync(&a, &server.url, &token_a, &[]), "a receives the merge");
    assert_eq!(received(&a_gets), 2, "{a_gets}");
    let note_of = |db: &dyn Db| {
        db.strings_of(&format!(
            "SELECT body || '|' || coalesce(follow_up_on, '') FROM visit_notes WHERE uuid = '{uuid}'"
        ))
    };
    let merged = vec![format!("回声：已改|{follow_up}")];
    let dbs: [(&str, &dyn Db); 3] = [("server", &db), ("laptop a", &a), ("laptop b", &b)];
    for (name, db) in dbs {
        assert_eq!(note_of(db), merged, "{name}");
    }
    let in_scope = "SELECT id FROM stations WHERE maintainer_id = 'W01'";
    assert_eq!(content(&a, in_scope), content(&db, in_scope));
    assert_eq!(content(&b, in_scope), content(&db, in_scope));
}

/// A laptop's large pull drops the revision and per-station indexes of
/// the daily facts for good (a laptop never reads facts by revision, and
/// reads a station's days a seek per calendar day), and reads every
/// station's days and a branch's month so far as the county does; a
/// server opening that file makes the indexes again, so its pulls still
/// find rows by revision.
#[test]
fn a_laptops_large_pull_keeps_only_the_facts_keys_and_a_server_makes_the_indexes_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = county_db(Backend::Sqlite, dir.path(), "").unwrap();
    let token = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let laptop = dir.path().join("laptop.db");
    let out = ok(&sync(&laptop, &server.url, &token, &["--page-rows", "500"]), "sync");
    assert!(!out.contains(" in 1 page"), "a pull of several pages: {out}");
    let indexes = |like: &str| {
        laptop.strings_of(&format!(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'daily_%_{like}' ORDER BY name"
        ))
    };
    assert_eq!(indexes("by_rev"), Vec::<String>::new());
    assert_eq!(indexes("by_station"), Vec::<String>::new());
    assert!(count(&laptop, "SELECT count(*) FROM daily_payments") > 100);

    // Read day by day, as the county's file has them by its indexes.
    let CountyDb::Sqlite(county_file) = &db else {
        unreachable!()
    };
    let (county, replica) = (Store::open(county_file).unwrap(), Store::open(&laptop).unwrap());
    let county_sql = rusqlite::Connection::open(county_file).unwrap();
    let by_hand = |station: &str, month: bianmin::month::Month| {
        let mut days = std::collections::BTreeMap::<NaiveDate, (u64, u64)>::new();
        let range = rusqlite::params![station, month.first_day(), month.last_day()];
        let mut payments = county_sql
            .prepare(
                "SELECT day, sum(count) FROM daily_payments
                 WHERE station_id = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY day",
            )
            .unwrap();
        for row in payments.query_map(range, |r| Ok((r.get(0)?, r.get(1)?))).unwrap() {
            let (day, count): (NaiveDate, u64) = row.unwrap();
            days.entry(day).or_default().0 = count;
        }
        let mut cards = county_sql
            .prepare("SELECT day, valid FROM daily_cards WHERE station_id = ?1 AND day BETWEEN ?2 AND ?3")
            .unwrap();
        for row in cards.query_map(range, |r| Ok((r.get(0)?, r.get(1)?))).unwrap() {
            let (day, valid): (NaiveDate, u64) = row.unwrap();
            days.entry(day).or_default().1 = valid;
        }
        days
    };
    let stations = stations_of(&laptop, "W01");
    assert!(stations.len() > 3, "{stations:?}");
    let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    let mut days_with_trade = 0;
    for month in ["2026-09", "2026-10", "2026-11"] {
        let month: bianmin::month::Month = month.parse().unwrap();
        for station in &stations {
            let read = replica.station_days(station, month).unwrap();
            assert_eq!(read, by_hand(station, month), "{station} {month}");
            days_with_trade += read.len();
        }
    }
    assert!(days_with_trade > 100, "{days_with_trade}");
    let branch = laptop.strings_of("SELECT DISTINCT branch_id FROM stations WHERE maintainer_id = 'W01'");
    let scope = bianmin::store::facts::BranchScope::Only(branch);
    for as_of in ["2026-10-17", "2026-11-20"] {
        // Not a whole month, and later days exist: read from the days.
        let month = bianmin::month::Month::of(day(as_of));
        let facts = |store: &Store| bianmin::store::facts::month_facts(store, month, Some(day(as_of)), &scope).unwrap();
        assert_eq!(facts(&replica), facts(&county), "{as_of}");
    }
    drop((county, replica));

    drop(server);
    bianmin::server::db::SqliteServerDb::open_waiting(&laptop, std::time::Duration::from_secs(1)).unwrap();
    assert_eq!(
        indexes("by_rev"),
        vec!["daily_cards_by_rev", "daily_payments_by_rev", "daily_referrals_by_rev"]
    );
    assert_eq!(
        indexes("by_station"),
        vec![
            "daily_cards_by_station",
            "daily_payments_by_station",
            "daily_referrals_by_station"
        ]
    );
}

/// The month totals and first trades of the laptop's daily facts, and
/// what its days sum to: each pair must be equal.
fn laptop_totals_and_sums(laptop: &Path) -> Vec<(Vec<String>, Vec<String>)> {
    let pair = |kept: &str, summed: &str| (laptop.strings_of(kept), laptop.strings_of(summed));
    vec![
        pair(
            "SELECT month || '|' || station_id || '|' || category || '|' || days || '|' || count || '|' || amount_fen
             FROM month_payments ORDER BY month, station_id, category",
            "SELECT substr(day, 1, 7) || '|' || station_id || '|' || category || '|' || count(*) || '|' || sum(count)
                 || '|' || sum(amount_fen)
             FROM daily_payments GROUP BY substr(day, 1, 7), station_id, category
             ORDER BY substr(day, 1, 7), station_id, category",
        ),
        pair(
            "SELECT month || '|' || station_id || '|' || days || '|' || raw || '|' || valid
             FROM month_cards ORDER BY month, station_id",
            "SELECT substr(day, 1, 7) || '|' || station_id || '|' || count(*) || '|' || sum(raw) || '|' || sum(valid)
             FROM daily_cards GROUP BY substr(day, 1, 7), station_id ORDER BY substr(day, 1, 7), station_id",
        ),
        pair(
            "SELECT month || '|' || station_id || '|' || kind || '|' || days || '|' || count
             FROM month_referrals ORDER BY month, station_id, kind",
            "SELECT substr(day, 1, 7) || '|' || station_id || '|' || kind || '|' || count(*) || '|' || sum(count)
             FROM daily_referrals GROUP BY substr(day, 1, 7), station_id, kind ORDER BY substr(day, 1, 7), station_id, kind",
        ),
        pair(
            "SELECT station_id || '|' || coalesce(first_payment, '') || '|' || coalesce(first_card, '')
             FROM station_first_trades WHERE first_payment IS NOT NULL OR first_card IS NOT NULL ORDER BY station_id",
            "SELECT id || '|' || coalesce(p, '') || '|' || coalesce(c, '') FROM (
                 SELECT id, (SELECT min(day) FROM daily_payments WHERE station_id = s.id) AS p,
                            (SELECT min(day) FROM daily_cards WHERE station_id = s.id) AS c FROM stations s)
             WHERE p IS NOT NULL OR c IS NOT NULL ORDER BY id",
        ),
    ]
}

/// A first pull of many pages sums the month totals and first trades from
/// the rows as they pass (no read-back); a later large pull into a laptop
/// that holds facts reads them back from its days. Either way every total
/// is what the days sum to.
fn a_first_pull_sums_the_month_totals_of_its_rows_a_later_large_pull_reads_them_back(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_first_pull_sums_the_month_to") else {
        return;
    };
    let token = token(&db, "county", "county");
    let server = Server::start(&db);
    let laptop = dir.path().join("laptop.db");
    let options = || bianmin::client::SyncOptions {
        page_rows: 500,
        ..bianmin::client::SyncOptions::default()
    };
    let first = bianmin::client::sync_with(&laptop, &server.url, &token, &options()).unwrap();
    assert!(first.bulk && first.pull_pages > 3, "{first:?}");
    assert!(first.totals_from_pull, "summed from the pulled rows: {first:?}");
    let totals = laptop_totals_and_sums(&laptop);
    assert!(
        totals[0].0.len() > 100,
        "the demo county has payments: {}",
        totals[0].0.len()
    );
    for (kept, summed) in &totals {
        assert_eq!(kept, summed);
    }

    // From the start again, into a laptop that holds every day already:
    // each pulled row replaces one held, and the totals are read back.
    Store::open(&laptop).unwrap().reset_pull().unwrap();
    let again = bianmin::client::sync_with(&laptop, &server.url, &token, &options()).unwrap();
    assert!(again.bulk && !again.totals_from_pull, "{again:?}");
    assert_eq!(
        laptop_totals_and_sums(&laptop),
        totals,
        "the same days, the same totals"
    );
}

/// Whether the server sent the county's page of 40,000 rows (the
/// laptops' page size) after `after` from the pages it keeps
/// (`server::page_cache`): "kept" or "read". `run` is a sync run's id,
/// which a laptop sends with every request.
fn page_source(url: &str, token: &str, after: i64, run: Option<&str>) -> String {
    let mut request = reqwest::blocking::Client::new()
        .get(format!("{url}/api/v1/pull?after={after}&limit=40000"))
        .bearer_auth(token);
    if let Some(run) = run {
        request = request.header("x-bianmin-echo", run);
    }
    let response = request.send().unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let source = response.headers()["x-bianmin-page"].to_str().unwrap().to_string();
    source
}

/// The server keeps the full pages of the county's first pull and sends
/// them again to the next laptop's first pull. A laptop sent kept pages
/// ends with what the county holds, although rows in those pages changed
/// or went since: those come in later pages. Once the county has moved on
/// by thousands of revisions (an import), the pages are read again.
fn a_first_pull_sent_kept_pages_ends_with_what_the_county_holds(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_first_pull_sent_kept_pages") else {
        return;
    };
    let county = token(&db, "PT09", "county");
    let server = Server::start(&db);
    // The server reads the county's first page ahead when it starts; the
    // first look may come before it has, and then reads and keeps it.
    let first = page_source(&server.url, &county, 0, None);
    assert!(first == "kept" || first == "read", "{first}");
    assert_eq!(page_source(&server.url, &county, 0, None), "kept");
    let run = "0b8f6f2e-5a43-4c2b-9d59-1a2b3c4d5e6f";
    assert_eq!(page_source(&server.url, &county, 0, Some(run)), "kept", "to a sync run");
    for _ in 0..2 {
        assert_eq!(
            page_source(&server.url, &county, 500, None),
            "read",
            "a page no first pull reaches"
        );
    }
    let a = dir.path().join("a.db");
    ok(&sync(&a, &server.url, &county, &[]), "a's first pull");

    // Rows in the kept page change or go (a day's payments, a day's
    // cards), and one in the page after it (a station's name).
    for table in ["daily_payments", "daily_cards"] {
        let first = count(&db, &format!("SELECT min(rev) FROM {table}"));
        assert!(first <= 40_000, "{table}'s first row is in the kept page: {first}");
    }
    db.execute(
        "UPDATE daily_payments SET count = count + 7 WHERE rev = (SELECT min(rev) FROM daily_payments);
         DELETE FROM daily_cards WHERE rev = (SELECT min(rev) FROM daily_cards);
         UPDATE stations SET name = name || '（改）' WHERE rev = (SELECT min(rev) FROM stations);",
    );
    assert_eq!(page_source(&server.url, &county, 0, Some(run)), "kept");
    let b = dir.path().join("b.db");
    ok(&sync(&b, &server.url, &county, &[]), "b's first pull");
    let held = content(&db, ALL_STATIONS);
    assert!(held.iter().any(|row| row.contains("（改）")));
    assert_eq!(content(&b, ALL_STATIONS), held, "a first pull of kept pages");
    ok(&sync(&a, &server.url, &county, &[]), "a's next pull");
    assert_eq!(content(&a, ALL_STATIONS), held, "a pull after the changes");
    let cards = "SELECT count(*) FROM daily_cards";
    assert_eq!(count(&b, cards), count(&db, cards));

    // Thousands of revisions later the page is read again.
    db.execute("UPDATE daily_payments SET count = count + 1 WHERE rev IN (SELECT rev FROM daily_payments ORDER BY rev LIMIT 4100)");
    assert_eq!(page_source(&server.url, &county, 0, None), "read");
    assert_eq!(page_source(&server.url, &county, 0, None), "kept");
    let c = dir.path().join("c.db");
    ok(&sync(&c, &server.url, &county, &[]), "c's first pull");
    assert_eq!(content(&c, ALL_STATIONS), content(&db, ALL_STATIONS));
}

/// `serve --kept-pages-mb 0` keeps no page: every first pull reads.
#[test]
fn a_server_told_to_keep_no_pages_reads_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let db = county_db(Backend::Sqlite, dir.path(), "").unwrap();
    let county = token(&db, "PT09", "county");
    let server = Server::start_with(&db, &["--kept-pages-mb", "0"]);
    for _ in 0..3 {
        assert_eq!(page_source(&server.url, &county, 0, None), "read");
    }
}
