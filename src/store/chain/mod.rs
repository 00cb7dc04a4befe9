//! Sign-offs for the whole payout chain (R11, issue 10 item 3), written
//! offline like notes and station sign-offs (a client-made uuid, a new
//! version per change, an outbox row where the database queues records):
//! `branch_sheets`, the branch sheet (pool, 2:8 split, penalty) signed or
//! disputed by its manager and each maintainer; `disputes`, the county's
//! queue of disputes (a station's statement or a branch sheet) and its
//! resolutions. Stores and reads; the money a resolution corrects is data
//! the county enters, never computed here (`crate::payout` reads it).

pub mod branch_sheets;
pub mod disputes;

use crate::i18n::{fill, tr, trf, Text};
use crate::records::{BranchRole, SyncState};
use crate::store::notes::{enqueue, sync_state, SYNC_STATE_SQL};
use crate::store::records::{collect, DecisionTable};
use crate::store::{Store, StoreError};

/// Why a branch sheet sign-off or a resolution could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error("{}", trf(Text::ChainUnknownBranch, &[.0, .1]))]
    UnknownBranch(String, String),
    #[error("{}", trf(Text::ChainUnknownPerson, &[.0]))]
    UnknownPerson(String),
    #[error("{}", trf(Text::ChainNotOnSheet, &[person, branch]))]
    NotOnSheet { person: String, branch: String },
    #[error("{}", fill(tr(Text::RefusedNotASigner), &[person, &tr(role.text()), branch]))]
    NotASigner {
        person: String,
        role: BranchRole,
        branch: String,
    },
    #[error("{}", trf(Text::ChainSignedAsOtherRole, &[person, branch, &tr(role.text())]))]
    SignedAsOtherRole {
        person: String,
        branch: String,
        role: BranchRole,
    },
    #[error("{}", tr(Text::ChainDisputeWithoutReason))]
    DisputeWithoutReason,
    #[error("{}", trf(Text::ChainUnknownDispute, &[.0]))]
    UnknownDispute(String),
    #[error("{}", trf(Text::ChainAmbiguousDispute, &[.0, .1]))]
    AmbiguousDispute(String, usize),
    #[error("{}", trf(Text::ChainNotDisputed, &[.0]))]
    NotDisputed(String),
    #[error("{}", tr(Text::ChainResolutionWithoutReason))]
    ResolutionWithoutReason,
    #[error("{}", tr(Text::ChainAmountRequired))]
    AmountRequired,
    #[error("{}", tr(Text::ChainAmountWithRejection))]
    AmountWithRejection,
    #[error("{}", trf(Text::ChainAmountOutOfRange, &[.0]))]
    AmountOutOfRange(String),
    #[error("{}", trf(Text::ChainCountyOnly, &[.0]))]
    CountyOnly(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ChainError {
    fn from(e: rusqlite::Error) -> ChainError {
        ChainError::Store(StoreError::Sql(e))
    }
}

/// Records of a table (aliased `t`: `from_where` is "table t WHERE …")
/// read with `read` from its `columns`, each with its sync state (from the
/// latest outbox row of its uuid).
pub(crate) fn read_with_state<R>(
    store: &Store,
    columns: &str,
    from_where: &str,
    param: &str,
    read: impl Fn(&rusqlite::Row, usize) -> Result<R, StoreError>,
) -> Result<Vec<(R, SyncState)>, StoreError> {
    let demo = store.keeps_records_local()?;
    let names: Vec<String> = columns.split(',').map(|c| format!("t.{}", c.trim())).collect();
    let n = names.len();
    let sql = format!("SELECT {}, {SYNC_STATE_SQL} FROM {from_where}", names.join(", "));
    let rows = collect(store.conn(), &sql, [param], |r| {
        Ok((
            read(r, 0)?,
            r.get::<_, Option<String>>(n)?,
            r.get::<_, Option<String>>(n + 1)?,
        ))
    })?;
    Ok(rows
        .into_iter()
        .map(|(record, state, why)| (record, sync_state(state, why, demo)))
        .collect())
}

/// Writes a record made or changed here, with its outbox row where this
/// database queues records, in one transaction.
pub(crate) fn write_queued<R: DecisionTable>(store: &Store, record: &R, at: &str) -> Result<(), StoreError> {
    let queue = store.queues_records()?;
    let tx = store.conn().unchecked_transaction()?;
    record.put(&tx, 0)?;
    if queue {
        enqueue(&tx, R::KIND, record.uuid(), record.version(), at)?;
    }
    tx.commit()?;
    Ok(())
}
