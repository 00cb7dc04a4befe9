//! Receiving pushed records, the same on every backend: each is checked
//! (`sync::validate`), admitted by the token's scope and authorship,
//! merged with what the server holds (`sync::merge`), and stored only when
//! that changes something. The backends give `Records`, what a decision
//! reads and writes, and choose how (SQLite: one statement at a time
//! under a savepoint per record; PostgreSQL: the batch read at once and
//! written in bulk).

use chrono::{DateTime, Utc};

use crate::server::db::Role;
use crate::server::db::Scope;
use crate::store::StoreError;
use crate::sync::{
    check_branch_signoff, check_note, check_resolution, check_signoff, complete_pulled_note, merge_decision,
    merge_note, Decision,
};
use crate::wire::{
    BranchSignoffRecord, NoteRecord, PushOutcome, PushRecord, PushResult, Refusal, RefusalCode, ResolutionRecord,
    SignoffRecord,
};

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
    /// Whether `person` holds `role` ("manager" or "maintainer") on
    /// `branch`'s sheet in the registry now.
    fn holds_role(&mut self, branch: &str, person: &str, role: &str) -> Result<bool, StoreError>;
    fn branch_signoff(&mut self, uuid: &str) -> Result<Option<BranchSignoffRecord>, StoreError>;
    /// The uuid of a signer's sign-off of a branch sheet and month.
    fn branch_signoff_of(&mut self, branch: &str, month: &str, signer: &str) -> Result<Option<String>, StoreError>;
    fn put_branch_signoff(&mut self, signoff: &BranchSignoffRecord) -> Result<(), StoreError>;
    fn resolution(&mut self, uuid: &str) -> Result<Option<ResolutionRecord>, StoreError>;
    /// The uuid of the resolution of a disputed sign-off.
    fn resolution_of(&mut self, signoff_uuid: &str) -> Result<Option<String>, StoreError>;
    fn put_resolution(&mut self, resolution: &ResolutionRecord) -> Result<(), StoreError>;
    /// Notes that the row of `table` just written under `uuid` is exactly
    /// what the request's sync run sent, so the run's pull may leave it
    /// out (nothing when the request named no run: `Scope::echo`).
    fn echo(&mut self, table: &'static str, uuid: &str) -> Result<(), StoreError>;
}

/// After a write: the row goes back to the laptop that sent it unless
/// what was written is exactly what it sent (a merge with another's
/// edit, or a record the checks completed, must come back).
fn echo_if_as_sent<T: PartialEq>(
    db: &mut impl Records,
    table: &'static str,
    uuid: &str,
    written: &T,
    sent: &T,
) -> Result<(), StoreError> {
    if written == sent {
        db.echo(table, uuid)?;
    }
    Ok(())
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
                    echo_if_as_sent(db, "visit_notes", &n.uuid, n, note)?;
                    PushOutcome::Stored
                }
                Some(stored) => {
                    let stored = complete_pulled_note(stored);
                    let merged = merge_note(&stored, &incoming);
                    if merged == stored {
                        PushOutcome::Unchanged
                    } else {
                        db.put_note(merged.record())?;
                        echo_if_as_sent(db, "visit_notes", &n.uuid, merged.record(), note)?;
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
                echo_if_as_sent(db, "signoffs", &incoming.uuid, &incoming, signoff)?;
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
            echo_if_as_sent(db, "signoffs", &merged.uuid, &merged, signoff)?;
            Ok(Ok(PushOutcome::Stored))
        }
        PushRecord::BranchSignoff(signoff) => receive_branch_signoff(db, scope, signoff, now),
        PushRecord::Resolution(resolution) => receive_resolution(db, scope, resolution, now),
    }
}

type Received = Result<Result<PushOutcome, Refusal>, StoreError>;

