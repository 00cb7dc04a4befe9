//! The schema: `migrations/NNNN_name.sql`, applied in order, each inside a
//! transaction; `PRAGMA user_version` records how far a file has come.

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

/// Every migration, in order. Append only: never edit a released one.
const MIGRATION_FILES: &[(&str, &str)] = &[
    (
        "0001_registry_and_facts",
        include_str!("../../migrations/0001_registry_and_facts.sql"),
    ),
    (
        "0002_visits_and_sync",
        include_str!("../../migrations/0002_visits_and_sync.sql"),
    ),
    (
        "0003_sync_revisions",
        include_str!("../../migrations/0003_sync_revisions.sql"),
    ),
    (
        "0004_identity_and_bounded_records",
        include_str!("../../migrations/0004_identity_and_bounded_records.sql"),
    ),
    (
        "0006_county_rules",
        include_str!("../../migrations/0006_county_rules.sql"),
    ),
    ("0007_payout", include_str!("../../migrations/0007_payout.sql")),
    (
        "0008_branch_signoffs_and_resolutions",
        include_str!("../../migrations/0008_branch_signoffs_and_resolutions.sql"),
    ),
    (
        "0009_sync_echoes",
        include_str!("../../migrations/0009_sync_echoes.sql"),
    ),
    (
        "0010_month_totals",
        include_str!("../../migrations/0010_month_totals.sql"),
    ),
    (
        "0011_month_totals_state",
        include_str!("../../migrations/0011_month_totals_state.sql"),
    ),
    (
        "0012_payments_without_category_check",
        include_str!("../../migrations/0012_payments_without_category_check.sql"),
    ),
    (
        "0014_station_first_trades",
        include_str!("../../migrations/0014_station_first_trades.sql"),
    ),
    (
        "0015_first_trades_by_day",
        include_str!("../../migrations/0015_first_trades_by_day.sql"),
    ),
];

/// The schema version this bianmin writes.
pub const SCHEMA_VERSION: i64 = MIGRATION_FILES.len() as i64;

/// Migrations run with foreign keys off, so that one may rebuild a table
/// other tables refer to, as SQLite's "other kinds of table schema
/// changes" procedure requires. A rebuild keeps every row and id, so the
/// references stay whole (tests/payout_registry.rs and tests/store.rs
/// check the rebuilds). No `foreign_key_check` after: it checks the whole
/// file, and a row some sqlite3 session left dangling long ago would then
/// make the database impossible to open.
fn migrations_up_to(version: usize) -> Migrations<'static> {
    Migrations::new(MIGRATION_FILES[..version].iter().map(|(_, sql)| M::up(sql)).collect())
}

/// Runs `migrate` with foreign keys off, then restores them as they were.
fn without_foreign_keys(
    conn: &mut Connection,
    migrate: impl FnOnce(&mut Connection) -> Result<(), String>,
) -> Result<(), String> {
    let enabled: bool = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    conn.pragma_update(None, "foreign_keys", "OFF")
        .map_err(|e| e.to_string())?;
    let result = migrate(conn);
    conn.pragma_update(None, "foreign_keys", enabled)
        .map_err(|e| e.to_string())?;
    result
}

/// The schema version of an open database (0 for a new file).
pub fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Applies every migration the database has not had yet.
pub fn to_latest(conn: &mut Connection) -> Result<(), String> {
    without_foreign_keys(conn, |conn| {
        migrations_up_to(MIGRATION_FILES.len())
            .to_latest(conn)
            .map_err(|e| e.to_string())
    })
}

/// Applies migrations up to `version` only: for tests that build a
/// database as an earlier bianmin left it.
pub fn to_version(conn: &mut Connection, version: usize) -> Result<(), String> {
    if version == 0 {
        return Ok(());
    }
    without_foreign_keys(conn, |conn| {
        migrations_up_to(version).to_latest(conn).map_err(|e| e.to_string())
    })
}

/// The schema version a file has just before the migration `name`
/// (`0010_month_totals`): for tests that build a database as the release
/// before that migration left it, whatever was appended since.
pub fn version_before(name: &str) -> Option<usize> {
    MIGRATION_FILES.iter().position(|(n, _)| *n == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migrations_are_valid_sql_and_numbered_in_order() {
        migrations_up_to(MIGRATION_FILES.len()).validate().unwrap();
        // Increasing; a branch may skip numbers handed to work merged in
        // later (user_version counts the files applied, not their numbers).
        let numbers: Vec<u32> = MIGRATION_FILES
            .iter()
            .map(|(name, _)| name[..4].parse().unwrap())
            .collect();
        assert_eq!(numbers[0], 1);
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
        for (name, _) in MIGRATION_FILES {
            assert_eq!(name.as_bytes()[4], b'_', "{name}");
        }
        // Files only: migrations/postgres/ holds the PostgreSQL schema.
        let on_disk = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().is_file())
            .count();
        assert_eq!(on_disk, MIGRATION_FILES.len(), "every file in migrations/ is listed");
    }

    #[test]
    fn every_earlier_version_upgrades_to_the_latest() {
        for start in 0..=MIGRATION_FILES.len() {
            let mut conn = Connection::open_in_memory().unwrap();
            to_version(&mut conn, start).unwrap();
            assert_eq!(schema_version(&conn).unwrap(), start as i64);
            to_latest(&mut conn).unwrap();
            assert_eq!(schema_version(&conn).unwrap(), SCHEMA_VERSION);
        }
    }
}
