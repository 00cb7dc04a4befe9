//! The demo county's figures for RULES.md R15 and R16: each station's
//! monthly plans and distribution sales, chosen so that exactly the
//! stations of `EXIT_CANDIDATES` are on the exit watchlist of the last
//! finished month; signing and installation dates; two stations installed
//! recently (new); and stations that are signed but not yet installed,
//! installed but not yet trading, suspended or closed, for a realistic
//! funnel. Its own random stream: the daily facts of the rest of the demo
//! do not change.

use chrono::{Days, NaiveDate};

use super::names::{VILLAGE_HEADS, VILLAGE_TAILS};
use super::rng::Rng;
use crate::month::Month;
use crate::store::seed::{Seed, SeedRegistryStation};
use crate::store::StoreError;

/// Missed both plans in the last two finished months (S0112 in the last
/// three): the exit candidates of the last finished month.
pub const EXIT_CANDIDATES: [&str; 4] = ["S0004", "S0037", "S0112", "S0163"];
/// Missed both plans in the last finished month only: a maintainer's
/// warning, not a candidate.
pub const MISSED_LAST_MONTH_ONLY: [&str; 1] = ["S0002"];
/// Installed in the month before last, after its 1st (so still new in the
/// last finished month), and on the watchlist: document 5's newly
/// installed station that needs time.
pub const NEW_CANDIDATE: &str = "S0163";
/// Installed in the last finished month, after its 1st: new this month.
pub const NEW_THIS_MONTH: &str = "S0006";

/// Extra registry stations, never active in the demo's months.
const SIGNED_ONLY: u64 = 20;
const INSTALLED_NOT_TRADING: u64 = 12;
const CLOSED: u64 = 3;

/// Yuan rounded to whole hundreds, in fen.
fn hundreds_fen(fen: f64) -> i64 {
    ((fen / 10_000.0).round() as i64).max(0) * 10_000
}

/// What the additions put in the store.
pub struct Additions {
    pub extra_stations: usize,
}

pub(super) fn add(tx: &Seed, seed: u64, today: NaiveDate) -> Result<Additions, StoreError> {
    let mut rng = Rng::new(seed ^ 0x0c0f_fee0_1516);
    let current = Month::of(today);
    let last = current.prev();
    let first = current.prev().prev().prev();

    let recent = [
        (NEW_CANDIDATE, last.prev().first_day() + Days::new(14)),
        (NEW_THIS_MONTH, last.first_day() + Days::new(9)),
    ];
    for (station, installed) in recent {
        tx.open_station_on(station, installed, installed - Days::new(20))?;
    }
    sign_and_install(tx, &mut rng, &recent)?;
    plans_and_sales(tx, &mut rng, first, current, last)?;
    let extra_stations = extra_stations(tx, &mut rng, first, today)?;
    Ok(Additions { extra_stations })
}

/// Every other station: signed a week to three months before it opened,
/// its terminal installed the day it opened.
fn sign_and_install(tx: &Seed, rng: &mut Rng, done: &[(&str, NaiveDate)]) -> Result<(), StoreError> {
    let stations = tx.stations_opened()?;
    for (id, opened) in stations {
        let Some(opened) = opened else { continue };
        if done.iter().any(|(s, _)| *s == id) {
            continue;
        }
        let signed = opened - Days::new(rng.range(7, 90));
        tx.signed_and_installed(&id, signed, opened)?;
    }
    Ok(())
}

