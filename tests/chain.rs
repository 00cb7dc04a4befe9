//! Sign-offs for the whole payout chain, end to end with the real binary
//! and a real server on 127.0.0.1 (issue 10, item 3): branch sheets signed
//! on the manager's and a maintainer's laptops and seen by the county and
//! the branch; a station's dispute raised on a laptop, resolved on the
//! server, seen on the laptop, disputed again and resolved anew from a
//! county clerk's laptop; only the county resolves; the payments file
//! holds the unresolved and pays the corrected figure.

mod sync_support;

use std::path::Path;

use bianmin::store::Store;
use rust_decimal::Decimal;
use serde_json::Value;
use sync_support::*;

const MONTH: &str = "2026-10";

fn run(laptop: &Path, args: &[&str]) -> std::process::Output {
    on_laptop(laptop)
        .args(["--lang", "en"])
        .args(args)
        .arg("--db")
        .arg(laptop)
        .output()
        .unwrap()
}

fn refused(out: &std::process::Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The one value a query gives, on either backend.
fn one<D: Db + ?Sized>(db: &D, sql: &str) -> String {
    let values = db.strings_of(sql);
    assert_eq!(values.len(), 1, "{sql}: {values:?}");
    values[0].clone()
}

fn branch_of<D: Db + ?Sized>(db: &D, person: &str) -> String {
    one(
        db,
        &format!("SELECT branch_id FROM branch_maintainers WHERE person_id = '{person}' ORDER BY branch_id LIMIT 1"),
    )
}

fn manager_of<D: Db + ?Sized>(db: &D, branch: &str) -> String {
    one(db, &format!("SELECT manager_id FROM branches WHERE id = '{branch}'"))
}

/// `bianmin signoff station S --month M --dispute REASON` on a laptop.
fn dispute_statement(laptop: &Path, station: &str, reason: &str) -> std::process::Output {
    run(
        laptop,
        &["signoff", "station", station, "--month", MONTH, "--dispute", reason],
    )
}

fn queue(db: &Path) -> Vec<Value> {
    let out = ok(
        &run(db, &["dispute", "list", "--month", MONTH, "--format", "json"]),
        "dispute list",
    );
    serde_json::from_str(&out).unwrap()
}

fn the_manager_and_a_maintainer_sign_their_sheet_on_their_laptops_and_the_county_sees_both(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "the_manager_and_a_maintainer_s") else {
        return;
    };
    let branch = branch_of(&db, "W03");
    let manager = manager_of(&db, &branch);
    // The demo's sheets are signed already: start this branch's afresh.
    db.execute(&format!("DELETE FROM branch_signoffs WHERE branch_id = '{branch}'"));
    let colleague = one(
        &db,
        &format!(
            "SELECT person_id FROM branch_maintainers WHERE branch_id = '{branch}' AND person_id <> 'W03'
             ORDER BY person_id LIMIT 1"
        ),
    );
    let (w03, m, other, clerk) = (
        token(&db, "W03", "maintainer"),
        token(&db, &manager, "manager"),
        token(&db, &colleague, "maintainer"),
        token(&db, "PT01", "county"),
    );
    let server = Server::start(&db);
    let (a, b, c, k) = (
        dir.path().join("w03.db"),
        dir.path().join("manager.db"),
        dir.path().join("colleague.db"),
        dir.path().join("county.db"),
    );
    for (laptop, t) in [(&a, &w03), (&b, &m), (&c, &other), (&k, &clerk)] {
        connect(laptop, &server.url, t);
    }

    // The maintainer signs (the branch is the one sheet they are on); the
    // manager disputes, then signs.
    let uuid = ok(&run(&a, &["signoff", "branch", "--month", MONTH]), "maintainer signs");
    assert_eq!(uuid.trim().len(), 36);
    let said = String::from_utf8_lossy(&run(&a, &["signoff", "branch", "--month", MONTH]).stderr).into_owned();
    assert!(
        said.contains(&format!("the sheet of branch {branch} (maintainer)")),
        "{said}"
    );
    ok(
        &run(
            &b,
            &[
                "signoff",
                "branch",
                "--branch",
                &branch,
                "--month",
                MONTH,
                "--dispute",
                "扣罚多算",
            ],
        ),
        "manager disputes",
    );
    ok(
        &run(&b, &["signoff", "branch", "--branch", &branch, "--month", MONTH]),
        "manager signs",
    );
    sync_again(&a);
    sync_again(&b);

    let signed_sql = format!(
        "SELECT count(*) FROM branch_signoffs WHERE branch_id = '{branch}' AND month = '{MONTH}'
           AND outcome = 'signed' AND author_id IN ('W03', '{manager}')"
    );
    let signed = |db: &dyn Db| count(db, &signed_sql);
    assert_eq!(signed(&db), 2, "on the server");
    sync_again(&k);
    assert_eq!(signed(&k), 2, "the county's laptop sees both");
    sync_again(&c);
    assert_eq!(signed(&c), 2, "and so does every laptop of the branch");
    assert_eq!(
        count(
            &c,
            &format!("SELECT count(*) FROM branch_signoffs WHERE branch_id <> '{branch}'")
        ),
        0,
        "but no other branch's sheets"
    );
    assert_eq!(
        count(
            &db,
            &format!("SELECT version FROM branch_signoffs WHERE author_id = '{manager}' AND month = '{MONTH}'")
        ),
        2,
        "the manager's second decision is a new version of one record"
    );
    // The county's status counts the branch's signers: two signed, the
    // rest of the branch's maintainers not yet.
    let status = ok(
        &run(&k, &["payout", "status", "--month", MONTH, "--date", "2026-11-27"]),
        "payout status",
    );
    let line = status.lines().find(|l| l.starts_with("branch_sheets_signed")).unwrap();
    assert!(line.contains("overdue 15 d"), "{line}");
    assert_intact(&k);
    assert_intact(&c);

    // W03 moves to another branch, with their stations: the old branch's
    // sheets leave their laptop at the next sync.
    let moved_to = one(
        &db,
        &format!("SELECT id FROM branches WHERE id <> '{branch}' ORDER BY id LIMIT 1"),
    );
    db.execute(&format!(
        "UPDATE stations SET branch_id = '{moved_to}' WHERE maintainer_id = 'W03'"
    ));
    db.execute(&format!(
        "UPDATE branch_maintainers SET branch_id = '{moved_to}' WHERE person_id = 'W03'"
    ));
    sync_again(&a);
    assert_eq!(
        count(
            &a,
            &format!("SELECT count(*) FROM branch_signoffs WHERE branch_id = '{branch}'")
        ),
        0
    );
    assert!(
        count(
            &a,
            &format!("SELECT count(*) FROM branch_signoffs WHERE branch_id = '{moved_to}'")
        ) > 0
    );
    assert_intact(&a);
}

