//! Receiving pushed records on PostgreSQL: the decisions of
//! `db::receive` (the same as on SQLite), for several `bianmin serve`
//! processes at once. A batch first takes a transaction-scoped advisory
//! lock on each record's uuid and each sign-off's station and month, in
//! sorted order (so two batches never wait on each other in a circle): a
//! laptop's retry through another server, or two laptops' sign-offs of
//! one statement, are then decided one after the other, each reading what
//! the other committed. An import running meanwhile touches none of these
//! rows, and revisions come from a sequence, so a push never waits for one.
//!
//! The batch is read at once (`Batch`: the stored records, stations,
//! people and statements it names), decided in memory, and written in
//! one statement per table: a few round trips per batch instead of several
//! per record. Should that write fail, the batch is decided again one
//! record at a time under a savepoint each (`Direct`), as on SQLite, so a
//! record the database refuses does not hold up the others.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use postgres::{Client, GenericClient, Transaction};

use super::records::{
    branch_signoff_of, get_branch_signoff, get_note, get_resolution, get_signoff, note_from, put_branch_signoff,
    put_note, put_resolution, put_signoff, resolution_of, signoff_from, signoff_of,
};
use crate::server::db::receive::{receive_one, refuse, result_of, Records};
use crate::server::db::{Scope, ServerDbError, ECHO_SECONDS};
use crate::store::records::{times_json, NOTE_COLUMNS, SIGNOFF_COLUMNS};
use crate::store::StoreError;
use crate::wire::{
    BranchSignoffRecord, NoteRecord, PushOutcome, PushRecord, PushResult, Refusal, RefusalCode, ResolutionRecord,
    SignoffRecord,
};

/// The first key of the record locks (the two-number form of advisory
/// locks, apart from the revision locks' one-number keys).
const RECORD_LOCKS: i32 = 0x626d;

/// What a batch locks: each record's uuid, each sign-off's statement (one
/// sign-off per station and month), each branch sheet sign-off's place
/// (one per branch, month and signer) and each resolution's dispute (one
/// resolution per disputed sign-off), sorted.
fn lock_names(records: &[PushRecord]) -> Vec<String> {
    let mut names = BTreeSet::new();
    for record in records {
        names.insert(format!("record {}", record.uuid()));
        match record {
            PushRecord::Signoff(s) => {
                names.insert(format!("statement {} {}", s.station_id, s.month));
            }
            PushRecord::BranchSignoff(s) => {
                names.insert(format!("sheet {} {} {}", s.branch_id, s.month, s.author_id));
            }
            PushRecord::Resolution(r) => {
                names.insert(format!("dispute {}", r.signoff_uuid));
            }
            PushRecord::VisitNote(_) => {}
        }
    }
    names.into_iter().collect()
}

fn lock_all(tx: &mut Transaction<'_>, records: &[PushRecord]) -> Result<(), postgres::Error> {
    // One statement, the locks taken in the array's (sorted) order.
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext(name))
           FROM unnest($2::text[]) WITH ORDINALITY AS n(name, i) ORDER BY i",
        &[&RECORD_LOCKS, &lock_names(records)],
    )?;
    Ok(())
}

/// The records one statement at a time, in the transaction; the
/// request's echo key and the time, for `echo`.
struct Direct<'a, C: GenericClient>(&'a mut C, Option<&'a str>, i64);

/// Notes rows of `table` just written as sent under the echo key
/// (migrations/postgres/0003_sync_echoes.sql): their revisions now.
fn note_echoes(
    client: &mut impl GenericClient,
    table: &'static str,
    uuids: &[String],
    key: &str,
    at: i64,
) -> Result<(), postgres::Error> {
    client.execute(
        &format!(
            "INSERT INTO sync_echoes (rev, echo, at) SELECT rev, $1, $2 FROM {table} WHERE uuid = ANY($3)
             ON CONFLICT (rev) DO UPDATE SET echo = excluded.echo, at = excluded.at"
        ),
        &[&key, &at, &uuids],
    )?;
    Ok(())
}

