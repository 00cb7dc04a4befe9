//! The import readers over the fixtures of tests/fixtures/imports/ (made by
//! its make_fixtures.py) and over small files written on the fly for the
//! file-level errors.

use std::io::Write;
use std::path::{Path, PathBuf};

use bianmin::ingest::{
    read_cards, read_payments, read_plans, read_referrals, read_stations, CardRow, FileFormat, IngestError, PaymentRow,
    RowError, Rows, StationRow, StationStatus, TextEncoding,
};
use bianmin::month::Month;
use bianmin::policy::Kind;
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal_macros::dec;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/imports")
        .join(name)
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

/// All rows, panicking on a row error.
fn all_ok<T>(rows: Rows<T>) -> Vec<T> {
    rows.map(|r| r.unwrap_or_else(|e| panic!("{e}"))).collect()
}

/// Writes `bytes` to a file named `name` in a fresh temporary directory.
fn temp_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path).unwrap().write_all(bytes).unwrap();
    (dir, path)
}

#[test]
fn stations() {
    let rows = read_stations(&fixture("stations.csv")).unwrap();
    assert_eq!(
        rows.format(),
        &FileFormat::Csv {
            encoding: TextEncoding::Utf8
        }
    );
    let rows = all_ok(rows);
    assert_eq!(rows.len(), 6);
    let s1 = &rows[0];
    assert_eq!(s1.line, 2);
    assert_eq!(s1.code, "S001");
    assert_eq!(s1.name, "王庄便民服务站");
    assert_eq!(s1.kind, Kind::Rural);
    assert_eq!((s1.branch_code.as_str(), s1.branch_name.as_str()), ("B01", "临邑支局"));
    assert_eq!(s1.branch_kind, Kind::Rural);
    assert_eq!(s1.manager_id, "M01");
    assert_eq!(s1.manager_name.as_deref(), Some("张明"));
    assert_eq!(s1.maintainer_id, "P01");
    assert_eq!(s1.maintainer_name.as_deref(), Some("李强"));
    assert_eq!(s1.village.as_deref(), Some("王庄村"));
    assert_eq!(s1.village_households, Some(200));
    assert_eq!(s1.stations_in_village, 2);
    assert_eq!(s1.route_order, Some(1));
    assert_eq!(s1.status, StationStatus::Open);
    assert_eq!(s1.opened_on, Some(date("2020-03-15")));
    assert_eq!(s1.closed_on, None);
    assert!(s1.has_terminal && s1.has_green_card);

    assert_eq!(rows[1].opened_on, Some(date("2020-05-08")));
    // S003: no count of stations in the village → 1; suspended; no terminal.
    let s3 = &rows[2];
    assert_eq!((s3.maintainer_id.as_str(), s3.stations_in_village), ("P02", 1));
    assert_eq!(s3.status, StationStatus::Suspended);
    assert_eq!(s3.opened_on, Some(date("2021-01-10")));
    assert!(!s3.has_terminal);
    // Urban stations: no village; an empty status is open.
    let s4 = &rows[3];
    assert_eq!((s4.kind, s4.branch_kind), (Kind::Urban, Kind::Urban));
    assert_eq!((s4.village.as_deref(), s4.village_households), (None, None));
    assert_eq!(s4.status, StationStatus::Open);
    let s5 = &rows[4];
    assert_eq!(s5.status, StationStatus::Open);
    assert_eq!(s5.maintainer_name, None);
    assert!(!s5.has_green_card);
    let s6 = &rows[5];
    assert_eq!((s6.line, s6.code.as_str()), (7, "S006"));
    assert_eq!(s6.status, StationStatus::Closed);
    assert_eq!(s6.closed_on, Some(date("2026-10-20")));
}

#[test]
fn plans() {
    let rows = all_ok(read_plans(&fixture("plans.csv")).unwrap());
    let got: Vec<(u64, &str, Month, u64)> = rows
        .iter()
        .map(|p| (p.line, p.branch_code.as_str(), p.month, p.target))
        .collect();
    let oct: Month = "2026-10".parse().unwrap();
    assert_eq!(
        got,
        vec![(2, "B01", oct, 3), (3, "B02", oct, 2), (4, "B01", oct.next(), 3)]
    );
}

