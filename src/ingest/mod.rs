//! Readers of the source systems' export files: the station registry, the
//! branches' plans, bill payments (便民缴费), card withdrawals (商易通 助农取款)
//! and referrals (转介绍), as CSV (UTF-8, UTF-8 with BOM or GBK/GB18030,
//! detected) or XLSX (the first worksheet). docs/IMPORTS.md lists each
//! kind's columns and the formats accepted.
//!
//! Pure: no database, no printing. Each `read_*` opens the file, finds the
//! header row and maps its columns (file-level problems are an
//! [`IngestError`]), then returns [`Rows`], an iterator that reads and
//! parses one record at a time (a bad record is a [`RowError`] and the
//! iteration goes on). A file is streamed, never held in memory whole.

use std::fmt;
use std::io;
use std::iter::FusedIterator;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

mod columns;
mod encoding;
mod kinds;
pub mod parse;
pub mod quote;
mod read_ahead;
pub mod rows;
mod table;
pub mod xlsx_guard;

pub use columns::{ColumnSpec, ImportKind};
pub use encoding::TextEncoding;
pub use read_ahead::read_ahead;
pub use rows::{
    AllocationRow, CardRow, DistributionRow, InvoiceRow, Line, Payee, PaymentRow, PersonRow, PlanRow, ReferralRow,
    StationPlanRow, StationRow, StationStatus,
};

use columns::{map_headers, HeaderMap, Mapping};
use kinds::Cells;
use table::{Record, Table};

use crate::i18n::{trf, Text};

/// How many non-blank rows at the top of a file may be looked through for
/// the header row: exports often start with a title line or two
/// (`便民缴费交易明细 2026年10月`) above it.
const HEADER_SEARCH_ROWS: usize = 10;

/// A problem with the file as a whole: nothing of it is read.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    // The OS error is part of the message and deliberately not the
    // error's `source()`, so that a chain of causes says it once.
    #[error("{}", trf(Text::IngestOpen, &[&file.display(), &crate::errors::io_text(cause)]))]
    Open { file: PathBuf, cause: io::Error },
    #[error("{}", trf(Text::IngestRead, &[&file.display(), &crate::errors::io_text(cause)]))]
    Read { file: PathBuf, cause: io::Error },
    #[error("{}", trf(Text::IngestEmpty, &[&file.display()]))]
    Empty { file: PathBuf },
    #[error("{}", trf(Text::IngestNoHeader, &[&file.display()]))]
    NoHeader { file: PathBuf },
    /// Required columns are not in the header row; `found` is the header
    /// row as written.
    #[error("{}", missing_message(file, missing, found))]
    MissingColumn {
        file: PathBuf,
        missing: Vec<ColumnSpec>,
        found: Vec<String>,
    },
    /// Two headers name the same column (`金额` and `amount`).
    #[error(
        "{}",
        trf(
            Text::IngestDuplicateColumn,
            &[&file.display(), &quote::quote(first), &quote::quote(second), &column.label()]
        )
    )]
    DuplicateColumn {
        file: PathBuf,
        column: &'static ColumnSpec,
        first: String,
        second: String,
    },
    #[error("{}", trf(Text::IngestNotCsvOrXlsx, &[&file.display(), reason]))]
    NotCsvOrXlsx { file: PathBuf, reason: String },
    /// A workbook that unpacks to more than its limits allow (an XLSX
    /// bomb, or an export too big for one file); `what` says which limit.
    #[error("{}: {what}", file.display())]
    TooLarge { file: PathBuf, what: String },
    /// A zip file that calamine cannot read as a workbook, or one with no
    /// worksheet.
    #[error("{}", trf(Text::IngestWorkbook, &[&file.display(), reason]))]
    Workbook { file: PathBuf, reason: String },
}

impl IngestError {
    /// The file the error is about.
    pub fn file(&self) -> &Path {
        match self {
            IngestError::Open { file, .. }
            | IngestError::Read { file, .. }
            | IngestError::Empty { file }
            | IngestError::NoHeader { file }
            | IngestError::MissingColumn { file, .. }
            | IngestError::DuplicateColumn { file, .. }
            | IngestError::NotCsvOrXlsx { file, .. }
            | IngestError::TooLarge { file, .. }
            | IngestError::Workbook { file, .. } => file,
        }
    }
}

fn missing_message(file: &Path, missing: &[ColumnSpec], found: &[String]) -> String {
    let names: Vec<String> = missing.iter().map(ColumnSpec::label).collect();
    let text = if names.len() == 1 {
        Text::IngestMissingColumn
    } else {
        Text::IngestMissingColumns
    };
    // A header row can be 50 MB (a file that is not what it says): the
    // list is cut to a couple of hundred characters.
    let found = quote::excerpt_list(found.iter().map(String::as_str).filter(|h| !h.is_empty()));
    trf(text, &[&file.display(), &names.join(", "), &found])
}

