//! Station names as people look for them: in pinyin order (张庄 after
//! 李庄, as a Chinese list is read, not by code point), and found by
//! name, code or pinyin initials (`zzbm` finds 张庄便民站).

use std::cmp::Ordering;

use pinyin::ToPinyin;

/// The name spelled for sorting: each Han character as its toneless
/// pinyin followed by a space, anything else lower-cased as it is.
pub fn sort_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len() * 2);
    for (c, p) in name.chars().zip(name.to_pinyin()) {
        match p {
            Some(p) => {
                key.push_str(p.plain());
                key.push(' ');
            }
            None => key.extend(c.to_lowercase()),
        }
    }
    key
}

/// Pinyin order, then the name itself (two names that read alike keep a
/// fixed order).
pub fn pinyin_cmp(a: &str, b: &str) -> Ordering {
    sort_key(a).cmp(&sort_key(b)).then_with(|| a.cmp(b))
}

/// The first letter of each Han character's pinyin; other letters and
/// digits as they are, lower case: `张庄便民站2` → `zzbmz2`.
pub fn initials(name: &str) -> String {
    name.chars()
        .zip(name.to_pinyin())
        .filter_map(|(c, p)| match p {
            Some(p) => p.first_letter().chars().next(),
            None if c.is_alphanumeric() => c.to_lowercase().next(),
            None => None,
        })
        .collect()
}

/// Whether what was typed finds this station: part of its name or code,
/// or part of its pinyin initials. Case does not matter.
pub fn matches(needle: &str, name: &str, code: &str) -> bool {
    let needle = needle.trim().to_lowercase();
    if needle.is_empty() {
        return true;
    }
    name.to_lowercase().contains(&needle)
        || code.to_lowercase().contains(&needle)
        || (needle.is_ascii() && initials(name).contains(&needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_pinyin_not_by_code_point() {
        // By code point 张 (U+5F20) comes before 李 (U+674E) and 王 (U+738B).
        let mut names = vec!["张庄便民站", "王村便民站", "李庄便民站", "安乐便民站"];
        names.sort_by(|a, b| pinyin_cmp(a, b));
        assert_eq!(names, ["安乐便民站", "李庄便民站", "王村便民站", "张庄便民站"]);
    }

    #[test]
    fn initials_and_codes_find_a_station() {
        assert_eq!(initials("张庄便民站"), "zzbmz");
        assert_eq!(initials("张庄2号 Shop"), "zz2hshop");
        assert!(matches("zzb", "张庄便民站", "S0001"));
        assert!(matches("ZZB", "张庄便民站", "S0001"));
        assert!(matches("s0001", "张庄便民站", "S0001"));
        assert!(matches("庄便", "张庄便民站", "S0001"));
        assert!(!matches("lz", "张庄便民站", "S0001"));
        assert!(matches("  ", "张庄便民站", "S0001"));
    }
}
