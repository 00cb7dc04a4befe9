//! Dates in the SQLite store: written and read as `YYYY-MM-DD` text by
//! rusqlite's `chrono` support (`NaiveDate` is bound and read directly),
//! with a stored value that is not a date said with its table and column.
//! (Instants stay RFC 3339 text with `Z`, as the wire carries them and as
//! they sort: `month::timestamp`.)

use chrono::NaiveDate;
use rusqlite::Row;

use super::StoreError;

/// A `WITH` clause naming `days(day)`: each calendar day from `?2`
/// through `?3`, none when `?2` is the later. A laptop keeps no index of
/// the daily facts by station (its large pull drops them, `store::laptop`):
/// a station's days are read with a seek per calendar day into the
/// tables' own order, day first (`FROM days CROSS JOIN daily_… AS f
/// WHERE f.day = days.day AND f.station_id = ?1`). A pulled fact's day is
/// always a calendar day (`laptop::apply::check_pulled_days`), so no row is
/// missed that a `BETWEEN` would find.
macro_rules! days_2_to_3 {
    () => {
        "WITH RECURSIVE days(day) AS (SELECT ?2 WHERE ?2 <= ?3 \
         UNION ALL SELECT date(day, '+1 day') FROM days WHERE date(day, '+1 day') <= ?3) "
    };
}
pub(crate) use days_2_to_3;

/// The date in column `i`, or `None` for NULL; a value that is not a date
/// is an error naming `table` and `column`.
pub(crate) fn opt_date_at(
    r: &Row,
    i: usize,
    table: &'static str,
    column: &'static str,
) -> Result<Option<NaiveDate>, StoreError> {
    match r.get::<_, Option<NaiveDate>>(i) {
        Ok(day) => Ok(day),
        Err(rusqlite::Error::FromSqlConversionFailure(..) | rusqlite::Error::InvalidColumnType(..)) => {
            let value = match r.get_ref(i)? {
                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                other => format!("{other:?}"),
            };
            Err(StoreError::BadValue { table, column, value })
        }
        Err(e) => Err(e.into()),
    }
}

/// The date in column `i`; NULL or a value that is not a date is an error
/// naming `table` and `column`.
pub(crate) fn date_at(r: &Row, i: usize, table: &'static str, column: &'static str) -> Result<NaiveDate, StoreError> {
    opt_date_at(r, i, table, column)?.ok_or(StoreError::BadValue {
        table,
        column,
        value: "NULL".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_as_text_and_bad_ones_name_their_column() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
        let text: String = conn.query_row("SELECT ?1", [day], |r| r.get(0)).unwrap();
        assert_eq!(text, "2026-11-03", "the form every table holds");
        let mut stmt = conn.prepare("SELECT '2026-11-03', NULL, 'yesterday'").unwrap();
        let mut rows = stmt.query([]).unwrap();
        let row = rows.next().unwrap().unwrap();
        assert_eq!(date_at(row, 0, "t", "a").unwrap(), day);
        assert_eq!(opt_date_at(row, 1, "t", "b").unwrap(), None);
        match date_at(row, 2, "t", "c") {
            Err(StoreError::BadValue { table, column, value }) => {
                assert_eq!((table, column, value.as_str()), ("t", "c", "yesterday"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(date_at(row, 1, "t", "b"), Err(StoreError::BadValue { .. })));
    }
}
