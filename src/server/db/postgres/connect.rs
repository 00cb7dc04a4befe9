//! Where the PostgreSQL database is: `--db postgres://user@host:port/name`.
//! The password should not be in the address (every local user sees a
//! command line, and a shell keeps its history): without one, it is taken
//! from `PGPASSWORD` or the `.pgpass` file (`PGPASSFILE`, else
//! `~/.pgpass`), as psql does. The address is only ever shown without its
//! password (`DbUrl::shown`).

use std::path::{Path, PathBuf};

use crate::i18n::{trf, Text};

/// Whether `--db` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

#[derive(Debug, thiserror::Error)]
pub enum UrlError {
    #[error("{}", trf(Text::PgUrlBad, &[shown, message]))]
    Bad { shown: String, message: String },
    #[error("{}", trf(Text::PgUrlNoDatabase, &[.0]))]
    NoDatabase(String),
}

/// A parsed `postgres://` address.
#[derive(Clone)]
pub struct DbUrl {
    pub config: postgres::Config,
    shown: String,
}

impl std::fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl DbUrl {
    pub fn parse(url: &str) -> Result<DbUrl, UrlError> {
        let shown = redact(url);
        let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| UrlError::Bad {
            shown: shown.clone(),
            message: e.to_string(),
        })?;
        if config.get_dbname().is_none() {
            return Err(UrlError::NoDatabase(shown));
        }
        if config.get_password().is_none() {
            if let Some(password) = password_from_env(&config) {
                config.password(password);
            }
        }
        if config.get_application_name().is_none() {
            config.application_name("bianmin");
        }
        config.connect_timeout(std::time::Duration::from_secs(10));
        Ok(DbUrl { config, shown })
    }

    /// The address without its password, for messages and logs.
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

/// The address with any password replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let mut out = format!("{scheme}://");
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split_once(':').map_or(user_info, |(u, _)| u);
            out.push_str(user);
            if user_info.contains(':') {
                out.push_str(":***");
            }
            out.push('@');
            out.push_str(host);
        }
        None => out.push_str(authority),
    }
    // A password may also come as ?password=…
    let tail: Vec<String> = tail
        .split('&')
        .map(|part| match part.split_once("password=") {
            Some((before, _)) if before.is_empty() || before.ends_with('?') => format!("{before}password=***"),
            _ => part.to_string(),
        })
        .collect();
    out.push_str(&tail.join("&"));
    out
}

fn password_from_env(config: &postgres::Config) -> Option<Vec<u8>> {
    if let Some(p) = std::env::var_os("PGPASSWORD") {
        return Some(p.to_string_lossy().into_owned().into_bytes());
    }
    let file = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().join(".pgpass")))?;
    let text = std::fs::read_to_string(&file).ok()?;
    pgpass_lookup(&text, config, &file)
}

/// The first `.pgpass` line matching host, port, database and user
/// (`*` matches anything; `\:` and `\\` are escapes).
fn pgpass_lookup(text: &str, config: &postgres::Config, _file: &Path) -> Option<Vec<u8>> {
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(_)) => "localhost".to_string(),
        None => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let db = config.get_dbname().unwrap_or("").to_string();
    let user = config.get_user().unwrap_or("").to_string();
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split_pgpass(line);
        if fields.len() != 5 {
            continue;
        }
        let matches = |field: &str, value: &str| field == "*" || field == value;
        if matches(&fields[0], &host)
            && matches(&fields[1], &port)
            && matches(&fields[2], &db)
            && matches(&fields[3], &user)
        {
            return Some(fields[4].clone().into_bytes());
        }
    }
    None
}

fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields.last_mut().expect("one field at least").push(next);
                }
            }
            ':' => fields.push(String::new()),
            c => fields.last_mut().expect("one field at least").push(c),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_never_shown() {
        assert_eq!(
            redact("postgres://bm:s3cret@db.county:5432/bianmin"),
            "postgres://bm:***@db.county:5432/bianmin"
        );
        assert_eq!(
            redact("postgres://bm@127.0.0.1:5433/x"),
            "postgres://bm@127.0.0.1:5433/x"
        );
        assert_eq!(
            redact("postgresql://h/x?user=bm&password=s3cret"),
            "postgresql://h/x?user=bm&password=***"
        );
        let url = DbUrl::parse("postgres://bm:s3cret@db.county:5432/bianmin").unwrap();
        assert!(!format!("{url:?}").contains("s3cret"));
        assert!(matches!(
            DbUrl::parse("postgres://bm@host:5432"),
            Err(UrlError::NoDatabase(_))
        ));
    }

    #[test]
    fn pgpass_lines_match_with_wildcards_and_escapes() {
        let config: postgres::Config = "postgres://bm@db.county:5433/county".parse().unwrap();
        let text = "# comment\nother:5433:county:bm:no\ndb.county:*:county:bm:pa\\:ss\n*:*:*:*:last\n";
        assert_eq!(
            pgpass_lookup(text, &config, Path::new(".pgpass")),
            Some(b"pa:ss".to_vec())
        );
        assert!(is_postgres_url("postgresql://x/y") && !is_postgres_url("county.db"));
    }
}
