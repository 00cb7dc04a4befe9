//! File names built from data. A station code names its statement file
//! (`S001-2026-10.txt`); imports refuse codes with `/`, `\` or `..`, but a
//! database written by an older bianmin, by hand or pulled from a server
//! can still hold `../x` or `/tmp/x`. Whatever the code, the name made
//! here is one plain file name inside the folder it is joined to.

use sha2::{Digest, Sha256};

/// The most bytes of a stem (file systems allow 255 bytes a name; the
/// month and extension follow).
const MAX_STEM_BYTES: usize = 120;

/// Names Windows reserves for devices, whatever the extension.
const WINDOWS_DEVICES: &[&str] = &[
    "con", "prn", "aux", "nul", "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt0",
    "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A file-name stem made from `text` that is safe on Linux, macOS and
/// Windows: letters and digits of any script, `-`, `_` and single inner
/// dots are kept; everything else (separators, `:`, `*?"<>|`, control and
/// invisible characters, spaces) becomes `_`; a leading, trailing or
/// doubled dot becomes `_`; a Windows device name (`CON`, `nul`) gets a `_`
/// in front; the stem is cut to 120 bytes. When anything had to change, a
/// short hash of the original follows (`_.._x-1a2b3c4d`), so two codes that
/// clean up alike still name two files.
pub fn safe_file_stem(text: &str) -> String {
    let mut stem = String::with_capacity(text.len());
    let mut previous_dot = true; // a leading dot is refused like a doubled one
    for c in text.chars() {
        let keep = c.is_alphanumeric() || c == '-' || c == '_' || (c == '.' && !previous_dot);
        stem.push(if keep { c } else { '_' });
        previous_dot = c == '.';
    }
    if stem.ends_with('.') {
        stem.pop();
        stem.push('_');
    }
    if stem.is_empty() {
        stem.push('_');
    }
    let device = stem.split('.').next().unwrap_or_default().to_ascii_lowercase();
    if WINDOWS_DEVICES.contains(&device.as_str()) {
        stem.insert(0, '_');
    }
    if stem.len() > MAX_STEM_BYTES {
        let mut end = MAX_STEM_BYTES;
        while !stem.is_char_boundary(end) {
            end -= 1;
        }
        stem.truncate(end);
    }
    if stem != text {
        let digest = Sha256::digest(text.as_bytes());
        stem.push('-');
        for byte in &digest[..4] {
            stem.push_str(&format!("{byte:02x}"));
        }
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::path::{Component, Path};

    #[test]
    fn ordinary_codes_are_kept_as_they_are() {
        for code in ["S001", "371402001", "B-01", "P.01", "站点01", "x_y"] {
            assert_eq!(safe_file_stem(code), code);
        }
    }

    #[test]
    fn hostile_codes_become_one_plain_name() {
        let hostile = [
            "../escaped",
            "/tmp/x",
            "..\\..\\win",
            "a/../../b",
            "C:\\x",
            "C:x",
            "..",
            ".",
            "",
            ".hidden",
            "trailing.",
            "trailing ",
            "CON",
            "nul.txt",
            "Com1",
            "a\u{0}b",
            "\u{1b}[31m",
            "exe\u{202e}txt.sh",
            "a*b?c\"d<e>f|g",
            "x\ny",
            "／etc／passwd",
        ];
        let mut seen = HashSet::new();
        for code in hostile {
            let stem = safe_file_stem(code);
            let name = format!("{stem}-2026-10.txt");
            let components: Vec<_> = Path::new(&name).components().collect();
            assert_eq!(components.len(), 1, "{code:?} → {name:?}");
            assert!(matches!(components[0], Component::Normal(_)), "{code:?} → {name:?}");
            assert!(
                !stem.starts_with('.') && !stem.ends_with('.') && !stem.contains(".."),
                "{stem}"
            );
            assert!(
                stem.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c)),
                "{code:?} → {stem:?}"
            );
            let device = stem.split('.').next().unwrap().to_ascii_lowercase();
            assert!(!WINDOWS_DEVICES.contains(&device.as_str()), "{stem}");
            assert!(seen.insert(stem.clone()), "{code:?} collides: {stem}");
        }
    }

    #[test]
    fn codes_that_clean_up_alike_stay_apart() {
        assert_ne!(safe_file_stem("a/b"), safe_file_stem("a\\b"));
        assert_ne!(safe_file_stem("a/b"), safe_file_stem("a_b"));
        assert!(safe_file_stem("a/b").starts_with("a_b-"));
    }

    #[test]
    fn long_codes_are_cut_on_a_character_boundary() {
        let stem = safe_file_stem(&"站".repeat(200));
        assert!(stem.len() <= MAX_STEM_BYTES + 9, "{}", stem.len());
        assert!(stem.starts_with("站站"));
    }
}
