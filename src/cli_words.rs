//! The command line's words in the user's language: the about and help
//! of every command and argument, the help's headings, the possible
//! values and defaults, and clap's own errors.
//!
//! clap's derive (`cli.rs`) defines the commands; its doc comments are
//! for developers. Before parsing, the language is known (`main` looks
//! for `--lang` first), the command is built, and every text a person
//! reads is replaced from the translation table, so that
//! `bianmin --lang zh import --help` is Chinese throughout. A test checks
//! that every visible command and argument has its text here.

use std::ffi::OsString;
use std::process::ExitCode;

use bianmin::i18n::{fill, Lang, Text};
use clap::builder::PossibleValue;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, Command, CommandFactory, FromArgMatches};

use crate::cli::Cli;

/// Commands (a path of subcommand names, `""` for bianmin itself) and
/// their about.
const ABOUT: &[(&str, Text)] = &[
    ("", Text::CliAbout),
    ("calc", Text::CliCalc),
    ("policy", Text::CliPolicy),
    ("import", Text::CliImport),
    ("demo", Text::CliDemo),
    ("report", Text::CliReport),
    ("serve", Text::CliServe),
    ("sync", Text::CliSync),
    ("user", Text::CliUser),
    ("user add", Text::CliUserAdd),
    ("user revoke", Text::CliUserRevoke),
    ("user list", Text::CliUserList),
    ("note", Text::CliNote),
    ("note add", Text::CliNoteAdd),
    ("note list", Text::CliNoteList),
    ("reconcile", Text::CliReconcile),
    ("export", Text::CliExport),
    ("payout", Text::CliPayout),
    ("payout status", Text::CliPayoutStatus),
    ("payout done", Text::CliPayoutDone),
    ("payout undo", Text::CliPayoutUndo),
    ("payout invoice", Text::CliPayoutInvoice),
    ("watchlist", Text::CliWatchlist),
    ("signoff", Text::CliSignoff),
    ("signoff station", Text::CliSignoffStation),
    ("signoff branch", Text::CliSignoffBranch),
    ("dispute", Text::CliDispute),
    ("dispute list", Text::CliDisputeList),
    ("dispute resolve", Text::CliDisputeResolve),
    ("plan", Text::CliPlan),
];