fn a_maintainer_cannot_sign_as_the_manager_nor_another_branchs_sheet(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_maintainer_cannot_sign_as_th") else {
        return;
    };
    let w03 = token(&db, "W03", "maintainer");
    let server = Server::start(&db);
    let laptop = dir.path().join("w03.db");
    connect(&laptop, &server.url, &w03);
    let branch = branch_of(&db, "W03");

    let err = refused(&run(
        &laptop,
        &["signoff", "branch", "--role", "manager", "--month", MONTH],
    ));
    assert!(
        err.contains(&format!("W03 is not the manager of branch {branch}")),
        "{err}"
    );
    let other = one(
        &db,
        &format!("SELECT id FROM branches WHERE id <> '{branch}' ORDER BY id LIMIT 1"),
    );
    let err = refused(&run(
        &laptop,
        &["signoff", "branch", "--branch", &other, "--month", MONTH],
    ));
    assert!(err.contains(&other), "{err}");
    // Nor in the manager's name (--as cannot reach past the token).
    let manager = manager_of(&db, &branch);
    let err = refused(&run(
        &laptop,
        &["--as", &manager, "signoff", "branch", "--month", MONTH],
    ));
    assert!(err.contains("W03"), "{err}");
    // Nothing waits to be sent, and a dispute needs its reason.
    let err = refused(&run(
        &laptop,
        &["signoff", "branch", "--month", MONTH, "--dispute", " "],
    ));
    assert!(err.contains("reason"), "{err}");
    assert_eq!(count(&laptop, "SELECT count(*) FROM outbox"), 0);
    // This month is not over: its sheet is not signed yet.
    let err = refused(&run(&laptop, &["signoff", "branch", "--month", "2026-11"]));
    assert!(err.contains("2026-11 is not over"), "{err}");
}

