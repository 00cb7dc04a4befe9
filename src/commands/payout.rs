//! `bianmin payout status|done|undo|invoice`: the steps of a month's payout
//! (R11) as state, and the invoices finance needs before paying.

use anyhow::{bail, Context};
use bianmin::config::{default_config_path, Config};
use bianmin::i18n::{self, tr, trf, Text};
use bianmin::month::{parse_date, Month};
use bianmin::payout::status::{heading, overdue_line, refusal_text, status_grid};
use bianmin::payout::steps::{check_record, open_before, Step, StepRecord};
use bianmin::payout::{month_status, MonthEvidence, PayoutMonth};
use bianmin::store::import::InvoiceChange;
use chrono::{NaiveDate, Utc};
use serde_json::json;

use crate::cli::{Global, PayoutAction, PayoutFormat};

/// Who is acting: `--as`, else `person` in the config file.
pub fn acting_person(global: &Global) -> anyhow::Result<Option<String>> {
    if let Some(person) = &global.person {
        return Ok(Some(person.clone()));
    }
    Ok(Config::load(&default_config_path())?.person)
}

/// A note on standard error when the month's figures stop before its end.
pub fn warn_if_figures_short(payout: &PayoutMonth) {
    let month = payout.month();
    if payout.figures_to < month.last_day() {
        eprintln!("{}", trf(Text::PayoutFiguresShort, &[&month, &payout.figures_to]));
    }
}

fn month_arg(text: &str) -> anyhow::Result<Month> {
    text.parse().map_err(anyhow::Error::msg).context("--month")
}

fn date_arg(text: &str, option: &str) -> anyhow::Result<NaiveDate> {
    parse_date(text)
        .map_err(anyhow::Error::msg)
        .with_context(|| option.to_string())
}

fn step_arg(text: &str) -> anyhow::Result<Step> {
    Step::parse(text).with_context(|| {
        let ids: Vec<&str> = Step::ALL.iter().map(|s| s.as_str()).collect();
        trf(Text::PayoutUnknownStep, &[&text, &ids.join(", ")])
    })
}

pub fn run(global: &Global, action: PayoutAction) -> anyhow::Result<()> {
    match action {
        PayoutAction::Status { month, date, format } => status(global, month.as_deref(), date.as_deref(), format),
        PayoutAction::Done {
            step,
            month,
            note,
            force,
            date,
        } => done(global, &step, &month, note, force, date.as_deref()),
        PayoutAction::Undo { step, month } => undo(global, &step, &month),
        PayoutAction::Invoice {
            station,
            month,
            missing,
            number,
        } => invoice(global, &station, &month, missing, number.as_deref()),
    }
}

fn status(global: &Global, month: Option<&str>, date: Option<&str>, format: PayoutFormat) -> anyhow::Result<()> {
    let lang = super::lang(global);
    let store = super::open_store(global)?;
    let today = match date {
        Some(text) => date_arg(text, "--date")?,
        None => store.today()?,
    };
    let month = match month {
        Some(text) => month_arg(text)?,
        None => Month::of(today).prev(),
    };
    let states = month_status(&store, month, today)?;
    let text = match format {
        PayoutFormat::Json => {
            let mut text = serde_json::to_string_pretty(&json!({
                "month": month.to_string(),
                "today": today.to_string(),
                "steps": states,
            }))?;
            text.push('\n');
            text
        }
        PayoutFormat::Table => {
            let mut text = heading(month, today, lang);
            text.push_str("\n\n");
            text.push_str(&status_grid(&states, lang).render());
            if let Some(line) = overdue_line(&states, lang) {
                text.push('\n');
                text.push_str(&line);
                text.push('\n');
            }
            text
        }
    };
    super::write_stdout(text.as_bytes())
}

fn done(
    global: &Global,
    step: &str,
    month: &str,
    note: Option<String>,
    force: bool,
    date: Option<&str>,
) -> anyhow::Result<()> {
    let step = step_arg(step)?;
    let month = month_arg(month)?;
    let store = super::open_store(global)?;
    let Some(who) = acting_person(global)? else {
        bail!("{}", trf(Text::PayoutWhoDidIt, &[&default_config_path().display()]));
    };
    let today = store.today()?;
    let done_on = match date {
        Some(text) => date_arg(text, "--date")?,
        None => today,
    };
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    let evidence = MonthEvidence::load(&store, month, today)?.of(step);
    if let Err(refusal) = check_record(step, month, today, evidence.as_ref(), force, note.as_deref()) {
        bail!("{}", refusal_text(&refusal, i18n::current()));
    }
    if done_on <= month.last_day() || done_on > today {
        bail!("{}", trf(Text::PayoutBadDoneDate, &[&done_on, &month, &today]));
    }
    // Forced only when the data disagreed; a --force the data did not
    // need changes nothing.
    let forced = force && evidence.as_ref().is_some_and(|e| !e.complete());
    store.record_payout_step(
        month,
        &StepRecord {
            step,
            done_by: who.clone(),
            done_on,
            note,
            forced,
        },
        Utc::now(),
    )?;
    eprintln!(
        "{}",
        trf(Text::PayoutRecorded, &[&step.as_str(), &month, &who, &done_on])
    );
    let states = month_status(&store, month, today)?;
    let open = open_before(&states, step);
    if !open.is_empty() {
        let ids: Vec<&str> = open.iter().map(|s| s.as_str()).collect();
        eprintln!("{}", trf(Text::PayoutOpenBefore, &[&ids.join(", ")]));
    }
    Ok(())
}

fn undo(global: &Global, step: &str, month: &str) -> anyhow::Result<()> {
    let step = step_arg(step)?;
    let month = month_arg(month)?;
    let store = super::open_store(global)?;
    if store.remove_payout_step(month, step)? {
        eprintln!("{}", trf(Text::PayoutUndone, &[&step.as_str(), &month]));
        Ok(())
    } else {
        bail!("{}", trf(Text::PayoutNothingToUndo, &[&step.as_str(), &month]))
    }
}

fn invoice(global: &Global, station: &str, month: &str, missing: bool, number: Option<&str>) -> anyhow::Result<()> {
    let month = month_arg(month)?;
    let store = super::open_store(global)?;
    if store.station(station)?.is_none() {
        bail!("{}", trf(Text::PayoutUnknownStation, &[&station, &store.path()]));
    }
    if month > Month::of(store.today()?) {
        bail!("{}", trf(Text::PayoutFutureMonth, &[&month]));
    }
    if missing && number.is_some() {
        bail!("{}", tr(Text::PayoutMissingWithNumber));
    }
    let number = number.map(str::trim).filter(|n| !n.is_empty());
    let by = acting_person(global)?;
    let change = store.set_invoice(station, month, !missing, number, by.as_deref(), Utc::now())?;
    let state = if missing {
        Text::PayoutInvoiceMissing
    } else {
        Text::PayoutInvoiceReceived
    };
    let what = match change {
        InvoiceChange::Unchanged => Text::PayoutUnchanged,
        InvoiceChange::New | InvoiceChange::Updated => Text::PayoutRecordedShort,
    };
    eprintln!(
        "{}",
        trf(Text::PayoutInvoiceSaid, &[&tr(what), &station, &month, &tr(state)])
    );
    Ok(())
}