/// A problem with one record: the record is skipped, the others are read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RowError {
    /// The physical 1-based line of the CSV file where the record starts
    /// (the header is line 1 when it is the first), or the XLSX row number
    /// as Excel shows it.
    pub line: Line,
    /// The column's header as written in the file; empty when the problem
    /// is the record as a whole (a wrong number of fields, a read failure).
    pub column: String,
    /// What is wrong, quoting the cell: `"12,5" is not an amount`.
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column.is_empty() {
            f.write_str(&trf(Text::RowAt, &[&self.line, &self.reason]))
        } else {
            f.write_str(&trf(Text::RowAtColumn, &[&self.line, &self.column, &self.reason]))
        }
    }
}

/// What a file turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileFormat {
    Csv {
        encoding: TextEncoding,
    },
    /// An XLSX workbook; `sheet` is the worksheet read (the first visible).
    Xlsx {
        sheet: String,
    },
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileFormat::Csv { encoding } => write!(f, "CSV ({encoding})"),
            FileFormat::Xlsx { sheet } => f.write_str(&trf(Text::IngestXlsxSheet, &[sheet])),
        }
    }
}

/// How far through its file an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of the file read so far (for XLSX, bytes of the compressed
    /// file, an estimate until the end).
    pub bytes_read: u64,
    /// The file's size.
    pub total_bytes: u64,
}

impl Progress {
    /// Between 0.0 and 1.0; 1.0 for an empty file.
    pub fn fraction(&self) -> f64 {
        if self.total_bytes == 0 {
            1.0
        } else {
            self.bytes_read as f64 / self.total_bytes as f64
        }
    }
}

/// A handle on an import's progress that another thread (a progress bar)
/// can poll while the iterator runs.
#[derive(Debug, Clone)]
pub struct ProgressHandle {
    read: Arc<AtomicU64>,
    total: u64,
}

impl ProgressHandle {
    pub fn get(&self) -> Progress {
        Progress {
            bytes_read: self.read.load(Ordering::Relaxed).min(self.total),
            total_bytes: self.total,
        }
    }

    fn finish(&self) {
        self.read.store(self.total, Ordering::Relaxed);
    }
}

type Build<T> = fn(&Cells<'_>) -> Result<T, RowError>;

/// The rows of one import file: an iterator of parsed rows or row errors,
/// in file order, that also tells how far through the file it is. Blank
/// lines are skipped. A read failure in the middle of the file (a disk
/// error, a damaged workbook) is yielded as a last `RowError` with an
/// empty column, after which the iterator ends.
pub struct Rows<T> {
    path: PathBuf,
    kind: ImportKind,
    format: FileFormat,
    table: Table,
    map: HeaderMap,
    record: Record,
    build: Build<T>,
    progress: ProgressHandle,
    done: bool,
}

impl<T> Rows<T> {
    fn open(path: &Path, kind: ImportKind, build: Build<T>) -> Result<Rows<T>, IngestError> {
        let read = Arc::new(AtomicU64::new(0));
        let (mut table, format, total) = Table::open(path, Arc::clone(&read))?;
        let map = find_header(path, kind, &mut table)?;
        Ok(Rows {
            path: path.to_path_buf(),
            kind,
            format,
            table,
            map,
            record: Record::default(),
            build,
            progress: ProgressHandle { read, total },
            done: false,
        })
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn kind(&self) -> ImportKind {
        self.kind
    }

    /// CSV (with its detected encoding) or XLSX (with the worksheet read).
    pub fn format(&self) -> &FileFormat {
        &self.format
    }

    /// The header row as written in the file (trimmed).
    pub fn headers(&self) -> &[String] {
        &self.map.headers
    }

    /// Bytes read so far and the file's size.
    pub fn progress(&self) -> Progress {
        self.progress.get()
    }

    /// A handle to poll the progress from another thread.
    pub fn progress_handle(&self) -> ProgressHandle {
        self.progress.clone()
    }

    fn end(&mut self) {
        self.done = true;
        self.progress.finish();
    }
}

impl<T> fmt::Debug for Rows<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rows")
            .field("path", &self.path)
            .field("kind", &self.kind)
            .field("format", &self.format)
            .field("progress", &self.progress())
            .finish_non_exhaustive()
    }
}

impl<T> Iterator for Rows<T> {
    type Item = Result<T, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.table.next_record(&mut self.record) {
                Ok(false) => self.end(),
                Err(failure) => {
                    self.end();
                    return Some(Err(RowError {
                        line: failure.line,
                        column: String::new(),
                        reason: trf(Text::IngestCannotReadFurther, &[&quote::excerpt(&failure.message)]),
                    }));
                }
                Ok(true) if self.record.is_blank() => continue,
                Ok(true) => {
                    let fields = self.record.fields.len();
                    let expected = self.map.headers.len();
                    if self.table.checks_field_count() && fields != expected {
                        return Some(Err(RowError {
                            line: self.record.line,
                            column: String::new(),
                            reason: trf(
                                if fields == 1 {
                                    Text::IngestFieldCountOne
                                } else {
                                    Text::IngestFieldCount
                                },
                                &[&fields, &expected],
                            ),
                        }));
                    }
                    let encoding = match self.format {
                        FileFormat::Csv { encoding } => Some(encoding),
                        FileFormat::Xlsx { .. } => None,
                    };
                    let cells = Cells {
                        record: &self.record,
                        map: &self.map,
                        encoding,
                    };
                    return Some((self.build)(&cells));
                }
            }
        }
        None
    }
}

