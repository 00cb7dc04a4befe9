//! Checking the city's allocation (奖励分配明细, R11: "各县局…对奖励分配明细
//! 进行核实") against our figures: every station's reward and, when the
//! file has them, every person's net, to the fen. The comparison is pure:
//! the file's lines in, the differences out. Amounts are compared in whole
//! fen; nothing here computes a reward.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::engine_fen as fen;
use super::lines::station_lines;
use crate::i18n::{fill, Lang, Text};
use crate::ingest::{AllocationRow, Payee, RowError};
use crate::money::{format_yuan, parse_yuan};
use crate::month::Month;
use crate::report::table::Grid;
use crate::report::MonthReport;
use crate::store::facts::{fen_from_yuan, yuan_from_fen};
use crate::store::import::MAX_LISTED_ERRORS;

/// The amounts the file gives, summed per payee (a city file may split a
/// station's reward over several lines), with the lines they came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allocation {
    pub stations: BTreeMap<String, Claim>,
    pub people: BTreeMap<String, Claim>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claim {
    pub fen: i64,
    pub lines: Vec<u64>,
}

/// Bad lines of the file: nothing is compared or saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", bad_lines_message(file, errors, *total))]
pub struct BadAllocation {
    pub file: String,
    /// The first `MAX_LISTED_ERRORS`.
    pub errors: Vec<RowError>,
    pub total: u64,
}

fn bad_lines_message(file: &str, errors: &[RowError], total: u64) -> String {
    let mut out = fill(Text::ReconcileBadLines.get(crate::i18n::current()), &[&file, &total]);
    for e in errors {
        out.push_str(&format!("\n  {e}"));
    }
    if total > errors.len() as u64 {
        out.push_str(&format!("\n  … {}", total - errors.len() as u64));
    }
    out
}

/// Reads the file's lines into an allocation for `month`. A line for
/// another month (when the file has a month column), an amount that is
/// not whole fen, or a sum too large is a bad line; every bad line is
/// reported and nothing is compared.
pub fn collect(
    file: &str,
    rows: impl Iterator<Item = Result<AllocationRow, RowError>>,
    month: Month,
) -> Result<Allocation, BadAllocation> {
    let mut allocation = Allocation::default();
    let mut errors = Vec::new();
    let mut total = 0u64;
    let mut bad = |e: RowError| {
        total += 1;
        if errors.len() < MAX_LISTED_ERRORS {
            errors.push(e);
        }
    };
    for row in rows {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                bad(e);
                continue;
            }
        };
        let amount_error = |reason: String| RowError {
            line: row.line,
            column: Text::ReconcileAmountColumn.get(Lang::Zh).to_string(),
            reason,
        };
        if let Some(other) = row.month.filter(|m| *m != month) {
            bad(RowError {
                line: row.line,
                column: Text::Month.get(Lang::Zh).to_string(),
                reason: crate::i18n::trf(Text::ReconcileOtherMonth, &[&other, &month]),
            });
            continue;
        }
        let Some(fen) = fen_from_yuan(row.amount) else {
            bad(amount_error(crate::i18n::trf(Text::ImportNotWholeFen, &[&row.amount])));
            continue;
        };
        let (claims, id) = match &row.payee {
            Payee::Station(code) => (&mut allocation.stations, code),
            Payee::Person(id) => (&mut allocation.people, id),
        };
        let claim = claims.entry(id.clone()).or_default();
        match claim.fen.checked_add(fen) {
            Some(sum) => claim.fen = sum,
            None => {
                bad(amount_error(crate::i18n::trf(Text::ReconcileSumTooLarge, &[id])));
                continue;
            }
        }
        claim.lines.push(row.line);
    }
    if total > 0 {
        return Err(BadAllocation {
            file: file.to_string(),
            errors,
            total,
        });
    }
    Ok(allocation)
}

/// Whose amount differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayeeKind {
    Station,
    Person,
}

/// One payee whose amounts differ, or who is on one side only (`None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub kind: PayeeKind,
    pub id: String,
    /// Our figure in fen: a station's reward, a person's net.
    pub ours: Option<i64>,
    /// The file's, summed over its lines.
    pub theirs: Option<i64>,
    /// The file's lines for this payee.
    pub lines: Vec<u64>,
}

