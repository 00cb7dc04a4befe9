//! Notes, sign-offs, branch sheet sign-offs and resolutions in
//! PostgreSQL: reading and writing them by uuid. A row becomes a record
//! through `store::records`' mappers, the same ones SQLite rows go
//! through.

use postgres::GenericClient;

pub use crate::store::records::{branch_signoff_from, note_from, resolution_from, signoff_from};
use crate::store::records::{times_json, BRANCH_SIGNOFF_COLUMNS, NOTE_COLUMNS, RESOLUTION_COLUMNS, SIGNOFF_COLUMNS};
use crate::store::StoreError;
use crate::wire::{BranchSignoffRecord, NoteRecord, ResolutionRecord, SignoffRecord};

pub fn get_note(db: &mut impl GenericClient, uuid: &str) -> Result<Option<NoteRecord>, StoreError> {
    let sql = format!("SELECT {NOTE_COLUMNS} FROM visit_notes WHERE uuid = $1");
    db.query_opt(&sql, &[&uuid])?.map(|r| note_from(&r, 0)).transpose()
}

pub fn get_signoff(db: &mut impl GenericClient, uuid: &str) -> Result<Option<SignoffRecord>, StoreError> {
    let sql = format!("SELECT {SIGNOFF_COLUMNS} FROM signoffs WHERE uuid = $1");
    db.query_opt(&sql, &[&uuid])?.map(|r| signoff_from(&r, 0)).transpose()
}

/// The uuid of the sign-off of a station's month, if one is stored.
pub fn signoff_of(db: &mut impl GenericClient, station: &str, month: &str) -> Result<Option<String>, StoreError> {
    Ok(db
        .query_opt(
            "SELECT uuid FROM signoffs WHERE station_id = $1 AND month = $2 ORDER BY created_at, uuid LIMIT 1",
            &[&station, &month],
        )?
        .map(|r| r.get(0)))
}

/// The station's notes, latest visit first.
pub fn station_notes(db: &mut impl GenericClient, station: &str) -> Result<Vec<NoteRecord>, StoreError> {
    let sql = format!(
        "SELECT {NOTE_COLUMNS} FROM visit_notes WHERE station_id = $1 ORDER BY visited_on DESC, created_at DESC"
    );
    db.query(&sql, &[&station])?.iter().map(|r| note_from(r, 0)).collect()
}

/// Inserts a note, or replaces every field of it; the trigger gives it a
/// revision when anything changed.
pub fn put_note(db: &mut impl GenericClient, n: &NoteRecord) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO visit_notes (uuid, station_id, author_id, visited_on, kind, body, follow_up_on,
             field_times, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (uuid) DO UPDATE SET station_id = excluded.station_id, author_id = excluded.author_id,
             visited_on = excluded.visited_on, kind = excluded.kind, body = excluded.body,
             follow_up_on = excluded.follow_up_on, field_times = excluded.field_times,
             version = excluded.version, created_at = excluded.created_at, updated_at = excluded.updated_at",
        &[
            &n.uuid,
            &n.station_id,
            &n.author_id,
            &n.visited_on,
            &n.kind,
            &n.body,
            &n.follow_up_on,
            &times_json(&n.field_times),
            &n.version,
            &n.created_at,
            &n.updated_at,
        ],
    )?;
    Ok(())
}

/// Inserts a sign-off, or replaces every field of it.
pub fn put_signoff(db: &mut impl GenericClient, s: &SignoffRecord) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO signoffs (uuid, station_id, month, author_id, editor_id, outcome, reason, signed_on,
             field_times, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (uuid) DO UPDATE SET station_id = excluded.station_id, month = excluded.month,
             author_id = excluded.author_id, editor_id = excluded.editor_id, outcome = excluded.outcome,
             reason = excluded.reason, signed_on = excluded.signed_on, field_times = excluded.field_times,
             version = excluded.version, created_at = excluded.created_at, updated_at = excluded.updated_at",
        &[
            &s.uuid,
            &s.station_id,
            &s.month,
            &s.author_id,
            &s.editor_id,
            &s.outcome,
            &s.reason,
            &s.signed_on,
            &times_json(&s.field_times),
            &s.version,
            &s.created_at,
            &s.updated_at,
        ],
    )?;
    Ok(())
}

