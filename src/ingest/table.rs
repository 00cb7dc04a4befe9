//! The record source under every import: a CSV file (any of the encodings
//! of `encoding`) or the first worksheet of an XLSX workbook, read one
//! record at a time with the line (CSV) or row (XLSX) it came from.
//!
//! Nothing here knows what the columns mean; a record is a list of texts.
//! Both sources stream: the CSV decoder and parser hold a few buffers, the
//! XLSX worksheet is parsed cell by cell on a reader thread that hands
//! rows over through a small bounded channel.

use std::fs::File;
use std::io::{self, BufReader, Chain, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread;

use calamine::{DataRef, ExcelDateTime, Reader, SheetType, SheetVisible, Xlsx};
use csv::StringRecord;
use encoding_rs_io::DecodeReaderBytes;

use super::encoding::{self, SAMPLE_SIZE};
use super::xlsx_guard::{self, Breach, MAX_COLUMNS, MAX_ROW_BYTES};
use super::{FileFormat, IngestError};
use crate::i18n::{tr, trf, Text};

/// One record: its 1-based line (CSV: the physical line it starts on;
/// XLSX: the row number Excel shows) and its fields.
#[derive(Debug, Default)]
pub(crate) struct Record {
    pub line: u64,
    pub fields: StringRecord,
}

impl Record {
    /// True when every field is blank (an empty line, `,,,`, or an XLSX
    /// row of formatted but empty cells).
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// The file could not be read further (an I/O error, a damaged
/// workbook): the import stops here.
#[derive(Debug)]
pub(crate) struct ReadFailure {
    pub line: u64,
    pub message: String,
}

/// Counts the bytes read from the file, for the progress bar.
pub(crate) struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Turns every line ending (`\r\n`, `\r`, `\n`) into `\n` and ends the
/// text with one, so that the CSV parser always consumes a record's
/// terminator and its line count gives each record's first line (see
/// `Table::next_record`).
pub(crate) struct LineEnds<R> {
    inner: R,
    after_cr: bool,
    last: Option<u8>,
    finished: bool,
}

impl<R> LineEnds<R> {
    fn new(inner: R) -> Self {
        LineEnds {
            inner,
            after_cr: false,
            last: None,
            finished: false,
        }
    }
}

impl<R: Read> Read for LineEnds<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                if self.finished || self.last.is_none_or(|b| b == b'\n') {
                    return Ok(0);
                }
                self.finished = true;
                self.last = Some(b'\n');
                buf[0] = b'\n';
                return Ok(1);
            }
            let mut w = 0;
            for i in 0..n {
                let b = buf[i];
                if self.after_cr && b == b'\n' {
                    self.after_cr = false;
                    continue;
                }
                self.after_cr = b == b'\r';
                buf[w] = if b == b'\r' { b'\n' } else { b };
                w += 1;
            }
            if w > 0 {
                self.last = Some(buf[w - 1]);
                return Ok(w);
            }
        }
    }
}

type CsvSource = LineEnds<DecodeReaderBytes<Counting<Chain<Cursor<Vec<u8>>, File>>, Vec<u8>>>;

pub(crate) enum Table {
    Csv(Box<csv::Reader<CsvSource>>),
    Xlsx(Receiver<SheetMessage>),
}

