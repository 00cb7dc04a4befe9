//! The steps of a reward month's payout (RULES.md R11) as state, not dates:
//! each step is done when someone recorded it, or — for the steps bianmin
//! can tell from its own data — when the data says so. A step past its day
//! and not done is overdue, and belongs to a role.
//!
//! Pure: the records and the evidence come in, the standing of each step
//! comes out for a given "today". No clock, no database.

use chrono::NaiveDate;
use serde::Serialize;

use crate::i18n::Text;
use crate::month::Month;

/// One step of R11, in the order the month goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The city pulls the two systems' data and allocates rewards (3rd).
    Pulled,
    /// The county checks the allocation (6th).
    CountyCheck,
    /// Every station signed its statement (12th).
    StationsSigned,
    /// The manager and the maintainers signed the branch sheet (12th).
    BranchSheetsSigned,
    /// The county's summary reported up and filed (13th).
    Filed,
    /// The city's audit (14th).
    CityAudit,
    /// The county leader signs, to finance (15th).
    LeaderSignature,
    /// Finance paid: stations to their 绿卡, staff through payroll (24th).
    Paid,
    /// The SMS notices went out (25th).
    SmsSent,
}

/// Who must act for a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsible {
    /// 县局平台办
    CountyOffice,
    /// 维护人员
    Maintainers,
    /// 支局长
    Managers,
    /// 市公司
    City,
    /// 县局领导
    Leader,
    /// 县局财务
    Finance,
}

impl Responsible {
    pub fn text(self) -> Text {
        match self {
            Responsible::CountyOffice => Text::PayoutRoleCountyOffice,
            Responsible::Maintainers => Text::PayoutRoleMaintainers,
            Responsible::Managers => Text::PayoutRoleManagers,
            Responsible::City => Text::PayoutRoleCity,
            Responsible::Leader => Text::PayoutRoleLeader,
            Responsible::Finance => Text::PayoutRoleFinance,
        }
    }
}

/// How bianmin knows a step is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Someone records it (`bianmin payout done`).
    Recorded,
    /// bianmin's own data says so (sign-offs, the allocation check); a
    /// record against the data needs `--force` and a note.
    Derived,
}

/// A step's place in the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StepSpec {
    pub step: Step,
    /// Day of the month after the reward month by which it is due
    /// (每月N日前: done on the day is in time).
    pub due_day: u32,
    pub responsible: Responsible,
    pub basis: Basis,
}

/// R11's calendar. The one table of it: the calendar screen reads it too.
/// `filed` (13th) is the city's filing with marketing (备案) of what the
/// county reported up; bianmin sees only the county's side, so the county
/// office records it when its summary has gone up. `branch_sheets_signed`
/// is derived from the branch sheets' sign-offs (the manager and every
/// maintainer of every branch).
pub const SCHEDULE: [StepSpec; 9] = [
    spec(Step::Pulled, 3, Responsible::City, Basis::Recorded),
    spec(Step::CountyCheck, 6, Responsible::CountyOffice, Basis::Derived),
    spec(Step::StationsSigned, 12, Responsible::Maintainers, Basis::Derived),
    spec(Step::BranchSheetsSigned, 12, Responsible::Managers, Basis::Derived),
    spec(Step::Filed, 13, Responsible::CountyOffice, Basis::Recorded),
    spec(Step::CityAudit, 14, Responsible::City, Basis::Recorded),
    spec(Step::LeaderSignature, 15, Responsible::Leader, Basis::Recorded),
    spec(Step::Paid, 24, Responsible::Finance, Basis::Recorded),
    spec(Step::SmsSent, 25, Responsible::City, Basis::Recorded),
];

const fn spec(step: Step, due_day: u32, responsible: Responsible, basis: Basis) -> StepSpec {
    StepSpec {
        step,
        due_day,
        responsible,
        basis,
    }
}

