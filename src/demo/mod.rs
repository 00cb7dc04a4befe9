//! `bianmin demo`: a realistic county for a first run and for tests — 8
//! branches, about 200 stations, three full months of daily facts and the
//! current month up to yesterday, plans, visit notes and sign-offs.
//! Deterministic for a seed and a "today".

pub mod county_rules;
mod names;
mod payout;
mod rng;

use crate::month::Month;
use crate::policy::Kind;
use crate::store::registry::{Branch, Person, Station};
use crate::store::seed::{Seed, SeedNote, SeedOwner, SeedSignoff};
use crate::store::{Store, StoreError};
use chrono::{Datelike, Days, NaiveDate};
use names::*;
use rng::Rng;

/// The default seed: the same county for everyone unless asked.
pub const DEFAULT_SEED: u64 = 2012;

/// What the demo put in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub branches: usize,
    pub people: usize,
    pub stations: usize,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub notes: usize,
}

/// One payment category of the Dezhou policy (the demo's), its share of a
/// station's payments and the mean amount of one payment in fen.
const CATEGORY_MIX: [(&str, f64, i64); 5] = [
    ("mobile", 0.34, 6_000),
    ("unicom", 0.10, 5_000),
    ("telecom", 0.06, 7_000),
    ("electricity", 0.40, 9_000),
    ("other", 0.10, 4_000),
];

struct DemoStation {
    station: Station,
    /// Mean payments a day.
    payments_per_day: f64,
    /// Mean card transactions a day.
    cards_per_day: f64,
}

