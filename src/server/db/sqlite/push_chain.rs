//! Receiving the payout chain's records (issue 10, item 3): a branch
//! sheet's sign-off, written only by the signer, who must hold that place
//! on the sheet in the registry; and the county's resolution of a
//! dispute, written only by county tokens, about a sign-off the server
//! holds. Each is checked (`sync::validate`), admitted, merged as one
//! decision (`sync::merge_decision`) and stored only when that changes
//! something.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::push::refuse;
use crate::server::db::{Role, Scope};
use crate::store::records::{get_branch_signoff, get_resolution, get_signoff, DecisionTable};
use crate::store::StoreError;
use crate::sync::{check_branch_signoff, check_resolution, merge_decision, Decision};
use crate::wire::{BranchSignoffRecord, PushOutcome, Refusal, RefusalCode, ResolutionRecord};

type Received = Result<Result<PushOutcome, Refusal>, StoreError>;

/// Whether `person` holds `role` on `branch`'s sheet in the registry now.
fn holds_role(conn: &Connection, branch: &str, person: &str, role: &str) -> Result<bool, StoreError> {
    let sql = match role {
        "manager" => "SELECT 1 FROM branches WHERE id = ?1 AND manager_id = ?2",
        _ => "SELECT 1 FROM branch_maintainers WHERE branch_id = ?1 AND person_id = ?2",
    };
    Ok(conn.prepare_cached(sql)?.exists([branch, person])?)
}

/// Stores `merged` when it differs from `stored`.
fn store_if_changed<R: DecisionTable>(conn: &Connection, stored: &R, merged: &R) -> Received {
    if merged == stored {
        return Ok(Ok(PushOutcome::Unchanged));
    }
    merged.put(conn, 0)?;
    Ok(Ok(PushOutcome::Stored))
}

/// A branch sheet's sign-off: only its signer writes it (new or changed),
/// as the manager or a maintainer of that branch in the registry; one per
/// branch, month and signer; branch, month, role and signer never change.
pub fn receive_branch_signoff(
    conn: &Connection,
    scope: &Scope,
    record: &BranchSignoffRecord,
    now: DateTime<Utc>,
) -> Received {
    let incoming = match check_branch_signoff(record.clone(), now) {
        Ok(s) => s,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let person = scope.person_id.as_str();
    let stored = get_branch_signoff(conn, &incoming.uuid)?;
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
    if !holds_role(conn, &incoming.branch_id, person, &incoming.role)? {
        return Ok(Err(refuse(
            RefusalCode::NotASigner,
            &[person, &incoming.role, &incoming.branch_id],
        )));
    }
    let Some(stored) = stored else {
        if incoming.twin(conn)?.is_some() {
            return Ok(Err(refuse(
                RefusalCode::AlreadySignedBranch,
                &[&incoming.branch_id, &incoming.month, person],
            )));
        }
        incoming.put(conn, 0)?;
        return Ok(Ok(PushOutcome::Stored));
    };
    let merged = merge_decision(&stored, &incoming);
    store_if_changed(conn, &stored, &merged)
}

/// Whether the disputed sign-off a resolution names is on the server, for
/// the station or branch and month the resolution says.
fn dispute_exists(conn: &Connection, r: &ResolutionRecord) -> Result<bool, StoreError> {
    Ok(match r.kind.as_str() {
        "station" => get_signoff(conn, &r.signoff_uuid)?
            .is_some_and(|s| Some(&s.station_id) == r.station_id.as_ref() && s.month == r.month),
        _ => get_branch_signoff(conn, &r.signoff_uuid)?
            .is_some_and(|s| Some(&s.branch_id) == r.branch_id.as_ref() && s.month == r.month),
    })
}

/// The county's resolution of a dispute: county tokens only; about a
/// sign-off the server holds; one per dispute; what it resolves and its
/// author never change; a changed decision is the token's person's.
pub fn receive_resolution(conn: &Connection, scope: &Scope, record: &ResolutionRecord, now: DateTime<Utc>) -> Received {
    let person = scope.person_id.as_str();
    if scope.role != Role::County {
        return Ok(Err(refuse(RefusalCode::CountyOnly, &[person])));
    }
    let incoming = match check_resolution(record.clone(), now) {
        Ok(r) => r,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let stored = get_resolution(conn, &incoming.uuid)?;
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
    if !dispute_exists(conn, &incoming)? {
        return Ok(Err(refuse(RefusalCode::UnknownDispute, &[&incoming.signoff_uuid])));
    }
    let editor = incoming.editor_id.clone().unwrap_or_else(|| person.to_string());
    let Some(stored) = stored else {
        if editor != person {
            return Ok(Err(refuse(RefusalCode::NotTheEditor, &[&editor, person])));
        }
        if incoming.twin(conn)?.is_some() {
            return Ok(Err(refuse(RefusalCode::AlreadyResolved, &[&incoming.signoff_uuid])));
        }
        incoming.put(conn, 0)?;
        return Ok(Ok(PushOutcome::Stored));
    };
    let merged = merge_decision(&stored, &incoming);
    // A push that changes the decision is its maker's (a laptop re-sending
    // a decision it received changes nothing, so never gets here).
    let decision_changed = merged.with_decision(&stored, merged.version, &merged.created_at) != merged;
    if decision_changed && editor != person {
        return Ok(Err(refuse(RefusalCode::NotTheEditor, &[&editor, person])));
    }
    store_if_changed(conn, &stored, &merged)
}