/// Arguments: the command's path, the argument's id, its help. `"*"`
/// is any command (the global options, clap's `--help`).
const HELP: &[(&str, &str, Text)] = &[
    ("*", "db", Text::CliArgDb),
    ("*", "lang", Text::CliArgLang),
    ("*", "policy", Text::CliArgPolicy),
    ("*", "person", Text::CliArgAs),
    ("*", "no_mouse", Text::CliArgNoMouse),
    ("*", "help", Text::CliArgHelp),
    ("", "version", Text::CliArgVersion),
    ("calc", "file", Text::CliArgCalcFile),
    ("policy", "toml", Text::CliArgPolicyToml),
    ("import", "kind", Text::CliArgImportKind),
    ("import", "file", Text::CliArgImportFile),
    ("demo", "seed", Text::CliArgDemoSeed),
    ("demo", "today", Text::CliArgDemoToday),
    ("demo", "force", Text::CliArgDemoForce),
    ("report", "month", Text::CliArgReportMonth),
    ("report", "as_of", Text::CliArgReportAsOf),
    ("report", "branch", Text::CliArgReportBranch),
    ("report", "format", Text::CliArgFormat),
    ("report", "table", Text::CliArgReportTable),
    ("report", "output", Text::CliArgReportOutput),
    ("report", "statements", Text::CliArgReportStatements),
    ("report", "statement_format", Text::CliArgReportStatementFormat),
    ("serve", "listen", Text::CliArgServeListen),
    ("serve", "max_body_bytes", Text::CliArgServeMaxBody),
    ("serve", "max_connections", Text::CliArgServeMaxConnections),
    ("serve", "header_timeout", Text::CliArgServeHeaderTimeout),
    ("serve", "kept_pages_mb", Text::CliArgServeKeptPagesMb),
    ("sync", "server", Text::CliArgSyncServer),
    ("sync", "token", Text::CliArgSyncToken),
    ("sync", "status", Text::CliArgSyncStatus),
    ("user add", "account_person", Text::CliArgUserPerson),
    ("user add", "role", Text::CliArgUserRole),
    ("user add", "name", Text::CliArgUserName),
    ("user revoke", "account_person", Text::CliArgRevokePerson),
    ("user revoke", "token", Text::CliArgRevokeToken),
    ("note add", "station", Text::CliArgNoteStation),
    ("note add", "kind", Text::CliArgNoteKind),
    ("note add", "text", Text::CliArgNoteText),
    ("note add", "follow_up", Text::CliArgNoteFollowUp),
    ("note add", "date", Text::CliArgNoteDate),
    ("note list", "station", Text::CliArgNoteListStation),
    ("note list", "format", Text::CliArgFormat),
    ("reconcile", "file", Text::CliArgReconcileFile),
    ("reconcile", "month", Text::CliArgRewardMonth),
    ("reconcile", "format", Text::CliArgReconcileFormat),
    ("export", "what", Text::CliArgExportWhat),
    ("export", "month", Text::CliArgExportMonth),
    ("export", "format", Text::CliArgFormat),
    ("export", "encoding", Text::CliArgExportEncoding),
    ("export", "output", Text::CliArgReportOutput),
    ("payout status", "month", Text::CliArgPayoutStatusMonth),
    ("payout status", "date", Text::CliArgPayoutDate),
    ("payout status", "format", Text::CliArgFormat),
    ("payout done", "step", Text::CliArgPayoutStep),
    ("payout done", "month", Text::CliArgRewardMonth),
    ("payout done", "note", Text::CliArgPayoutNote),
    ("payout done", "force", Text::CliArgPayoutForce),
    ("payout done", "date", Text::CliArgPayoutDoneDate),
    ("payout undo", "step", Text::CliArgPayoutStep),
    ("payout undo", "month", Text::CliArgRewardMonth),
    ("payout invoice", "station", Text::CliArgInvoiceStation),
    ("payout invoice", "month", Text::CliArgRewardMonth),
    ("payout invoice", "missing", Text::CliArgInvoiceMissing),
    ("payout invoice", "number", Text::CliArgInvoiceNumber),
    ("watchlist", "month", Text::CliArgWatchlistMonth),
    ("watchlist", "format", Text::CliArgFormat),
    ("signoff station", "station", Text::CliArgSignoffStation),
    ("signoff station", "month", Text::CliArgSignoffMonth),
    ("signoff station", "dispute", Text::CliArgSignoffDispute),
    ("signoff branch", "branch", Text::CliArgSignoffBranch),
    ("signoff branch", "month", Text::CliArgSignoffMonth),
    ("signoff branch", "dispute", Text::CliArgSignoffSheetDispute),
    ("signoff branch", "role", Text::CliArgSignoffRole),
    ("dispute list", "month", Text::CliArgSignoffMonth),
    ("dispute list", "format", Text::CliArgFormat),
    ("dispute resolve", "uuid", Text::CliArgDisputeUuid),
    ("dispute resolve", "accept", Text::CliArgDisputeAccept),
    ("dispute resolve", "reject", Text::CliArgDisputeReject),
    ("dispute resolve", "amount", Text::CliArgDisputeAmount),
    ("dispute resolve", "reason", Text::CliArgDisputeReason),
    ("plan", "date", Text::CliArgPlanDate),
    ("plan", "format", Text::CliArgPlanFormat),
];

/// Possible values that need words: an argument's id, the value, its help.
const VALUES: &[(&str, &str, Text)] = &[
    ("kind", "stations", Text::CliValueStations),
    ("kind", "plans", Text::CliValuePlans),
    ("kind", "payments", Text::CliValuePayments),
    ("kind", "cards", Text::CliValueCards),
    ("kind", "referrals", Text::CliValueReferrals),
    ("kind", "people", Text::CliValuePeople),
    ("kind", "invoices", Text::CliValueInvoices),
    ("kind", "station-plans", Text::CliValueStationPlans),
    ("kind", "distribution", Text::CliValueDistribution),
    ("what", "payments", Text::CliValueExportPayments),
    ("what", "payroll", Text::CliValueExportPayroll),
    ("what", "sms", Text::CliValueExportSms),
];

/// The help of clap's own `help` subcommand and its argument.
const HELP_COMMAND: &str = "help";

fn about_of(path: &str) -> Option<Text> {
    ABOUT.iter().find(|(p, _)| *p == path).map(|(_, t)| *t)
}

fn help_of(path: &str, id: &str) -> Option<Text> {
    HELP.iter()
        .find(|(p, i, _)| *p == path && *i == id)
        .or_else(|| HELP.iter().find(|(p, i, _)| *p == "*" && *i == id))
        .map(|(_, _, t)| *t)
}