/// What the XLSX reader thread sends.
pub(crate) enum SheetMessage {
    Row(Record),
    Failed(ReadFailure),
    End,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

fn read_sample(file: &mut File) -> io::Result<Vec<u8>> {
    let mut sample = Vec::with_capacity(SAMPLE_SIZE);
    file.by_ref().take(SAMPLE_SIZE as u64).read_to_end(&mut sample)?;
    Ok(sample)
}

impl Table {
    /// Opens a file as CSV or XLSX, deciding by its first bytes (a zip
    /// header) or its `.xlsx` extension. `read` counts the bytes read.
    pub fn open(path: &Path, read: Arc<AtomicU64>) -> Result<(Table, FileFormat, u64), IngestError> {
        let file_err = |cause| IngestError::Open {
            file: path.to_path_buf(),
            cause,
        };
        let read_err = |cause| IngestError::Read {
            file: path.to_path_buf(),
            cause,
        };
        let mut file = File::open(path).map_err(file_err)?;
        let meta = file.metadata().map_err(file_err)?;
        if meta.is_dir() {
            return Err(file_err(io::Error::other(tr(Text::ImportIsDirectory))));
        }
        let size = meta.len();
        let sample = read_sample(&mut file).map_err(read_err)?;
        if sample.is_empty() {
            return Err(IngestError::Empty {
                file: path.to_path_buf(),
            });
        }
        let xlsx_ext = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"));
        if sample.starts_with(ZIP_MAGIC) || xlsx_ext {
            file.seek(SeekFrom::Start(0)).map_err(read_err)?;
            return open_xlsx(path, file, read, sample.starts_with(ZIP_MAGIC)).map(|(t, f)| (t, f, size));
        }
        let not_table = |reason: &str| IngestError::NotCsvOrXlsx {
            file: path.to_path_buf(),
            reason: reason.to_string(),
        };
        if sample.starts_with(OLE_MAGIC) {
            return Err(not_table(tr(Text::ImportXls)));
        }
        if sample.starts_with(b"\xFF\xFE") || sample.starts_with(b"\xFE\xFF") {
            return Err(not_table(tr(Text::ImportUtf16)));
        }
        if sample.contains(&0) {
            return Err(not_table(tr(Text::ImportBinary)));
        }
        let complete = (sample.len() as u64) >= size;
        let text_encoding = encoding::sniff(&sample, complete);
        let source = Counting {
            inner: Cursor::new(sample).chain(file),
            read,
        };
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(LineEnds::new(encoding::decoder(source, text_encoding)));
        Ok((
            Table::Csv(Box::new(reader)),
            FileFormat::Csv {
                encoding: text_encoding,
            },
            size,
        ))
    }

    /// Reads the next record into `out`; `Ok(false)` at the end.
    pub fn next_record(&mut self, out: &mut Record) -> Result<bool, ReadFailure> {
        match self {
            Table::Csv(reader) => match reader.read_record(&mut out.fields) {
                Ok(more) => {
                    // csv's record position is where the parser started
                    // looking (before any blank lines, or before the LF of
                    // a CRLF), so it is not used. After `LineEnds` every
                    // record ends in a `\n` that the parser consumes: its
                    // line is one past the record's last line, and the
                    // record's first line is as many lines earlier as it
                    // has newlines inside quoted fields.
                    let inside: usize = out.fields.iter().map(|f| f.matches('\n').count()).sum();
                    out.line = reader.position().line().saturating_sub(inside as u64 + 1).max(1);
                    Ok(more)
                }
                Err(e) => Err(ReadFailure {
                    line: e.position().map_or_else(|| reader.position().line(), |p| p.line()),
                    message: e.to_string(),
                }),
            },
            Table::Xlsx(rows) => match rows.recv() {
                Ok(SheetMessage::Row(record)) => {
                    *out = record;
                    Ok(true)
                }
                Ok(SheetMessage::Failed(failure)) => Err(failure),
                Ok(SheetMessage::End) => Ok(false),
                Err(_) => Err(ReadFailure {
                    line: out.line,
                    message: tr(Text::ImportSheetReaderStopped).to_string(),
                }),
            },
        }
    }