/// The comparison of one file with one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub month: Month,
    pub stations_checked: u64,
    /// 0 when the file has no person lines (people are then not checked).
    pub people_checked: u64,
    /// Station rewards, ours and the file's, in fen.
    pub ours_fen: i64,
    pub theirs_fen: i64,
    pub differences: Vec<Difference>,
}

impl Comparison {
    pub fn matched(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Compares `ours` (id → fen) with the file's claims. A payee on one side
/// only differs unless its amount is zero (a city file may leave out the
/// stations it pays nothing).
fn compare_side(
    kind: PayeeKind,
    ours: &BTreeMap<String, i64>,
    theirs: &BTreeMap<String, Claim>,
    out: &mut Vec<Difference>,
) {
    for (id, &our) in ours {
        match theirs.get(id) {
            Some(claim) if claim.fen == our => {}
            None if our == 0 => {}
            claim => out.push(Difference {
                kind,
                id: id.clone(),
                ours: Some(our),
                theirs: claim.map(|c| c.fen),
                lines: claim.map(|c| c.lines.clone()).unwrap_or_default(),
            }),
        }
    }
    for (id, claim) in theirs {
        if !ours.contains_key(id) && claim.fen != 0 {
            out.push(Difference {
                kind,
                id: id.clone(),
                ours: None,
                theirs: Some(claim.fen),
                lines: claim.lines.clone(),
            });
        }
    }
}

/// Every difference between the file and the month's report: stations
/// always, people when the file has person lines.
pub fn compare(report: &MonthReport, allocation: &Allocation) -> Comparison {
    let r = &report.result;
    let ours_stations: BTreeMap<String, i64> = r.stations.iter().map(|s| (s.id.clone(), fen(s.reward.total))).collect();
    let mut differences = Vec::new();
    compare_side(
        PayeeKind::Station,
        &ours_stations,
        &allocation.stations,
        &mut differences,
    );
    let mut people_checked = 0;
    if !allocation.people.is_empty() {
        let mut ours_people: BTreeMap<String, i64> = BTreeMap::new();
        for p in &r.people {
            *ours_people.entry(p.id.clone()).or_default() += fen(p.net);
        }
        people_checked = ours_people.len() as u64;
        compare_side(PayeeKind::Person, &ours_people, &allocation.people, &mut differences);
    }
    differences.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    Comparison {
        month: r.month,
        stations_checked: ours_stations.len() as u64,
        people_checked,
        ours_fen: ours_stations.values().sum(),
        theirs_fen: allocation.stations.values().map(|c| c.fen).sum(),
        differences,
    }
}

fn yuan(fen: Option<i64>) -> String {
    fen.map_or_else(|| "-".to_string(), |f| format_yuan(yuan_from_fen(f)))
}

/// Our line-by-line figures for a payee, as the statement names them
/// (a station's reward lines; a person's reward, penalty and net).
fn our_lines(report: &MonthReport, d: &Difference, lang: Lang) -> String {
    match d.kind {
        PayeeKind::Station => match report.result.stations.iter().find(|s| s.id == d.id) {
            Some(s) => {
                let lines: Vec<String> = station_lines(report, s, lang)
                    .into_iter()
                    .map(|(item, amount)| format!("{item} {}", format_yuan(amount)))
                    .collect();
                if lines.is_empty() {
                    Text::None.get(lang).to_string()
                } else {
                    lines.join("; ")
                }
            }
            None => Text::ReconcileNotOurs.get(lang).to_string(),
        },
        PayeeKind::Person => {
            let shares: Vec<String> = report
                .result
                .people
                .iter()
                .filter(|p| p.id == d.id)
                .map(|p| {
                    let mut text = format!(
                        "{} {}; {} {}; {} {}",
                        Text::Reward.get(lang),
                        format_yuan(p.reward),
                        Text::Penalty.get(lang),
                        format_yuan(p.penalty),
                        Text::Net.get(lang),
                        format_yuan(p.net)
                    );
                    if d.theirs == Some(fen(p.reward)) && p.reward != p.net {
                        text.push_str(&format!(" ({})", Text::ReconcileEqualsReward.get(lang)));
                    }
                    text
                })
                .collect();
            if shares.is_empty() {
                Text::ReconcileNotOurs.get(lang).to_string()
            } else {
                shares.join(" | ")
            }
        }
    }
}

/// The differences as a table, with our figures line by line.
pub fn differences_grid(report: &MonthReport, comparison: &Comparison, lang: Lang) -> Grid {
    let t = |text: Text| text.get(lang).to_string();
    Grid {
        header: vec![
            t(Text::Kind),
            t(Text::ReconcileCode),
            t(Text::Name),
            t(Text::ReconcileOurs),
            t(Text::ReconcileTheirs),
            t(Text::ReconcileDifference),
            t(Text::ReconcileFileLines),
            t(Text::ReconcileOurLines),
        ],
        rows: comparison
            .differences
            .iter()
            .map(|d| {
                let (kind, name) = match d.kind {
                    PayeeKind::Station => (Text::Station, report.station_name(&d.id)),
                    PayeeKind::Person => (Text::ReconcilePerson, report.person_name(&d.id)),
                };
                let difference = match (d.ours, d.theirs) {
                    (Some(o), Some(t)) => yuan(Some(t - o)),
                    _ => "-".to_string(),
                };
                let lines: Vec<String> = d.lines.iter().map(u64::to_string).collect();
                vec![
                    t(kind),
                    d.id.clone(),
                    name.to_string(),
                    yuan(d.ours),
                    yuan(d.theirs),
                    difference,
                    lines.join(","),
                    our_lines(report, d, lang),
                ]
            })
            .collect(),
        right_aligned: vec![false, false, false, true, true, true, false, false],
    }
}

/// One line on what was compared and how it came out.
pub fn summary(comparison: &Comparison, lang: Lang) -> String {
    let c = comparison;
    let head = fill(
        Text::ReconcileSummary.get(lang),
        &[
            &c.month,
            &c.stations_checked,
            &c.people_checked,
            &yuan(Some(c.ours_fen)),
            &yuan(Some(c.theirs_fen)),
        ],
    );
    let outcome = if c.matched() {
        Text::ReconcileMatched.get(lang).to_string()
    } else {
        fill(Text::ReconcileDiffers.get(lang), &[&c.differences.len()])
    };
    format!("{head}\n{outcome}\n")
}

/// A difference as kept in the database (JSON, money as strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredDifference {
    kind: PayeeKind,
    id: String,
    ours: Option<String>,
    theirs: Option<String>,
    lines: Vec<u64>,
}

/// The differences as the JSON the `reconciliations` table keeps.
pub fn differences_to_json(differences: &[Difference]) -> String {
    let stored: Vec<StoredDifference> = differences
        .iter()
        .map(|d| StoredDifference {
            kind: d.kind,
            id: d.id.clone(),
            ours: d.ours.map(|f| yuan(Some(f))),
            theirs: d.theirs.map(|f| yuan(Some(f))),
            lines: d.lines.clone(),
        })
        .collect();
    serde_json::to_string(&stored).unwrap_or_else(|_| "[]".to_string())
}

/// Reads the `reconciliations` table's JSON back.
pub fn differences_from_json(text: &str) -> Result<Vec<Difference>, String> {
    let stored: Vec<StoredDifference> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let fen_of = |amount: Option<String>| -> Result<Option<i64>, String> {
        amount
            .map(|a| {
                let yuan = parse_yuan(&a)?;
                fen_from_yuan(yuan).ok_or_else(|| format!("{a:?} is not whole fen"))
            })
            .transpose()
    };
    stored
        .into_iter()
        .map(|d| {
            Ok(Difference {
                kind: d.kind,
                id: d.id,
                ours: fen_of(d.ours)?,
                theirs: fen_of(d.theirs)?,
                lines: d.lines,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use rust_decimal_macros::dec;

    fn row(line: u64, payee: Payee, amount: Decimal) -> Result<AllocationRow, RowError> {
        Ok(AllocationRow {
            line,
            payee,
            month: None,
            amount,
        })
    }

    fn station(code: &str) -> Payee {
        Payee::Station(code.into())
    }

    fn october() -> Month {
        "2026-10".parse().unwrap()
    }

    #[test]
    fn lines_of_one_payee_are_summed_and_remembered() {
        let rows = vec![
            row(2, station("S1"), dec!(10.50)),
            row(3, station("S1"), dec!(0.30)),
            row(4, Payee::Person("P1".into()), dec!(-1.60)),
        ];
        let a = collect("f.csv", rows.into_iter(), october()).unwrap();
        assert_eq!(
            a.stations["S1"],
            Claim {
                fen: 1080,
                lines: vec![2, 3]
            }
        );
        assert_eq!(a.people["P1"].fen, -160);
    }

    #[test]
    fn bad_lines_are_all_reported_and_nothing_is_compared() {
        let mut for_september = row(3, station("S2"), dec!(1)).unwrap();
        for_september.month = Some("2026-09".parse().unwrap());
        let rows = vec![
            Err(RowError {
                line: 2,
                column: "金额".into(),
                reason: "\"x\" is not an amount".into(),
            }),
            Ok(for_september),
            row(4, station("S3"), dec!(1.005)),
        ];
        let err = collect("city.csv", rows.into_iter(), october()).unwrap_err();
        assert_eq!(err.total, 3);
        let text = err.to_string();
        assert!(text.contains("city.csv"), "{text}");
        assert!(
            text.contains("line 3, column 月份: the line is for 2026-09, not 2026-10"),
            "{text}"
        );
        assert!(text.contains("line 4"), "{text}");
    }

    #[test]
    fn sums_that_overflow_are_refused() {
        let big = dec!(999999999999999);
        let rows = (0..100).map(|i| row(i + 2, station("S1"), big));
        let err = collect("f.csv", rows, october()).unwrap_err();
        assert!(err.to_string().contains("too large"), "{err}");
    }

    fn ours(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
        pairs.iter().map(|(id, f)| (id.to_string(), *f)).collect()
    }

    fn theirs(pairs: &[(&str, i64, u64)]) -> BTreeMap<String, Claim> {
        pairs
            .iter()
            .map(|(id, f, line)| {
                (
                    id.to_string(),
                    Claim {
                        fen: *f,
                        lines: vec![*line],
                    },
                )
            })
            .collect()
    }

    #[test]
    fn one_fen_off_and_missing_on_either_side_are_differences() {
        let mut out = Vec::new();
        compare_side(
            PayeeKind::Station,
            &ours(&[("S1", 4080), ("S2", 1000), ("S3", 500), ("S4", 0)]),
            &theirs(&[("S1", 4080, 2), ("S2", 1001, 3), ("S9", 700, 4), ("S8", 0, 5)]),
            &mut out,
        );
        let ids: Vec<(&str, Option<i64>, Option<i64>)> =
            out.iter().map(|d| (d.id.as_str(), d.ours, d.theirs)).collect();
        assert_eq!(
            ids,
            vec![
                ("S2", Some(1000), Some(1001)),
                ("S3", Some(500), None),
                ("S9", None, Some(700))
            ]
        );
        assert_eq!(out[0].lines, vec![3]);
    }

    #[test]
    fn differences_survive_the_database_json() {
        let d = vec![
            Difference {
                kind: PayeeKind::Station,
                id: "S1".into(),
                ours: Some(4080),
                theirs: Some(4081),
                lines: vec![7],
            },
            Difference {
                kind: PayeeKind::Person,
                id: "P1".into(),
                ours: Some(-160),
                theirs: None,
                lines: vec![],
            },
        ];
        let json = differences_to_json(&d);
        assert!(
            json.contains("\"ours\":\"40.80\"") && json.contains("\"-1.60\""),
            "{json}"
        );
        assert_eq!(differences_from_json(&json).unwrap(), d);
        assert!(differences_from_json("[{\"kind\":\"x\"}]").is_err());
    }
}
