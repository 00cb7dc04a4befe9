//! Writes the import benchmark's files (benches/import_bench.sh): a station
//! registry of 5,000 stations in 100 branches and a month of bill payments
//! (1,000,000 rows by default, 74 MB), as UTF-8 CSV with the Chinese
//! headers of docs/IMPORTS.md.
//!
//! `cargo run --release --example gen_import_files -- OUT_DIR [PAYMENT_ROWS]`
//! writes `OUT_DIR/stations.csv` and `OUT_DIR/payments.csv`.
//!
//! Deterministic (a 64-bit LCG with a fixed seed, no `rand`): every run
//! writes the same bytes. Payments are in time order through 2026-10, one
//! 22-character transaction id each (`P` + date + time + a running number),
//! on heavy-tailed stations, with amounts in yuan with two decimals. One row
//! in 500 is reversed (状态 冲正), and one line in 2,000 is a reversal of a
//! payment a few lines earlier (same id, negative amount, 冲正), which takes
//! it back.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const STATIONS: usize = 5_000;
const BRANCHES: usize = 100;
/// The first branches are urban (城市), the others rural (农村).
const URBAN_BRANCHES: usize = 15;
const MAINTAINERS_PER_BRANCH: usize = 3;
const DEFAULT_PAYMENT_ROWS: u64 = 1_000_000;
/// 2026-10.
const YEAR: u32 = 2026;
const MONTH: u32 = 10;
const DAYS: u32 = 31;
/// Business hours: payments from 07:00:00 to 20:59:59.
const OPEN_SECOND: u32 = 7 * 3600;
const OPEN_SECONDS: u32 = 14 * 3600;
/// Every `REVERSED_EVERY`th payment is itself reversed.
const REVERSED_EVERY: u64 = 500;
/// Every `REVERSAL_EVERY`th line reverses the payment `REVERSAL_LAG` lines back.
const REVERSAL_EVERY: u64 = 2_000;
const REVERSAL_LAG: usize = 7;

const SEED: u64 = 0x00b1_a4d1_1a9b_2026;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗",
];
const GIVEN: &[&str] = &[
    "明", "强", "芳", "伟", "刚", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "超", "秀英", "建国",
    "海燕", "志强", "春梅", "文斌", "桂兰", "德胜",
];
const TOWNS: &[&str] = &[
    "临邑", "德城", "陵城", "宁津", "庆云", "齐河", "平原", "夏津", "武城", "乐陵", "禹城", "邢侯", "孟寺", "翟家",
    "宿安", "恩城", "德平", "林子", "兴隆", "理合",
];
const VILLAGE_HEADS: &[&str] = &[
    "王", "李", "张", "刘", "后", "前", "东", "西", "南", "北", "大", "小", "高", "马", "孙", "杨",
];
const VILLAGE_TAILS: &[&str] = &[
    "庄", "集", "屯", "店", "家寨", "家洼", "官庄", "楼", "桥", "营", "堂", "坊",
];
const COMMUNITIES: &[&str] = &[
    "东风路",
    "新华",
    "天衢",
    "解放路",
    "湖滨",
    "长河",
    "广川",
    "运河",
    "德州路",
    "商业街",
];

/// Payment categories as one source system writes them: (name, share in
/// 1/1000, amount kind).
const CATEGORIES: &[(&str, u32, Amount)] = &[
    ("移动话费", 340, Amount::TopUp),
    ("联通话费", 100, Amount::TopUp),
    ("电信话费", 60, Amount::TopUp),
    ("电费", 400, Amount::Bill(2_000, 40_000)),
    ("水费", 50, Amount::Bill(1_000, 12_000)),
    ("燃气费", 30, Amount::Bill(5_000, 30_000)),
    ("有线电视费", 20, Amount::Bill(2_500, 30_000)),
];

#[derive(Clone, Copy)]
enum Amount {
    /// A phone top-up: one of the usual face values, now and then odd.
    TopUp,
    /// A bill: uniform in fen between the bounds.
    Bill(u32, u32),
}

const TOP_UPS: &[u32] = &[1_000, 2_000, 3_000, 5_000, 5_000, 5_000, 10_000, 10_000, 20_000];

/// 64-bit LCG (Knuth's MMIX constants); the high 32 bits are the output.
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

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u32) as usize]
    }
}

fn person_name(rng: &mut Lcg) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

fn station_code(i: usize) -> String {
    format!("S{:05}", i + 1)
}

