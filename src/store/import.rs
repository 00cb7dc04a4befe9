//! Writing imported rows into a county database: one file is one
//! transaction. Any bad row and nothing is imported; the error lists the
//! first 20 bad rows. Transactions are kept by id, so a repeated or
//! overlapping file adds nothing twice; reversed ones never count.
//!
//! The logic is written once, over `ImportTx`: what an import asks of its
//! database's transaction. `sqlite` implements it on the store;
//! `server::db::postgres::import` on a PostgreSQL county database. So an
//! import into either accepts and refuses exactly the same files.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};

pub use super::card_key::card_hash;
use super::facts::fen_from_yuan;
use super::row_policy::{category_of_row, version_of_row};
use super::{Store, StoreError};
use crate::i18n::{trf, Text};
use crate::ingest::{
    read_ahead, CardRow, ImportKind, IngestError, PaymentRow, PersonRow, PlanRow, ReferralRow, RowError, Rows,
    StationRow,
};
use crate::month::Month;
use crate::policy::{CardCounts, Policy};

mod imports;
mod payout;
pub mod sqlite;
mod transactions;
pub use imports::Imports;
pub use payout::{import_invoices, import_people, InvoiceChange};
pub use transactions::{import_cards, import_payments, import_referrals};

/// A payment a reversal took back: its station, day, category, fen and
/// the import that had counted it.
pub struct TakenPayment {
    pub station: String,
    pub day: String,
    pub category: String,
    pub fen: i64,
    pub import_id: i64,
}

/// One import's transaction on a county database: what the import logic
/// asks of it. Every method works inside the transaction; dropped without
/// `commit`, nothing of the file is written.
pub trait ImportTx {
    /// This import's row in `imports`.
    fn import_id(&self) -> i64;
    fn station_ids(&mut self) -> Result<HashSet<String>, StoreError>;
    fn branch_ids(&mut self) -> Result<HashSet<String>, StoreError>;
    fn person_ids(&mut self) -> Result<HashSet<String>, StoreError>;
    /// Transaction ids seen reversed (`payment` or `card`).
    fn reversed_ids(&mut self, kind: &str) -> Result<HashSet<String>, StoreError>;
    /// Today for this database (the demo's day, else China's).
    fn today(&mut self) -> Result<NaiveDate, StoreError>;
    /// The key of the card hashes (`store::card_key`).
    fn card_key(&mut self) -> Result<Vec<u8>, StoreError>;

