//! Accounts: a token per person, kept only as its SHA-256 hash.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use crate::month::timestamp;
use crate::server::db::{new_token, token_hash, Account, AccountError, AccountInfo, AuthError, Role, ServerDbError};
use crate::store::records::collect;
use crate::store::StoreError;

fn role_of(text: String) -> Result<Role, StoreError> {
    Role::parse(&text).ok_or(StoreError::BadValue {
        table: "accounts",
        column: "role",
        value: text,
    })
}

pub fn authenticate(conn: &Connection, token: &str) -> Result<Result<Account, AuthError>, ServerDbError> {
    // Looked up by the token's hash: the database compares hashes, never
    // the token, so the time it takes tells nothing about the token.
    let row: Option<(String, String, Option<String>)> = conn
        .prepare_cached("SELECT person_id, role, revoked_at FROM accounts WHERE token_hash = ?1")?
        .query_row([token_hash(token)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        None => Err(AuthError::Unknown),
        Some((_, _, Some(at))) => Err(AuthError::Revoked(at)),
        Some((person_id, role, None)) => Ok(Account {
            person_id,
            role: role_of(role)?,
        }),
    })
}

pub fn add_account(
    conn: &Connection,
    person: &str,
    role: Role,
    name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, AccountError> {
    let known: Option<String> = conn
        .query_row("SELECT id FROM people WHERE id = ?1", [person], |r| r.get(0))
        .optional()?;
    let tx = conn.unchecked_transaction()?;
    if known.is_none() {
        match (role, name) {
            (Role::County, Some(name)) => {
                tx.execute("INSERT INTO people (id, name) VALUES (?1, ?2)", params![person, name])?;
            }
            _ => return Err(AccountError::UnknownPerson(person.to_string())),
        }
    }
    let token = new_token()?;
    tx.execute(
        "INSERT INTO accounts (token_hash, person_id, role, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash(&token), person, role.as_str(), timestamp(now)],
    )?;
    tx.commit()?;
    Ok(token)
}

pub fn revoke_person(conn: &Connection, person: &str, now: DateTime<Utc>) -> Result<usize, AccountError> {
    let n = conn.execute(
        "UPDATE accounts SET revoked_at = ?2 WHERE person_id = ?1 AND revoked_at IS NULL",
        params![person, timestamp(now)],
    )?;
    if n == 0 {
        return Err(AccountError::NothingToRevoke(person.to_string()));
    }
    Ok(n)
}

pub fn revoke_token(conn: &Connection, token: &str, now: DateTime<Utc>) -> Result<String, AccountError> {
    let hash = token_hash(token);
    let person: Option<String> = conn
        .query_row("SELECT person_id FROM accounts WHERE token_hash = ?1", [&hash], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(person) = person else {
        return Err(AccountError::UnknownToken);
    };
    conn.execute(
        "UPDATE accounts SET revoked_at = coalesce(revoked_at, ?2) WHERE token_hash = ?1",
        params![hash, timestamp(now)],
    )?;
    Ok(person)
}

pub fn accounts(conn: &Connection) -> Result<Vec<AccountInfo>, StoreError> {
    collect(
        conn,
        "SELECT person_id, role, token_hash, created_at, revoked_at FROM accounts ORDER BY person_id, created_at",
        [],
        |r| {
            let hash: String = r.get(2)?;
            Ok(AccountInfo {
                person_id: r.get(0)?,
                role: role_of(r.get(1)?)?,
                token_hash_prefix: hash.chars().take(12).collect(),
                created_at: r.get(3)?,
                revoked_at: r.get(4)?,
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_kept_only_as_its_hash() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrate::to_latest(&mut conn).unwrap();
        let conn = &conn;
        conn.execute("INSERT INTO people (id, name) VALUES ('W01', '王')", [])
            .unwrap();
        let token = add_account(conn, "W01", Role::Maintainer, None, Utc::now()).unwrap();
        assert!(token.starts_with("bm_") && token.len() == 67, "{token}");
        let stored: String = conn
            .query_row("SELECT token_hash FROM accounts", [], |r| r.get(0))
            .unwrap();
        assert_ne!(stored, token);
        assert!(!stored.contains(&token[3..]));
        assert_eq!(
            authenticate(conn, &token).unwrap(),
            Ok(Account {
                person_id: "W01".into(),
                role: Role::Maintainer
            })
        );
        assert_eq!(authenticate(conn, "bm_nope").unwrap(), Err(AuthError::Unknown));
        revoke_person(conn, "W01", Utc::now()).unwrap();
        assert!(matches!(
            authenticate(conn, &token).unwrap(),
            Err(AuthError::Revoked(_))
        ));
        assert!(matches!(
            add_account(conn, "X9", Role::Maintainer, None, Utc::now()),
            Err(AccountError::UnknownPerson(_))
        ));
        add_account(conn, "county", Role::County, Some("县局平台办"), Utc::now()).unwrap();
    }
}
