//! Writing a whole county in one transaction, row by row, as a generator
//! draws it (`bianmin demo`, and through it the tests and benchmarks):
//! the SQL stays here, the generator only chooses values.
//!
//! Unlike the imports, nothing here checks or merges: the database is new
//! and the caller's rows are consistent by construction. The revision
//! triggers still run, so a laptop syncing from this county hears of
//! every row.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, Statement, Transaction};

use super::facts::check_category;
use super::registry::{Branch, Person, Station};
use super::{Store, StoreError};
use crate::month::Month;

/// A county being written; nothing is visible until [`Seed::commit`].
pub struct Seed<'c> {
    tx: Transaction<'c>,
}

/// A station's owner, who is paid for it.
pub struct SeedOwner<'a> {
    pub name: &'a str,
    pub phone: Option<&'a str>,
}

/// A visit note as a maintainer wrote it on `at`.
pub struct SeedNote<'a> {
    pub uuid: &'a str,
    pub station: &'a str,
    pub author: &'a str,
    pub visited_on: NaiveDate,
    pub kind: &'a str,
    pub body: &'a str,
    pub follow_up_on: Option<NaiveDate>,
    pub at: &'a str,
}

/// A station's sign-off (or dispute, with its reason) of a month.
pub struct SeedSignoff<'a> {
    pub uuid: &'a str,
    pub station: &'a str,
    pub month: Month,
    pub author: &'a str,
    pub disputed_because: Option<&'a str>,
    pub signed_on: Option<NaiveDate>,
    pub at: &'a str,
}

/// A manager's or maintainer's signature (or dispute) of a branch sheet.
pub struct SeedBranchSignoff<'a> {
    pub uuid: &'a str,
    pub branch: &'a str,
    pub month: Month,
    pub person: &'a str,
    pub role: &'a str,
    pub disputed_because: Option<&'a str>,
    pub signed_on: NaiveDate,
    pub at: &'a str,
}

/// A registry station that changes no figure: signed, installed, not yet
/// trading, suspended or closed.
pub struct SeedRegistryStation<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub branch: &'a str,
    pub maintainer: &'a str,
    pub village: &'a str,
    pub status: &'a str,
    pub signed_on: NaiveDate,
    pub installed_on: Option<NaiveDate>,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

/// A branch as its sheet is signed: the manager and the maintainers.
pub struct SeedBranchPeople {
    pub branch: String,
    pub kind: String,
    pub manager: String,
    pub maintainers: Vec<String>,
}

impl Store {
    /// Starts writing a county into this (new) database.
    pub fn seed(&mut self) -> Result<Seed<'_>, StoreError> {
        Ok(Seed {
            tx: self.conn_mut().transaction()?,
        })
    }
}

impl<'c> Seed<'c> {
    pub fn commit(self) -> Result<(), StoreError> {
        self.tx.commit()?;
        Ok(())
    }

    pub fn meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    pub fn county(&self, id: &str, name: &str) -> Result<(), StoreError> {
        self.tx
            .execute("INSERT INTO counties (id, name) VALUES (?1, ?2)", [id, name])?;
        Ok(())
    }