impl<T> FusedIterator for Rows<T> {}

/// Finds the header row: the first of the top non-blank rows that has
/// every required column. When none has, the error lists the columns
/// missing from the row that came closest.
fn find_header(path: &Path, kind: ImportKind, table: &mut Table) -> Result<HeaderMap, IngestError> {
    let file = || path.to_path_buf();
    let mut record = Record::default();
    let mut closest: Option<(usize, Vec<ColumnSpec>, Vec<String>)> = None;
    let mut seen = 0;
    while seen < HEADER_SEARCH_ROWS {
        let more = table.next_record(&mut record).map_err(|failure| IngestError::Read {
            file: file(),
            cause: io::Error::other(format!("line {}: {}", failure.line, quote::excerpt(&failure.message))),
        })?;
        if !more {
            break;
        }
        if record.is_blank() {
            continue;
        }
        seen += 1;
        match map_headers(kind.columns(), &record.fields) {
            Mapping::Complete(map) => return Ok(map),
            Mapping::Duplicate { column, first, second } => {
                return Err(IngestError::DuplicateColumn {
                    file: file(),
                    column,
                    first,
                    second,
                })
            }
            Mapping::Missing {
                missing,
                found,
                headers,
            } => {
                if closest.as_ref().is_none_or(|(best, _, _)| found > *best) {
                    let missing = missing.into_iter().copied().collect();
                    closest = Some((found, missing, headers));
                }
            }
        }
    }
    match closest {
        None => Err(IngestError::NoHeader { file: file() }),
        Some((_, missing, found)) => Err(IngestError::MissingColumn {
            file: file(),
            missing,
            found,
        }),
    }
}

/// Reads a station registry export (站点信息): one [`StationRow`] a line.
pub fn read_stations(path: &Path) -> Result<Rows<StationRow>, IngestError> {
    Rows::open(path, ImportKind::Stations, kinds::station_row)
}

/// Reads the branches' monthly plans (有效站点计划): one [`PlanRow`] a line.
pub fn read_plans(path: &Path) -> Result<Rows<PlanRow>, IngestError> {
    Rows::open(path, ImportKind::Plans, kinds::plan_row)
}

/// Reads a bill-payment export (便民缴费交易明细): one [`PaymentRow`] a line.
pub fn read_payments(path: &Path) -> Result<Rows<PaymentRow>, IngestError> {
    Rows::open(path, ImportKind::Payments, kinds::payment_row)
}

/// Reads a card-withdrawal export (商易通助农取款明细): one [`CardRow`] a line.
pub fn read_cards(path: &Path) -> Result<Rows<CardRow>, IngestError> {
    Rows::open(path, ImportKind::Cards, kinds::card_row)
}

/// Reads a referral list (转介绍): one [`ReferralRow`] a line.
pub fn read_referrals(path: &Path) -> Result<Rows<ReferralRow>, IngestError> {
    Rows::open(path, ImportKind::Referrals, kinds::referral_row)
}

/// Reads people's phones and 绿卡 (人员信息): one [`PersonRow`] a line.
pub fn read_people(path: &Path) -> Result<Rows<PersonRow>, IngestError> {
    Rows::open(path, ImportKind::People, kinds::person_row)
}

/// Reads the invoices received (发票登记): one [`InvoiceRow`] a line.
pub fn read_invoices(path: &Path) -> Result<Rows<InvoiceRow>, IngestError> {
    Rows::open(path, ImportKind::Invoices, kinds::invoice_row)
}

/// Reads the city's reward allocation (奖励分配明细): one [`AllocationRow`]
/// a line. The file needs a station code column, a person id column, or
/// both; with neither, it is refused as missing the station code.
pub fn read_allocations(path: &Path) -> Result<Rows<AllocationRow>, IngestError> {
    use columns::allocation::{PERSON_ID, STATION_CODE};
    let rows = Rows::open(path, ImportKind::Allocations, kinds::allocation_row)?;
    if rows.map.index[STATION_CODE].is_none() && rows.map.index[PERSON_ID].is_none() {
        let specs = ImportKind::Allocations.columns();
        return Err(IngestError::MissingColumn {
            file: path.to_path_buf(),
            missing: vec![specs[STATION_CODE], specs[PERSON_ID]],
            found: rows.map.headers.clone(),
        });
    }
    Ok(rows)
}

/// Reads the stations' monthly plans (代收计划, 分销计划; R15): one
/// [`StationPlanRow`] a line.
pub fn read_station_plans(path: &Path) -> Result<Rows<StationPlanRow>, IngestError> {
    Rows::open(path, ImportKind::StationPlans, kinds::station_plan_row)
}

/// Reads the stations' monthly distribution sales (分销金额; R15): one
/// [`DistributionRow`] a line.
pub fn read_distribution(path: &Path) -> Result<Rows<DistributionRow>, IngestError> {
    Rows::open(path, ImportKind::Distribution, kinds::distribution_row)
}