fn expected_payments() -> Vec<PaymentRow> {
    // The business types as written; the import maps them to categories.
    let p = |line, txn: &str, station: &str, time, business_type: &str, amount| PaymentRow {
        line,
        txn_id: txn.into(),
        station_code: station.into(),
        time: at(time),
        business_type: business_type.into(),
        amount,
        reversed: false,
    };
    vec![
        p(
            2,
            "P20261001001",
            "S001",
            "2026-10-01 08:15:30",
            "移动话费",
            dec!(50.00),
        ),
        p(3, "P20261001002", "S001", "2026-10-01 09:02:11", "电费", dec!(120.5)),
        p(4, "P20261002001", "S002", "2026-10-02 10:20:00", "联通", dec!(30)),
        p(5, "P20261003001", "S004", "2026-10-03 14:03:22", "电信", dec!(1234.50)),
        p(6, "P20261005001", "S004", "2026-10-05 16:45:00", "水费", dec!(45.00)),
        p(7, "P20261007001", "S005", "2026-10-07 11:00:00", "电费", dec!(88.80)),
        p(8, "P20261009001", "S003", "2026-10-09 00:00:00", "燃气", dec!(60)),
    ]
}

#[test]
fn payments_utf8() {
    let rows = all_ok(read_payments(&fixture("payments.csv")).unwrap());
    assert_eq!(rows, expected_payments());
}

#[test]
fn payments_gbk_read_like_utf8() {
    let rows = read_payments(&fixture("payments-gbk.csv")).unwrap();
    assert_eq!(
        rows.format(),
        &FileFormat::Csv {
            encoding: TextEncoding::Gb18030
        }
    );
    assert_eq!(rows.headers()[4], "金额");
    assert_eq!(all_ok(rows), expected_payments());
}

#[test]
fn payments_bom_with_english_headers_read_like_utf8() {
    let rows = read_payments(&fixture("payments-bom.csv")).unwrap();
    assert_eq!(
        rows.format(),
        &FileFormat::Csv {
            encoding: TextEncoding::Utf8Bom
        }
    );
    // The BOM is not part of the first header.
    assert_eq!(rows.headers()[0], "txn_id");
    assert_eq!(all_ok(rows), expected_payments());
}

#[test]
fn payments_xlsx_read_like_utf8() {
    let rows = read_payments(&fixture("payments.xlsx")).unwrap();
    assert_eq!(
        rows.format(),
        &FileFormat::Xlsx {
            sheet: "交易明细".into()
        }
    );
    let rows = all_ok(rows);
    assert_eq!(rows, expected_payments());
    // Numbers become the same decimals (1234.5 == 1234.50 as a Decimal).
    assert_eq!(rows[3].amount.to_string(), "1234.5");
}

#[test]
fn progress_reaches_the_file_size() {
    for name in ["payments.csv", "payments-gbk.csv", "payments.xlsx"] {
        let path = fixture(name);
        let size = std::fs::metadata(&path).unwrap().len();
        let mut rows = read_payments(&path).unwrap();
        let start = rows.progress();
        assert_eq!(start.total_bytes, size, "{name}");
        assert!(start.bytes_read <= size, "{name}");
        let handle = rows.progress_handle();
        assert!(rows.by_ref().all(|r| r.is_ok()));
        let end = rows.progress();
        assert_eq!((end.bytes_read, end.total_bytes), (size, size), "{name}");
        assert_eq!(handle.get(), end);
        assert_eq!(end.fraction(), 1.0);
    }
}

#[test]
fn a_bad_amount_is_a_row_error_on_its_line() {
    let results: Vec<Result<PaymentRow, RowError>> = read_payments(&fixture("payments-bad-row.csv")).unwrap().collect();
    assert_eq!(results.len(), 6);
    let lines: Vec<u64> = results
        .iter()
        .map(|r| match r {
            Ok(row) => row.line,
            Err(e) => e.line,
        })
        .collect();
    // Line 7 is empty and skipped.
    assert_eq!(lines, vec![2, 3, 4, 5, 6, 8]);
    let err = results[3].as_ref().unwrap_err();
    assert_eq!(
        err,
        &RowError {
            line: 5,
            column: "金额".into(),
            reason: "\"12,5\" is not an amount".into(),
        }
    );
    assert_eq!(err.to_string(), "line 5, column 金额: \"12,5\" is not an amount");
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 5);
    assert_eq!(results[5].as_ref().unwrap().amount, dec!(66.60));
}

#[test]
fn reversed_payments() {
    let rows = all_ok(read_payments(&fixture("payments-reversed.csv")).unwrap());
    let got: Vec<(&str, bool)> = rows.iter().map(|p| (p.txn_id.as_str(), p.reversed)).collect();
    assert_eq!(
        got,
        vec![
            ("P20261010001", false),
            ("P20261010002", true),
            ("P20261010003", true),
            ("P20261010004", true),
            ("P20261010005", true),
            ("P20261010006", true),
            ("P20261010007", false),
        ]
    );
    // A reversal may carry a negative amount; it is kept as written.
    assert_eq!(rows[3].amount, dec!(-20.00));
}

