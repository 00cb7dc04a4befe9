//! The secret key of the card-number hashes, kept out of the database.
//!
//! Card numbers are stored only as an HMAC under this key (enough to count
//! one card's swipes per station and day, RULES.md R1). A 16-digit number
//! with 6 unknown digits is a million guesses, so a key kept beside the
//! hashes in the same file gave every number back in seconds. The key now
//! lives in a key file beside the database, `<database file>.key` (64 hex
//! digits; created 0600 on Unix, in the user's own folder on Windows), or,
//! on a server, in the environment variable `BIANMIN_CARD_KEY`, which wins.
//!
//! A database keeps only a check value of its key (`meta.card_key_check`,
//! 8 bytes of an HMAC of a fixed text under the key: it tells a wrong key
//! from the right one and nothing about card numbers). The same card must
//! hash alike in every import, or its swipes of one day in two files
//! would count as two cards and pass the cap: so an import of cards into a
//! database that already holds card hashes is refused when its key is
//! missing or is another key. A new key is made only for a database that
//! never had card hashes.
//!
//! An older bianmin kept the key in `meta.card_hash_key`. Opening such a
//! database moves it: the key file is written and flushed to disk first,
//! then the key is deleted from the database (with SQLite's secure delete,
//! and the WAL checkpointed away), so a crash in between leaves the key in
//! both places, never in neither; the next open finishes the move.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension};
use sha2::Sha256;

use super::{Store, StoreError};
use crate::i18n::{trf, Text};

/// The environment variable that gives the key (64 hex digits), for a
/// server whose key is kept by its service manager rather than on disk.
pub const KEY_ENV: &str = "BIANMIN_CARD_KEY";

const KEY_BYTES: usize = 32;
/// Where an older bianmin kept the key.
const LEGACY_META: &str = "card_hash_key";
/// The check value of the key the database's hashes were made with.
const CHECK_META: &str = "card_key_check";

/// Where the key came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Env,
    File(PathBuf),
    /// A database in memory: a key for the life of the store.
    Memory,
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Env => f.write_str(KEY_ENV),
            KeySource::File(path) => write!(f, "{}", path.display()),
            KeySource::Memory => f.write_str("(memory)"),
        }
    }
}

/// Why the card key cannot be had.
#[derive(Debug, thiserror::Error)]
pub enum CardKeyError {
    #[error("{}", trf(Text::CardKeyEnvMalformed, &[&KEY_ENV]))]
    EnvMalformed,
    #[error("{}", trf(Text::CardKeyUnreadable, &[&path.display(), cause]))]
    Unreadable { path: PathBuf, cause: io::Error },
    #[error("{}", trf(Text::CardKeyMalformed, &[&path.display()]))]
    Malformed { path: PathBuf },
    #[error("{}", trf(Text::CardKeyWrite, &[&path.display(), cause]))]
    Write { path: PathBuf, cause: io::Error },
    #[error("{}", trf(Text::CardKeyMissing, &[&path.display(), &KEY_ENV]))]
    Missing { path: PathBuf },
    #[error("{}", trf(Text::CardKeyMismatch, &[source_name]))]
    Mismatch { source_name: KeySource },
    #[error("{}", trf(Text::CardKeyLegacyConflict, &[source_name, &KEY_ENV]))]
    LegacyConflict { source_name: KeySource },
    #[error("{}", trf(Text::CardKeyRandom, &[reason]))]
    Random { reason: String },
}

/// The key file of a database file: `county.db` → `county.db.key`, in the
/// same folder.
pub fn key_path(db: &Path) -> PathBuf {
    let mut name = db
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "bianmin.db".into());
    name.push(".key");
    db.with_file_name(name)
}

/// HMAC-SHA256 of the card number under the key, truncated to 16 bytes:
/// enough to tell cards apart, useless to recover a number without the key.
pub fn card_hash(key: &[u8], card_number: &str) -> Vec<u8> {
    let mut mac = keyed(key);
    mac.update(card_number.as_bytes());
    mac.finalize().into_bytes()[..16].to_vec()
}

fn keyed(key: &[u8]) -> Hmac<Sha256> {
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC takes keys of any length.
        Err(e) => unreachable!("HMAC refused a key: {e}"),
    }
}

/// The check value of a key (hex): tells keys apart, reveals nothing.
fn check_value(key: &[u8]) -> String {
    let mut mac = keyed(key);
    mac.update(b"bianmin card key check, v1");
    encode_hex(&mac.finalize().into_bytes()[..8])
}

