//! `bianmin report`: the month's tables, or one statement per station.
//! A month without figures is said so and exits 1; statements default to
//! the last finished month and narrow to the person looking.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Context};
use bianmin::i18n::{tr, trf, Lang, Text};
use bianmin::month::{parse_date, Month};
use bianmin::policy::{Policy, StationResult};
use bianmin::report::statement::{file_name as statement_file_name, signoff_line, statement, to_html, to_text};
use bianmin::report::table::{grid, render_table, Section};
use bianmin::report::{build_report, render_json, xlsx::write_xlsx, MonthReport};
use bianmin::server::db::postgres::PgCounty;
use bianmin::server::db::Location;
use bianmin::store::county_read::CountyRead;
use bianmin::store::facts::{default_month, today};

use crate::cli::{Global, ReportArgs, ReportFormat, SectionArg, StatementFormat};

pub fn run(global: &Global, args: &ReportArgs) -> anyhow::Result<()> {
    if let Some(path) = &global.db {
        if let Location::Postgres(url) = Location::of(path)? {
            // A county's database: no laptop token, so no `--as` to check.
            let county = PgCounty::open(&url)?;
            let policy = super::resolved_policy_from(global, county.stored_policy()?)?.policy;
            return report_from(&county, &policy, global.person.as_deref(), global, args);
        }
    }
    let store = super::open_store(global)?;
    // Who looks: --as (checked against a connected laptop's token), else
    // the laptop's own person. The config file's person is the
    // dashboard's choice and narrows nothing here.
    let viewer = store.viewer(global.person.as_deref(), None)??;
    let policy = super::policy_in_effect(global, Some(&store))?;
    report_from(&store, &policy, viewer.as_deref(), global, args)
}

/// The report of either county database.
fn report_from<D: CountyRead + ?Sized>(
    store: &D,
    policy: &Policy,
    viewer: Option<&str>,
    global: &Global,
    args: &ReportArgs,
) -> anyhow::Result<()> {
    let lang = super::lang(global);
    let as_of = args
        .as_of
        .as_deref()
        .map(parse_date)
        .transpose()
        .map_err(anyhow::Error::msg)
        .context("--as-of")?;
    let month = match (&args.month, as_of) {
        (Some(text), _) => text.parse::<Month>().map_err(anyhow::Error::msg).context("--month")?,
        (None, Some(day)) => Month::of(day),
        // A statement is signed for a finished month.
        (None, None) if args.statements => Month::of(today(store)?).prev(),
        (None, None) => default_month(store)?,
    };
    if let Some(day) = as_of {
        if !month.contains(day) {
            bail!("{}", trf(Text::ReportAsOfOutside, &[&day, &month]));
        }
    }
    let has_figures = store
        .latest_fact_day(&month.first_day().to_string(), &month.last_day().to_string())?
        .is_some();
    if !has_figures {
        return Err(no_data(store, month)?.into());
    }
    let report = build_report(store, policy, month, as_of, args.branch.as_deref())?;

    if args.statements {
        let Some(dir) = &args.output else {
            bail!("{}", tr(Text::StatementsNeedOutput));
        };
        return write_statements(store, &report, viewer, args.statement_format, dir, lang);
    }

    let text = match args.format {
        ReportFormat::Table => render_table(&report, lang),
        ReportFormat::Json => render_json(&report),
        ReportFormat::Csv => {
            let section = match args.table {
                SectionArg::Stations => Section::Stations,
                SectionArg::Branches => Section::Branches,
                SectionArg::People => Section::People,
            };
            grid(&report, section, lang).to_csv()
        }
        ReportFormat::Xlsx => {
            let Some(path) = &args.output else {
                bail!("{}", tr(Text::XlsxNeedsOutput));
            };
            write_xlsx(&report, lang, path)?;
            eprintln!("{}", trf(Text::ReportWritten, &[&path.display(), &report.result.month]));
            return Ok(());
        }
    };
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(super::io_failed(Text::CannotWrite, path)),
        None => super::write_stdout(text.as_bytes()),
    }
}

