//! Imports of what paying people needs (issue 10): people's phone and 绿卡,
//! and the invoices (发票) received per station and month. One file is one
//! transaction, as for every import.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::sqlite::SqliteImport;
use super::{row_error, ImportError, ImportSummary, ImportTx, Problems, Started};
use crate::i18n::{tr, trf, Text};
use crate::ingest::{InvoiceRow, PersonRow, RowError, Rows};
use crate::month::Month;
use crate::store::{Store, StoreError};

/// Writes one station's invoice of a month; a "not received" clears the
/// number. Changes nothing when nothing changed, so the row keeps its
/// revision.
const UPSERT_INVOICE: &str = "INSERT INTO invoices (month, station_id, received, invoice_no, recorded_by, recorded_at)
     VALUES (?1, ?2, ?3, CASE WHEN ?3 THEN ?4 END, ?5, ?6)
     ON CONFLICT (month, station_id) DO UPDATE SET received = excluded.received,
         invoice_no = CASE WHEN excluded.received THEN coalesce(?4, invoices.invoice_no) END,
         recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at
     WHERE (invoices.received, invoices.invoice_no)
           IS NOT (excluded.received, CASE WHEN excluded.received THEN coalesce(?4, invoices.invoice_no) END)";

/// What writing one invoice did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceChange {
    New,
    Updated,
    Unchanged,
}

/// Writes an invoice row in the connection's current transaction.
pub(crate) fn write_invoice(
    conn: &rusqlite::Connection,
    month: Month,
    station: &str,
    received: bool,
    invoice_no: Option<&str>,
    by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<InvoiceChange, rusqlite::Error> {
    let existed = conn
        .query_row(
            "SELECT 1 FROM invoices WHERE month = ?1 AND station_id = ?2",
            params![month.to_string(), station],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    let written = conn.prepare_cached(UPSERT_INVOICE)?.execute(params![
        month.to_string(),
        station,
        received,
        invoice_no,
        by,
        now.to_rfc3339()
    ])?;
    Ok(match (existed, written) {
        (false, _) => InvoiceChange::New,
        (true, 0) => InvoiceChange::Unchanged,
        (true, _) => InvoiceChange::Updated,
    })
}

fn take<T>(row: Result<T, RowError>, problems: &mut Problems) -> Option<T> {
    row.map_err(|e| problems.add(e)).ok()
}

/// People's phone, 绿卡 and name, for people the station registry already
/// names (an unknown 工号 is more likely a typo than a new person). An
/// empty cell keeps what is stored.
pub fn import_people<X: ImportTx>(tx: X, mut rows: Rows<PersonRow>) -> Result<ImportSummary, ImportError> {
    let mut started = Started::new(tx, &rows);
    let mut problems = Problems::default();
    let known: HashSet<String> = started.tx.person_ids()?;
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in rows.by_ref() {
        started.summary.rows_read += 1;
        let Some(row) = take(row, &mut problems) else { continue };
        if let Some(first) = seen.insert(row.person_id.clone(), row.line) {
            problems.add(row_error(
                row.line,
                "工号",
                trf(Text::ImportPersonTwice, &[&row.person_id, &first]),
            ));
            continue;
        }
        if !known.contains(&row.person_id) {
            problems.add(row_error(
                row.line,
                "工号",
                trf(Text::ImportUnknownPerson, &[&row.person_id]),
            ));
            continue;
        }
        if problems.total > 0 {
            continue;
        }
        if started.tx.update_person(&row)? {
            started.summary.rows_updated += 1;
        } else {
            started.summary.rows_duplicate += 1;
        }
    }
    started.finish(problems)
}

/// Invoices received per station and reward month. A month still to come
/// is refused (a typo); "not received" clears an earlier "yes".
pub fn import_invoices<X: ImportTx>(tx: X, mut rows: Rows<InvoiceRow>) -> Result<ImportSummary, ImportError> {
    let mut started = Started::new(tx, &rows);
    let mut problems = Problems::default();
    let stations = started.tx.station_ids()?;
    let this_month = Month::of(started.tx.today()?);
    let mut seen: HashMap<(String, Month), u64> = HashMap::new();
    let now = Utc::now();
    for row in rows.by_ref() {
        started.summary.rows_read += 1;
        let Some(row) = take(row, &mut problems) else { continue };
        if !stations.contains(&row.station_code) {
            problems.add(row_error(
                row.line,
                "站点编码",
                trf(Text::ImportUnknownStation, &[&row.station_code]),
            ));
            continue;
        }
        if row.month > this_month {
            problems.add(row_error(row.line, "月份", trf(Text::ImportMonthToCome, &[&row.month])));
            continue;
        }
        if !row.received && row.invoice_no.is_some() {
            problems.add(row_error(
                row.line,
                "发票号码",
                tr(Text::ImportNumberWithoutInvoice).to_string(),
            ));
            continue;
        }
        if let Some(first) = seen.insert((row.station_code.clone(), row.month), row.line) {
            problems.add(row_error(
                row.line,
                "站点编码",
                trf(Text::ImportStationMonthTwice, &[&row.station_code, &row.month, &first]),
            ));
            continue;
        }
        if problems.total > 0 {
            continue;
        }
        let change = started.tx.write_invoice(
            row.month,
            &row.station_code,
            row.received,
            row.invoice_no.as_deref(),
            now,
        )?;
        match change {
            InvoiceChange::New => started.summary.rows_new += 1,
            InvoiceChange::Updated => started.summary.rows_updated += 1,
            InvoiceChange::Unchanged => started.summary.rows_duplicate += 1,
        }
    }
    started.finish(problems)
}

impl Store {
    /// People's phone, 绿卡 and name (see `import_people`).
    pub fn import_people(&self, rows: Rows<PersonRow>) -> Result<ImportSummary, ImportError> {
        import_people(SqliteImport::start(self, &rows)?, rows)
    }

    /// Invoices received per station and month (see `import_invoices`).
    pub fn import_invoices(&self, rows: Rows<InvoiceRow>) -> Result<ImportSummary, ImportError> {
        import_invoices(SqliteImport::start(self, &rows)?, rows)
    }

    /// Records one station's invoice for a month (`bianmin payout invoice`).
    pub fn set_invoice(
        &self,
        station: &str,
        month: Month,
        received: bool,
        invoice_no: Option<&str>,
        by: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<InvoiceChange, StoreError> {
        Ok(write_invoice(
            self.conn(),
            month,
            station,
            received,
            invoice_no,
            by,
            now,
        )?)
    }
}