pub(crate) fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// A key as written in the key file or the environment: 64 hex digits.
fn parse_key(text: &str) -> Option<Vec<u8>> {
    decode_hex(text.trim()).filter(|k| k.len() == KEY_BYTES)
}

/// The key from `BIANMIN_CARD_KEY`, if set.
fn env_key() -> Result<Option<Vec<u8>>, CardKeyError> {
    match std::env::var_os(KEY_ENV) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            .and_then(parse_key)
            .map(Some)
            .ok_or(CardKeyError::EnvMalformed),
    }
}

/// The key in a key file; `None` when there is no file.
fn read_key_file(path: &Path) -> Result<Option<Vec<u8>>, CardKeyError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(cause) => {
            return Err(CardKeyError::Unreadable {
                path: path.to_path_buf(),
                cause,
            })
        }
    };
    // A key file is 65 bytes; read a little more to notice a wrong file.
    let mut text = String::new();
    file.take(256)
        .read_to_string(&mut text)
        .map_err(|cause| match cause.kind() {
            io::ErrorKind::InvalidData => CardKeyError::Malformed {
                path: path.to_path_buf(),
            },
            _ => CardKeyError::Unreadable {
                path: path.to_path_buf(),
                cause,
            },
        })?;
    parse_key(&text).map(Some).ok_or_else(|| CardKeyError::Malformed {
        path: path.to_path_buf(),
    })
}

/// Writes a new key file: never over an existing one, readable by its
/// owner only (Unix), on disk before this returns (file and folder).
fn write_key_file(path: &Path, key: &[u8]) -> Result<(), CardKeyError> {
    let failed = |cause| CardKeyError::Write {
        path: path.to_path_buf(),
        cause,
    };
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    // On Windows the file takes the ACL of its folder: the database's
    // folder in the user's own profile (%LOCALAPPDATA%), which other users
    // cannot read; bianmin changes no ACL.
    let mut file = options.open(path).map_err(failed)?;
    file.write_all(format!("{}\n", encode_hex(key)).as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(failed)?;
    // The new name must be on disk too before the key leaves the database.
    // On Windows a folder cannot be opened to flush it; NTFS journals the
    // new name with the file's metadata, which `sync_all` flushed.
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir).and_then(|d| d.sync_all()).map_err(failed)?;
    }
    Ok(())
}

fn random_key() -> Result<Vec<u8>, CardKeyError> {
    let mut key = vec![0u8; KEY_BYTES];
    getrandom::fill(&mut key).map_err(|e| CardKeyError::Random { reason: e.to_string() })?;
    Ok(key)
}

fn meta(conn: &Connection, key: &str) -> Result<Option<String>, rusqlite::Error> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
}

/// Whether card numbers were ever hashed into this database.
fn has_card_hashes(conn: &Connection) -> Result<bool, rusqlite::Error> {
    if meta(conn, CHECK_META)?.is_some() {
        return Ok(true);
    }
    conn.query_row("SELECT EXISTS (SELECT 1 FROM card_txns)", [], |r| r.get(0))
}

impl Store {
    /// At open: moves a key an older bianmin kept in the database to the
    /// key file (or drops it when the environment gives the same key).
    pub(super) fn move_legacy_card_key(&self) -> Result<(), StoreError> {
        let Some(hex) = meta(&self.conn, LEGACY_META)? else {
            return Ok(());
        };
        let legacy = decode_hex(&hex).ok_or(StoreError::BadValue {
            table: "meta",
            column: LEGACY_META,
            value: "(not shown)".into(),
        })?;
        match env_key()? {
            Some(key) if key == legacy => {}
            Some(_) => {
                return Err(CardKeyError::LegacyConflict {
                    source_name: KeySource::Env,
                }
                .into())
            }
            None => {
                let Some(db) = &self.file else {
                    // In memory: there is no file to protect.
                    return Ok(());
                };
                let path = key_path(db);
                match read_key_file(&path)? {
                    // A move that stopped after writing the file.
                    Some(key) if key == legacy => {}
                    Some(_) => {
                        return Err(CardKeyError::LegacyConflict {
                            source_name: KeySource::File(path),
                        }
                        .into())
                    }
                    None => write_key_file(&path, &legacy)?,
                }
            }
        }
        // Only now, with the key safe elsewhere, out of the database: secure
        // delete overwrites the row's bytes, the checkpoint moves the pages
        // into the file and empties the WAL.
        let secure_delete: i64 = self.conn.query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("DELETE FROM meta WHERE key = ?1", [LEGACY_META])?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [CHECK_META, &check_value(&legacy)],
        )?;
        tx.commit()?;
        // Busy readers can hold the checkpoint back; SQLite finishes it later.
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        // Zeroing every later delete is not needed: back to what it was.
        self.conn.pragma_update(None, "secure_delete", secure_delete)?;
        Ok(())
    }

    /// The key to hash the card numbers of an import with: from the
    /// environment, the key file, or new (only for a database without card
    /// hashes). The check value goes into `conn` (the import's transaction).
    pub(crate) fn card_key(&self, conn: &Connection) -> Result<Vec<u8>, StoreError> {
        if let Some(key) = self.card_key.get() {
            return Ok(key.clone());
        }
        let key = key_for_import(
            self.file.as_deref().map(key_path).as_deref(),
            || Ok(has_card_hashes(conn)?),
            meta(conn, CHECK_META)?,
            |check| {
                conn.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", [CHECK_META, check])?;
                Ok(())
            },
        )?;
        let _ = self.card_key.set(key.clone());
        Ok(key)
    }
}

