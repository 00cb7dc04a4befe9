//! Reading a table whole, as plain values: what copying a county's SQLite
//! database into PostgreSQL reads (`server::db::postgres::copy`), so that
//! no one outside the store runs SQL on its connection.

use rusqlite::types::Value;

use super::{Store, StoreError};

impl Store {
    /// Every row of `table` (named by the caller from its own fixed list,
    /// never from input), its `columns` in order.
    pub fn dump_table(
        &self,
        table: &str,
        columns: &[String],
        mut visit: impl FnMut(&[Value]) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let sql = format!("SELECT {} FROM {table}", columns.join(", "));
        let mut stmt = self.conn().prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut values = Vec::with_capacity(columns.len());
        while let Some(row) = rows.next()? {
            values.clear();
            for i in 0..columns.len() {
                values.push(row.get::<_, Value>(i)?);
            }
            visit(&values)?;
        }
        Ok(())
    }
}
