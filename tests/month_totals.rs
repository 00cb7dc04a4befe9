//! Month totals (migration 0010) stay equal to the daily facts they sum,
//! whoever writes the days, and a month read from them is the month summed
//! from its days (issue 14).

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use proptest::prelude::*;
use rusqlite::params;

use bianmin::month::Month;
use bianmin::policy::{CardCounts, Policy};
use bianmin::store::facts::BranchScope;
use bianmin::store::Store;

const STATIONS: [&str; 3] = ["S1", "S2", "S3"];
const CATEGORIES: [&str; 3] = ["mobile", "unicom", "other"];
const KINDS: [&str; 2] = ["huinongtong", "finance_leads"];

fn county() -> Store {
    let store = Store::open_in_memory().unwrap();
    store
        .sql_for_tests()
        .execute_batch(
            "INSERT INTO people (id, name) VALUES ('M1', 'M'), ('W1', 'W');
             INSERT INTO branches (id, name, kind, manager_id) VALUES ('B1', 'B', 'rural', 'M1');
             INSERT INTO branch_maintainers (branch_id, person_id) VALUES ('B1', 'W1');
             INSERT INTO stations (id, name, kind, branch_id, maintainer_id)
                 VALUES ('S1', 'a', 'rural', 'B1', 'W1'), ('S2', 'b', 'rural', 'B1', 'W1'),
                        ('S3', 'c', 'rural', 'B1', 'W1');",
        )
        .unwrap();
    store
}

/// Days over three months, so moves and deletes cross a month's edge.
fn day(n: u8) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 25).unwrap() + chrono::Days::new(u64::from(n))
}

/// One write of daily facts, as the writers of bianmin make them.
#[derive(Debug, Clone)]
enum Write {
    /// An import's or the demo's adding upsert (`Store::add_daily_payment`).
    AddPayment(u8, u8, u8, u64, i64),
    /// Card counts set for a day (imports: the cap recomputed).
    SetCards(u8, u8, u64, u64),
    AddReferrals(u8, u8, u8, u64),
    /// A pulled row replaces the day's figure (the laptop's sync apply).
    PulledPayment(u8, u8, u8, u64, i64),
    /// A deletion: a pulled tombstone, a sweep, the demo's reshaping.
    DeletePayments(u8, u8),
    DeleteCards(u8, u8),
    DeleteReferrals(u8, u8),
    /// A day moved to another day (a sqlite3 session's correction).
    MovePayments(u8, u8),
    MoveCards(u8, u8),
    /// `bianmin import payments` of a file: (station, day, category, fen,
    /// reversed) a line. Ids repeat across files (duplicates, kept once)
    /// and a reversed line takes back what an earlier file counted.
    ImportPayments(Vec<(u8, u8, u8, i64, bool)>),
}

fn write() -> impl Strategy<Value = Write> {
    let s = 0u8..3;
    let d = 0u8..70;
    prop_oneof![
        (s.clone(), d.clone(), 0u8..3, 0u64..5, 0i64..100_000)
            .prop_map(|(s, d, c, n, f)| Write::AddPayment(s, d, c, n, f)),
        (s.clone(), d.clone(), 0u64..4, 0u64..4).prop_map(|(s, d, a, b)| Write::SetCards(s, d, a.max(b), a.min(b))),
        (s.clone(), d.clone(), 0u8..2, 0u64..4).prop_map(|(s, d, k, n)| Write::AddReferrals(s, d, k, n)),
        (s.clone(), d.clone(), 0u8..3, 0u64..5, 0i64..100_000)
            .prop_map(|(s, d, c, n, f)| Write::PulledPayment(s, d, c, n, f)),
        (s.clone(), d.clone()).prop_map(|(s, d)| Write::DeletePayments(s, d)),
        (s.clone(), d.clone()).prop_map(|(s, d)| Write::DeleteCards(s, d)),
        (s.clone(), d.clone()).prop_map(|(s, d)| Write::DeleteReferrals(s, d)),
        (s.clone(), d.clone()).prop_map(|(s, d)| Write::MovePayments(s, d)),
        (s.clone(), d.clone()).prop_map(|(s, d)| Write::MoveCards(s, d)),
        proptest::collection::vec((s, d, 0u8..3, 1i64..10_000, proptest::bool::weighted(0.15)), 1..12)
            .prop_map(Write::ImportPayments),
    ]
}

/// The business types the import maps to `CATEGORIES` (Dezhou 2012).
const BUSINESS_TYPES: [&str; 3] = ["移动话费", "联通", "其他"];

