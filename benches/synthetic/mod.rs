//! A deterministic, county-sized synthetic month for the benchmarks and for
//! `examples/gen_calc_input.rs`: 10,000 stations in 200 branches with
//! 300,000 card transactions, heavy-tailed activity, rural and urban.
//!
//! No `rand`: a 64-bit LCG (Knuth's MMIX constants) with a fixed seed, so
//! every run, machine and target sees the same month.

// Shared by the `engine` bench and the `gen_calc_input` example through
// `#[path]`; each uses a different part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use bianmin::month::Month;
use bianmin::policy::card_cap::card_counts;
use bianmin::policy::{BranchFacts, CategoryFacts, Kind, MonthFacts, StationFacts};

/// The Dezhou payment categories, in the order `SynStation::payments` holds them.
pub const CATEGORIES: [&str; 5] = ["mobile", "unicom", "telecom", "electricity", "other"];

pub const STATIONS: usize = 10_000;
pub const BRANCHES: usize = 200;
pub const CARD_TXNS: usize = 300_000;
pub const YEAR: i32 = 2026;
pub const MONTH: u32 = 10;
/// Days in `YEAR-MONTH`.
pub const DAYS: u32 = 31;
/// The policy's per-card-per-day cap (Dezhou 2012), for facts built here.
pub const CARD_CAP: u32 = 2;

const SEED: u64 = 0x00b1_a4d1_2026_1031;
/// Card numbers of station `i` are `i * CARD_STRIDE + k`.
const CARD_STRIDE: u64 = 1_000_000;
/// Referral kinds of the Dezhou 2012 policy.
const REFERRAL_KINDS: [&str; 4] = [
    "huinongtong",
    "finance_leads",
    "car_insurance_leads",
    "car_insurance_converted",
];

/// 64-bit linear congruential generator; the high 32 bits are the output.
struct Lcg(u64);

impl Lcg {
    fn next_u32(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 32) as u32
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: u32) -> u32 {
        ((u64::from(self.next_u32()) * u64::from(n)) >> 32) as u32
    }

    /// Uniform in (0, 1).
    fn unit(&mut self) -> f64 {
        (f64::from(self.next_u32()) + 0.5) / 4_294_967_296.0
    }

    /// True with probability `percent` / 100.
    fn percent(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }
}

pub struct SynBranch {
    pub id: String,
    pub kind: Kind,
    pub plan: Option<u64>,
    pub manager: String,
    pub maintainers: Vec<String>,
}

pub struct SynStation {
    pub id: String,
    /// Index into `SynMonth::branches`.
    pub branch: usize,
    pub kind: Kind,
    pub maintainer: String,
    pub village_households: Option<u64>,
    pub stations_in_village: u64,
    /// Per category of `CATEGORIES`: count and amount in fen.
    pub payments: [(u64, i64); CATEGORIES.len()],
    /// (card number, day of the month), in arrival order.
    pub card_txns: Vec<(u64, u32)>,
    pub referrals: Vec<(&'static str, u64)>,
}

/// One synthetic month, complete through day `as_of_day`.
pub struct SynMonth {
    pub as_of_day: u32,
    pub branches: Vec<SynBranch>,
    pub stations: Vec<SynStation>,
}

pub fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(YEAR, MONTH, day).expect("a day of 2026-10")
}

/// The card number as a source system would send it: 16 digits.
pub fn card_text(card: u64) -> String {
    format!("62{card:014}")
}

/// Heavy-tailed station activity: Pareto(α = 1.3, x_min = 1), capped so
/// one station cannot swallow the county.
fn activity(rng: &mut Lcg) -> f64 {
    rng.unit().powf(-1.0 / 1.3).min(250.0)
}

