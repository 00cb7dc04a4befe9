//! Applying a pulled page: registry, plans and facts are the server's and
//! replace the laptop's; notes and sign-offs are merged with what the
//! laptop holds. A page and the cursor after it are stored in one
//! transaction, so a pull cut off anywhere resumes after the last page.

use rusqlite::{params, Connection, ToSql, TransactionBehavior};

use super::checkpointer::Checkpointer;
use super::sweep;
use crate::store::facts::check_category;
use crate::store::multi_row::insert_rows;
use crate::store::records::{get_note, put_note, DecisionTable};
use crate::store::synced;
use crate::store::{Store, StoreError};
use crate::sync::{complete_pulled_note, merge_decision, merge_note};
use crate::wire::{CardRow, DeletedRow, NoteRow, PaymentRow, PullPage, ReferralRow};

/// Where the laptop's pull stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullPosition {
    pub cursor: i64,
    pub server_id: Option<String>,
    pub scope_key: Option<String>,
}

/// The primary-key columns of a table that tombstones may name.
fn delete_sql(table: &str) -> Option<(&'static str, usize)> {
    Some(match table {
        "counties" => ("DELETE FROM counties WHERE id = ?1", 1),
        "people" => ("DELETE FROM people WHERE id = ?1", 1),
        "branches" => ("DELETE FROM branches WHERE id = ?1", 1),
        "branch_maintainers" => (
            "DELETE FROM branch_maintainers WHERE branch_id = ?1 AND person_id = ?2",
            2,
        ),
        "stations" => ("DELETE FROM stations WHERE id = ?1", 1),
        "plans" => ("DELETE FROM plans WHERE branch_id = ?1 AND month = ?2", 2),
        "daily_payments" => (
            "DELETE FROM daily_payments WHERE day = ?1 AND station_id = ?2 AND category = ?3",
            3,
        ),
        "daily_cards" => ("DELETE FROM daily_cards WHERE day = ?1 AND station_id = ?2", 2),
        "daily_referrals" => (
            "DELETE FROM daily_referrals WHERE day = ?1 AND station_id = ?2 AND kind = ?3",
            3,
        ),
        "visit_notes" => ("DELETE FROM visit_notes WHERE uuid = ?1", 1),
        "signoffs" => ("DELETE FROM signoffs WHERE uuid = ?1", 1),
        "branch_signoffs" => ("DELETE FROM branch_signoffs WHERE uuid = ?1", 1),
        "resolutions" => ("DELETE FROM resolutions WHERE uuid = ?1", 1),
        _ => return None,
    })
}

/// Runs an `INSERT … SELECT … FROM json_each(?1)` over rows as JSON.
fn bulk<T: serde::Serialize>(conn: &Connection, sql: &str, rows: &[T]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(rows).expect("rows of strings and numbers serialise");
    conn.prepare_cached(sql)?.execute([json])?;
    Ok(())
}

/// The per-station indexes of the daily facts (as in migration 0001). A
/// server's imports and reads keep them; a laptop's large pull drops them
/// for good: built after the last page they were a quarter of a county's
/// first pull, and a laptop reads a station's days with a seek per
/// calendar day into the tables' own order (`dates::days_2_to_3`), its
/// first trades without them (migration 0015). A database that becomes a
/// server's gets them back (`restore_server_indexes`).
const FACT_INDEXES: [(&str, &str); 3] = [
    (
        "daily_payments_by_station",
        "CREATE INDEX IF NOT EXISTS daily_payments_by_station ON daily_payments(station_id, day)",
    ),
    (
        "daily_cards_by_station",
        "CREATE INDEX IF NOT EXISTS daily_cards_by_station ON daily_cards(station_id, day)",
    ),
    (
        "daily_referrals_by_station",
        "CREATE INDEX IF NOT EXISTS daily_referrals_by_station ON daily_referrals(station_id, day)",
    ),
];

