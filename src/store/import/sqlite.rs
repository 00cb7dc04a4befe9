//! `ImportTx` on the SQLite store: one transaction of the store's
//! connection per file. Daily rows are written with revisions handed out
//! here (`Revisions`), so the revision triggers of migration 0003 stand
//! aside: one read and one write of the counter instead of two statements
//! per row.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::BuildHasherDefault;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use rustc_hash::FxHasher;

use super::{
    day_text, DailyPayment, DailyReferrals, ImportError, ImportSummary, ImportTx, InvoiceChange, NewCard, NewPayment,
    NewReferral, TakenPayment,
};
use crate::ingest::{PersonRow, Rows, StationRow};
use crate::month::Month;
use crate::policy::CardCounts;
use crate::store::month_totals::{add_first_payments, add_month_payments};
use crate::store::{Store, StoreError};

pub struct SqliteImport<'a> {
    store: &'a Store,
    tx: Transaction<'a>,
    import_id: i64,
}

/// How many stored keys a batch's key range may hold, per id of the
/// batch, before `held` looks the ids up one by one instead.
const SPREAD: usize = 4;

/// The page cache of an import's connection, in KiB: a county month's
/// daily rows and their index stay in memory while they are upserted
/// rather than spilling to the WAL and being read back (SQLite's default
/// is 2 MiB).
const IMPORT_CACHE_KIB: i64 = 64 * 1024;

/// A table's triggers, dropped inside an import's transaction and created
/// again, verbatim and in order, before it commits (a rollback brings them
/// back as well). Upserts into a table with triggers each keep a
/// statement journal (a copy of every page they touch, in case a trigger
/// fails half way) and run the triggers' programs: for the third of a
/// million daily rows of a county's month that was more than the upserts'
/// own work. The import does what the triggers would: it hands out
/// revisions itself (`Revisions`; the revision triggers stand aside for
/// rows written with one anyway) and adds to the month totals once. A
/// trigger added to `daily_payments` must be done here too
/// (tests/month_totals.rs lists the ones there are).
struct TriggersAside<'t> {
    tx: &'t Transaction<'t>,
    /// Each trigger's `CREATE TRIGGER` statement, in the order made.
    triggers: Vec<String>,
}

impl<'t> TriggersAside<'t> {
    fn start(tx: &'t Transaction<'t>, table: &str) -> Result<TriggersAside<'t>, StoreError> {
        let found: Vec<(String, String)> = tx
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1 ORDER BY rowid")?
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut triggers = Vec::with_capacity(found.len());
        for (name, sql) in found {
            tx.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))?;
            triggers.push(sql);
        }
        Ok(TriggersAside { tx, triggers })
    }

    fn restore(self) -> Result<(), StoreError> {
        for sql in &self.triggers {
            self.tx.execute_batch(sql)?;
        }
        Ok(())
    }
}

/// (month, station, category) → (daily rows new, count, fen) of a write.
type MonthSums<'a> = HashMap<(Month, &'a str, &'a str), (i64, i64, i64), BuildHasherDefault<FxHasher>>;

/// Revisions for the rows an import writes.
struct Revisions {
    next: i64,
}

impl Revisions {
    fn start(tx: &Transaction<'_>) -> Result<Revisions, rusqlite::Error> {
        let current: i64 = tx.query_row("SELECT rev FROM sync_revision WHERE id = 1", [], |r| r.get(0))?;
        Ok(Revisions { next: current + 1 })
    }

    fn take(&mut self) -> i64 {
        self.next += 1;
        self.next - 1
    }

    fn finish(self, tx: &Transaction<'_>) -> Result<(), rusqlite::Error> {
        tx.execute("UPDATE sync_revision SET rev = ?1 WHERE id = 1", [self.next - 1])?;
        Ok(())
    }
}

