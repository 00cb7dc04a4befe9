use std::process::ExitCode;

mod cli;
mod cli_words;
mod commands;

use cli::Command;

/// Exit status for input that cannot be used (CALC.md): nothing changed.
const EXIT_BAD_INPUT: u8 = 2;

/// Exit status when there is nothing to show (a month without figures).
const EXIT_NOTHING: u8 = 1;

fn main() -> ExitCode {
    // The language first, so that the help and clap's errors are in it.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    bianmin::i18n::set_current(commands::lang_before_parsing(&args));
    let cli = match cli_words::parse(args) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    bianmin::i18n::set_current(commands::lang(&cli.global));
    let result = match cli.command {
        None => commands::overview::run(&cli.global),
        Some(Command::Calc { file }) => commands::calc::run(&cli.global, &file),
        Some(Command::Policy { toml }) => commands::policy::run(&cli.global, toml),
        Some(Command::Import { kind, file }) => commands::import::run(&cli.global, kind, &file),
        Some(Command::Demo { seed, today, force }) => commands::demo::run(&cli.global, seed, today.as_deref(), force),
        Some(Command::Report(args)) => commands::report::run(&cli.global, &args),
        Some(Command::Serve {
            listen,
            max_body_bytes,
            max_connections,
            header_timeout,
            write_wait_ms,
            kept_pages_mb,
        }) => commands::serve::run(
            &cli.global,
            &commands::serve::ServeArgs {
                listen,
                max_body_bytes,
                max_connections,
                header_timeout,
                write_wait_ms,
                kept_pages_mb,
            },
        ),
        Some(Command::Sync(args)) => commands::sync::run(&cli.global, &args),
        Some(Command::User { action }) => commands::user::run(&cli.global, action),
        Some(Command::Note { action }) => commands::note::run(&cli.global, action),
        // Exit 1 when the allocation differs from our figures.
        Some(Command::Reconcile(args)) => match commands::reconcile::run(&cli.global, &args) {
            Ok(code) => return code,
            Err(err) => Err(err),
        },
        Some(Command::Export(args)) => commands::export::run(&cli.global, &args),
        Some(Command::Payout { action }) => commands::payout::run(&cli.global, action),
        Some(Command::Watchlist(args)) => commands::watchlist::run(&cli.global, &args),
        Some(Command::Signoff { action }) => commands::signoff::run(&cli.global, action),
        Some(Command::Dispute { action }) => commands::dispute::run(&cli.global, action),
        // Exit 1 when the day lies outside the figures.
        Some(Command::Plan(args)) => match commands::plan::run(&cli.global, &args) {
            Ok(code) => return code,
            Err(err) => Err(err),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // The chain of causes on one line, each said once (import
            // errors list rows below it).
            eprintln!("bianmin: {}", bianmin::errors::chain_text(&*err));
            if err.downcast_ref::<commands::NothingToShow>().is_some() {
                ExitCode::from(EXIT_NOTHING)
            } else {
                ExitCode::from(EXIT_BAD_INPUT)
            }
        }
    }
}
