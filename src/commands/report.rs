//! `bianmin report`

use anyhow::{bail, Context};
use bianmin::month::{parse_date, Month};
use bianmin::policy::Policy;
use bianmin::report::statement::{file_name as statement_file_name, statement, to_html, to_text};
use bianmin::report::table::{grid, render_table, Section};
use bianmin::report::{build_report, render_json, xlsx::write_xlsx};
use bianmin::server::db::postgres::PgCounty;
use bianmin::server::db::Location;
use bianmin::store::county_read::CountyRead;
use bianmin::store::facts::default_month;

use crate::cli::{Global, ReportArgs, ReportFormat, SectionArg, StatementFormat};

pub fn run(global: &Global, args: &ReportArgs) -> anyhow::Result<()> {
    if let Some(path) = &global.db {
        if let Location::Postgres(url) = Location::of(path)? {
            // A county's database: no laptop token, so no `--as` to check.
            let county = PgCounty::open(&url)?;
            let policy = super::resolved_policy_from(global, county.stored_policy()?)?.policy;
            return report_from(&county, &policy, global, args);
        }
    }
    let store = super::open_store(global)?;
    if global.person.is_some() {
        // --as may not reach past a connected laptop's token.
        let config = bianmin::config::Config::load(&bianmin::config::default_config_path())?;
        super::viewer(global, &store, &config)?;
    }
    let policy = super::policy_in_effect(global, Some(&store))?;
    report_from(&store, &policy, global, args)
}

/// The report of either county database.
fn report_from<D: CountyRead + ?Sized>(
    store: &D,
    policy: &Policy,
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
        (None, None) => default_month(store)?,
    };
    if let Some(day) = as_of {
        if !month.contains(day) {
            bail!("--as-of {day} is outside the month {month}");
        }
    }
    let report = build_report(store, policy, month, as_of, args.branch.as_deref())?;

    if args.statements {
        let Some(dir) = &args.output else {
            bail!("--statements writes one file per station: name the folder with --output DIR");
        };
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut written = std::collections::HashSet::new();
        for s in &report.result.stations {
            let st = statement(&report, s, lang);
            let (text, ext) = match args.statement_format {
                StatementFormat::Text => (to_text(&st, lang), "txt"),
                StatementFormat::Html => (to_html(&st, lang), "html"),
            };
            let name = statement_file_name(&s.id, report.result.month, ext);
            // Two stations whose codes clean up to one name would overwrite
            // each other's statement (the stem carries a hash, so only a
            // deliberate collision can get here).
            if !written.insert(name.clone()) {
                bail!("two stations' statements would both be {}", dir.join(&name).display());
            }
            let path = dir.join(&name);
            std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        }
        eprintln!(
            "{}: {} statements for {}",
            dir.display(),
            report.result.stations.len(),
            report.result.month
        );
        return Ok(());
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
                bail!("--format xlsx writes a workbook: name the file with --output FILE.xlsx");
            };
            write_xlsx(&report, lang, path)?;
            eprintln!("{}: report for {}", path.display(), report.result.month);
            return Ok(());
        }
    };
    match &args.output {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display())),
        None => super::write_stdout(text.as_bytes()),
    }
}