impl<C: GenericClient> Records for Direct<'_, C> {
    fn station_exists(&mut self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .0
            .query_opt("SELECT 1 FROM stations WHERE id = $1", &[&id])?
            .is_some())
    }

    fn person_known(&mut self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .0
            .query_opt("SELECT 1 FROM people WHERE id = $1", &[&id])?
            .is_some())
    }

    fn note(&mut self, uuid: &str) -> Result<Option<NoteRecord>, StoreError> {
        get_note(self.0, uuid)
    }

    fn signoff(&mut self, uuid: &str) -> Result<Option<SignoffRecord>, StoreError> {
        get_signoff(self.0, uuid)
    }

    fn signoff_of(&mut self, station: &str, month: &str) -> Result<Option<String>, StoreError> {
        signoff_of(self.0, station, month)
    }

    fn put_note(&mut self, note: &NoteRecord) -> Result<(), StoreError> {
        put_note(self.0, note)
    }

    fn put_signoff(&mut self, signoff: &SignoffRecord) -> Result<(), StoreError> {
        put_signoff(self.0, signoff)
    }

    fn holds_role(&mut self, branch: &str, person: &str, role: &str) -> Result<bool, StoreError> {
        let sql = match role {
            "manager" => "SELECT 1 FROM branches WHERE id = $1 AND manager_id = $2",
            _ => "SELECT 1 FROM branch_maintainers WHERE branch_id = $1 AND person_id = $2",
        };
        Ok(self.0.query_opt(sql, &[&branch, &person])?.is_some())
    }

    fn branch_signoff(&mut self, uuid: &str) -> Result<Option<BranchSignoffRecord>, StoreError> {
        get_branch_signoff(self.0, uuid)
    }

    fn branch_signoff_of(&mut self, branch: &str, month: &str, signer: &str) -> Result<Option<String>, StoreError> {
        branch_signoff_of(self.0, branch, month, signer)
    }

    fn put_branch_signoff(&mut self, signoff: &BranchSignoffRecord) -> Result<(), StoreError> {
        put_branch_signoff(self.0, signoff)
    }

    fn resolution(&mut self, uuid: &str) -> Result<Option<ResolutionRecord>, StoreError> {
        get_resolution(self.0, uuid)
    }

    fn resolution_of(&mut self, signoff_uuid: &str) -> Result<Option<String>, StoreError> {
        resolution_of(self.0, signoff_uuid)
    }

    fn put_resolution(&mut self, resolution: &ResolutionRecord) -> Result<(), StoreError> {
        put_resolution(self.0, resolution)
    }

    fn echo(&mut self, table: &'static str, uuid: &str) -> Result<(), StoreError> {
        if let Some(key) = self.1 {
            note_echoes(self.0, table, &[uuid.to_string()], key, self.2)?;
        }
        Ok(())
    }
}

/// The records a batch names, read at once; what it decides to write is
/// kept here (and read back by the records after it) until `write`.
#[derive(Default)]
struct Batch {
    stations: HashSet<String>,
    people: HashSet<String>,
    notes: HashMap<String, NoteRecord>,
    signoffs: HashMap<String, SignoffRecord>,
    /// (station, month) → (created_at, uuid) of its first sign-off.
    statements: HashMap<(String, String), (String, String)>,
    notes_written: Vec<String>,
    signoffs_written: Vec<String>,
    /// The records whose last write is exactly as sent (`Records::echo`),
    /// by uuid: their table.
    echoes: HashMap<String, &'static str>,
}

impl Batch {
    /// Whether the batch can be decided in bulk: notes and station
    /// sign-offs only. The payout chain's records (a few per person and
    /// month) are decided one by one (`Direct`).
    fn fits(records: &[PushRecord]) -> bool {
        records
            .iter()
            .all(|r| matches!(r, PushRecord::VisitNote(_) | PushRecord::Signoff(_)))
    }

