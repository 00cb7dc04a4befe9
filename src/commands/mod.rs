//! The commands' bodies: each turns arguments into library calls and
//! prints the outcome. Errors go up as `anyhow` with context.

pub mod calc;
pub mod demo;
pub mod export;
pub mod import;
pub mod note;
pub mod overview;
pub mod payout;
pub mod reconcile;
pub mod report;
pub mod serve;
pub mod sync;
pub mod user;

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use bianmin::i18n::Lang;
use bianmin::policy::Policy;
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

pub fn policy(global: &Global) -> anyhow::Result<Policy> {
    Ok(match &global.policy {
        Some(path) => Policy::load(path)?,
        None => Policy::dezhou_2012(),
    })
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
