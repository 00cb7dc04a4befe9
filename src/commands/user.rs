//! `bianmin user`: the sync server's accounts. A token is printed once and
//! kept only as a hash.

use anyhow::bail;
use bianmin::i18n::{trf, Text};
use bianmin::report::table::Grid;
use bianmin::server::db::sqlite::WRITE_WAIT;
use bianmin::server::db::{Account, Location, Role, ServerDb, SqliteServerDb};
use chrono::Utc;

use crate::cli::{Global, RoleArg, UserAction};

fn role(arg: RoleArg) -> Role {
    match arg {
        RoleArg::Maintainer => Role::Maintainer,
        RoleArg::Manager => Role::Manager,
        RoleArg::County => Role::County,
    }
}

pub fn run(global: &Global, action: UserAction) -> anyhow::Result<()> {
    let path = super::db_path(global);
    let db: std::sync::Arc<dyn ServerDb> = match Location::of(&path)? {
        Location::Sqlite(path) => {
            super::open_or_create(global, &path)?;
            std::sync::Arc::new(SqliteServerDb::open(&path)?)
        }
        location => location.open_server_db(WRITE_WAIT)?,
    };
    match action {
        UserAction::Add { person, role: r, name } => {
            let role = role(r);
            let token = db.add_account(&person, role, name.as_deref(), Utc::now())?;
            let scope = db.scope_of(&Account {
                person_id: person.clone(),
                role,
            })?;
            let stations = db.me(&scope, Utc::now())?.stations;
            super::write_stdout(format!("{token}\n").as_bytes())?;
            eprintln!("{}", trf(Text::UserTokenMade, &[&person, &role, &stations]));
            if stations == 0 && role != Role::County {
                eprintln!("{}", trf(Text::UserNoStations, &[&person, &role]));
            }
        }
        UserAction::Revoke { person, token } => match (person, token) {
            (Some(person), _) => {
                let n = db.revoke_person(&person, Utc::now())?;
                eprintln!("{}", trf(Text::UserRevokedPerson, &[&person, &n]));
            }
            (None, Some(token)) => {
                let person = db.revoke_token(&token, Utc::now())?;
                eprintln!("{}", trf(Text::UserRevokedToken, &[&person]));
            }
            (None, None) => bail!("give --person ID or --token TOKEN"),
        },
        UserAction::List => {
            let grid = Grid {
                header: ["person", "role", "token hash", "created", "revoked"]
                    .map(String::from)
                    .to_vec(),
                rows: db
                    .accounts()?
                    .into_iter()
                    .map(|a| {
                        vec![
                            a.person_id,
                            a.role.to_string(),
                            a.token_hash_prefix,
                            a.created_at,
                            a.revoked_at.unwrap_or_else(|| "-".into()),
                        ]
                    })
                    .collect(),
                right_aligned: vec![false; 5],
            };
            super::write_stdout(grid.render().as_bytes())?;
        }
    }
    Ok(())
}
