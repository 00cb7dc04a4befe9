//! `bianmin export payments|payroll|sms --month M`: the files of R11's last
//! steps, for a finished month, as CSV (UTF-8 with a BOM, UTF-8 or GBK) or
//! a workbook; a summary of what they add up to on standard error.

use anyhow::{bail, Context};
use bianmin::i18n::{trf, Lang, Text};
use bianmin::money::format_yuan;
use bianmin::month::Month;
use bianmin::payout::export::{csv_bytes, payments, payroll, sms, write_workbook, CsvEncoding};
use bianmin::payout::PayoutMonth;
use bianmin::report::table::Grid;
use bianmin::store::facts::yuan_from_fen;

use crate::cli::{ExportArgs, ExportEncoding, ExportFormat, ExportWhat, Global, LangArg};

fn yuan(fen: i64) -> String {
    format_yuan(yuan_from_fen(fen))
}

pub fn run(global: &Global, args: &ExportArgs) -> anyhow::Result<()> {
    // The files go to Chinese finance, payroll and SMS systems: Chinese
    // headers unless --lang asks otherwise (not the locale's language).
    let file_lang = match global.lang {
        Some(LangArg::En) => Lang::En,
        Some(LangArg::Zh) | None => Lang::Zh,
    };
    let month: Month = args.month.parse().map_err(anyhow::Error::msg).context("--month")?;
    let workbook = match (args.format, &args.output) {
        (ExportFormat::Xlsx, None) => bail!("{}", bianmin::i18n::tr(Text::XlsxNeedsOutput)),
        (ExportFormat::Xlsx, Some(path)) => Some(path),
        (ExportFormat::Csv, _) => None,
    };
    let store = super::open_store(global)?;
    let policy = super::policy_in_effect(global, Some(&store))?;
    let payout = PayoutMonth::load(&store, &policy, month)?;
    super::payout::warn_if_figures_short(&payout);

    let (grid, sheet, said): (Grid, Text, Vec<String>) = match args.what {
        ExportWhat::Payments => {
            let (grid, totals) = payments(&payout, file_lang);
            let said = trf(
                Text::ExportPaymentsSummary,
                &[
                    &month,
                    &totals.paid,
                    &yuan(totals.paid_fen),
                    &totals.held,
                    &yuan(totals.held_fen),
                    &yuan(totals.paid_fen + totals.held_fen),
                ],
            );
            let equation = trf(
                Text::ExportPaymentsEquation,
                &[&yuan(totals.computed_fen), &yuan(totals.corrections_fen)],
            );
            (grid, Text::ExportPaymentsSheet, vec![said, equation])
        }
        ExportWhat::Payroll => {
            let (grid, totals) = payroll(&payout, file_lang);
            let said = trf(
                Text::ExportPayrollSummary,
                &[&month, &totals.people, &yuan(totals.net_fen)],
            );
            let equation = trf(
                Text::ExportPayrollEquation,
                &[&yuan(totals.computed_fen), &yuan(totals.corrections_fen)],
            );
            (grid, Text::ExportPayrollSheet, vec![said, equation])
        }
        ExportWhat::Sms => {
            let (grid, skipped) = sms(&payout, file_lang);
            let lang = bianmin::i18n::current();
            let mut said = vec![trf(Text::ExportSmsSummary, &[&month, &grid.rows.len()])];
            if !skipped.is_empty() {
                said.push(trf(Text::ExportSmsSkipped, &[&skipped.len()]));
            }
            for s in &skipped {
                said.push(format!(
                    "  {} {} {}: {}",
                    s.recipient.get(lang),
                    s.id,
                    s.name,
                    s.reason.get(lang)
                ));
            }
            (grid, Text::ExportSmsSheet, said)
        }
    };

    match workbook {
        Some(path) => write_workbook(&grid, sheet.get(file_lang), path)?,
        None => {
            let encoding = match args.encoding {
                ExportEncoding::Utf8Bom => CsvEncoding::Utf8Bom,
                ExportEncoding::Utf8 => CsvEncoding::Utf8,
                ExportEncoding::Gbk => CsvEncoding::Gbk,
            };
            let bytes = csv_bytes(&grid, encoding)?;
            match &args.output {
                Some(path) => std::fs::write(path, bytes).map_err(super::io_failed(Text::CannotWrite, path))?,
                None => super::write_stdout(&bytes)?,
            }
        }
    }
    for line in said {
        eprintln!("{line}");
    }
    Ok(())
}
