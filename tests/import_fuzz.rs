//! Bounded property-based fuzzing of the import readers (issue 8): random
//! bytes, and random but plausible rows of every import kind (as CSV and as
//! XLSX), through the real readers and the real store import. Whatever the
//! file holds: no panic; every row is either read or refused with its own
//! line number; an import either succeeds or names the bad rows' lines.
//!
//! Case counts are kept small (a few hundred files in all, a few seconds)
//! so that `cargo test` stays fast; raise PROPTEST_CASES to search longer.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use bianmin::ingest::{self, ImportKind, IngestError, RowError};
use bianmin::policy::Policy;
use bianmin::store::import::ImportError;
use bianmin::store::Store;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn kind() -> impl Strategy<Value = ImportKind> {
    prop::sample::select(ImportKind::ALL.to_vec())
}

/// Every row of a file as `Ok(line)` or `Err(error)`, or the file-level
/// error.
fn read(kind: ImportKind, path: &Path) -> Result<Vec<Result<u64, RowError>>, IngestError> {
    fn lines<T>(rows: ingest::Rows<T>, line: fn(&T) -> u64) -> Vec<Result<u64, RowError>> {
        rows.map(|r| r.map(|row| line(&row))).collect()
    }
    Ok(match kind {
        ImportKind::Stations => lines(ingest::read_stations(path)?, |r| r.line),
        ImportKind::Plans => lines(ingest::read_plans(path)?, |r| r.line),
        ImportKind::Payments => lines(ingest::read_payments(path)?, |r| r.line),
        ImportKind::Cards => lines(ingest::read_cards(path)?, |r| r.line),
        ImportKind::Referrals => lines(ingest::read_referrals(path)?, |r| r.line),
        ImportKind::People => lines(ingest::read_people(path)?, |r| r.line),
        ImportKind::Invoices => lines(ingest::read_invoices(path)?, |r| r.line),
        ImportKind::Allocations => lines(ingest::read_allocations(path)?, |r| r.line),
        ImportKind::StationPlans => lines(ingest::read_station_plans(path)?, |r| r.line),
        ImportKind::Distribution => lines(ingest::read_distribution(path)?, |r| r.line),
    })
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Bytes that look a little like CSV: separators, quotes, line ends, NUL,
/// digits, letters, GBK and UTF-8 Chinese, a BOM, bytes invalid in UTF-8.
fn csvish_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b",".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(vec![0u8]),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just("站点编码,交易流水号,金额,卡号,月份".as_bytes().to_vec()),
        Just(b"\xd5\xbe\xb5\xe3".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"2026-10-01 08:00".to_vec()),
        Just(b"-12.50".to_vec()),
        Just(b"99999999999999999999".to_vec()),
        Just(b"../x".to_vec()),
        prop::collection::vec(any::<u8>(), 0..16),
        "[a-zA-Z0-9 .]{0,12}".prop_map(String::into_bytes),
    ];
    prop::collection::vec(piece, 0..120).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn random_bytes_never_panic_and_row_errors_carry_a_line(
        kind in kind(),
        bytes in prop_oneof![csvish_bytes(), prop::collection::vec(any::<u8>(), 0..2048)],
        zip_header in any::<bool>(),
        xlsx_name in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let bytes = if zip_header { [b"PK\x03\x04".as_slice(), &bytes].concat() } else { bytes };
        let name = if xlsx_name { "f.xlsx" } else { "f.csv" };
        let path = write(dir.path(), name, &bytes);
        let physical_lines = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u64 + 1;
        match read(kind, &path) {
            Err(e) => prop_assert!(!e.to_string().is_empty()),
            Ok(rows) => {
                for row in rows {
                    let line = match row { Ok(line) => line, Err(e) => e.line };
                    prop_assert!(line >= 1 && line <= physical_lines, "line {} of {}", line, physical_lines);
                }
            }
        }
    }
}

// ---- plausible rows ------------------------------------------------------

