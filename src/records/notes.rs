//! Visit notes: what a maintainer or manager wrote about a station's
//! visit. Every field remembers when it was last set (`field_times`), so
//! two laptops' edits merge field by field.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{FieldTimes, SyncState};

/// What a visit was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// 催缴/收费推动
    Collection,
    /// 设备故障
    Equipment,
    /// 宣传推广
    Promotion,
    /// 对账
    Reconciliation,
    Other,
}

impl NoteKind {
    pub const ALL: [NoteKind; 5] = [
        NoteKind::Collection,
        NoteKind::Equipment,
        NoteKind::Promotion,
        NoteKind::Reconciliation,
        NoteKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Collection => "collection",
            NoteKind::Equipment => "equipment",
            NoteKind::Promotion => "promotion",
            NoteKind::Reconciliation => "reconciliation",
            NoteKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<NoteKind> {
        NoteKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The kind in words, for the screens and the command line.
    pub fn text(self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            NoteKind::Collection => Text::KindCollection,
            NoteKind::Equipment => Text::KindEquipment,
            NoteKind::Promotion => Text::KindPromotion,
            NoteKind::Reconciliation => Text::KindReconciliation,
            NoteKind::Other => Text::KindOther,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitNote {
    pub uuid: String,
    pub station_id: String,
    pub author_id: String,
    pub visited_on: NaiveDate,
    pub kind: NoteKind,
    pub body: String,
    pub follow_up_on: Option<NaiveDate>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub field_times: FieldTimes,
    pub sync: SyncState,
}

/// A note as written by its author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNote {
    pub station_id: String,
    pub author_id: String,
    pub visited_on: NaiveDate,
    pub kind: NoteKind,
    pub body: String,
    pub follow_up_on: Option<NaiveDate>,
}

/// The fields an edit may change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteEdit {
    pub visited_on: Option<NaiveDate>,
    pub kind: Option<NoteKind>,
    pub body: Option<String>,
    pub follow_up_on: Option<Option<NaiveDate>>,
}