/// Writes the station registry; returns each station's share of the
/// payments as a cumulative weight table.
fn write_stations(path: &Path, rng: &mut Lcg) -> std::io::Result<Vec<f64>> {
    let mut out = BufWriter::new(File::create(path)?);
    writeln!(
        out,
        "站点编码,站点名称,站点类型,支局编码,支局名称,支局类型,支局长工号,支局长姓名,\
         维护人员工号,维护人员姓名,所在村,村户数,同村站点数,线路顺序,状态,开办日期,撤销日期,\
         有商易通终端,有绿卡"
    )?;
    let per_branch = STATIONS / BRANCHES;
    let mut cumulative = Vec::with_capacity(STATIONS);
    let mut total = 0.0;
    for b in 0..BRANCHES {
        let urban = b < URBAN_BRANCHES;
        let kind = if urban { "城市" } else { "农村" };
        let branch_id = format!("B{:03}", b + 1);
        let branch_name = format!(
            "{}{}支局",
            TOWNS[b % TOWNS.len()],
            ["", "一", "二", "三", "四"][b / TOWNS.len()]
        );
        let manager_id = format!("M{:03}", b + 1);
        let manager_name = person_name(rng);
        let maintainers: Vec<(String, String)> = (0..MAINTAINERS_PER_BRANCH)
            .map(|m| (format!("W{:04}", b * MAINTAINERS_PER_BRANCH + m + 1), person_name(rng)))
            .collect();
        for n in 0..per_branch {
            let i = b * per_branch + n;
            let (maintainer_id, maintainer_name) = &maintainers[n * MAINTAINERS_PER_BRANCH / per_branch];
            let (name, village, households) = if urban {
                let community = rng.pick(COMMUNITIES);
                (
                    format!("{community}{}号便民服务站", n + 1),
                    format!("{community}社区"),
                    String::new(),
                )
            } else {
                let village = format!("{}{}", rng.pick(VILLAGE_HEADS), rng.pick(VILLAGE_TAILS));
                let households = 80 + rng.below(520);
                (
                    format!("{village}{}便民服务站", n + 1),
                    format!("{village}村"),
                    households.to_string(),
                )
            };
            let status = if rng.below(100) < 2 { "暂停" } else { "正常" };
            let opened = format!(
                "{}-{:02}-{:02}",
                2015 + rng.below(11),
                1 + rng.below(12),
                1 + rng.below(28)
            );
            let terminal = if rng.below(100) < 3 { "否" } else { "是" };
            let green_card = if rng.below(100) < 4 { "否" } else { "是" };
            writeln!(
                out,
                "{},{name},{kind},{branch_id},{branch_name},{kind},{manager_id},{manager_name},\
                 {maintainer_id},{maintainer_name},{village},{households},1,{},{status},{opened},,\
                 {terminal},{green_card}",
                station_code(i),
                n + 1
            )?;
            // Heavy tail: Pareto(α = 1.2), capped.
            total += rng.unit().powf(-1.0 / 1.2).min(200.0);
            cumulative.push(total);
        }
    }
    out.flush()?;
    Ok(cumulative)
}

/// The index of the station a uniform draw in (0, 1) falls on.
fn pick_station(cumulative: &[f64], u: f64) -> usize {
    let target = u * cumulative[cumulative.len() - 1];
    cumulative.partition_point(|&c| c < target).min(cumulative.len() - 1)
}

fn pick_category(rng: &mut Lcg) -> usize {
    let mut draw = rng.below(1000);
    for (i, (_, share, _)) in CATEGORIES.iter().enumerate() {
        if draw < *share {
            return i;
        }
        draw -= share;
    }
    CATEGORIES.len() - 1
}

fn amount_fen(rng: &mut Lcg, kind: Amount) -> u32 {
    match kind {
        Amount::TopUp if rng.below(20) == 0 => 500 + rng.below(19_500),
        Amount::TopUp => TOP_UPS[rng.below(TOP_UPS.len() as u32) as usize],
        Amount::Bill(low, high) => low + rng.below(high - low),
    }
}

fn push_yuan(line: &mut String, fen: i64) {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let _ = write!(line, "{sign}{}.{:02}", fen / 100, fen % 100);
}

/// A written payment, remembered so a later line can reverse it.
#[derive(Clone, Default)]
struct Written {
    txn_id: String,
    station: usize,
    category: usize,
    fen: i64,
}

