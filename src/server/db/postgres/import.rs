//! `ImportTx` on a PostgreSQL county database: the import logic of
//! `store::import` (the same checks, so a file is accepted or refused
//! exactly as by SQLite) over one PostgreSQL transaction per file. Rows of
//! the source systems and the daily sums go in batches (`unnest`), one
//! statement each. Revisions come from the triggers.
//!
//! The card key: `BIANMIN_CARD_KEY`, else a key file in the platform data
//! folder named after the database (`postgres-HOST-PORT-NAME.key`). Every
//! machine that imports cards into one database must use the same key:
//! give them all `BIANMIN_CARD_KEY`.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use postgres::{Client, Statement, Transaction};

use super::connect::DbUrl;
use crate::ingest::{PersonRow, Rows, StationRow};
use crate::month::Month;
use crate::policy::CardCounts;
use crate::store::card_key::{key_for_import, CHECK_KEY};
use crate::store::import::{
    day_text, DailyPayment, DailyReferrals, ImportError, ImportSummary, ImportTx, InvoiceChange, NewCard, NewPayment,
    NewReferral, TakenPayment,
};
use crate::store::StoreError;

/// Rows per statement of the daily sums.
const BATCH: usize = 5_000;

pub struct PgImport<'a> {
    tx: Transaction<'a>,
    import_id: i64,
    key_file: PathBuf,
    statements: HashMap<&'static str, Statement>,
}

/// The key file of a PostgreSQL database on this machine.
pub fn key_file(url: &DbUrl) -> PathBuf {
    let host = match url.config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "local".to_string(),
    };
    let port = url.config.get_ports().first().copied().unwrap_or(5432);
    let db = url.config.get_dbname().unwrap_or("postgres");
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    crate::store::data_dir().join(format!("postgres-{}-{port}-{}.key", clean(&host), clean(db)))
}

/// Which of `ids` a statement kept (it returned their ids): the first of
/// each id kept; a repeat later in the list, or one not returned, was
/// there already.
fn new_in_order(ids: &[&str], kept: Vec<postgres::Row>) -> Vec<bool> {
    let mut kept: HashSet<String> = kept.iter().map(|r| r.get(0)).collect();
    ids.iter().map(|id| kept.remove(*id)).collect()
}

fn flag(b: bool) -> i64 {
    i64::from(b)
}

impl<'a> PgImport<'a> {
    /// Begins the import of `rows`' file: its row in `imports`.
    pub fn start<T>(client: &'a mut Client, url: &DbUrl, rows: &Rows<T>) -> Result<PgImport<'a>, ImportError> {
        let mut tx = client.transaction()?;
        let import_id: i64 = tx
            .query_one(
                "INSERT INTO imports (kind, file_name, imported_at) VALUES ($1, $2, $3) RETURNING id",
                &[
                    &rows.kind().as_str(),
                    &rows.path().display().to_string(),
                    &Utc::now().to_rfc3339(),
                ],
            )?
            .get(0);
        Ok(PgImport {
            tx,
            import_id,
            key_file: key_file(url),
            statements: HashMap::new(),
        })
    }

    /// A statement prepared once per import.
    fn stmt(&mut self, sql: &'static str) -> Result<Statement, StoreError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }

    fn ids(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<HashSet<String>, StoreError> {
        Ok(self.tx.query(sql, params)?.iter().map(|r| r.get(0)).collect())
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .tx
            .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])?
            .map(|r| r.get(0)))
    }
}