    /// Whether each record should have as many fields as the header (CSV);
    /// XLSX rows simply end at their last non-empty cell.
    pub fn checks_field_count(&self) -> bool {
        matches!(self, Table::Csv(_))
    }
}

type XlsxSource = BufReader<Counting<File>>;

fn open_xlsx(path: &Path, file: File, read: Arc<AtomicU64>, is_zip: bool) -> Result<(Table, FileFormat), IngestError> {
    let bad = |reason: String| -> IngestError {
        // The workbook reader's messages can quote the file (a part name,
        // a value): cut and escaped like any quoted text.
        let reason = super::quote::excerpt(&reason);
        if is_zip {
            IngestError::Workbook {
                file: path.to_path_buf(),
                reason,
            }
        } else {
            IngestError::NotCsvOrXlsx {
                file: path.to_path_buf(),
                reason: trf(Text::ImportNamedXlsx, &[&reason]),
            }
        }
    };
    if is_zip {
        // Before calamine reads anything: it holds the shared strings and
        // each XML text whole, so a bomb must be refused first.
        let mut file = &file;
        match xlsx_guard::check(&mut file, &xlsx_guard::LIMITS) {
            Ok(()) => {}
            Err(Breach::Zip(reason)) => return Err(bad(reason)),
            Err(breach) => {
                return Err(IngestError::TooLarge {
                    file: path.to_path_buf(),
                    what: breach_text(&breach),
                })
            }
        }
        file.seek(SeekFrom::Start(0)).map_err(|cause| IngestError::Read {
            file: path.to_path_buf(),
            cause,
        })?;
    }
    let source = BufReader::new(Counting { inner: file, read });
    let workbook: Xlsx<XlsxSource> = Xlsx::new(source).map_err(|e| bad(e.to_string()))?;
    let sheets = workbook.sheets_metadata();
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    let sheet = worksheets()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
        .map(|s| s.name.clone())
        .ok_or_else(|| bad(tr(Text::ImportNoWorksheet).to_string()))?;
    // Rows waiting for the importer: at most 64 × MAX_ROW_BYTES.
    let (tx, rx) = sync_channel(64);
    let file_name = PathBuf::from(path);
    let name = sheet.clone();
    thread::Builder::new()
        .name("bianmin-xlsx-reader".into())
        .spawn(move || stream_sheet(workbook, &name, &tx))
        .map_err(|cause| IngestError::Read { file: file_name, cause })?;
    Ok((Table::Xlsx(rx), FileFormat::Xlsx { sheet }))
}

/// What a workbook unpacks to that is too much, in the user's language.
fn breach_text(breach: &Breach) -> String {
    let mib = |bytes: u64| bytes >> 20;
    match breach {
        Breach::Part { part, limit } => trf(Text::XlsxPartTooLarge, &[part, &mib(*limit)]),
        Breach::Total { limit } => trf(Text::XlsxTotalTooLarge, &[&mib(*limit)]),
        Breach::Text {
            part,
            cell: Some(cell),
            limit,
        } => trf(Text::XlsxCellTooLarge, &[cell, part, &mib(*limit)]),
        Breach::Text {
            part,
            cell: None,
            limit,
        } => trf(Text::XlsxTextTooLarge, &[part, &mib(*limit)]),
        Breach::Zip(reason) => reason.clone(),
    }
}

/// Runs on the reader thread: sends the sheet's rows, one record per row
/// that has cells, until the end, an error, or the receiver is dropped.
fn stream_sheet(mut workbook: Xlsx<XlsxSource>, sheet: &str, tx: &SyncSender<SheetMessage>) {
    let failure = |line, e: calamine::XlsxError| ReadFailure {
        line,
        message: trf(Text::ImportWorksheetError, &[&format!("{sheet:?}"), &e]),
    };
    let mut cells = match workbook.worksheet_cells_reader(sheet) {
        Ok(cells) => cells,
        Err(e) => {
            let _ = tx.send(SheetMessage::Failed(failure(1, e)));
            return;
        }
    };
    let mut current: Option<Record> = None;
    loop {
        match cells.next_cell() {
            Ok(Some(cell)) => {
                let (row, col) = cell.get_position();
                let line = u64::from(row) + 1;
                if current.as_ref().is_some_and(|r| r.line != line) {
                    let row = current.take().unwrap_or_default();
                    if tx.send(SheetMessage::Row(row)).is_err() {
                        return;
                    }
                }
                let record = current.get_or_insert_with(|| Record {
                    line,
                    fields: StringRecord::new(),
                });
                // A hostile cell reference (`ZZZZZZ1`) would make millions
                // of empty fields; a row of huge cells would hold them all.
                if col >= MAX_COLUMNS {
                    let _ = tx.send(SheetMessage::Failed(ReadFailure {
                        line,
                        message: trf(Text::XlsxTooManyColumns, &[&(u64::from(col) + 1), &MAX_COLUMNS]),
                    }));
                    return;
                }
                while record.fields.len() < col as usize {
                    record.fields.push_field("");
                }
                record.fields.push_field(&cell_text(cell.get_value()));
                if record.fields.as_byte_record().as_slice().len() > MAX_ROW_BYTES {
                    let _ = tx.send(SheetMessage::Failed(ReadFailure {
                        line,
                        message: trf(Text::XlsxRowTooLarge, &[&(MAX_ROW_BYTES >> 20)]),
                    }));
                    return;
                }
            }
            Ok(None) => {
                if let Some(record) = current.take() {
                    if tx.send(SheetMessage::Row(record)).is_err() {
                        return;
                    }
                }
                let _ = tx.send(SheetMessage::End);
                return;
            }
            Err(e) => {
                let line = current.as_ref().map_or(1, |r| r.line);
                let _ = tx.send(SheetMessage::Failed(failure(line, e)));
                return;
            }
        }
    }
}

/// The text of an XLSX cell as the import columns expect it: whole numbers
/// without `.0`, dates as `2026-10-05`, date-times as `2026-10-05 14:03:22`.
pub(crate) fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(dt) => datetime_text(dt),
        DataRef::DateTimeIso(s) => s.replacen('T', " ", 1),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

/// A number as Excel shows it: at most 15 significant digits (Excel's own
/// precision, so 0.1 + 0.2 is "0.3"), whole numbers without a decimal
/// point; a whole number of 16 digits or more, which Excel has already
/// rounded, in scientific notation so that no parser takes it for exact.
pub(crate) fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    if rounded.fract() == 0.0 {
        if rounded.abs() < 1e15 {
            return format!("{}", rounded as i64);
        }
        return format!("{rounded:e}");
    }
    rounded.to_string()
}

