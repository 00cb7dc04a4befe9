//! The field, end to end with the real binary and a real server on
//! 127.0.0.1: a connected laptop computes its whole branch's figures
//! exactly as the county does, knows whose it is, keeps its connection,
//! follows stations that move, and never mixes the demo with real data.

mod sync_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use bianmin::store::Store;
use serde_json::Value;
use sync_support::*;

fn report_json(db: &Path, args: &[&str]) -> Value {
    let out = ok(
        &on_laptop(db)
            .args(["report", "--format", "json", "--db"])
            .arg(db)
            .args(args)
            .output()
            .unwrap(),
        "report",
    );
    serde_json::from_str(&out).unwrap()
}

/// Every branch, people and station figure of the laptop equals the
/// server's report of that branch, for last month and for this month at
/// the server's as-of.
fn assert_same_money(laptop: &Path, server_db: &Path, branch: &str) {
    for args in [
        &["--month", "2026-10"][..],
        &["--month", "2026-11", "--as-of", "2026-11-26"],
    ] {
        let on_laptop = report_json(laptop, args);
        let mut server_args = args.to_vec();
        server_args.extend(["--branch", branch]);
        let on_server = report_json(server_db, &server_args);
        assert_eq!(on_laptop, on_server, "{args:?}");
        assert!(!on_laptop["stations"].as_array().unwrap().is_empty());
    }
}

fn branch_of(db: &Path, person: &str) -> String {
    Store::open(db)
        .unwrap()
        .sql_for_tests()
        .query_row(
            "SELECT branch_id FROM branch_maintainers WHERE person_id = ?1
             UNION SELECT id FROM branches WHERE manager_id = ?1",
            [person],
            |r| r.get(0),
        )
        .unwrap()
}

fn note_add(laptop: &Path, station: &str, text: &str, extra: &[&str]) -> std::process::Output {
    on_laptop(laptop)
        .args([
            "note",
            "add",
            "--station",
            station,
            "--kind",
            "collection",
            "--text",
            text,
            "--db",
        ])
        .arg(laptop)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn a_maintainer_of_a_shared_branch_sees_the_countys_money_and_writes_as_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let token = token(&db, "W03", "maintainer");
    let server = Server::start(&db);
    let laptop = dir.path().join("w03.db");
    connect(&laptop, &server.url, &token);

    let branch = branch_of(&db, "W03");
    assert!(
        count(
            &db,
            &format!("SELECT count(*) FROM branch_maintainers WHERE branch_id = '{branch}'")
        ) > 1,
        "a branch of several maintainers"
    );
    assert_same_money(&laptop, &db, &branch);

    // The config holds the connection, for the owner alone.
    let config = std::fs::read_to_string(laptop_config(&laptop)).unwrap();
    assert!(
        config.contains(&token) && config.contains("person = \"W03\""),
        "{config}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(laptop_config(&laptop)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // A note without --as is W03's, reaches the server once after two syncs.
    let station = stations_of(&laptop, "W03")[0].clone();
    let uuid = ok(&note_add(&laptop, &station, "无需 --as", &[]), "note add")
        .trim()
        .to_string();
    sync_again(&laptop);
    sync_again(&laptop);
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM visit_notes WHERE uuid = '{uuid}' AND author_id = 'W03'")
        ),
        1
    );

    // --as cannot reach past the token: not the county, not a colleague.
    for other in ["county", "W01"] {
        for args in [&["report"][..], &[], &["note", "list"]] {
            let mut cmd = on_laptop(&laptop);
            cmd.args(["--db"]).arg(&laptop).args(["--as", other]).args(args);
            if args.first() == Some(&"note") {
                // note list reads whatever --as says; note add is the check.
                continue;
            }
            let out = cmd.output().unwrap();
            assert_eq!(out.status.code(), Some(2), "--as {other} {args:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("W03") && err.contains(other), "{err}");
        }
        let out = note_add(&laptop, &station, "冒名", &["--as", other]);
        assert_eq!(out.status.code(), Some(2));
    }
    // Its own stations are its own; the branch's others are read-only.
    let sibling: String = Store::open(&laptop)
        .unwrap()
        .sql_for_tests()
        .query_row(
            "SELECT id FROM stations WHERE maintainer_id <> 'W03' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // A note for a colleague's station is refused on the laptop, before
    // anything is written that the server would refuse.
    let out = note_add(&laptop, &sibling, "别人的站", &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&sibling) && err.contains("W03"), "{err}");
    assert_eq!(
        count(&laptop, "SELECT count(*) FROM visit_notes WHERE body = '别人的站'"),
        0
    );
    let out = sync_again(&laptop);
    assert!(!out.contains("refused"), "{out}");
}

