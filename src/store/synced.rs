//! Synced tables described as data: the tables a pull carries beyond the
//! registry, facts and records that have rows of their own in `wire`
//! (invoices, payout steps, reconciliations, county rules' plans…). Each
//! is named with its columns, its key and whose it is; the server's pull,
//! the laptop's apply, its tombstones and its scope sweep all read this
//! one list, so a new table needs a migration (with `rev` and the triggers
//! of migration 0003) and an entry here, nothing else.
//!
//! Rows travel as JSON arrays, revision first, then the columns in order.

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, Row};
use serde_json::Value;

use super::StoreError;

/// Whose rows a synced table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableScope {
    /// A station's: sent with the station's figures (this column names it).
    Station(&'static str),
    /// The county's as a whole (its payout calendar): sent to everyone.
    Everyone,
}

#[derive(Debug)]
pub struct SyncedTable {
    pub name: &'static str,
    /// The columns after `rev`, in the order rows carry them.
    pub columns: &'static [&'static str],
    /// The primary key (a tombstone names its values in this order).
    pub key: &'static [&'static str],
    pub scope: TableScope,
}

/// Every table of the list.
pub const SYNCED_TABLES: &[SyncedTable] = &[
    SyncedTable {
        name: "station_plans",
        columns: &[
            "station_id",
            "month",
            "collection_target_fen",
            "distribution_target_fen",
        ],
        key: &["station_id", "month"],
        scope: TableScope::Station("station_id"),
    },
    SyncedTable {
        name: "distribution_sales",
        columns: &["station_id", "month", "amount_fen"],
        key: &["station_id", "month"],
        scope: TableScope::Station("station_id"),
    },
    SyncedTable {
        name: "invoices",
        columns: &[
            "month",
            "station_id",
            "received",
            "invoice_no",
            "recorded_by",
            "recorded_at",
        ],
        key: &["month", "station_id"],
        scope: TableScope::Station("station_id"),
    },
    SyncedTable {
        name: "payout_steps",
        columns: &[
            "month",
            "step",
            "county_id",
            "done_by",
            "done_on",
            "note",
            "forced",
            "recorded_at",
        ],
        key: &["month", "step"],
        scope: TableScope::Everyone,
    },
    SyncedTable {
        name: "reconciliations",
        columns: &[
            "month",
            "county_id",
            "file_name",
            "checked_by",
            "checked_at",
            "checked_on",
            "matched",
            "stations_checked",
            "people_checked",
            "ours_fen",
            "theirs_fen",
            "differences",
        ],
        key: &["month"],
        scope: TableScope::Everyone,
    },
];

pub fn table(name: &str) -> Option<&'static SyncedTable> {
    SYNCED_TABLES.iter().find(|t| t.name == name)
}

impl SyncedTable {
    /// `SELECT rev, columns… FROM name`
    pub fn select(&self) -> String {
        format!("SELECT rev, {} FROM {}", self.columns.join(", "), self.name)
    }

    /// A row as JSON values, revision first.
    pub fn row_json(&self, r: &Row) -> Result<Vec<Value>, StoreError> {
        (0..=self.columns.len())
            .map(|i| {
                Ok(match r.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(n) => Value::from(n),
                    ValueRef::Real(x) => serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number),
                    ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(_) => Value::Null,
                })
            })
            .collect()
    }

    /// Writes pulled rows (revision first), replacing what the laptop
    /// holds under the same key. A row of the wrong length is skipped:
    /// a newer server may send more columns than this bianmin knows.
    pub fn upsert(&self, conn: &Connection, rows: &[Vec<Value>]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = std::iter::once("rev").chain(self.columns.iter().copied()).collect();
        let placeholders = vec!["?"; names.len()].join(", ");
        let updates: Vec<String> = names
            .iter()
            .filter(|c| !self.key.contains(c))
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({placeholders}) ON CONFLICT ({}) DO UPDATE SET {}",
            self.name,
            names.join(", "),
            self.key.join(", "),
            updates.join(", ")
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        for row in rows.iter().filter(|r| r.len() == names.len()) {
            stmt.execute(rusqlite::params_from_iter(row.iter().map(sql_value)))?;
        }
        Ok(())
    }

    /// `DELETE FROM name WHERE key = …`, for a tombstone.
    pub fn delete(&self) -> String {
        let clauses: Vec<String> = self
            .key
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ?{}", i + 1))
            .collect();
        format!("DELETE FROM {} WHERE {}", self.name, clauses.join(" AND "))
    }
}

fn sql_value(v: &Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => n.as_f64().map_or(SqlValue::Null, SqlValue::Real),
        },
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn every_listed_table_and_column_exists_with_rev_and_triggers() {
        let store = Store::open_in_memory().unwrap();
        for t in SYNCED_TABLES {
            store
                .conn()
                .prepare(&t.select())
                .unwrap_or_else(|e| panic!("{}: {e}", t.name));
            for trigger in ["insert", "update", "delete"] {
                let name = format!("{}_rev_{trigger}", t.name);
                let found: i64 = store
                    .conn()
                    .query_row(
                        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                        [&name],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(found, 1, "{name}");
            }
            assert!(t.key.iter().all(|k| t.columns.contains(k)), "{}", t.name);
        }
    }
}
