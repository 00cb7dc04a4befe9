//! `bianmin user`: the sync server's accounts. A token is printed once and
//! kept only as a hash.

use anyhow::bail;
use bianmin::report::table::Grid;
use bianmin::store::sync::Role;
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
    let store = super::open_store(global)?;
    match action {
        UserAction::Add { person, role: r, name } => {
            let role = role(r);
            let token = store.add_account(&person, role, name.as_deref(), Utc::now())?;
            let scope = store.scope_of(&bianmin::store::sync::Account {
                person_id: person.clone(),
                role,
            })?;
            let stations = scope.station_count(&store)?;
            super::write_stdout(format!("{token}\n").as_bytes())?;
            eprintln!(
                "token for {person} ({role}, {stations} station{}): shown only now, the server keeps only its hash. \
                 On the laptop: [sync] token = \"…\" in the config file, or bianmin sync --token",
                if stations == 1 { "" } else { "s" }
            );
            if stations == 0 && role != Role::County {
                eprintln!(
                    "note: {person} has no station as {role} yet; the token sees nothing until the registry gives them some"
                );
            }
        }
        UserAction::Revoke { person, token } => match (person, token) {
            (Some(person), _) => {
                let n = store.revoke_person(&person, Utc::now())?;
                eprintln!("revoked {n} token{} of {person}", if n == 1 { "" } else { "s" });
            }
            (None, Some(token)) => {
                let person = store.revoke_token(&token, Utc::now())?;
                eprintln!("revoked the token of {person}");
            }
            (None, None) => bail!("give --person ID or --token TOKEN"),
        },
        UserAction::List => {
            let grid = Grid {
                header: ["person", "role", "token hash", "created", "revoked"]
                    .map(String::from)
                    .to_vec(),
                rows: store
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
