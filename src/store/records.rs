//! Notes and sign-offs as rows: the one mapping between the record tables
//! (`visit_notes`, `signoffs`, `branch_signoffs`, `resolutions`) and their
//! records (`wire::NoteRecord`, `SignoffRecord`, `BranchSignoffRecord`,
//! `ResolutionRecord`), used by the laptop's replica, the store's own
//! record functions and both server backends alike (the mappers read a
//! `RecordRow`, a row of SQLite or of PostgreSQL).

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::StoreError;
use crate::wire::{BranchSignoffRecord, FieldTimes, NoteRecord, ResolutionRecord, SignoffRecord};

/// The columns `note_from` reads, in order (prefix them with a table alias
/// where a query needs one).
pub const NOTE_COLUMNS: &str = "uuid, station_id, author_id, visited_on, kind, body, follow_up_on, field_times, \
                                version, created_at, updated_at";

/// The columns `signoff_from` reads, in order.
pub const SIGNOFF_COLUMNS: &str = "uuid, station_id, month, author_id, editor_id, outcome, reason, signed_on, \
                                   field_times, version, created_at, updated_at";

/// The columns `branch_signoff_from` reads, in order.
pub const BRANCH_SIGNOFF_COLUMNS: &str = "uuid, branch_id, month, author_id, editor_id, role, outcome, reason, \
                                          signed_on, version, created_at, updated_at";

/// The columns `resolution_from` reads, in order.
pub const RESOLUTION_COLUMNS: &str = "uuid, kind, signoff_uuid, station_id, branch_id, month, answers, outcome, \
                                      corrected_fen, reason, resolved_on, author_id, editor_id, version, \
                                      created_at, updated_at";

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

/// A value both databases can hand out for a column.
pub trait ColumnValue: rusqlite::types::FromSql + for<'a> postgres::types::FromSql<'a> {}
impl<T: rusqlite::types::FromSql + for<'a> postgres::types::FromSql<'a>> ColumnValue for T {}

/// A row of either database read by column number, so that each record
/// is mapped from its columns once, for the laptop, the SQLite server and
/// the PostgreSQL server alike.
pub trait RecordRow {
    fn column<T: ColumnValue>(&self, i: usize) -> Result<T, StoreError>;
}

impl RecordRow for rusqlite::Row<'_> {
    fn column<T: ColumnValue>(&self, i: usize) -> Result<T, StoreError> {
        Ok(self.get(i)?)
    }
}

impl RecordRow for postgres::Row {
    fn column<T: ColumnValue>(&self, i: usize) -> Result<T, StoreError> {
        Ok(self.try_get(i)?)
    }
}

/// A note from a row whose columns start at `at` as in `NOTE_COLUMNS`.
pub fn note_from(r: &impl RecordRow, at: usize) -> Result<NoteRecord, StoreError> {
    Ok(NoteRecord {
        uuid: r.column(at)?,
        station_id: r.column(at + 1)?,
        author_id: r.column(at + 2)?,
        visited_on: r.column(at + 3)?,
        kind: r.column(at + 4)?,
        body: r.column(at + 5)?,
        follow_up_on: r.column(at + 6)?,
        field_times: times(r.column(at + 7)?, "visit_notes")?,
        version: r.column(at + 8)?,
        created_at: r.column(at + 9)?,
        updated_at: r.column(at + 10)?,
    })
}

/// A sign-off from a row whose columns start at `at` as in `SIGNOFF_COLUMNS`.
pub fn signoff_from(r: &impl RecordRow, at: usize) -> Result<SignoffRecord, StoreError> {
    Ok(SignoffRecord {
        uuid: r.column(at)?,
        station_id: r.column(at + 1)?,
        month: r.column(at + 2)?,
        author_id: r.column(at + 3)?,
        editor_id: r.column(at + 4)?,
        outcome: r.column(at + 5)?,
        reason: r.column(at + 6)?,
        signed_on: r.column(at + 7)?,
        field_times: times(r.column(at + 8)?, "signoffs")?,
        version: r.column(at + 9)?,
        created_at: r.column(at + 10)?,
        updated_at: r.column(at + 11)?,
    })
}