pub fn get_branch_signoff(db: &mut impl GenericClient, uuid: &str) -> Result<Option<BranchSignoffRecord>, StoreError> {
    let sql = format!("SELECT {BRANCH_SIGNOFF_COLUMNS} FROM branch_signoffs WHERE uuid = $1");
    db.query_opt(&sql, &[&uuid])?
        .map(|r| branch_signoff_from(&r, 0))
        .transpose()
}

/// The uuid of a signer's sign-off of a branch sheet, if one is stored.
pub fn branch_signoff_of(
    db: &mut impl GenericClient,
    branch: &str,
    month: &str,
    signer: &str,
) -> Result<Option<String>, StoreError> {
    Ok(db
        .query_opt(
            "SELECT uuid FROM branch_signoffs WHERE branch_id = $1 AND month = $2 AND author_id = $3",
            &[&branch, &month, &signer],
        )?
        .map(|r| r.get(0)))
}

pub fn get_resolution(db: &mut impl GenericClient, uuid: &str) -> Result<Option<ResolutionRecord>, StoreError> {
    let sql = format!("SELECT {RESOLUTION_COLUMNS} FROM resolutions WHERE uuid = $1");
    db.query_opt(&sql, &[&uuid])?
        .map(|r| resolution_from(&r, 0))
        .transpose()
}

/// The uuid of the resolution of a disputed sign-off, if one is stored.
pub fn resolution_of(db: &mut impl GenericClient, signoff_uuid: &str) -> Result<Option<String>, StoreError> {
    Ok(db
        .query_opt("SELECT uuid FROM resolutions WHERE signoff_uuid = $1", &[&signoff_uuid])?
        .map(|r| r.get(0)))
}

/// Inserts a branch sheet sign-off, or replaces every field of it.
pub fn put_branch_signoff(db: &mut impl GenericClient, s: &BranchSignoffRecord) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO branch_signoffs (uuid, branch_id, month, author_id, editor_id, role, outcome, reason,
             signed_on, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (uuid) DO UPDATE SET branch_id = excluded.branch_id, month = excluded.month,
             author_id = excluded.author_id, editor_id = excluded.editor_id, role = excluded.role,
             outcome = excluded.outcome, reason = excluded.reason, signed_on = excluded.signed_on,
             version = excluded.version, created_at = excluded.created_at, updated_at = excluded.updated_at",
        &[
            &s.uuid,
            &s.branch_id,
            &s.month,
            &s.author_id,
            &s.editor_id,
            &s.role,
            &s.outcome,
            &s.reason,
            &s.signed_on,
            &s.version,
            &s.created_at,
            &s.updated_at,
        ],
    )?;
    Ok(())
}

/// Inserts a resolution, or replaces every field of it.
pub fn put_resolution(db: &mut impl GenericClient, r: &ResolutionRecord) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO resolutions (uuid, kind, signoff_uuid, station_id, branch_id, month, answers, outcome,
             corrected_fen, reason, resolved_on, author_id, editor_id, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (uuid) DO UPDATE SET kind = excluded.kind, signoff_uuid = excluded.signoff_uuid,
             station_id = excluded.station_id, branch_id = excluded.branch_id, month = excluded.month,
             answers = excluded.answers, outcome = excluded.outcome, corrected_fen = excluded.corrected_fen,
             reason = excluded.reason, resolved_on = excluded.resolved_on, author_id = excluded.author_id,
             editor_id = excluded.editor_id, version = excluded.version, created_at = excluded.created_at,
             updated_at = excluded.updated_at",
        &[
            &r.uuid,
            &r.kind,
            &r.signoff_uuid,
            &r.station_id,
            &r.branch_id,
            &r.month,
            &r.answers,
            &r.outcome,
            &r.corrected_fen,
            &r.reason,
            &r.resolved_on,
            &r.author_id,
            &r.editor_id,
            &r.version,
            &r.created_at,
            &r.updated_at,
        ],
    )?;
    Ok(())
}
