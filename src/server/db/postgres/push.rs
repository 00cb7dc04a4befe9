//! Receiving pushed records on PostgreSQL: the same checks, scope,
//! authorship and merge as the SQLite backend (`sqlite::push`), for
//! several `bianmin serve` processes at once. A batch first takes a
//! transaction-scoped advisory lock on each record's uuid and each
//! sign-off's station and month, in sorted order (so two batches never
//! wait on each other in a circle): a laptop's retry through another
//! server, or two laptops' sign-offs of one statement, are then merged one
//! after the other, each reading what the other committed. An import
//! running meanwhile touches none of these rows, and revisions come from a
//! sequence, so a push never waits for one.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use postgres::{Client, GenericClient, Transaction};

use super::records::{get_note, get_signoff, put_note, put_signoff, signoff_of};
use crate::server::db::{Scope, ServerDbError};
use crate::store::StoreError;
use crate::sync::{check_note, check_signoff, complete_pulled_note, merge_note, merge_signoff};
use crate::wire::{PushOutcome, PushRecord, PushResult, Refusal, RefusalCode, SignoffRecord};

/// The first key of the record locks (the two-number form of advisory
/// locks, apart from the revision locks' one-number keys).
const RECORD_LOCKS: i32 = 0x626d;

fn refuse(code: RefusalCode, args: &[&str]) -> Refusal {
    Refusal {
        code,
        args: args.iter().map(|a| a.to_string()).collect(),
    }
}

fn admit(
    tx: &mut impl GenericClient,
    scope: &Scope,
    station: &str,
    author: &str,
    stored: Option<(&str, &str)>,
) -> Result<Result<(), Refusal>, StoreError> {
    let exists = tx
        .query_opt("SELECT 1 FROM stations WHERE id = $1", &[&station])?
        .is_some();
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

fn person_known(tx: &mut impl GenericClient, id: &str) -> Result<bool, StoreError> {
    Ok(tx.query_opt("SELECT 1 FROM people WHERE id = $1", &[&id])?.is_some())
}

fn receive_one(
    tx: &mut impl GenericClient,
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
            let stored = get_note(tx, &n.uuid)?;
            let admitted = admit(
                tx,
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
                    put_note(tx, n)?;
                    PushOutcome::Stored
                }
                Some(stored) => {
                    let stored = complete_pulled_note(stored);
                    let merged = merge_note(&stored, &incoming);
                    if merged == stored {
                        PushOutcome::Unchanged
                    } else {
                        put_note(tx, merged.record())?;
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
            let stored = get_signoff(tx, &incoming.uuid)?;
            let admitted = admit(
                tx,
                scope,
                &incoming.station_id,
                &incoming.author_id,
                stored.as_ref().map(|s| (s.station_id.as_str(), s.author_id.as_str())),
            )?;
            if let Err(refusal) = admitted {
                return Ok(Err(refusal));
            }
            let editor = incoming.editor_id.as_deref().unwrap_or(&incoming.author_id);
            if !person_known(tx, editor)? {
                return Ok(Err(refuse(RefusalCode::NotTheEditor, &[editor, &scope.person_id])));
            }
            let Some(stored) = stored else {
                if let Some(other) = signoff_of(tx, &incoming.station_id, &incoming.month)? {
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
                put_signoff(tx, &incoming)?;
                return Ok(Ok(PushOutcome::Stored));
            };
            if stored.month != incoming.month {
                return Ok(Err(refuse(RefusalCode::RecordMoved, &[])));
            }
            let merged = merge_signoff(&stored, &incoming);
            if merged == stored {
                return Ok(Ok(PushOutcome::Unchanged));
            }
            let decision = |s: &SignoffRecord| {
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
            put_signoff(tx, &merged)?;
            Ok(Ok(PushOutcome::Stored))
        }
    }
}

/// What a batch locks: each record's uuid, and each sign-off's statement
/// (one sign-off per station and month), sorted.
fn lock_names(records: &[PushRecord]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for record in records {
        names.insert(format!("record {}", record.uuid()));
        if let PushRecord::Signoff(s) = record {
            names.insert(format!("statement {} {}", s.station_id, s.month));
        }
    }
    names
}

fn lock_all(tx: &mut Transaction<'_>, records: &[PushRecord]) -> Result<(), postgres::Error> {
    let names: Vec<String> = lock_names(records).into_iter().collect();
    // One statement, locks taken in the array's (sorted) order.
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext(name)) FROM unnest($2::text[]) WITH ORDINALITY AS n(name, i) ORDER BY i",
        &[&RECORD_LOCKS, &names],
    )?;
    Ok(())
}

/// Stores pushed records in one transaction, each new, merged, a repeat
/// that changes nothing, or refused (its savepoint rolled back) without
/// stopping the others.
pub fn receive_records(
    client: &mut Client,
    scope: &Scope,
    records: &[PushRecord],
    now: DateTime<Utc>,
) -> Result<Vec<PushResult>, ServerDbError> {
    let mut tx = client.transaction().map_err(StoreError::from)?;
    lock_all(&mut tx, records).map_err(StoreError::from)?;
    let mut results = Vec::with_capacity(records.len());
    for record in records {
        let mut savepoint = tx.transaction().map_err(StoreError::from)?;
        let outcome = match receive_one(&mut savepoint, scope, record, now) {
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
    tx.commit().map_err(StoreError::from)?;
    Ok(results)
}
