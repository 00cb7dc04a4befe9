//! Many rows to one `INSERT … VALUES` statement, bound directly: a large
//! pull's daily rows and the month totals written after it.

use rusqlite::{Connection, ToSql};

use super::StoreError;

/// Rows to a multi-row `INSERT … VALUES` statement.
const ROWS_PER_STATEMENT: usize = 256;

/// Runs `head (?, …), (?, …) … tail` over `rows`, `ROWS_PER_STATEMENT` rows
/// to a statement (the last statement takes the rest).
pub(crate) fn insert_rows<T, const N: usize>(
    conn: &Connection,
    head: &str,
    tail: &str,
    rows: &[T],
    values: impl for<'r> Fn(&'r T) -> [&'r dyn ToSql; N],
) -> Result<(), StoreError> {
    let tuple = format!("({})", vec!["?"; N].join(", "));
    let sql = |n: usize| format!("{head}{}{tail}", vec![tuple.as_str(); n].join(", "));
    let full = sql(ROWS_PER_STATEMENT);
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let text = if chunk.len() == ROWS_PER_STATEMENT {
            std::borrow::Cow::Borrowed(full.as_str())
        } else {
            std::borrow::Cow::Owned(sql(chunk.len()))
        };
        let mut stmt = conn.prepare_cached(&text)?;
        let mut index = 1;
        for row in chunk {
            for value in values(row) {
                stmt.raw_bind_parameter(index, value)?;
                index += 1;
            }
        }
        stmt.raw_execute()?;
    }
    Ok(())
}