    fn read(tx: &mut Transaction<'_>, records: &[PushRecord]) -> Result<Batch, StoreError> {
        let mut uuids = Vec::new();
        let mut stations = Vec::new();
        let mut people = Vec::new();
        let (mut statement_stations, mut statement_months) = (Vec::new(), Vec::new());
        for record in records {
            uuids.push(record.uuid().to_string());
            match record {
                PushRecord::VisitNote(n) => stations.push(n.station_id.clone()),
                PushRecord::Signoff(s) => {
                    stations.push(s.station_id.clone());
                    people.push(s.editor_id.clone().unwrap_or_else(|| s.author_id.clone()));
                    statement_stations.push(s.station_id.clone());
                    statement_months.push(s.month.clone());
                }
                // Not in a bulk batch (`fits`).
                PushRecord::BranchSignoff(_) | PushRecord::Resolution(_) => {}
            }
        }
        let mut batch = Batch::default();
        for r in tx.query("SELECT id FROM stations WHERE id = ANY($1)", &[&stations])? {
            batch.stations.insert(r.get(0));
        }
        for r in tx.query("SELECT id FROM people WHERE id = ANY($1)", &[&people])? {
            batch.people.insert(r.get(0));
        }
        let sql = format!("SELECT {NOTE_COLUMNS} FROM visit_notes WHERE uuid = ANY($1)");
        for r in tx.query(&sql, &[&uuids])? {
            let note = note_from(&r, 0)?;
            batch.notes.insert(note.uuid.clone(), note);
        }
        if !statement_stations.is_empty() {
            let sql = format!("SELECT {SIGNOFF_COLUMNS} FROM signoffs WHERE uuid = ANY($1)");
            for r in tx.query(&sql, &[&uuids])? {
                let signoff = signoff_from(&r, 0)?;
                batch.signoffs.insert(signoff.uuid.clone(), signoff);
            }
            let rows = tx.query(
                "SELECT DISTINCT ON (s.station_id, s.month) s.station_id, s.month, s.created_at, s.uuid
                   FROM signoffs s
                   JOIN unnest($1::text[], $2::text[]) AS w(station_id, month)
                     ON s.station_id = w.station_id AND s.month = w.month
                  ORDER BY s.station_id, s.month, s.created_at, s.uuid",
                &[&statement_stations, &statement_months],
            )?;
            for r in rows {
                batch.statements.insert((r.get(0), r.get(1)), (r.get(2), r.get(3)));
            }
        }
        Ok(batch)
    }

    /// Writes what the batch decided: one statement per table, then the
    /// echoes under the request's echo key.
    fn write(&self, tx: &mut Transaction<'_>, echo: Option<&str>, at: i64) -> Result<(), postgres::Error> {
        self.write_records(tx)?;
        let Some(key) = echo else { return Ok(()) };
        for table in ["visit_notes", "signoffs"] {
            let uuids: Vec<String> = (self.echoes.iter())
                .filter(|(_, t)| **t == table)
                .map(|(u, _)| u.clone())
                .collect();
            if !uuids.is_empty() {
                note_echoes(tx, table, &uuids, key, at)?;
            }
        }
        Ok(())
    }

    fn write_records(&self, tx: &mut Transaction<'_>) -> Result<(), postgres::Error> {
        if !self.notes_written.is_empty() {
            let notes: Vec<&NoteRecord> = self.notes_written.iter().map(|u| &self.notes[u]).collect();
            let column = |f: fn(&NoteRecord) -> Option<String>| notes.iter().map(|n| f(n)).collect::<Vec<_>>();
            tx.execute(
                "INSERT INTO visit_notes (uuid, station_id, author_id, visited_on, kind, body, follow_up_on,
                     field_times, version, created_at, updated_at)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::text[], $9::bigint[], $10::text[], $11::text[])
                 ON CONFLICT (uuid) DO UPDATE SET station_id = excluded.station_id, author_id = excluded.author_id,
                     visited_on = excluded.visited_on, kind = excluded.kind, body = excluded.body,
                     follow_up_on = excluded.follow_up_on, field_times = excluded.field_times,
                     version = excluded.version, created_at = excluded.created_at, updated_at = excluded.updated_at",
                &[
                    &column(|n| Some(n.uuid.clone())),
                    &column(|n| Some(n.station_id.clone())),
                    &column(|n| Some(n.author_id.clone())),
                    &column(|n| Some(n.visited_on.clone())),
                    &column(|n| Some(n.kind.clone())),
                    &column(|n| Some(n.body.clone())),
                    &column(|n| n.follow_up_on.clone()),
                    &column(|n| Some(times_json(&n.field_times))),
                    &notes.iter().map(|n| n.version).collect::<Vec<i64>>(),
                    &column(|n| Some(n.created_at.clone())),
                    &column(|n| Some(n.updated_at.clone())),
                ],
            )?;
        }
        if !self.signoffs_written.is_empty() {
            let signoffs: Vec<&SignoffRecord> = self.signoffs_written.iter().map(|u| &self.signoffs[u]).collect();
            let column = |f: fn(&SignoffRecord) -> Option<String>| signoffs.iter().map(|s| f(s)).collect::<Vec<_>>();
            tx.execute(
                "INSERT INTO signoffs (uuid, station_id, month, author_id, editor_id, outcome, reason, signed_on,
                     field_times, version, created_at, updated_at)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::text[], $9::text[], $10::bigint[], $11::text[], $12::text[])
                 ON CONFLICT (uuid) DO UPDATE SET station_id = excluded.station_id, month = excluded.month,
                     author_id = excluded.author_id, editor_id = excluded.editor_id, outcome = excluded.outcome,
                     reason = excluded.reason, signed_on = excluded.signed_on, field_times = excluded.field_times,
                     version = excluded.version, created_at = excluded.created_at, updated_at = excluded.updated_at",
                &[
                    &column(|s| Some(s.uuid.clone())),
                    &column(|s| Some(s.station_id.clone())),
                    &column(|s| Some(s.month.clone())),
                    &column(|s| Some(s.author_id.clone())),
                    &column(|s| s.editor_id.clone()),
                    &column(|s| Some(s.outcome.clone())),
                    &column(|s| s.reason.clone()),
                    &column(|s| Some(s.signed_on.clone())),
                    &column(|s| Some(times_json(&s.field_times))),
                    &signoffs.iter().map(|s| s.version).collect::<Vec<i64>>(),
                    &column(|s| Some(s.created_at.clone())),
                    &column(|s| Some(s.updated_at.clone())),
                ],
            )?;
        }
        Ok(())
    }
}