impl Step {
    pub const ALL: [Step; 9] = [
        Step::Pulled,
        Step::CountyCheck,
        Step::StationsSigned,
        Step::BranchSheetsSigned,
        Step::Filed,
        Step::CityAudit,
        Step::LeaderSignature,
        Step::Paid,
        Step::SmsSent,
    ];

    /// The id used on the command line and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Pulled => "pulled",
            Step::CountyCheck => "county_check",
            Step::StationsSigned => "stations_signed",
            Step::BranchSheetsSigned => "branch_sheets_signed",
            Step::Filed => "filed",
            Step::CityAudit => "city_audit",
            Step::LeaderSignature => "leader_signature",
            Step::Paid => "paid",
            Step::SmsSent => "sms_sent",
        }
    }

    /// `county_check`, `county-check` and `County Check` alike.
    pub fn parse(text: &str) -> Option<Step> {
        let key = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Step::ALL.into_iter().find(|s| s.as_str() == key)
    }

    pub fn spec(self) -> StepSpec {
        SCHEDULE[self as usize]
    }

    pub fn text(self) -> Text {
        match self {
            Step::Pulled => Text::MilestonePulled,
            Step::CountyCheck => Text::MilestoneCountyCheck,
            Step::StationsSigned => Text::PayoutStepStationsSigned,
            Step::BranchSheetsSigned => Text::PayoutStepBranchSheetsSigned,
            Step::Filed => Text::PayoutStepFiled,
            Step::CityAudit => Text::MilestoneCityAudit,
            Step::LeaderSignature => Text::MilestoneCountyLeader,
            Step::Paid => Text::MilestonePaid,
            Step::SmsSent => Text::MilestoneSms,
        }
    }

    /// The day this step is due for the rewards of `month` (in the month
    /// after it).
    pub fn due(self, month: Month) -> NaiveDate {
        let next = month.next();
        let day = self.spec().due_day.min(next.days());
        NaiveDate::from_ymd_opt(next.year(), next.month(), day).unwrap_or_else(|| next.last_day())
    }
}

/// A step recorded as done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRecord {
    pub step: Step,
    /// 工号, or the county account's name.
    pub done_by: String,
    pub done_on: NaiveDate,
    pub note: Option<String>,
    /// Recorded although bianmin's data said the step was not done.
    pub forced: bool,
}

/// The stations' sign-offs of a month's statements, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SignoffTally {
    /// Active stations of the month.
    pub stations: u64,
    pub signed: u64,
    pub disputed: u64,
}

impl SignoffTally {
    pub fn unsigned(&self) -> u64 {
        self.stations.saturating_sub(self.signed + self.disputed)
    }
}

/// The branch sheets of a month, counted: every branch's manager and each
/// of its maintainers sign (a dispute is not a signature).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SheetTally {
    /// Branches with a sheet (with maintainers).
    pub sheets: u64,
    /// Sheets every signer signed.
    pub complete: u64,
    /// Signers over all sheets.
    pub signers: u64,
    pub signed: u64,
    pub disputed: u64,
}

/// What bianmin's own data says about a derived step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// `bianmin reconcile` has not been run for the month.
    NotReconciled,
    /// The last check of the city's allocation.
    Reconciled {
        matched: bool,
        differences: u64,
        on: NaiveDate,
    },
    Signoffs(SignoffTally),
    BranchSheets(SheetTally),
}

impl Evidence {
    /// The data says the step is done.
    pub fn complete(&self) -> bool {
        match self {
            Evidence::NotReconciled => false,
            Evidence::Reconciled { matched, .. } => *matched,
            // A dispute is not a signature (resolutions come with the
            // sync protocol's dispute queue).
            Evidence::Signoffs(t) => t.stations > 0 && t.signed == t.stations,
            Evidence::BranchSheets(t) => t.sheets > 0 && t.complete == t.sheets,
        }
    }
}

