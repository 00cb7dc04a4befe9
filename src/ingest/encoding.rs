//! Which text encoding a CSV file is in, decided from its first bytes
//! without asking: a UTF-8 BOM, else valid UTF-8, else GB18030 (the
//! superset of the GBK that Chinese Excel writes).

use std::fmt;
use std::io::Read;

use encoding_rs::{Encoding, GB18030, UTF_8};
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

/// How many bytes of the file are looked at to decide.
pub const SAMPLE_SIZE: usize = 64 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 starting with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// GB18030, read also for GBK and GB2312 (Excel's plain "CSV" on a
    /// Chinese Windows).
    Gb18030,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with BOM",
            TextEncoding::Gb18030 => "GBK/GB18030",
        }
    }

    /// The character set alone: `UTF-8` or `GBK/GB18030`.
    pub fn charset(self) -> &'static str {
        match self {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => "UTF-8",
            TextEncoding::Gb18030 => "GBK/GB18030",
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => UTF_8,
            TextEncoding::Gb18030 => GB18030,
        }
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Decides the encoding from the first bytes of a file. `complete` says
/// whether `sample` is the whole file: if it is not, a multibyte UTF-8
/// character cut at the end of the sample still counts as valid UTF-8.
pub fn sniff(sample: &[u8], complete: bool) -> TextEncoding {
    if sample.starts_with(UTF8_BOM) {
        return TextEncoding::Utf8Bom;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => TextEncoding::Utf8,
        // `error_len() == None`: the sample ends inside a character.
        Err(e) if e.error_len().is_none() && !complete => TextEncoding::Utf8,
        Err(_) => TextEncoding::Gb18030,
    }
}

/// Wraps a byte stream into one that yields UTF-8, decoding as it goes
/// (a BOM is dropped; bytes invalid in the encoding become U+FFFD, which
/// the row readers refuse).
pub fn decoder<R: Read>(source: R, encoding: TextEncoding) -> DecodeReaderBytes<R, Vec<u8>> {
    DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding.encoding()))
        .strip_bom(true)
        .build(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], encoding: TextEncoding) -> String {
        let mut out = String::new();
        decoder(bytes, encoding).read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn bom_means_utf8() {
        assert_eq!(sniff(b"\xEF\xBB\xBFa,b\n", true), TextEncoding::Utf8Bom);
        assert_eq!(decode("\u{feff}金额,b\n".as_bytes(), TextEncoding::Utf8Bom), "金额,b\n");
    }

    #[test]
    fn valid_utf8_is_utf8() {
        assert_eq!(sniff("站点编码,金额\n".as_bytes(), true), TextEncoding::Utf8);
        assert_eq!(sniff(b"plain,ascii\n", true), TextEncoding::Utf8);
        assert_eq!(sniff(b"", true), TextEncoding::Utf8);
    }

    #[test]
    fn a_character_cut_at_the_sample_end_is_still_utf8() {
        let text = "站点编码".as_bytes();
        let cut = &text[..text.len() - 1];
        assert_eq!(sniff(cut, false), TextEncoding::Utf8);
        // When the sample is the whole file, a cut character is an error.
        assert_eq!(sniff(cut, true), TextEncoding::Gb18030);
    }

    #[test]
    fn gbk_bytes_are_gb18030() {
        // "站点编码,金额" in GBK.
        let gbk = b"\xd5\xbe\xb5\xe3\xb1\xe0\xc2\xeb,\xbd\xf0\xb6\xee\n";
        assert_eq!(sniff(gbk, true), TextEncoding::Gb18030);
        assert_eq!(decode(gbk, TextEncoding::Gb18030), "站点编码,金额\n");
    }

    #[test]
    fn invalid_utf8_later_in_the_file_becomes_replacement_characters() {
        assert_eq!(decode(b"a,\xff\n", TextEncoding::Utf8), "a,\u{fffd}\n");
    }
}
