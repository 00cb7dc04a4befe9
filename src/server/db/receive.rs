//! Receiving pushed records, the same on every backend: each is checked
//! (`sync::validate`), admitted by the token's scope and authorship,
//! merged with what the server holds (`sync::merge`), and stored only when
//! that changes something. The backends give `Records`, what a decision
//! reads and writes, and choose how (SQLite: one statement at a time
//! under a savepoint per record; PostgreSQL: the batch read at once and
//! written in bulk).

use chrono::{DateTime, Utc};

use crate::server::db::Scope;
use crate::store::StoreError;
use crate::sync::{check_note, check_signoff, complete_pulled_note, merge_note, merge_signoff};
use crate::wire::{NoteRecord, PushOutcome, PushRecord, PushResult, Refusal, RefusalCode, SignoffRecord};

/// What deciding on a pushed record reads and writes.
pub trait Records {
    fn station_exists(&mut self, id: &str) -> Result<bool, StoreError>;
    fn person_known(&mut self, id: &str) -> Result<bool, StoreError>;
    fn note(&mut self, uuid: &str) -> Result<Option<NoteRecord>, StoreError>;
    fn signoff(&mut self, uuid: &str) -> Result<Option<SignoffRecord>, StoreError>;
    /// The uuid of the sign-off of a station's month (the first made).
    fn signoff_of(&mut self, station: &str, month: &str) -> Result<Option<String>, StoreError>;
    fn put_note(&mut self, note: &NoteRecord) -> Result<(), StoreError>;
    fn put_signoff(&mut self, signoff: &SignoffRecord) -> Result<(), StoreError>;
}

pub fn refuse(code: RefusalCode, args: &[&str]) -> Refusal {
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
    db: &mut impl Records,
    scope: &Scope,
    station: &str,
    author: &str,
    stored: Option<(&str, &str)>,
) -> Result<Result<(), Refusal>, StoreError> {
    if !db.station_exists(station)? || !scope.writes_station(station) {
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

/// Decides on one record and writes it when it changes anything. A
/// refusal writes nothing.
pub fn receive_one(
    db: &mut impl Records,
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
            let stored = db.note(&n.uuid)?;
            let admitted = admit(
                db,
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
                    db.put_note(n)?;
                    PushOutcome::Stored
                }
                Some(stored) => {
                    let stored = complete_pulled_note(stored);
                    let merged = merge_note(&stored, &incoming);
                    if merged == stored {
                        PushOutcome::Unchanged
                    } else {
                        db.put_note(merged.record())?;
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
            let stored = db.signoff(&incoming.uuid)?;
            let admitted = admit(
                db,
                scope,
                &incoming.station_id,
                &incoming.author_id,
                stored.as_ref().map(|s| (s.station_id.as_str(), s.author_id.as_str())),
            )?;
            if let Err(refusal) = admitted {
                return Ok(Err(refusal));
            }
            let editor = incoming.editor_id.as_deref().unwrap_or(&incoming.author_id);
            if !db.person_known(editor)? {
                return Ok(Err(refuse(RefusalCode::NotTheEditor, &[editor, &scope.person_id])));
            }
            let Some(stored) = stored else {
                if let Some(other) = db.signoff_of(&incoming.station_id, &incoming.month)? {
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
                db.put_signoff(&incoming)?;
                return Ok(Ok(PushOutcome::Stored));
            };
            if stored.month != incoming.month {
                return Ok(Err(refuse(RefusalCode::RecordMoved, &[])));
            }
            let merged = merge_signoff(&stored, &incoming);
            if merged == stored {
                return Ok(Ok(PushOutcome::Unchanged));
            }
            // The push changes the decision: whoever made it must be the
            // token's person. (A laptop re-sending a decision it received
            // from the server changes nothing, so it never gets here.)
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
            db.put_signoff(&merged)?;
            Ok(Ok(PushOutcome::Stored))
        }
    }
}

/// The answer for one record.
pub fn result_of(record: &PushRecord, outcome: Result<PushOutcome, Refusal>) -> PushResult {
    match outcome {
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
    }
}
