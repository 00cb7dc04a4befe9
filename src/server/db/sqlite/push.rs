//! Receiving pushed records: each is checked (`sync::validate`), admitted
//! by the token's scope and authorship, merged with what the server holds
//! (`sync::merge`), and stored only when that changes something.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, TransactionBehavior};

use crate::server::db::receive::{receive_one, refuse, result_of, Records};
use crate::server::db::{Scope, ServerDbError, ECHO_SECONDS};
use crate::store::records::{
    branch_signoff_of, get_branch_signoff, get_note, get_resolution, get_signoff, put_branch_signoff, put_note,
    put_resolution, put_signoff, resolution_of, signoff_of,
};
use crate::store::StoreError;
use crate::wire::{
    BranchSignoffRecord, NoteRecord, PushRecord, PushResult, RefusalCode, ResolutionRecord, SignoffRecord,
};

/// The records as one SQLite connection holds them, one statement each;
/// the request's echo key and the time, for `echo`.
struct OnConnection<'a>(&'a Connection, Option<&'a str>, i64);

impl Records for OnConnection<'_> {
    fn station_exists(&mut self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .0
            .prepare_cached("SELECT 1 FROM stations WHERE id = ?1")?
            .exists([id])?)
    }

    fn person_known(&mut self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .0
            .prepare_cached("SELECT 1 FROM people WHERE id = ?1")?
            .exists([id])?)
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
        put_note(self.0, note, 0)
    }

    fn put_signoff(&mut self, signoff: &SignoffRecord) -> Result<(), StoreError> {
        put_signoff(self.0, signoff, 0)
    }

    fn holds_role(&mut self, branch: &str, person: &str, role: &str) -> Result<bool, StoreError> {
        let sql = match role {
            "manager" => "SELECT 1 FROM branches WHERE id = ?1 AND manager_id = ?2",
            _ => "SELECT 1 FROM branch_maintainers WHERE branch_id = ?1 AND person_id = ?2",
        };
        Ok(self.0.prepare_cached(sql)?.exists([branch, person])?)
    }

    fn branch_signoff(&mut self, uuid: &str) -> Result<Option<BranchSignoffRecord>, StoreError> {
        get_branch_signoff(self.0, uuid)
    }

    fn branch_signoff_of(&mut self, branch: &str, month: &str, signer: &str) -> Result<Option<String>, StoreError> {
        branch_signoff_of(self.0, branch, month, signer)
    }

    fn put_branch_signoff(&mut self, signoff: &BranchSignoffRecord) -> Result<(), StoreError> {
        put_branch_signoff(self.0, signoff, 0)
    }

    fn resolution(&mut self, uuid: &str) -> Result<Option<ResolutionRecord>, StoreError> {
        get_resolution(self.0, uuid)
    }

    fn resolution_of(&mut self, signoff_uuid: &str) -> Result<Option<String>, StoreError> {
        Ok(resolution_of(self.0, signoff_uuid)?.map(|r| r.uuid))
    }

    fn put_resolution(&mut self, resolution: &ResolutionRecord) -> Result<(), StoreError> {
        put_resolution(self.0, resolution, 0)
    }

    fn echo(&mut self, table: &'static str, uuid: &str) -> Result<(), StoreError> {
        let Some(key) = self.1 else { return Ok(()) };
        self.0
            .prepare_cached(&format!(
                "INSERT OR REPLACE INTO sync_echoes (rev, echo, at) SELECT rev, ?1, ?2 FROM {table} WHERE uuid = ?3"
            ))?
            .execute(rusqlite::params![key, self.2, uuid])?;
        Ok(())
    }
}

/// Stores pushed records in one transaction: each is new, merged into the
/// stored one, a repeat that changes nothing, or refused with a reason
/// without stopping the others. No outbox rows are written here: the
/// records are already on the server.
pub fn receive_records(
    conn: &mut Connection,
    scope: &Scope,
    records: &[PushRecord],
    now: DateTime<Utc>,
) -> Result<Vec<PushResult>, ServerDbError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut results = Vec::with_capacity(records.len());
    for record in records {
        tx.execute_batch("SAVEPOINT record")?;
        let on = &mut OnConnection(&tx, scope.echo.as_deref(), now.timestamp());
        let outcome = match receive_one(on, scope, record, now) {
            Ok(Ok(outcome)) => {
                tx.execute_batch("RELEASE record")?;
                Ok(outcome)
            }
            Ok(Err(refusal)) => {
                tx.execute_batch("ROLLBACK TO record; RELEASE record")?;
                Err(refusal)
            }
            Err(StoreError::Sql(e)) if crate::server::db::is_busy(&e) => return Err(ServerDbError::Busy),
            Err(StoreError::Sql(e)) => {
                tx.execute_batch("ROLLBACK TO record; RELEASE record")?;
                Err(refuse(RefusalCode::ServerError, &[&e.to_string()]))
            }
            Err(e) => return Err(e.into()),
        };
        results.push(result_of(record, outcome));
    }
    if scope.echo.is_some() {
        tx.prepare_cached("DELETE FROM sync_echoes WHERE at < ?1")?
            .execute([now.timestamp() - ECHO_SECONDS])?;
    }
    tx.commit()?;
    Ok(results)
}
