//! `bianmin user`: the sync server's accounts. A token is printed once and
//! kept only as a hash.

use anyhow::bail;
use bianmin::i18n::{tr, trf, Text};
use bianmin::month::china_time_of;
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

/// A role in words.
fn role_text(role: Role) -> Text {
    match role {
        Role::Maintainer => Text::RoleMaintainer,
        Role::Manager => Text::RoleManager,
        Role::County => Text::RoleCounty,
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
            let role_words = tr(role_text(role));
            eprintln!("{}", trf(Text::UserTokenMade, &[&person, &role_words, &stations]));
            if stations == 0 && role != Role::County {
                eprintln!("{}", trf(Text::UserNoStations, &[&person, &role_words]));
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
            (None, None) => bail!("{}", tr(Text::UserRevokeWhom)),
        },
        UserAction::List => {
            let grid = Grid {
                header: [
                    Text::ExportPerson,
                    Text::Role,
                    Text::UserTokenHash,
                    Text::UserCreated,
                    Text::UserRevoked,
                ]
                .map(|t| tr(t).to_string())
                .to_vec(),
                rows: db
                    .accounts()?
                    .into_iter()
                    .map(|a| {
                        vec![
                            a.person_id,
                            tr(role_text(a.role)).to_string(),
                            a.token_hash_prefix,
                            // Stored in UTC; people read China time.
                            china_time_of(&a.created_at),
                            a.revoked_at.map_or_else(|| "-".into(), |at| china_time_of(&at)),
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