impl SynMonth {
    /// The month through day `as_of_day` of 2026-10 (31 = actual figures,
    /// earlier = projected). Card transactions always total `CARD_TXNS`;
    /// payments so far scale with the days elapsed.
    pub fn generate(as_of_day: u32) -> SynMonth {
        assert!((1..=DAYS).contains(&as_of_day), "as_of_day {as_of_day}");
        let mut rng = Lcg(SEED);

        let mut branches: Vec<SynBranch> = (0..BRANCHES)
            .map(|b| {
                let maintainers = 1 + rng.below(3) as usize;
                SynBranch {
                    id: format!("B{b:03}"),
                    // 70 % rural, as in a county like Dezhou's.
                    kind: if b % 10 < 7 { Kind::Rural } else { Kind::Urban },
                    plan: None,
                    manager: format!("M{b:03}"),
                    maintainers: (0..maintainers).map(|j| format!("P{b:03}-{j}")).collect(),
                }
            })
            .collect();

        // Activity first, so the 300,000 card transactions can be dealt out
        // exactly in proportion to it.
        let weights: Vec<f64> = (0..STATIONS).map(|_| activity(&mut rng)).collect();
        let total_weight: f64 = weights.iter().sum();
        let mut txn_counts: Vec<usize> = weights
            .iter()
            .map(|w| (CARD_TXNS as f64 * w / total_weight).floor() as usize)
            .collect();
        let short = CARD_TXNS - txn_counts.iter().sum::<usize>();
        for n in txn_counts.iter_mut().take(short) {
            *n += 1;
        }

        let mut per_branch = vec![0u64; BRANCHES];
        let mut stations = Vec::with_capacity(STATIONS);
        for (i, (&weight, &txns)) in weights.iter().zip(&txn_counts).enumerate() {
            let b = rng.below(BRANCHES as u32) as usize;
            per_branch[b] += 1;
            let branch = &branches[b];
            let kind = branch.kind;
            let maintainer = branch.maintainers[rng.below(branch.maintainers.len() as u32) as usize].clone();
            let (village_households, stations_in_village) = match kind {
                // 3 % of rural stations lack the village size (a warning).
                Kind::Rural if rng.percent(3) => (None, 1),
                Kind::Rural => (
                    Some(40 + u64::from(rng.below(460))),
                    [1, 1, 1, 2, 2, 3][rng.below(6) as usize],
                ),
                Kind::Urban => (None, 1),
            };

            // Payments: a median of about 35 a month, heavy-tailed with the
            // card activity; the month so far is its share of the days.
            let month_payments = (20.0 * weight * (0.5 + rng.unit())).floor() as u64;
            let so_far = month_payments * u64::from(as_of_day) / u64::from(DAYS);
            let share = |percent: u64| so_far * percent / 100;
            let (mobile, unicom, telecom, other) = (share(30), share(12), share(10), share(3));
            let electricity = so_far - mobile - unicom - telecom - other;
            let mut payments = [(0u64, 0i64); CATEGORIES.len()];
            for (category, count, fen_min, fen_span) in [
                (0, mobile, 3_000, 7_000),
                (1, unicom, 3_000, 5_000),
                (2, telecom, 3_000, 5_000),
                (3, electricity, 2_000, 10_000),
                (4, other, 1_000, 4_000),
            ] {
                let amount = if count == 0 {
                    0
                } else {
                    count as i64 * (fen_min + i64::from(rng.below(fen_span))) + i64::from(rng.below(100))
                };
                payments[category] = (count, amount);
            }

            // Card transactions: a pool of regular cards, a few of them
            // frequent; one in five swipes repeats the last card on the
            // same day, so the cap of two a day bites.
            let pool = (txns / 3).max(3) as u32;
            let mut card_txns: Vec<(u64, u32)> = Vec::with_capacity(txns);
            for _ in 0..txns {
                let repeat = !card_txns.is_empty() && rng.percent(20);
                let txn = if repeat {
                    card_txns[card_txns.len() - 1]
                } else {
                    let u = rng.unit();
                    let card = (f64::from(pool) * u * u) as u64;
                    (i as u64 * CARD_STRIDE + card, 1 + rng.below(as_of_day))
                };
                card_txns.push(txn);
            }

            let referrals = if rng.percent(30) {
                REFERRAL_KINDS
                    .iter()
                    .map(|&k| (k, u64::from(rng.below(4))))
                    .filter(|&(_, n)| n > 0)
                    .collect()
            } else {
                Vec::new()
            };

            stations.push(SynStation {
                // A permutation of 0..STATIONS: input order is not id order.
                id: format!("S{:05}", (i * 7_919) % STATIONS),
                branch: b,
                kind,
                maintainer,
                village_households,
                stations_in_village,
                payments,
                card_txns,
                referrals,
            });
        }

        // 80 % of branches have a plan, at 50–100 % of their stations.
        for (branch, &n) in branches.iter_mut().zip(&per_branch) {
            if rng.percent(80) {
                branch.plan = Some((n * u64::from(50 + rng.below(51))).div_ceil(100));
            }
        }

        SynMonth {
            as_of_day,
            branches,
            stations,
        }
    }

    pub fn as_of(&self) -> NaiveDate {
        date(self.as_of_day)
    }

    pub fn card_txn_count(&self) -> usize {
        self.stations.iter().map(|s| s.card_txns.len()).sum()
    }

    /// Each station's card transactions keyed as `calc` keys them: the
    /// card's text and the date.
    pub fn card_txns_as_text(&self) -> Vec<Vec<(String, NaiveDate)>> {
        self.stations
            .iter()
            .map(|s| {
                s.card_txns
                    .iter()
                    .map(|&(card, day)| (card_text(card), date(day)))
                    .collect()
            })
            .collect()
    }