/// A cell for a column: mostly what the column takes, sometimes what it
/// must refuse (hostile codes, absurd figures, control characters, long
/// text, line breaks inside quotes).
fn cell(column: &'static str) -> BoxedStrategy<String> {
    let valid: BoxedStrategy<String> = match column {
        "station_code" => prop::sample::select(vec!["S001", "S002", "S004", "S999"])
            .prop_map(String::from)
            .boxed(),
        "branch_code" => prop::sample::select(vec!["B01", "B02", "B99"])
            .prop_map(String::from)
            .boxed(),
        "manager_id" => prop::sample::select(vec!["M01", "M02"]).prop_map(String::from).boxed(),
        "maintainer_id" => prop::sample::select(vec!["P01", "P02", "P03"])
            .prop_map(String::from)
            .boxed(),
        "txn_id" | "referral_id" => "[A-Z][0-9]{1,8}".boxed(),
        "time" => (1u32..=31, 0u32..24, 0u32..60)
            .prop_map(|(d, h, m)| format!("2026-10-{d:02} {h:02}:{m:02}:00"))
            .boxed(),
        "date" | "opened_on" | "closed_on" => (1u32..=31).prop_map(|d| format!("2026/10/{d}")).boxed(),
        "month" => Just("2026-10".to_string()).boxed(),
        "amount" => (-100_000i64..1_000_000_000)
            .prop_map(|fen| format!("{}.{:02}", fen / 100, (fen % 100).abs()))
            .boxed(),
        "card_number" => "6217[0-9]{12,15}".boxed(),
        "category" => prop::sample::select(vec!["移动", "联通话费", "电费", "other"])
            .prop_map(String::from)
            .boxed(),
        "status" => prop::sample::select(vec!["成功", "冲正", "正常", "撤销", ""])
            .prop_map(String::from)
            .boxed(),
        "kind" | "station_kind" | "branch_kind" => {
            prop::sample::select(vec!["农村", "城市", "惠农通", "金融客户", "rural"])
                .prop_map(String::from)
                .boxed()
        }
        "target" | "village_households" | "stations_in_village" | "route_order" => {
            (0u64..2_000).prop_map(|n| n.to_string()).boxed()
        }
        "has_terminal" | "has_green_card" => prop::sample::select(vec!["是", "否", "1"])
            .prop_map(String::from)
            .boxed(),
        _ => "[王李张庄站村 a-z]{1,10}".boxed(),
    };
    let hostile = prop_oneof![
        Just(String::new()),
        Just("../escaped".to_string()),
        Just("/tmp/x".to_string()),
        Just("a\\b".to_string()),
        Just("=HYPERLINK(\"x\")".to_string()),
        Just("S0\u{1b}[2J".to_string()),
        Just("X\u{202e}Y".to_string()),
        Just("18446744073709551616".to_string()),
        Just("-9223372036854775808".to_string()),
        Just("1,000,000,000.00".to_string()),
        Just("6.2E+18".to_string()),
        Just("two\nlines".to_string()),
        Just(" \u{3000} ".to_string()),
        "[A-Z]{65,80}",
        any::<String>(),
    ];
    prop_oneof![4 => valid, 1 => hostile].boxed()
}

/// A header (English or Chinese names, every column of the kind) and rows.
fn table(kind: ImportKind) -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
    let columns = kind.columns();
    let row: Vec<BoxedStrategy<String>> = columns.iter().map(|c| cell(c.english)).collect();
    (any::<bool>(), prop::collection::vec(row, 0..12)).prop_map(move |(chinese, rows)| {
        let header = columns
            .iter()
            .map(|c| if chinese { c.chinese } else { c.english }.to_string())
            .collect();
        (header, rows)
    })
}

fn kind_and_table() -> impl Strategy<Value = (ImportKind, Vec<String>, Vec<Vec<String>>)> {
    kind().prop_flat_map(|kind| table(kind).prop_map(move |(header, rows)| (kind, header, rows)))
}

fn csv_bytes(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.into_inner().unwrap()
}

fn xlsx_bytes(dir: &Path, header: &[String], rows: &[Vec<String>]) -> PathBuf {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (r, row) in std::iter::once(header)
        .chain(rows.iter().map(Vec::as_slice))
        .enumerate()
    {
        for (c, text) in row.iter().enumerate() {
            // Excel cannot hold every character (control characters are
            // escaped by the writer); what it can, it keeps.
            sheet.write_string(r as u32, c as u16, text).unwrap();
        }
    }
    let path = dir.join("f.xlsx");
    workbook.save(&path).unwrap();
    path
}

