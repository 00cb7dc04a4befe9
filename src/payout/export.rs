//! The files of R11's last steps: what finance pays to each station's 绿卡
//! (and what it holds back, with the reason), what payroll staff key into
//! the payroll system (薪酬发放系统), and the SMS notices for the 大汉三通
//! platform. Grids of the engine's figures, formatted to the fen; written
//! as CSV through the project's one CSV writer (`Grid::to_csv`) in UTF-8
//! with a BOM, UTF-8 or GBK, or as a workbook.

use std::path::Path;

use encoding_rs::{EncoderResult, GBK};

use super::holds::hold_reasons;
use super::lines::station_lines;
use super::sms::{person_message, split_sms, station_message, SMS_LIMIT};
use super::{Due, PayoutMonth};
use crate::i18n::{fill, trf, Lang, Text};
use crate::money::format_yuan;
use crate::policy::Role;
use crate::records::ResolutionOutcome;
use crate::report::table::Grid;
use crate::report::xlsx::write_grid;
use crate::report::ReportError;
use crate::store::facts::yuan_from_fen;

/// How a CSV file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvEncoding {
    /// What Chinese Excel opens as UTF-8 ("CSV UTF-8").
    #[default]
    Utf8Bom,
    /// Plain UTF-8, for scripts.
    Utf8,
    /// Excel's plain "CSV" on a Chinese Windows (code page 936).
    Gbk,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A cell holds a character GBK has not got (a rare character in a
    /// name): the file would be wrong, so nothing is written.
    #[error("{}", trf(Text::ExportNotGbk, &[line, column, ch, &format!("U+{:04X}", *ch as u32)]))]
    NotGbk { line: usize, column: String, ch: char },
    #[error(transparent)]
    Write(#[from] ReportError),
}

/// The first character of `text` that GBK cannot encode.
fn first_not_in_gbk(text: &str) -> Option<char> {
    let mut encoder = GBK.new_encoder();
    let mut out = vec![0u8; encoder.max_buffer_length_from_utf8_without_replacement(text.len())?];
    let (result, _, _) = encoder.encode_from_utf8_without_replacement(text, &mut out, true);
    match result {
        EncoderResult::Unmappable(c) => Some(c),
        _ => None,
    }
}

/// The grid as CSV bytes in the encoding asked for. GBK is checked cell
/// by cell first, so an error names the line and the column.
pub fn csv_bytes(grid: &Grid, encoding: CsvEncoding) -> Result<Vec<u8>, ExportError> {
    if encoding == CsvEncoding::Gbk {
        let lines = std::iter::once(&grid.header).chain(&grid.rows).enumerate();
        for (i, cells) in lines {
            for (c, cell) in cells.iter().enumerate() {
                if let Some(ch) = first_not_in_gbk(cell) {
                    return Err(ExportError::NotGbk {
                        line: i + 1,
                        column: grid.header.get(c).cloned().unwrap_or_default(),
                        ch,
                    });
                }
            }
        }
    }
    let csv = grid.to_csv();
    Ok(match encoding {
        CsvEncoding::Utf8Bom => {
            let mut bytes = "\u{feff}".as_bytes().to_vec();
            bytes.extend_from_slice(csv.as_bytes());
            bytes
        }
        CsvEncoding::Utf8 => csv.into_bytes(),
        CsvEncoding::Gbk => GBK.encode(&csv).0.into_owned(),
    })
}

/// Writes the grid as a one-sheet workbook.
pub fn write_workbook(grid: &Grid, sheet: &str, path: &Path) -> Result<(), ExportError> {
    Ok(write_grid(grid, sheet, path)?)
}

fn t(text: Text, lang: Lang) -> String {
    text.get(lang).to_string()
}

/// What the payments file adds up to, in fen: `paid_fen + held_fen ==
/// computed_fen + corrections_fen` (the month's station rewards as the
/// engine computed them, plus the county's corrections of accepted
/// disputes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PaymentTotals {
    pub paid_fen: i64,
    pub paid: u64,
    pub held_fen: i64,
    pub held: u64,
    /// The month's total station rewards.
    pub computed_fen: i64,
    /// Corrected figures less computed ones, over accepted disputes.
    pub corrections_fen: i64,
}

/// A note on a row whose dispute the county resolved: corrected (with the
/// computed figure beside it), or rejected (paid as computed).
fn resolution_note(due: &Due, lang: Lang) -> Option<String> {
    match due.resolved? {
        ResolutionOutcome::Accepted => Some(fill(
            Text::ExportCorrected.get(lang),
            &[&format_yuan(yuan_from_fen(due.computed_fen))],
        )),
        ResolutionOutcome::Rejected => Some(Text::ExportDisputeRejected.get(lang).to_string()),
    }
}