#[test]
fn a_manager_and_a_county_clerk_see_the_countys_money_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let branch = branch_of(&db, "W03");
    let manager: String = Store::open(&db)
        .unwrap()
        .sql_for_tests()
        .query_row("SELECT manager_id FROM branches WHERE id = ?1", [&branch], |r| r.get(0))
        .unwrap();
    let manager_token = token(&db, &manager, "manager");
    let county_token = token(&db, "PT01", "county");
    let server = Server::start(&db);

    let m = dir.path().join("manager.db");
    connect(&m, &server.url, &manager_token);
    assert_same_money(&m, &db, &branch);
    // The same heading, the demo's mark included: the server holds the demo.
    let heading = |file: &Path| {
        let out = ok(
            &on_laptop(file)
                .args(["report", "--month", "2026-10", "--db"])
                .arg(file)
                .output()
                .unwrap(),
            "report",
        );
        out.lines().next().unwrap_or_default().to_string()
    };
    assert!(heading(&db).ends_with("[demo data]"), "{}", heading(&db));
    assert_eq!(heading(&m), heading(&db));
    // A manager may look as a maintainer of their branch, not as the county.
    let out = on_laptop(&m)
        .args(["report", "--as", "W03", "--db"])
        .arg(&m)
        .output()
        .unwrap();
    ok(&out, "report --as a maintainer of the branch");
    let out = on_laptop(&m)
        .args(["report", "--as", "county", "--db"])
        .arg(&m)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let station = stations_of(&m, "W03")[0].clone();
    let uuid = ok(&note_add(&m, &station, "支局长走访", &[]), "manager's note")
        .trim()
        .to_string();
    sync_again(&m);
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM visit_notes WHERE uuid = '{uuid}' AND author_id = '{manager}'")
        ),
        1
    );

    let c = dir.path().join("county.db");
    connect(&c, &server.url, &county_token);
    for args in [
        &["--month", "2026-10"][..],
        &["--month", "2026-11", "--as-of", "2026-11-26"],
    ] {
        assert_eq!(report_json(&c, args), report_json(&db, args), "{args:?}");
    }
    let uuid = ok(&note_add(&c, &station, "县局抽查", &[]), "county's note")
        .trim()
        .to_string();
    sync_again(&c);
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM visit_notes WHERE uuid = '{uuid}' AND author_id = 'PT01'")
        ),
        1
    );
    // The manager's laptop receives the county clerk's note, and the clerk.
    sync_again(&m);
    assert_eq!(
        count(&m, &format!("SELECT count(*) FROM visit_notes WHERE uuid = '{uuid}'")),
        1
    );
    assert_intact(&m);
}

