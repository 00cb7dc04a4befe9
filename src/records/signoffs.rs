//! A station's sign-off, or dispute, of a month's statement (R11).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::SyncState;
use crate::month::Month;

/// A station's sign-off, or dispute, of a month's statement (R11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Signed,
    Disputed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Signed => "signed",
            Outcome::Disputed => "disputed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signoff {
    pub uuid: String,
    pub station_id: String,
    pub month: String,
    /// Who recorded it first; never changes.
    pub author_id: String,
    /// Who recorded its latest decision.
    pub editor_id: String,
    pub outcome: Outcome,
    pub reason: Option<String>,
    pub signed_on: NaiveDate,
    pub version: i64,
    pub updated_at: String,
    pub sync: SyncState,
}

/// A sign-off as recorded at the station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSignoff {
    pub station_id: String,
    pub month: Month,
    /// Who records it (the author of a new sign-off, the editor of a
    /// changed one).
    pub author_id: String,
    pub outcome: Outcome,
    /// Required for a dispute.
    pub reason: Option<String>,
    pub signed_on: NaiveDate,
}
