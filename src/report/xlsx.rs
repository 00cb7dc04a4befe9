//! The report as a workbook: one sheet each for stations, branches and
//! people, with the same columns as the text table; and any one grid as a
//! workbook of one sheet (the payout exports).

use std::path::Path;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::table::{grid, Grid, Section};
use super::{MonthReport, ReportError};
use crate::i18n::{Lang, Text};

fn write_error(path: &Path) -> impl Fn(XlsxError) -> ReportError + '_ {
    move |e| ReportError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Adds a sheet holding a grid. Figures go in as numbers so the sheet can
/// sum them; money cells carry a two-decimal format. A spreadsheet holds
/// binary doubles, which represent every fen amount of this size exactly
/// enough to print; the exact figures remain those of `--format json`.
pub fn add_grid_sheet(workbook: &mut Workbook, name: &str, grid: &Grid) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("0.00");
    let sheet = workbook.add_worksheet();
    sheet.set_name(name)?;
    for (c, head) in grid.header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, head, &bold)?;
        sheet.set_column_width(c as u16, 12)?;
    }
    for (r, row) in grid.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            let numeric = grid.right_aligned.get(c as usize).copied().unwrap_or(false);
            match cell.parse::<f64>() {
                Ok(value) if numeric && cell.contains('.') => {
                    sheet.write_number_with_format(r, c, value, &money)?;
                }
                Ok(value) if numeric => {
                    sheet.write_number(r, c, value)?;
                }
                _ => {
                    sheet.write_string(r, c, cell)?;
                }
            };
        }
    }
    Ok(())
}

/// Writes the report's workbook.
pub fn write_xlsx(report: &MonthReport, lang: Lang, path: &Path) -> Result<(), ReportError> {
    let mut workbook = Workbook::new();
    for (section, title) in [
        (Section::Stations, Text::Stations),
        (Section::Branches, Text::Branches),
        (Section::People, Text::People),
    ] {
        add_grid_sheet(&mut workbook, title.get(lang), &grid(report, section, lang)).map_err(write_error(path))?;
    }
    workbook.save(path).map_err(write_error(path))
}

/// Writes one grid as a workbook of one sheet.
pub fn write_grid(grid: &Grid, sheet: &str, path: &Path) -> Result<(), ReportError> {
    let mut workbook = Workbook::new();
    add_grid_sheet(&mut workbook, sheet, grid).map_err(write_error(path))?;
    workbook.save(path).map_err(write_error(path))
}