    /// Writes a registry row: its people, branch, the maintainer's branch
    /// and the station (owner columns: an empty cell keeps what is
    /// stored). Whether anything of an existing station changed.
    fn write_registry_row(&mut self, row: &StationRow) -> Result<bool, StoreError>;
    /// The branch a person maintains stations of, other than `branch`.
    fn maintains_elsewhere(&mut self, person: &str, branch: &str) -> Result<Option<String>, StoreError>;
    /// Writes a branch's plan; the target it had.
    fn write_plan(&mut self, branch: &str, month: Month, target: u64) -> Result<Option<u64>, StoreError>;
    /// Writes a station's monthly plan (fen); `Some(same)` when it had one.
    fn write_station_plan(
        &mut self,
        station: &str,
        month: Month,
        targets: (i64, i64),
    ) -> Result<Option<bool>, StoreError>;
    /// Writes a station's distribution sales (fen); as `write_station_plan`.
    fn write_distribution(&mut self, station: &str, month: Month, fen: i64) -> Result<Option<bool>, StoreError>;
    /// Updates a person's name, phone and 绿卡 (an empty cell keeps what
    /// is stored); whether anything changed.
    fn update_person(&mut self, row: &PersonRow) -> Result<bool, StoreError>;
    /// Writes an invoice row (`payout::write_invoice`'s rules).
    fn write_invoice(
        &mut self,
        month: Month,
        station: &str,
        received: bool,
        invoice_no: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<InvoiceChange, StoreError>;

    /// Keeps payments by id, in order; for each, whether it was new (not
    /// stored already, nor earlier in the list).
    fn insert_payments(&mut self, rows: &[NewPayment]) -> Result<Vec<bool>, StoreError>;
    /// Removes a counted payment that a reversal names.
    fn take_back_payment(&mut self, txn_id: &str) -> Result<Option<TakenPayment>, StoreError>;
    fn mark_reversed(&mut self, txn_id: &str, kind: &str) -> Result<(), StoreError>;
    /// Adds (count, fen) to each station's day and category.
    fn add_daily_payments(&mut self, totals: &[DailyPayment]) -> Result<(), StoreError>;
    /// Keeps card transactions by id, as `insert_payments`.
    fn insert_cards(&mut self, rows: &[NewCard]) -> Result<Vec<bool>, StoreError>;
    /// Removes a card transaction a reversal names: its station and day.
    fn take_back_card(&mut self, txn_id: &str) -> Result<Option<(String, String)>, StoreError>;
    /// How many transactions each card made at a station on a day.
    fn swipes_per_card(&mut self, station: &str, day: &str) -> Result<Vec<u64>, StoreError>;
    /// Sets each station's day's card counts.
    fn set_daily_cards(&mut self, days: &[(String, NaiveDate, CardCounts)]) -> Result<(), StoreError>;
    /// Keeps referrals by id, as `insert_payments`.
    fn insert_referrals(&mut self, rows: &[NewReferral]) -> Result<Vec<bool>, StoreError>;
    /// Adds referrals to each station's day and kind.
    fn add_daily_referrals(&mut self, totals: &[DailyReferrals]) -> Result<(), StoreError>;

    /// Records the summary in `imports` and commits.
    fn commit(self, summary: &ImportSummary) -> Result<(), StoreError>;
}

/// A payment of the file, to keep under its id.
pub struct NewPayment {
    pub txn_id: String,
    pub station: String,
    pub day: NaiveDate,
    /// `day` as `YYYY-MM-DD`.
    pub day_text: String,
    pub category: String,
    pub fen: i64,
}

/// A card transaction of the file, its card number hashed.
pub struct NewCard {
    pub txn_id: String,
    pub station: String,
    pub day: NaiveDate,
    pub day_text: String,
    pub hash: Vec<u8>,
}

/// A referral of the file.
pub struct NewReferral {
    pub id: String,
    pub station: String,
    pub day: NaiveDate,
    pub day_text: String,
    pub kind: String,
}

/// Rows of source transactions are kept in batches of this many (one
/// statement each on PostgreSQL), and always before a reversal is applied.
const KEEP_BATCH: usize = 2_000;

/// (station, day, category) and the (count, fen) to add.
pub type DailyPayment = ((String, NaiveDate, String), (i64, i64));
/// (station, day, kind) and the count to add.
pub type DailyReferrals = ((String, NaiveDate, String), u64);

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

impl From<postgres::Error> for ImportError {
    fn from(e: postgres::Error) -> ImportError {
        ImportError::Store(StoreError::Pg(e))
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
pub(crate) struct Problems {
    listed: Vec<RowError>,
    pub(crate) total: u64,
}

impl Problems {
    pub(crate) fn add(&mut self, e: RowError) {
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
    match station_known(row, stations, station_of) {
        Ok(row) => Some(row),
        Err(e) => {
            problems.add(e);
            None
        }
    }
}

/// A parsed row whose station is in the registry, or why not.
fn station_known<T>(
    row: Result<T, RowError>,
    stations: &HashSet<String>,
    station_of: impl Fn(&T) -> (&str, u64),
) -> Result<T, RowError> {
    let row = row?;
    let (code, line) = station_of(&row);
    if !stations.contains(code) {
        return Err(unknown_station(code, line));
    }
    Ok(row)
}

/// A row's station that is not in the registry.
fn unknown_station(code: &str, line: u64) -> RowError {
    row_error(line, "站点编码", trf(Text::ImportUnknownStation, &[&code]))
}

pub(super) fn row_error(line: u64, column: &str, reason: String) -> RowError {
    RowError {
        line,
        column: column.to_string(),
        reason,
    }
}

pub(crate) fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
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

/// An import under way: its transaction and what it counted so far.
pub(super) struct Started<T: ImportTx> {
    pub(super) tx: T,
    pub(super) summary: ImportSummary,
}

impl<T: ImportTx> Started<T> {
    pub(super) fn new<R>(tx: T, rows: &Rows<R>) -> Started<T> {
        Started {
            tx,
            summary: ImportSummary {
                kind: rows.kind(),
                format: rows.format().to_string(),
                file: rows.path().display().to_string(),
                rows_read: 0,
                rows_new: 0,
                rows_updated: 0,
                rows_duplicate: 0,
                rows_reversed: 0,
            },
        }
    }

    /// Commits when no row was bad; else drops the transaction (nothing
    /// written) and says which rows.
    pub(super) fn finish(self, problems: Problems) -> Result<ImportSummary, ImportError> {
        let Started { tx, summary } = self;
        problems.into_result(&summary.file)?;
        tx.commit(&summary)?;
        Ok(summary)
    }
}

/// The station registry: stations with their branch and people.
pub fn import_stations<T: ImportTx>(tx: T, mut rows: Rows<StationRow>) -> Result<ImportSummary, ImportError> {
    let mut started = Started::new(tx, &rows);
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
        return started.finish(problems);
    }
    let existing = started.tx.station_ids()?;
    for row in &valid_rows {
        let changed = started.tx.write_registry_row(row)?;
        if !existing.contains(&row.code) {
            started.summary.rows_new += 1;
        } else if changed {
            started.summary.rows_updated += 1;
        }
    }
    // A manager who also maintains in another branch, through the
    // stored registry.
    for row in &valid_rows {
        if let Some(branch) = started.tx.maintains_elsewhere(&row.manager_id, &row.branch_code)? {
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
    started.finish(problems)
}

/// Plans: each branch's target of valid stations per month.
pub fn import_plans<T: ImportTx>(tx: T, mut rows: Rows<PlanRow>) -> Result<ImportSummary, ImportError> {
    let mut started = Started::new(tx, &rows);
    let mut problems = Problems::default();
    let branches = started.tx.branch_ids()?;
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
        match started.tx.write_plan(&row.branch_code, row.month, row.target)? {
            None => started.summary.rows_new += 1,
            Some(t) if t != row.target => started.summary.rows_updated += 1,
            Some(_) => started.summary.rows_duplicate += 1,
        }
    }
    started.finish(problems)
}

impl Store {
    /// The station registry: stations with their branch and people.
    pub fn import_stations(&self, rows: Rows<StationRow>) -> Result<ImportSummary, ImportError> {
        import_stations(sqlite::SqliteImport::start(self, &rows)?, rows)
    }

    /// Plans: each branch's target of valid stations per month.
    pub fn import_plans(&self, rows: Rows<PlanRow>) -> Result<ImportSummary, ImportError> {
        import_plans(sqlite::SqliteImport::start(self, &rows)?, rows)
    }

    /// Bill payments (see `import_payments`).
    pub fn import_payments(&self, rows: Rows<PaymentRow>, policy: &Policy) -> Result<ImportSummary, ImportError> {
        import_payments(sqlite::SqliteImport::start(self, &rows)?, rows, policy)
    }

    /// Card withdrawals (see `import_cards`).
    pub fn import_cards(&self, rows: Rows<CardRow>, policy: &Policy) -> Result<ImportSummary, ImportError> {
        import_cards(sqlite::SqliteImport::start(self, &rows)?, rows, policy)
    }

    /// Referrals (see `import_referrals`).
    pub fn import_referrals(&self, rows: Rows<ReferralRow>, policy: &Policy) -> Result<ImportSummary, ImportError> {
        import_referrals(sqlite::SqliteImport::start(self, &rows)?, rows, policy)
    }
}
