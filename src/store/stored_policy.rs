//! Policy text kept in the database (RULES.md R12): what the county server
//! sends its laptops so that they compute the same figures. Only read
//! here; the resolver (`policy::resolve_policy`) ranks it below
//! `--policy` and the config file and above the built-in policy.

use super::{Store, StoreError};

/// `meta` keys: the policy's TOML and where it came from (for messages).
pub const POLICY_TEXT_KEY: &str = "policy_text";
pub const POLICY_ORIGIN_KEY: &str = "policy_origin";

impl Store {
    /// The stored policy text and its origin, if any.
    pub fn stored_policy(&self) -> Result<Option<(String, String)>, StoreError> {
        let Some(text) = self.meta(POLICY_TEXT_KEY)? else {
            return Ok(None);
        };
        let origin = self
            .meta(POLICY_ORIGIN_KEY)?
            .unwrap_or_else(|| format!("{} (meta {POLICY_TEXT_KEY})", self.path()));
        Ok(Some((text, origin)))
    }

    /// Forgets a stored policy (the server has none any more).
    pub fn forget_policy(&self) -> Result<(), StoreError> {
        self.conn().execute(
            "DELETE FROM meta WHERE key IN (?1, ?2)",
            [POLICY_TEXT_KEY, POLICY_ORIGIN_KEY],
        )?;
        Ok(())
    }

    /// Keeps a policy's text (and its origin) for `stored_policy`.
    pub fn store_policy(&self, text: &str, origin: &str) -> Result<(), StoreError> {
        self.set_meta(POLICY_TEXT_KEY, text)?;
        self.set_meta(POLICY_ORIGIN_KEY, origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_policy_reads_back_with_its_origin() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.stored_policy().unwrap(), None);
        store.store_policy("id = \"x\"", "server: county.toml").unwrap();
        assert_eq!(
            store.stored_policy().unwrap(),
            Some(("id = \"x\"".to_string(), "server: county.toml".to_string()))
        );
    }
}