fn import_payments(store: &Store, lines: &[(u8, u8, u8, i64, bool)]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("payments.csv");
    let mut csv = String::from("交易流水号,站点编码,交易时间,业务类型,金额,状态\n");
    for &(s, d, c, fen, reversed) in lines {
        // Few ids, so that files repeat and reverse each other's.
        let id = format!("T{s}-{d}-{c}-{}", fen % 3);
        let status = if reversed { "冲正" } else { "成功" };
        csv.push_str(&format!(
            "{id},{},{} 10:00:00,{},{}.{:02},{status}\n",
            STATIONS[s as usize],
            day(d),
            BUSINESS_TYPES[c as usize],
            fen / 100,
            fen % 100
        ));
    }
    std::fs::write(&path, csv).unwrap();
    store
        .import_payments(bianmin::ingest::read_payments(&path).unwrap(), &Policy::dezhou_2012())
        .unwrap();
}

fn apply(store: &Store, w: &Write) {
    let conn = store.sql_for_tests();
    match *w {
        Write::ImportPayments(ref lines) => import_payments(store, lines),
        Write::AddPayment(s, d, c, n, f) => store
            .add_daily_payment(STATIONS[s as usize], day(d), CATEGORIES[c as usize], n, f)
            .unwrap(),
        Write::SetCards(s, d, raw, valid) => store
            .set_daily_cards(STATIONS[s as usize], day(d), CardCounts { raw, valid })
            .unwrap(),
        Write::AddReferrals(s, d, k, n) => store
            .add_daily_referrals(STATIONS[s as usize], day(d), KINDS[k as usize], n)
            .unwrap(),
        Write::PulledPayment(s, d, c, n, f) => {
            conn.execute(
                "INSERT INTO daily_payments (rev, station_id, day, category, count, amount_fen)
                 VALUES (99, ?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (day, station_id, category) DO UPDATE SET count = excluded.count,
                     amount_fen = excluded.amount_fen, rev = excluded.rev",
                params![STATIONS[s as usize], day(d), CATEGORIES[c as usize], n, f],
            )
            .unwrap();
        }
        Write::DeletePayments(s, d) => {
            conn.execute(
                "DELETE FROM daily_payments WHERE station_id = ?1 AND day = ?2",
                params![STATIONS[s as usize], day(d)],
            )
            .unwrap();
        }
        Write::DeleteCards(s, d) => {
            conn.execute(
                "DELETE FROM daily_cards WHERE station_id = ?1 AND day = ?2",
                params![STATIONS[s as usize], day(d)],
            )
            .unwrap();
        }
        Write::DeleteReferrals(s, d) => {
            conn.execute(
                "DELETE FROM daily_referrals WHERE station_id = ?1 AND day >= ?2",
                params![STATIONS[s as usize], day(d)],
            )
            .unwrap();
        }
        // OR IGNORE: a move onto a day already held is refused, as it
        // would be in a sqlite3 session.
        Write::MovePayments(s, d) => {
            conn.execute(
                "UPDATE OR IGNORE daily_payments SET day = ?2 WHERE station_id = ?1 AND day = ?3",
                params![STATIONS[s as usize], day(d), day(d.wrapping_add(29) % 70)],
            )
            .unwrap();
        }
        Write::MoveCards(s, d) => {
            conn.execute(
                "UPDATE OR IGNORE daily_cards SET station_id = ?1 WHERE station_id = ?2 AND day = ?3",
                params![STATIONS[((s + 1) % 3) as usize], STATIONS[s as usize], day(d)],
            )
            .unwrap();
        }
    }
}

/// A query's rows as text, for comparing two of them.
fn rows(store: &Store, sql: &str) -> Vec<String> {
    let mut stmt = store.sql_for_tests().prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        let mut line = Vec::new();
        for i in 0..n {
            line.push(format!("{:?}", r.get::<_, rusqlite::types::Value>(i)?));
        }
        Ok(line.join("|"))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn assert_totals_are_sums(store: &Store) {
    assert_first_trades_are_first_days(store);
    assert_eq!(
        rows(
            store,
            "SELECT month, station_id, category, days, count, amount_fen FROM month_payments ORDER BY 1, 2, 3"
        ),
        rows(
            store,
            "SELECT substr(day, 1, 7), station_id, category, count(*), sum(count), sum(amount_fen)
             FROM daily_payments GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        )
    );
    assert_eq!(
        rows(
            store,
            "SELECT month, station_id, days, raw, valid FROM month_cards ORDER BY 1, 2"
        ),
        rows(
            store,
            "SELECT substr(day, 1, 7), station_id, count(*), sum(raw), sum(valid)
             FROM daily_cards GROUP BY 1, 2 ORDER BY 1, 2"
        )
    );
    assert_eq!(
        rows(
            store,
            "SELECT month, station_id, kind, days, count FROM month_referrals ORDER BY 1, 2, 3"
        ),
        rows(
            store,
            "SELECT substr(day, 1, 7), station_id, kind, count(*), sum(count)
             FROM daily_referrals GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        )
    );
}

/// Each station's kept first trades (migration 0014) are its earliest
/// daily rows.
fn assert_first_trades_are_first_days(store: &Store) {
    assert_eq!(
        rows(
            store,
            "SELECT station_id, first_payment, first_card FROM station_first_trades
             WHERE first_payment IS NOT NULL OR first_card IS NOT NULL ORDER BY 1"
        ),
        rows(
            store,
            "SELECT id, p, c FROM (SELECT id, (SELECT min(day) FROM daily_payments WHERE station_id = s.id) AS p,
                                              (SELECT min(day) FROM daily_cards WHERE station_id = s.id) AS c
                                   FROM stations s)
             WHERE p IS NOT NULL OR c IS NOT NULL ORDER BY 1"
        )
    );
}

/// Each station's month as the engine receives it, summed from the days
/// by hand: (station, category) → (count, fen), and cards and referrals.
type Summed = (BTreeMap<(String, String), (u64, i64)>, BTreeMap<String, (u64, u64)>);

fn summed_by_hand(store: &Store, first: NaiveDate, last: NaiveDate) -> Summed {
    let mut payments = BTreeMap::new();
    let mut stmt = store
        .sql_for_tests()
        .prepare(
            "SELECT station_id, category, sum(count), sum(amount_fen) FROM daily_payments
             WHERE day BETWEEN ?1 AND ?2 GROUP BY 1, 2",
        )
        .unwrap();
    let mut q = stmt.query(params![first, last]).unwrap();
    while let Some(r) = q.next().unwrap() {
        payments.insert(
            (r.get(0).unwrap(), r.get(1).unwrap()),
            (r.get(2).unwrap(), r.get(3).unwrap()),
        );
    }
    let mut cards = BTreeMap::new();
    let mut stmt = store
        .sql_for_tests()
        .prepare("SELECT station_id, sum(raw), sum(valid) FROM daily_cards WHERE day BETWEEN ?1 AND ?2 GROUP BY 1")
        .unwrap();
    let mut q = stmt.query(params![first, last]).unwrap();
    while let Some(r) = q.next().unwrap() {
        cards.insert(r.get(0).unwrap(), (r.get(1).unwrap(), r.get(2).unwrap()));
    }
    (payments, cards)
}

fn as_engine_sees(store: &Store, month: Month, as_of: NaiveDate) -> Summed {
    let facts = store.month_facts(month, Some(as_of), &BranchScope::All).unwrap();
    let mut payments = BTreeMap::new();
    let mut cards = BTreeMap::new();
    for s in &facts.stations {
        for (category, p) in &s.payments {
            let fen = (p.amount * rust_decimal::Decimal::ONE_HUNDRED).trunc().to_string();
            payments.insert((s.id.clone(), category.clone()), (p.count, fen.parse().unwrap()));
        }
        if s.card != CardCounts::default() || cards_held(store, &s.id, month.first_day(), as_of) {
            cards.insert(s.id.clone(), (s.card.raw, s.card.valid));
        }
    }
    (payments, cards)
}

fn cards_held(store: &Store, station: &str, first: NaiveDate, last: NaiveDate) -> bool {
    store
        .sql_for_tests()
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM daily_cards WHERE station_id = ?1 AND day BETWEEN ?2 AND ?3)",
            params![station, first, last],
            |r| r.get(0),
        )
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// For any writes, by any writer, each total is the sum of its days.
    #[test]
    fn totals_equal_the_sum_of_the_days(writes in proptest::collection::vec(write(), 1..60)) {
        let store = county();
        for w in &writes {
            apply(&store, w);
        }
        assert_totals_are_sums(&store);
    }

    /// A month read (from the totals when whole, from the days when the
    /// `as_of` leaves later facts out) is the month summed by hand.
    #[test]
    fn a_month_read_is_the_month_summed(writes in proptest::collection::vec(write(), 1..60), cut in 0u32..31) {
        let store = county();
        for w in &writes {
            apply(&store, w);
        }
        for month in ["2026-09", "2026-10", "2026-11"] {
            let month: Month = month.parse().unwrap();
            let as_of = (month.first_day() + chrono::Days::new(u64::from(cut))).min(month.last_day());
            for last in [as_of, month.last_day()] {
                prop_assert_eq!(as_engine_sees(&store, month, last), summed_by_hand(&store, month.first_day(), last));
            }
        }
    }

    /// A large pull sets the totals aside (no trigger per row) and
    /// rebuilds them at its end: while they are stale every read sums the
    /// days, and afterwards every total is a sum again, the triggers back.
    #[test]
    fn totals_set_aside_for_a_pull_read_right_and_come_back_whole(
        before in proptest::collection::vec(write(), 0..30),
        during in proptest::collection::vec(write(), 1..30),
        after in proptest::collection::vec(write(), 0..10),
    ) {
        let store = county();
        for w in &before {
            apply(&store, w);
        }
        let triggers = rows(&store, "SELECT name || sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name");
        store.suspend_month_totals().unwrap();
        prop_assert!(
            rows(
                &store,
                "SELECT name FROM sqlite_master WHERE type = 'trigger'
                 AND (name LIKE 'daily_%_month_%' OR name LIKE 'daily_%_first_%')"
            )
            .is_empty(),
            "every totals and first-trade trigger is set aside"
        );
        prop_assert_eq!(triggers.iter().filter(|t| t.contains("_month_")).count(), 12);
        prop_assert_eq!(triggers.iter().filter(|t| t.contains("_first_")).count(), 6);
        for w in &during {
            apply(&store, w);
        }
        let month: Month = "2026-10".parse().unwrap();
        prop_assert_eq!(
            as_engine_sees(&store, month, month.last_day()),
            summed_by_hand(&store, month.first_day(), month.last_day())
        );
        let months: Vec<String> = store.months_with_figures().unwrap().iter().map(|m| format!("Text({:?})", m.to_string())).collect();
        let by_hand = rows(
            &store,
            "SELECT substr(day, 1, 7) FROM daily_payments UNION SELECT substr(day, 1, 7) FROM daily_cards ORDER BY 1",
        );
        prop_assert_eq!(months, by_hand);
        let mut payments: Vec<String> = store
            .month_payments(month)
            .unwrap()
            .into_iter()
            .map(|(id, p)| format!("Text({:?})", format!("{id}:{}:{}", p.count, p.fen)))
            .collect();
        payments.sort();
        let by_hand = rows(
            &store,
            "SELECT station_id || ':' || sum(count) || ':' || sum(amount_fen) FROM daily_payments
             WHERE day BETWEEN '2026-10-01' AND '2026-10-31' GROUP BY station_id ORDER BY 1",
        );
        prop_assert_eq!(payments, by_hand);
        let lives: Vec<_> = store.station_lives().unwrap().into_iter().map(|(id, l)| (id, l.first_trade)).collect();
        prop_assert_eq!(&lives, &first_trades_by_hand(&store));
        store.resume_month_totals().unwrap();
        let lives: Vec<_> = store.station_lives().unwrap().into_iter().map(|(id, l)| (id, l.first_trade)).collect();
        prop_assert_eq!(&lives, &first_trades_by_hand(&store));
        prop_assert_eq!(
            rows(&store, "SELECT name || sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"),
            triggers
        );
        for w in &after {
            apply(&store, w);
        }
        assert_totals_are_sums(&store);
    }
}