fn value_help(id: &str, value: &str) -> Option<Text> {
    VALUES
        .iter()
        .find(|(i, v, _)| *i == id && *v == value)
        .map(|(_, _, t)| *t)
}

/// The help of one argument in `lang`, with its possible values, default
/// and environment variable said in the same language (clap would say
/// them in English).
fn localized_arg(arg: Arg, path: &str, lang: Lang) -> Arg {
    let id = arg.get_id().as_str().to_string();
    let Some(text) = help_of(path, &id) else {
        return arg;
    };
    let mut help = text.get(lang).to_string();
    let mut long = help.clone();
    if !arg.is_hide_possible_values_set() && arg.get_action().takes_values() {
        let values: Vec<PossibleValue> = arg
            .get_possible_values()
            .into_iter()
            .filter(|v| !v.is_hide_set())
            .collect();
        if !values.is_empty() {
            let names: Vec<&str> = values.iter().map(PossibleValue::get_name).collect();
            help.push_str(&fill(Text::CliPossibleValues.get(lang), &[&names.join(", ")]));
            let described: Vec<String> = values
                .iter()
                .filter_map(|v| value_help(&id, v.get_name()).map(|t| format!("\n  {}: {}", v.get_name(), t.get(lang))))
                .collect();
            if described.is_empty() {
                long = help.clone();
            } else {
                long.push_str(&described.concat());
            }
        }
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !arg.is_hide_default_value_set() && !defaults.is_empty() && arg.get_action().takes_values() {
        let said = fill(Text::CliDefault.get(lang), &[&defaults.join(", ")]);
        help.push_str(&said);
        long.push_str(&said);
    }
    if let Some(env) = arg.get_env() {
        if !arg.is_hide_env_set() {
            let said = fill(Text::CliEnv.get(lang), &[&env.to_string_lossy()]);
            help.push_str(&said);
            long.push_str(&said);
        }
    }
    let (heading, arg) = if arg.is_positional() {
        // Under a heading of its own clap sorts by display order: keep
        // the positions' order.
        let index = arg.get_index().unwrap_or(0);
        (Text::CliHeadingArguments, arg.display_order(index))
    } else {
        (Text::CliHeadingOptions, arg)
    };
    let arg = arg
        .help(help.clone())
        .hide_possible_values(true)
        .hide_default_value(true)
        .hide_env(true)
        .help_heading(heading.get(lang));
    // clap's own `--help` has a long help of its own ("see a summary
    // with '-h'"), replaced too.
    if long != help || id == "help" {
        arg.long_help(long)
    } else {
        arg
    }
}

/// Every text of `cmd` (a built command at `path`) and of its
/// subcommands, in `lang`.
fn localize(mut cmd: Command, path: &str, lang: Lang) -> Command {
    if cmd.get_name() == HELP_COMMAND {
        return cmd.about(Text::CliHelpCommand.get(lang)).mut_args(|a| {
            a.help(Text::CliHelpCommandArg.get(lang))
                .help_heading(Text::CliHeadingArguments.get(lang))
        });
    }
    if let Some(about) = about_of(path) {
        cmd = cmd.about(about.get(lang));
    }
    if path.is_empty() {
        cmd = cmd.long_about(Text::CliLongAbout.get(lang));
    }
    // In place: `mut_arg` would move each argument to the end.
    cmd = cmd.mut_args(|a| localized_arg(a, path, lang));
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |sub| localize(sub, &sub_path, lang));
    }
    cmd = cmd.subcommand_help_heading(Text::CliHeadingCommands.get(lang));
    if lang == Lang::Zh {
        cmd = cmd.help_template(Text::CliHelpTemplate.get(lang));
    }
    cmd
}

/// The command line, built and in `lang`.
pub fn command(lang: Lang) -> Command {
    let mut cmd = Cli::command();
    cmd.build();
    localize(cmd, "", lang)
}

/// Parses the command line in the language of the process; `--help`,
/// `--version` and bad input are answered here and become the exit code.
pub fn parse(args: Vec<OsString>) -> Result<Cli, ExitCode> {
    let lang = bianmin::i18n::current();
    let mut cmd = command(lang);
    let path = command_path(&cmd, &args);
    let matches = match cmd.try_get_matches_from_mut(args) {
        Ok(matches) => matches,
        Err(err) => return Err(answer(err, &mut cmd, &path, lang)),
    };
    Cli::from_arg_matches(&matches).map_err(|err| answer(err, &mut cmd, &path, lang))
}