/// The revision indexes of the daily facts (as in migration 0012, which
/// made them covering): a server reads its pull pages from them alone; a
/// laptop never reads facts by revision, and keeping them costs a first
/// pull about a sixth of its writes. A laptop's large pull drops them for
/// good; a database that becomes a server's gets them back
/// (`restore_server_indexes`).
const FACT_REV_INDEXES: [(&str, &str); 3] = [
    (
        "daily_payments_by_rev",
        "CREATE INDEX IF NOT EXISTS daily_payments_by_rev ON daily_payments(rev, count, amount_fen)",
    ),
    (
        "daily_cards_by_rev",
        "CREATE INDEX IF NOT EXISTS daily_cards_by_rev ON daily_cards(rev, raw, valid)",
    ),
    (
        "daily_referrals_by_rev",
        "CREATE INDEX IF NOT EXISTS daily_referrals_by_rev ON daily_referrals(rev, count)",
    ),
];

fn registry(conn: &Connection, page: &PullPage) -> Result<(), StoreError> {
    // One statement per table and page, over the rows as JSON: a statement
    // per row would copy the pages it touches into the statement journal
    // again for every row (the tables have triggers).
    bulk(
        conn,
        "INSERT INTO counties (id, name, rev)
         SELECT value->>1, value->>2, value->>0 FROM json_each(?1) WHERE true
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, rev = excluded.rev",
        &page.counties,
    )?;
    bulk(
        conn,
        "INSERT INTO people (id, name, phone, has_green_card, rev)
         SELECT value->>1, value->>2, value->>3, value->>4, value->>0 FROM json_each(?1) WHERE true
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone,
             has_green_card = excluded.has_green_card, rev = excluded.rev",
        &page.people,
    )?;
    bulk(
        conn,
        "INSERT INTO branches (id, name, kind, county_id, manager_id, rev)
         SELECT value->>1, value->>2, value->>3, value->>4, value->>5, value->>0
         FROM json_each(?1) WHERE true
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             county_id = excluded.county_id, manager_id = excluded.manager_id, rev = excluded.rev",
        &page.branches,
    )?;
    bulk(
        conn,
        "INSERT INTO branch_maintainers (branch_id, person_id, rev)
         SELECT value->>1, value->>2, value->>0 FROM json_each(?1) WHERE true
         ON CONFLICT (branch_id, person_id) DO UPDATE SET rev = excluded.rev",
        &page.branch_maintainers,
    )?;
    bulk(
        conn,
        "INSERT INTO stations (id, name, kind, branch_id, maintainer_id, village, village_households,
             stations_in_village, route_order, status, has_terminal, has_green_card, opened_on,
             closed_on, owner_name, owner_phone, signed_on, installed_on, rev)
         SELECT value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7,
             value->>8, value->>9, value->>10, value->>11, value->>12, value->>13, value->>14,
             value->>15, value->>16, value->>17, value->>18, value->>0
         FROM json_each(?1) WHERE true
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             branch_id = excluded.branch_id, maintainer_id = excluded.maintainer_id,
             village = excluded.village, village_households = excluded.village_households,
             stations_in_village = excluded.stations_in_village, route_order = excluded.route_order,
             status = excluded.status, has_terminal = excluded.has_terminal,
             has_green_card = excluded.has_green_card, opened_on = excluded.opened_on,
             closed_on = excluded.closed_on, owner_name = excluded.owner_name,
             owner_phone = excluded.owner_phone, signed_on = excluded.signed_on,
             installed_on = excluded.installed_on, rev = excluded.rev",
        &page.stations,
    )?;
    bulk(
        conn,
        "INSERT INTO plans (branch_id, month, target, rev)
         SELECT value->>1, value->>2, value->>3, value->>0 FROM json_each(?1) WHERE true
         ON CONFLICT (branch_id, month) DO UPDATE SET target = excluded.target, rev = excluded.rev",
        &page.plans,
    )
}

/// The shape of every pulled payment's category, checked before anything
/// of the page is written: the table no longer checks it row by row
/// (migration 0012: the `GLOB`s were a sixth of a first pull's inserts),
/// and a category is a policy id (`policy::category::valid_id`), whatever
/// the server holds.
fn check_categories(page: &PullPage) -> Result<(), StoreError> {
    for PaymentRow(_, station, day, category, ..) in &page.daily_payments {
        check_category(category).map_err(|refused| StoreError::PulledBadValue {
            table: "daily_payments",
            column: "category",
            value: refused.to_string(),
            row: format!("{} {}", shown(station), shown(day)),
        })?;
    }
    Ok(())
}

