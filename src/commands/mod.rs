//! The commands' bodies: each turns arguments into library calls and
//! prints the outcome. Errors go up as `anyhow` with context.

pub mod calc;
pub mod demo;
pub mod import;
pub mod note;
pub mod overview;
pub mod policy;
pub mod report;
pub mod serve;
pub mod sync;
pub mod user;
pub mod watchlist;

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use bianmin::config::{default_config_path, Config};
use bianmin::i18n::Lang;
use bianmin::policy::{resolve_policy, Policy, PolicyChoice, ResolvedPolicy};
use bianmin::store::{default_db_path, Store};

use crate::cli::{Global, LangArg};

/// Writes all output at once; a closed pipe (`| head`) is not an error.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

/// The policy in effect (RULES.md R12): `--policy FILE`, else `policy`
/// in the config file, else the policy text stored in `store` (sent by the
/// county server), else the built-in Dezhou policy.
pub fn resolved_policy(global: &Global, store: Option<&Store>) -> anyhow::Result<ResolvedPolicy> {
    let config_path = default_config_path();
    let config = Config::load(&config_path)?;
    let config_policy = config.policy_path(&config_path);
    let stored = store.map(Store::stored_policy).transpose()?.flatten();
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

pub fn db_path(global: &Global) -> PathBuf {
    global.db.clone().unwrap_or_else(default_db_path)
}

pub fn open_store(global: &Global) -> anyhow::Result<Store> {
    Ok(Store::open(&db_path(global))?)
}

pub fn lang(global: &Global) -> Lang {
    match global.lang {
        Some(LangArg::Zh) => Lang::Zh,
        Some(LangArg::En) => Lang::En,
        None => Lang::from_env(),
    }
}
