//! `bianmin plan [--date D] [--as P] [--format text|csv]`: today's visit
//! plan for a maintainer, or for a branch manager across the branch's
//! maintainers with the stations that close the shortfall. Exit 0 with the
//! plan; 1 when the day lies outside the figures (nothing to plan from);
//! 2 on bad input (an unknown person, a malformed date).

use std::process::ExitCode;

use anyhow::Context;
use bianmin::config::{default_config_path, Config};
use bianmin::i18n::{trf, Text};
use bianmin::month::parse_date;
use bianmin::plan::render::{render_csv, render_text};
use bianmin::plan::{today_plan, PlanSettings};

use crate::cli::{Global, PlanArgs, PlanFormat};

/// Exit status when the day has no figures to plan from.
const EXIT_NO_FIGURES: u8 = 1;

pub fn run(global: &Global, args: &PlanArgs) -> anyhow::Result<ExitCode> {
    let lang = super::lang(global);
    // The date is checked before anything is opened: bad input changes
    // nothing and says so first.
    let date = args
        .date
        .as_deref()
        .map(parse_date)
        .transpose()
        .map_err(anyhow::Error::msg)
        .context("--date")?;
    let store = super::open_store(global)?;
    let config_path = default_config_path();
    let config = Config::load(&config_path)?;
    // --as may not reach past a connected laptop's token; without it, the
    // laptop's own person or the config file's.
    let person =
        super::viewer(global, &store, &config)?.with_context(|| trf(Text::PlanWho, &[&config_path.display()]))?;
    let policy = super::policy_in_effect(global, Some(&store))?;
    // Today as the database lives it: China time, or the demo's own day.
    let today = match date {
        Some(day) => day,
        None => store.today()?,
    };
    let plan = match today_plan(&store, &policy, &person, today, &PlanSettings::default()) {
        Ok(plan) => plan,
        Err(e) if e.is_outside_the_figures() => {
            eprintln!("bianmin: {e}");
            return Ok(ExitCode::from(EXIT_NO_FIGURES));
        }
        Err(e) => return Err(e.into()),
    };
    let text = match args.format {
        PlanFormat::Text => render_text(&plan, lang),
        PlanFormat::Csv => render_csv(&plan, lang),
    };
    super::write_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
