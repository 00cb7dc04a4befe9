//! XLSX bombs (issue 8): workbooks that unpack to far more than they
//! weigh are refused before the reader holds what they unpack to. The
//! fixtures are made here, never committed: a small zip writer and a
//! deflate encoder (fixed Huffman codes) that turns "one period of text,
//! then copy it n times" into 13–16 bits per 258 bytes, so 1 GiB of one
//! letter is about 6 MB of file and a second to make.

use std::path::{Path, PathBuf};
use std::process::Command;

use bianmin::ingest::xlsx_guard::{self, Breach, XlsxLimits};
use bianmin::ingest::{read_payments, IngestError};

// ---- a deflate stream of repeated text -----------------------------------

#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    len: u32,
}

impl Bits {
    /// `count` bits of `value`, least significant first (header fields,
    /// extra bits).
    fn put(&mut self, value: u32, count: u32) {
        self.acc |= u64::from(value) << self.len;
        self.len += count;
        while self.len >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.len -= 8;
        }
    }

    /// A Huffman code, most significant bit first.
    fn code(&mut self, code: u32, count: u32) {
        let reversed = code.reverse_bits() >> (32 - count);
        self.put(reversed, count);
    }

    fn align(&mut self) {
        if self.len > 0 {
            self.put(0, 8 - self.len);
        }
    }

    /// A stored block (at most 65,535 bytes).
    fn stored(&mut self, bytes: &[u8], last: bool) {
        assert!(bytes.len() <= 65_535);
        self.put(u32::from(last), 1);
        self.put(0, 2);
        self.align();
        let len = bytes.len() as u16;
        self.out.extend_from_slice(&len.to_le_bytes());
        self.out.extend_from_slice(&(!len).to_le_bytes());
        self.out.extend_from_slice(bytes);
    }

    /// A literal or length symbol under the fixed Huffman code.
    fn fixed_symbol(&mut self, symbol: u32) {
        match symbol {
            0..=143 => self.code(0x30 + symbol, 8),
            144..=255 => self.code(0x190 + symbol - 144, 9),
            256..=279 => self.code(symbol - 256, 7),
            _ => self.code(0xc0 + symbol - 280, 8),
        }
    }

    /// A distance (1 to 32,768) under the fixed code: symbol and extra bits.
    fn fixed_distance(&mut self, distance: u32) {
        let (mut base, mut symbol) = (1u32, 0u32);
        loop {
            let extra = if symbol < 4 { 0 } else { symbol / 2 - 1 };
            if distance < base + (1 << extra) {
                self.code(symbol, 5);
                self.put(distance - base, extra);
                return;
            }
            base += 1 << extra;
            symbol += 1;
        }
    }
}

/// Deflate of `prefix`, then `unit` repeated to `copies × 258` more bytes
/// after the first `unit`, then `suffix`; and the size it inflates to.
fn deflate_repeated(prefix: &[u8], unit: &[u8], copies: u64, suffix: &[u8]) -> (Vec<u8>, u64) {
    let size = (prefix.len() + unit.len() + suffix.len()) as u64 + copies * 258;
    let mut bits = Bits::default();
    bits.stored(prefix, false);
    bits.put(0, 1);
    bits.put(1, 2); // fixed Huffman block
    for &b in unit {
        bits.fixed_symbol(u32::from(b));
    }
    for _ in 0..copies {
        bits.fixed_symbol(285); // length 258
        bits.fixed_distance(unit.len() as u32);
    }
    bits.fixed_symbol(256);
    bits.stored(suffix, true);
    bits.align();
    (bits.out, size)
}

// ---- a zip file ----------------------------------------------------------

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

struct Entry {
    name: String,
    /// 0 stored, 8 deflated.
    method: u16,
    data: Vec<u8>,
    crc: u32,
    /// What the headers say it unpacks to (not necessarily the truth).
    declared_size: u32,
}

/// A deflated entry that says truthfully what it unpacks to; the CRC is
/// left wrong (these entries are refused long before their end).
fn deflated(name: &str, (data, size): (Vec<u8>, u64)) -> Entry {
    Entry {
        name: name.into(),
        method: 8,
        data,
        crc: 0,
        declared_size: u32::try_from(size).unwrap(),
    }
}

fn stored(name: &str, text: &str) -> Entry {
    Entry {
        name: name.into(),
        method: 0,
        data: text.as_bytes().to_vec(),
        crc: crc32(text.as_bytes()),
        declared_size: text.len() as u32,
    }
}

fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let fields = |buf: &mut Vec<u8>| {
            buf.extend_from_slice(&20u16.to_le_bytes()); // version needed
            buf.extend_from_slice(&0u16.to_le_bytes()); // flags
            buf.extend_from_slice(&e.method.to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes()); // time
            buf.extend_from_slice(&0x21u16.to_le_bytes()); // date 1980-01-01
            buf.extend_from_slice(&e.crc.to_le_bytes());
            buf.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
            buf.extend_from_slice(&e.declared_size.to_le_bytes());
            buf.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        fields(&mut out);
        out.extend_from_slice(e.name.as_bytes());
        out.extend_from_slice(&e.data);
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        fields(&mut central);
        central.extend_from_slice(&[0; 8]); // comment, disk, internal and external attributes (4)
        central.extend_from_slice(&[0; 2]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(e.name.as_bytes());
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_END: &str = "</sheetData></worksheet>";

/// The payments header as row 1, inline strings.
fn header_row() -> String {
    let cells: String = ["交易流水号", "站点编码", "交易时间", "业务类型", "金额"]
        .iter()
        .zip('A'..)
        .map(|(h, c)| format!(r#"<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>"#))
        .collect();
    format!(r#"<row r="1">{cells}</row>"#)
}

/// A workbook whose sheet (or shared strings) is given as entries.
fn workbook(sheet: Entry, shared_strings: Option<Entry>) -> Vec<u8> {
    let mut entries = vec![
        stored("[Content_Types].xml", CONTENT_TYPES),
        stored("_rels/.rels", RELS),
        stored("xl/workbook.xml", WORKBOOK),
        stored("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ];
    entries.extend(shared_strings);
    entries.push(sheet);
    zip(&entries)
}

const GIB: u64 = 1 << 30;

/// Row 2's cell B2 holds `bytes` letters `A` (inline string).
fn one_huge_cell(bytes: u64) -> Vec<u8> {
    let prefix = format!(
        r#"{SHEET_START}{}<row r="2"><c r="A2" t="inlineStr"><is><t>P1</t></is></c><c r="B2" t="inlineStr"><is><t>"#,
        header_row()
    );
    let suffix = format!("</t></is></c></row>{SHEET_END}");
    let sheet = deflate_repeated(prefix.as_bytes(), b"A", bytes / 258, suffix.as_bytes());
    workbook(deflated("xl/worksheets/sheet1.xml", sheet), None)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn the_encoder_makes_what_an_inflater_reads() {
    // A small workbook of ordinary rows through the real reader.
    let rows: String = (2..=4)
        .map(|r| {
            format!(
                r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>P{r}</t></is></c><c r="B{r}" t="inlineStr"><is><t>S001</t></is></c><c r="C{r}" t="inlineStr"><is><t>2026-10-01 08:00:00</t></is></c><c r="D{r}" t="inlineStr"><is><t>移动</t></is></c><c r="E{r}"><v>10</v></c></row>"#
            )
        })
        .collect();
    let text = format!("{SHEET_START}{}{rows}{SHEET_END}", header_row());
    let sheet = Entry {
        crc: crc32(text.as_bytes()),
        ..deflated(
            "xl/worksheets/sheet1.xml",
            deflate_repeated(text.as_bytes(), b"", 0, b""),
        )
    };
    let bytes = workbook(sheet, None);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "ok.xlsx", &bytes);
    let rows: Vec<_> = read_payments(&path).unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[2].txn_id, "P4");
    // And the repetition: 10 + 258 × 4 letters.
    let (data, size) = deflate_repeated(b"", b"0123456789", 4, b"");
    assert_eq!(size, 10 + 258 * 4);
    let out = inflate(&data, size);
    assert_eq!(out.len() as u64, size);
    assert!(out.chunks(10).all(|c| c == &b"0123456789"[..c.len()]));
}

/// Inflates through the zip reader (the inflater calamine uses).
fn inflate(deflated: &[u8], size: u64) -> Vec<u8> {
    let bytes = zip(&[deflated_entry(deflated, size)]);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    // The CRC is wrong on purpose: read what inflates, ignore the check.
    let _ = std::io::Read::read_to_end(&mut archive.by_index(0).unwrap(), &mut out);
    out
}

fn deflated_entry(data: &[u8], size: u64) -> Entry {
    deflated("x", (data.to_vec(), size))
}

/// `bianmin import payments FILE` with 1 GiB of address space (Linux
/// `ulimit -v`): far more than an import needs, less than the cell. Without
/// the guard the reader grows to several GB and is killed.
fn import_in_bounded_memory(file: &Path) -> (Option<i32>, String) {
    let mut command = if cfg!(target_os = "linux") {
        let mut sh = Command::new("sh");
        sh.arg("-c")
            .arg("ulimit -v 1048576 && exec \"$@\"")
            .arg("sh")
            .arg(env!("CARGO_BIN_EXE_bianmin"));
        sh
    } else {
        Command::new(env!("CARGO_BIN_EXE_bianmin"))
    };
    let db = file.with_extension("db");
    let out = command
        .args(["--lang", "en", "--db"])
        .arg(&db)
        .args(["import", "payments"])
        .arg(file)
        .env_remove("BIANMIN_DB")
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_one_gib_cell_is_refused_quickly_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    // The audit's bomb: one 1 GiB cell. The sheet says how big it is, and
    // that alone is over the worksheet limit.
    let bytes = one_huge_cell(GIB);
    assert!(bytes.len() < 8 << 20, "{} bytes", bytes.len());
    let (code, stderr) = import_in_bounded_memory(&write(dir.path(), "bomb.xlsx", &bytes));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("bomb.xlsx: the workbook part xl/worksheets/sheet1.xml unpacks to more than 1024 MiB"),
        "{stderr}"
    );
    // Half a GiB is within the worksheet limit: the cell itself is refused
    // after its first MiB, and named.
    let (code, stderr) = import_in_bounded_memory(&write(dir.path(), "half.xlsx", &one_huge_cell(GIB / 2)));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("half.xlsx: cell B2 (xl/worksheets/sheet1.xml) holds more than 1 MiB of text"),
        "{stderr}"
    );
}

#[test]
fn a_huge_shared_string_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>"#;
    let strings = deflated(
        "xl/sharedStrings.xml",
        deflate_repeated(prefix.as_bytes(), "金".as_bytes(), (64 << 20) / 258, b"</t></si></sst>"),
    );
    let sheet = stored(
        "xl/worksheets/sheet1.xml",
        &format!("{SHEET_START}{}{SHEET_END}", header_row()),
    );
    let path = write(dir.path(), "strings.xlsx", &workbook(sheet, Some(strings)));
    let err = read_payments(&path).unwrap_err();
    assert!(matches!(err, IngestError::TooLarge { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("xl/sharedStrings.xml holds more than 1 MiB of text in one piece"),
        "{err}"
    );
}

#[test]
fn sizes_are_counted_as_inflated_and_a_lie_is_refused() {
    // 20 MiB of ordinary rows against limits of a few MiB (the real limits
    // would take seconds to reach in a test build).
    let row = br#"<row><c t="inlineStr"><is><t>P1</t></is></c></row>"#;
    let inflated = deflate_repeated(SHEET_START.as_bytes(), row, (20 << 20) / 258, SHEET_END.as_bytes());
    let honest = workbook(deflated("xl/worksheets/sheet1.xml", inflated.clone()), None);
    let limits = XlsxLimits {
        part_bytes: 8 << 20,
        shared_strings_bytes: 1 << 20,
        total_bytes: 16 << 20,
        text_bytes: 1 << 20,
    };
    let check = |bytes: &[u8], limits: &XlsxLimits| xlsx_guard::check(std::io::Cursor::new(bytes), limits);
    let part = Err(Breach::Part {
        part: "xl/worksheets/sheet1.xml".into(),
        limit: 8 << 20,
    });
    assert_eq!(check(&honest, &limits), part);
    let all = XlsxLimits {
        part_bytes: 32 << 20,
        total_bytes: 12 << 20,
        ..limits
    };
    assert_eq!(check(&honest, &all), Err(Breach::Total { limit: 12 << 20 }));
    // A zip that says the part is 100 bytes: counted as it inflates all
    // the same (and the zip reader refuses the lie).
    let lying = workbook(
        Entry {
            declared_size: 100,
            ..deflated("xl/worksheets/sheet1.xml", inflated)
        },
        None,
    );
    assert!(matches!(check(&lying, &limits), Err(Breach::Zip(_))));
    let err = read_payments(&write(tempfile::tempdir().unwrap().path(), "lie.xlsx", &lying)).unwrap_err();
    assert!(matches!(err, IngestError::Workbook { .. }), "{err}");
}

#[test]
fn cells_beyond_the_last_column_stop_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"{SHEET_START}{}<row r="2"><c r="XFE2" t="inlineStr"><is><t>x</t></is></c></row>{SHEET_END}"#,
        header_row()
    );
    let sheet = stored("xl/worksheets/sheet1.xml", &text);
    let path = write(dir.path(), "wide.xlsx", &workbook(sheet, None));
    let results: Vec<_> = read_payments(&path).unwrap().collect();
    let err = results.last().unwrap().as_ref().unwrap_err();
    assert_eq!(err.line, 2);
    assert!(
        err.reason.contains("column 16385 is beyond Excel's last column"),
        "{err}"
    );
}