/// Fills an empty store with the demo county; `today` is the first day
/// without data (facts run to yesterday).
pub fn build_demo(store: &mut Store, seed: u64, today: NaiveDate) -> Result<DemoSummary, StoreError> {
    let mut rng = Rng::new(seed);
    let current = Month::of(today);
    let first_month = current.prev().prev().prev();
    let first_day = first_month.first_day();
    let last_day = today.pred_opt().unwrap_or(today);

    let tx = store.seed()?;
    tx.meta("demo", "1")?;
    tx.meta("demo_seed", &seed.to_string())?;
    tx.meta("demo_today", &today.to_string())?;
    tx.county(COUNTY.0, COUNTY.1)?;

    let mut people = 0;
    let mut stations: Vec<DemoStation> = Vec::new();
    let mut maintainer_no = 0;
    for (b, (branch_name, urban)) in BRANCHES.iter().enumerate() {
        let branch_id = format!("B{:02}", b + 1);
        let manager = Person {
            id: format!("M{:02}", b + 1),
            name: person_name(&mut rng),
            phone: Some(format!("1{}", rng.range(3_000_000_000, 8_999_999_999))),
            has_green_card: true,
        };
        // Two people of one branch never share a name: a manager would not
        // know which of two 张建国 a line is about.
        let mut taken = std::collections::HashSet::new();
        let manager = Person {
            name: unique_name(manager.name, &mut taken),
            ..manager
        };
        tx.person(&manager)?;
        people += 1;
        let kind = if *urban { Kind::Urban } else { Kind::Rural };
        tx.branch(&Branch {
            id: branch_id.clone(),
            name: branch_name.to_string(),
            kind,
            county_id: Some(COUNTY.0.to_string()),
            manager_id: manager.id.clone(),
        })?;
        let maintainers: Vec<String> = (0..rng.range(1, 3))
            .map(|_| {
                maintainer_no += 1;
                format!("W{maintainer_no:02}")
            })
            .collect();
        for id in &maintainers {
            let mut person = Person {
                id: id.clone(),
                name: person_name(&mut rng),
                phone: Some(format!("1{}", rng.range(3_000_000_000, 8_999_999_999))),
                // One maintainer without a green card, so the flag shows.
                has_green_card: maintainer_no != 4,
            };
            person.name = unique_name(person.name, &mut taken);
            // And one whose mobile is not on record (the SMS export skips him).
            if id == "W06" {
                person.phone = None;
            }
            tx.person(&person)?;
            tx.branch_maintainer(&branch_id, id)?;
            people += 1;
        }
        // Urban branches large enough that 20 valid stations (R7) is in reach.
        let count = if *urban { rng.range(26, 34) } else { rng.range(18, 26) };
        let mut shared_village: Option<(String, u64)> = None;
        for n in 0..count {
            let id = format!("S{:04}", stations.len() + 1);
            let maintainer = maintainers[(n as usize * maintainers.len()) / count as usize].clone();
            let (name, village, households, in_village) = if *urban {
                let community = rng.pick(COMMUNITIES);
                let shop = rng.pick(SHOPS);
                (
                    format!("{community}{shop}便民服务站"),
                    Some(format!("{community}社区")),
                    None,
                    1,
                )
            } else if let Some((village, households)) = shared_village.take() {
                // The second station of a village shares its households.
                (format!("{village}二站"), Some(village), Some(households), 2)
            } else {
                let village = format!("{}{}", rng.pick(VILLAGE_HEADS), rng.pick(VILLAGE_TAILS));
                let households = rng.range(80, 600);
                if rng.chance(0.12) {
                    shared_village = Some((village.clone(), households));
                }
                let in_village = if shared_village.is_some() { 2 } else { 1 };
                // A few villages with unknown size: their electricity is provisional.
                let households = if rng.chance(0.03) { None } else { Some(households) };
                (format!("{village}便民服务站"), Some(village), households, in_village)
            };
            let opened_on = first_day - Days::new(rng.range(60, 1500));
            // Heavy tail: a Pareto draw, so a few stations carry much of
            // the county's volume (seed document 5: top ten ≈ half).
            let pareto = (1.0 - rng.unit()).powf(-1.0 / 1.05);
            let payments_per_day = (0.72 * pareto).min(70.0);
            let has_terminal = !rng.chance(0.03);
            let cards_per_day = if has_terminal {
                (0.2 * pareto.powf(0.7) * (0.5 + rng.unit())).min(12.0)
            } else {
                0.0
            };
            stations.push(DemoStation {
                station: Station {
                    id,
                    name,
                    kind,
                    branch_id: branch_id.clone(),
                    maintainer_id: maintainer,
                    village,
                    village_households: households,
                    stations_in_village: in_village,
                    route_order: Some(n as u32 + 1),
                    status: "open".into(),
                    has_terminal,
                    has_green_card: !rng.chance(0.04),
                    opened_on: Some(opened_on),
                    closed_on: None,
                },
                payments_per_day,
                cards_per_day,
            });
        }
        // Plans: about three stations in four valid.
        let mut month = first_month;
        while month <= current {
            let target = (count as f64 * 0.75).round() as u64;
            tx.branch_plan(&branch_id, month, target)?;
            month = month.next();
        }
    }
    let mut payout_rng = payout::rng(seed);
    for s in &stations {
        let owner = payout::owner(&mut payout_rng);
        tx.station(
            &s.station,
            &SeedOwner {
                name: &owner.name,
                phone: owner.phone.as_deref(),
            },
        )?;
    }

    insert_daily_facts(&tx, &mut rng, &stations, first_day, last_day)?;
    let notes = insert_visits(&tx, &mut rng, &stations, current, today)?;
    payout::insert_records(&tx, &mut payout_rng, &stations, first_month, today)?;
    let additions = county_rules::add(&tx, seed, today)?;
    tx.commit()?;
    Ok(DemoSummary {
        branches: BRANCHES.len(),
        people,
        stations: stations.len() + additions.extra_stations,
        first_day,
        last_day,
        notes,
    })
}

fn person_name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

/// A person's name unique among `taken` (the branch's people so far): on
/// a clash the next given name of the list, keeping the surname. No draw
/// of the random stream, so every figure of the demo stays as it was.
fn unique_name(drawn: String, taken: &mut std::collections::HashSet<String>) -> String {
    let name = names::unique_among(&drawn, taken);
    taken.insert(name.clone());
    name
}