#[test]
fn a_station_moved_to_another_maintainer_follows_them_and_a_waiting_note_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let w01 = token(&db, "W01", "maintainer");
    let w02 = token(&db, "W02", "maintainer");
    let server = Server::start(&db);
    let (a, b) = (dir.path().join("w01.db"), dir.path().join("w02.db"));
    connect(&a, &server.url, &w01);
    connect(&b, &server.url, &w02);
    let moved = stations_of(&db, "W01")[0].clone();
    assert!(
        count(
            &a,
            &format!("SELECT count(*) FROM visit_notes WHERE station_id = '{moved}'")
        ) > 0
    );

    // W01 writes about it offline; meanwhile the county gives it to W02.
    ok(&note_add(&a, &moved, "交接前写的", &[]), "note add");
    Store::open(&db)
        .unwrap()
        .sql_for_tests()
        .execute("UPDATE stations SET maintainer_id = 'W02' WHERE id = ?1", [&moved])
        .unwrap();

    let out = sync_again(&a);
    assert!(
        out.contains("refused") && out.contains(&moved),
        "the refusal is shown: {out}"
    );
    assert!(!stations_of(&a, "W01").contains(&moved), "no longer W01's");
    assert_eq!(
        count(
            &a,
            &format!("SELECT count(*) FROM visit_notes WHERE station_id = '{moved}'")
        ),
        0,
        "its notes went with it"
    );
    assert_eq!(
        count(&a, &format!("SELECT count(*) FROM stations WHERE id = '{moved}'")),
        1,
        "still in the branch's figures"
    );
    // The refused note is kept, with its text and the reason.
    let list = ok(
        &on_laptop(&a)
            .args(["note", "list", "--format", "json", "--db"])
            .arg(&a)
            .output()
            .unwrap(),
        "note list",
    );
    let notes: Vec<Value> = serde_json::from_str(&list).unwrap();
    let refused = notes.iter().find(|n| n["body"] == "交接前写的").expect("kept");
    assert_eq!(refused["sync"]["state"], "rejected");
    assert!(refused["sync"]["reason"]
        .as_str()
        .unwrap()
        .contains("outside the scope"));

    sync_again(&b);
    assert!(stations_of(&b, "W02").contains(&moved));
    assert_eq!(
        count(
            &b,
            &format!("SELECT count(*) FROM visit_notes WHERE station_id = '{moved}'")
        ),
        count(
            &db,
            &format!("SELECT count(*) FROM visit_notes WHERE station_id = '{moved}'")
        ),
        "W02 has its notes"
    );

    // To another branch: gone from W01's laptop, figures and all.
    let away = stations_of(&db, "W01")[0].clone();
    Store::open(&db)
        .unwrap()
        .sql_for_tests()
        .execute(
            "UPDATE stations SET branch_id = (SELECT branch_id FROM branch_maintainers WHERE person_id = 'W04'),
                 maintainer_id = 'W04' WHERE id = ?1",
            [&away],
        )
        .unwrap();
    sync_again(&a);
    for table in ["stations", "daily_payments", "daily_cards", "visit_notes"] {
        let column = if table == "stations" { "id" } else { "station_id" };
        assert_eq!(
            count(&a, &format!("SELECT count(*) FROM {table} WHERE {column} = '{away}'")),
            0,
            "{table}"
        );
    }
    assert_intact(&a);
    assert_same_money(&a, &db, &branch_of(&db, "W01"));
}

#[test]
fn the_demo_then_connect_path_never_mixes_and_strands_nothing() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data/bianmin");
    let config = home.path().join("config/bianmin/config.toml");
    let user = || {
        let mut cmd = Command::new(BIN);
        cmd.env_remove("BIANMIN_DB")
            .env_remove("BIANMIN_CONFIG")
            .env_remove("BIANMIN_TOKEN")
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd
    };
    // First run: the demo, in its own file.
    ok(&user().output().unwrap(), "first run");
    let demo = data.join("demo.db");
    assert!(demo.exists());
    let station: String = Store::open(&demo)
        .unwrap()
        .sql_for_tests()
        .query_row("SELECT id FROM stations WHERE maintainer_id = 'W01' LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    ok(
        &user()
            .args([
                "note",
                "add",
                "--station",
                &station,
                "--kind",
                "other",
                "--text",
                "演示里的",
                "--as",
                "W01",
            ])
            .output()
            .unwrap(),
        "a note in the demo",
    );
    assert_eq!(
        count(&demo, "SELECT count(*) FROM outbox"),
        0,
        "nothing waits in the demo"
    );

    // Connect: the real database is made beside the demo and filled.
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let token = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let out = user()
        .env("BIANMIN_TOKEN", &token)
        .args(["sync", "--server", &server.url])
        .output()
        .unwrap();
    ok(&out, "connect");
    let real: PathBuf = data.join("bianmin.db");
    assert!(real.exists());
    assert!(std::fs::read_to_string(&config).unwrap().contains(&token));
    assert_eq!(
        count(&real, "SELECT count(*) FROM visit_notes WHERE body = '演示里的'"),
        0
    );

    // From then on everything opens the real one, and sync needs nothing.
    ok(&user().args(["sync"]).output().unwrap(), "sync with no flags");
    let listed = ok(
        &user().args(["note", "list", "--format", "json"]).output().unwrap(),
        "note list",
    );
    let notes: Vec<Value> = serde_json::from_str(&listed).unwrap();
    assert!(!notes.is_empty() && notes.iter().all(|n| n["body"] != "演示里的"));
    let uuid = ok(
        &user()
            .args([
                "note",
                "add",
                "--station",
                &station,
                "--kind",
                "other",
                "--text",
                "真的",
            ])
            .output()
            .unwrap(),
        "a real note",
    )
    .trim()
    .to_string();
    ok(&user().args(["sync"]).output().unwrap(), "send it");
    assert_eq!(
        count(&db, &format!("SELECT count(*) FROM visit_notes WHERE uuid = '{uuid}'")),
        1
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM visit_notes WHERE body = '演示里的'"),
        0
    );
}