/// Every station's reward to pay to its 绿卡, or held back with the
/// reasons; a station whose dispute the county accepted at its corrected
/// figure, the computed one named in the reason. Paid plus held is the
/// month's total station rewards plus the corrections.
pub fn payments(month: &PayoutMonth, lang: Lang) -> (Grid, PaymentTotals) {
    let report = &month.report;
    let mut totals = PaymentTotals::default();
    let rows = report
        .result
        .stations
        .iter()
        .map(|s| {
            let due = month.station_due(s);
            totals.computed_fen += due.computed_fen;
            totals.corrections_fen += due.correction_fen();
            let reasons = hold_reasons(month.pay_check(&s.id));
            let status = if reasons.is_empty() {
                totals.paid += 1;
                totals.paid_fen += due.fen;
                Text::PayStatusPay
            } else {
                totals.held += 1;
                totals.held_fen += due.fen;
                Text::PayStatusHold
            };
            let mut notes: Vec<String> = reasons.iter().map(|r| r.text().get(lang).to_string()).collect();
            notes.extend(resolution_note(&due, lang));
            vec![
                s.id.clone(),
                report.station_name(&s.id).to_string(),
                report.branch_name(&s.branch).to_string(),
                month
                    .payees
                    .get(&s.id)
                    .and_then(|p| p.owner_name.clone())
                    .unwrap_or_default(),
                format_yuan(yuan_from_fen(due.fen)),
                t(status, lang),
                notes.join("; "),
            ]
        })
        .collect();
    debug_assert_eq!(
        totals.paid_fen + totals.held_fen,
        totals.computed_fen + totals.corrections_fen
    );
    let grid = Grid {
        header: vec![
            t(Text::ExportCode, lang),
            t(Text::Name, lang),
            t(Text::Branch, lang),
            t(Text::ExportOwner, lang),
            t(Text::ExportAmount, lang),
            t(Text::ExportStatus, lang),
            t(Text::Reason, lang),
        ],
        rows,
        right_aligned: vec![false, false, false, false, true, false, false],
    };
    (grid, totals)
}

/// The sum of the nets in the payroll file, in fen: `net_fen ==
/// computed_fen + corrections_fen` (the report's nets plus the county's
/// corrections of accepted branch sheet disputes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PayrollTotals {
    pub people: u64,
    pub net_fen: i64,
    pub computed_fen: i64,
    pub corrections_fen: i64,
}

fn role_text(role: Role) -> Text {
    match role {
        Role::Manager => Text::Manager,
        Role::Maintainer => Text::Maintainer,
    }
}

/// Every manager's and maintainer's reward share, penalty share and net
/// (R9), the rows payroll staff key in. A person whose dispute of the
/// branch sheet the county accepted is paid the corrected net, the
/// computed one named in the last column.
pub fn payroll(month: &PayoutMonth, lang: Lang) -> (Grid, PayrollTotals) {
    let report = &month.report;
    let mut totals = PayrollTotals::default();
    let rows = report
        .result
        .people
        .iter()
        .map(|p| {
            let due = month.person_due(p);
            totals.people += 1;
            totals.net_fen += due.fen;
            totals.computed_fen += due.computed_fen;
            totals.corrections_fen += due.correction_fen();
            let green_card = report.person_green_card.get(&p.id).copied().unwrap_or(false);
            vec![
                p.id.clone(),
                report.person_name(&p.id).to_string(),
                t(role_text(p.role), lang),
                report.branch_name(&p.branch).to_string(),
                format_yuan(p.reward),
                format_yuan(p.penalty),
                format_yuan(yuan_from_fen(due.fen)),
                t(if green_card { Text::Yes } else { Text::No }, lang),
                resolution_note(&due, lang).unwrap_or_default(),
            ]
        })
        .collect();
    let grid = Grid {
        header: vec![
            t(Text::ExportPerson, lang),
            t(Text::ExportPersonName, lang),
            t(Text::Role, lang),
            t(Text::Branch, lang),
            t(Text::Reward, lang),
            t(Text::Penalty, lang),
            t(Text::Net, lang),
            t(Text::ExportGreenCard, lang),
            t(Text::ExportNote, lang),
        ],
        rows,
        right_aligned: vec![false, false, false, false, true, true, true, false, false],
    };
    (grid, totals)
}

/// A recipient left out of the SMS file, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub recipient: Text,
    pub id: String,
    pub name: String,
    pub reason: Text,
}

/// One SMS to send: a recipient's message, or one numbered part of it.
struct Notice {
    recipient: Text,
    id: String,
    name: String,
    phone: Option<String>,
    message: String,
}