/// Where a step stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Standing {
    Done,
    /// Past its day and not done.
    Overdue {
        days: i64,
    },
    DueToday,
    /// Its day is still to come.
    Upcoming {
        days: i64,
    },
}

/// One step of a month on a day: its schedule, record, evidence, standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepState {
    #[serde(flatten)]
    pub spec: StepSpec,
    pub due: NaiveDate,
    pub record: Option<StepRecord>,
    pub evidence: Option<Evidence>,
    pub standing: Standing,
}

/// The standing of one step on `today`.
pub fn standing(due: NaiveDate, done: bool, today: NaiveDate) -> Standing {
    if done {
        Standing::Done
    } else if today > due {
        Standing::Overdue {
            days: (today - due).num_days(),
        }
    } else if today == due {
        Standing::DueToday
    } else {
        Standing::Upcoming {
            days: (due - today).num_days(),
        }
    }
}

/// Every step of `month` on `today`, in schedule order. `evidence` gives
/// what the data says for the derived steps (ignored for recorded ones).
pub fn month_steps(
    month: Month,
    today: NaiveDate,
    records: &[StepRecord],
    evidence: impl Fn(Step) -> Option<Evidence>,
) -> Vec<StepState> {
    SCHEDULE
        .iter()
        .map(|spec| {
            let record = records.iter().find(|r| r.step == spec.step).cloned();
            let evidence = match spec.basis {
                Basis::Derived => evidence(spec.step),
                Basis::Recorded => None,
            };
            let done = record.is_some() || evidence.as_ref().is_some_and(Evidence::complete);
            let due = spec.step.due(month);
            StepState {
                spec: *spec,
                due,
                record,
                evidence,
                standing: standing(due, done, today),
            }
        })
        .collect()
}

/// Why a step may not be recorded as done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The reward month is not over: its payout has not begun.
    MonthNotOver { month: Month },
    /// The data says the step is not done; `--force` with a note records
    /// it anyway.
    DataSaysNotDone { evidence: Evidence },
    /// `--force` needs a note saying why.
    ForceWithoutNote,
}

/// Whether `step` may be recorded as done for `month` on `today`.
pub fn check_record(
    step: Step,
    month: Month,
    today: NaiveDate,
    evidence: Option<&Evidence>,
    force: bool,
    note: Option<&str>,
) -> Result<(), Refusal> {
    if today <= month.last_day() {
        return Err(Refusal::MonthNotOver { month });
    }
    let has_note = note.is_some_and(|n| !n.trim().is_empty());
    if force && !has_note {
        return Err(Refusal::ForceWithoutNote);
    }
    if step.spec().basis == Basis::Derived {
        if let Some(evidence) = evidence.filter(|e| !e.complete()) {
            if !force {
                return Err(Refusal::DataSaysNotDone {
                    evidence: evidence.clone(),
                });
            }
        }
    }
    Ok(())
}

