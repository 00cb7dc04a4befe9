//! The config file (`config.toml` in the platform config folder): who I
//! am, the language, colours, and the county server to sync with. Written
//! with commented defaults the first time the dashboard saves a choice.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The person the dashboard is for (工号), or "county" for the county view.
    pub person: Option<String>,
    /// "zh" or "en"; default from the locale.
    pub lang: Option<String>,
    /// false for a plain screen (the NO_COLOR variable also turns colour off).
    pub colours: Option<bool>,
    /// The county's policy file (RULES.md R12); relative to this file's
    /// folder. Default: the built-in Dezhou policy.
    #[serde(default)]
    pub policy: Option<String>,
    #[serde(default)]
    pub sync: SyncConfig,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncConfig {
    /// The county server, e.g. "https://bianmin.county.example".
    pub server: Option<String>,
    /// This laptop's token (from `bianmin user add` on the server).
    pub token: Option<String>,
    /// Minutes between background syncs in the dashboard (default 5).
    pub interval_minutes: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}", crate::i18n::trf(crate::i18n::Text::ConfigRead, &[path, &crate::errors::io_text(source)]))]
    Read { path: String, source: std::io::Error },
    #[error("{}", crate::i18n::trf(crate::i18n::Text::ConfigParse, &[path, message]))]
    Parse { path: String, message: String },
    #[error("{}", crate::i18n::trf(crate::i18n::Text::ConfigWrite, &[path, &crate::errors::io_text(source)]))]
    Write { path: String, source: std::io::Error },
}

/// The config file: `BIANMIN_CONFIG`, else `config.toml` in the platform
/// config folder (`~/.config/bianmin` on Linux, `%APPDATA%\bianmin` on Windows).
pub fn default_config_path() -> PathBuf {
    if let Some(path) = std::env::var_os("BIANMIN_CONFIG") {
        return PathBuf::from(path);
    }
    directories::ProjectDirs::from("cn", "bianmin", "bianmin")
        .map(|dirs| dirs.config_dir().join("config.toml"))
        .unwrap_or_else(|| PathBuf::from("bianmin.toml"))
}

impl Config {
    /// Reads the file; a missing file is the default config.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                })
            }
        };
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.display().to_string(),
            message: e.to_string().replace('\n', " "),
        })
    }

    /// The policy file named by `policy`, resolved against the folder of
    /// the config file at `config_path`.
    pub fn policy_path(&self, config_path: &Path) -> Option<PathBuf> {
        let named = Path::new(self.policy.as_deref()?);
        let dir = config_path.parent().unwrap_or(Path::new(""));
        Some(dir.join(named))
    }

    /// Writes the file with every setting explained, keeping what is set.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let line = |key: &str, value: Option<String>, example: &str| match value {
            Some(v) => format!("{key} = {v}\n"),
            None => format!("# {key} = {example}\n"),
        };
        let quoted = |v: &Option<String>| v.as_ref().map(|s| format!("{s:?}"));
        let mut text = String::from("# bianmin configuration. Lines starting with # are defaults or examples.\n\n");
        text.push_str("# Who you are (工号): the dashboard opens on your stations. \"county\" shows every branch.\n");
        text.push_str(&line("person", quoted(&self.person), "\"W01\""));
        text.push_str("# Interface language: \"zh\" or \"en\" (default: from the locale).\n");
        text.push_str(&line("lang", quoted(&self.lang), "\"zh\""));
        text.push_str("# false for a plain screen without colour (NO_COLOR works too).\n");
        text.push_str(&line("colours", self.colours.map(|c| c.to_string()), "true"));
        text.push_str("# The county's policy file (default: the built-in Dezhou policy); relative to this folder.\n");
        text.push_str(&line("policy", quoted(&self.policy), "\"county-policy.toml\""));
        text.push_str("\n[sync]\n# The county server and this laptop's token (from `bianmin user add` there).\n");
        text.push_str(&line(
            "server",
            quoted(&self.sync.server),
            "\"https://bianmin.county.example\"",
        ));
        text.push_str(&line("token", quoted(&self.sync.token), "\"…\""));
        text.push_str("# Minutes between background syncs while the dashboard is open.\n");
        text.push_str(&line(
            "interval_minutes",
            self.sync.interval_minutes.map(|m| m.to_string()),
            "5",
        ));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| ConfigError::Write {
                path: dir.display().to_string(),
                source,
            })?;
        }
        write_private(path, text.as_bytes()).map_err(|source| ConfigError::Write {
            path: path.display().to_string(),
            source,
        })
    }

    /// A warning when the file holds a token that other users of this
    /// computer can read (Unix modes; on Windows the file lives in the
    /// user's own profile folder, which others cannot read).
    pub fn exposure_warning(&self, path: &Path) -> Option<String> {
        self.sync.token.as_ref()?;
        readable_by_others(path)
            .then(|| crate::i18n::trf(crate::i18n::Text::ConfigReadableByOthers, &[&path.display()]))
    }
}

/// Writes a file only its owner can read (0600 on Unix), whole or not at
/// all: a temporary file beside it, then renamed over it.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = (|| {
        let mut file = options.open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_path: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_config_reads_back_and_explains_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        assert_eq!(Config::load(&path).unwrap(), Config::default());
        let config = Config {
            person: Some("W03".into()),
            lang: None,
            colours: Some(false),
            policy: Some("county.toml".into()),
            sync: SyncConfig {
                server: Some("http://127.0.0.1:8080".into()),
                token: None,
                interval_minutes: None,
            },
        };
        config.save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("person = \"W03\"") && text.contains("# lang = \"zh\""),
            "{text}"
        );
        assert_eq!(Config::load(&path).unwrap(), config);
        assert_eq!(config.policy_path(&path), Some(dir.path().join("sub/county.toml")));
        Config::default().save(&path).unwrap();
        assert_eq!(Config::load(&path).unwrap(), Config::default());
    }

    #[cfg(unix)]
    #[test]
    fn a_config_with_a_token_is_written_for_its_owner_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let mut config = Config::default();
        config.sync.token = Some("bm_secret".into());
        config.save(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(config.exposure_warning(&path), None);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(config.exposure_warning(&path).is_some());
        assert_eq!(Config::default().exposure_warning(&path), None, "no token, no warning");
        // Saving again makes it private again.
        config.save(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn an_unknown_key_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "persn = \"W01\"\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("config.toml") && err.contains("persn"), "{err}");
    }
}
