//! Imports of R15's monthly station figures: each station's plan (its
//! collection and distribution targets) and its distribution sales. A row
//! is the station's figure for the month: a later file replaces it. Same
//! rules as every import: one transaction per file, any bad row and
//! nothing is written, errors name the line.

use std::collections::HashMap;

use super::facts::fen_from_yuan;
use super::import::sqlite::SqliteImport;
use super::import::{known_station, row_error, ImportError, ImportSummary, ImportTx, Problems, Started};
use super::Store;
use crate::i18n::{trf, Text};
use crate::ingest::{DistributionRow, RowError, Rows, StationPlanRow};
use crate::month::Month;

/// Whole fen of a yuan amount, or the bad row naming the column.
fn fen(amount: rust_decimal::Decimal, line: u64, column: &str) -> Result<i64, RowError> {
    fen_from_yuan(amount).ok_or_else(|| row_error(line, column, trf(Text::ImportTooLarge, &[&amount])))
}

/// A row's station, month and line.
type Key<T> = fn(&T) -> (&str, Month, u64);

/// The loop both imports share: rows checked (known station, each
/// station and month once, `check` for the figures), then written by
/// `write`, which says whether the database held the row already
/// (`Some(true)`: the same figures, `Some(false)`: others).
fn import_station_months<X: ImportTx, T, V>(
    tx: X,
    mut rows: Rows<T>,
    key: Key<T>,
    check: impl Fn(&T) -> Result<V, RowError>,
    write: impl Fn(&mut X, &str, Month, &V) -> Result<Option<bool>, crate::store::StoreError>,
) -> Result<ImportSummary, ImportError> {
    let mut started = Started::new(tx, &rows);
    let mut problems = Problems::default();
    let stations = started.tx.station_ids()?;
    let mut seen: HashMap<(String, Month), u64> = HashMap::new();
    for row in rows.by_ref() {
        started.summary.rows_read += 1;
        let Some(row) = known_station(row, &stations, |r| (key(r).0, key(r).2), &mut problems) else {
            continue;
        };
        let (station, month, line) = key(&row);
        // A station and month given twice: which of the two counts?
        if let Some(first) = seen.insert((station.to_string(), month), line) {
            problems.add(row_error(
                line,
                "站点编码",
                trf(Text::ImportStationMonthTwice, &[&station, &month, &first]),
            ));
            continue;
        }
        let figures = match check(&row) {
            Ok(figures) => figures,
            Err(e) => {
                problems.add(e);
                continue;
            }
        };
        if problems.total > 0 {
            continue;
        }
        match write(&mut started.tx, station, month, &figures)? {
            None => started.summary.rows_new += 1,
            Some(true) => started.summary.rows_duplicate += 1,
            Some(false) => started.summary.rows_updated += 1,
        }
    }
    started.finish(problems)
}

/// R15: each station's monthly plan (代收计划, 分销计划).
pub fn import_station_plans<X: ImportTx>(tx: X, rows: Rows<StationPlanRow>) -> Result<ImportSummary, ImportError> {
    import_station_months(
        tx,
        rows,
        |r| (&r.station_code, r.month, r.line),
        |r| {
            Ok((
                fen(r.collection_target, r.line, "代收计划")?,
                fen(r.distribution_target, r.line, "分销计划")?,
            ))
        },
        |tx, station, month, targets: &(i64, i64)| tx.write_station_plan(station, month, *targets),
    )
}

/// R15: each station's monthly distribution sales (分销金额).
pub fn import_distribution<X: ImportTx>(tx: X, rows: Rows<DistributionRow>) -> Result<ImportSummary, ImportError> {
    import_station_months(
        tx,
        rows,
        |r| (&r.station_code, r.month, r.line),
        |r| fen(r.amount, r.line, "分销金额"),
        |tx, station, month, amount: &i64| tx.write_distribution(station, month, *amount),
    )
}

impl Store {
    /// R15: each station's monthly plan (see `import_station_plans`).
    pub fn import_station_plans(&self, rows: Rows<StationPlanRow>) -> Result<ImportSummary, ImportError> {
        import_station_plans(SqliteImport::start(self, &rows)?, rows)
    }

    /// R15: each station's distribution sales (see `import_distribution`).
    pub fn import_distribution(&self, rows: Rows<DistributionRow>) -> Result<ImportSummary, ImportError> {
        import_distribution(SqliteImport::start(self, &rows)?, rows)
    }
}
