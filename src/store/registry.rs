//! The registry as stored: people, branches and their maintainers,
//! stations, plans. Written by imports and the demo, read by every view.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};

use super::dates::opt_date_at;
use super::records::collect;
use super::{Store, StoreError};
use crate::month::Month;
use crate::policy::Kind;

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub phone: Option<String>,
    pub has_green_card: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub county_id: Option<String>,
    pub manager_id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Station {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub branch_id: String,
    pub maintainer_id: String,
    pub village: Option<String>,
    pub village_households: Option<u64>,
    pub stations_in_village: u64,
    pub route_order: Option<u32>,
    /// open, suspended or closed
    pub status: String,
    pub has_terminal: bool,
    pub has_green_card: bool,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

impl Station {
    /// Open on at least one day of the month (R7's active station).
    pub fn active_in(&self, month: Month) -> bool {
        let opened_in_time = self.opened_on.is_none_or(|d| d <= month.last_day());
        let not_closed_before = match self.closed_on {
            Some(d) => d >= month.first_day(),
            None => self.status != "closed",
        };
        opened_in_time && not_closed_before
    }
}

pub fn kind_str(kind: Kind) -> &'static str {
    kind.as_str()
}

pub fn parse_kind(text: &str) -> Result<Kind, StoreError> {
    match text {
        "rural" => Ok(Kind::Rural),
        "urban" => Ok(Kind::Urban),
        other => Err(StoreError::BadValue {
            table: "branches/stations",
            column: "kind",
            value: other.to_string(),
        }),
    }
}

const STATION_COLUMNS: &str = "id, name, kind, branch_id, maintainer_id, village, village_households, \
     stations_in_village, route_order, status, has_terminal, has_green_card, opened_on, closed_on";

fn station_from_row(row: &Row) -> Result<Station, StoreError> {
    Ok(Station {
        id: row.get(0)?,
        name: row.get(1)?,
        kind: parse_kind(&row.get::<_, String>(2)?)?,
        branch_id: row.get(3)?,
        maintainer_id: row.get(4)?,
        village: row.get(5)?,
        village_households: row.get(6)?,
        stations_in_village: row.get(7)?,
        route_order: row.get(8)?,
        status: row.get(9)?,
        has_terminal: row.get(10)?,
        has_green_card: row.get(11)?,
        opened_on: opt_date_at(row, 12, "stations", "opened_on")?,
        closed_on: opt_date_at(row, 13, "stations", "closed_on")?,
    })
}

impl Store {
    pub fn upsert_person(&self, person: &Person) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO people (id, name, phone, has_green_card) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name,
                 phone = coalesce(excluded.phone, people.phone),
                 has_green_card = excluded.has_green_card",
            params![person.id, person.name, person.phone, person.has_green_card],
        )?;
        Ok(())
    }

    pub fn upsert_branch(&self, branch: &Branch) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO branches (id, name, kind, county_id, manager_id) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                 county_id = coalesce(excluded.county_id, branches.county_id),
                 manager_id = excluded.manager_id",
            params![
                branch.id,
                branch.name,
                kind_str(branch.kind),
                branch.county_id,
                branch.manager_id
            ],
        )?;
        Ok(())
    }

    pub fn add_branch_maintainer(&self, branch_id: &str, person_id: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT OR IGNORE INTO branch_maintainers (branch_id, person_id) VALUES (?1, ?2)",
            [branch_id, person_id],
        )?;
        Ok(())
    }

    pub fn upsert_station(&self, s: &Station) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO stations (id, name, kind, branch_id, maintainer_id, village, village_households,
                 stations_in_village, route_order, status, has_terminal, has_green_card, opened_on, closed_on)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                 branch_id = excluded.branch_id, maintainer_id = excluded.maintainer_id,
                 village = excluded.village, village_households = excluded.village_households,
                 stations_in_village = excluded.stations_in_village, route_order = excluded.route_order,
                 status = excluded.status, has_terminal = excluded.has_terminal,
                 has_green_card = excluded.has_green_card, opened_on = excluded.opened_on,
                 closed_on = excluded.closed_on",
            params![
                s.id,
                s.name,
                kind_str(s.kind),
                s.branch_id,
                s.maintainer_id,
                s.village,
                s.village_households,
                s.stations_in_village,
                s.route_order,
                s.status,
                s.has_terminal,
                s.has_green_card,
                s.opened_on,
                s.closed_on,
            ],
        )?;
        Ok(())
    }

    pub fn set_plan(&self, branch_id: &str, month: Month, target: u64) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO plans (branch_id, month, target) VALUES (?1, ?2, ?3)
             ON CONFLICT (branch_id, month) DO UPDATE SET target = excluded.target",
            params![branch_id, month.to_string(), target],
        )?;
        Ok(())
    }

    pub fn plan(&self, branch_id: &str, month: Month) -> Result<Option<u64>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT target FROM plans WHERE branch_id = ?1 AND month = ?2",
                params![branch_id, month.to_string()],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn people(&self) -> Result<Vec<Person>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, name, phone, has_green_card FROM people ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(Person {
                id: r.get(0)?,
                name: r.get(1)?,
                phone: r.get(2)?,
                has_green_card: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn branches(&self) -> Result<Vec<Branch>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, name, kind, county_id, manager_id FROM branches ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                Branch {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    kind: Kind::Rural,
                    county_id: r.get(3)?,
                    manager_id: r.get(4)?,
                },
                r.get::<_, String>(2)?,
            ))
        })?;
        rows.map(|row| {
            let (mut branch, kind) = row?;
            branch.kind = parse_kind(&kind)?;
            Ok(branch)
        })
        .collect()
    }

    /// The maintainers of a branch, ascending id.
    pub fn branch_maintainers(&self, branch_id: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT person_id FROM branch_maintainers WHERE branch_id = ?1 ORDER BY person_id")?;
        let rows = stmt.query_map([branch_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every station, ascending id.
    pub fn stations(&self) -> Result<Vec<Station>, StoreError> {
        let sql = format!("SELECT {STATION_COLUMNS} FROM stations ORDER BY id");
        collect(self.conn(), &sql, [], station_from_row)
    }

    pub fn station(&self, id: &str) -> Result<Option<Station>, StoreError> {
        let sql = format!("SELECT {STATION_COLUMNS} FROM stations WHERE id = ?1");
        Ok(collect(self.conn(), &sql, [id], station_from_row)?.pop())
    }
}