#[test]
fn the_token_is_asked_for_at_a_prompt_that_does_not_show_it() {
    #[path = "pty_support/mod.rs"]
    mod pty_support;
    use pty_support::*;

    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let token = token(&db, "W01", "maintainer");
    let server = Server::start(&db);
    let laptop = dir.path().join("laptop.db");
    let done = dir.path().join("exit-status");
    let session = format!("bianmin-token-{}", std::process::id());
    let command = format!(
        "BIANMIN_CONFIG={} {BIN} sync --server {} --db {}; echo $? > {}; sleep 30",
        laptop_config(&laptop).display(),
        server.url,
        laptop.display(),
        done.display()
    );
    tmux(&["new-session", "-d", "-s", &session, "-x", "120", "-y", "20", &command]);
    let _guard = Session(session.clone());
    wait_for(&session, "not shown as you type");
    wait_for_hidden_input(&session);
    tmux(&["send-keys", "-t", &session, "-l", &token]);
    tmux(&["send-keys", "-t", &session, "Enter"]);
    let screen = wait_for(&session, "synced with");
    assert!(!screen.contains(&token[3..20]), "the token was shown:\n{screen}");
    assert_eq!(wait_for_file(&done).trim(), "0");
    assert!(std::fs::read_to_string(laptop_config(&laptop))
        .unwrap()
        .contains(&token));
}

#[test]
fn the_countys_policy_plans_and_station_dates_reach_the_laptop() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    let token = token(&db, "W01", "maintainer");
    let policy = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policies/generous.toml");
    // The county runs its server under its own policy file.
    let server = Server::start_with(&db, &["--policy", policy.to_str().unwrap()]);
    let laptop = dir.path().join("w01.db");
    connect(&laptop, &server.url, &token);

    // The laptop evaluates under the county's policy, as the server's own
    // report does (the server keeps the policy in its database), and the
    // figures are not the built-in policy's.
    let branch = branch_of(&db, "W01");
    assert_same_money(&laptop, &db, &branch);
    let dezhou = dir.path().join("dezhou.db");
    std::fs::copy(&db, &dezhou).unwrap();
    Store::open(&dezhou)
        .unwrap()
        .sql_for_tests()
        .execute("DELETE FROM meta WHERE key IN ('policy_text', 'policy_origin')", [])
        .unwrap();
    assert_ne!(
        report_json(&laptop, &["--month", "2026-10"]),
        report_json(&dezhou, &["--month", "2026-10", "--branch", &branch]),
        "the county's policy changes the money"
    );

    // R15's plans and sales and R16's dates of the branch's stations.
    let in_branch = format!("SELECT id FROM stations WHERE branch_id = '{branch}'");
    for (table, column) in [
        ("station_plans", "station_id"),
        ("distribution_sales", "station_id"),
        ("stations", "id"),
    ] {
        let sql = format!("SELECT count(*) FROM {table} WHERE {column} IN ({in_branch})");
        assert_eq!(count(&laptop, &sql), count(&db, &sql), "{table}");
    }
    let dated = format!("SELECT count(*) FROM stations WHERE installed_on IS NOT NULL AND id IN ({in_branch})");
    assert_eq!(count(&laptop, &dated), count(&db, &dated));
    assert!(
        count(
            &db,
            &format!("SELECT count(*) FROM station_plans WHERE station_id IN ({in_branch})")
        ) > 0
    );
}