/// The steps before `step` that are not done, for a warning.
pub fn open_before(states: &[StepState], step: Step) -> Vec<Step> {
    states
        .iter()
        .filter(|s| s.spec.step < step && s.standing != Standing::Done)
        .map(|s| s.spec.step)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        crate::month::parse_date(text).unwrap()
    }

    fn october() -> Month {
        "2026-10".parse().unwrap()
    }

    fn record(step: Step, on: &str) -> StepRecord {
        StepRecord {
            step,
            done_by: "county".into(),
            done_on: day(on),
            note: None,
            forced: false,
        }
    }

    fn tally(stations: u64, signed: u64, disputed: u64) -> Evidence {
        Evidence::Signoffs(SignoffTally {
            stations,
            signed,
            disputed,
        })
    }

    #[test]
    fn the_schedule_is_r11_in_order() {
        let days: Vec<u32> = SCHEDULE.iter().map(|s| s.due_day).collect();
        assert_eq!(days, [3, 6, 12, 12, 13, 14, 15, 24, 25]);
        let derived: Vec<Step> = SCHEDULE
            .iter()
            .filter(|s| s.basis == Basis::Derived)
            .map(|s| s.step)
            .collect();
        assert_eq!(
            derived,
            [Step::CountyCheck, Step::StationsSigned, Step::BranchSheetsSigned]
        );
        for (i, s) in SCHEDULE.iter().enumerate() {
            assert_eq!(s.step, Step::ALL[i]);
            assert_eq!(Step::parse(s.step.as_str()), Some(s.step));
        }
        assert_eq!(Step::parse("County-Check"), Some(Step::CountyCheck));
        assert_eq!(Step::parse("sms sent"), Some(Step::SmsSent));
        assert_eq!(Step::parse("paid!"), None);
        assert_eq!(Step::Pulled.due(october()), day("2026-11-03"));
        let december: Month = "2026-12".parse().unwrap();
        assert_eq!(Step::SmsSent.due(december), day("2027-01-25"));
    }

    #[test]
    fn on_a_fixed_day_late_steps_are_overdue_and_say_whose_they_are() {
        // Today is 2026-11-13: the 3rd, 6th and both 12th steps are past.
        let today = day("2026-11-13");
        let records = [
            record(Step::Pulled, "2026-11-02"),
            record(Step::BranchSheetsSigned, "2026-11-12"),
        ];
        let states = month_steps(october(), today, &records, |step| match step {
            Step::CountyCheck => Some(Evidence::NotReconciled),
            Step::StationsSigned => Some(tally(200, 190, 2)),
            _ => None,
        });
        let by_step = |step: Step| states.iter().find(|s| s.spec.step == step).unwrap();
        assert_eq!(by_step(Step::Pulled).standing, Standing::Done);
        assert_eq!(by_step(Step::CountyCheck).standing, Standing::Overdue { days: 7 });
        assert_eq!(by_step(Step::CountyCheck).spec.responsible, Responsible::CountyOffice);
        assert_eq!(by_step(Step::StationsSigned).standing, Standing::Overdue { days: 1 });
        assert_eq!(by_step(Step::StationsSigned).spec.responsible, Responsible::Maintainers);
        assert_eq!(by_step(Step::BranchSheetsSigned).standing, Standing::Done);
        assert_eq!(by_step(Step::Filed).standing, Standing::DueToday);
        assert_eq!(by_step(Step::CityAudit).standing, Standing::Upcoming { days: 1 });
        assert_eq!(by_step(Step::Paid).standing, Standing::Upcoming { days: 11 });
        assert_eq!(by_step(Step::Paid).spec.responsible, Responsible::Finance);
        assert_eq!(by_step(Step::SmsSent).due, day("2026-11-25"));
    }

    #[test]
    fn a_step_done_on_its_day_is_in_time_and_the_next_day_is_late() {
        let due = day("2026-11-06");
        assert_eq!(standing(due, false, day("2026-11-06")), Standing::DueToday);
        assert_eq!(standing(due, false, day("2026-11-07")), Standing::Overdue { days: 1 });
        assert_eq!(standing(due, true, day("2026-12-30")), Standing::Done);
        assert_eq!(standing(due, false, day("2026-10-31")), Standing::Upcoming { days: 6 });
    }

    #[test]
    fn derived_steps_are_done_by_the_data_without_a_record() {
        let today = day("2026-11-20");
        let states = month_steps(october(), today, &[], |step| match step {
            Step::CountyCheck => Some(Evidence::Reconciled {
                matched: true,
                differences: 0,
                on: day("2026-11-05"),
            }),
            Step::StationsSigned => Some(tally(3, 3, 0)),
            _ => None,
        });
        assert_eq!(states[1].standing, Standing::Done);
        assert_eq!(states[2].standing, Standing::Done);
        // A recorded step is not done by evidence, whatever it is given.
        assert_eq!(states[0].standing, Standing::Overdue { days: 17 });
        assert_eq!(states[0].evidence, None);
        // A dispute is not a signature; no station is not "all signed".
        assert!(!tally(3, 2, 1).complete());
        assert!(!tally(0, 0, 0).complete());
        assert!(!Evidence::Reconciled {
            matched: false,
            differences: 2,
            on: today
        }
        .complete());
    }

    #[test]
    fn a_derived_step_against_the_data_needs_force_and_a_note() {
        let today = day("2026-11-13");
        let unsigned = tally(10, 8, 1);
        assert_eq!(
            check_record(Step::StationsSigned, october(), today, Some(&unsigned), false, None),
            Err(Refusal::DataSaysNotDone {
                evidence: unsigned.clone()
            })
        );
        assert_eq!(
            check_record(
                Step::StationsSigned,
                october(),
                today,
                Some(&unsigned),
                true,
                Some("  ")
            ),
            Err(Refusal::ForceWithoutNote)
        );
        assert_eq!(
            check_record(
                Step::StationsSigned,
                october(),
                today,
                Some(&unsigned),
                true,
                Some("纸质签字已收")
            ),
            Ok(())
        );
        let signed = tally(10, 10, 0);
        assert_eq!(
            check_record(Step::StationsSigned, october(), today, Some(&signed), false, None),
            Ok(())
        );
        // Recorded steps need nothing but a finished month.
        assert_eq!(
            check_record(Step::CityAudit, october(), today, None, false, None),
            Ok(())
        );
        assert_eq!(
            check_record(Step::CityAudit, october(), day("2026-10-31"), None, false, None),
            Err(Refusal::MonthNotOver { month: october() })
        );
    }

    #[test]
    fn open_steps_before_one_are_listed() {
        let states = month_steps(
            october(),
            day("2026-11-20"),
            &[record(Step::Pulled, "2026-11-03")],
            |_| Some(Evidence::NotReconciled),
        );
        assert_eq!(
            open_before(&states, Step::Filed),
            vec![Step::CountyCheck, Step::StationsSigned, Step::BranchSheetsSigned]
        );
        assert!(open_before(&states, Step::Pulled).is_empty());
    }

    fn sheets(sheets: u64, complete: u64, signers: u64, signed: u64, disputed: u64) -> Evidence {
        Evidence::BranchSheets(SheetTally {
            sheets,
            complete,
            signers,
            signed,
            disputed,
        })
    }

    #[test]
    fn branch_sheets_are_signed_when_every_signer_of_every_branch_signed() {
        // On 2026-11-12 two of three sheets are signed, one maintainer
        // disputes the third: due today, not done; the next day overdue.
        let partly = sheets(3, 2, 9, 8, 1);
        for (today, want) in [
            ("2026-11-12", Standing::DueToday),
            ("2026-11-13", Standing::Overdue { days: 1 }),
        ] {
            let states = month_steps(october(), day(today), &[], |step| match step {
                Step::BranchSheetsSigned => Some(partly.clone()),
                _ => None,
            });
            assert_eq!(states[3].spec.step, Step::BranchSheetsSigned);
            assert_eq!(states[3].standing, want, "{today}");
            assert_eq!(states[3].spec.responsible, Responsible::Managers);
        }
        let all = sheets(3, 3, 9, 9, 0);
        let states = month_steps(october(), day("2026-11-13"), &[], |step| match step {
            Step::BranchSheetsSigned => Some(all.clone()),
            _ => None,
        });
        assert_eq!(states[3].standing, Standing::Done);
        assert!(!sheets(0, 0, 0, 0, 0).complete(), "no sheet is not every sheet signed");
        assert_eq!(
            check_record(
                Step::BranchSheetsSigned,
                october(),
                day("2026-11-13"),
                Some(&partly),
                false,
                None
            ),
            Err(Refusal::DataSaysNotDone { evidence: partly })
        );
    }
}
