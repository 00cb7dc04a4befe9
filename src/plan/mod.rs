//! Today's visit plan and the manager's shortfall list (issue 9, items 10
//! and 7): "where do I go today?" and "which stations close the plan?".
//!
//! The core is pure — no I/O, no clock; the day and every figure come in:
//! - [`reach`]: per-day needs (R10) and how far a station is from valid
//!   against its pace (the *stretch*), counts only;
//! - [`visit`]: [`plan_visits`] ranks each maintainer's stations by the
//!   points of their reasons and puts the best few in route order;
//! - [`shortfall`]: [`close_shortfall`] orders a branch's stations not
//!   counted valid by reach, with the penalty each saves and the reward
//!   each adds, every amount from the policy engine.
//!
//! [`gather`] builds the inputs from the store (the one part with I/O:
//! [`today_plan`] is the whole plan for a person and a day) and
//! [`render`] words it as a printable list or CSV. docs/PLAN.md explains
//! the ranking for the people who check it.

pub mod gather;
pub mod reach;
pub mod render;
pub mod shortfall;
pub mod visit;

pub use gather::{today_plan, PlanDay, PlanError, TodayPlan, Who};
pub use reach::{station_within_reach, within_reach, Closeness, MonthClock, Needs, Stretch, Thresholds};
pub use shortfall::{close_shortfall, BranchInput, Candidate, Closing, Shortfall};
pub use visit::{plan_visits, MaintainerPlan, PlanInput, Reason, StationInput, Stop, VisitPlan};

/// The knobs of the plan; `Default` is what `bianmin plan` and the
/// dashboard use (docs/PLAN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanSettings {
    /// A threshold needing at most this many times the pace that counts
    /// is within reach (see `reach`).
    pub reach_factor: u32,
    /// … and so is one needing at most this many transactions a day,
    /// whatever the pace: a visit can bring that much on its own.
    pub easy_per_day: u64,
    /// Stops on one maintainer's list for the day.
    pub stops_per_maintainer: usize,
    /// A station unvisited this many days is worth a visit on its own.
    pub visit_every_days: u32,
}

impl Default for PlanSettings {
    fn default() -> PlanSettings {
        PlanSettings {
            reach_factor: 2,
            easy_per_day: 1,
            stops_per_maintainer: 8,
            visit_every_days: 30,
        }
    }
}