/// An import into a month that has figures already adds to its totals
/// exactly (daily rows added to and new ones), takes back what a reversal
/// names, and leaves every trigger as it found it (it sets them aside
/// while it writes).
#[test]
fn an_import_into_a_month_with_figures_keeps_totals_the_sums_of_days() {
    let store = county();
    // day(6) is 2026-10-01.
    for (s, d, c) in [(0, 6, 0), (0, 7, 1), (1, 6, 2)] {
        apply(&store, &Write::AddPayment(s, d, c, 2, 500));
    }
    let triggers = "SELECT name || sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name";
    let before = rows(&store, triggers);
    let s1_mobile = "SELECT days, count, amount_fen FROM month_payments
                     WHERE month = '2026-10' AND station_id = 'S1' AND category = 'mobile'";
    import_payments(
        &store,
        &[
            (0, 6, 0, 1234, false),
            (0, 8, 0, 99, false),
            // S1's first payment moves earlier, into September; S3 gets one.
            (0, 2, 0, 10, false),
            (2, 6, 1, 50, false),
            (1, 6, 2, 700, false),
        ],
    );
    assert_totals_are_sums(&store);
    assert_eq!(rows(&store, s1_mobile), ["Integer(2)|Integer(4)|Integer(1833)"]);
    assert_eq!(
        rows(
            &store,
            "SELECT station_id, first_payment FROM station_first_trades ORDER BY 1"
        ),
        [
            "Text(\"S1\")|Text(\"2026-09-27\")",
            "Text(\"S2\")|Text(\"2026-10-01\")",
            "Text(\"S3\")|Text(\"2026-10-01\")"
        ]
    );
    // The first line again (a duplicate) and its reversal.
    import_payments(&store, &[(0, 6, 0, 1234, false), (0, 6, 0, 1234, true)]);
    assert_totals_are_sums(&store);
    assert_eq!(rows(&store, s1_mobile), ["Integer(2)|Integer(3)|Integer(599)"]);
    assert_eq!(rows(&store, triggers), before);
    // An import sets the daily table's triggers aside and does what these
    // do (revisions, month totals, first trades): a trigger added to the
    // table must be done by the import as well
    // (`store::import::sqlite::TriggersAside`).
    let names: Vec<String> = [
        "first_delete",
        "first_insert",
        "first_move",
        "month_delete",
        "month_insert",
        "month_move",
        "month_update",
        "rev_delete",
        "rev_insert",
        "rev_update",
    ]
    .iter()
    .map(|n| format!("Text(\"daily_payments_{n}\")"))
    .collect();
    assert_eq!(
        rows(
            &store,
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'daily_payments' ORDER BY name"
        ),
        names
    );
}

