//! The report as a workbook: one sheet each for stations, branches and
//! people, with the same columns as the text table.

use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};

use super::table::{grid, Section};
use super::{MonthReport, ReportError};
use crate::i18n::{Lang, Text};

/// Writes the workbook. Figures go in as numbers so the sheet can sum
/// them; money cells carry a two-decimal format. A spreadsheet holds
/// binary doubles, which represent every fen amount of this size exactly
/// enough to print; the exact figures remain those of `--format json`.
pub fn write_xlsx(report: &MonthReport, lang: Lang, path: &Path) -> Result<(), ReportError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("0.00");
    for (section, title) in [
        (Section::Stations, Text::Stations),
        (Section::Branches, Text::Branches),
        (Section::People, Text::People),
    ] {
        let grid = grid(report, section, lang);
        let sheet = workbook.add_worksheet();
        let write_err = |e: rust_xlsxwriter::XlsxError| ReportError::Write {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        sheet.set_name(title.get(lang)).map_err(write_err)?;
        for (c, head) in grid.header.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, head, &bold)
                .map_err(write_err)?;
            sheet.set_column_width(c as u16, 12).map_err(write_err)?;
        }
        for (r, row) in grid.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                let numeric = grid.right_aligned[c as usize];
                match cell.parse::<f64>() {
                    Ok(value) if numeric && cell.contains('.') => {
                        sheet.write_number_with_format(r, c, value, &money).map_err(write_err)?;
                    }
                    Ok(value) if numeric => {
                        sheet.write_number(r, c, value).map_err(write_err)?;
                    }
                    _ => {
                        sheet.write_string(r, c, cell).map_err(write_err)?;
                    }
                };
            }
        }
    }
    workbook.save(path).map_err(|e| ReportError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}