/// "No data for 2025-01", with the months the database does hold.
fn no_data<D: CountyRead + ?Sized>(store: &D, month: Month) -> anyhow::Result<super::NothingToShow> {
    let last = store
        .latest_fact_day("0000-01-01", "9999-12-31")?
        .and_then(|day| parse_date(&day).ok());
    let held = match (store.first_fact_day()?, last) {
        (Some(first), Some(last)) => trf(Text::NoDataHeld, &[&Month::of(first), &Month::of(last)]),
        _ => tr(Text::NoDataAtAll).to_string(),
    };
    Ok(super::NothingToShow(trf(Text::NoDataForMonth, &[&month, &held])))
}

/// The stations whose statements `viewer` takes to sign: a maintainer's
/// own, a manager's branches', everyone's for the county (or no one
/// named).
fn stations_of<'a, D: CountyRead + ?Sized>(
    store: &D,
    report: &'a MonthReport,
    viewer: Option<&str>,
) -> anyhow::Result<Vec<&'a StationResult>> {
    let all = &report.result.stations;
    let Some(person) = viewer.filter(|p| *p != "county") else {
        return Ok(all.iter().collect());
    };
    if !report.person_names.contains_key(person) {
        bail!("{}", trf(Text::PersonNotInDatabase, &[&person]));
    }
    let managed: Vec<String> = store
        .branches()?
        .into_iter()
        .filter(|b| b.manager_id == person)
        .map(|b| b.id)
        .collect();
    Ok(all
        .iter()
        .filter(|s| s.maintainer == person || managed.contains(&s.branch))
        .collect())
}

fn write_statements<D: CountyRead + ?Sized>(
    store: &D,
    report: &MonthReport,
    viewer: Option<&str>,
    format: StatementFormat,
    dir: &Path,
    lang: Lang,
) -> anyhow::Result<()> {
    let month = report.result.month;
    let stations = stations_of(store, report, viewer)?;
    if stations.is_empty() {
        let who = viewer.unwrap_or("-");
        return Err(super::NothingToShow(trf(Text::PersonNoStations, &[&who, &month])).into());
    }
    let signoffs: HashMap<String, _> = store
        .signoffs(month)?
        .into_iter()
        .map(|s| (s.station_id.clone(), s))
        .collect();
    let resolutions = store.resolutions(month)?;
    let today = today(store)?;
    std::fs::create_dir_all(dir).map_err(super::io_failed(Text::CannotCreate, dir))?;
    let mut written = std::collections::HashSet::new();
    let (mut overdue, mut disputed) = (0, 0);
    for s in &stations {
        let mut st = statement(report, s, lang);
        if !report.result.projected {
            let signoff = signoffs.get(&s.id);
            let resolution = signoff.and_then(|so| resolutions.get(&so.uuid));
            let line = signoff_line(report, signoff, resolution, month, today, lang);
            overdue += usize::from(line.overdue);
            disputed += usize::from(line.disputed);
            st.signoff = Some(line);
        }
        let (text, ext) = match format {
            StatementFormat::Text => (to_text(&st, lang), "txt"),
            StatementFormat::Html => (to_html(&st, lang), "html"),
        };
        let name = statement_file_name(&s.id, month, ext);
        // Two stations whose codes clean up to one name would overwrite
        // each other's statement (the stem carries a hash, so only a
        // deliberate collision can get here).
        if !written.insert(name.clone()) {
            bail!("{}", trf(Text::StatementsCollide, &[&dir.join(&name).display()]));
        }
        let path = dir.join(&name);
        std::fs::write(&path, text).map_err(super::io_failed(Text::CannotWrite, &path))?;
    }
    eprintln!(
        "{}",
        trf(Text::StatementsWritten, &[&dir.display(), &stations.len(), &month])
    );
    if overdue > 0 {
        eprintln!("{}", trf(Text::StatementsOverdue, &[&overdue]));
    }
    if disputed > 0 {
        eprintln!("{}", trf(Text::StatementsDisputed, &[&disputed]));
    }
    Ok(())
}