/// A file at `path` as the release before `migration` left it: one
/// station S1 (branch B1, manager M1, maintainer W1) and the rows `facts`.
fn older_file(path: &Path, migration: &str, facts: &str) -> rusqlite::Connection {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    let before = bianmin::store::migrate::version_before(migration).unwrap();
    bianmin::store::migrate::to_version(&mut conn, before).unwrap();
    conn.execute_batch(
        "INSERT INTO people (id, name) VALUES ('M1', 'M'), ('W1', 'W');
         INSERT INTO branches (id, name, kind, manager_id) VALUES ('B1', 'B', 'rural', 'M1');
         INSERT INTO stations (id, name, kind, branch_id, maintainer_id) VALUES ('S1', 'a', 'rural', 'B1', 'W1');",
    )
    .unwrap();
    conn.execute_batch(facts).unwrap();
    conn
}

#[test]
fn the_migration_fills_the_totals_of_an_older_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    // As the release before month totals left it.
    older_file(
        &path,
        "0010_month_totals",
        "INSERT INTO daily_payments (station_id, day, category, count, amount_fen)
             VALUES ('S1', '2026-10-01', 'mobile', 2, 300), ('S1', '2026-10-31', 'mobile', 0, 0),
                    ('S1', '2026-11-01', 'unicom', 1, 50);
         INSERT INTO daily_cards (station_id, day, raw, valid) VALUES ('S1', '2026-10-02', 5, 3);
         INSERT INTO daily_referrals (station_id, day, kind, count) VALUES ('S1', '2026-10-03', 'huinongtong', 1);",
    );
    let store = Store::open(&path).unwrap();
    assert_totals_are_sums(&store);
    assert_eq!(
        rows(
            &store,
            "SELECT month, category, days, count, amount_fen FROM month_payments ORDER BY 1, 2"
        ),
        vec![
            "Text(\"2026-10\")|Text(\"mobile\")|Integer(2)|Integer(2)|Integer(300)",
            "Text(\"2026-11\")|Text(\"unicom\")|Integer(1)|Integer(1)|Integer(50)",
        ]
    );
    let months: Vec<String> = store
        .months_with_figures()
        .unwrap()
        .iter()
        .map(|m| m.to_string())
        .collect();
    assert_eq!(months, ["2026-10", "2026-11"]);
    assert_eq!(
        rows(
            &store,
            "SELECT station_id, first_payment, first_card FROM station_first_trades"
        ),
        vec!["Text(\"S1\")|Text(\"2026-10-01\")|Text(\"2026-10-02\")"]
    );
}