#[test]
fn a_station_dispute_goes_to_the_county_and_its_resolution_comes_back_to_the_laptop() {
    let dir = tempfile::tempdir().unwrap();
    let db = server_db(dir.path());
    // An unsigned station with a green card and its invoice in: only its
    // dispute can hold it back. Its maintainer raises the dispute.
    let (station, maintainer): (String, String) = Store::open(&db)
        .unwrap()
        .sql_for_tests()
        .query_row(
            "SELECT s.id, s.maintainer_id FROM stations s
               JOIN invoices i ON i.station_id = s.id AND i.month = ?1 AND i.received
             WHERE s.has_green_card AND s.id NOT IN (SELECT station_id FROM signoffs WHERE month = ?1)
             ORDER BY s.id LIMIT 1",
            [MONTH],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let w = token(&db, &maintainer, "maintainer");
    let manager = manager_of(&db, &branch_of(&db, &maintainer));
    let m = token(&db, &manager, "manager");
    let clerk = token(&db, "PT01", "county");
    let server = Server::start(&db);
    let (laptop, county, mgr) = (
        dir.path().join("maintainer.db"),
        dir.path().join("county.db"),
        dir.path().join("manager.db"),
    );
    connect(&laptop, &server.url, &w);
    connect(&county, &server.url, &clerk);
    connect(&mgr, &server.url, &m);
    let payments = |db: &Path| -> (Vec<Vec<String>>, String) {
        let out = run(db, &["export", "payments", "--month", MONTH, "--encoding", "utf8"]);
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        let text = ok(&out, "export payments");
        let rows = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(String::from).collect())
            .collect();
        (rows, said)
    };
    let row_of = |rows: &[Vec<String>], id: &str| rows.iter().find(|r| r[0] == id).unwrap().clone();

    // Raised on the laptop (the dashboard's `d` writes the same record).
    let dispute = ok(
        &dispute_statement(&laptop, &station, "电费少算3笔"),
        "signoff --dispute",
    )
    .trim()
    .to_string();
    sync_again(&laptop);

    // The county's queue on the server: open, with the computed figure.
    let server_queue = queue(&db);
    let entry = server_queue
        .iter()
        .find(|e| e["uuid"] == dispute.as_str())
        .expect("in the queue");
    assert_eq!(entry["open"], true);
    assert_eq!(entry["kind"], "station");
    assert_eq!(entry["raised_by"], maintainer.as_str());
    assert_eq!(entry["reason"], "电费少算3笔");
    assert!(
        server_queue.iter().take_while(|e| e["open"] == true).count() >= 1,
        "open ones first"
    );
    let computed = entry["computed_fen"].as_i64().unwrap();
    let table = ok(&run(&db, &["dispute", "list", "--month", MONTH]), "dispute list table");
    let line = table.lines().find(|l| l.contains(&station)).unwrap();
    assert!(line.contains("电费少算3笔") && line.contains("open"), "{line}");
    // Unresolved: held back, with the reason.
    let (rows, _) = payments(&db);
    assert_eq!(
        row_of(&rows, &station)[5..7],
        ["hold".to_string(), "disputed".to_string()]
    );

    // Only the county resolves it: not the manager (whose laptop sees the
    // dispute), not on the server's database as the manager.
    sync_again(&mgr);
    let err = refused(&run(
        &mgr,
        &["dispute", "resolve", &dispute, "--reject", "--reason", "不行"],
    ));
    assert!(err.contains("only the county"), "{err}");
    let err = refused(&run(
        &db,
        &[
            "--as", &manager, "dispute", "resolve", &dispute, "--reject", "--reason", "不行",
        ],
    ));
    assert!(err.contains("only the county"), "{err}");

    // Resolved on the server's own database: accepted at a corrected figure.
    let corrected = computed + 123;
    let amount = format!("{}", Decimal::new(corrected, 2));
    ok(
        &run(
            &db,
            &[
                "--as",
                "PT01",
                "dispute",
                "resolve",
                &dispute[..8],
                "--accept",
                "--amount",
                &amount,
                "--reason",
                "核实后补3笔",
            ],
        ),
        "dispute resolve on the server",
    );
    let (rows, said) = payments(&db);
    let row = row_of(&rows, &station);
    assert_eq!((row[4].as_str(), row[5].as_str()), (amount.as_str(), "pay"), "{row:?}");
    assert!(row[6].contains("corrected by the county") && row[6].contains(&format!("{}", Decimal::new(computed, 2))));
    assert!(said.contains("the county's corrections 1.23"), "{said}");
    // Paid plus held is what the summary says: the month's rewards plus the correction.
    let sum: Decimal = rows.iter().map(|r| r[4].parse::<Decimal>().unwrap()).sum();
    assert!(said.contains(&format!("total {sum:.2}")), "{said}");

    // The resolution is on the raising laptop after its next sync.
    sync_again(&laptop);
    let mine = queue(&laptop);
    let entry = mine.iter().find(|e| e["uuid"] == dispute.as_str()).unwrap();
    assert_eq!(entry["open"], false);
    assert_eq!(entry["resolution"]["outcome"], "accepted");
    assert_eq!(entry["resolution"]["corrected_fen"], corrected);
    assert_eq!(entry["resolution"]["author_id"], "PT01");

    // The station disputes again: open again, and the county clerk
    // rejects it from their laptop, whence it syncs back.
    ok(&dispute_statement(&laptop, &station, "仍少算1笔"), "dispute again");
    sync_again(&laptop);
    sync_again(&county);
    let entry = queue(&county)
        .into_iter()
        .find(|e| e["uuid"] == dispute.as_str())
        .unwrap();
    assert_eq!(
        (entry["open"].clone(), entry["reopened"].clone()),
        (Value::Bool(true), Value::Bool(true))
    );
    let (rows, _) = payments(&db);
    assert_eq!(row_of(&rows, &station)[5], "hold", "disputed again: held again");
    ok(
        &run(
            &county,
            &["dispute", "resolve", &dispute, "--reject", "--reason", "台账核对无误"],
        ),
        "resolve on the clerk's laptop",
    );
    sync_again(&county);
    sync_again(&laptop);
    let entry = queue(&laptop)
        .into_iter()
        .find(|e| e["uuid"] == dispute.as_str())
        .unwrap();
    assert_eq!(entry["open"], false);
    assert_eq!(entry["resolution"]["outcome"], "rejected");
    assert_eq!(entry["resolution"]["version"], 2, "one resolution per dispute");
    assert_eq!(entry["resolution"]["editor_id"], "PT01");
    let (rows, _) = payments(&db);
    let row = row_of(&rows, &station);
    assert_eq!(
        row[4],
        format!("{}", Decimal::new(computed, 2)),
        "rejected: the computed figure"
    );
    assert_eq!(row[5], "pay");
    assert_intact(&laptop);
    assert_intact(&county);
}