impl<'a> SqliteImport<'a> {
    /// Begins the import of `rows`' file: its row in `imports`.
    pub fn start<T>(store: &'a Store, rows: &Rows<T>) -> Result<SqliteImport<'a>, ImportError> {
        // Each daily upsert fires a revision trigger, which keeps a
        // statement journal: in memory it is cheap (each is one row's
        // worth); in a temporary file it was a third of an import's time.
        store.conn().pragma_update(None, "temp_store", "MEMORY")?;
        store.conn().pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
        let tx = store.conn().unchecked_transaction()?;
        tx.execute(
            "INSERT INTO imports (kind, file_name, imported_at) VALUES (?1, ?2, ?3)",
            params![
                rows.kind().as_str(),
                rows.path().display().to_string(),
                Utc::now().to_rfc3339()
            ],
        )?;
        let import_id = tx.last_insert_rowid();
        Ok(SqliteImport { store, tx, import_id })
    }

    /// Which of `ids` `table` holds already (under its key `key`): one
    /// walk of the key range the batch spans, merged with the sorted
    /// batch, instead of a lookup per row. Exports come in time order and
    /// their ids with it, so a batch's range holds little else; where it
    /// holds more than `SPREAD` times the batch (ids in no order), each id
    /// is looked up, in sorted order.
    fn held<'i>(&self, table: &str, key: &str, ids: impl Iterator<Item = &'i str>) -> Result<Vec<bool>, StoreError> {
        let ids: Vec<&str> = ids.collect();
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_unstable_by_key(|&i| ids[i]);
        let mut held = vec![false; ids.len()];
        let (Some(&low), Some(&high)) = (order.first(), order.last()) else {
            return Ok(held);
        };
        let limit = ids.len() * SPREAD;
        let mut walk = self.tx.prepare_cached(&format!(
            "SELECT {key} FROM {table} WHERE {key} BETWEEN ?1 AND ?2 ORDER BY {key} LIMIT ?3"
        ))?;
        let mut rows = walk.query(params![ids[low], ids[high], limit + 1])?;
        let (mut next, mut walked) = (0, 0);
        while let Some(row) = rows.next()? {
            walked += 1;
            if walked > limit {
                break;
            }
            let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            while next < order.len() && ids[order[next]] < id {
                next += 1;
            }
            // A batch may name an id twice.
            while next < order.len() && ids[order[next]] == id {
                held[order[next]] = true;
                next += 1;
            }
        }
        drop(rows);
        if walked > limit {
            let mut one = self
                .tx
                .prepare_cached(&format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE {key} = ?1)"))?;
            for &i in &order {
                held[i] = one.query_row([ids[i]], |r| r.get(0))?;
            }
        }
        Ok(held)
    }

    /// Which of `totals`' daily rows the table holds already: read a day
    /// at a time, in key order, for the days `totals` names (a month's
    /// worth; none held when the month is new), then looked up sorted.
    fn daily_payments_held(
        &self,
        totals: &[DailyPayment],
        days: &BTreeMap<NaiveDate, String>,
    ) -> Result<Vec<bool>, StoreError> {
        let mut of_day = self.tx.prepare_cached(
            "SELECT station_id, category FROM daily_payments WHERE day = ?1 ORDER BY station_id, category",
        )?;
        let mut held: HashMap<NaiveDate, Vec<(String, String)>> = HashMap::new();
        for (day, text) in days {
            let keys: Vec<(String, String)> = of_day
                .query_map([text], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            if !keys.is_empty() {
                held.insert(*day, keys);
            }
        }
        Ok(totals
            .iter()
            .map(|((station, day, category), _)| {
                held.get(day).is_some_and(|keys| {
                    keys.binary_search_by(|(s, c)| (s.as_str(), c.as_str()).cmp(&(station.as_str(), category.as_str())))
                        .is_ok()
                })
            })
            .collect())
    }

    fn ids(&self, sql: &str, param: Option<&str>) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self.tx.prepare_cached(sql)?;
        let rows = match param {
            Some(p) => stmt.query_map([p], |r| r.get(0))?.collect::<Result<_, _>>()?,
            None => stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?,
        };
        Ok(rows)
    }
}