/// A branch sheet's sign-off from a row whose columns start at `at` as in
/// `BRANCH_SIGNOFF_COLUMNS`.
pub fn branch_signoff_from(r: &impl RecordRow, at: usize) -> Result<BranchSignoffRecord, StoreError> {
    Ok(BranchSignoffRecord {
        uuid: r.column(at)?,
        branch_id: r.column(at + 1)?,
        month: r.column(at + 2)?,
        author_id: r.column(at + 3)?,
        editor_id: r.column(at + 4)?,
        role: r.column(at + 5)?,
        outcome: r.column(at + 6)?,
        reason: r.column(at + 7)?,
        signed_on: r.column(at + 8)?,
        version: r.column(at + 9)?,
        created_at: r.column(at + 10)?,
        updated_at: r.column(at + 11)?,
    })
}

/// A resolution from a row whose columns start at `at` as in
/// `RESOLUTION_COLUMNS`.
pub fn resolution_from(r: &impl RecordRow, at: usize) -> Result<ResolutionRecord, StoreError> {
    Ok(ResolutionRecord {
        uuid: r.column(at)?,
        kind: r.column(at + 1)?,
        signoff_uuid: r.column(at + 2)?,
        station_id: r.column(at + 3)?,
        branch_id: r.column(at + 4)?,
        month: r.column(at + 5)?,
        answers: r.column(at + 6)?,
        outcome: r.column(at + 7)?,
        corrected_fen: r.column(at + 8)?,
        reason: r.column(at + 9)?,
        resolved_on: r.column(at + 10)?,
        author_id: r.column(at + 11)?,
        editor_id: r.column(at + 12)?,
        version: r.column(at + 13)?,
        created_at: r.column(at + 14)?,
        updated_at: r.column(at + 15)?,
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

/// The branch sheet sign-off with this uuid.
pub fn get_branch_signoff(conn: &Connection, uuid: &str) -> Result<Option<BranchSignoffRecord>, StoreError> {
    let sql = format!("SELECT {BRANCH_SIGNOFF_COLUMNS} FROM branch_signoffs WHERE uuid = ?1");
    Ok(collect(conn, &sql, [uuid], |r| branch_signoff_from(r, 0))?.pop())
}

/// The uuid of a signer's sign-off of a branch sheet, if one is stored.
pub fn branch_signoff_of(
    conn: &Connection,
    branch: &str,
    month: &str,
    signer: &str,
) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT uuid FROM branch_signoffs WHERE branch_id = ?1 AND month = ?2 AND author_id = ?3")?
        .query_row([branch, month, signer], |r| r.get(0))
        .optional()?)
}

/// The resolution with this uuid.
pub fn get_resolution(conn: &Connection, uuid: &str) -> Result<Option<ResolutionRecord>, StoreError> {
    let sql = format!("SELECT {RESOLUTION_COLUMNS} FROM resolutions WHERE uuid = ?1");
    Ok(collect(conn, &sql, [uuid], |r| resolution_from(r, 0))?.pop())
}

/// The resolution of a disputed sign-off, if one is stored.
pub fn resolution_of(conn: &Connection, signoff_uuid: &str) -> Result<Option<ResolutionRecord>, StoreError> {
    let sql = format!("SELECT {RESOLUTION_COLUMNS} FROM resolutions WHERE signoff_uuid = ?1");
    Ok(collect(conn, &sql, [signoff_uuid], |r| resolution_from(r, 0))?.pop())
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

/// Inserts a branch sheet sign-off, or replaces every field of it (`rev`
/// as `put_note`).
pub fn put_branch_signoff(conn: &Connection, s: &BranchSignoffRecord, rev: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO branch_signoffs (uuid, branch_id, month, author_id, editor_id, role, outcome, reason,
             signed_on, version, created_at, updated_at, rev)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (uuid) DO UPDATE SET branch_id = excluded.branch_id, month = excluded.month,
             author_id = excluded.author_id, editor_id = excluded.editor_id, role = excluded.role,
             outcome = excluded.outcome, reason = excluded.reason, signed_on = excluded.signed_on,
             version = excluded.version, created_at = excluded.created_at, updated_at = excluded.updated_at,
             rev = CASE WHEN ?13 = 0 THEN branch_signoffs.rev ELSE ?13 END",
    )?
    .execute(params![
        s.uuid,
        s.branch_id,
        s.month,
        s.author_id,
        s.editor_id,
        s.role,
        s.outcome,
        s.reason,
        s.signed_on,
        s.version,
        s.created_at,
        s.updated_at,
        rev
    ])?;
    Ok(())
}

/// Inserts a resolution, or replaces every field of it (`rev` as
/// `put_note`).
pub fn put_resolution(conn: &Connection, r: &ResolutionRecord, rev: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO resolutions (uuid, kind, signoff_uuid, station_id, branch_id, month, answers, outcome,
             corrected_fen, reason, resolved_on, author_id, editor_id, version, created_at, updated_at, rev)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
         ON CONFLICT (uuid) DO UPDATE SET kind = excluded.kind, signoff_uuid = excluded.signoff_uuid,
             station_id = excluded.station_id, branch_id = excluded.branch_id, month = excluded.month,
             answers = excluded.answers, outcome = excluded.outcome, corrected_fen = excluded.corrected_fen,
             reason = excluded.reason, resolved_on = excluded.resolved_on, author_id = excluded.author_id,
             editor_id = excluded.editor_id, version = excluded.version, created_at = excluded.created_at,
             updated_at = excluded.updated_at, rev = CASE WHEN ?17 = 0 THEN resolutions.rev ELSE ?17 END",
    )?
    .execute(params![
        r.uuid,
        r.kind,
        r.signoff_uuid,
        r.station_id,
        r.branch_id,
        r.month,
        r.answers,
        r.outcome,
        r.corrected_fen,
        r.reason,
        r.resolved_on,
        r.author_id,
        r.editor_id,
        r.version,
        r.created_at,
        r.updated_at,
        rev
    ])?;
    Ok(())
}