fn insert_daily_facts(
    tx: &Seed,
    rng: &mut Rng,
    stations: &[DemoStation],
    first_day: NaiveDate,
    last_day: NaiveDate,
) -> Result<(), StoreError> {
    let mut facts = tx.facts()?;
    let mut day = first_day;
    while day <= last_day {
        // Market days and the month's start (bills arrive) are busier.
        let weekday = day.weekday().num_days_from_monday();
        let day_factor = if weekday >= 5 { 1.25 } else { 0.95 } * if day.day() <= 10 { 1.15 } else { 0.92 };
        for s in stations {
            for (category, share, mean_fen) in CATEGORY_MIX {
                let count = rng.poisson(s.payments_per_day * share * day_factor);
                if count == 0 {
                    continue;
                }
                let spread = 0.7 + 0.6 * rng.unit();
                let amount_fen = (count as f64 * mean_fen as f64 * spread).round() as i64;
                facts.payments(&s.station.id, day, category, count, amount_fen)?;
            }
            let raw = rng.poisson(s.cards_per_day * day_factor);
            if raw > 0 {
                // Now and then a card is swiped past the cap.
                let valid = if raw >= 3 && rng.chance(0.3) { raw - 1 } else { raw };
                facts.cards(&s.station.id, day, raw, valid)?;
            }
            for (kind, p) in [
                ("huinongtong", 0.015),
                ("finance_leads", 0.006),
                ("car_insurance_leads", 0.004),
                ("car_insurance_converted", 0.0008),
            ] {
                if rng.chance(p * (0.5 + s.payments_per_day.min(6.0) / 4.0)) {
                    facts.referrals(&s.station.id, day, kind, 1)?;
                }
            }
        }
        day = day.succ_opt().expect("dates within range");
    }
    Ok(())
}

const NOTE_TEXTS: &[(&str, &str)] = &[
    (
        "collection",
        "与站长沟通本月缴费情况，提醒村民月初交电费，张贴缴费宣传单。",
    ),
    ("equipment", "商易通终端无法打印小票，已更换打印纸，测试正常。"),
    ("promotion", "在村委会门口宣传助农取款，现场办理惠农通两户。"),
    ("reconciliation", "核对上月奖励明细，站长无异议，待签字。"),
    ("other", "站点店面装修中，下周恢复营业。"),
    ("collection", "话费代收下降，站长反映移动营业厅在村里设了点，需关注。"),
    ("equipment", "网络不稳定，建议站长更换宽带。"),
];

fn insert_visits(
    tx: &Seed,
    rng: &mut Rng,
    stations: &[DemoStation],
    current: Month,
    today: NaiveDate,
) -> Result<usize, StoreError> {
    let mut notes = 0;
    let last_month = current.prev();
    let history_start = last_month.prev().first_day();
    let now = format!("{}T08:00:00Z", today.pred_opt().unwrap_or(today));
    for (i, s) in stations.iter().enumerate() {
        // Each station visited every few weeks, recently or not.
        let visits = rng.range(0, 3);
        for v in 0..visits {
            let span = (today - history_start).num_days().max(1) as u64;
            let visited_on = history_start + Days::new(rng.range(0, span - 1));
            let (kind, body) = *rng.pick(NOTE_TEXTS);
            let follow_up_on = rng.chance(0.3).then(|| visited_on + Days::new(rng.range(3, 14)));
            let uuid = demo_uuid(i as u64, v);
            tx.visit_note(&SeedNote {
                uuid: &uuid,
                station: &s.station.id,
                author: &s.station.maintainer_id,
                visited_on,
                kind,
                body,
                follow_up_on,
                at: &now,
            })?;
            notes += 1;
        }
        // Last month's statement: most signed by the 12th, a few pending,
        // one disputed.
        if today.day() > 3 {
            let draw = rng.unit();
            let signoff = |signed_on: Option<NaiveDate>, disputed_because: Option<&str>| {
                tx.signoff(&SeedSignoff {
                    uuid: &demo_uuid(i as u64, 100),
                    station: &s.station.id,
                    month: last_month,
                    author: &s.station.maintainer_id,
                    disputed_because,
                    signed_on,
                    at: &now,
                })
            };
            if draw < 0.8 {
                signoff(current.first_day().with_day(rng.range(4, 11) as u32), None)?;
            } else if draw < 0.82 {
                signoff(current.first_day().with_day(6), Some("电费笔数与站点台账不符，少算3笔"))?;
            }
        }
    }
    Ok(notes)
}

