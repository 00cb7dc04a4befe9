//! Copying a county's SQLite database into an empty PostgreSQL one: how
//! the demo county is made there (built by `demo` in memory, exactly as in
//! SQLite, then copied) and how a county moves from one backend to the
//! other. Rows go through `COPY … FROM STDIN`; the revision triggers give
//! them new revisions in the order copied, registry first. The server's
//! identity is not copied: the PostgreSQL database is another server.

use std::io::Write;

use rusqlite::types::Value;

use super::county::PgCounty;
use crate::store::{Store, StoreError};

/// Every table of the county database, each after those it refers to.
const TABLES: &[&str] = &[
    "meta",
    "counties",
    "people",
    "branches",
    "branch_maintainers",
    "stations",
    "plans",
    "daily_payments",
    "daily_cards",
    "daily_referrals",
    "imports",
    "payment_txns",
    "card_txns",
    "referral_records",
    "reversed_txns",
    "visit_notes",
    "signoffs",
    "branch_signoffs",
    "resolutions",
    "accounts",
    "station_plans",
    "distribution_sales",
    "invoices",
    "payout_steps",
    "reconciliations",
];

/// A value in COPY's text format.
fn push_field(line: &mut String, value: &Value) {
    match value {
        Value::Null => line.push_str("\\N"),
        Value::Integer(n) => line.push_str(&n.to_string()),
        Value::Real(x) => line.push_str(&x.to_string()),
        Value::Text(t) => {
            for c in t.chars() {
                match c {
                    '\\' => line.push_str("\\\\"),
                    '\t' => line.push_str("\\t"),
                    '\n' => line.push_str("\\n"),
                    '\r' => line.push_str("\\r"),
                    c => line.push(c),
                }
            }
        }
        Value::Blob(bytes) => {
            line.push_str("\\\\x");
            for b in bytes {
                line.push_str(&format!("{b:02x}"));
            }
        }
    }
}

/// Copies every row of `store` into `pg`, in one transaction; the number
/// of rows copied.
pub fn copy_from_sqlite(store: &Store, pg: &PgCounty) -> Result<u64, StoreError> {
    let mut client = pg.client.borrow_mut();
    let mut tx = client.transaction()?;
    let mut copied = 0u64;
    for table in TABLES {
        let columns: Vec<String> = tx
            .query(
                "SELECT column_name::text FROM information_schema.columns
                  WHERE table_schema = current_schema() AND table_name = $1 AND column_name <> 'rev'
                  ORDER BY ordinal_position",
                &[table],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut writer = tx.copy_in(&format!("COPY {table} ({}) FROM STDIN", columns.join(", ")))?;
        let mut line = String::new();
        let mut failed: Option<std::io::Error> = None;
        store.dump_table(table, &columns, |values| {
            if *table == "meta" && values.first() == Some(&Value::Text("server_id".into())) {
                return Ok(());
            }
            line.clear();
            for (i, value) in values.iter().enumerate() {
                if i > 0 {
                    line.push('\t');
                }
                push_field(&mut line, value);
            }
            line.push('\n');
            if let Err(e) = writer.write_all(line.as_bytes()) {
                failed.get_or_insert(e);
            }
            copied += 1;
            Ok(())
        })?;
        if let Some(e) = failed {
            return Err(StoreError::CopyFailed(format!("{table}: {e}")));
        }
        writer.finish()?;
    }
    // The import log's ids were copied: new ones follow them.
    tx.execute(
        "SELECT setval(pg_get_serial_sequence('imports', 'id'), coalesce((SELECT max(id) FROM imports), 0) + 1, false)",
        &[],
    )?;
    tx.commit()?;
    Ok(copied)
}
