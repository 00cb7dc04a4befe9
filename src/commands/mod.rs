//! The commands' bodies: each turns arguments into library calls and
//! prints the outcome. Errors go up as `anyhow` with context.

pub mod calc;
pub mod demo;
pub mod dispute;
pub mod export;
pub mod import;
pub mod note;
pub mod overview;
pub mod payout;
pub mod plan;
pub mod policy;
pub mod reconcile;
pub mod report;
pub mod serve;
pub mod signoff;
pub mod sync;
pub mod user;
pub mod watchlist;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use bianmin::config::{default_config_path, Config};
use bianmin::errors::io_text;
use bianmin::i18n::{trf, Lang, Text};
use bianmin::policy::{resolve_policy, Policy, PolicyChoice, ResolvedPolicy};
use bianmin::store::{default_db_path, default_demo_path, Store};

use crate::cli::{Global, LangArg};

/// Writes all output at once; a closed pipe (`| head`) is not an error.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| anyhow::anyhow!(trf(Text::CannotWriteStdout, &[&io_text(&e)]))),
    }
}

/// A command that found nothing to show (a month without figures, a
/// person without stations): said on stderr, exit status 1, where bad
/// input is 2.
#[derive(Debug)]
pub struct NothingToShow(pub String);

impl std::fmt::Display for NothingToShow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NothingToShow {}

/// An I/O failure on `path` in words: what was tried (a template with
/// the path as `{0}` and the OS error as `{1}`), the OS error said once.
pub fn io_failed(what: Text, path: &Path) -> impl FnOnce(std::io::Error) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!(trf(what, &[&path.display(), &io_text(&e)]))
}

/// The policy in effect (RULES.md R12): `--policy FILE`, else `policy`
/// in the config file, else the policy text stored in `store` (sent by the
/// county server), else the built-in Dezhou policy.
pub fn resolved_policy(global: &Global, store: Option<&Store>) -> anyhow::Result<ResolvedPolicy> {
    let stored = store.map(Store::stored_policy).transpose()?.flatten();
    resolved_policy_from(global, stored)
}

/// `resolved_policy`, with the policy text a database holds (either kind).
pub fn resolved_policy_from(global: &Global, stored: Option<(String, String)>) -> anyhow::Result<ResolvedPolicy> {
    let config_path = default_config_path();
    let config = Config::load(&config_path)?;
    let config_policy = config.policy_path(&config_path);
    Ok(resolve_policy(&PolicyChoice {
        flag: global.policy.as_deref(),
        config: config_policy.as_deref(),
        stored: stored.as_ref().map(|(text, origin)| (text.as_str(), origin.as_str())),
    })?)
}

/// The policy in effect, without where it came from.
pub fn policy_in_effect(global: &Global, store: Option<&Store>) -> anyhow::Result<Policy> {
    Ok(resolved_policy(global, store)?.policy)
}

/// The database a command writes into: `--db` (or BIANMIN_DB), else the
/// real one in the platform data folder. Never the demo.
pub fn db_path(global: &Global) -> PathBuf {
    global.db.clone().unwrap_or_else(default_db_path)
}

/// The database a command reads: `--db`, else the real one, else the demo
/// county the dashboard made on its first run (said on stderr).
pub fn db_to_read(global: &Global) -> anyhow::Result<PathBuf> {
    if let Some(path) = &global.db {
        return Ok(path.clone());
    }
    let real = default_db_path();
    let demo = default_demo_path();
    if !real.exists() && demo.exists() {
        eprintln!("{}", trf(Text::ShowingDemo, &[&demo.display()]));
        return Ok(demo);
    }
    Ok(real)
}

/// Refuses a `postgres://` address where only a SQLite file will do
/// (instead of making a file named like the address).
fn sqlite_only(path: &Path) -> anyhow::Result<()> {
    if let Some(text) = path.to_str() {
        if bianmin::server::db::postgres::is_postgres_url(text) {
            bail!(
                "{}",
                trf(Text::NotOnPostgres, &[&bianmin::server::db::postgres::redact(text)])
            );
        }
    }
    Ok(())
}

/// Opens a database that must exist already: reading never creates one.
pub fn open_existing(path: &Path) -> anyhow::Result<Store> {
    sqlite_only(path)?;
    if !path.exists() {
        bail!("{}", trf(Text::NoDatabase, &[&path.display()]));
    }
    Ok(Store::open(path)?)
}

/// Opens a database to write into, making it if it is new. The platform
/// data folder is made when missing; a folder named with `--db` must exist
/// (a typo must not leave folders and empty databases behind).
pub fn open_or_create(global: &Global, path: &Path) -> anyhow::Result<Store> {
    sqlite_only(path)?;
    if global.db.is_some() {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                bail!("{}", trf(Text::NoFolder, &[&dir.display()]));
            }
        }
    }
    Ok(Store::open(path)?)
}

/// The store a reading command works on.
pub fn open_store(global: &Global) -> anyhow::Result<Store> {
    open_existing(&db_to_read(global)?)
}

/// Who looks at the figures (`Store::viewer`): on a connected laptop its
/// token's person, `--as` checked against the token's scope.
pub fn viewer(global: &Global, store: &Store, config: &Config) -> anyhow::Result<Option<String>> {
    Ok(store.viewer(global.person.as_deref(), config.person.as_deref())??)
}

/// Who writes a note or a sign-off (`Store::author`).
pub fn author(global: &Global, store: &Store, config: &Config, config_path: &Path) -> anyhow::Result<String> {
    store
        .author(global.person.as_deref(), config.person.as_deref())??
        .with_context(|| trf(Text::WhoWrote, &[&config_path.display()]))
}

/// The language: `--lang`, else `lang` in the config file, else the
/// locale (the same choice `lang_before_parsing` made for the help).
pub fn lang(global: &Global) -> Lang {
    match global.lang {
        Some(LangArg::Zh) => Lang::Zh,
        Some(LangArg::En) => Lang::En,
        None => configured_lang().unwrap_or_else(Lang::from_env),
    }
}

/// `lang` in the config file; a config file that cannot be read says so
/// later, where it is needed.
fn configured_lang() -> Option<Lang> {
    Config::load(&default_config_path())
        .ok()?
        .lang
        .as_deref()
        .and_then(Lang::parse)
}

/// The language, decided before the command line is parsed so that
/// `--help` and clap's own errors are in it: `--lang X` or `--lang=X`
/// wherever it stands before `--`, else the config file, else the locale.
pub fn lang_before_parsing(args: &[std::ffi::OsString]) -> Lang {
    let mut words = args.iter().skip(1).map(|a| a.to_str().unwrap_or(""));
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        let value = match word.strip_prefix("--lang") {
            Some("") => words.next(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(lang) = value.and_then(Lang::parse) {
            return lang;
        }
    }
    configured_lang().unwrap_or_else(Lang::from_env)
}