impl Records for Batch {
    fn station_exists(&mut self, id: &str) -> Result<bool, StoreError> {
        Ok(self.stations.contains(id))
    }

    fn person_known(&mut self, id: &str) -> Result<bool, StoreError> {
        Ok(self.people.contains(id))
    }

    fn note(&mut self, uuid: &str) -> Result<Option<NoteRecord>, StoreError> {
        Ok(self.notes.get(uuid).cloned())
    }

    fn signoff(&mut self, uuid: &str) -> Result<Option<SignoffRecord>, StoreError> {
        Ok(self.signoffs.get(uuid).cloned())
    }

    fn signoff_of(&mut self, station: &str, month: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .statements
            .get(&(station.to_string(), month.to_string()))
            .map(|(_, uuid)| uuid.clone()))
    }

    fn put_note(&mut self, note: &NoteRecord) -> Result<(), StoreError> {
        self.echoes.remove(&note.uuid);
        self.notes.insert(note.uuid.clone(), note.clone());
        if !self.notes_written.contains(&note.uuid) {
            self.notes_written.push(note.uuid.clone());
        }
        Ok(())
    }

    fn put_signoff(&mut self, signoff: &SignoffRecord) -> Result<(), StoreError> {
        let first = (signoff.created_at.clone(), signoff.uuid.clone());
        self.statements
            .entry((signoff.station_id.clone(), signoff.month.clone()))
            .and_modify(|held| {
                if first < *held {
                    *held = first.clone();
                }
            })
            .or_insert(first);
        self.echoes.remove(&signoff.uuid);
        self.signoffs.insert(signoff.uuid.clone(), signoff.clone());
        if !self.signoffs_written.contains(&signoff.uuid) {
            self.signoffs_written.push(signoff.uuid.clone());
        }
        Ok(())
    }

    fn holds_role(&mut self, _branch: &str, _person: &str, _role: &str) -> Result<bool, StoreError> {
        Err(Batch::not_held("holds_role"))
    }

    fn branch_signoff(&mut self, _uuid: &str) -> Result<Option<BranchSignoffRecord>, StoreError> {
        Err(Batch::not_held("branch_signoff"))
    }

    fn branch_signoff_of(&mut self, _branch: &str, _month: &str, _signer: &str) -> Result<Option<String>, StoreError> {
        Err(Batch::not_held("branch_signoff_of"))
    }

    fn put_branch_signoff(&mut self, _signoff: &BranchSignoffRecord) -> Result<(), StoreError> {
        Err(Batch::not_held("put_branch_signoff"))
    }

    fn resolution(&mut self, _uuid: &str) -> Result<Option<ResolutionRecord>, StoreError> {
        Err(Batch::not_held("resolution"))
    }

    fn resolution_of(&mut self, _signoff_uuid: &str) -> Result<Option<String>, StoreError> {
        Err(Batch::not_held("resolution_of"))
    }

    fn put_resolution(&mut self, _resolution: &ResolutionRecord) -> Result<(), StoreError> {
        Err(Batch::not_held("put_resolution"))
    }

    fn echo(&mut self, table: &'static str, uuid: &str) -> Result<(), StoreError> {
        self.echoes.insert(uuid.to_string(), table);
        Ok(())
    }
}

