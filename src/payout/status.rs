//! The month's payout steps in words: a table of where each step stands
//! and whose it is, and why a step may not be recorded. Formatting only.

use super::steps::{Evidence, Refusal, Standing, StepState};
use crate::i18n::{fill, Lang, Text};
use crate::month::Month;
use crate::report::table::Grid;

/// Where a step stands, in words.
pub fn standing_text(standing: Standing, lang: Lang) -> String {
    match standing {
        Standing::Done => Text::PayoutDone.get(lang).to_string(),
        Standing::Overdue { days } => fill(Text::PayoutOverdue.get(lang), &[&days]),
        Standing::DueToday => Text::PayoutDueToday.get(lang).to_string(),
        Standing::Upcoming { days } => fill(Text::PayoutUpcoming.get(lang), &[&days]),
    }
}

/// What bianmin's data says about a derived step, in words.
pub fn evidence_text(evidence: &Evidence, lang: Lang) -> String {
    match evidence {
        Evidence::NotReconciled => Text::PayoutNotReconciled.get(lang).to_string(),
        Evidence::Reconciled { matched: true, on, .. } => fill(Text::PayoutReconciledMatched.get(lang), &[on]),
        Evidence::Reconciled { differences, on, .. } => {
            fill(Text::PayoutReconciledDiffers.get(lang), &[differences, on])
        }
        Evidence::Signoffs(t) => fill(
            Text::PayoutSignoffTally.get(lang),
            &[&t.signed, &t.stations, &t.disputed, &t.unsigned()],
        ),
        Evidence::BranchSheets(t) => fill(
            Text::PayoutSheetTally.get(lang),
            &[&t.complete, &t.sheets, &t.signed, &t.signers, &t.disputed],
        ),
    }
}

/// Why a step cannot be recorded, in words.
pub fn refusal_text(refusal: &Refusal, lang: Lang) -> String {
    match refusal {
        Refusal::MonthNotOver { month } => fill(Text::PayoutRefuseMonthNotOver.get(lang), &[month]),
        Refusal::DataSaysNotDone { evidence } => {
            fill(Text::PayoutRefuseDataSays.get(lang), &[&evidence_text(evidence, lang)])
        }
        Refusal::ForceWithoutNote => Text::PayoutRefuseForceWithoutNote.get(lang).to_string(),
    }
}

/// The heading above the table.
pub fn heading(month: Month, today: chrono::NaiveDate, lang: Lang) -> String {
    fill(Text::PayoutHeading.get(lang), &[&month, &today])
}

/// One row per step: id, what, due, whose, standing, by, on, notes.
pub fn status_grid(states: &[StepState], lang: Lang) -> Grid {
    let t = |text: Text| text.get(lang).to_string();
    let rows = states
        .iter()
        .map(|s| {
            let mut notes = Vec::new();
            if let Some(evidence) = &s.evidence {
                notes.push(evidence_text(evidence, lang));
            }
            if let Some(record) = &s.record {
                if record.forced {
                    notes.push(t(Text::PayoutForced));
                }
                if let Some(note) = &record.note {
                    notes.push(note.clone());
                }
            }
            vec![
                s.spec.step.as_str().to_string(),
                t(s.spec.step.text()),
                s.due.to_string(),
                t(s.spec.responsible.text()),
                standing_text(s.standing, lang),
                s.record.as_ref().map(|r| r.done_by.clone()).unwrap_or_default(),
                s.record.as_ref().map(|r| r.done_on.to_string()).unwrap_or_default(),
                notes.join("; "),
            ]
        })
        .collect();
    Grid {
        header: vec![
            t(Text::PayoutStep),
            t(Text::PayoutWhat),
            t(Text::PayoutDue),
            t(Text::PayoutResponsible),
            t(Text::Status),
            t(Text::PayoutBy),
            t(Text::PayoutOn),
            t(Text::Note),
        ],
        rows,
        right_aligned: vec![false; 8],
    }
}

/// The overdue steps with their roles, one line, or `None` when none is.
pub fn overdue_line(states: &[StepState], lang: Lang) -> Option<String> {
    let late: Vec<String> = states
        .iter()
        .filter(|s| matches!(s.standing, Standing::Overdue { .. }))
        .map(|s| format!("{} ({})", s.spec.step.as_str(), s.spec.responsible.text().get(lang)))
        .collect();
    (!late.is_empty()).then(|| fill(Text::PayoutOverdueList.get(lang), &[&late.join(", ")]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payout::steps::{month_steps, SignoffTally, Step};

    #[test]
    fn the_table_names_each_step_its_role_and_its_state() {
        let month: Month = "2026-10".parse().unwrap();
        let today = crate::month::parse_date("2026-11-13").unwrap();
        let states = month_steps(month, today, &[], |step| match step {
            Step::StationsSigned => Some(Evidence::Signoffs(SignoffTally {
                stations: 10,
                signed: 7,
                disputed: 1,
            })),
            Step::CountyCheck => Some(Evidence::NotReconciled),
            _ => None,
        });
        let grid = status_grid(&states, Lang::En);
        let signed = &grid.rows[2];
        assert_eq!(signed[0], "stations_signed");
        assert_eq!(signed[3], "maintainers");
        assert_eq!(signed[4], "overdue 1 d");
        assert!(
            signed[7].contains("7/10") && signed[7].contains("2 unsigned"),
            "{signed:?}"
        );
        assert_eq!(grid.rows[4][4], "due today");
        let line = overdue_line(&states, Lang::En).unwrap();
        assert!(
            line.contains("pulled (city)") && line.contains("county_check (county office)"),
            "{line}"
        );
        let zh = status_grid(&states, Lang::Zh);
        assert_eq!(zh.rows[0][4], "逾期 10 天");
    }
}
