//! The scope of an account on PostgreSQL, from the registry as it is now:
//! the same sets as the SQLite backend's (`sqlite::scope`), with arrays
//! where SQLite takes a JSON list.

use std::collections::BTreeSet;

use postgres::types::ToSql;
use postgres::GenericClient;

use crate::server::db::{Account, Role, Scope};
use crate::store::StoreError;

fn ids(db: &mut impl GenericClient, sql: &str, param: &(dyn ToSql + Sync)) -> Result<BTreeSet<String>, StoreError> {
    Ok(db.query(sql, &[param])?.into_iter().map(|r| r.get(0)).collect())
}

pub fn scope_of(db: &mut impl GenericClient, account: &Account) -> Result<Scope, StoreError> {
    let person = account.person_id.as_str();
    let (branches, record_stations) = match account.role {
        Role::County => return Ok(Scope::all(person)),
        Role::Maintainer => (
            ids(
                db,
                "SELECT branch_id FROM branch_maintainers WHERE person_id = $1
                 UNION SELECT branch_id FROM stations WHERE maintainer_id = $1",
                &person,
            )?,
            ids(db, "SELECT id FROM stations WHERE maintainer_id = $1", &person)?,
        ),
        Role::Manager => (
            ids(db, "SELECT id FROM branches WHERE manager_id = $1", &person)?,
            ids(
                db,
                "SELECT s.id FROM stations s JOIN branches b ON b.id = s.branch_id WHERE b.manager_id = $1",
                &person,
            )?,
        ),
    };
    let list: Vec<&str> = branches.iter().map(String::as_str).collect();
    let stations = ids(db, "SELECT id FROM stations WHERE branch_id = ANY($1)", &list)?;
    let mut people = ids(
        db,
        "SELECT manager_id FROM branches WHERE id = ANY($1)
         UNION SELECT person_id FROM branch_maintainers WHERE branch_id = ANY($1)
         UNION SELECT maintainer_id FROM stations WHERE branch_id = ANY($1)",
        &list,
    )?;
    people.insert(person.to_string());
    let counties = ids(
        db,
        "SELECT county_id FROM branches WHERE county_id IS NOT NULL AND id = ANY($1)",
        &list,
    )?;
    Ok(Scope::of(
        account,
        stations,
        record_stations,
        branches,
        people,
        counties,
    ))
}