/// Each station's first trade summed by hand from the days: the earlier of
/// its first payment and first card row.
fn first_trades_by_hand(store: &Store) -> Vec<(String, Option<NaiveDate>)> {
    let mut stmt = store
        .sql_for_tests()
        .prepare(
            "SELECT id, min(coalesce(p, c), coalesce(c, p)) FROM (
                 SELECT id, (SELECT min(day) FROM daily_payments WHERE station_id = s.id) AS p,
                            (SELECT min(day) FROM daily_cards WHERE station_id = s.id) AS c
                 FROM stations s) ORDER BY id",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The stations' lives are read once per state of the database: a write
/// here, or a commit through another connection, is seen at once.
#[test]
fn station_lives_follow_every_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let store = Store::open(&path).unwrap();
    store
        .sql_for_tests()
        .execute_batch(
            "INSERT INTO people (id, name) VALUES ('M1', 'M'), ('W1', 'W');
             INSERT INTO branches (id, name, kind, manager_id) VALUES ('B1', 'B', 'rural', 'M1');
             INSERT INTO stations (id, name, kind, branch_id, maintainer_id) VALUES ('S1', 'a', 'rural', 'B1', 'W1');",
        )
        .unwrap();
    let first_trade = |store: &Store| store.station_lives().unwrap()[0].1.first_trade;
    assert_eq!(first_trade(&store), None);
    assert_eq!(first_trade(&store), None);
    store.add_daily_payment("S1", day(10), "mobile", 1, 100).unwrap();
    assert_eq!(first_trade(&store), Some(day(10)));
    let other = Store::open(&path).unwrap();
    other
        .set_daily_cards("S1", day(3), CardCounts { raw: 1, valid: 1 })
        .unwrap();
    assert_eq!(first_trade(&store), Some(day(3)));
    other
        .sql_for_tests()
        .execute("DELETE FROM daily_cards WHERE station_id = 'S1'", [])
        .unwrap();
    assert_eq!(first_trade(&store), Some(day(10)));
    other
        .sql_for_tests()
        .execute(
            "UPDATE daily_payments SET day = ?1 WHERE station_id = 'S1'",
            params![day(1)],
        )
        .unwrap();
    assert_eq!(first_trade(&store), Some(day(1)));
}