    pub fn person(&self, p: &Person) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO people (id, name, phone, has_green_card) VALUES (?1, ?2, ?3, ?4)",
            params![p.id, p.name, p.phone, p.has_green_card],
        )?;
        Ok(())
    }

    pub fn branch(&self, b: &Branch) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO branches (id, name, kind, county_id, manager_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![b.id, b.name, b.kind.as_str(), b.county_id, b.manager_id],
        )?;
        Ok(())
    }

    pub fn branch_maintainer(&self, branch: &str, person: &str) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO branch_maintainers (branch_id, person_id) VALUES (?1, ?2)",
            [branch, person],
        )?;
        Ok(())
    }

    /// The branch's valid-station plan (R8) of a month.
    pub fn branch_plan(&self, branch: &str, month: Month, target: u64) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO plans (branch_id, month, target) VALUES (?1, ?2, ?3)",
            params![branch, month.to_string(), target],
        )?;
        Ok(())
    }

    pub fn station(&self, s: &Station, owner: &SeedOwner) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO stations (id, name, kind, branch_id, maintainer_id, village, village_households,
                 stations_in_village, route_order, status, has_terminal, has_green_card, opened_on, owner_name,
                 owner_phone)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                s.id,
                s.name,
                s.kind.as_str(),
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
                owner.name,
                owner.phone,
            ],
        )?;
        Ok(())
    }

    pub fn registry_station(&self, s: &SeedRegistryStation) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO stations (id, name, kind, branch_id, maintainer_id, village, status, opened_on, closed_on,
                 signed_on, installed_on)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                s.id,
                s.name,
                s.kind,
                s.branch,
                s.maintainer,
                s.village,
                s.status,
                s.opened_on,
                s.closed_on,
                s.signed_on,
                s.installed_on,
            ],
        )?;
        Ok(())
    }

    /// Daily facts, written through statements prepared once.
    pub fn facts(&self) -> Result<SeedFacts<'_>, StoreError> {
        Ok(SeedFacts {
            payments: self.tx.prepare(
                "INSERT INTO daily_payments (station_id, day, category, count, amount_fen)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            cards: self
                .tx
                .prepare("INSERT INTO daily_cards (station_id, day, raw, valid) VALUES (?1, ?2, ?3, ?4)")?,
            referrals: self
                .tx
                .prepare("INSERT INTO daily_referrals (station_id, day, kind, count) VALUES (?1, ?2, ?3, ?4)")?,
        })
    }

    /// A station whose terminal went in on `installed` (signed `signed`):
    /// it opened that day, and figures drawn for earlier days go.
    pub fn open_station_on(&self, station: &str, installed: NaiveDate, signed: NaiveDate) -> Result<(), StoreError> {
        for table in ["daily_payments", "daily_cards", "daily_referrals"] {
            self.tx.execute(
                &format!("DELETE FROM {table} WHERE station_id = ?1 AND day < ?2"),
                params![station, installed],
            )?;
        }
        // The rows never left this new database: their deletion is no news
        // a laptop must hear (the revision triggers wrote tombstones).
        self.tx.execute(
            "DELETE FROM sync_deletions WHERE scope_kind = 'station' AND scope_id = ?1",
            params![station],
        )?;
        self.tx.execute(
            "UPDATE stations SET opened_on = ?2, installed_on = ?2, signed_on = ?3 WHERE id = ?1",
            params![station, installed, signed],
        )?;
        Ok(())
    }

    pub fn signed_and_installed(
        &self,
        station: &str,
        signed: NaiveDate,
        installed: NaiveDate,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE stations SET signed_on = ?2, installed_on = ?3 WHERE id = ?1",
            params![station, signed, installed],
        )?;
        Ok(())
    }

    /// Every station so far, by id, with its opening day.
    pub fn stations_opened(&self) -> Result<Vec<(String, Option<NaiveDate>)>, StoreError> {
        let mut stmt = self.tx.prepare("SELECT id, opened_on FROM stations ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Each station's payments of a month, in fen.
    pub fn month_amounts(&self, month: Month) -> Result<HashMap<String, i64>, StoreError> {
        let mut stmt = self.tx.prepare(
            "SELECT station_id, sum(amount_fen) FROM daily_payments WHERE day BETWEEN ?1 AND ?2 GROUP BY station_id",
        )?;
        let rows = stmt.query_map(params![month.first_day(), month.last_day()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A station's collection and distribution plans of a month (R15).
    pub fn station_plan(
        &self,
        station: &str,
        month: Month,
        collection_fen: i64,
        distribution_fen: i64,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO station_plans (station_id, month, collection_target_fen, distribution_target_fen)
             VALUES (?1, ?2, ?3, ?4)",
            params![station, month.to_string(), collection_fen, distribution_fen],
        )?;
        Ok(())
    }

    pub fn distribution_sales(&self, station: &str, month: Month, amount_fen: i64) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO distribution_sales (station_id, month, amount_fen) VALUES (?1, ?2, ?3)",
            params![station, month.to_string(), amount_fen],
        )?;
        Ok(())
    }

    pub fn station_count(&self) -> Result<u64, StoreError> {
        Ok(self.tx.query_row("SELECT count(*) FROM stations", [], |r| r.get(0))?)
    }

    /// Every branch with its manager and maintainers (sorted), by id.
    pub fn branch_people(&self) -> Result<Vec<SeedBranchPeople>, StoreError> {
        let mut stmt = self.tx.prepare(
            "SELECT b.id, b.kind, b.manager_id, group_concat(m.person_id, ',')
             FROM branches b JOIN branch_maintainers m ON m.branch_id = b.id
             GROUP BY b.id ORDER BY b.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let maintainers: String = r.get(3)?;
            let mut maintainers: Vec<String> = maintainers.split(',').map(str::to_string).collect();
            maintainers.sort_unstable();
            Ok(SeedBranchPeople {
                branch: r.get(0)?,
                kind: r.get(1)?,
                manager: r.get(2)?,
                maintainers,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn visit_note(&self, n: &SeedNote) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO visit_notes (uuid, station_id, author_id, visited_on, kind, body, follow_up_on,
                 created_at, updated_at, rev)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, 0)",
            params![
                n.uuid,
                n.station,
                n.author,
                n.visited_on,
                n.kind,
                n.body,
                n.follow_up_on,
                n.at
            ],
        )?;
        Ok(())
    }

    pub fn signoff(&self, s: &SeedSignoff) -> Result<(), StoreError> {
        let outcome = outcome_of(s.disputed_because);
        self.tx.execute(
            "INSERT INTO signoffs (uuid, station_id, month, author_id, outcome, reason, signed_on, created_at,
                 updated_at, rev)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, 0)",
            params![
                s.uuid,
                s.station,
                s.month.to_string(),
                s.author,
                outcome,
                s.disputed_because,
                s.signed_on,
                s.at
            ],
        )?;
        Ok(())
    }

    pub fn branch_signoff(&self, s: &SeedBranchSignoff) -> Result<(), StoreError> {
        let outcome = outcome_of(s.disputed_because);
        self.tx.execute(
            "INSERT INTO branch_signoffs (uuid, branch_id, month, author_id, editor_id, role, outcome, reason,
                 signed_on, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            params![
                s.uuid,
                s.branch,
                s.month.to_string(),
                s.person,
                s.role,
                outcome,
                s.disputed_because,
                s.signed_on,
                s.at
            ],
        )?;
        Ok(())
    }

    /// Whether a station's invoice of a month came in (and its number).
    pub fn invoice(
        &self,
        month: Month,
        station: &str,
        number: Option<&str>,
        recorded_at: &str,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO invoices (month, station_id, received, invoice_no, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![month.to_string(), station, number.is_some(), number, recorded_at],
        )?;
        Ok(())
    }

    /// A payout step the county office recorded as done.
    pub fn payout_step(
        &self,
        month: Month,
        step: &str,
        county: &str,
        done_on: NaiveDate,
        note: Option<&str>,
        recorded_at: &str,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO payout_steps (month, step, county_id, done_by, done_on, note, recorded_at)
             VALUES (?1, ?2, ?3, 'county', ?4, ?5, ?6)",
            params![month.to_string(), step, county, done_on, note, recorded_at],
        )?;
        Ok(())
    }
}

/// A decision as stored: disputed when it gives a reason.
fn outcome_of(disputed_because: Option<&str>) -> &'static str {
    if disputed_because.is_some() {
        "disputed"
    } else {
        "signed"
    }
}

/// The daily facts writer of a [`Seed`].
pub struct SeedFacts<'s> {
    payments: Statement<'s>,
    cards: Statement<'s>,
    referrals: Statement<'s>,
}

impl SeedFacts<'_> {
    pub fn payments(
        &mut self,
        station: &str,
        day: NaiveDate,
        category: &str,
        count: u64,
        amount_fen: i64,
    ) -> Result<(), StoreError> {
        check_category(category)?;
        self.payments
            .execute(params![station, day, category, count, amount_fen])?;
        Ok(())
    }

    /// Card transactions of a day: as swiped, and as counted under R1.
    pub fn cards(&mut self, station: &str, day: NaiveDate, raw: u64, valid: u64) -> Result<(), StoreError> {
        self.cards.execute(params![station, day, raw, valid])?;
        Ok(())
    }

    pub fn referrals(&mut self, station: &str, day: NaiveDate, kind: &str, count: u64) -> Result<(), StoreError> {
        self.referrals.execute(params![station, day, kind, count])?;
        Ok(())
    }
}
