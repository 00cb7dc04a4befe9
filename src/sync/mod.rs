//! Sync's pure core, the same on the laptop and the server: the checks a
//! record passes at the boundary (`validate`) and the merge of two
//! versions of one record (`merge`). No I/O, no clock (the time to check
//! against is an argument), no database.
//!
//! The boundary makes every note complete (each field with its own time)
//! and every time bounded (never far past the server's clock); the merge
//! then needs to guess nothing, and is a join: commutative, associative
//! and idempotent, so every replica that has seen the same edits holds
//! the same record, whatever the order they came in.

pub mod merge;
pub mod validate;

pub use merge::{merge_decision, merge_note, CompleteNote, Decision, NOTE_FIELDS};
pub use validate::{check_branch_signoff, check_note, check_resolution, check_signoff, complete_pulled_note, Checked};