/// A daily row as a pull page carries it, or a pulled tombstone of one.
#[derive(Debug, Clone)]
enum Pulled {
    Payment(u8, u8, u8, i64, i64),
    Cards(u8, u8, i64, i64),
    Referrals(u8, u8, u8, i64),
    DeletePayment(u8, u8, u8),
    DeleteCards(u8, u8),
    DeleteReferrals(u8, u8, u8),
}

fn pulled() -> impl Strategy<Value = Pulled> {
    let s = 0u8..3;
    let d = 0u8..70;
    prop_oneof![
        6 => (s.clone(), d.clone(), 0u8..3, 0i64..5, 0i64..100_000)
            .prop_map(|(s, d, c, n, f)| Pulled::Payment(s, d, c, n, f)),
        3 => (s.clone(), d.clone(), 0i64..4, 0i64..4).prop_map(|(s, d, a, b)| Pulled::Cards(s, d, a.max(b), a.min(b))),
        2 => (s.clone(), d.clone(), 0u8..2, 0i64..4).prop_map(|(s, d, k, n)| Pulled::Referrals(s, d, k, n)),
        1 => (s.clone(), d.clone(), 0u8..3).prop_map(|(s, d, c)| Pulled::DeletePayment(s, d, c)),
        1 => (s.clone(), d.clone()).prop_map(|(s, d)| Pulled::DeleteCards(s, d)),
        1 => (s, d, 0u8..2).prop_map(|(s, d, k)| Pulled::DeleteReferrals(s, d, k)),
    ]
}

/// Pull pages of `rows`, each page's tombstones after its rows (as the
/// laptop applies them).
fn pull_pages(pages: &[Vec<Pulled>]) -> Vec<bianmin::wire::PullPage> {
    use bianmin::wire::{CardRow, DeletedRow, PaymentRow, PullPage, ReferralRow};
    let mut rev = 1000;
    let mut out = Vec::new();
    for (i, rows) in pages.iter().enumerate() {
        let mut page = PullPage {
            after: rev,
            more: i + 1 < pages.len(),
            ..PullPage::default()
        };
        for row in rows {
            rev += 1;
            let key = |s: u8, d: u8| (STATIONS[s as usize].to_string(), day(d).to_string());
            match *row {
                Pulled::Payment(s, d, c, n, f) => {
                    let (s, d) = key(s, d);
                    page.daily_payments
                        .push(PaymentRow(rev, s, d, CATEGORIES[c as usize].into(), n, f));
                }
                Pulled::Cards(s, d, raw, valid) => {
                    let (s, d) = key(s, d);
                    page.daily_cards.push(CardRow(rev, s, d, raw, valid));
                }
                Pulled::Referrals(s, d, k, n) => {
                    let (s, d) = key(s, d);
                    page.daily_referrals
                        .push(ReferralRow(rev, s, d, KINDS[k as usize].into(), n));
                }
                Pulled::DeletePayment(s, d, c) => {
                    let (s, d) = key(s, d);
                    let key = vec![d, s, CATEGORIES[c as usize].to_string()];
                    page.deleted.push(DeletedRow(rev, "daily_payments".into(), key));
                }
                Pulled::DeleteCards(s, d) => {
                    let (s, d) = key(s, d);
                    page.deleted.push(DeletedRow(rev, "daily_cards".into(), vec![d, s]));
                }
                Pulled::DeleteReferrals(s, d, k) => {
                    let (s, d) = key(s, d);
                    let key = vec![d, s, KINDS[k as usize].to_string()];
                    page.deleted.push(DeletedRow(rev, "daily_referrals".into(), key));
                }
            }
        }
        page.next = rev;
        page.head = rev;
        out.push(page);
    }
    out
}

