//! The records people write in the field and the county answers them
//! with: visit notes, station sign-offs, branch sheet sign-offs, and the
//! county's resolutions of disputes. Their domain types live here, apart
//! from how they are stored (`store::notes`, `store::chain`), sent
//! (`wire`) and merged (`sync`), so screens, commands and the payout
//! chain depend on what a record is, not on the store.

use std::collections::BTreeMap;

use serde::Serialize;

pub mod chain;
pub mod notes;
pub mod signoffs;

pub use chain::{
    BranchRole, BranchSignoff, Dispute, DisputeKind, NewBranchSignoff, NewResolution, Resolution, ResolutionOutcome,
    SheetSigners,
};
pub use notes::{NewNote, NoteEdit, NoteKind, VisitNote};
pub use signoffs::{NewSignoff, Outcome, Signoff};

/// Where a record stands with the county server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "reason")]
pub enum SyncState {
    /// Written here, not yet acknowledged by the server.
    Pending,
    /// The server acknowledged the latest version (or the record came from
    /// the server, or this is the server's own database).
    Synced,
    /// The server refused the latest version; the reason in words.
    Rejected(String),
    /// A demo database: the record stays here, it is never sent.
    Local,
}

/// When each field was last set (RFC 3339, UTC).
pub type FieldTimes = BTreeMap<String, String>;