fn a_sheet_signed_on_two_laptops_of_one_person_is_one_record_and_the_later_decision_stands(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_sheet_signed_on_two_laptops_") else {
        return;
    };
    let branch = branch_of(&db, "W03");
    db.execute(&format!("DELETE FROM branch_signoffs WHERE branch_id = '{branch}'"));
    let w03 = token(&db, "W03", "maintainer");
    let server = Server::start(&db);
    let (a, b) = (dir.path().join("desk.db"), dir.path().join("field.db"));
    connect(&a, &server.url, &w03);
    connect(&b, &server.url, &w03);

    // Offline, on each laptop: signed on one, disputed later on the other.
    ok(&run(&a, &["signoff", "branch", "--month", MONTH]), "sign on a");
    ok(
        &run(&b, &["signoff", "branch", "--month", MONTH, "--dispute", "扣罚多算"]),
        "dispute on b",
    );
    sync_again(&a);
    // b's record is refused (the sheet is signed under a's), and the pull
    // folds b's later decision into the server's record, to send it again.
    let out = sync_again(&b);
    assert!(out.contains("refused"), "{out}");
    sync_again(&b);
    sync_again(&a);
    let mine = format!(
        "SELECT count(*) FROM branch_signoffs WHERE branch_id = '{branch}' AND month = '{MONTH}' AND author_id = 'W03'"
    );
    assert_eq!(count(&db, &mine), 1, "on the server");
    assert_eq!(
        count(&db, &format!("{mine} AND outcome = 'disputed'")),
        1,
        "the later decision stands on the server"
    );
    for laptop in [&a, &b] {
        assert_eq!(count(laptop, &mine), 1, "{}", laptop.display());
        assert_eq!(
            count(laptop, &format!("{mine} AND outcome = 'disputed'")),
            1,
            "the later decision stands on {}",
            laptop.display()
        );
    }
    let refused_now = "SELECT count(*) FROM outbox o WHERE o.rejected_at IS NOT NULL
                         AND o.id = (SELECT max(id) FROM outbox WHERE record_uuid = o.record_uuid)";
    assert_eq!(
        count(&b, refused_now),
        0,
        "nothing is left refused: the decision went through"
    );
    assert_eq!(
        count(
            &b,
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND rejected_at IS NULL"
        ),
        0
    );
    assert_intact(&b);
}