/// Whether a pull of `pages` into empty daily tables makes a row of its
/// own of every pulled row, and keeps them all: no key pulled twice, no
/// tombstone naming a row the pull wrote.
fn every_pulled_row_kept(pages: &[Vec<Pulled>]) -> bool {
    let mut held = std::collections::BTreeSet::new();
    for rows in pages {
        let (facts, deletions): (Vec<&Pulled>, Vec<&Pulled>) = rows
            .iter()
            .partition(|r| matches!(r, Pulled::Payment(..) | Pulled::Cards(..) | Pulled::Referrals(..)));
        for row in facts {
            let key = match *row {
                Pulled::Payment(s, d, c, ..) => (0, s, d, c),
                Pulled::Cards(s, d, ..) => (1, s, d, 0),
                Pulled::Referrals(s, d, k, _) => (2, s, d, k),
                _ => unreachable!(),
            };
            if !held.insert(key) {
                return false;
            }
        }
        for row in deletions {
            let key = match *row {
                Pulled::DeletePayment(s, d, c) => (0, s, d, c),
                Pulled::DeleteCards(s, d) => (1, s, d, 0),
                Pulled::DeleteReferrals(s, d, k) => (2, s, d, k),
                _ => unreachable!(),
            };
            if held.remove(&key) {
                return false;
            }
        }
    }
    true
}