/// The subcommands named on the command line, in order (for the usage
/// an error shows).
fn command_path(cmd: &Command, args: &[OsString]) -> Vec<String> {
    let mut path = Vec::new();
    let mut at = cmd;
    for word in args.iter().skip(1).filter_map(|a| a.to_str()) {
        if let Some(sub) = at.find_subcommand(word) {
            path.push(word.to_string());
            at = sub;
        }
    }
    path
}

/// Prints clap's answer (help, version or an error) and gives the exit
/// code: an error in Chinese says itself in Chinese.
fn answer(err: clap::Error, cmd: &mut Command, path: &[String], lang: Lang) -> ExitCode {
    let kind = err.kind();
    let words = match (lang, kind) {
        (Lang::Zh, ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => None,
        (Lang::Zh, ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand) => None,
        (Lang::Zh, _) => error_words(&err, lang),
        (Lang::En, _) => None,
    };
    match words {
        Some(message) => {
            // The usage of the command the error is about (clap keeps it
            // in the error), else bianmin's.
            let usage = match err.get(ContextKind::Usage) {
                Some(ContextValue::StyledStr(usage)) => usage.to_string(),
                _ => usage_at(cmd, path),
            };
            let usage = usage.trim().trim_start_matches("Usage:").trim();
            eprintln!("{}", fill(Text::CliErrorLayout.get(lang), &[&message, &usage]));
            ExitCode::from(2)
        }
        None => {
            let _ = err.print();
            ExitCode::from(err.exit_code().clamp(0, 255) as u8)
        }
    }
}

/// The usage of the subcommand at `path`.
fn usage_at(cmd: &mut Command, path: &[String]) -> String {
    if let Some((name, rest)) = path.split_first() {
        if let Some(sub) = cmd.find_subcommand_mut(name) {
            return usage_at(sub, rest);
        }
    }
    cmd.render_usage().to_string()
}

fn context_text(err: &clap::Error, kind: ContextKind) -> Option<String> {
    match err.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(list) => Some(list.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(list) => Some(list.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ")),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// clap's error in the process's words; `None` keeps clap's own.
fn error_words(err: &clap::Error, lang: Lang) -> Option<String> {
    let tr = |text: Text| text.get(lang);
    let arg = context_text(err, ContextKind::InvalidArg).unwrap_or_default();
    let value = context_text(err, ContextKind::InvalidValue).unwrap_or_default();
    let mut message = match err.kind() {
        ErrorKind::InvalidValue if value.is_empty() => fill(tr(Text::CliErrorNoValue), &[&arg]),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => fill(tr(Text::CliErrorBadValue), &[&value, &arg]),
        ErrorKind::UnknownArgument => fill(tr(Text::CliErrorUnknownArgument), &[&arg]),
        ErrorKind::InvalidSubcommand => fill(
            tr(Text::CliErrorUnknownCommand),
            &[&context_text(err, ContextKind::InvalidSubcommand).unwrap_or_default()],
        ),
        ErrorKind::MissingRequiredArgument => fill(tr(Text::CliErrorMissing), &[&arg]),
        ErrorKind::MissingSubcommand => fill(
            tr(Text::CliErrorMissingCommand),
            &[&context_text(err, ContextKind::ValidSubcommand).unwrap_or_default()],
        ),
        ErrorKind::ArgumentConflict => match context_text(err, ContextKind::PriorArg) {
            Some(prior) if prior != arg => fill(tr(Text::CliErrorConflict), &[&arg, &prior]),
            _ => fill(tr(Text::CliErrorTwice), &[&arg]),
        },
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            fill(tr(Text::CliErrorValueCount), &[&arg])
        }
        ErrorKind::InvalidUtf8 => tr(Text::CliErrorNotUtf8).to_string(),
        _ => return None,
    };
    if let Some(valid) = context_text(err, ContextKind::ValidValue) {
        message.push_str(&fill(tr(Text::CliPossibleValues), &[&valid]));
    }
    if matches!(err.kind(), ErrorKind::ValueValidation) {
        if let Some(source) = std::error::Error::source(err) {
            message.push_str(&fill(tr(Text::CliErrorBecause), &[&source]));
        }
    }
    let suggested = context_text(err, ContextKind::SuggestedArg)
        .or_else(|| context_text(err, ContextKind::SuggestedSubcommand))
        .or_else(|| context_text(err, ContextKind::SuggestedValue));
    if let Some(suggested) = suggested {
        message.push_str(&fill(tr(Text::CliErrorSuggest), &[&suggested]));
    }
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every visible command and argument, by path and id.
    fn walk(cmd: &Command, path: &str, out: &mut Vec<(String, Option<String>)>) {
        if cmd.get_name() == HELP_COMMAND || cmd.is_hide_set() {
            return;
        }
        out.push((path.to_string(), None));
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            out.push((path.to_string(), Some(arg.get_id().as_str().to_string())));
        }
        for sub in cmd.get_subcommands() {
            let sub_path = if path.is_empty() {
                sub.get_name().to_string()
            } else {
                format!("{path} {}", sub.get_name())
            };
            walk(sub, &sub_path, out);
        }
    }

    #[test]
    fn every_command_and_argument_has_words_in_the_table() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut all = Vec::new();
        walk(&cmd, "", &mut all);
        let missing: Vec<String> = all
            .iter()
            .filter(|(path, id)| match id {
                None => about_of(path).is_none(),
                Some(id) => help_of(path, id).is_none(),
            })
            .map(|(path, id)| format!("{path:?} {}", id.as_deref().unwrap_or("(about)")))
            .collect();
        assert!(
            missing.is_empty(),
            "add these to ABOUT/HELP in src/cli_words.rs: {missing:?}"
        );
        // Each value a command takes that carries a doc comment has words too.
        let mut unworded = Vec::new();
        for (path, id) in &all {
            let Some(id) = id else { continue };
            let mut c = &cmd;
            for name in path.split_whitespace() {
                c = c.find_subcommand(name).expect("walked");
            }
            let arg = c.get_arguments().find(|a| a.get_id() == id.as_str()).expect("walked");
            for v in arg.get_possible_values() {
                if v.get_help().is_some() && value_help(id, v.get_name()).is_none() {
                    unworded.push(format!("{path} {id}={}", v.get_name()));
                }
            }
        }
        assert!(unworded.is_empty(), "add these to VALUES: {unworded:?}");
    }

    #[test]
    fn help_names_no_rule_by_its_number() {
        let texts = ABOUT
            .iter()
            .map(|(_, t)| *t)
            .chain(HELP.iter().map(|(_, _, t)| *t))
            .chain(VALUES.iter().map(|(_, _, t)| *t));
        for text in texts {
            for lang in [Lang::Zh, Lang::En] {
                let words = text.get(lang);
                let coded = words
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| w.len() >= 2 && w.starts_with('R') && w[1..].chars().all(|c| c.is_ascii_digit()));
                assert!(!coded, "{text:?}: {words}");
            }
        }
    }

    fn help_text(lang: Lang, path: &[&str]) -> String {
        let mut cmd = command(lang);
        let mut c = &mut cmd;
        for name in path {
            c = c.find_subcommand_mut(name).expect("a command");
        }
        c.render_long_help().to_string()
    }

    #[test]
    fn help_is_in_the_language_asked_for() {
        let zh = help_text(Lang::Zh, &["import"]);
        for word in ["导入", "用法", "选项", "参数", "显示帮助", "可选值", "数据库文件"] {
            assert!(zh.contains(word), "{word} not in:\n{zh}");
        }
        for english in ["Usage:", "Options:", "Print help", "possible values", "[default"] {
            assert!(!zh.contains(english), "{english} in:\n{zh}");
        }
        let en = help_text(Lang::En, &["import"]);
        assert!(
            en.contains("Import") && en.contains("Options:") && !en.contains("导入数据"),
            "{en}"
        );
        let report = help_text(Lang::Zh, &["report"]);
        assert!(report.contains("默认：table"), "{report}");
        let root = help_text(Lang::Zh, &[]);
        assert!(root.contains("命令") && root.contains("同步"), "{root}");
    }

    #[test]
    fn clap_errors_are_said_in_chinese() {
        let mut cmd = command(Lang::Zh);
        let err = cmd
            .try_get_matches_from_mut(["bianmin", "report", "--format", "pdf"])
            .unwrap_err();
        let words = error_words(&err, Lang::Zh).expect("worded");
        assert!(
            words.contains("pdf") && words.contains("--format") && words.contains("可选值"),
            "{words}"
        );
        let err = cmd
            .try_get_matches_from_mut(["bianmin", "report", "--mont", "2026-10"])
            .unwrap_err();
        let words = error_words(&err, Lang::Zh).expect("worded");
        assert!(words.contains("--mont") && words.contains("--month"), "{words}");
    }
}
