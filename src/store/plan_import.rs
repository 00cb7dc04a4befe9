//! Imports of R15's monthly station figures: each station's plan (its
//! collection and distribution targets) and its distribution sales. A row
//! is the station's figure for the month: a later file replaces it. Same
//! rules as every import: one transaction per file, any bad row and
//! nothing is written, errors name the line.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Transaction};

use super::facts::fen_from_yuan;
use super::import::{known_station, row_error, ImportError, ImportSummary, Problems};
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

impl Store {
    /// The loop both imports share: rows checked (known station, each
    /// station and month once, `check` for the figures), then written by
    /// `write`, which says whether the store held the row already
    /// (`Some(true)`: the same figures, `Some(false)`: others).
    fn import_station_months<T, V>(
        &self,
        mut rows: Rows<T>,
        key: Key<T>,
        check: impl Fn(&T) -> Result<V, RowError>,
        write: impl Fn(&Transaction, &str, &str, &V) -> rusqlite::Result<Option<bool>>,
    ) -> Result<ImportSummary, ImportError> {
        let mut started = self.start_import(&rows)?;
        let mut problems = Problems::default();
        let stations = self.station_ids()?;
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
            match write(&started.tx, station, &month.to_string(), &figures)? {
                None => started.summary.rows_new += 1,
                Some(true) => started.summary.rows_duplicate += 1,
                Some(false) => started.summary.rows_updated += 1,
            }
        }
        self.finish_import(started, problems)
    }

    /// R15: each station's monthly plan (代收计划, 分销计划).
    pub fn import_station_plans(&self, rows: Rows<StationPlanRow>) -> Result<ImportSummary, ImportError> {
        self.import_station_months(
            rows,
            |r| (&r.station_code, r.month, r.line),
            |r| {
                Ok((
                    fen(r.collection_target, r.line, "代收计划")?,
                    fen(r.distribution_target, r.line, "分销计划")?,
                ))
            },
            |tx, station, month, targets: &(i64, i64)| {
                let before: Option<(i64, i64)> = tx
                    .query_row(
                        "SELECT collection_target_fen, distribution_target_fen FROM station_plans
                         WHERE station_id = ?1 AND month = ?2",
                        params![station, month],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                tx.execute(
                    "INSERT INTO station_plans (station_id, month, collection_target_fen, distribution_target_fen)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (station_id, month) DO UPDATE SET
                         collection_target_fen = excluded.collection_target_fen,
                         distribution_target_fen = excluded.distribution_target_fen",
                    params![station, month, targets.0, targets.1],
                )?;
                Ok(before.map(|b| b == *targets))
            },
        )
    }

    /// R15: each station's monthly distribution sales (分销金额).
    pub fn import_distribution(&self, rows: Rows<DistributionRow>) -> Result<ImportSummary, ImportError> {
        self.import_station_months(
            rows,
            |r| (&r.station_code, r.month, r.line),
            |r| fen(r.amount, r.line, "分销金额"),
            |tx, station, month, amount: &i64| {
                let before: Option<i64> = tx
                    .query_row(
                        "SELECT amount_fen FROM distribution_sales WHERE station_id = ?1 AND month = ?2",
                        params![station, month],
                        |r| r.get(0),
                    )
                    .optional()?;
                tx.execute(
                    "INSERT INTO distribution_sales (station_id, month, amount_fen) VALUES (?1, ?2, ?3)
                     ON CONFLICT (station_id, month) DO UPDATE SET amount_fen = excluded.amount_fen",
                    params![station, month, amount],
                )?;
                Ok(before.map(|b| b == *amount))
            },
        )
    }
}