/// Writes `rows` payment lines in time order; returns (reversed, reversal) lines.
fn write_payments(path: &Path, rows: u64, cumulative: &[f64], rng: &mut Lcg) -> std::io::Result<(u64, u64)> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(out, "交易流水号,站点编码,交易时间,业务类型,金额,状态")?;
    // Rows per day: busier at the month's start (bills arrive) and at weekends
    // (2026-10-01 is a Thursday).
    let weights: Vec<f64> = (1..=DAYS)
        .map(|day| {
            let weekend = matches!((day + 2) % 7, 5 | 6);
            (if weekend { 1.25 } else { 0.95 }) * if day <= 10 { 1.15 } else { 0.92 }
        })
        .collect();
    let weight_total: f64 = weights.iter().sum();
    let mut per_day: Vec<u64> = weights
        .iter()
        .map(|w| (rows as f64 * w / weight_total) as u64)
        .collect();
    per_day[DAYS as usize - 1] += rows - per_day.iter().sum::<u64>();

    // The last REVERSAL_LAG + 1 lines' payments, by line number modulo RING.
    const RING: usize = REVERSAL_LAG + 1;
    let mut recent: Vec<Written> = vec![Written::default(); RING];
    let mut line = String::with_capacity(128);
    let (mut reversed, mut reversals) = (0, 0);
    let mut k: u64 = 0;
    for (d, &count) in per_day.iter().enumerate() {
        let day = d as u32 + 1;
        for j in 0..count {
            line.clear();
            let second = OPEN_SECOND + (j * u64::from(OPEN_SECONDS) / count.max(1)) as u32;
            let (h, m, s) = (second / 3600, second / 60 % 60, second % 60);
            if k % REVERSAL_EVERY == REVERSAL_EVERY - 1 {
                // Reverses the payment REVERSAL_LAG lines back.
                let slot = (k as usize + 1) % RING;
                let p = &recent[slot];
                let _ = write!(
                    line,
                    "{},{},{YEAR}-{MONTH:02}-{day:02} {h:02}:{m:02}:{s:02},{},",
                    p.txn_id,
                    station_code(p.station),
                    CATEGORIES[p.category].0
                );
                push_yuan(&mut line, -p.fen);
                line.push_str(",冲正\n");
                reversals += 1;
            } else {
                let txn_id = format!("P{YEAR}{MONTH:02}{day:02}{h:02}{m:02}{s:02}{:07}", k + 1);
                let station = pick_station(cumulative, rng.unit());
                let category = pick_category(rng);
                let fen = i64::from(amount_fen(rng, CATEGORIES[category].2));
                let status = if k % REVERSED_EVERY == REVERSED_EVERY / 2 {
                    reversed += 1;
                    "冲正"
                } else {
                    "成功"
                };
                let _ = write!(
                    line,
                    "{txn_id},{},{YEAR}-{MONTH:02}-{day:02} {h:02}:{m:02}:{s:02},{},",
                    station_code(station),
                    CATEGORIES[category].0
                );
                push_yuan(&mut line, fen);
                let _ = writeln!(line, ",{status}");
                recent[k as usize % RING] = Written {
                    txn_id,
                    station,
                    category,
                    fen,
                };
            }
            out.write_all(line.as_bytes())?;
            k += 1;
        }
    }
    out.flush()?;
    Ok((reversed, reversals))
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let dir = args.next().map(PathBuf::from);
    let rows = match args.next().map(|a| a.parse::<u64>()) {
        None => Some(DEFAULT_PAYMENT_ROWS),
        Some(Ok(n)) if n > 0 => Some(n),
        Some(_) => None,
    };
    let (Some(dir), Some(rows), None) = (dir, rows, args.next()) else {
        eprintln!("usage: gen_import_files OUT_DIR [PAYMENT_ROWS >= 1]");
        return ExitCode::from(2);
    };
    let mut rng = Lcg(SEED);
    let stations = dir.join("stations.csv");
    let payments = dir.join("payments.csv");
    let result = write_stations(&stations, &mut rng)
        .and_then(|cumulative| write_payments(&payments, rows, &cumulative, &mut rng));
    match result {
        Ok((reversed, reversals)) => {
            let size = std::fs::metadata(&payments).map_or(0, |m| m.len());
            eprintln!(
                "gen_import_files: {} ({STATIONS} stations, {BRANCHES} branches), {} ({rows} rows, \
                 {reversed} reversed, {reversals} reversals of earlier rows, {size} bytes)",
                stations.display(),
                payments.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_import_files: cannot write to {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}