/// Every pulled daily fact's day, checked to be a calendar day
/// (`wire::is_calendar_day`). A laptop reads a station's days a seek per
/// calendar day (`dates::days_2_to_3`), so a fact on any other day would
/// count in its month's totals and in none of its days. The client checks
/// each page as it arrives, off the thread that writes; the page is
/// refused whole.
pub fn check_pulled_days(page: &PullPage) -> Result<(), StoreError> {
    match page.odd_fact_day() {
        None => Ok(()),
        Some((table, station, day)) => Err(StoreError::PulledBadValue {
            table,
            column: "day",
            value: StoreError::BadDay {
                day: day.chars().take(64).collect(),
            }
            .to_string(),
            row: shown(station),
        }),
    }
}

/// At most 64 characters of a value a server sent, without control
/// characters, for a message the laptop shows and keeps as its last sync
/// error: a hostile server could send megabytes, or escapes for the
/// terminal.
fn shown(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).take(64).collect()
}

fn facts(conn: &Connection, page: &PullPage) -> Result<(), StoreError> {
    // The daily facts are most of a large pull: many rows to a statement,
    // bound directly (no JSON to parse twice).
    insert_rows(
        conn,
        "INSERT INTO daily_payments (rev, station_id, day, category, count, amount_fen) VALUES ",
        " ON CONFLICT (day, station_id, category) DO UPDATE SET count = excluded.count,
             amount_fen = excluded.amount_fen, rev = excluded.rev",
        &page.daily_payments,
        |r: &PaymentRow| [&r.0 as &dyn ToSql, &r.1, &r.2, &r.3, &r.4, &r.5],
    )?;
    insert_rows(
        conn,
        "INSERT INTO daily_cards (rev, station_id, day, raw, valid) VALUES ",
        " ON CONFLICT (day, station_id) DO UPDATE SET raw = excluded.raw, valid = excluded.valid,
             rev = excluded.rev",
        &page.daily_cards,
        |r: &CardRow| [&r.0 as &dyn ToSql, &r.1, &r.2, &r.3, &r.4],
    )?;
    insert_rows(
        conn,
        "INSERT INTO daily_referrals (rev, station_id, day, kind, count) VALUES ",
        " ON CONFLICT (day, station_id, kind) DO UPDATE SET count = excluded.count, rev = excluded.rev",
        &page.daily_referrals,
        |r: &ReferralRow| [&r.0 as &dyn ToSql, &r.1, &r.2, &r.3, &r.4],
    )
}

fn records(conn: &Connection, page: &PullPage) -> Result<(), StoreError> {
    for NoteRow { rev, note } in &page.visit_notes {
        let incoming = complete_pulled_note(note.clone());
        match get_note(conn, &note.uuid)? {
            None => put_note(conn, incoming.record(), *rev)?,
            Some(local) => {
                let local = complete_pulled_note(local);
                let merged = merge_note(&local, &incoming);
                if merged != local {
                    put_note(conn, merged.record(), *rev)?;
                } else {
                    conn.prepare_cached("UPDATE visit_notes SET rev = ?2 WHERE uuid = ?1")?
                        .execute(params![note.uuid, rev])?;
                }
            }
        }
    }
    merge_decisions(conn, page.signoffs.iter().map(|r| (r.rev, &r.signoff)))?;
    merge_decisions(conn, page.branch_signoffs.iter().map(|r| (r.rev, &r.signoff)))?;
    merge_decisions(conn, page.resolutions.iter().map(|r| (r.rev, &r.resolution)))
}

