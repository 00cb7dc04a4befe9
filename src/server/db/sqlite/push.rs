//! Receiving pushed records: each is checked (`sync::validate`), admitted
//! by the token's scope and authorship, merged with what the server holds
//! (`sync::merge`), and stored only when that changes something.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, TransactionBehavior};

use crate::server::db::{Scope, ServerDbError};
use crate::store::records::{get_note, get_signoff, put_note, put_signoff, signoff_of};
use crate::store::StoreError;
use crate::sync::{check_note, check_signoff, complete_pulled_note, merge_decision, merge_note};
use crate::wire::{PushOutcome, PushRecord, PushResult, Refusal, RefusalCode};

pub(super) fn refuse(code: RefusalCode, args: &[&str]) -> Refusal {
    Refusal {
        code,
        args: args.iter().map(|a| a.to_string()).collect(),
    }
}

/// Whether the token may write this record at all: the station must be one
/// it writes for (a refusal says the same whether or not the station
/// exists, and never names another station); a stored record keeps its
/// station and its author.
fn admit(
    conn: &Connection,
    scope: &Scope,
    station: &str,
    author: &str,
    stored: Option<(&str, &str)>,
) -> Result<Result<(), Refusal>, StoreError> {
    let exists = conn
        .prepare_cached("SELECT 1 FROM stations WHERE id = ?1")?
        .exists([station])?;
    if !exists || !scope.writes_station(station) {
        return Ok(Err(refuse(RefusalCode::OutOfScope, &[station, &scope.person_id])));
    }
    Ok(match stored {
        Some((stored_station, _)) if !scope.writes_station(stored_station) => {
            Err(refuse(RefusalCode::OutOfScope, &[station, &scope.person_id]))
        }
        Some((stored_station, _)) if stored_station != station => Err(refuse(RefusalCode::RecordMoved, &[])),
        Some((_, stored_author)) if stored_author != author => {
            Err(refuse(RefusalCode::AuthorChanged, &[stored_author]))
        }
        None if author != scope.person_id => Err(refuse(RefusalCode::NotTheAuthor, &[author, &scope.person_id])),
        _ => Ok(()),
    })
}

fn person_known(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM people WHERE id = ?1")?
        .exists([id])?)
}

fn receive_one(
    conn: &Connection,
    scope: &Scope,
    record: &PushRecord,
    now: DateTime<Utc>,
) -> Result<Result<PushOutcome, Refusal>, StoreError> {
    match record {
        PushRecord::VisitNote(note) => {
            let incoming = match check_note(note.clone(), now) {
                Ok(n) => n,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let n = incoming.record();
            let stored = get_note(conn, &n.uuid)?;
            let admitted = admit(
                conn,
                scope,
                &n.station_id,
                &n.author_id,
                stored.as_ref().map(|s| (s.station_id.as_str(), s.author_id.as_str())),
            )?;
            if let Err(refusal) = admitted {
                return Ok(Err(refusal));
            }
            Ok(Ok(match stored {
                None => {
                    put_note(conn, n, 0)?;
                    PushOutcome::Stored
                }
                Some(stored) => {
                    let stored = complete_pulled_note(stored);
                    let merged = merge_note(&stored, &incoming);
                    if merged == stored {
                        PushOutcome::Unchanged
                    } else {
                        put_note(conn, merged.record(), 0)?;
                        PushOutcome::Stored
                    }
                }
            }))
        }
        PushRecord::Signoff(signoff) => {
            let incoming = match check_signoff(signoff.clone(), now) {
                Ok(s) => s,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let stored = get_signoff(conn, &incoming.uuid)?;
            let admitted = admit(
                conn,
                scope,
                &incoming.station_id,
                &incoming.author_id,
                stored.as_ref().map(|s| (s.station_id.as_str(), s.author_id.as_str())),
            )?;
            if let Err(refusal) = admitted {
                return Ok(Err(refusal));
            }
            let editor = incoming.editor_id.as_deref().unwrap_or(&incoming.author_id);
            if !person_known(conn, editor)? {
                return Ok(Err(refuse(RefusalCode::NotTheEditor, &[editor, &scope.person_id])));
            }
            let Some(stored) = stored else {
                if let Some(other) = signoff_of(conn, &incoming.station_id, &incoming.month)? {
                    if other != incoming.uuid {
                        return Ok(Err(refuse(
                            RefusalCode::AlreadySigned,
                            &[&incoming.station_id, &incoming.month],
                        )));
                    }
                }
                if editor != scope.person_id {
                    return Ok(Err(refuse(RefusalCode::NotTheEditor, &[editor, &scope.person_id])));
                }
                put_signoff(conn, &incoming, 0)?;
                return Ok(Ok(PushOutcome::Stored));
            };
            if stored.month != incoming.month {
                return Ok(Err(refuse(RefusalCode::RecordMoved, &[])));
            }
            let merged = merge_decision(&stored, &incoming);
            if merged == stored {
                return Ok(Ok(PushOutcome::Unchanged));
            }
            // The push changes the decision: whoever made it must be the
            // token's person. (A laptop re-sending a decision it received
            // from the server changes nothing, so it never gets here.)
            let decision = |s: &crate::wire::SignoffRecord| {
                (
                    s.editor_id.clone(),
                    s.outcome.clone(),
                    s.reason.clone(),
                    s.signed_on.clone(),
                    s.updated_at.clone(),
                )
            };
            if decision(&merged) != decision(&stored) && editor != scope.person_id {
                return Ok(Err(refuse(RefusalCode::NotTheEditor, &[editor, &scope.person_id])));
            }
            put_signoff(conn, &merged, 0)?;
            Ok(Ok(PushOutcome::Stored))
        }
        PushRecord::BranchSignoff(signoff) => super::push_chain::receive_branch_signoff(conn, scope, signoff, now),
        PushRecord::Resolution(resolution) => super::push_chain::receive_resolution(conn, scope, resolution, now),
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
        let outcome = match receive_one(&tx, scope, record, now) {
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
        results.push(match outcome {
            Ok(outcome) => PushResult {
                uuid: record.uuid().to_string(),
                version: record.version(),
                outcome,
                reason: None,
                refusal: None,
            },
            Err(refusal) => PushResult {
                uuid: record.uuid().to_string(),
                version: record.version(),
                outcome: PushOutcome::Rejected,
                reason: Some(crate::i18n::refusal_text(&refusal, crate::i18n::Lang::En)),
                refusal: Some(refusal),
            },
        });
    }
    tx.commit()?;
    Ok(results)
}