impl ImportTx for PgImport<'_> {
    fn import_id(&self) -> i64 {
        self.import_id
    }

    fn station_ids(&mut self) -> Result<HashSet<String>, StoreError> {
        self.ids("SELECT id FROM stations", &[])
    }

    fn branch_ids(&mut self) -> Result<HashSet<String>, StoreError> {
        self.ids("SELECT id FROM branches", &[])
    }

    fn person_ids(&mut self) -> Result<HashSet<String>, StoreError> {
        self.ids("SELECT id FROM people", &[])
    }

    fn reversed_ids(&mut self, kind: &str) -> Result<HashSet<String>, StoreError> {
        self.ids("SELECT txn_id FROM reversed_txns WHERE kind = $1", &[&kind])
    }

    fn today(&mut self) -> Result<NaiveDate, StoreError> {
        Ok(self
            .meta("demo_today")?
            .and_then(|t| crate::month::parse_date(&t).ok())
            .unwrap_or_else(crate::month::today_shanghai))
    }

    fn card_key(&mut self) -> Result<Vec<u8>, StoreError> {
        let stored = self.meta(CHECK_KEY)?;
        let key_file = self.key_file.clone();
        let tx = &mut self.tx;
        let has_hashes: bool = tx.query_one("SELECT EXISTS (SELECT 1 FROM card_txns)", &[])?.get(0);
        key_for_import(
            Some(&key_file),
            || Ok(has_hashes),
            stored,
            |check| {
                tx.execute("INSERT INTO meta (key, value) VALUES ($1, $2)", &[&CHECK_KEY, &check])?;
                Ok(())
            },
        )
    }

    fn write_registry_row(&mut self, row: &StationRow) -> Result<bool, StoreError> {
        let person = self.stmt(
            "INSERT INTO people (id, name) VALUES ($1, coalesce($2, $1))
             ON CONFLICT (id) DO UPDATE SET name = coalesce($2, people.name)",
        )?;
        for (id, name) in [
            (&row.manager_id, &row.manager_name),
            (&row.maintainer_id, &row.maintainer_name),
        ] {
            self.tx.execute(&person, &[id, name])?;
        }
        let branch = self.stmt(
            "INSERT INTO branches (id, name, kind, manager_id) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, manager_id = excluded.manager_id",
        )?;
        self.tx.execute(
            &branch,
            &[
                &row.branch_code,
                &row.branch_name,
                &row.branch_kind.as_str(),
                &row.manager_id,
            ],
        )?;
        // The file is authoritative for the people it names: a maintainer
        // moved to another branch leaves the old one.
        let leave = self.stmt("DELETE FROM branch_maintainers WHERE person_id = $1 AND branch_id <> $2")?;
        self.tx.execute(&leave, &[&row.maintainer_id, &row.branch_code])?;
        let join =
            self.stmt("INSERT INTO branch_maintainers (branch_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")?;
        self.tx.execute(&join, &[&row.branch_code, &row.maintainer_id])?;
        let station = self.stmt(
            "INSERT INTO stations (id, name, kind, branch_id, maintainer_id, village, village_households,
                 stations_in_village, route_order, status, has_terminal, has_green_card, opened_on, closed_on,
                 signed_on, installed_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                 branch_id = excluded.branch_id, maintainer_id = excluded.maintainer_id,
                 village = excluded.village, village_households = excluded.village_households,
                 stations_in_village = excluded.stations_in_village, route_order = excluded.route_order,
                 status = excluded.status, has_terminal = excluded.has_terminal,
                 has_green_card = excluded.has_green_card, opened_on = excluded.opened_on,
                 closed_on = excluded.closed_on, signed_on = excluded.signed_on,
                 installed_on = excluded.installed_on
             WHERE (stations.name, stations.kind, stations.branch_id, stations.maintainer_id, stations.village,
                    stations.village_households, stations.stations_in_village, stations.route_order,
                    stations.status, stations.has_terminal, stations.has_green_card, stations.opened_on,
                    stations.closed_on, stations.signed_on, stations.installed_on)
                IS DISTINCT FROM (excluded.name, excluded.kind, excluded.branch_id, excluded.maintainer_id,
                    excluded.village, excluded.village_households, excluded.stations_in_village,
                    excluded.route_order, excluded.status, excluded.has_terminal, excluded.has_green_card,
                    excluded.opened_on, excluded.closed_on, excluded.signed_on, excluded.installed_on)",
        )?;
        let changed = self.tx.execute(
            &station,
            &[
                &row.code,
                &row.name,
                &row.kind.as_str(),
                &row.branch_code,
                &row.maintainer_id,
                &row.village,
                &row.village_households.map(|n| n as i64),
                &(row.stations_in_village as i64),
                &row.route_order.map(i64::from),
                &row.status.as_str(),
                &flag(row.has_terminal),
                &flag(row.has_green_card),
                &row.opened_on.map(day_text),
                &row.closed_on.map(day_text),
                &row.signed_on.map(day_text),
                &row.installed_on.map(day_text),
            ],
        )?;
        // The owner (payee) columns: an empty cell keeps what is stored.
        let owner = self.stmt(
            "UPDATE stations SET owner_name = coalesce($2, owner_name), owner_phone = coalesce($3, owner_phone)
             WHERE id = $1 AND (owner_name, owner_phone)
                   IS DISTINCT FROM (coalesce($2, owner_name), coalesce($3, owner_phone))",
        )?;
        let owner_changed = self
            .tx
            .execute(&owner, &[&row.code, &row.owner_name, &row.owner_phone])?;
        Ok(changed > 0 || owner_changed > 0)
    }

    fn maintains_elsewhere(&mut self, person: &str, branch: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .tx
            .query_opt(
                "SELECT branch_id FROM branch_maintainers WHERE person_id = $1 AND branch_id <> $2 LIMIT 1",
                &[&person, &branch],
            )?
            .map(|r| r.get(0)))
    }

    fn write_plan(&mut self, branch: &str, month: Month, target: u64) -> Result<Option<u64>, StoreError> {
        let month = month.to_string();
        let before = self
            .tx
            .query_opt(
                "SELECT target FROM plans WHERE branch_id = $1 AND month = $2",
                &[&branch, &month],
            )?
            .map(|r| r.get::<_, i64>(0) as u64);
        self.tx.execute(
            "INSERT INTO plans (branch_id, month, target) VALUES ($1, $2, $3)
             ON CONFLICT (branch_id, month) DO UPDATE SET target = excluded.target",
            &[&branch, &month, &(target as i64)],
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
        let before = self
            .tx
            .query_opt(
                "SELECT collection_target_fen, distribution_target_fen FROM station_plans
                 WHERE station_id = $1 AND month = $2",
                &[&station, &month],
            )?
            .map(|r| (r.get::<_, i64>(0), r.get::<_, i64>(1)));
        self.tx.execute(
            "INSERT INTO station_plans (station_id, month, collection_target_fen, distribution_target_fen)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (station_id, month) DO UPDATE SET
                 collection_target_fen = excluded.collection_target_fen,
                 distribution_target_fen = excluded.distribution_target_fen",
            &[&station, &month, &targets.0, &targets.1],
        )?;
        Ok(before.map(|b| b == targets))
    }

    fn write_distribution(&mut self, station: &str, month: Month, fen: i64) -> Result<Option<bool>, StoreError> {
        let month = month.to_string();
        let before = self
            .tx
            .query_opt(
                "SELECT amount_fen FROM distribution_sales WHERE station_id = $1 AND month = $2",
                &[&station, &month],
            )?
            .map(|r| r.get::<_, i64>(0));
        self.tx.execute(
            "INSERT INTO distribution_sales (station_id, month, amount_fen) VALUES ($1, $2, $3)
             ON CONFLICT (station_id, month) DO UPDATE SET amount_fen = excluded.amount_fen",
            &[&station, &month, &fen],
        )?;
        Ok(before.map(|b| b == fen))
    }

    fn update_person(&mut self, row: &PersonRow) -> Result<bool, StoreError> {
        let changed = self.tx.execute(
            "UPDATE people SET name = coalesce($2, name), phone = coalesce($3, phone),
                 has_green_card = coalesce($4, has_green_card)
             WHERE id = $1 AND (name, phone, has_green_card)
                   IS DISTINCT FROM (coalesce($2, name), coalesce($3, phone), coalesce($4, has_green_card))",
            &[&row.person_id, &row.name, &row.phone, &row.has_green_card.map(flag)],
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
        let month = month.to_string();
        let existed = self
            .tx
            .query_opt(
                "SELECT 1 FROM invoices WHERE month = $1 AND station_id = $2",
                &[&month, &station],
            )?
            .is_some();
        // A "not received" clears the number; nothing changes when
        // nothing changed, so the row keeps its revision.
        let written = self.tx.execute(
            "INSERT INTO invoices (month, station_id, received, invoice_no, recorded_by, recorded_at)
             VALUES ($1, $2, $3::bigint, CASE WHEN $3::bigint = 1 THEN $4::text END, $5::text, $6)
             ON CONFLICT (month, station_id) DO UPDATE SET received = excluded.received,
                 invoice_no = CASE WHEN excluded.received = 1 THEN coalesce($4::text, invoices.invoice_no) END,
                 recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at
             WHERE (invoices.received, invoices.invoice_no) IS DISTINCT FROM
                   (excluded.received, CASE WHEN excluded.received = 1 THEN coalesce($4::text, invoices.invoice_no) END)",
            &[&month, &station, &flag(received), &invoice_no, &None::<String>, &now.to_rfc3339()],
        )?;
        Ok(match (existed, written) {
            (false, _) => InvoiceChange::New,
            (true, 0) => InvoiceChange::Unchanged,
            (true, _) => InvoiceChange::Updated,
        })
    }

    fn insert_payments(&mut self, rows: &[NewPayment]) -> Result<Vec<bool>, StoreError> {
        let ids: Vec<&str> = rows.iter().map(|p| p.txn_id.as_str()).collect();
        let stations: Vec<&str> = rows.iter().map(|p| p.station.as_str()).collect();
        let days: Vec<&str> = rows.iter().map(|p| p.day_text.as_str()).collect();
        let categories: Vec<&str> = rows.iter().map(|p| p.category.as_str()).collect();
        let fens: Vec<i64> = rows.iter().map(|p| p.fen).collect();
        let kept = self.tx.query(
            "INSERT INTO payment_txns (txn_id, station_id, day, category, amount_fen, import_id)
             SELECT *, $6::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
             ON CONFLICT DO NOTHING RETURNING txn_id",
            &[&ids, &stations, &days, &categories, &fens, &self.import_id],
        )?;
        Ok(new_in_order(&ids, kept))
    }

    fn take_back_payment(&mut self, txn_id: &str) -> Result<Option<TakenPayment>, StoreError> {
        let stmt = self.stmt(
            "DELETE FROM payment_txns WHERE txn_id = $1 RETURNING station_id, day, category, amount_fen, import_id",
        )?;
        Ok(self.tx.query_opt(&stmt, &[&txn_id])?.map(|r| TakenPayment {
            station: r.get(0),
            day: r.get(1),
            category: r.get(2),
            fen: r.get(3),
            import_id: r.get(4),
        }))
    }

    fn mark_reversed(&mut self, txn_id: &str, kind: &str) -> Result<(), StoreError> {
        let stmt = self
            .stmt("INSERT INTO reversed_txns (txn_id, kind, import_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")?;
        let import_id = self.import_id;
        self.tx.execute(&stmt, &[&txn_id, &kind, &import_id])?;
        Ok(())
    }

    fn add_daily_payments(&mut self, totals: &[DailyPayment]) -> Result<(), StoreError> {
        for chunk in totals.chunks(BATCH) {
            let mut stations = Vec::with_capacity(chunk.len());
            let mut days = Vec::with_capacity(chunk.len());
            let mut categories = Vec::with_capacity(chunk.len());
            let mut counts = Vec::with_capacity(chunk.len());
            let mut fens = Vec::with_capacity(chunk.len());
            for ((station, day, category), (count, fen)) in chunk {
                stations.push(station.as_str());
                days.push(day_text(*day));
                categories.push(category.as_str());
                counts.push(*count);
                fens.push(*fen);
            }
            // The days held already are added to first, then the others
            // inserted. Not one upsert: PostgreSQL checks the row proposed
            // for insertion (count >= 0) before it sees the conflict, so a
            // reversal taking back what an earlier file counted (a negative
            // change to a day held) failed the whole import.
            self.tx.execute(
                "UPDATE daily_payments d SET count = d.count + u.count, amount_fen = d.amount_fen + u.fen
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
                      AS u(station_id, day, category, count, fen)
                 WHERE d.day = u.day AND d.station_id = u.station_id AND d.category = u.category",
                &[&stations, &days, &categories, &counts, &fens],
            )?;
            self.tx.execute(
                "INSERT INTO daily_payments (station_id, day, category, count, amount_fen)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
                      AS u(station_id, day, category, count, fen)
                 WHERE NOT EXISTS (SELECT 1 FROM daily_payments d
                                    WHERE d.day = u.day AND d.station_id = u.station_id AND d.category = u.category)
                 ON CONFLICT (day, station_id, category) DO UPDATE SET
                     count = daily_payments.count + excluded.count,
                     amount_fen = daily_payments.amount_fen + excluded.amount_fen",
                &[&stations, &days, &categories, &counts, &fens],
            )?;
        }
        Ok(())
    }

    fn insert_cards(&mut self, rows: &[NewCard]) -> Result<Vec<bool>, StoreError> {
        let ids: Vec<&str> = rows.iter().map(|c| c.txn_id.as_str()).collect();
        let stations: Vec<&str> = rows.iter().map(|c| c.station.as_str()).collect();
        let days: Vec<&str> = rows.iter().map(|c| c.day_text.as_str()).collect();
        let hashes: Vec<&[u8]> = rows.iter().map(|c| c.hash.as_slice()).collect();
        let kept = self.tx.query(
            "INSERT INTO card_txns (txn_id, station_id, day, card_hash, import_id)
             SELECT *, $5::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[])
             ON CONFLICT DO NOTHING RETURNING txn_id",
            &[&ids, &stations, &days, &hashes, &self.import_id],
        )?;
        Ok(new_in_order(&ids, kept))
    }

    fn take_back_card(&mut self, txn_id: &str) -> Result<Option<(String, String)>, StoreError> {
        let stmt = self.stmt("DELETE FROM card_txns WHERE txn_id = $1 RETURNING station_id, day")?;
        Ok(self.tx.query_opt(&stmt, &[&txn_id])?.map(|r| (r.get(0), r.get(1))))
    }

    fn swipes_per_card(&mut self, station: &str, day: &str) -> Result<Vec<u64>, StoreError> {
        let stmt = self.stmt("SELECT count(*) FROM card_txns WHERE station_id = $1 AND day = $2 GROUP BY card_hash")?;
        Ok(self
            .tx
            .query(&stmt, &[&station, &day])?
            .iter()
            .map(|r| r.get::<_, i64>(0) as u64)
            .collect())
    }

    fn set_daily_cards(&mut self, days: &[(String, NaiveDate, CardCounts)]) -> Result<(), StoreError> {
        for chunk in days.chunks(BATCH) {
            let stations: Vec<&str> = chunk.iter().map(|d| d.0.as_str()).collect();
            let dates: Vec<String> = chunk.iter().map(|d| day_text(d.1)).collect();
            let raw: Vec<i64> = chunk.iter().map(|d| d.2.raw as i64).collect();
            let valid: Vec<i64> = chunk.iter().map(|d| d.2.valid as i64).collect();
            self.tx.execute(
                "INSERT INTO daily_cards (station_id, day, raw, valid)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
                 ON CONFLICT (day, station_id) DO UPDATE SET raw = excluded.raw, valid = excluded.valid",
                &[&stations, &dates, &raw, &valid],
            )?;
        }
        Ok(())
    }

    fn insert_referrals(&mut self, rows: &[NewReferral]) -> Result<Vec<bool>, StoreError> {
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let stations: Vec<&str> = rows.iter().map(|r| r.station.as_str()).collect();
        let days: Vec<&str> = rows.iter().map(|r| r.day_text.as_str()).collect();
        let kinds: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
        let kept = self.tx.query(
            "INSERT INTO referral_records (referral_id, station_id, day, kind, import_id)
             SELECT *, $5::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
             ON CONFLICT DO NOTHING RETURNING referral_id",
            &[&ids, &stations, &days, &kinds, &self.import_id],
        )?;
        Ok(new_in_order(&ids, kept))
    }

    fn add_daily_referrals(&mut self, totals: &[DailyReferrals]) -> Result<(), StoreError> {
        for chunk in totals.chunks(BATCH) {
            let stations: Vec<&str> = chunk.iter().map(|t| t.0 .0.as_str()).collect();
            let days: Vec<String> = chunk.iter().map(|t| day_text(t.0 .1)).collect();
            let kinds: Vec<&str> = chunk.iter().map(|t| t.0 .2.as_str()).collect();
            let counts: Vec<i64> = chunk.iter().map(|t| t.1 as i64).collect();
            self.tx.execute(
                "INSERT INTO daily_referrals (station_id, day, kind, count)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
                 ON CONFLICT (day, station_id, kind) DO UPDATE SET count = daily_referrals.count + excluded.count",
                &[&stations, &days, &kinds, &counts],
            )?;
        }
        Ok(())
    }

    fn commit(mut self, summary: &ImportSummary) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE imports SET rows_read = $2, rows_new = $3, rows_duplicate = $4, rows_reversed = $5 WHERE id = $1",
            &[
                &self.import_id,
                &(summary.rows_read as i64),
                &((summary.rows_new + summary.rows_updated) as i64),
                &(summary.rows_duplicate as i64),
                &(summary.rows_reversed as i64),
            ],
        )?;
        self.tx.commit()?;
        Ok(())
    }
}
