//! What the engine returns for a month: per station, branch and person.
//! Every amount is already rounded to the fen.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::withholding::WithholdingResult;
use crate::month::Month;

/// A station's standing in the month (R10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Projected: the projection misses a threshold.
    AtRisk,
    /// Month over: a threshold was missed.
    Invalid,
    /// Projected: not yet valid, but the projection meets both thresholds.
    OnTrack,
    /// Both thresholds met (so far, or for the month).
    Valid,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Invalid => "invalid",
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
        }
    }
}

/// One bill-payment reward line (R2) with what it was computed from, so a
/// statement can show the rule behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLine {
    /// The category's id (see `MonthResult::categories` for its names).
    pub category: String,
    pub count: u64,
    pub amount: Decimal,
    /// The rate applied: a share of the amount or a rate per transaction.
    pub rate: Decimal,
    pub per_transaction: bool,
    pub reward: Decimal,
}

/// One referral kind's reward (R4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralLine {
    pub kind: String,
    pub count: u64,
    pub rate: Decimal,
    pub reward: Decimal,
}

/// The station's cash reward (R2 + R3 + R4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationReward {
    /// One line per category of the month's policy version, in its order.
    pub payments: Vec<PaymentLine>,
    /// The card tier rate applied to the card count (R3).
    pub card_rate: Decimal,
    pub card: Decimal,
    /// Per referral kind with a count, in kind order.
    pub referral_lines: Vec<ReferralLine>,
    /// R4 in one line: the sum of the kinds, rounded once.
    pub referrals: Decimal,
    pub total: Decimal,
}

impl StationReward {
    pub fn payment(&self, category: &str) -> Option<&PaymentLine> {
        self.payments.iter().find(|l| l.category == category)
    }
}

/// The maintenance reward a valid station earns its branch (R6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MaintenanceReward {
    pub base: Decimal,
    pub commission: Decimal,
    pub total: Decimal,
}

/// Transactions per remaining day still needed for each threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NeededPerDay {
    pub payments: u64,
    pub card: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationResult {
    pub id: String,
    pub branch: String,
    pub maintainer: String,
    /// The figures so far already meet both thresholds.
    pub valid: bool,
    /// Valid on the evaluated (projected, if projecting) figures: what R6,
    /// R7 and R8 used.
    pub counts_as_valid: bool,
    pub status: Status,
    pub payment_count: u64,
    pub card_raw: u64,
    pub card_valid: u64,
    pub reward: StationReward,
    pub comms_fee_covered: Decimal,
    pub maintenance: MaintenanceReward,
    pub needed_per_day: NeededPerDay,
    /// The electricity line is a floor: the village size is unknown.
    pub provisional: bool,
    /// The payment amount of every category (evaluated figures).
    pub payment_amount: Decimal,
    /// R14, when the month's version withholds.
    pub withholding: Option<WithholdingResult>,
}

impl StationResult {
    /// What the station is paid for the month: the cash reward, less what
    /// is withheld, plus what the quarter's end releases (R14).
    pub fn payable(&self) -> Decimal {
        self.withholding.map_or(self.reward.total, |w| w.payable)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchResult {
    pub id: String,
    pub stations: u64,
    pub valid_stations: u64,
    pub plan: Option<u64>,
    pub shortfall: u64,
    pub maintenance_total: Decimal,
    pub valid_station_reward: Decimal,
    pub pool: Decimal,
    pub penalty: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Manager,
    Maintainer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Maintainer => "maintainer",
        }
    }
}

/// One person's 2:8 share of a branch's pool and penalty (R9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonResult {
    pub id: String,
    pub role: Role,
    pub branch: String,
    pub reward: Decimal,
    pub penalty: Decimal,
    pub net: Decimal,
}

/// Something the reader must know about a figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// A rural station without positive village households: electricity was
    /// paid at the lowest tier, so the figure is a floor (R2).
    RuralWithoutHouseholds { station: String, rate: Decimal },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::RuralWithoutHouseholds { station, rate } => write!(
                f,
                "station {station}: rural station without village_households; electricity paid at the lowest tier rate {rate}, the figure is a floor"
            ),
        }
    }
}

/// A payment category of the month's version, with the names to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryLabel {
    pub id: String,
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthResult {
    pub month: Month,
    pub as_of: NaiveDate,
    pub projected: bool,
    /// The policy version the month was evaluated under (R12).
    pub version_from: Month,
    /// Its payment categories, in order (R13).
    pub categories: Vec<CategoryLabel>,
    /// R14: Σ forfeited, for the county's station contest; `None` when the
    /// version withholds nothing.
    pub contest_pool: Option<Decimal>,
    /// Ascending id.
    pub stations: Vec<StationResult>,
    /// Ascending id.
    pub branches: Vec<BranchResult>,
    /// Ascending id, then role.
    pub people: Vec<PersonResult>,
    pub warnings: Vec<Warning>,
}

impl MonthResult {
    /// A category's label by id.
    pub fn category(&self, id: &str) -> Option<&CategoryLabel> {
        self.categories.iter().find(|c| c.id == id)
    }
}
