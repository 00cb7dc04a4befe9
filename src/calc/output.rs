//! CALC.md's output JSON: money as two-decimal strings, fields in the
//! documented order. `report --format json` prints the same shape.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::money::format_yuan;
use crate::policy::{MonthResult, WithholdingResult};

#[derive(Debug, Serialize)]
pub struct CalcOutput {
    pub month: String,
    pub as_of: String,
    pub projected: bool,
    pub stations: Vec<StationOut>,
    pub branches: Vec<BranchOut>,
    pub people: Vec<PersonOut>,
    /// R14: Σ forfeited, when the month's version withholds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contest_pool: Option<String>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct StationOut {
    pub id: String,
    pub branch: String,
    pub valid: bool,
    pub status: &'static str,
    pub payment_count: u64,
    pub card_raw: u64,
    pub card_valid: u64,
    pub reward: RewardOut,
    pub comms_fee_covered: String,
    pub maintenance: MaintenanceOut,
    pub needed_per_day: NeededOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withholding: Option<WithholdingOut>,
}

/// The reward lines: the version's categories in its order, then card,
/// referrals and total (CALC.md).
#[derive(Debug)]
pub struct RewardOut {
    pub categories: Vec<(String, String)>,
    pub card: String,
    pub referrals: String,
    pub total: String,
}

impl Serialize for RewardOut {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.categories.len() + 3))?;
        for (id, amount) in &self.categories {
            map.serialize_entry(id, amount)?;
        }
        map.serialize_entry("card", &self.card)?;
        map.serialize_entry("referrals", &self.referrals)?;
        map.serialize_entry("total", &self.total)?;
        map.end()
    }
}

/// R14 for one station.
#[derive(Debug, Serialize)]
pub struct WithholdingOut {
    pub withheld: String,
    pub met: bool,
    pub released: String,
    pub forfeited: String,
    pub payable: String,
}

impl From<&WithholdingResult> for WithholdingOut {
    fn from(w: &WithholdingResult) -> WithholdingOut {
        WithholdingOut {
            withheld: format_yuan(w.withheld),
            met: w.met,
            released: format_yuan(w.released),
            forfeited: format_yuan(w.forfeited),
            payable: format_yuan(w.payable),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct MaintenanceOut {
    pub base: String,
    pub commission: String,
    pub total: String,
}

#[derive(Debug, Serialize)]
pub struct NeededOut {
    pub payments: u64,
    pub card: u64,
}

#[derive(Debug, Serialize)]
pub struct BranchOut {
    pub id: String,
    pub stations: u64,
    pub valid_stations: u64,
    pub plan: Option<u64>,
    pub shortfall: u64,
    pub maintenance_total: String,
    pub valid_station_reward: String,
    pub pool: String,
    pub penalty: String,
}

#[derive(Debug, Serialize)]
pub struct PersonOut {
    pub id: String,
    pub role: &'static str,
    pub branch: String,
    pub reward: String,
    pub penalty: String,
    pub net: String,
}

impl From<&MonthResult> for CalcOutput {
    fn from(r: &MonthResult) -> CalcOutput {
        CalcOutput {
            month: r.month.to_string(),
            as_of: r.as_of.format("%Y-%m-%d").to_string(),
            projected: r.projected,
            stations: r
                .stations
                .iter()
                .map(|s| StationOut {
                    id: s.id.clone(),
                    branch: s.branch.clone(),
                    valid: s.valid,
                    status: s.status.as_str(),
                    payment_count: s.payment_count,
                    card_raw: s.card_raw,
                    card_valid: s.card_valid,
                    reward: RewardOut {
                        categories: s
                            .reward
                            .payments
                            .iter()
                            .map(|l| (l.category.clone(), format_yuan(l.reward)))
                            .collect(),
                        card: format_yuan(s.reward.card),
                        referrals: format_yuan(s.reward.referrals),
                        total: format_yuan(s.reward.total),
                    },
                    comms_fee_covered: format_yuan(s.comms_fee_covered),
                    maintenance: MaintenanceOut {
                        base: format_yuan(s.maintenance.base),
                        commission: format_yuan(s.maintenance.commission),
                        total: format_yuan(s.maintenance.total),
                    },
                    needed_per_day: NeededOut {
                        payments: s.needed_per_day.payments,
                        card: s.needed_per_day.card,
                    },
                    withholding: s.withholding.as_ref().map(WithholdingOut::from),
                })
                .collect(),
            branches: r
                .branches
                .iter()
                .map(|b| BranchOut {
                    id: b.id.clone(),
                    stations: b.stations,
                    valid_stations: b.valid_stations,
                    plan: b.plan,
                    shortfall: b.shortfall,
                    maintenance_total: format_yuan(b.maintenance_total),
                    valid_station_reward: format_yuan(b.valid_station_reward),
                    pool: format_yuan(b.pool),
                    penalty: format_yuan(b.penalty),
                })
                .collect(),
            people: r
                .people
                .iter()
                .map(|p| PersonOut {
                    id: p.id.clone(),
                    role: p.role.as_str(),
                    branch: p.branch.clone(),
                    reward: format_yuan(p.reward),
                    penalty: format_yuan(p.penalty),
                    net: format_yuan(p.net),
                })
                .collect(),
            contest_pool: r.contest_pool.map(format_yuan),
            warnings: r.warnings.iter().map(ToString::to_string).collect(),
        }
    }
}
