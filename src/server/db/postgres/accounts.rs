//! Accounts on PostgreSQL: a token per person, kept only as its SHA-256 hash.

use chrono::{DateTime, Utc};
use postgres::GenericClient;

use crate::month::timestamp;
use crate::server::db::{new_token, token_hash, Account, AccountError, AccountInfo, AuthError, Role, ServerDbError};
use crate::store::StoreError;

fn role_of(text: String) -> Result<Role, StoreError> {
    Role::parse(&text).ok_or(StoreError::BadValue {
        table: "accounts",
        column: "role",
        value: text,
    })
}

pub fn authenticate(db: &mut impl GenericClient, token: &str) -> Result<Result<Account, AuthError>, ServerDbError> {
    let row = db
        .query_opt(
            "SELECT person_id, role, revoked_at FROM accounts WHERE token_hash = $1",
            &[&token_hash(token)],
        )
        .map_err(StoreError::from)?;
    Ok(match row {
        None => Err(AuthError::Unknown),
        Some(r) => match r.get::<_, Option<String>>(2) {
            Some(at) => Err(AuthError::Revoked(at)),
            None => Ok(Account {
                person_id: r.get(0),
                role: role_of(r.get(1))?,
            }),
        },
    })
}

pub fn add_account(
    client: &mut postgres::Client,
    person: &str,
    role: Role,
    name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, AccountError> {
    let mut tx = client.transaction().map_err(StoreError::from)?;
    let known = tx
        .query_opt("SELECT id FROM people WHERE id = $1", &[&person])
        .map_err(StoreError::from)?
        .is_some();
    if !known {
        match (role, name) {
            (Role::County, Some(name)) => {
                tx.execute("INSERT INTO people (id, name) VALUES ($1, $2)", &[&person, &name])
                    .map_err(StoreError::from)?;
            }
            _ => return Err(AccountError::UnknownPerson(person.to_string())),
        }
    }
    let token = new_token()?;
    tx.execute(
        "INSERT INTO accounts (token_hash, person_id, role, created_at) VALUES ($1, $2, $3, $4)",
        &[&token_hash(&token), &person, &role.as_str(), &timestamp(now)],
    )
    .map_err(StoreError::from)?;
    tx.commit().map_err(StoreError::from)?;
    Ok(token)
}

pub fn revoke_person(db: &mut impl GenericClient, person: &str, now: DateTime<Utc>) -> Result<usize, AccountError> {
    let n = db
        .execute(
            "UPDATE accounts SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL",
            &[&person, &timestamp(now)],
        )
        .map_err(StoreError::from)?;
    if n == 0 {
        return Err(AccountError::NothingToRevoke(person.to_string()));
    }
    Ok(n as usize)
}

pub fn revoke_token(db: &mut impl GenericClient, token: &str, now: DateTime<Utc>) -> Result<String, AccountError> {
    let row = db
        .query_opt(
            "UPDATE accounts SET revoked_at = coalesce(revoked_at, $2) WHERE token_hash = $1 RETURNING person_id",
            &[&token_hash(token), &timestamp(now)],
        )
        .map_err(StoreError::from)?;
    row.map(|r| r.get(0)).ok_or(AccountError::UnknownToken)
}

pub fn accounts(db: &mut impl GenericClient) -> Result<Vec<AccountInfo>, StoreError> {
    db.query(
        "SELECT person_id, role, token_hash, created_at, revoked_at FROM accounts ORDER BY person_id, created_at",
        &[],
    )?
    .into_iter()
    .map(|r| {
        let hash: String = r.get(2);
        Ok(AccountInfo {
            person_id: r.get(0),
            role: role_of(r.get(1))?,
            token_hash_prefix: hash.chars().take(12).collect(),
            created_at: r.get(3),
            revoked_at: r.get(4),
        })
    })
    .collect()
}