/// A record kind whose rows are one decision each (station sign-offs,
/// branch sheet sign-offs, resolutions): its table and row functions, so
/// the laptop's apply, its outbox and the server's push treat the three
/// alike.
pub trait DecisionTable: crate::sync::Decision + PartialEq + Sized {
    /// The table, as tombstones name it.
    const TABLE: &'static str;
    /// The record kind, as the outbox and the wire name it.
    const KIND: &'static str;
    fn uuid(&self) -> &str;
    fn get(conn: &Connection, uuid: &str) -> Result<Option<Self>, StoreError>;
    fn put(&self, conn: &Connection, rev: i64) -> Result<(), StoreError>;
    /// Another record of what this one is about, under another uuid,
    /// where there may be only one (a signer's branch sheet of a month,
    /// the resolution of a dispute).
    fn twin(&self, conn: &Connection) -> Result<Option<String>, StoreError>;
}

impl DecisionTable for SignoffRecord {
    const TABLE: &'static str = "signoffs";
    const KIND: &'static str = "signoff";

    fn uuid(&self) -> &str {
        &self.uuid
    }

    fn get(conn: &Connection, uuid: &str) -> Result<Option<Self>, StoreError> {
        get_signoff(conn, uuid)
    }

    fn put(&self, conn: &Connection, rev: i64) -> Result<(), StoreError> {
        put_signoff(conn, self, rev)
    }

    fn twin(&self, _conn: &Connection) -> Result<Option<String>, StoreError> {
        // A station's statement may be held twice on a laptop (its own
        // refused record and the server's): the station sign-offs keep
        // the behaviour they had.
        Ok(None)
    }
}

impl DecisionTable for BranchSignoffRecord {
    const TABLE: &'static str = "branch_signoffs";
    const KIND: &'static str = "branch_signoff";

    fn uuid(&self) -> &str {
        &self.uuid
    }

    fn get(conn: &Connection, uuid: &str) -> Result<Option<Self>, StoreError> {
        get_branch_signoff(conn, uuid)
    }

    fn put(&self, conn: &Connection, rev: i64) -> Result<(), StoreError> {
        put_branch_signoff(conn, self, rev)
    }

    fn twin(&self, conn: &Connection) -> Result<Option<String>, StoreError> {
        Ok(branch_signoff_of(conn, &self.branch_id, &self.month, &self.author_id)?.filter(|u| *u != self.uuid))
    }
}

impl DecisionTable for ResolutionRecord {
    const TABLE: &'static str = "resolutions";
    const KIND: &'static str = "resolution";

    fn uuid(&self) -> &str {
        &self.uuid
    }

    fn get(conn: &Connection, uuid: &str) -> Result<Option<Self>, StoreError> {
        get_resolution(conn, uuid)
    }

    fn put(&self, conn: &Connection, rev: i64) -> Result<(), StoreError> {
        put_resolution(conn, self, rev)
    }

    fn twin(&self, conn: &Connection) -> Result<Option<String>, StoreError> {
        Ok(resolution_of(conn, &self.signoff_uuid)?
            .map(|r| r.uuid)
            .filter(|u| *u != self.uuid))
    }
}