impl ImportTx for SqliteImport<'_> {
    fn import_id(&self) -> i64 {
        self.import_id
    }

    fn station_ids(&mut self) -> Result<HashSet<String>, StoreError> {
        self.ids("SELECT id FROM stations", None)
    }

    fn branch_ids(&mut self) -> Result<HashSet<String>, StoreError> {
        self.ids("SELECT id FROM branches", None)
    }

    fn person_ids(&mut self) -> Result<HashSet<String>, StoreError> {
        self.ids("SELECT id FROM people", None)
    }

    fn reversed_ids(&mut self, kind: &str) -> Result<HashSet<String>, StoreError> {
        self.ids("SELECT txn_id FROM reversed_txns WHERE kind = ?1", Some(kind))
    }

    fn today(&mut self) -> Result<NaiveDate, StoreError> {
        self.store.today()
    }

    fn card_key(&mut self) -> Result<Vec<u8>, StoreError> {
        self.store.card_key(&self.tx)
    }

    fn write_registry_row(&mut self, row: &StationRow) -> Result<bool, StoreError> {
        let tx = &self.tx;
        for (id, name) in [
            (&row.manager_id, &row.manager_name),
            (&row.maintainer_id, &row.maintainer_name),
        ] {
            tx.prepare_cached(
                "INSERT INTO people (id, name) VALUES (?1, coalesce(?2, ?1))
                 ON CONFLICT (id) DO UPDATE SET name = coalesce(?2, people.name)",
            )?
            .execute(params![id, name])?;
        }
        tx.prepare_cached(
            "INSERT INTO branches (id, name, kind, manager_id) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, manager_id = excluded.manager_id",
        )?
        .execute(params![row.branch_code, row.branch_name, row.branch_kind.as_str(), row.manager_id])?;
        // The file is authoritative for the people it names: a maintainer
        // moved to another branch leaves the old one.
        tx.prepare_cached("DELETE FROM branch_maintainers WHERE person_id = ?1 AND branch_id <> ?2")?
            .execute(params![row.maintainer_id, row.branch_code])?;
        tx.prepare_cached("INSERT OR IGNORE INTO branch_maintainers (branch_id, person_id) VALUES (?1, ?2)")?
            .execute(params![row.branch_code, row.maintainer_id])?;
        let changed = tx
            .prepare_cached(
                "INSERT INTO stations (id, name, kind, branch_id, maintainer_id, village, village_households,
                     stations_in_village, route_order, status, has_terminal, has_green_card, opened_on, closed_on,
                     signed_on, installed_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                     branch_id = excluded.branch_id, maintainer_id = excluded.maintainer_id,
                     village = excluded.village, village_households = excluded.village_households,
                     stations_in_village = excluded.stations_in_village, route_order = excluded.route_order,
                     status = excluded.status, has_terminal = excluded.has_terminal,
                     has_green_card = excluded.has_green_card, opened_on = excluded.opened_on,
                     closed_on = excluded.closed_on, signed_on = excluded.signed_on,
                     installed_on = excluded.installed_on
                 WHERE (name, kind, branch_id, maintainer_id, village, village_households, stations_in_village,
                        route_order, status, has_terminal, has_green_card, opened_on, closed_on, signed_on,
                        installed_on)
                    IS NOT (excluded.name, excluded.kind, excluded.branch_id, excluded.maintainer_id,
                        excluded.village, excluded.village_households, excluded.stations_in_village,
                        excluded.route_order, excluded.status, excluded.has_terminal, excluded.has_green_card,
                        excluded.opened_on, excluded.closed_on, excluded.signed_on, excluded.installed_on)",
            )?
            .execute(params![
                row.code,
                row.name,
                row.kind.as_str(),
                row.branch_code,
                row.maintainer_id,
                row.village,
                row.village_households,
                row.stations_in_village,
                row.route_order,
                row.status.as_str(),
                row.has_terminal,
                row.has_green_card,
                row.opened_on,
                row.closed_on,
                row.signed_on,
                row.installed_on,
            ])?;
        // The owner (payee) columns: an empty cell keeps what is stored.
        let owner_changed = tx
            .prepare_cached(
                "UPDATE stations SET owner_name = coalesce(?2, owner_name), owner_phone = coalesce(?3, owner_phone)
                 WHERE id = ?1 AND (owner_name, owner_phone)
                       IS NOT (coalesce(?2, owner_name), coalesce(?3, owner_phone))",
            )?
            .execute(params![row.code, row.owner_name, row.owner_phone])?;
        Ok(changed > 0 || owner_changed > 0)
    }

    fn maintains_elsewhere(&mut self, person: &str, branch: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .tx
            .query_row(
                "SELECT branch_id FROM branch_maintainers WHERE person_id = ?1 AND branch_id <> ?2",
                params![person, branch],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn write_plan(&mut self, branch: &str, month: Month, target: u64) -> Result<Option<u64>, StoreError> {
        let before: Option<u64> = self
            .tx
            .query_row(
                "SELECT target FROM plans WHERE branch_id = ?1 AND month = ?2",
                params![branch, month.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        self.tx.execute(
            "INSERT INTO plans (branch_id, month, target) VALUES (?1, ?2, ?3)
             ON CONFLICT (branch_id, month) DO UPDATE SET target = excluded.target",
            params![branch, month.to_string(), target],
        )?;
        Ok(before)
    }

    fn write_station_plan(
        &mut self,
        station: &str,
        month: Month,
        targets: (i64, i64),
    ) -> Result<Option<bool>, StoreError> {
        let month = month.to_string();
        let before: Option<(i64, i64)> = self
            .tx
            .query_row(
                "SELECT collection_target_fen, distribution_target_fen FROM station_plans
                 WHERE station_id = ?1 AND month = ?2",
                params![station, month],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        self.tx.execute(
            "INSERT INTO station_plans (station_id, month, collection_target_fen, distribution_target_fen)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (station_id, month) DO UPDATE SET
                 collection_target_fen = excluded.collection_target_fen,
                 distribution_target_fen = excluded.distribution_target_fen",
            params![station, month, targets.0, targets.1],
        )?;
        Ok(before.map(|b| b == targets))
    }

    fn write_distribution(&mut self, station: &str, month: Month, fen: i64) -> Result<Option<bool>, StoreError> {
        let month = month.to_string();
        let before: Option<i64> = self
            .tx
            .query_row(
                "SELECT amount_fen FROM distribution_sales WHERE station_id = ?1 AND month = ?2",
                params![station, month],
                |r| r.get(0),
            )
            .optional()?;
        self.tx.execute(
            "INSERT INTO distribution_sales (station_id, month, amount_fen) VALUES (?1, ?2, ?3)
             ON CONFLICT (station_id, month) DO UPDATE SET amount_fen = excluded.amount_fen",
            params![station, month, fen],
        )?;
        Ok(before.map(|b| b == fen))
    }

    fn update_person(&mut self, row: &PersonRow) -> Result<bool, StoreError> {
        let changed = self.tx.execute(
            "UPDATE people SET name = coalesce(?2, name), phone = coalesce(?3, phone),
                 has_green_card = coalesce(?4, has_green_card)
             WHERE id = ?1 AND (name, phone, has_green_card)
                   IS NOT (coalesce(?2, name), coalesce(?3, phone), coalesce(?4, has_green_card))",
            params![row.person_id, row.name, row.phone, row.has_green_card],
        )?;
        Ok(changed > 0)
    }

    fn write_invoice(
        &mut self,
        month: Month,
        station: &str,
        received: bool,
        invoice_no: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<InvoiceChange, StoreError> {
        Ok(super::payout::write_invoice(
            &self.tx, month, station, received, invoice_no, None, now,
        )?)
    }

    fn insert_payments(&mut self, rows: &[NewPayment]) -> Result<Vec<bool>, StoreError> {
        let held = self.held("payment_txns", "txn_id", rows.iter().map(|p| p.txn_id.as_str()))?;
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO payment_txns (txn_id, station_id, day, category, amount_fen, import_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        rows.iter()
            .zip(held)
            .map(|(p, held)| {
                if held {
                    return Ok(false);
                }
                let n = insert.execute(params![
                    p.txn_id,
                    p.station,
                    p.day_text,
                    p.category,
                    p.fen,
                    self.import_id
                ])?;
                Ok(n > 0)
            })
            .collect()
    }

    fn take_back_payment(&mut self, txn_id: &str) -> Result<Option<TakenPayment>, StoreError> {
        Ok(self
            .tx
            .prepare_cached(
                "DELETE FROM payment_txns WHERE txn_id = ?1 RETURNING station_id, day, category, amount_fen, import_id",
            )?
            .query_row([txn_id], |r| {
                Ok(TakenPayment {
                    station: r.get(0)?,
                    day: r.get(1)?,
                    category: r.get(2)?,
                    fen: r.get(3)?,
                    import_id: r.get(4)?,
                })
            })
            .optional()?)
    }

    fn mark_reversed(&mut self, txn_id: &str, kind: &str) -> Result<(), StoreError> {
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO reversed_txns (txn_id, kind, import_id) VALUES (?1, ?2, ?3)")?
            .execute(params![txn_id, kind, self.import_id])?;
        Ok(())
    }

    fn add_daily_payments(&mut self, totals: &[DailyPayment]) -> Result<(), StoreError> {
        if totals.is_empty() {
            return Ok(());
        }
        // The table's triggers set aside for the writes (see
        // `TriggersAside`); the month totals, which they would have kept
        // one daily row at a time, get one addition each at the end. When
        // the totals are stale their triggers are gone already and the
        // next `resume_month_totals` rebuilds them from the days.
        let aside = TriggersAside::start(&self.tx, "daily_payments")?;
        let totals_fresh = self.store.month_totals_fresh()?;
        // Each day's text, made once rather than per row.
        let days: BTreeSet<NaiveDate> = totals.iter().map(|((_, day, _), _)| *day).collect();
        let days: BTreeMap<NaiveDate, String> = days.into_iter().map(|day| (day, day_text(day))).collect();
        // A day's row held already is added to, else inserted. Not one
        // upsert: SQLite checks the row to insert (count >= 0) before it
        // finds the conflict, so a reversal taking back what an earlier
        // file counted (a negative change) failed the whole import.
        let held = self.daily_payments_held(totals, &days)?;
        let mut insert = self.tx.prepare_cached(
            "INSERT INTO daily_payments (station_id, day, category, count, amount_fen, rev)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut add = self.tx.prepare_cached(
            "UPDATE daily_payments SET count = count + ?4, amount_fen = amount_fen + ?5, rev = ?6
             WHERE day = ?2 AND station_id = ?1 AND category = ?3",
        )?;
        let mut revisions = Revisions::start(&self.tx)?;
        for (((station, day, category), (count, fen)), &held) in totals.iter().zip(&held) {
            let write = if held { &mut add } else { &mut insert };
            write.execute(params![station, days[day], category, count, fen, revisions.take()])?;
        }
        drop((insert, add));
        revisions.finish(&self.tx)?;
        if totals_fresh {
            let mut sums = MonthSums::default();
            // A station's first payment can only move earlier with a day
            // it had no row for.
            let mut firsts: HashMap<&str, NaiveDate> = HashMap::new();
            for (((station, day, category), (count, fen)), &held) in totals.iter().zip(&held) {
                let sum = sums.entry((Month::of(*day), station, category)).or_default();
                sum.0 += i64::from(!held);
                sum.1 += count;
                sum.2 += fen;
                if !held {
                    let first = firsts.entry(station.as_str()).or_insert(*day);
                    *first = (*first).min(*day);
                }
            }
            add_month_payments(&self.tx, sums)?;
            add_first_payments(
                &self.tx,
                firsts.into_iter().map(|(station, day)| (station, days[&day].as_str())),
            )?;
        }
        aside.restore()?;
        Ok(())
    }

    fn insert_cards(&mut self, rows: &[NewCard]) -> Result<Vec<bool>, StoreError> {
        let held = self.held("card_txns", "txn_id", rows.iter().map(|c| c.txn_id.as_str()))?;
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO card_txns (txn_id, station_id, day, card_hash, import_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        rows.iter()
            .zip(held)
            .map(|(c, held)| {
                if held {
                    return Ok(false);
                }
                let n = insert.execute(params![c.txn_id, c.station, c.day_text, c.hash, self.import_id])?;
                Ok(n > 0)
            })
            .collect()
    }

    fn take_back_card(&mut self, txn_id: &str) -> Result<Option<(String, String)>, StoreError> {
        Ok(self
            .tx
            .prepare_cached("DELETE FROM card_txns WHERE txn_id = ?1 RETURNING station_id, day")?
            .query_row([txn_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    fn swipes_per_card(&mut self, station: &str, day: &str) -> Result<Vec<u64>, StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT count(*) FROM card_txns WHERE station_id = ?1 AND day = ?2 GROUP BY card_hash")?;
        let counts = stmt.query_map(params![station, day], |r| r.get(0))?;
        Ok(counts.collect::<Result<_, _>>()?)
    }

    fn set_daily_cards(&mut self, days: &[(String, NaiveDate, CardCounts)]) -> Result<(), StoreError> {
        let mut set = self.tx.prepare_cached(
            "INSERT INTO daily_cards (station_id, day, raw, valid, rev) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (day, station_id) DO UPDATE SET raw = excluded.raw, valid = excluded.valid,
                 rev = excluded.rev",
        )?;
        let mut revisions = Revisions::start(&self.tx)?;
        for (station, day, counts) in days {
            set.execute(params![station, day, counts.raw, counts.valid, revisions.take()])?;
        }
        revisions.finish(&self.tx)?;
        Ok(())
    }

    fn insert_referrals(&mut self, rows: &[NewReferral]) -> Result<Vec<bool>, StoreError> {
        let held = self.held("referral_records", "referral_id", rows.iter().map(|r| r.id.as_str()))?;
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO referral_records (referral_id, station_id, day, kind, import_id)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        rows.iter()
            .zip(held)
            .map(|(r, held)| {
                if held {
                    return Ok(false);
                }
                let n = insert.execute(params![r.id, r.station, r.day_text, r.kind, self.import_id])?;
                Ok(n > 0)
            })
            .collect()
    }

    fn add_daily_referrals(&mut self, totals: &[DailyReferrals]) -> Result<(), StoreError> {
        let mut add = self.tx.prepare_cached(
            "INSERT INTO daily_referrals (station_id, day, kind, count, rev) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (day, station_id, kind) DO UPDATE SET count = count + excluded.count,
                 rev = excluded.rev",
        )?;
        let mut revisions = Revisions::start(&self.tx)?;
        for ((station, day, kind), count) in totals {
            add.execute(params![station, day, kind, count, revisions.take()])?;
        }
        revisions.finish(&self.tx)?;
        Ok(())
    }

    fn commit(self, summary: &ImportSummary) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE imports SET rows_read = ?2, rows_new = ?3, rows_duplicate = ?4, rows_reversed = ?5 WHERE id = ?1",
            params![
                self.import_id,
                summary.rows_read,
                summary.rows_new + summary.rows_updated,
                summary.rows_duplicate,
                summary.rows_reversed
            ],
        )?;
        self.tx.commit()?;
        Ok(())
    }
}