/// Plans for every month shown, sales for the finished ones. Missing a
/// plan happens at random; missing both in the last finished month only
/// where the constants above say.
fn plans_and_sales(tx: &Seed, rng: &mut Rng, first: Month, current: Month, last: Month) -> Result<(), StoreError> {
    let stations = tx.stations_opened()?;
    let mut month = first;
    let mut amounts_by_month = Vec::new();
    while month <= current {
        amounts_by_month.push((month, tx.month_amounts(month)?));
        month = month.next();
    }
    for (id, opened) in &stations {
        // A plan from the month the station opened.
        let opened = *opened;
        let typical: f64 = amounts_by_month
            .iter()
            .filter(|(m, _)| *m < current)
            .map(|(_, a)| a.get(id).copied().unwrap_or(0) as f64)
            .fold(0.0, f64::max);
        let distribution_target = 20_000 + 10_000 * rng.range(0, 4) as i64;
        let forced_candidate = EXIT_CANDIDATES.contains(&id.as_str());
        let forced_last_only = MISSED_LAST_MONTH_ONLY.contains(&id.as_str());
        // The months this station must miss both plans in, ending with the
        // last finished month; and the month before, which it must not.
        let run = match (forced_candidate, forced_last_only) {
            (true, _) if id == "S0112" => 3,
            (true, _) => 2,
            (false, true) => 1,
            (false, false) => 0,
        };
        let run_start = months_before(last, run.max(1));
        for (month, amounts) in &amounts_by_month {
            if opened.is_some_and(|d| d > month.last_day()) {
                continue;
            }
            let amount = amounts.get(id).copied().unwrap_or(0);
            let mut collection = hundreds_fen(typical * (0.85 + 0.4 * rng.unit())).max(50_000);
            let mut sales = (distribution_target as f64 * 1.7 * rng.unit()).round() as i64;
            let in_run = run > 0 && *month >= run_start && *month <= last;
            if in_run {
                // Below both: the amount rounds by at most 50 yuan.
                collection = collection.max(hundreds_fen(amount as f64) + 50_000);
                sales = distribution_target * 3 / 10;
            } else if *month == last || (run > 0 && month.next() == run_start) {
                // Nobody else misses both in the last finished month, and a
                // forced run starts where the text says.
                sales = sales.max(distribution_target);
            }
            tx.station_plan(id, *month, collection, distribution_target)?;
            if *month < current {
                tx.distribution_sales(id, *month, sales)?;
            }
        }
    }
    Ok(())
}

/// The month `n - 1` months before `month` (the first of a run of `n`).
fn months_before(month: Month, n: u32) -> Month {
    (1..n).fold(month, |m, _| m.prev())
}

/// Stations of the registry that are not (yet, or any more) open in the
/// demo's months: they change no figure, only the funnel.
fn extra_stations(tx: &Seed, rng: &mut Rng, first: Month, today: NaiveDate) -> Result<usize, StoreError> {
    let branches: Vec<(String, String, String)> = tx
        .branch_people()?
        .into_iter()
        .map(|b| {
            let first = b.maintainers.into_iter().next().unwrap_or_default();
            (b.branch, b.kind, first)
        })
        .collect();
    let next_month = Month::of(today).next().first_day();
    let mut n = tx.station_count()?;
    let total = SIGNED_ONLY + INSTALLED_NOT_TRADING + CLOSED;
    for i in 0..total {
        n += 1;
        let (branch, kind, maintainer) = &branches[(i as usize) % branches.len()];
        let village = format!("{}{}", rng.pick(VILLAGE_HEADS), rng.pick(VILLAGE_TAILS));
        let (status, signed, installed, opened, closed) = if i < SIGNED_ONLY {
            // Signed in the last two months; opening planned for later.
            let signed = today - Days::new(rng.range(3, 60));
            (
                "open",
                signed,
                None,
                Some(next_month + Days::new(rng.range(20, 60))),
                None,
            )
        } else if i < SIGNED_ONLY + INSTALLED_NOT_TRADING {
            // Terminal in, shop opening at the start of next month; two
            // of them suspended until a dispute with the shop is settled.
            let installed = today - Days::new(rng.range(1, 25));
            let status = if i >= SIGNED_ONLY + INSTALLED_NOT_TRADING - 2 {
                "suspended"
            } else {
                "open"
            };
            (
                status,
                installed - Days::new(rng.range(10, 40)),
                Some(installed),
                Some(next_month),
                None,
            )
        } else {
            // Closed (撤销) before the demo's first month.
            let closed = first.first_day() - Days::new(rng.range(10, 60));
            let opened = closed - Days::new(rng.range(200, 700));
            (
                "closed",
                opened - Days::new(30),
                Some(opened),
                Some(opened),
                Some(closed),
            )
        };
        tx.registry_station(&SeedRegistryStation {
            id: &format!("S{n:04}"),
            name: &format!("{village}便民服务站"),
            kind,
            branch,
            maintainer,
            village: &village,
            status,
            signed_on: signed,
            installed_on: installed,
            opened_on: opened,
            closed_on: closed,
        })?;
    }
    Ok(total as usize)
}
