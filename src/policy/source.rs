//! Which policy is in effect: `--policy FILE`, else the config file's
//! `policy = "PATH"`, else policy text stored in the database (what the
//! county server sends its laptops, so they compute the same figures),
//! else the built-in Dezhou policy. One function decides, for every
//! command and the dashboard.

use std::fmt;
use std::path::{Path, PathBuf};

use super::config::{Policy, PolicyError, DEZHOU_2012, DEZHOU_2012_ORIGIN};

/// What may choose the policy, strongest first.
#[derive(Debug, Clone, Copy, Default)]
pub struct PolicyChoice<'a> {
    /// `--policy FILE` on the command line.
    pub flag: Option<&'a Path>,
    /// `policy = "PATH"` in the config file, already resolved against the
    /// config file's folder.
    pub config: Option<&'a Path>,
    /// Policy text kept in the database, and where it came from (e.g. the
    /// server's file name), for messages.
    pub stored: Option<(&'a str, &'a str)>,
}

/// Where the policy in effect came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicySource {
    Flag(PathBuf),
    Config(PathBuf),
    Stored(String),
    BuiltIn,
}

impl fmt::Display for PolicySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicySource::Flag(path) => write!(f, "--policy {}", path.display()),
            PolicySource::Config(path) => write!(f, "config: {}", path.display()),
            PolicySource::Stored(origin) => write!(f, "database: {origin}"),
            PolicySource::BuiltIn => write!(f, "built-in {DEZHOU_2012_ORIGIN}"),
        }
    }
}

/// The policy in effect, where it came from, and its text (to print, or
/// to send to laptops).
#[derive(Debug, Clone)]
pub struct ResolvedPolicy {
    pub policy: Policy,
    pub source: PolicySource,
    pub text: String,
}

fn from_file(path: &Path) -> Result<(Policy, String), PolicyError> {
    let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let policy = Policy::from_toml(&text, &path.display().to_string())?;
    Ok((policy, text))
}

/// Resolves the policy in effect: flag, config, stored text, built-in. A
/// source that is named but unreadable or invalid is an error, never
/// skipped: figures under a policy other than the one asked for would be
/// wrong without anyone noticing.
pub fn resolve_policy(choice: &PolicyChoice<'_>) -> Result<ResolvedPolicy, PolicyError> {
    let (policy, source, text) = if let Some(path) = choice.flag {
        let (policy, text) = from_file(path)?;
        (policy, PolicySource::Flag(path.to_path_buf()), text)
    } else if let Some(path) = choice.config {
        let (policy, text) = from_file(path)?;
        (policy, PolicySource::Config(path.to_path_buf()), text)
    } else if let Some((text, origin)) = choice.stored {
        let policy = Policy::from_toml(text, origin)?;
        (policy, PolicySource::Stored(origin.to_string()), text.to_string())
    } else {
        (Policy::dezhou_2012(), PolicySource::BuiltIn, DEZHOU_2012.to_string())
    };
    Ok(ResolvedPolicy { policy, source, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../policies/sample-county-2013.toml");

    #[test]
    fn the_flag_beats_the_config_beats_the_database_beats_the_built_in() {
        let dir = tempfile::tempdir().unwrap();
        let sample = dir.path().join("county.toml");
        std::fs::write(&sample, SAMPLE).unwrap();
        let dezhou = dir.path().join("dezhou.toml");
        std::fs::write(&dezhou, DEZHOU_2012).unwrap();

        let built_in = resolve_policy(&PolicyChoice::default()).unwrap();
        assert_eq!(built_in.source, PolicySource::BuiltIn);
        assert_eq!(built_in.policy.id, "dezhou-2012");

        let stored = PolicyChoice {
            stored: Some((SAMPLE, "server: county.toml")),
            ..Default::default()
        };
        let r = resolve_policy(&stored).unwrap();
        assert_eq!(
            (r.policy.id.as_str(), r.source.clone()),
            ("sample-county-2013", PolicySource::Stored("server: county.toml".into()))
        );
        assert_eq!(r.text, SAMPLE);

        let config = PolicyChoice {
            config: Some(&dezhou),
            ..stored
        };
        assert_eq!(
            resolve_policy(&config).unwrap().source,
            PolicySource::Config(dezhou.clone())
        );

        let flag = PolicyChoice {
            flag: Some(&sample),
            ..config
        };
        let r = resolve_policy(&flag).unwrap();
        assert_eq!(
            (r.policy.id.as_str(), r.source),
            ("sample-county-2013", PolicySource::Flag(sample))
        );
    }

    #[test]
    fn a_named_source_that_fails_is_an_error_not_skipped() {
        let missing = Path::new("/nonexistent/county.toml");
        let choice = PolicyChoice {
            config: Some(missing),
            ..Default::default()
        };
        let err = resolve_policy(&choice).unwrap_err().to_string();
        assert!(err.contains("/nonexistent/county.toml"), "{err}");
        let bad = PolicyChoice {
            stored: Some(("id = 1", "database")),
            ..Default::default()
        };
        assert!(resolve_policy(&bad).is_err());
    }
}