    /// All card transactions of the month in one list, keyed by card
    /// number (card numbers are unique across stations).
    pub fn card_txns_flat(&self) -> Vec<(u64, NaiveDate)> {
        self.stations
            .iter()
            .flat_map(|s| s.card_txns.iter().map(|&(card, day)| (card, date(day))))
            .collect()
    }

    /// The engine's facts: the same as `calc` makes of `to_json()`, card
    /// counts by `card_counts`.
    pub fn facts(&self) -> MonthFacts {
        let branches = self
            .branches
            .iter()
            .map(|b| BranchFacts {
                id: b.id.clone(),
                kind: b.kind,
                plan: b.plan,
                manager: b.manager.clone(),
                maintainers: b.maintainers.clone(),
            })
            .collect();
        let stations = self
            .stations
            .iter()
            .map(|s| StationFacts {
                id: s.id.clone(),
                branch: self.branches[s.branch].id.clone(),
                kind: s.kind,
                maintainer: s.maintainer.clone(),
                village_households: s.village_households,
                stations_in_village: s.stations_in_village,
                payments: CATEGORIES
                    .iter()
                    .zip(s.payments)
                    .map(|(id, (count, fen))| {
                        (
                            id.to_string(),
                            CategoryFacts {
                                count,
                                amount: Decimal::new(fen, 2),
                            },
                        )
                    })
                    .collect(),
                card: card_counts(s.card_txns.iter().map(|&(card, day)| (card, date(day))), CARD_CAP),
                referrals: s
                    .referrals
                    .iter()
                    .map(|&(k, n)| (k.to_string(), n))
                    .collect::<BTreeMap<_, _>>(),
                withholding_history: Vec::new(),
            })
            .collect();
        MonthFacts {
            month: Month::new(YEAR, MONTH).expect("2026-10"),
            as_of: self.as_of(),
            branches,
            stations,
        }
    }

    /// CALC.md's input JSON: one branch or station a line.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(64 * CARD_TXNS + 512 * STATIONS);
        let kind = |k: Kind| k.as_str();
        let yuan = |fen: i64| format!("{}.{:02}", fen / 100, fen % 100);
        let _ = write!(
            out,
            "{{\"month\":\"{YEAR}-{MONTH:02}\",\"as_of\":\"{}\",\n\"branches\":[",
            self.as_of().format("%Y-%m-%d")
        );
        for (i, b) in self.branches.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            let _ = write!(out, "{{\"id\":\"{}\",\"kind\":\"{}\",", b.id, kind(b.kind));
            if let Some(plan) = b.plan {
                let _ = write!(out, "\"plan\":{plan},");
            }
            let maintainers: Vec<String> = b.maintainers.iter().map(|m| format!("\"{m}\"")).collect();
            let _ = write!(
                out,
                "\"manager\":\"{}\",\"maintainers\":[{}]}}",
                b.manager,
                maintainers.join(",")
            );
        }
        out.push_str("],\n\"stations\":[");
        for (i, s) in self.stations.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            let _ = write!(
                out,
                "{{\"id\":\"{}\",\"branch\":\"{}\",\"kind\":\"{}\",\"maintainer\":\"{}\",",
                s.id,
                self.branches[s.branch].id,
                kind(s.kind),
                s.maintainer
            );
            if let Some(h) = s.village_households {
                let _ = write!(out, "\"village_households\":{h},");
            }
            let _ = write!(out, "\"stations_in_village\":{},\"payments\":{{", s.stations_in_village);
            for (j, category) in CATEGORIES.into_iter().enumerate() {
                let (count, fen) = s.payments[j];
                let _ = write!(
                    out,
                    "{}\"{}\":{{\"count\":{count},\"amount\":\"{}\"}}",
                    if j == 0 { "" } else { "," },
                    category,
                    yuan(fen)
                );
            }
            out.push_str("},\"card_txns\":[");
            for (j, &(card, day)) in s.card_txns.iter().enumerate() {
                let _ = write!(
                    out,
                    "{}{{\"card\":\"{}\",\"date\":\"{YEAR}-{MONTH:02}-{day:02}\"}}",
                    if j == 0 { "" } else { "," },
                    card_text(card)
                );
            }
            out.push_str("],\"referrals\":{");
            for (j, (k, n)) in s.referrals.iter().enumerate() {
                let _ = write!(out, "{}\"{k}\":{n}", if j == 0 { "" } else { "," });
            }
            out.push_str("}}");
        }
        out.push_str("\n]}\n");
        out
    }
}
