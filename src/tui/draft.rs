//! The note being written, kept in the database on every change (the
//! `meta` table, one row), so a note survives the program being killed,
//! the laptop's battery or a closed terminal; the next start offers it
//! back. Saving the note or discarding it on purpose forgets it.

use serde::{Deserialize, Serialize};

use crate::records::NoteKind;
use crate::store::{Store, StoreError};

/// The `meta` key of the draft; an empty value means none.
const DRAFT_KEY: &str = "dashboard_note_draft";

/// The editor's fields as typed, not yet checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteDraft {
    /// Who is writing it: only they are offered it back.
    pub author: String,
    /// The note being changed; `None` for a new note.
    pub editing: Option<String>,
    pub station: Option<String>,
    pub date: String,
    pub kind: NoteKind,
    pub body: String,
    pub follow_up: String,
    /// When it was last changed, China time (`2026-11-27 08:05`).
    pub changed_at: String,
}

/// The draft kept in the database, if any (one that cannot be read is
/// treated as none rather than stopping the dashboard).
pub fn load(store: &Store) -> Result<Option<NoteDraft>, StoreError> {
    Ok(store
        .meta(DRAFT_KEY)?
        .filter(|text| !text.is_empty())
        .and_then(|text| serde_json::from_str(&text).ok()))
}

/// Keeps the draft, or forgets it.
pub fn save(store: &Store, draft: Option<&NoteDraft>) -> Result<(), StoreError> {
    let text = match draft {
        Some(draft) => serde_json::to_string(draft).unwrap_or_default(),
        None => String::new(),
    };
    store.set_meta(DRAFT_KEY, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_kept_and_forgotten() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(load(&store).unwrap(), None);
        let draft = NoteDraft {
            author: "W01".into(),
            editing: None,
            station: Some("S0001".into()),
            date: "2026-11-27".into(),
            kind: NoteKind::Equipment,
            body: "第一行\n第二行".into(),
            follow_up: String::new(),
            changed_at: "2026-11-27 08:05".into(),
        };
        save(&store, Some(&draft)).unwrap();
        assert_eq!(load(&store).unwrap(), Some(draft));
        save(&store, None).unwrap();
        assert_eq!(load(&store).unwrap(), None);
        store.set_meta(DRAFT_KEY, "{not json").unwrap();
        assert_eq!(load(&store).unwrap(), None, "a damaged draft is no draft");
    }
}