#[test]
fn cards() {
    let rows = all_ok(read_cards(&fixture("cards.csv")).unwrap());
    assert_eq!(rows.len(), 5);
    assert_eq!(
        rows[0],
        CardRow {
            line: 2,
            txn_id: "C20261001001".into(),
            station_code: "S001".into(),
            time: at("2026-10-01 09:30:00"),
            card_number: "6217001234567890123".into(),
            amount: Some(dec!(500.00)),
            reversed: false,
        }
    );
    // Spaces in the card number are dropped: the same card as line 2.
    assert_eq!(rows[1].card_number, rows[0].card_number);
    assert_eq!(rows[2].time, at("2026-10-02 10:00:00"));
    assert_eq!(rows[2].amount, Some(dec!(1000)));
    // An empty amount is allowed for cards.
    assert_eq!(rows[3].card_number, "621700987654");
    assert_eq!(rows[3].amount, None);
    assert!(rows[4].reversed);
}

#[test]
fn one_card_swiped_five_times_in_a_day() {
    let rows = all_ok(read_cards(&fixture("cards-five-swipes.csv")).unwrap());
    assert_eq!(rows.len(), 6);
    let day = date("2026-10-03");
    let same: Vec<&CardRow> = rows.iter().filter(|c| c.card_number == "6217001111222233334").collect();
    assert_eq!(same.len(), 5);
    assert!(same
        .iter()
        .all(|c| c.time.date() == day && c.station_code == "S001" && !c.reversed));
    assert_eq!(same.iter().map(|c| c.line).collect::<Vec<_>>(), vec![2, 3, 4, 5, 6]);
}

