//! Writing imported rows into the store: one file is one transaction. Any
//! bad row and nothing is imported; the error lists the first 20 bad rows.
//! Transactions are kept by id, so a repeated or overlapping file adds
//! nothing twice; reversed ones never count.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Transaction};

pub use super::card_key::card_hash;
use super::facts::fen_from_yuan;
use super::row_policy::{category_of_row, version_of_row};
use super::{Store, StoreError};
use crate::i18n::{trf, Text};
use crate::ingest::{CardRow, ImportKind, IngestError, PaymentRow, PlanRow, ReferralRow, RowError, Rows, StationRow};
use crate::month::Month;
use crate::policy::Policy;

mod payout;
pub use payout::InvoiceChange;

/// How many bad rows an error lists.
pub const MAX_LISTED_ERRORS: usize = 20;

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub kind: ImportKind,
    pub file: String,
    /// CSV (encoding) or XLSX (worksheet).
    pub format: String,
    pub rows_read: u64,
    /// Rows not in the store before.
    pub rows_new: u64,
    /// Registry and plan rows that changed an existing record.
    pub rows_updated: u64,
    /// Transactions already in the store (a repeated or overlapping file).
    pub rows_duplicate: u64,
    /// Reversed or cancelled transactions, which never count.
    pub rows_reversed: u64,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let read = if self.rows_read == 1 {
            Text::ImportReadOne
        } else {
            Text::ImportReadMany
        };
        f.write_str(&trf(read, &[&self.file, &self.rows_read, &self.format, &self.rows_new]))?;
        if self.rows_updated > 0 {
            f.write_str(&trf(Text::ImportUpdated, &[&self.rows_updated]))?;
        }
        if self.rows_duplicate > 0 {
            f.write_str(&trf(Text::ImportDuplicate, &[&self.rows_duplicate]))?;
        }
        if self.rows_reversed > 0 {
            f.write_str(&trf(Text::ImportReversed, &[&self.rows_reversed]))?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] IngestError),
    #[error("{}", bad_rows_message(file, errors, *total))]
    BadRows {
        file: String,
        /// The first `MAX_LISTED_ERRORS` bad rows.
        errors: Vec<RowError>,
        total: u64,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> ImportError {
        ImportError::Store(StoreError::Sql(e))
    }
}

fn bad_rows_message(file: &str, errors: &[RowError], total: u64) -> String {
    let bad = if total == 1 {
        Text::ImportBadRowsOne
    } else {
        Text::ImportBadRowsMany
    };
    let mut out = trf(bad, &[&file, &total]);
    for e in errors {
        out.push_str(&format!("\n  {e}"));
    }
    if total > errors.len() as u64 {
        out.push_str("\n  ");
        out.push_str(&trf(Text::ImportAndMore, &[&(total - errors.len() as u64)]));
    }
    out
}

/// Collects row errors, keeping the first few.
#[derive(Default)]
pub(super) struct Problems {
    listed: Vec<RowError>,
    pub(super) total: u64,
}

impl Problems {
    pub(super) fn add(&mut self, e: RowError) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED_ERRORS {
            self.listed.push(e);
        }
    }

    fn into_result(self, file: &str) -> Result<(), ImportError> {
        if self.total == 0 {
            Ok(())
        } else {
            Err(ImportError::BadRows {
                file: file.to_string(),
                errors: self.listed,
                total: self.total,
            })
        }
    }
}

/// A parsed row whose station is in the registry; a parse error or an
/// unknown station is recorded instead.
pub(super) fn known_station<T>(
    row: Result<T, RowError>,
    stations: &HashSet<String>,
    station_of: impl Fn(&T) -> (&str, u64),
    problems: &mut Problems,
) -> Option<T> {
    let row = match row {
        Ok(row) => row,
        Err(e) => {
            problems.add(e);
            return None;
        }
    };
    let (code, line) = station_of(&row);
    if !stations.contains(code) {
        problems.add(row_error(line, "站点编码", trf(Text::ImportUnknownStation, &[&code])));
        return None;
    }
    Some(row)
}

pub(super) fn row_error(line: u64, column: &str, reason: String) -> RowError {
    RowError {
        line,
        column: column.to_string(),
        reason,
    }
}

fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Hands out sync revisions for the daily rows an import writes, so the
/// revision triggers (migration 0003) stand aside: one read and one write
/// of the counter instead of two statements per row.
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

/// `YYYY-MM-DD` of the last day asked for, formatted once: rows of an
/// export come in time order.
#[derive(Default)]
struct DayText {
    day: Option<NaiveDate>,
    text: String,
}

impl DayText {
    fn of(&mut self, day: NaiveDate) -> &str {
        if self.day != Some(day) {
            self.text = day_text(day);
            self.day = Some(day);
        }
        &self.text
    }
}

pub(super) struct Started<'a> {
    pub(super) tx: Transaction<'a>,
    pub(super) import_id: i64,
    pub(super) summary: ImportSummary,
}

impl Store {
    pub(super) fn start_import<T>(&self, rows: &Rows<T>) -> Result<Started<'_>, ImportError> {
        // Each daily upsert fires a revision trigger, which keeps a
        // statement journal: in memory it is cheap (each is one row's
        // worth); in a temporary file it was a third of an import's time.
        self.conn().pragma_update(None, "temp_store", "MEMORY")?;
        let tx = self.conn().unchecked_transaction()?;
        let file = rows.path().display().to_string();
        tx.execute(
            "INSERT INTO imports (kind, file_name, imported_at) VALUES (?1, ?2, ?3)",
            params![rows.kind().as_str(), file, chrono::Utc::now().to_rfc3339()],
        )?;
        let import_id = tx.last_insert_rowid();
        Ok(Started {
            tx,
            import_id,
            summary: ImportSummary {
                kind: rows.kind(),
                format: rows.format().to_string(),
                file,
                rows_read: 0,
                rows_new: 0,
                rows_updated: 0,
                rows_duplicate: 0,
                rows_reversed: 0,
            },
        })
    }

    pub(super) fn finish_import(&self, started: Started<'_>, problems: Problems) -> Result<ImportSummary, ImportError> {
        let Started { tx, import_id, summary } = started;
        // Dropping the transaction rolls everything back.
        problems.into_result(&summary.file)?;
        tx.execute(
            "UPDATE imports SET rows_read = ?2, rows_new = ?3, rows_duplicate = ?4, rows_reversed = ?5 WHERE id = ?1",
            params![
                import_id,
                summary.rows_read,
                summary.rows_new + summary.rows_updated,
                summary.rows_duplicate,
                summary.rows_reversed
            ],
        )?;
        tx.commit()?;
        Ok(summary)
    }

    pub(super) fn station_ids(&self) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self.conn().prepare("SELECT id FROM stations")?;
        let ids = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    }

    fn reversed_ids(&self, kind: &str) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT txn_id FROM reversed_txns WHERE kind = ?1")?;
        let ids = stmt.query_map([kind], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// The station registry: stations with their branch and people.
    pub fn import_stations(&self, mut rows: Rows<StationRow>) -> Result<ImportSummary, ImportError> {
        let mut started = self.start_import(&rows)?;
        let mut problems = Problems::default();
        // Within the file: a branch has one manager and kind; a maintainer
        // belongs to one branch (R9: each person belongs to one branch).
        let mut branch_of_row: HashMap<String, (String, crate::policy::Kind, u64)> = HashMap::new();
        let mut maintainer_branch: HashMap<String, (String, u64)> = HashMap::new();
        let mut seen_codes: HashMap<String, u64> = HashMap::new();
        let mut valid_rows = Vec::new();
        for row in rows.by_ref() {
            started.summary.rows_read += 1;
            let row = match row {
                Ok(row) => row,
                Err(e) => {
                    problems.add(e);
                    continue;
                }
            };
            if let Some(first) = seen_codes.insert(row.code.clone(), row.line) {
                problems.add(row_error(
                    row.line,
                    "站点编码",
                    trf(Text::ImportStationTwice, &[&row.code, &first]),
                ));
                continue;
            }
            match branch_of_row.get(&row.branch_code) {
                Some((manager, _, line)) if *manager != row.manager_id => {
                    problems.add(row_error(
                        row.line,
                        "支局长",
                        trf(
                            Text::ImportBranchManagerDiffers,
                            &[&row.branch_code, manager, line, &row.manager_id],
                        ),
                    ));
                    continue;
                }
                Some((_, kind, line)) if *kind != row.branch_kind => {
                    problems.add(row_error(
                        row.line,
                        "支局类型",
                        trf(Text::ImportBranchKindDiffers, &[&row.branch_code, &kind.as_str(), line]),
                    ));
                    continue;
                }
                Some(_) => {}
                None => {
                    branch_of_row.insert(
                        row.branch_code.clone(),
                        (row.manager_id.clone(), row.branch_kind, row.line),
                    );
                }
            }
            match maintainer_branch.get(&row.maintainer_id) {
                Some((branch, line)) if *branch != row.branch_code => {
                    problems.add(row_error(
                        row.line,
                        "维护人员",
                        trf(Text::ImportOneBranchEach, &[&row.maintainer_id, branch, line]),
                    ));
                    continue;
                }
                _ => {
                    maintainer_branch.insert(row.maintainer_id.clone(), (row.branch_code.clone(), row.line));
                }
            }
            valid_rows.push(row);
        }
        // A manager may not be a maintainer of another branch in the file.
        for row in &valid_rows {
            if let Some((branch, line)) = maintainer_branch.get(&row.manager_id) {
                if *branch != row.branch_code {
                    problems.add(row_error(
                        row.line,
                        "支局长",
                        trf(
                            Text::ImportMaintainerCannotManageLine,
                            &[&row.manager_id, branch, line, &row.branch_code],
                        ),
                    ));
                }
            }
        }
        if problems.total > 0 {
            return self.finish_import(started, problems);
        }
        let existing = self.station_ids()?;
        for row in &valid_rows {
            let tx = &started.tx;
            for (id, name) in [
                (&row.manager_id, &row.manager_name),
                (&row.maintainer_id, &row.maintainer_name),
            ] {
                tx.execute(
                    "INSERT INTO people (id, name) VALUES (?1, coalesce(?2, ?1))
                     ON CONFLICT (id) DO UPDATE SET name = coalesce(?2, people.name)",
                    params![id, name],
                )?;
            }
            tx.execute(
                "INSERT INTO branches (id, name, kind, manager_id) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, manager_id = excluded.manager_id",
                params![row.branch_code, row.branch_name, row.branch_kind.as_str(), row.manager_id],
            )?;
            // The file is authoritative for the people it names: a
            // maintainer moved to another branch leaves the old one.
            tx.execute(
                "DELETE FROM branch_maintainers WHERE person_id = ?1 AND branch_id <> ?2",
                params![row.maintainer_id, row.branch_code],
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO branch_maintainers (branch_id, person_id) VALUES (?1, ?2)",
                params![row.branch_code, row.maintainer_id],
            )?;
            let changed = tx.execute(
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
                params![
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
                    row.opened_on.map(day_text),
                    row.closed_on.map(day_text),
                    row.signed_on.map(day_text),
                    row.installed_on.map(day_text),
                ],
            )?;
            // The owner (payee) columns: an empty cell keeps what is stored.
            let owner_changed = tx.execute(
                "UPDATE stations SET owner_name = coalesce(?2, owner_name), owner_phone = coalesce(?3, owner_phone)
                 WHERE id = ?1 AND (owner_name, owner_phone)
                       IS NOT (coalesce(?2, owner_name), coalesce(?3, owner_phone))",
                params![row.code, row.owner_name, row.owner_phone],
            )?;
            if !existing.contains(&row.code) {
                started.summary.rows_new += 1;
            } else if changed > 0 || owner_changed > 0 {
                started.summary.rows_updated += 1;
            }
        }
        // A manager who also maintains in another branch, through the
        // stored registry.
        for row in &valid_rows {
            let elsewhere: Option<String> = started
                .tx
                .query_row(
                    "SELECT branch_id FROM branch_maintainers WHERE person_id = ?1 AND branch_id <> ?2",
                    params![row.manager_id, row.branch_code],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(branch) = elsewhere {
                problems.add(row_error(
                    row.line,
                    "支局长",
                    trf(
                        Text::ImportMaintainerCannotManage,
                        &[&row.manager_id, &branch, &row.branch_code],
                    ),
                ));
            }
        }
        self.finish_import(started, problems)
    }

    /// Plans: each branch's target of valid stations per month.
    pub fn import_plans(&self, mut rows: Rows<PlanRow>) -> Result<ImportSummary, ImportError> {
        let mut started = self.start_import(&rows)?;
        let mut problems = Problems::default();
        let branches: HashSet<String> = self.branches()?.into_iter().map(|b| b.id).collect();
        for row in rows.by_ref() {
            started.summary.rows_read += 1;
            let row = match row {
                Ok(row) => row,
                Err(e) => {
                    problems.add(e);
                    continue;
                }
            };
            if !branches.contains(&row.branch_code) {
                problems.add(row_error(
                    row.line,
                    "支局编码",
                    trf(Text::ImportUnknownBranch, &[&row.branch_code]),
                ));
                continue;
            }
            if problems.total > 0 {
                continue;
            }
            let before: Option<u64> = started
                .tx
                .query_row(
                    "SELECT target FROM plans WHERE branch_id = ?1 AND month = ?2",
                    params![row.branch_code, row.month.to_string()],
                    |r| r.get(0),
                )
                .optional()?;
            started.tx.execute(
                "INSERT INTO plans (branch_id, month, target) VALUES (?1, ?2, ?3)
                 ON CONFLICT (branch_id, month) DO UPDATE SET target = excluded.target",
                params![row.branch_code, row.month.to_string(), row.target],
            )?;
            match before {
                None => started.summary.rows_new += 1,
                Some(t) if t != row.target => started.summary.rows_updated += 1,
                Some(_) => started.summary.rows_duplicate += 1,
            }
        }
        self.finish_import(started, problems)
    }

    /// Bill payments, by transaction id, summed into daily facts; each
    /// business type mapped to a category of its month's version (R13).
    pub fn import_payments(&self, mut rows: Rows<PaymentRow>, policy: &Policy) -> Result<ImportSummary, ImportError> {
        let mut started = self.start_import(&rows)?;
        let mut problems = Problems::default();
        let stations = self.station_ids()?;
        let mut reversed = self.reversed_ids("payment")?;
        // (station, day, category) → (count, fen) added by this file.
        let mut daily: HashMap<(String, NaiveDate, String), (i64, i64)> = HashMap::new();
        let mut day_texts = DayText::default();
        {
            let tx = &started.tx;
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO payment_txns (txn_id, station_id, day, category, amount_fen, import_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut take_back = tx.prepare_cached(
                "DELETE FROM payment_txns WHERE txn_id = ?1 RETURNING station_id, day, category, amount_fen, import_id",
            )?;
            let mut mark_reversed = tx.prepare_cached(
                "INSERT OR IGNORE INTO reversed_txns (txn_id, kind, import_id) VALUES (?1, 'payment', ?2)",
            )?;
            for row in rows.by_ref() {
                started.summary.rows_read += 1;
                let Some(row) = known_station(row, &stations, |r| (&r.station_code, r.line), &mut problems) else {
                    continue;
                };
                let Some(fen) = fen_from_yuan(row.amount) else {
                    problems.add(row_error(
                        row.line,
                        "金额",
                        trf(Text::ImportNotWholeFen, &[&row.amount]),
                    ));
                    continue;
                };
                // A reversal names the category too; a wrong one is still
                // a wrong row.
                let category = match category_of_row(policy, &row) {
                    Ok(category) => category,
                    Err(e) => {
                        problems.add(e);
                        continue;
                    }
                };
                if problems.total > 0 {
                    // Keep reading to report every bad row, write nothing more.
                    continue;
                }
                let day = row.time.date();
                if row.reversed {
                    started.summary.rows_reversed += 1;
                    mark_reversed.execute(params![row.txn_id, started.import_id])?;
                    reversed.insert(row.txn_id.clone());
                    // A reversal of a transaction already counted takes it back.
                    let taken: Option<(String, String, String, i64, i64)> = take_back
                        .query_row([&row.txn_id], |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                        })
                        .optional()?;
                    if let Some((station, day, category, fen, import_id)) = taken {
                        if import_id == started.import_id {
                            // Counted as new earlier in this very file.
                            started.summary.rows_new -= 1;
                        }
                        let day = crate::month::parse_date(&day).map_err(|_| StoreError::BadValue {
                            table: "payment_txns",
                            column: "day",
                            value: day.clone(),
                        })?;
                        let entry = daily.entry((station, day, category)).or_default();
                        entry.0 -= 1;
                        entry.1 -= fen;
                    }
                    continue;
                }
                if reversed.contains(&row.txn_id) {
                    started.summary.rows_reversed += 1;
                    continue;
                }
                let inserted = insert.execute(params![
                    row.txn_id,
                    row.station_code,
                    day_texts.of(day),
                    category,
                    fen,
                    started.import_id
                ])?;
                if inserted == 0 {
                    started.summary.rows_duplicate += 1;
                    continue;
                }
                started.summary.rows_new += 1;
                let entry = daily.entry((row.station_code, day, category.to_string())).or_default();
                entry.0 += 1;
                entry.1 += fen;
            }
            if problems.total == 0 {
                let mut add = tx.prepare_cached(
                    "INSERT INTO daily_payments (station_id, day, category, count, amount_fen, rev)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (day, station_id, category) DO UPDATE SET
                         count = count + excluded.count, amount_fen = amount_fen + excluded.amount_fen,
                         rev = excluded.rev",
                )?;
                // In station order: the writes then walk the table's pages
                // (and the by-station index) in order instead of at random.
                let mut totals: Vec<_> = daily.into_iter().collect();
                totals.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                let mut revisions = Revisions::start(tx)?;
                for ((station, day, category), (count, fen)) in totals {
                    add.execute(params![station, day_text(day), category, count, fen, revisions.take()])?;
                }
                revisions.finish(tx)?;
            }
        }
        self.finish_import(started, problems)
    }

    /// Card withdrawals: card numbers hashed, never stored; the daily
    /// valid count is recomputed under the policy's cap (R1).
    pub fn import_cards(&self, mut rows: Rows<CardRow>, policy: &Policy) -> Result<ImportSummary, ImportError> {
        let mut started = self.start_import(&rows)?;
        let mut problems = Problems::default();
        let stations = self.station_ids()?;
        let mut reversed = self.reversed_ids("card")?;
        // The key lives outside the database (store::card_key).
        let key = self.card_key(&started.tx)?;
        let mut touched: HashSet<(String, NaiveDate)> = HashSet::new();
        let mut day_texts = DayText::default();
        {
            let tx = &started.tx;
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO card_txns (txn_id, station_id, day, card_hash, import_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut take_back =
                tx.prepare_cached("DELETE FROM card_txns WHERE txn_id = ?1 RETURNING station_id, day")?;
            let mut mark_reversed = tx.prepare_cached(
                "INSERT OR IGNORE INTO reversed_txns (txn_id, kind, import_id) VALUES (?1, 'card', ?2)",
            )?;
            for row in rows.by_ref() {
                started.summary.rows_read += 1;
                let Some(row) = known_station(row, &stations, |r| (&r.station_code, r.line), &mut problems) else {
                    continue;
                };
                let day = row.time.date();
                // The day's cap is its month's version's (R1, R12).
                if let Err(e) = version_of_row(policy, day, row.line, "交易时间") {
                    problems.add(e);
                    continue;
                }
                if problems.total > 0 {
                    continue;
                }
                if row.reversed {
                    started.summary.rows_reversed += 1;
                    mark_reversed.execute(params![row.txn_id, started.import_id])?;
                    reversed.insert(row.txn_id.clone());
                    let taken: Option<(String, String)> = take_back
                        .query_row([&row.txn_id], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?;
                    if let Some((station, day)) = taken {
                        if let Ok(day) = crate::month::parse_date(&day) {
                            touched.insert((station, day));
                        }
                    }
                    continue;
                }
                if reversed.contains(&row.txn_id) {
                    started.summary.rows_reversed += 1;
                    continue;
                }
                let hash = card_hash(&key, &row.card_number);
                let inserted = insert.execute(params![
                    row.txn_id,
                    row.station_code,
                    day_texts.of(day),
                    hash,
                    started.import_id
                ])?;
                if inserted == 0 {
                    started.summary.rows_duplicate += 1;
                    continue;
                }
                started.summary.rows_new += 1;
                touched.insert((row.station_code, day));
            }
            if problems.total == 0 {
                let mut per_card = tx.prepare_cached(
                    "SELECT count(*) FROM card_txns WHERE station_id = ?1 AND day = ?2 GROUP BY card_hash",
                )?;
                let mut touched: Vec<_> = touched.into_iter().collect();
                touched.sort_unstable();
                let mut revisions = Revisions::start(tx)?;
                for (station, day) in touched {
                    // Every row's month was checked to have a version; a
                    // day taken back by a reversal may be older.
                    let cap = policy
                        .version_for(Month::of(day))
                        .map_or(u32::MAX, |v| v.card_cap.per_card_per_day);
                    let per_card_counts = per_card
                        .query_map(params![station, day_text(day)], |r| r.get::<_, u64>(0))?
                        .collect::<Result<Vec<u64>, _>>()?;
                    // R1 is applied by the policy, not here.
                    let counts = crate::policy::card_cap::card_counts_per_card(per_card_counts, cap);
                    tx.prepare_cached(
                        "INSERT INTO daily_cards (station_id, day, raw, valid, rev) VALUES (?1, ?2, ?3, ?4, ?5)
                         ON CONFLICT (day, station_id) DO UPDATE SET raw = excluded.raw, valid = excluded.valid,
                             rev = excluded.rev",
                    )?
                    .execute(params![
                        station,
                        day_text(day),
                        counts.raw,
                        counts.valid,
                        revisions.take()
                    ])?;
                }
                revisions.finish(tx)?;
            }
        }
        self.finish_import(started, problems)
    }

    /// Referrals, by referral id, counted per station, day and kind.
    pub fn import_referrals(&self, mut rows: Rows<ReferralRow>, policy: &Policy) -> Result<ImportSummary, ImportError> {
        let mut started = self.start_import(&rows)?;
        let mut problems = Problems::default();
        let stations = self.station_ids()?;
        let mut daily: HashMap<(String, NaiveDate, String), u64> = HashMap::new();
        {
            let tx = &started.tx;
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO referral_records (referral_id, station_id, day, kind, import_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for row in rows.by_ref() {
                started.summary.rows_read += 1;
                let Some(row) = known_station(row, &stations, |r| (&r.station_code, r.line), &mut problems) else {
                    continue;
                };
                let version = match version_of_row(policy, row.date, row.line, "日期") {
                    Ok(version) => version,
                    Err(e) => {
                        problems.add(e);
                        continue;
                    }
                };
                if !version.referral_rates.contains_key(&row.kind) {
                    problems.add(row_error(
                        row.line,
                        "类型",
                        trf(
                            Text::ImportNoReferralKind,
                            &[&policy.id, &row.kind, &Month::of(row.date), &version.effective_from],
                        ),
                    ));
                    continue;
                }
                if problems.total > 0 {
                    continue;
                }
                let inserted = insert.execute(params![
                    row.referral_id,
                    row.station_code,
                    day_text(row.date),
                    row.kind,
                    started.import_id
                ])?;
                if inserted == 0 {
                    started.summary.rows_duplicate += 1;
                    continue;
                }
                started.summary.rows_new += 1;
                *daily.entry((row.station_code, row.date, row.kind)).or_default() += 1;
            }
            if problems.total == 0 {
                let mut add = tx.prepare_cached(
                    "INSERT INTO daily_referrals (station_id, day, kind, count, rev) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (day, station_id, kind) DO UPDATE SET count = count + excluded.count,
                         rev = excluded.rev",
                )?;
                let mut totals: Vec<_> = daily.into_iter().collect();
                totals.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                let mut revisions = Revisions::start(tx)?;
                for ((station, day, kind), count) in totals {
                    add.execute(params![station, day_text(day), kind, count, revisions.take()])?;
                }
                revisions.finish(tx)?;
            }
        }
        self.finish_import(started, problems)
    }
}
