//! Quoting what a file holds inside an error message. A hostile or broken
//! file can put 50 MB on one line or terminal escape sequences in a cell;
//! an error must stay a few lines long and print as plain text. So every
//! cell, header or line an error shows goes through [`quote`] or
//! [`excerpt`]: at most [`MAX_QUOTED_CHARS`] characters, control and
//! invisible characters escaped (`\u{1b}`), and the full length said when
//! the text was cut.

use crate::i18n::{trf, Text};

/// The most characters of a cell, header or line an error message shows.
pub const MAX_QUOTED_CHARS: usize = 200;

/// `"S001"`, with control and invisible characters escaped as Rust's
/// `{:?}` does; a text longer than [`MAX_QUOTED_CHARS`] is cut:
/// `"aaaa…" (52428800 characters)`.
pub fn quote(text: &str) -> String {
    match cut(text) {
        (head, None) => format!("{head:?}"),
        (head, Some(total)) => format!("{:?} {}", format!("{head}…"), length_note(total)),
    }
}

/// Like [`quote`] without the quotation marks, for names in a list (the
/// headers of a row); the whole list is cut again by the caller.
pub fn excerpt(text: &str) -> String {
    let (head, total) = cut(text);
    let mut out = String::with_capacity(head.len() + 2);
    for c in head.chars() {
        if c.is_control() || needs_escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    if let Some(total) = total {
        out.push('…');
        out.push(' ');
        out.push_str(&length_note(total));
    }
    out
}

/// Joins names with `", "` and cuts the result to about
/// [`MAX_QUOTED_CHARS`] characters (a header row of 100,000 columns).
pub fn excerpt_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    let mut shown = 0usize;
    let mut left_out = 0usize;
    for name in names {
        if shown >= MAX_QUOTED_CHARS {
            left_out += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        let part = excerpt(name);
        shown += part.chars().count() + 2;
        out.push_str(&part);
    }
    if left_out > 0 {
        out.push_str(", … ");
        out.push_str(&trf(Text::QuotedMore, &[&left_out]));
    }
    out
}

/// `(52428800 characters)`.
fn length_note(total: usize) -> String {
    trf(Text::QuotedLength, &[&total])
}

/// The first [`MAX_QUOTED_CHARS`] characters, and the total count when
/// there are more.
fn cut(text: &str) -> (&str, Option<usize>) {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        None => (text, None),
        Some((at, _)) => (&text[..at], Some(text.chars().count())),
    }
}

/// Characters that are not control characters but change how the text
/// around them shows: bidirectional overrides and isolates (which can make
/// `exe.txt` read as `txt.exe`), zero-width characters, the byte-order
/// mark, line and paragraph separators.
pub fn needs_escape(c: char) -> bool {
    matches!(c,
        '\u{00ad}'
        | '\u{061c}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{e0000}'..='\u{e007f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_are_quoted_whole() {
        assert_eq!(quote("S001"), "\"S001\"");
        assert_eq!(quote("王庄"), "\"王庄\"");
        assert_eq!(excerpt("站点编码"), "站点编码");
    }

    #[test]
    fn long_texts_are_cut_and_their_length_said() {
        let long = "x".repeat(50_000_000);
        let q = quote(&long);
        assert!(q.chars().count() < MAX_QUOTED_CHARS + 40, "{}", q.len());
        assert!(q.ends_with("…\" (50000000 characters)"), "{}", &q[q.len() - 40..]);
        let e = excerpt(&"金".repeat(1000));
        assert!(e.starts_with(&"金".repeat(MAX_QUOTED_CHARS)));
        assert!(e.ends_with("… (1000 characters)"));
        // Exactly the limit is not cut.
        assert_eq!(
            quote(&"a".repeat(MAX_QUOTED_CHARS)),
            format!("{:?}", "a".repeat(MAX_QUOTED_CHARS))
        );
    }

    #[test]
    fn control_and_invisible_characters_are_escaped() {
        assert_eq!(quote("\u{1b}[31mred"), "\"\\u{1b}[31mred\"");
        assert_eq!(excerpt("a\u{202e}b\tc"), "a\\u{202e}b\\u{9}c");
        assert!(!quote("x\u{200b}y").contains('\u{200b}'));
        assert!(!excerpt("\u{0}").contains('\u{0}'));
    }

    #[test]
    fn lists_are_cut_as_a_whole() {
        let many: Vec<String> = (0..100_000).map(|i| format!("column{i}")).collect();
        let list = excerpt_list(many.iter().map(String::as_str));
        assert!(list.chars().count() < 2 * MAX_QUOTED_CHARS, "{}", list.len());
        assert!(list.starts_with("column0, column1, "));
        assert!(list.ends_with("more)"), "{list}");
        assert_eq!(excerpt_list(["a", "b"]), "a, b");
    }
}