/// The line each row starts on (CSV: the header is line 1, a quoted line
/// break inside a cell moves the rows after it), `None` for rows whose
/// cells are all blank (skipped).
fn expected_lines(rows: &[Vec<String>], csv: bool) -> Vec<Option<u64>> {
    let mut line = 2u64;
    rows.iter()
        .map(|row| {
            let start = line;
            line += 1;
            if csv {
                line += row.iter().map(|c| line_breaks(c)).sum::<u64>();
            }
            (!row.iter().all(|c| c.trim().is_empty())).then_some(start)
        })
        .collect()
}

/// `\r\n`, `\r` and `\n` are one line break each.
fn line_breaks(text: &str) -> u64 {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|&c| c == '\n' || c == '\r')
        .count() as u64
}

/// A store with the fixtures' registry (S001–S006, B01, B02).
fn registry() -> Store {
    let store = Store::open_in_memory().unwrap();
    let stations = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/imports/stations.csv");
    store
        .import_stations(ingest::read_stations(&stations).unwrap())
        .unwrap();
    store
}

fn import(store: &Store, kind: ImportKind, path: &Path) -> Result<(), ImportError> {
    let policy = Policy::dezhou_2012();
    match kind {
        ImportKind::Stations => store.import_stations(ingest::read_stations(path)?).map(drop),
        ImportKind::Plans => store.import_plans(ingest::read_plans(path)?).map(drop),
        ImportKind::Payments => store.import_payments(ingest::read_payments(path)?, &policy).map(drop),
        ImportKind::Cards => store.import_cards(ingest::read_cards(path)?, &policy).map(drop),
        ImportKind::Referrals => store.import_referrals(ingest::read_referrals(path)?, &policy).map(drop),
        ImportKind::People => store.import_people(ingest::read_people(path)?).map(drop),
        ImportKind::Invoices => store.import_invoices(ingest::read_invoices(path)?).map(drop),
        ImportKind::StationPlans => store.import_station_plans(ingest::read_station_plans(path)?).map(drop),
        ImportKind::Distribution => store.import_distribution(ingest::read_distribution(path)?).map(drop),
        ImportKind::Allocations => unreachable!("the city's allocation is read, never imported"),
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn plausible_rows_are_read_or_refused_on_their_own_line(
        (kind, header, rows) in kind_and_table(),
        as_xlsx in prop::bool::weighted(0.25),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = if as_xlsx {
            xlsx_bytes(dir.path(), &header, &rows)
        } else {
            let bytes = csv_bytes(&header, &rows);
            if bytes.contains(&0) {
                // A NUL makes a CSV file "binary data", refused whole.
                let path = write(dir.path(), "f.csv", &bytes);
                let refused = matches!(read(kind, &path), Err(IngestError::NotCsvOrXlsx { .. }));
                prop_assert!(refused);
                return Ok(());
            }
            write(dir.path(), "f.csv", &bytes)
        };
        // XLSX rows are numbered as Excel shows them: one a row.
        let expected: Vec<u64> = expected_lines(&rows, !as_xlsx).into_iter().flatten().collect();
        let read = read(kind, &path).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let got: Vec<u64> = read.iter().map(|r| match r { Ok(line) => *line, Err(e) => e.line }).collect();
        prop_assert_eq!(got, expected);
        for row in &read {
            if let Err(e) = row {
                // Quoted text is cut: an error stays a few lines long.
                prop_assert!(e.to_string().chars().count() < 800, "{}", e);
            }
        }
        // And into a store: the import succeeds or lists bad rows by line
        // (the city's allocation is only read, by `reconcile`).
        if kind == ImportKind::Allocations {
            return Ok(());
        }
        let store = registry();
        match import(&store, kind, &path) {
            Ok(()) => prop_assert!(read.iter().all(Result::is_ok)),
            Err(ImportError::BadRows { errors, total, .. }) => {
                prop_assert!(total >= 1 && !errors.is_empty());
                for e in errors {
                    prop_assert!(e.line >= 2, "{}", e);
                }
            }
            Err(other) => prop_assert!(false, "{}", other),
        }
    }
}
