//! Limits on what an XLSX workbook unpacks to, checked before the
//! workbook reader (calamine) sees it.
//!
//! An XLSX file is a zip of XML parts. Deflate packs 1 GiB of one repeated
//! letter into about a megabyte, and calamine holds the shared strings
//! whole and each XML text or tag whole while parsing: one 1 GiB cell took
//! an import to 4.2 GB of memory. So every part of the zip is inflated
//! here first, through a counter (the sizes the zip declares are not
//! trusted: a hostile file can declare anything), and the workbook is
//! refused as soon as a part, the whole, or one stretch of text between
//! two `<` goes past its limit. Memory stays at one 64 KiB buffer; a bomb
//! is refused after inflating little more than the limit it breaks.
//!
//! The limits (see docs/IMPORTS.md) are several times what a real export
//! needs: a 1,000,000-row payment export is a 271 MB worksheet and 38 MB of
//! shared strings as Excel writes it, a 383 MB worksheet with inline
//! strings.

use std::io::{Read, Seek};

/// What an XLSX workbook may unpack to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XlsxLimits {
    /// Any one part (a worksheet): it is streamed, so this bounds time.
    pub part_bytes: u64,
    /// The shared strings, which the reader holds in memory whole.
    pub shared_strings_bytes: u64,
    /// All parts together.
    pub total_bytes: u64,
    /// One stretch between two `<`: a cell's text or one tag, which the
    /// XML parser holds whole. Excel's own cell limit (32,767 characters)
    /// is at most 196 KiB even with every character escaped.
    pub text_bytes: u64,
}

/// The limits every import uses.
pub const LIMITS: XlsxLimits = XlsxLimits {
    part_bytes: 1 << 30,
    shared_strings_bytes: 256 << 20,
    total_bytes: 3 << 29,
    text_bytes: 1 << 20,
};

/// The most cells a row may have: Excel's last column is XFD, the 16,384th.
pub const MAX_COLUMNS: u32 = 16_384;

/// The most text one row may hold once read (all its cells together).
pub const MAX_ROW_BYTES: usize = 1 << 20;

/// Which limit a workbook broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Breach {
    /// A part unpacks to more than `limit` bytes.
    Part { part: String, limit: u64 },
    /// All parts together unpack to more than `limit` bytes.
    Total { limit: u64 },
    /// A cell (named when it could be told) or tag of `part` holds more
    /// than `limit` bytes.
    Text {
        part: String,
        cell: Option<String>,
        limit: u64,
    },
    /// The zip itself cannot be read (damaged, encrypted, an unknown
    /// compression): the workbook reader would not read it either.
    Zip(String),
}

/// Inflates every part of the workbook once, counting, and stops at the
/// first limit broken.
pub fn check<R: Read + Seek>(reader: R, limits: &XlsxLimits) -> Result<(), Breach> {
    let mut archive = zip::ZipArchive::new(reader).map_err(|e| Breach::Zip(e.to_string()))?;
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| Breach::Zip(e.to_string()))?;
        let part = entry.name().map_err(|e| Breach::Zip(e.to_string()))?.into_owned();
        let part_limit = if part.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            limits.shared_strings_bytes
        } else {
            limits.part_bytes
        };
        // A part that admits to being too big is refused at once; one that
        // says it is small is counted all the same as it inflates.
        if entry.size() > part_limit {
            return Err(Breach::Part {
                part,
                limit: part_limit,
            });
        }
        let mut scan = TextRuns::new(limits.text_bytes);
        let mut size = 0u64;
        loop {
            let n = entry.read(&mut buf).map_err(|e| Breach::Zip(format!("{part}: {e}")))?;
            if n == 0 {
                break;
            }
            size += n as u64;
            total += n as u64;
            if size > part_limit {
                return Err(Breach::Part {
                    part,
                    limit: part_limit,
                });
            }
            if total > limits.total_bytes {
                return Err(Breach::Total {
                    limit: limits.total_bytes,
                });
            }
            if scan.feed(&buf[..n]).is_err() {
                return Err(Breach::Text {
                    part,
                    cell: scan.cell(),
                    limit: limits.text_bytes,
                });
            }
        }
    }
    Ok(())
}

/// Follows the stretches of bytes between two `<` across the chunks of a
/// part, and remembers the bytes around the last `<` seen, to name the
/// cell when a stretch is too long.
struct TextRuns {
    limit: u64,
    run: u64,
    context: Vec<u8>,
}

/// How many bytes before the last `<` are kept: enough for the cell's
/// opening tags (`<c r="B2" s="3" t="inlineStr"><is><t>`).
const CONTEXT_BYTES: usize = 256;

impl TextRuns {
    fn new(limit: u64) -> TextRuns {
        TextRuns {
            limit,
            run: 0,
            context: Vec::new(),
        }
    }

    /// Err when a stretch goes past the limit.
    fn feed(&mut self, chunk: &[u8]) -> Result<(), ()> {
        let mut after_last = 0;
        for at in memchr::memchr_iter(b'<', chunk) {
            self.run += (at - after_last) as u64;
            if self.run > self.limit {
                return Err(());
            }
            self.run = 0;
            after_last = at + 1;
        }
        if after_last > 0 {
            let last = after_last - 1;
            self.context.clear();
            self.context
                .extend_from_slice(&chunk[last.saturating_sub(CONTEXT_BYTES)..chunk.len().min(last + 64)]);
        }
        self.run += (chunk.len() - after_last) as u64;
        if self.run > self.limit {
            Err(())
        } else {
            Ok(())
        }
    }

    /// The reference (`B2`) of the last cell opened before the long
    /// stretch, when the kept bytes show it.
    fn cell(&self) -> Option<String> {
        let text = String::from_utf8_lossy(&self.context);
        let tag = text.rfind("<c ")?;
        let attributes = &text[tag..];
        let attributes = &attributes[..attributes.find('>')?];
        let start = attributes.find(" r=\"")? + 4;
        let reference = &attributes[start..];
        let reference = &reference[..reference.find('"')?];
        let plain = !reference.is_empty()
            && reference.len() <= 12
            && reference.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'$');
        plain.then(|| reference.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(limit: u64, chunks: &[&[u8]]) -> Result<(), Option<String>> {
        let mut scan = TextRuns::new(limit);
        for chunk in chunks {
            if scan.feed(chunk).is_err() {
                return Err(scan.cell());
            }
        }
        Ok(())
    }

    #[test]
    fn stretches_are_counted_within_and_across_chunks() {
        // A stretch is what follows a `<` up to the next: `a>0123456789` is 12.
        assert_eq!(runs(12, &[b"<a>0123456789</a>"]), Ok(()));
        assert!(runs(12, &[b"<a>0123456789x</a>"]).is_err());
        assert_eq!(runs(12, &[b"<a>01234", b"56789</a>"]), Ok(()));
        assert!(runs(12, &[b"<a>01234", b"567890</a>"]).is_err());
        assert!(runs(12, &[b"<a>", b"01234", b"56789", b"0"]).is_err());
        assert!(runs(12, &[b"0123456789012"]).is_err(), "text before any tag counts too");
    }

    #[test]
    fn the_cell_is_named_when_its_tag_was_seen() {
        let open = br#"<row r="7"><c r="B7" s="1" t="inlineStr"><is><t>"#;
        assert_eq!(runs(42, &[open, &[b'x'; 41]]), Err(Some("B7".into())));
        assert_eq!(runs(42, &[open, &[b'x'; 40], b"</t>"]), Ok(()));
        assert_eq!(runs(10, &[b"<si><t>", b"0123456789x"]), Err(None));
    }
}