/// A station's dispute raised on the maintainer's laptop and resolved
/// from a county clerk's laptop, through the server alone (on PostgreSQL
/// the county's commands on the database itself do not resolve): the
/// resolution reaches the server and comes back to the laptop that raised
/// the dispute; a second resolution of the same dispute from another
/// record is refused.
fn a_dispute_resolved_on_the_county_laptop_comes_back_to_the_laptop_that_raised_it(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = county_db(backend, dir.path(), "a_dispute_resolved_on_the_coun") else {
        return;
    };
    let unsigned = format!(
        "FROM stations WHERE id NOT IN (SELECT station_id FROM signoffs WHERE month = '{MONTH}') ORDER BY id LIMIT 1"
    );
    let station = one(&db, &format!("SELECT id {unsigned}"));
    let maintainer = one(&db, &format!("SELECT maintainer_id {unsigned}"));
    let (w, clerk) = (token(&db, &maintainer, "maintainer"), token(&db, "PT01", "county"));
    let server = Server::start(&db);
    let (laptop, county, second_clerk) = (
        dir.path().join("maintainer.db"),
        dir.path().join("county.db"),
        dir.path().join("county-2.db"),
    );
    connect(&laptop, &server.url, &w);
    connect(&county, &server.url, &clerk);
    connect(&second_clerk, &server.url, &clerk);

    ok(&dispute_statement(&laptop, &station, "少算了电费笔数"), "dispute");
    sync_again(&laptop);
    sync_again(&county);
    sync_again(&second_clerk);
    let open = queue(&county);
    let dispute = open
        .iter()
        .find(|d| d["station_id"] == station.as_str())
        .unwrap_or_else(|| panic!("{open:?}"));
    let uuid = dispute["uuid"].as_str().unwrap().to_string();
    ok(
        &run(
            &county,
            &[
                "dispute",
                "resolve",
                &uuid,
                "--accept",
                "--amount",
                "88.80",
                "--reason",
                "核实属实",
            ],
        ),
        "resolve on the county laptop",
    );
    // Meanwhile another clerk's laptop resolves the same dispute offline.
    ok(
        &run(
            &second_clerk,
            &["dispute", "resolve", &uuid, "--reject", "--reason", "不予调整"],
        ),
        "resolve on a second laptop",
    );
    sync_again(&county);
    let resolved = format!(
        "SELECT count(*) FROM resolutions WHERE signoff_uuid = '{uuid}' AND outcome = 'accepted' AND corrected_fen = 8880"
    );
    assert_eq!(count(&db, &resolved), 1, "on the server");
    let out = sync_again(&second_clerk);
    assert!(out.contains("refused"), "one resolution per dispute: {out}");
    assert_eq!(count(&db, "SELECT count(*) FROM resolutions WHERE signoff_uuid IN (SELECT signoff_uuid FROM resolutions GROUP BY signoff_uuid HAVING count(*) > 1)"), 0);
    sync_again(&laptop);
    assert_eq!(count(&laptop, &resolved), 1, "back on the laptop that raised it");
    assert_intact(&laptop);
    assert_intact(&county);
}

on_both!(
    the_manager_and_a_maintainer_sign_their_sheet_on_their_laptops_and_the_county_sees_both,
    a_maintainer_cannot_sign_as_the_manager_nor_another_branchs_sheet,
    a_sheet_signed_on_two_laptops_of_one_person_is_one_record_and_the_later_decision_stands,
    a_dispute_resolved_on_the_county_laptop_comes_back_to_the_laptop_that_raised_it,
);