impl Batch {
    /// A bulk batch holds notes and station sign-offs only (`fits`);
    /// asked for anything else, it says so instead of guessing.
    fn not_held(what: &'static str) -> StoreError {
        StoreError::BadValue {
            table: "push batch",
            column: what,
            value: "the payout chain's records are decided one by one".into(),
        }
    }
}

/// The batch read at once and written in bulk; `None` when the write
/// failed for a reason other than a lost race (the caller then decides
/// again record by record).
fn in_bulk(
    tx: &mut Transaction<'_>,
    scope: &Scope,
    records: &[PushRecord],
    now: DateTime<Utc>,
) -> Result<Option<Vec<PushResult>>, StoreError> {
    let mut batch = Batch::read(tx, records)?;
    let results: Vec<PushResult> = records
        .iter()
        .map(|record| Ok(result_of(record, receive_one(&mut batch, scope, record, now)?)))
        .collect::<Result<_, StoreError>>()?;
    let mut attempt = tx.transaction()?;
    match batch.write(&mut attempt, scope.echo.as_deref(), now.timestamp()) {
        Ok(()) => {
            attempt.commit()?;
            Ok(Some(results))
        }
        Err(e) if super::is_retryable(&e) => Err(e.into()),
        Err(_) => {
            attempt.rollback()?;
            Ok(None)
        }
    }
}

/// Record by record, each under a savepoint: a record the database
/// refuses is answered `server_error` and the others go on.
fn one_by_one(
    tx: &mut Transaction<'_>,
    scope: &Scope,
    records: &[PushRecord],
    now: DateTime<Utc>,
) -> Result<Vec<PushResult>, ServerDbError> {
    let mut results = Vec::with_capacity(records.len());
    for record in records {
        let mut savepoint = tx.transaction().map_err(StoreError::from)?;
        let outcome: Result<PushOutcome, Refusal> = match receive_one(
            &mut Direct(&mut savepoint, scope.echo.as_deref(), now.timestamp()),
            scope,
            record,
            now,
        ) {
            Ok(Ok(outcome)) => {
                savepoint.commit().map_err(StoreError::from)?;
                Ok(outcome)
            }
            Ok(Err(refusal)) => {
                savepoint.rollback().map_err(StoreError::from)?;
                Err(refusal)
            }
            Err(StoreError::Pg(e)) if super::is_retryable(&e) => return Err(StoreError::Pg(e).into()),
            Err(StoreError::Pg(e)) => {
                savepoint.rollback().map_err(StoreError::from)?;
                Err(refuse(RefusalCode::ServerError, &[&crate::store::pg_message(&e)]))
            }
            Err(e) => return Err(e.into()),
        };
        results.push(result_of(record, outcome));
    }
    Ok(results)
}

/// Stores pushed records in one transaction, each new, merged, a repeat
/// that changes nothing, or refused without stopping the others.
pub fn receive_records(
    client: &mut Client,
    scope: &Scope,
    records: &[PushRecord],
    now: DateTime<Utc>,
) -> Result<Vec<PushResult>, ServerDbError> {
    let mut tx = client.transaction().map_err(StoreError::from)?;
    lock_all(&mut tx, records).map_err(StoreError::from)?;
    let bulk = if Batch::fits(records) {
        in_bulk(&mut tx, scope, records, now)?
    } else {
        None
    };
    let results = match bulk {
        Some(results) => results,
        None => one_by_one(&mut tx, scope, records, now)?,
    };
    if scope.echo.is_some() {
        tx.execute(
            "DELETE FROM sync_echoes WHERE at < $1",
            &[&(now.timestamp() - ECHO_SECONDS)],
        )
        .map_err(StoreError::from)?;
    }
    tx.commit().map_err(StoreError::from)?;
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_locks_each_record_and_statement_once_in_order() {
        let note: PushRecord = serde_json::from_value(serde_json::json!({
            "type": "visit_note", "uuid": "b", "station_id": "S1", "author_id": "W1",
            "visited_on": "2026-11-26", "kind": "other", "body": "x", "follow_up_on": null,
            "version": 1, "field_times": {}, "created_at": "2026-11-26T09:00:00.000Z",
            "updated_at": "2026-11-26T09:00:00.000Z"}))
        .unwrap();
        let names = lock_names(&[note.clone(), note]);
        assert_eq!(names, vec!["record b".to_string()]);
    }
}