#[test]
fn referrals() {
    let rows = all_ok(read_referrals(&fixture("referrals.csv")).unwrap());
    let got: Vec<(u64, &str, &str, NaiveDate, &str)> = rows
        .iter()
        .map(|r| {
            (
                r.line,
                r.referral_id.as_str(),
                r.station_code.as_str(),
                r.date,
                r.kind.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (2, "R001", "S001", date("2026-10-02"), "huinongtong"),
            (3, "R002", "S001", date("2026-10-08"), "finance_leads"),
            (4, "R003", "S004", date("2026-10-12"), "car_insurance_leads"),
            (5, "R004", "S004", date("2026-10-25"), "car_insurance_converted"),
        ]
    );
}

#[test]
fn rows_can_move_to_another_thread_and_progress_can_be_shared() {
    fn send<T: Send>() {}
    fn send_sync<T: Send + Sync>() {}
    send::<Rows<StationRow>>();
    send::<Rows<PaymentRow>>();
    send_sync::<bianmin::ingest::ProgressHandle>();
    send_sync::<IngestError>();
    send_sync::<RowError>();
}

// ---- file-level errors -------------------------------------------------

#[test]
fn a_missing_column_names_it_in_both_languages_and_lists_the_headers() {
    let (_dir, path) = temp_file(
        "p.csv",
        "交易流水号,站点编码,交易时间,业务类型,备注\nP1,S001,2026-10-01 08:00,移动,x\n".as_bytes(),
    );
    let err = read_payments(&path).unwrap_err();
    let IngestError::MissingColumn { missing, found, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(missing.len(), 1);
    assert_eq!((missing[0].chinese, missing[0].english), ("金额", "amount"));
    assert_eq!(found.len(), 5);
    let msg = err.to_string();
    assert!(msg.contains("p.csv: missing column 金额 (amount)"), "{msg}");
    assert!(
        msg.contains("the header row has: 交易流水号, 站点编码, 交易时间, 业务类型, 备注"),
        "{msg}"
    );
    assert_eq!(err.file(), path);
}

#[test]
fn several_missing_columns_are_all_named() {
    let (_dir, path) = temp_file("c.csv", b"txn_id,station_code\nC1,S001\n");
    let msg = read_cards(&path).unwrap_err().to_string();
    assert!(
        msg.contains("missing columns 交易时间 (time), 卡号 (card_number)"),
        "{msg}"
    );
}

#[test]
fn empty_files_and_files_without_a_header() {
    let (_dir, path) = temp_file("empty.csv", b"");
    let err = read_referrals(&path).unwrap_err();
    assert!(matches!(err, IngestError::Empty { .. }), "{err}");
    assert!(err.to_string().ends_with("empty.csv: the file is empty"));

    let (_dir, path) = temp_file("blank.csv", b"\r\n\r\n,,,\n");
    let err = read_referrals(&path).unwrap_err();
    assert!(matches!(err, IngestError::NoHeader { .. }), "{err}");
}

#[test]
fn a_file_that_cannot_be_opened() {
    let err = read_plans(Path::new("/nonexistent/plans.csv")).unwrap_err();
    assert!(matches!(err, IngestError::Open { .. }), "{err}");
    assert!(err
        .to_string()
        .starts_with("/nonexistent/plans.csv: cannot open the file"));
}

#[test]
fn files_that_are_neither_csv_nor_xlsx() {
    let (_dir, path) = temp_file("old.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0");
    let err = read_plans(&path).unwrap_err();
    assert!(matches!(err, IngestError::NotCsvOrXlsx { .. }), "{err}");
    assert!(err.to_string().contains(".xls"), "{err}");

    let (_dir, path) = temp_file("image.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let err = read_plans(&path).unwrap_err();
    assert!(matches!(err, IngestError::NotCsvOrXlsx { .. }), "{err}");

    let (_dir, path) = temp_file("fake.xlsx", "支局编码,月份,计划\nB01,2026-10,3\n".as_bytes());
    let err = read_plans(&path).unwrap_err();
    assert!(matches!(err, IngestError::NotCsvOrXlsx { .. }), "{err}");

    let (_dir, path) = temp_file("unicode.txt", b"\xFF\xFEa\0,\0b\0");
    let err = read_plans(&path).unwrap_err();
    assert!(err.to_string().contains("UTF-16"), "{err}");
}

#[test]
fn a_zip_that_is_no_workbook() {
    // An empty zip archive (end-of-central-directory record only), named .csv:
    // the magic bytes decide.
    let mut zip = b"PK\x03\x04".to_vec();
    zip.extend_from_slice(&[0; 26]);
    let (_dir, path) = temp_file("archive.csv", &zip);
    let err = read_plans(&path).unwrap_err();
    assert!(matches!(err, IngestError::Workbook { .. }), "{err}");
}

#[test]
fn two_headers_for_one_column() {
    let (_dir, path) = temp_file("plans.csv", "支局编码,月份,计划,target\nB01,2026-10,3,3\n".as_bytes());
    let err = read_plans(&path).unwrap_err();
    let IngestError::DuplicateColumn { first, second, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!((first.as_str(), second.as_str()), ("计划", "target"));
}

// ---- row-level behaviour -----------------------------------------------

#[test]
fn wrong_field_counts_are_row_errors() {
    let text = "支局编码,月份,计划\nB01,2026-10,3\nB02,2026-10\nB03,2026-10,3,extra\nB04,2026-10,1\n";
    let (_dir, path) = temp_file("plans.csv", text.as_bytes());
    let results: Vec<_> = read_plans(&path).unwrap().collect();
    assert_eq!(results.len(), 4);
    assert!(results[0].is_ok() && results[3].is_ok());
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(err.to_string(), "line 3: has 2 fields but the header has 3");
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.to_string(), "line 4: has 4 fields but the header has 3");
}

#[test]
fn line_numbers_are_physical_across_quoted_newlines_and_blank_lines() {
    let text = "站点编码,日期,转介类型,转介编号,备注\r\n\r\nS001,2026-10-01,惠农通,R1,\"two\r\nlines\"\r\nS002,2026-10-02,惠农通,R2,\r\n";
    let (_dir, path) = temp_file("r.csv", text.as_bytes());
    let rows = all_ok(read_referrals(&path).unwrap());
    assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![3, 5]);
}

#[test]
fn title_rows_above_the_header_are_skipped() {
    let text = "便民缴费交易明细,,,,\n导出日期：2026-11-01,,,,\n\n交易流水号,站点编码,交易时间,业务类型,金额\nP1,S001,2026-10-01 08:00,移动,10\n";
    let (_dir, path) = temp_file("p.csv", text.as_bytes());
    let rows = all_ok(read_payments(&path).unwrap());
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].line, 5);
    assert!(!rows[0].reversed, "no status column: not reversed");
}

