//! The rest of the payout chain's records (R11): the branch sheet's
//! sign-offs by its manager and maintainers, and the county's resolutions
//! of disputed statements and sheets.

use chrono::NaiveDate;
use serde::Serialize;

use super::{Outcome, SyncState};
use crate::i18n::Text;
use crate::month::Month;
use crate::sync::merge::later_than;

/// A signer's place on the branch sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BranchRole {
    Manager,
    Maintainer,
}

impl BranchRole {
    pub fn as_str(self) -> &'static str {
        match self {
            BranchRole::Manager => "manager",
            BranchRole::Maintainer => "maintainer",
        }
    }

    pub fn parse(text: &str) -> Option<BranchRole> {
        [BranchRole::Manager, BranchRole::Maintainer]
            .into_iter()
            .find(|r| r.as_str() == text)
    }

    pub fn text(self) -> Text {
        match self {
            BranchRole::Manager => Text::Manager,
            BranchRole::Maintainer => Text::Maintainer,
        }
    }
}

/// One signer's sign-off (or dispute) of a branch sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BranchSignoff {
    pub uuid: String,
    pub branch_id: String,
    pub month: String,
    /// Who signs; never changes.
    pub signer: String,
    pub role: BranchRole,
    pub outcome: Outcome,
    pub reason: Option<String>,
    pub signed_on: NaiveDate,
    pub version: i64,
    /// When the latest decision was made.
    pub updated_at: String,
    pub sync: SyncState,
}

/// A sign-off as its signer records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBranchSignoff {
    pub branch_id: String,
    pub month: Month,
    pub signer: String,
    /// The place the signer signs in; `None`: the one the registry gives
    /// them (the manager's, if they are both).
    pub role: Option<BranchRole>,
    pub outcome: Outcome,
    /// Required for a dispute.
    pub reason: Option<String>,
    pub signed_on: NaiveDate,
}

/// Who signs each branch's sheet: the manager and every maintainer, as
/// the engine shares the branch's reward (a branch without maintainers
/// has no sheet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetSigners {
    pub branch_id: String,
    /// Ascending by role (manager first), then id; a manager who is also
    /// a maintainer signs once, as the manager.
    pub signers: Vec<(String, BranchRole)>,
}

/// What a dispute is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeKind {
    /// A station's statement of the month.
    Station,
    /// A branch sheet (pool, 2:8 split, penalty), disputed by one signer.
    Branch,
}

impl DisputeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DisputeKind::Station => "station",
            DisputeKind::Branch => "branch",
        }
    }
}

/// The county's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolutionOutcome {
    /// The dispute is right: paid at the corrected figure.
    Accepted,
    /// The dispute is not upheld: paid at the computed figure.
    Rejected,
}

impl ResolutionOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ResolutionOutcome::Accepted => "accepted",
            ResolutionOutcome::Rejected => "rejected",
        }
    }
}

/// A resolution as the screens and commands see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolution {
    pub uuid: String,
    pub kind: DisputeKind,
    /// The disputed sign-off.
    pub signoff_uuid: String,
    pub month: String,
    /// The disputed decision it answers (that sign-off's `updated_at`).
    pub answers: String,
    pub outcome: ResolutionOutcome,
    /// Accepted: the corrected figure in fen (a station's reward; a branch
    /// sheet's disputing signer's net).
    pub corrected_fen: Option<i64>,
    pub reason: String,
    pub resolved_on: NaiveDate,
    pub author_id: String,
    /// Who made its latest decision.
    pub editor_id: String,
    pub version: i64,
    pub updated_at: String,
    pub sync: SyncState,
}

impl Resolution {
    /// Whether it answers the dispute decided at `decided_at`: no later
    /// decision came after the one it answered.
    pub fn answers_decision(&self, decided_at: &str) -> bool {
        !later_than(decided_at, &self.answers)
    }
}

/// A disputed sign-off, with the county's resolution if there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dispute {
    /// The disputed sign-off (what `bianmin dispute resolve` names).
    pub uuid: String,
    pub kind: DisputeKind,
    pub month: String,
    /// The station (a station's dispute).
    pub station_id: Option<String>,
    /// The branch: the sheet's, or the station's.
    pub branch_id: Option<String>,
    /// Who made the disputing decision.
    pub raised_by: String,
    /// Their place on the sheet (a branch dispute).
    pub role: Option<BranchRole>,
    pub reason: String,
    pub raised_on: NaiveDate,
    /// When the disputing decision was made.
    pub raised_at: String,
    /// The county's resolution of this sign-off, if any; it may answer an
    /// earlier dispute of it (`reopened`).
    pub resolution: Option<Resolution>,
    /// The dispute's own sync state.
    pub sync: SyncState,
}

impl Dispute {
    /// Not answered: no resolution, or one of an earlier decision.
    pub fn is_open(&self) -> bool {
        !self
            .resolution
            .as_ref()
            .is_some_and(|r| r.answers_decision(&self.raised_at))
    }

    /// Resolved once, disputed again since.
    pub fn reopened(&self) -> bool {
        self.resolution.is_some() && self.is_open()
    }

    /// The resolution that answers the dispute as it stands.
    pub fn answer(&self) -> Option<&Resolution> {
        self.resolution.as_ref().filter(|r| r.answers_decision(&self.raised_at))
    }
}

/// A resolution as the county clerk enters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResolution {
    /// The disputed sign-off.
    pub signoff_uuid: String,
    pub outcome: ResolutionOutcome,
    /// Accepted: the corrected figure in fen.
    pub corrected_fen: Option<i64>,
    pub reason: String,
    /// The county clerk.
    pub author_id: String,
    pub resolved_on: NaiveDate,
}