/// A fixed, well-formed UUID (version 4 layout) for demo records.
fn demo_uuid(a: u64, b: u64) -> String {
    format!("00000000-0000-4000-8000-{:06x}{:06x}", a & 0xFF_FFFF, b & 0xFF_FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{evaluate, Policy, Status};
    use crate::store::facts::BranchScope;

    fn demo_store(seed: u64) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        build_demo(&mut store, seed, NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()).unwrap();
        store
    }

    #[test]
    fn the_demo_county_looks_like_a_real_one() {
        let store = demo_store(DEFAULT_SEED);
        let stations = store.stations().unwrap();
        assert!((200..=260).contains(&stations.len()), "{} stations", stations.len());
        assert_eq!(store.branches().unwrap().len(), 8);
        let october: Month = "2026-10".parse().unwrap();
        let facts = store.month_facts(october, None, &BranchScope::All).unwrap();
        let result = evaluate(&Policy::dezhou_2012(), &facts).unwrap();
        let mut volumes: Vec<u64> = result.stations.iter().map(|s| s.payment_count).collect();
        volumes.sort_unstable_by(|a, b| b.cmp(a));
        let total: u64 = volumes.iter().sum();
        let top_ten: u64 = volumes[..10].iter().sum();
        let share = top_ten as f64 / total as f64;
        assert!((0.35..=0.65).contains(&share), "top ten carry {share:.2} of the volume");
        let invalid = result.stations.iter().filter(|s| s.status == Status::Invalid).count();
        let invalid_share = invalid as f64 / result.stations.len() as f64;
        assert!((0.15..=0.6).contains(&invalid_share), "{invalid_share:.2} invalid");
        eprintln!("top ten {share:.2}, invalid {invalid_share:.2}, total {total}");
    }

    #[test]
    fn no_two_people_of_a_branch_share_a_name() {
        for seed in [DEFAULT_SEED, 1, 2, 3, 7, 42] {
            let store = demo_store(seed);
            let names: std::collections::HashMap<String, String> =
                store.people().unwrap().into_iter().map(|p| (p.id, p.name)).collect();
            for branch in store.branches().unwrap() {
                let mut seen = std::collections::HashSet::new();
                let people =
                    std::iter::once(branch.manager_id.clone()).chain(store.branch_maintainers(&branch.id).unwrap());
                for id in people {
                    assert!(
                        seen.insert(names[&id].clone()),
                        "seed {seed}: {} twice in {}",
                        names[&id],
                        branch.id
                    );
                }
            }
        }
    }

    #[test]
    fn a_clashing_name_takes_the_next_given_name() {
        let taken: std::collections::HashSet<String> = ["张建国".to_string()].into();
        assert_eq!(names::unique_among("张建国", &taken), "张秀英");
        assert_eq!(names::unique_among("李建国", &taken), "李建国");
    }

    #[test]
    fn the_same_seed_gives_the_same_county() {
        let dump = |store: &Store| -> Vec<Vec<rusqlite::types::Value>> {
            let columns: Vec<String> = ["station_id", "day", "category", "count", "amount_fen"]
                .iter()
                .map(|c| c.to_string())
                .collect();
            let mut rows = Vec::new();
            store
                .dump_table("daily_payments", &columns, |row| {
                    rows.push(row.to_vec());
                    Ok(())
                })
                .unwrap();
            rows
        };
        let a = dump(&demo_store(7));
        assert_eq!(a, dump(&demo_store(7)));
        assert_ne!(a, dump(&demo_store(8)));
        let stations_a = demo_store(7).stations().unwrap();
        assert_eq!(stations_a, demo_store(7).stations().unwrap());
    }
}