fn daily_rows(store: &Store) -> i64 {
    store
        .sql_for_tests()
        .query_row(
            "SELECT (SELECT count(*) FROM daily_payments) + (SELECT count(*) FROM daily_cards)
                  + (SELECT count(*) FROM daily_referrals)",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// A large pull's totals summed from its rows as they pass are used
    /// exactly when the replica held no daily facts and every pulled row
    /// stayed a row of its own; otherwise they are read back. Either way
    /// every total is what the days sum to.
    #[test]
    fn totals_summed_from_a_pull_are_used_only_when_exact(
        before in proptest::collection::vec(write(), 0..4),
        keep_before in proptest::bool::weighted(0.3),
        pages in proptest::collection::vec(proptest::collection::vec(pulled(), 0..14), 1..5),
    ) {
        let mut store = county();
        if keep_before {
            for w in &before {
                apply(&store, w);
            }
        }
        let empty = daily_rows(&store) == 0;
        let mut sums = store.suspend_month_totals().unwrap();
        prop_assert_eq!(sums.is_some(), empty, "summed only into empty daily tables");
        for page in pull_pages(&pages) {
            store.apply_pull_page(&page, "http://127.0.0.1:1").unwrap();
            if let Some(sums) = sums.as_mut() {
                sums.add_page(&page);
            }
        }
        let summed = store.resume_month_totals_with(sums.as_ref()).unwrap();
        prop_assert_eq!(summed, empty && every_pulled_row_kept(&pages));
        assert_totals_are_sums(&store);
    }
}

/// Another connection's commit during the pull (here a day of facts
/// written by hand) leaves the totals to be read back: the sums would not
/// know what it wrote. Here the pull also sends one row twice, so the
/// tables hold as many rows as were pulled and only the other
/// connection's commit tells.
#[test]
fn a_write_from_another_connection_during_a_pull_has_the_totals_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("laptop.db");
    {
        let county = county();
        county
            .sql_for_tests()
            .execute_batch(&format!("VACUUM INTO '{}'", path.display()))
            .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    let other = Store::open(&path).unwrap();
    let pages = pull_pages(&[
        vec![Pulled::Payment(0, 6, 0, 2, 500), Pulled::Cards(1, 6, 3, 2)],
        vec![Pulled::Payment(0, 6, 0, 3, 700), Pulled::Referrals(2, 7, 0, 1)],
    ]);
    let mut sums = store.suspend_month_totals().unwrap().expect("empty daily tables");
    store.apply_pull_page(&pages[0], "http://127.0.0.1:1").unwrap();
    sums.add_page(&pages[0]);
    other.add_daily_payment("S3", day(8), "mobile", 4, 1200).unwrap();
    store.apply_pull_page(&pages[1], "http://127.0.0.1:1").unwrap();
    sums.add_page(&pages[1]);
    assert!(!store.resume_month_totals_with(Some(&sums)).unwrap());
    assert_totals_are_sums(&store);
    assert_eq!(
        rows(&store, "SELECT count FROM month_payments WHERE station_id = 'S3'"),
        ["Integer(4)"]
    );
}

/// A page naming many stations and many categories, each once (a hostile
/// server), would have the sums hold a total for every pair: summing
/// stops at a few totals a row, and the totals are read back.
#[test]
fn sums_that_would_outgrow_the_rows_give_way_to_the_read_back() {
    use bianmin::wire::{PaymentRow, PullPage};
    let mut store = Store::open_in_memory().unwrap();
    store.set_pull_foreign_keys(false).unwrap();
    let mut sums = store.suspend_month_totals().unwrap().expect("empty daily tables");
    let payments: Vec<PaymentRow> = (0..3000)
        .map(|i| PaymentRow(i + 1, format!("S{i:05}"), "2026-10-01".into(), format!("c{i}"), 1, 100))
        .collect();
    let page = PullPage {
        next: 3000,
        head: 3000,
        daily_payments: payments,
        ..PullPage::default()
    };
    store.apply_pull_page(&page, "http://127.0.0.1:1").unwrap();
    sums.add_page(&page);
    assert!(!store.resume_month_totals_with(Some(&sums)).unwrap(), "read back");
    assert_totals_are_sums(&store);
    assert_eq!(rows(&store, "SELECT count(*) FROM month_payments"), ["Integer(3000)"]);
}

/// Days a hostile or broken server might send (characters past ASCII, a
/// NUL inside, too short, empty) are grouped into months as SQLite's
/// `substr` groups them, so the sums are still exactly the read-back.
#[test]
fn odd_days_are_summed_into_the_months_sql_gives_them() {
    use bianmin::wire::{CardRow, PaymentRow, PullPage};
    let mut store = county();
    let mut sums = store.suspend_month_totals().unwrap().expect("empty daily tables");
    let days = [
        "2026-10-01",
        "二〇二六年十月一日",
        "2026\0-10-01",
        "2026\0",
        "2026-1",
        "",
        "2026-10-01\0x",
    ];
    let page = PullPage {
        next: 100,
        head: 100,
        daily_payments: days
            .iter()
            .enumerate()
            .map(|(i, d)| PaymentRow(i as i64 + 1, "S1".into(), d.to_string(), "mobile".into(), 2, 300))
            .collect(),
        daily_cards: days
            .iter()
            .enumerate()
            .map(|(i, d)| CardRow(i as i64 + 50, "S2".into(), d.to_string(), 3, 1))
            .collect(),
        ..PullPage::default()
    };
    store.apply_pull_page(&page, "http://127.0.0.1:1").unwrap();
    sums.add_page(&page);
    assert!(store.resume_month_totals_with(Some(&sums)).unwrap(), "summed");
    assert_totals_are_sums(&store);
}

/// A server sending a new long day on every row would have the names the
/// sums keep grow with everything pulled: past 32 MB of them, summing
/// stops and the totals are read back.
#[test]
fn sums_holding_too_many_names_give_way_to_the_read_back() {
    use bianmin::wire::{PaymentRow, PullPage};
    let mut store = county();
    let mut sums = store.suspend_month_totals().unwrap().expect("empty daily tables");
    let padding = "x".repeat(1000);
    let page = PullPage {
        next: 17_000,
        head: 17_000,
        daily_payments: (0..17_000)
            .map(|i| {
                PaymentRow(
                    i + 1,
                    "S1".into(),
                    format!("2026-10-01 {padding} {i}"),
                    "mobile".into(),
                    1,
                    100,
                )
            })
            .collect(),
        ..PullPage::default()
    };
    store.apply_pull_page(&page, "http://127.0.0.1:1").unwrap();
    sums.add_page(&page);
    assert!(!store.resume_month_totals_with(Some(&sums)).unwrap(), "read back");
    assert_totals_are_sums(&store);
}

/// A file the release before migration 0015 left in the middle of a large
/// pull (its totals set aside, their triggers dropped) opens, and its next
/// resume puts back the triggers and totals the migrations define.
#[test]
fn a_file_left_mid_pull_before_the_first_trades_were_restated_opens_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mid-pull.db");
    {
        let conn = older_file(
            &path,
            "0015_first_trades_by_day",
            "INSERT INTO daily_payments (station_id, day, category, count, amount_fen)
                 VALUES ('S1', '2026-10-01', 'mobile', 2, 300), ('S1', '2026-10-05', 'mobile', 1, 100);
             INSERT INTO daily_cards (station_id, day, raw, valid) VALUES ('S1', '2026-10-02', 5, 3);",
        );
        // What that release's `suspend_month_totals` did: every kept
        // table's trigger dropped, the totals marked stale.
        let triggers: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'
                 AND (name GLOB 'daily_*_first_*' OR name GLOB 'daily_*_month_*')",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(
            triggers.iter().any(|t| t == "daily_payments_first_delete"),
            "{triggers:?}"
        );
        for name in &triggers {
            conn.execute_batch(&format!("DROP TRIGGER {name}")).unwrap();
        }
        conn.execute("UPDATE month_totals_state SET fresh = 0 WHERE id = 1", [])
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    store.resume_month_totals().unwrap();
    assert_totals_are_sums(&store);
    store
        .sql_for_tests()
        .execute(
            "DELETE FROM daily_payments WHERE station_id = 'S1' AND day = '2026-10-01'",
            [],
        )
        .unwrap();
    assert_eq!(
        rows(
            &store,
            "SELECT station_id, first_payment, first_card FROM station_first_trades"
        ),
        vec!["Text(\"S1\")|Text(\"2026-10-05\")|Text(\"2026-10-02\")"]
    );
}