#[test]
fn unknown_values_are_row_errors_naming_the_column_as_written() {
    let text = "Txn ID,Station,Time,Category,Amount,Status\n\
                P1,S001,2026-10-01 08:00, ,10,success\n\
                P2,S001,2026-10-01 08:00,mobile,10,pending\n\
                P3,S001,2026-10-01 08:00,mobile,1.234,ok\n\
                P4,S001,10/01/2026,mobile,10,ok\n\
                P5,,2026-10-01,mobile,10,ok\n\
                P6,S001,2026-10-01,mobile,-10,ok\n";
    let (_dir, path) = temp_file("p.csv", text.as_bytes());
    let errors: Vec<String> = read_payments(&path)
        .unwrap()
        .map(|r| r.unwrap_err().to_string())
        .collect();
    assert_eq!(
        errors,
        vec![
            "line 2, column Category: is empty",
            "line 3, column Status: \"pending\" is not a transaction status (成功/success or 冲正/撤销/退款/reversed)",
            "line 4, column Amount: \"1.234\" has more than two decimals",
            "line 5, column Time: \"10/01/2026\" is not a date and time (e.g. 2026-10-05 14:03:22)",
            "line 6, column Station: is empty",
            "line 7, column Amount: -10 is negative but the transaction is not marked reversed (冲正)",
        ]
    );
}

#[test]
fn bad_card_numbers_are_row_errors() {
    let text = "交易流水号,站点编码,交易时间,卡号\n\
                C1,S001,2026-10-01 08:00,6217****1234\n\
                C2,S001,2026-10-01 08:00,6.217E+18\n\
                C3,S001,2026-10-01 08:00,62170012345\n";
    let (_dir, path) = temp_file("c.csv", text.as_bytes());
    let errors: Vec<RowError> = read_cards(&path).unwrap().map(|r| r.unwrap_err()).collect();
    assert_eq!(errors.len(), 3);
    assert!(errors.iter().all(|e| e.column == "卡号"));
    assert_eq!(
        errors[0].reason,
        "\"6217****1234\" is not a card number (12 to 19 digits)"
    );
    assert!(errors[1].reason.contains("Excel shortened"));
    assert_eq!(errors[2].line, 4);
}

#[test]
fn station_checks_across_cells() {
    let header =
        "站点编码,站点名称,站点类型,支局编码,支局名称,支局类型,支局长工号,维护人员工号,同村站点数,开办日期,撤销日期\n";
    let text = format!(
        "{header}S1,a,农村,B01,b,农村,M01,P01,0,,\n\
         S2,a,农村,B01,b,农村,M01,P01,1,2026-10-05,2026-10-01\n\
         S3,a,乡镇,B01,b,农村,M01,P01,1,,\n"
    );
    let (_dir, path) = temp_file("s.csv", text.as_bytes());
    let errors: Vec<String> = read_stations(&path)
        .unwrap()
        .map(|r| r.unwrap_err().to_string())
        .collect();
    assert_eq!(
        errors,
        vec![
            "line 2, column 同村站点数: is 0; the village has at least this station",
            "line 3, column 撤销日期: 2026-10-01 is before the opening date 2026-10-05",
            "line 4, column 站点类型: \"乡镇\" is not a station kind (农村/rural or 城市/urban)",
        ]
    );
}

#[test]
fn bytes_invalid_in_the_detected_encoding_are_row_errors() {
    // Valid UTF-8 for the first 64 KiB, then "站点" in GBK.
    let mut text = "支局编码,月份,计划\n".to_string();
    let mut line = 1;
    while text.len() < 70 * 1024 {
        text.push_str("B01,2026-10,3\n");
        line += 1;
    }
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(b"B\xd5\xbe\xb5\xe3,2026-10,3\n");
    let (_dir, path) = temp_file("plans.csv", &bytes);
    let results: Vec<_> = read_plans(&path).unwrap().collect();
    let err = results.last().unwrap().as_ref().unwrap_err();
    assert_eq!(err.line, line + 1);
    assert_eq!(err.column, "支局编码");
    assert!(err.reason.contains("not valid UTF-8"), "{err}");
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), line as usize - 1);
}

#[test]
fn a_utf8_character_cut_at_64_kib_is_still_utf8() {
    let mut text = "支局编码,月份,计划\n".to_string();
    // Put a three-byte character across the 64 KiB boundary (codes are at
    // most 64 characters: fill with rows, then a few `x`).
    let mut n = 0;
    while text.len() + 40 < 64 * 1024 - 1 {
        n += 1;
        text.push_str(&format!("B{n:05},2026-10,3\n"));
    }
    while text.len() < 64 * 1024 - 1 {
        text.push('x');
    }
    text.push_str("支,2026-10,3\n");
    assert!(!text.is_char_boundary(64 * 1024));
    let (_dir, path) = temp_file("plans.csv", text.as_bytes());
    let rows = read_plans(&path).unwrap();
    assert_eq!(
        rows.format(),
        &FileFormat::Csv {
            encoding: TextEncoding::Utf8
        }
    );
    let rows = all_ok(rows);
    assert!(rows.last().unwrap().branch_code.ends_with("xx支"));
}
