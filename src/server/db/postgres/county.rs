//! The county's database on PostgreSQL outside of serving laptops: what
//! the county commands read and write there (`meta`, the stored policy,
//! the registry's size). Imports and reports reach it through the same
//! traits as the SQLite store (`store::county`).

use postgres::Client;

use super::connect::DbUrl;
use crate::store::stored_policy::{POLICY_ORIGIN_KEY, POLICY_TEXT_KEY};
use crate::store::StoreError;

/// An open county database on PostgreSQL: one connection, schema applied.
pub struct PgCounty {
    pub(crate) client: Client,
    url: DbUrl,
}

impl PgCounty {
    pub fn open(url: &DbUrl) -> Result<PgCounty, StoreError> {
        Ok(PgCounty {
            client: super::open_client(url)?,
            url: url.clone(),
        })
    }

    /// The address, without its password.
    pub fn shown(&self) -> &str {
        self.url.shown()
    }

    pub fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .client
            .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])?
            .map(|r| r.get(0)))
    }

    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.client.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )?;
        Ok(())
    }

    /// The stored policy text and its origin, if any.
    pub fn stored_policy(&mut self) -> Result<Option<(String, String)>, StoreError> {
        let Some(text) = self.meta(POLICY_TEXT_KEY)? else {
            return Ok(None);
        };
        let origin = self
            .meta(POLICY_ORIGIN_KEY)?
            .unwrap_or_else(|| format!("{} (meta {POLICY_TEXT_KEY})", self.shown()));
        Ok(Some((text, origin)))
    }

    /// Keeps a policy's text (and its origin) for `stored_policy`, in one
    /// transaction.
    pub fn store_policy(&mut self, text: &str, origin: &str) -> Result<(), StoreError> {
        let mut tx = self.client.transaction()?;
        for (key, value) in [(POLICY_TEXT_KEY, text), (POLICY_ORIGIN_KEY, origin)] {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn station_count(&mut self) -> Result<u64, StoreError> {
        Ok(self
            .client
            .query_one("SELECT count(*) FROM stations", &[])?
            .get::<_, i64>(0) as u64)
    }

    /// Whether the database has nothing of bianmin's in it yet but the
    /// schema (the demo fills only such a database).
    pub fn is_empty(&mut self) -> Result<bool, StoreError> {
        let row = self.client.query_one(
            "SELECT (SELECT count(*) FROM stations) + (SELECT count(*) FROM people)
                  + (SELECT count(*) FROM daily_payments) + (SELECT count(*) FROM visit_notes)",
            &[],
        )?;
        Ok(row.get::<_, i64>(0) == 0)
    }
}