/// A branch sheet's sign-off (issue 10 item 3): only its signer writes it
/// (new or changed), as the manager or a maintainer of that branch in the
/// registry; one per branch, month and signer; branch, month, role and
/// signer never change.
fn receive_branch_signoff(
    db: &mut impl Records,
    scope: &Scope,
    record: &BranchSignoffRecord,
    now: DateTime<Utc>,
) -> Received {
    let incoming = match check_branch_signoff(record.clone(), now) {
        Ok(s) => s,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let person = scope.person_id.as_str();
    let stored = db.branch_signoff(&incoming.uuid)?;
    if let Some(stored) = &stored {
        if (&stored.branch_id, &stored.month, &stored.role) != (&incoming.branch_id, &incoming.month, &incoming.role) {
            return Ok(Err(refuse(RefusalCode::RecordMoved, &[])));
        }
        if stored.author_id != incoming.author_id {
            return Ok(Err(refuse(RefusalCode::AuthorChanged, &[&stored.author_id])));
        }
    }
    if incoming.author_id != person {
        return Ok(Err(refuse(RefusalCode::NotTheAuthor, &[&incoming.author_id, person])));
    }
    let editor = incoming.editor_id.as_deref().unwrap_or(person);
    if editor != person {
        return Ok(Err(refuse(RefusalCode::NotTheEditor, &[editor, person])));
    }
    // Said the same whether the branch exists or not: a refusal never
    // tells what lies outside the scope.
    if !db.holds_role(&incoming.branch_id, person, &incoming.role)? {
        return Ok(Err(refuse(
            RefusalCode::NotASigner,
            &[person, &incoming.role, &incoming.branch_id],
        )));
    }
    let Some(stored) = stored else {
        let twin = db.branch_signoff_of(&incoming.branch_id, &incoming.month, &incoming.author_id)?;
        if twin.is_some_and(|u| u != incoming.uuid) {
            return Ok(Err(refuse(
                RefusalCode::AlreadySignedBranch,
                &[&incoming.branch_id, &incoming.month, person],
            )));
        }
        db.put_branch_signoff(&incoming)?;
        echo_if_as_sent(db, "branch_signoffs", &incoming.uuid, &incoming, record)?;
        return Ok(Ok(PushOutcome::Stored));
    };
    let merged = merge_decision(&stored, &incoming);
    if merged == stored {
        return Ok(Ok(PushOutcome::Unchanged));
    }
    db.put_branch_signoff(&merged)?;
    echo_if_as_sent(db, "branch_signoffs", &merged.uuid, &merged, record)?;
    Ok(Ok(PushOutcome::Stored))
}

/// Whether the disputed sign-off a resolution names is on the server, for
/// the station or branch and month the resolution says.
fn dispute_exists(db: &mut impl Records, r: &ResolutionRecord) -> Result<bool, StoreError> {
    Ok(match r.kind.as_str() {
        "station" => db
            .signoff(&r.signoff_uuid)?
            .is_some_and(|s| Some(&s.station_id) == r.station_id.as_ref() && s.month == r.month),
        _ => db
            .branch_signoff(&r.signoff_uuid)?
            .is_some_and(|s| Some(&s.branch_id) == r.branch_id.as_ref() && s.month == r.month),
    })
}

/// The county's resolution of a dispute: county tokens only; about a
/// sign-off the server holds; one per dispute; what it resolves and its
/// author never change; a changed decision is the token's person's.
fn receive_resolution(db: &mut impl Records, scope: &Scope, record: &ResolutionRecord, now: DateTime<Utc>) -> Received {
    let person = scope.person_id.as_str();
    if scope.role != Role::County {
        return Ok(Err(refuse(RefusalCode::CountyOnly, &[person])));
    }
    let incoming = match check_resolution(record.clone(), now) {
        Ok(r) => r,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let stored = db.resolution(&incoming.uuid)?;
    if let Some(stored) = &stored {
        let what = |r: &ResolutionRecord| {
            (
                r.kind.clone(),
                r.signoff_uuid.clone(),
                r.station_id.clone(),
                r.branch_id.clone(),
                r.month.clone(),
            )
        };
        if what(stored) != what(&incoming) {
            return Ok(Err(refuse(RefusalCode::RecordMoved, &[])));
        }
        if stored.author_id != incoming.author_id {
            return Ok(Err(refuse(RefusalCode::AuthorChanged, &[&stored.author_id])));
        }
    } else if incoming.author_id != person {
        return Ok(Err(refuse(RefusalCode::NotTheAuthor, &[&incoming.author_id, person])));
    }
    if !dispute_exists(db, &incoming)? {
        return Ok(Err(refuse(RefusalCode::UnknownDispute, &[&incoming.signoff_uuid])));
    }
    let editor = incoming.editor_id.clone().unwrap_or_else(|| person.to_string());
    let Some(stored) = stored else {
        if editor != person {
            return Ok(Err(refuse(RefusalCode::NotTheEditor, &[&editor, person])));
        }
        if db
            .resolution_of(&incoming.signoff_uuid)?
            .is_some_and(|u| u != incoming.uuid)
        {
            return Ok(Err(refuse(RefusalCode::AlreadyResolved, &[&incoming.signoff_uuid])));
        }
        db.put_resolution(&incoming)?;
        echo_if_as_sent(db, "resolutions", &incoming.uuid, &incoming, record)?;
        return Ok(Ok(PushOutcome::Stored));
    };
    let merged = merge_decision(&stored, &incoming);
    // A push that changes the decision is its maker's (a laptop re-sending
    // a decision it received changes nothing, so never gets here).
    let decision_changed = merged.with_decision(&stored, merged.version, &merged.created_at) != merged;
    if decision_changed && editor != person {
        return Ok(Err(refuse(RefusalCode::NotTheEditor, &[&editor, person])));
    }
    if merged == stored {
        return Ok(Ok(PushOutcome::Unchanged));
    }
    db.put_resolution(&merged)?;
    echo_if_as_sent(db, "resolutions", &merged.uuid, &merged, record)?;
    Ok(Ok(PushOutcome::Stored))
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
