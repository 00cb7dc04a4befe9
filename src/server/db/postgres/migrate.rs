//! The PostgreSQL schema: `migrations/postgres/NNNN_name.sql`, applied in
//! order at open, each in its own transaction, under an advisory lock so
//! that two `bianmin serve` processes starting at once do not both apply
//! it. `bianmin_schema` records what was applied; a database from a newer
//! bianmin is refused before anything is written.

use postgres::Client;

use crate::store::StoreError;

/// Every migration, in order. Append only: never edit a released one.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_county",
        include_str!("../../../../migrations/postgres/0001_county.sql"),
    ),
    (
        "0002_branch_signoffs_and_resolutions",
        include_str!("../../../../migrations/postgres/0002_branch_signoffs_and_resolutions.sql"),
    ),
    (
        "0003_sync_echoes",
        include_str!("../../../../migrations/postgres/0003_sync_echoes.sql"),
    ),
];

/// The schema version this bianmin writes.
pub const PG_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The key of the session advisory lock held while migrating (any number
/// below 2^62, where the revision locks live; see 0001_county.sql).
const MIGRATION_LOCK: i64 = 0x6269_616e_6d69;

/// The schema version of a database (0: new).
pub fn schema_version(client: &mut Client) -> Result<i64, postgres::Error> {
    let exists: bool = client
        .query_one("SELECT to_regclass('bianmin_schema') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client
        .query_one("SELECT coalesce(max(version), 0)::bigint FROM bianmin_schema", &[])?
        .get(0))
}

/// Applies every migration the database has not had yet.
pub fn to_latest(client: &mut Client, shown: &str) -> Result<(), StoreError> {
    let migrate_err = |e: postgres::Error| StoreError::Migrate {
        path: shown.to_string(),
        message: e.to_string(),
    };
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .map_err(migrate_err)?;
    let result = apply(client, shown);
    let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]);
    result?;
    unlocked.map_err(migrate_err)?;
    Ok(())
}

fn apply(client: &mut Client, shown: &str) -> Result<(), StoreError> {
    let migrate_err = |e: postgres::Error| StoreError::Migrate {
        path: shown.to_string(),
        message: e.to_string(),
    };
    let found = schema_version(client).map_err(migrate_err)?;
    if found > PG_SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: shown.to_string(),
            found,
            supported: PG_SCHEMA_VERSION,
        });
    }
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = i as i64 + 1;
        let mut tx = client.transaction().map_err(migrate_err)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS bianmin_schema (
                 version    bigint PRIMARY KEY,
                 name       text NOT NULL,
                 applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .map_err(migrate_err)?;
        tx.batch_execute(sql).map_err(|e| StoreError::Migrate {
            path: shown.to_string(),
            message: format!("{name}: {e}"),
        })?;
        tx.execute(
            "INSERT INTO bianmin_schema (version, name) VALUES ($1, $2)",
            &[&version, name],
        )
        .map_err(migrate_err)?;
        tx.commit().map_err(migrate_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_postgres_migration_is_listed_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres");
        let on_disk = std::fs::read_dir(dir).unwrap().count();
        assert_eq!(
            on_disk,
            MIGRATIONS.len(),
            "every file in migrations/postgres/ is listed"
        );
        for (i, (name, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(name[..4].parse::<usize>().unwrap(), i + 1, "{name}");
        }
        const { assert!(MIGRATION_LOCK < 1 << 62) };
    }
}