fn datetime_text(dt: &ExcelDateTime) -> String {
    if dt.is_duration() {
        return number_text(dt.as_f64());
    }
    let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
    let time = if ms == 0 {
        format!("{h:02}:{mi:02}:{s:02}")
    } else {
        format!("{h:02}:{mi:02}:{s:02}.{ms:03}")
    };
    if dt.as_f64() < 1.0 {
        // A time of day alone.
        time
    } else if (h, mi, s, ms) == (0, 0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02} {time}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    fn normalised(input: &[u8], chunk: usize) -> String {
        struct Chunks<'a>(&'a [u8], usize);
        impl Read for Chunks<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = String::new();
        LineEnds::new(Chunks(input, chunk)).read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn line_ends_become_one_newline_and_the_text_ends_with_one() {
        for chunk in [1, 2, 3, 64] {
            assert_eq!(normalised(b"a\r\nb\rc\nd", chunk), "a\nb\nc\nd\n");
            assert_eq!(normalised(b"a\r\n\r\n", chunk), "a\n\n");
            assert_eq!(normalised(b"\r\r\n\n", chunk), "\n\n\n");
            assert_eq!(normalised(b"", chunk), "");
        }
    }

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(number_text(123.0), "123");
        assert_eq!(number_text(-7.0), "-7");
        assert_eq!(number_text(0.0), "0");
        assert_eq!(number_text(12.5), "12.5");
        assert_eq!(number_text(12.34), "12.34");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(1.1 * 1.1), "1.21");
        assert_eq!(number_text(0.1 * 3.0), "0.3");
        assert_eq!(number_text(12.345), "12.345");
        assert_eq!(number_text(371402001.0), "371402001");
        assert_eq!(number_text(999_999_999_999_999.0), "999999999999999");
        assert_eq!(number_text(6217001234567890123.0), "6.21700123456789e18");
    }

    #[test]
    fn excel_dates_read_as_dates() {
        let at = |v| datetime_text(&ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        // 2026-10-05 is serial 46300.
        assert_eq!(at(46300.0), "2026-10-05");
        assert_eq!(at(46300.5), "2026-10-05 12:00:00");
        let t = 46300.0 + (14.0 * 3600.0 + 3.0 * 60.0 + 22.0) / 86400.0;
        assert_eq!(at(t), "2026-10-05 14:03:22");
        assert_eq!(at(0.25), "06:00:00");
    }

    #[test]
    fn cells_become_text() {
        assert_eq!(cell_text(&DataRef::Empty), "");
        assert_eq!(cell_text(&DataRef::Int(42)), "42");
        assert_eq!(cell_text(&DataRef::Float(42.0)), "42");
        assert_eq!(cell_text(&DataRef::SharedString("移动")), "移动");
        assert_eq!(cell_text(&DataRef::Bool(true)), "TRUE");
        assert_eq!(
            cell_text(&DataRef::DateTimeIso("2026-10-05T14:03:22".into())),
            "2026-10-05 14:03:22"
        );
    }
}