/// `meta`'s key of the check value, for backends other than the store.
pub(crate) const CHECK_KEY: &str = CHECK_META;

/// The key of an import into any county database: `BIANMIN_CARD_KEY`,
/// else the key file at `key_file` (none: a database in memory, a key for
/// its life), made new only when the database never had card hashes.
/// The database's check value (`stored_check`) must be the key's; when it
/// has none, `store_check` records it.
pub(crate) fn key_for_import(
    key_file: Option<&Path>,
    has_hashes: impl FnOnce() -> Result<bool, StoreError>,
    stored_check: Option<String>,
    store_check: impl FnOnce(&str) -> Result<(), StoreError>,
) -> Result<Vec<u8>, StoreError> {
    let (key, source) = match (env_key()?, key_file) {
        (Some(key), _) => (key, KeySource::Env),
        (None, Some(path)) => match read_key_file(path)? {
            Some(key) => (key, KeySource::File(path.to_path_buf())),
            None if stored_check.is_some() || has_hashes()? => {
                return Err(CardKeyError::Missing {
                    path: path.to_path_buf(),
                }
                .into())
            }
            None => {
                let key = random_key()?;
                write_key_file(path, &key)?;
                (key, KeySource::File(path.to_path_buf()))
            }
        },
        (None, None) => (random_key()?, KeySource::Memory),
    };
    let check = check_value(&key);
    match stored_check {
        Some(stored) if stored != check => return Err(CardKeyError::Mismatch { source_name: source }.into()),
        Some(_) => {}
        None => store_check(&check)?,
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_sits_beside_the_database() {
        assert_eq!(key_path(Path::new("/data/county.db")), Path::new("/data/county.db.key"));
        assert_eq!(key_path(Path::new("county.db")), Path::new("county.db.key"));
    }

    #[test]
    fn keys_are_64_hex_digits() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        assert_eq!(parse_key(hex).unwrap().len(), 32);
        assert_eq!(parse_key(&format!("{hex}\n")).unwrap().len(), 32);
        for bad in ["", "00", &hex[1..], &format!("{hex}00"), &hex.replace('f', "g"), "é1"] {
            assert!(parse_key(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn check_values_tell_keys_apart() {
        assert_eq!(check_value(&[1; 32]), check_value(&[1; 32]));
        assert_ne!(check_value(&[1; 32]), check_value(&[2; 32]));
        assert_eq!(check_value(&[1; 32]).len(), 16);
    }

    #[cfg(unix)]
    #[test]
    fn key_files_are_private_and_never_overwritten() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db.key");
        write_key_file(&path, &[7; 32]).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(read_key_file(&path).unwrap(), Some(vec![7; 32]));
        assert!(matches!(
            write_key_file(&path, &[8; 32]),
            Err(CardKeyError::Write { .. })
        ));
        assert_eq!(read_key_file(&path).unwrap(), Some(vec![7; 32]));
        std::fs::write(&path, "not a key").unwrap();
        assert!(matches!(read_key_file(&path), Err(CardKeyError::Malformed { .. })));
        assert_eq!(read_key_file(&dir.path().join("none.key")).unwrap(), None);
    }
}
