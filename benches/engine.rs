//! The policy engine at county scale: one month of 10,000 stations in 200
//! branches with 300,000 card transactions (see `synthetic/mod.rs`).
//!
//! `cargo bench --bench engine`; goals: `evaluate_month_10k` < 50 ms,
//! `calc_10k` (and `bianmin calc`, benches/calc_e2e.sh) < 0.5 s.
//! The args are the month's `as_of`: the 31st gives actual figures, the
//! 15th projected ones (R10).

use bianmin::calc::{calc, parse_input, CalcOutput};
use bianmin::policy::card_cap::card_counts;
use bianmin::policy::{evaluate, Policy};
use divan::Bencher;

mod synthetic;
use synthetic::{SynMonth, CARD_CAP, CARD_TXNS, STATIONS};

const AS_OF: [&str; 2] = ["2026-10-31", "2026-10-15"];

fn main() {
    divan::main();
}

/// The synthetic month through `as_of` (`YYYY-MM-DD` of 2026-10).
fn month(as_of: &str) -> SynMonth {
    let day = as_of[8..].parse().expect("a day of the month");
    let month = SynMonth::generate(day);
    assert_eq!(month.stations.len(), STATIONS);
    assert_eq!(month.card_txn_count(), CARD_TXNS);
    month
}

/// `evaluate` alone: the facts (card counts included) are built outside.
#[divan::bench(args = AS_OF)]
fn evaluate_month_10k(bencher: Bencher, as_of: &str) {
    let policy = Policy::dezhou_2012();
    let facts = month(as_of).facts();
    let result = evaluate(&policy, &facts).expect("the synthetic month evaluates");
    assert_eq!(result.stations.len(), STATIONS);
    bencher
        .counter(divan::counter::ItemsCount::new(STATIONS))
        .bench_local(|| evaluate(divan::black_box(&policy), divan::black_box(&facts)));
}

/// R1 over the month's 300,000 card transactions.
mod card_counts_300k {
    use super::*;

    /// As `calc` does it: one call per station, cards keyed by their text.
    #[divan::bench(args = AS_OF)]
    fn per_station_text(bencher: Bencher, as_of: &str) {
        let txns = month(as_of).card_txns_as_text();
        bencher
            .counter(divan::counter::ItemsCount::new(CARD_TXNS))
            .bench_local(|| {
                divan::black_box(&txns)
                    .iter()
                    .map(|station| card_counts(station.iter().map(|(c, d)| (c.as_str(), *d)), CARD_CAP))
                    .fold(0u64, |valid, c| valid + c.valid)
            });
    }

    /// One call over the whole month, cards keyed by number (a store that
    /// caps across stations would do this).
    #[divan::bench(args = AS_OF)]
    fn single_call_numeric(bencher: Bencher, as_of: &str) {
        let txns = month(as_of).card_txns_flat();
        bencher
            .counter(divan::counter::ItemsCount::new(CARD_TXNS))
            .bench_local(|| card_counts(divan::black_box(&txns).iter().copied(), CARD_CAP));
    }
}

/// `calc()` end to end in-process: JSON text in, JSON text out.
#[divan::bench(args = AS_OF, sample_count = 20, sample_size = 1)]
fn calc_10k(bencher: Bencher, as_of: &str) {
    let policy = Policy::dezhou_2012();
    let synthetic = month(as_of);
    let text = synthetic.to_json();
    // The JSON says what the facts say.
    let parsed = parse_input(&text, "synthetic.json")
        .expect("the synthetic JSON parses")
        .into_facts(&policy.versions[0])
        .expect("the synthetic JSON is valid");
    assert!(parsed == synthetic.facts(), "calc reads other facts");
    drop(parsed);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench_local(|| calc(divan::black_box(&text), "synthetic.json", &policy));
}

/// `calc()`'s stages, to see where its time goes.
mod calc_stages {
    use super::*;

    /// Text → `CalcInput` (serde_json + serde_path_to_error).
    #[divan::bench(args = AS_OF, sample_count = 20, sample_size = 1)]
    fn parse(bencher: Bencher, as_of: &str) {
        let text = month(as_of).to_json();
        bencher.bench_local(|| parse_input(divan::black_box(&text), "synthetic.json"));
    }

    /// `CalcInput` → `MonthFacts` (date checks and the card cap).
    #[divan::bench(args = AS_OF, sample_count = 20, sample_size = 1)]
    fn into_facts(bencher: Bencher, as_of: &str) {
        let policy = Policy::dezhou_2012();
        let text = month(as_of).to_json();
        bencher
            .with_inputs(|| parse_input(&text, "synthetic.json").expect("parses"))
            .bench_local_values(|input| input.into_facts(&policy.versions[0]));
    }

    /// `MonthResult` → output JSON text.
    #[divan::bench(args = AS_OF, sample_count = 20, sample_size = 1)]
    fn render(bencher: Bencher, as_of: &str) {
        let policy = Policy::dezhou_2012();
        let result = evaluate(&policy, &month(as_of).facts()).expect("evaluates");
        bencher.bench_local(|| {
            let mut out =
                serde_json::to_string_pretty(&CalcOutput::from(divan::black_box(&result))).expect("output serialises");
            out.push('\n');
            out
        });
    }
}