/// Merges pulled decision records (sign-offs, branch sheet sign-offs,
/// resolutions) with what the laptop holds, each at the server's revision.
fn merge_decisions<'a, R: DecisionTable + 'a>(
    conn: &Connection,
    rows: impl Iterator<Item = (i64, &'a R)>,
) -> Result<(), StoreError> {
    for (rev, incoming) in rows {
        match R::get(conn, incoming.uuid())? {
            None => match incoming.twin(conn)? {
                Some(twin) => fold_twin(conn, incoming, &twin, rev)?,
                None => incoming.put(conn, rev)?,
            },
            Some(local) => {
                let merged = merge_decision(&local, incoming);
                if merged != local {
                    merged.put(conn, rev)?;
                } else {
                    conn.prepare_cached(&format!("UPDATE {} SET rev = ?2 WHERE uuid = ?1", R::TABLE))?
                        .execute(params![incoming.uuid(), rev])?;
                }
            }
        }
    }
    Ok(())
}

/// The server holds `incoming` where this laptop holds `twin`, another
/// record of the same thing (the same signer's sheet of a month written on
/// two laptops, one dispute resolved on two): there is one, the server's.
/// The laptop's decision is merged into it (the later wins, as always) and
/// the twin goes, so the pull never stops on the duplicate. When the
/// twin's decision is the later, it is sent again as the server's record,
/// and the twin's outbox rows (a refusal among them) become that record's
/// history; when the server's is the later, only what still waited is
/// moved, and a refusal of the twin stays set aside with its reason.
fn fold_twin<R: DecisionTable>(conn: &Connection, incoming: &R, twin: &str, rev: i64) -> Result<(), StoreError> {
    let Some(local) = R::get(conn, twin)? else {
        return incoming.put(conn, rev);
    };
    let merged = merge_decision(incoming, &local);
    conn.prepare_cached(&format!("DELETE FROM {} WHERE uuid = ?1", R::TABLE))?
        .execute([twin])?;
    merged.put(conn, rev)?;
    let ours_won = merged != *incoming;
    conn.prepare_cached(
        "UPDATE outbox SET record_uuid = ?2, record_kind = ?3
         WHERE record_uuid = ?1 AND (?4 OR (sent_at IS NULL AND rejected_at IS NULL))",
    )?
    .execute(params![twin, incoming.uuid(), R::KIND, ours_won])?;
    let waiting = conn
        .prepare_cached("SELECT 1 FROM outbox WHERE record_uuid = ?1 AND sent_at IS NULL AND rejected_at IS NULL")?
        .exists([incoming.uuid()])?;
    if ours_won && !waiting {
        conn.prepare_cached(
            "INSERT INTO outbox (record_kind, record_uuid, version, created_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![R::KIND, incoming.uuid(), merged.version(), merged.decided_at()])?;
    }
    Ok(())
}

fn deletions(conn: &Connection, page: &PullPage) -> Result<(), StoreError> {
    for DeletedRow(_, table, key) in &page.deleted {
        // A tombstone of a table this bianmin does not know, or with the
        // wrong key, is skipped rather than stop sync.
        let (sql, arity) = match (delete_sql(table), synced::table(table)) {
            (Some((sql, arity)), _) => (sql.to_string(), arity),
            (None, Some(t)) => (t.delete(), t.key.len()),
            (None, None) => continue,
        };
        if key.len() != arity {
            continue;
        }
        conn.prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(key.iter()))?;
    }
    Ok(())
}

/// The rows of the tables described as data; a table this bianmin does
/// not know is skipped (a newer server).
fn extra(conn: &Connection, page: &PullPage) -> Result<(), StoreError> {
    for (name, rows) in &page.extra {
        if let Some(t) = synced::table(name) {
            t.upsert(conn, rows)?;
        }
    }
    Ok(())
}

impl Store {
    /// Drops the daily facts' indexes other than their keys, for good, at
    /// a laptop's first large pull (`FACT_INDEXES`, `FACT_REV_INDEXES`).
    /// Rows arrive day by day, so every page would add to thousands of
    /// the per-station indexes' leaves, and each page's commit rewrite
    /// them all.
    pub fn drop_fact_indexes(&self) -> Result<(), StoreError> {
        let tx = self.conn().unchecked_transaction()?;
        for (name, _) in FACT_INDEXES.iter().chain(&FACT_REV_INDEXES) {
            tx.execute_batch(&format!("DROP INDEX IF EXISTS {name}"))?;
        }
        tx.commit()?;
        Ok(())
    }

    /// This connection is sync's own. A page runs a few dozen statements
    /// (long multi-row inserts among them): keep them all prepared rather
    /// than parse them again for every page.
    pub fn keep_pull_statements(&self) {
        self.conn().set_prepared_statement_cache_capacity(64);
    }

    /// One WAL checkpoint at the end of a large pull rather than one every
    /// 4 MB: the pages every commit touches again (the right edge of each
    /// table) go to the database file once.
    pub fn begin_bulk_pull_wal(&self) -> Result<(), StoreError> {
        self.conn().pragma_update(None, "wal_autocheckpoint", 0)?;
        Ok(())
    }

    /// A thread copying the pages of a large pull into the database file
    /// while the next ones are written (`Checkpointer`); `None` for a
    /// database in memory.
    pub fn start_checkpointer(&self) -> Result<Option<Checkpointer>, StoreError> {
        match self.conn().path().filter(|p| !p.is_empty()) {
            Some(path) => Ok(Some(Checkpointer::start(std::path::Path::new(path))?)),
            None => Ok(None),
        }
    }

    /// Back to SQLite's default; the large WAL is copied in and emptied
    /// now (a pull killed before this leaves a WAL the next open or commit
    /// checkpoints as usual).
    pub fn end_bulk_pull_wal(&self) -> Result<(), StoreError> {
        self.conn().pragma_update(None, "wal_autocheckpoint", 1000)?;
        self.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
        Ok(())
    }

    /// Turns this connection's triggers off for a large pull, or back on
    /// after it. On a laptop they only number rows (a pulled row carries
    /// the server's revision, so the revision triggers' bodies never run;
    /// yet SQLite enters each trigger's program for every row to learn
    /// that), write tombstones (each page empties them) and keep the month
    /// totals (suspended for a large pull anyway). A setting of this
    /// connection, not of the file: a pull killed midway leaves nothing
    /// behind, and every other connection keeps its triggers.
    pub fn set_pull_triggers(&self, on: bool) -> Result<(), StoreError> {
        self.conn()
            .set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, on)?;
        Ok(())
    }

    /// Turns foreign key enforcement off for a pull, or back on after it.
    /// Rows arrive at their latest revision, so a row may come a page
    /// before one it refers to; the server keeps references whole, and so
    /// does a finished pull.
    pub fn set_pull_foreign_keys(&self, on: bool) -> Result<(), StoreError> {
        self.conn()
            .pragma_update(None, "foreign_keys", if on { "ON" } else { "OFF" })?;
        Ok(())
    }

    /// Builds the daily facts' indexes a laptop's large pull dropped
    /// (`FACT_INDEXES`, `FACT_REV_INDEXES`) if missing: a server reads its
    /// pull pages by revision and its stations' days by station.
    pub fn restore_server_indexes(&self) -> Result<(), StoreError> {
        // A county's rows sorted for the indexes on two threads: a fifth
        // less time. Back to what it was after.
        let threads: i64 = self.conn().query_row("PRAGMA threads", [], |r| r.get(0))?;
        self.conn().pragma_update(None, "threads", threads.max(2))?;
        let built = (|| {
            let tx = self.conn().unchecked_transaction()?;
            for (_, sql) in FACT_INDEXES.iter().chain(&FACT_REV_INDEXES) {
                tx.execute_batch(sql)?;
            }
            tx.commit()
        })();
        let reset = self.conn().pragma_update(None, "threads", threads);
        built?;
        Ok(reset?)
    }

    pub fn pull_position(&self) -> Result<PullPosition, StoreError> {
        Ok(self.conn().query_row(
            "SELECT pull_cursor, server_id, scope_key FROM sync_state WHERE id = 1",
            [],
            |r| {
                Ok(PullPosition {
                    cursor: r.get(0)?,
                    server_id: r.get(1)?,
                    scope_key: r.get(2)?,
                })
            },
        )?)
    }

    /// Starts the pull over from revision 0 (another server, another scope).
    pub fn reset_pull(&self) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE sync_state SET pull_cursor = 0, server_id = NULL, scope_key = NULL WHERE id = 1",
            [],
        )?;
        Ok(())
    }

    /// Stores a pulled page and moves the cursor to its end, in one
    /// transaction: a crash keeps the page whole or not at all. Facts and
    /// the registry are replaced by the server's; notes and sign-offs are
    /// merged with what the laptop holds. The page of a pull from the start
    /// names the token's scope; the last page of every pull drops what is
    /// outside it. Returns the rows written.
    ///
    /// The caller turns foreign keys off on this connection: the server
    /// sends each row at its latest revision, so a station may come a page
    /// before the person it names (who changed later); the server's
    /// database keeps the references whole, and a finished pull does too.
    /// The client has checked the page's days (`check_pulled_days`).
    pub fn apply_pull_page(&mut self, page: &PullPage, server_url: &str) -> Result<u64, StoreError> {
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let conn: &Connection = &tx;
            check_categories(page)?;
            registry(conn, page)?;
            facts(conn, page)?;
            records(conn, page)?;
            extra(conn, page)?;
            deletions(conn, page)?;
            if let Some(lists) = &page.scope {
                sweep::remember(conn, lists)?;
            }
            if !page.more {
                sweep::drop_out_of_scope(conn)?;
            }
            // The laptop's own tombstones (of rows the server deleted, or
            // that left the scope) mean nothing here.
            conn.execute("DELETE FROM sync_deletions", [])?;
            // A demo server's "today" is the laptop's too; a real server
            // has none (and a demo database is never synced into, so the
            // value can only have come from a server).
            match &page.today {
                Some(today) => conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('demo_today', ?1)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [today],
                )?,
                None => conn.execute("DELETE FROM meta WHERE key = 'demo_today'", [])?,
            };
            conn.execute(
                "UPDATE sync_state SET pull_cursor = ?1, server_id = ?2, scope_key = ?3, server_url = ?4,
                     server_demo = ?5
                 WHERE id = 1",
                params![page.next, page.server_id, page.scope_key, server_url, page.demo],
            )?;
        }
        tx.commit()?;
        Ok(page.row_count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::county_read::STATION_FACT_READS;
    use crate::store::facts::{STATION_DAY_CARDS, STATION_DAY_PAYMENTS};
    use crate::wire::{CardRow, PaymentRow};
    use rusqlite::StatementStatus;

    /// A replica after its first large pull: the facts' keys only.
    fn replica() -> Store {
        let store = Store::open_in_memory().unwrap();
        store.drop_fact_indexes().unwrap();
        store
            .conn()
            .execute_batch(
                "PRAGMA foreign_keys = OFF;
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
                 INSERT INTO daily_payments (station_id, day, category, count, amount_fen)
                     SELECT s.id, date('2026-10-01', '+' || n.i || ' days'), 'mobile', n.i, 100 * n.i
                     FROM n, (SELECT 'S1' AS id UNION ALL SELECT 'S2' UNION ALL SELECT 'S3') AS s;
                 INSERT INTO daily_cards (station_id, day, raw, valid)
                     SELECT station_id, day, count, count FROM daily_payments;",
            )
            .unwrap();
        store
    }

    #[test]
    fn a_replica_reads_a_station_a_seek_per_day() {
        let store = replica();
        for sql in [STATION_DAY_PAYMENTS, STATION_DAY_CARDS]
            .iter()
            .chain(&STATION_FACT_READS)
        {
            let mut stmt = store.conn().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let plan: Vec<String> = stmt
                .query_map(["S2", "2026-10-01", "2026-10-31"], |r| r.get(3))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert!(
                plan.iter()
                    .any(|step| step == "SEARCH f USING PRIMARY KEY (day=? AND station_id=?)"),
                "{sql}: {plan:?}"
            );
            assert!(!plan.iter().any(|step| step.starts_with("SCAN f")), "{sql}: {plan:?}");
        }
        // A station's rows from a day to a day within a month, as a range
        // of the key would read them.
        let read = |sql: &str| -> Vec<String> {
            let mut stmt = store.conn().prepare(sql).unwrap();
            let rows = stmt
                .query_map(["S2", "2026-10-10", "2026-10-20"], |r| {
                    Ok(format!("{:?}|{:?}", r.get_ref(0)?, r.get_ref(1)?))
                })
                .unwrap();
            rows.map(Result::unwrap).collect()
        };
        assert_eq!(
            read(STATION_FACT_READS[0]),
            read("SELECT category, count FROM daily_payments WHERE station_id = ?1 AND day BETWEEN ?2 AND ?3")
        );
        assert_eq!(read(STATION_FACT_READS[1]).len(), 11);
        let november = crate::month::Month::of(chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        let days = store.station_days("S2", november).unwrap();
        assert_eq!(days.len(), 30, "2026-11-01 to 2026-11-30: {days:?}");
        assert_eq!(days.values().next(), Some(&(31, 31)));
        assert_eq!(days.values().last(), Some(&(60, 60)));
    }

    /// Deleting a station's first day finds its next one without reading
    /// the table through (migration 0015): the first trades are right and
    /// no statement scanned a table whole.
    #[test]
    fn a_replica_finds_a_stations_next_first_day_without_a_full_scan() {
        let store = replica();
        let conn = store.conn();
        let first = |station: &str| -> (Option<String>, Option<String>) {
            conn.query_row(
                "SELECT first_payment, first_card FROM station_first_trades WHERE station_id = ?1",
                [station],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
        };
        assert_eq!(first("S2"), (Some("2026-10-02".into()), Some("2026-10-02".into())));
        for table in ["daily_payments", "daily_cards"] {
            let mut delete = conn
                .prepare(&format!(
                    "DELETE FROM {table} WHERE station_id = 'S2' AND day IN ('2026-10-02', '2026-10-03')"
                ))
                .unwrap();
            delete.execute([]).unwrap();
            assert_eq!(delete.get_status(StatementStatus::FullscanStep), 0, "{table}");
        }
        assert_eq!(first("S2"), (Some("2026-10-04".into()), Some("2026-10-04".into())));
        let mut move_on = conn
            .prepare("UPDATE daily_cards SET station_id = 'S9' WHERE station_id = 'S2' AND day = '2026-10-04'")
            .unwrap();
        move_on.execute([]).unwrap();
        assert_eq!(move_on.get_status(StatementStatus::FullscanStep), 0);
        assert_eq!(first("S2"), (Some("2026-10-04".into()), Some("2026-10-05".into())));
        assert_eq!(first("S9"), (None, Some("2026-10-04".into())));
        // Moved to an earlier day of its own station: that day is first.
        conn.execute(
            "UPDATE daily_cards SET day = '2026-09-20' WHERE station_id = 'S2' AND day = '2026-10-07'",
            [],
        )
        .unwrap();
        assert_eq!(first("S2"), (Some("2026-10-04".into()), Some("2026-09-20".into())));
        // A station's last row gone: no first day left.
        conn.execute("DELETE FROM daily_payments WHERE station_id = 'S1'", [])
            .unwrap();
        assert_eq!(first("S1"), (None, Some("2026-10-02".into())));
    }

    #[test]
    fn a_pulled_fact_on_a_day_that_is_not_a_date_refuses_the_page() {
        let row = |day: &str| PaymentRow(1, "S1".into(), day.into(), "mobile".into(), 1, 100);
        let mut page = PullPage {
            daily_payments: vec![row("2026-11-05"), row("2026-02-28")],
            ..PullPage::default()
        };
        assert!(check_pulled_days(&page).is_ok());
        page.daily_cards
            .push(CardRow(2, "S7".into(), "2026-11-31".into(), 1, 1));
        let refused = check_pulled_days(&page).unwrap_err().to_string();
        assert!(refused.contains("daily_cards.day") && refused.contains("2026-11-31") && refused.contains("S7"));
        page.daily_cards[0].1 = "S7\u{1b}[2J".into();
        let refused = check_pulled_days(&page).unwrap_err().to_string();
        assert!(refused.contains("S7[2J") && !refused.contains('\u{1b}'), "{refused}");
        page.daily_cards[0].2 = "9".repeat(1 << 20);
        page.daily_cards[0].1 = "S".repeat(1 << 20);
        assert!(check_pulled_days(&page).unwrap_err().to_string().len() < 1_000);
    }
}