/// One row per recipient (station owner, manager, maintainer) and SMS
/// part: a message within 70 characters is one row; a longer one is
/// split into numbered parts, a row each. Recipients without a mobile on
/// record are returned apart, to be listed.
pub fn sms(month: &PayoutMonth, lang: Lang) -> (Grid, Vec<Skipped>) {
    let report = &month.report;
    let m = month.month();
    let mut notices = Vec::new();
    for s in &report.result.stations {
        let payee = month.payees.get(&s.id);
        let held: Vec<Text> = hold_reasons(month.pay_check(&s.id)).iter().map(|r| r.text()).collect();
        let due = month.station_due(s);
        // A corrected figure is the county's, not the sum of the engine's
        // lines: the message names the amount alone.
        let lines = match due.resolved {
            Some(ResolutionOutcome::Accepted) => Vec::new(),
            _ => station_lines(report, s, Lang::Zh),
        };
        notices.push(Notice {
            recipient: Text::Station,
            id: s.id.clone(),
            name: payee
                .and_then(|p| p.owner_name.clone())
                .unwrap_or_else(|| report.station_name(&s.id).to_string()),
            phone: payee.and_then(|p| p.owner_phone.clone()),
            message: station_message(
                m,
                report.station_name(&s.id),
                &format_yuan(yuan_from_fen(due.fen)),
                &lines,
                &held,
            ),
        });
    }
    for p in &report.result.people {
        let penalty = (!p.penalty.is_zero()).then(|| format_yuan(p.penalty));
        let due = month.person_due(p);
        notices.push(Notice {
            recipient: role_text(p.role),
            id: p.id.clone(),
            name: report.person_name(&p.id).to_string(),
            phone: month.people.get(&p.id).and_then(|person| person.phone.clone()),
            message: person_message(
                m,
                report.branch_name(&p.branch),
                role_text(p.role),
                &format_yuan(p.reward),
                penalty.as_deref(),
                &format_yuan(yuan_from_fen(due.fen)),
                due.resolved == Some(ResolutionOutcome::Accepted),
            ),
        });
    }
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for notice in notices {
        let Some(phone) = notice.phone else {
            skipped.push(Skipped {
                recipient: notice.recipient,
                id: notice.id,
                name: notice.name,
                reason: Text::SmsNoPhone,
            });
            continue;
        };
        let parts = split_sms(&notice.message, SMS_LIMIT);
        let n = parts.len();
        for (i, part) in parts.into_iter().enumerate() {
            rows.push(vec![
                t(notice.recipient, lang),
                notice.id.clone(),
                notice.name.clone(),
                phone.clone(),
                format!("{}/{n}", i + 1),
                part,
            ]);
        }
    }
    let grid = Grid {
        header: vec![
            t(Text::SmsRecipient, lang),
            t(Text::ExportId, lang),
            t(Text::ExportPersonName, lang),
            t(Text::ExportPhone, lang),
            t(Text::SmsPart, lang),
            t(Text::ExportMessage, lang),
        ],
        rows,
        right_aligned: vec![false; 6],
    };
    (grid, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(cells: &[&str]) -> Grid {
        Grid {
            header: vec!["站点".into(), "amount".into()],
            rows: vec![cells.iter().map(|c| c.to_string()).collect()],
            right_aligned: vec![false, true],
        }
    }

    #[test]
    fn utf8_with_bom_starts_with_the_bom_and_plain_utf8_does_not() {
        let g = grid(&["王庄", "40.80"]);
        let bom = csv_bytes(&g, CsvEncoding::Utf8Bom).unwrap();
        assert_eq!(&bom[..3], b"\xEF\xBB\xBF");
        assert_eq!(&bom[3..], "站点,amount\n王庄,40.80\n".as_bytes());
        let plain = csv_bytes(&g, CsvEncoding::Utf8).unwrap();
        assert_eq!(plain, "站点,amount\n王庄,40.80\n".as_bytes());
    }

    #[test]
    fn gbk_bytes_are_gbk() {
        let g = grid(&["王庄", "40.80"]);
        let gbk = csv_bytes(&g, CsvEncoding::Gbk).unwrap();
        // 站 D5BE, 点 B5E3, 王 CDF5, 庄 D7AF in GBK.
        assert_eq!(gbk, b"\xD5\xBE\xB5\xE3,amount\n\xCD\xF5\xD7\xAF,40.80\n");
        let (back, _, errors) = GBK.decode(&gbk);
        assert!(!errors);
        assert_eq!(back, "站点,amount\n王庄,40.80\n");
    }

    #[test]
    fn a_character_gbk_lacks_is_refused_with_its_line_and_column() {
        let g = grid(&["𠮷野家", "1.00"]);
        match csv_bytes(&g, CsvEncoding::Gbk) {
            Err(ExportError::NotGbk { line, column, ch }) => {
                assert_eq!((line, column.as_str(), ch), (2, "站点", '𠮷'));
            }
            other => panic!("{other:?}"),
        }
        assert!(csv_bytes(&g, CsvEncoding::Utf8Bom).is_ok());
    }
}
