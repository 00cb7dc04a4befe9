//! One line for an error and its causes, each said once.
//!
//! Errors chain: "cannot open the file" is caused by "No such file or
//! directory (os error 2)". Some errors print their cause in their own
//! message *and* return it as their `source()` (rusqlite's do, and ours did
//! once), so walking the chain naively prints the OS error twice. The
//! binary prints every error through [`chain_text`].

use std::error::Error;

use crate::i18n::{current, fill, Lang, Text};

/// `message: cause: cause`, leaving out a cause whose text the line
/// already holds.
pub fn chain_text(err: &(dyn Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut next = err.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !text.is_empty() && !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = cause.source();
    }
    out
}

/// An OS error as people read it. In Chinese: what it means, then the
/// system's own words once, which stay English (the program does not set
/// the C library's locale): "找不到该文件或文件夹（No such file or
/// directory (os error 2)）". In English: the system's words.
pub fn io_text(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    let meaning = match e.kind() {
        NotFound => Text::IoNotFound,
        PermissionDenied => Text::IoPermissionDenied,
        AlreadyExists => Text::IoAlreadyExists,
        IsADirectory => Text::IoIsADirectory,
        NotADirectory => Text::IoNotADirectory,
        StorageFull => Text::IoStorageFull,
        ReadOnlyFilesystem => Text::IoReadOnly,
        // Our own errors (`io::Error::other`) are already in words.
        _ => return e.to_string(),
    };
    match current() {
        Lang::Zh => fill(meaning.get(Lang::Zh), &[e]),
        Lang::En => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt;

    /// An error that prints its cause and also returns it.
    #[derive(Debug)]
    struct Both(std::io::Error);

    impl fmt::Display for Both {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a.csv: cannot open the file: {}", self.0)
        }
    }

    impl Error for Both {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn a_cause_already_in_the_message_is_said_once() {
        let err = Both(std::io::Error::from(std::io::ErrorKind::NotFound));
        let text = chain_text(&err);
        let os = std::io::Error::from(std::io::ErrorKind::NotFound).to_string();
        assert_eq!(text.matches(&os).count(), 1, "{text}");
        let wrapped = anyhow::Error::new(err).context("import payments");
        let text = chain_text(&*wrapped);
        assert_eq!(text.matches(&os).count(), 1, "{text}");
        assert!(
            text.starts_with("import payments: a.csv: cannot open the file"),
            "{text}"
        );
    }

    #[test]
    fn os_errors_keep_the_system_words_once() {
        let e = std::io::Error::from(std::io::ErrorKind::NotFound);
        let zh = fill(Text::IoNotFound.get(Lang::Zh), &[&e]);
        assert!(zh.contains("找不到") && zh.matches(&e.to_string()).count() == 1, "{zh}");
        let own = std::io::Error::other("它是文件夹");
        assert_eq!(io_text(&own), "它是文件夹");
    }

    #[test]
    fn causes_not_in_the_message_are_added() {
        let err = anyhow::Error::new(std::io::Error::other("disk full")).context("cannot write x.txt");
        assert_eq!(chain_text(&*err), "cannot write x.txt: disk full");
    }
}
