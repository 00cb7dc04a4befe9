//! Notes and sign-offs as rows: the one mapping between the `visit_notes`
//! and `signoffs` tables and their records (`wire::NoteRecord`,
//! `wire::SignoffRecord`), used by the laptop's replica, the server's
//! SQLite backend and the store's own note functions alike.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::StoreError;
use crate::wire::{FieldTimes, NoteRecord, SignoffRecord};

/// The columns `note_from` reads, in order (prefix them with a table alias
/// where a query needs one).
pub const NOTE_COLUMNS: &str = "uuid, station_id, author_id, visited_on, kind, body, follow_up_on, field_times, \
                                version, created_at, updated_at";

/// The columns `signoff_from` reads, in order.
pub const SIGNOFF_COLUMNS: &str = "uuid, station_id, month, author_id, editor_id, outcome, reason, signed_on, \
                                   field_times, version, created_at, updated_at";

fn bad_times(table: &'static str, value: String) -> StoreError {
    StoreError::BadValue {
        table,
        column: "field_times",
        value,
    }
}

pub(crate) fn times(text: String, table: &'static str) -> Result<FieldTimes, StoreError> {
    serde_json::from_str(&text).map_err(|_| bad_times(table, text))
}

pub fn times_json(times: &FieldTimes) -> String {
    serde_json::to_string(times).expect("a map of strings serialises")
}

/// A note from a row whose columns start at `at` as in `NOTE_COLUMNS`.
pub fn note_from(r: &Row, at: usize) -> Result<NoteRecord, StoreError> {
    Ok(NoteRecord {
        uuid: r.get(at)?,
        station_id: r.get(at + 1)?,
        author_id: r.get(at + 2)?,
        visited_on: r.get(at + 3)?,
        kind: r.get(at + 4)?,
        body: r.get(at + 5)?,
        follow_up_on: r.get(at + 6)?,
        field_times: times(r.get(at + 7)?, "visit_notes")?,
        version: r.get(at + 8)?,
        created_at: r.get(at + 9)?,
        updated_at: r.get(at + 10)?,
    })
}

/// A sign-off from a row whose columns start at `at` as in `SIGNOFF_COLUMNS`.
pub fn signoff_from(r: &Row, at: usize) -> Result<SignoffRecord, StoreError> {
    Ok(SignoffRecord {
        uuid: r.get(at)?,
        station_id: r.get(at + 1)?,
        month: r.get(at + 2)?,
        author_id: r.get(at + 3)?,
        editor_id: r.get(at + 4)?,
        outcome: r.get(at + 5)?,
        reason: r.get(at + 6)?,
        signed_on: r.get(at + 7)?,
        field_times: times(r.get(at + 8)?, "signoffs")?,
        version: r.get(at + 9)?,
        created_at: r.get(at + 10)?,
        updated_at: r.get(at + 11)?,
    })
}

/// Runs a query and maps each row with `map`, whose errors may be the
/// store's own (a bad stored value) as well as SQLite's.
pub fn collect<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    map: impl Fn(&Row) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
    }
    Ok(out)
}

/// The note with this uuid.
pub fn get_note(conn: &Connection, uuid: &str) -> Result<Option<NoteRecord>, StoreError> {
    let sql = format!("SELECT {NOTE_COLUMNS} FROM visit_notes WHERE uuid = ?1");
    Ok(collect(conn, &sql, [uuid], |r| note_from(r, 0))?.pop())
}

/// The sign-off with this uuid.
pub fn get_signoff(conn: &Connection, uuid: &str) -> Result<Option<SignoffRecord>, StoreError> {
    let sql = format!("SELECT {SIGNOFF_COLUMNS} FROM signoffs WHERE uuid = ?1");
    Ok(collect(conn, &sql, [uuid], |r| signoff_from(r, 0))?.pop())
}

/// The uuid of the sign-off of a station's month, if one is stored.
pub fn signoff_of(conn: &Connection, station: &str, month: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT uuid FROM signoffs WHERE station_id = ?1 AND month = ?2 ORDER BY created_at, uuid")?
        .query_row([station, month], |r| r.get(0))
        .optional()?)
}

/// Inserts a note, or replaces every field of it. `rev` 0 lets the
/// database's trigger number it (a write on the server, or a local edit);
/// a pulled row keeps the server's revision.
pub fn put_note(conn: &Connection, n: &NoteRecord, rev: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO visit_notes (uuid, station_id, author_id, visited_on, kind, body, follow_up_on,
             field_times, version, created_at, updated_at, rev)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (uuid) DO UPDATE SET station_id = excluded.station_id, author_id = excluded.author_id,
             visited_on = excluded.visited_on, kind = excluded.kind, body = excluded.body,
             follow_up_on = excluded.follow_up_on, field_times = excluded.field_times,
             version = excluded.version, created_at = excluded.created_at,
             updated_at = excluded.updated_at, rev = CASE WHEN ?12 = 0 THEN visit_notes.rev ELSE ?12 END",
    )?
    .execute(params![
        n.uuid,
        n.station_id,
        n.author_id,
        n.visited_on,
        n.kind,
        n.body,
        n.follow_up_on,
        times_json(&n.field_times),
        n.version,
        n.created_at,
        n.updated_at,
        rev
    ])?;
    Ok(())
}

/// Inserts a sign-off, or replaces every field of it (`rev` as `put_note`).
pub fn put_signoff(conn: &Connection, s: &SignoffRecord, rev: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO signoffs (uuid, station_id, month, author_id, editor_id, outcome, reason, signed_on,
             field_times, version, created_at, updated_at, rev)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (uuid) DO UPDATE SET station_id = excluded.station_id, month = excluded.month,
             author_id = excluded.author_id, editor_id = excluded.editor_id, outcome = excluded.outcome,
             reason = excluded.reason, signed_on = excluded.signed_on, field_times = excluded.field_times,
             version = excluded.version, created_at = excluded.created_at,
             updated_at = excluded.updated_at, rev = CASE WHEN ?13 = 0 THEN signoffs.rev ELSE ?13 END",
    )?
    .execute(params![
        s.uuid,
        s.station_id,
        s.month,
        s.author_id,
        s.editor_id,
        s.outcome,
        s.reason,
        s.signed_on,
        times_json(&s.field_times),
        s.version,
        s.created_at,
        s.updated_at,
        rev
    ])?;
    Ok(())
}
