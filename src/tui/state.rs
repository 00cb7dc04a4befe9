//! The dashboard's plain state types: screens, list cursors, sort modes,
//! the sync line, the picker and the areas the last frame drew.

use std::collections::HashMap;

use ratatui::layout::Rect;

use crate::i18n::Text;

/// Which screen, for the key table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScreenKind {
    MyStations,
    StationDetail,
    Branch,
    County,
    Visits,
    Calendar,
    Plan,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    MyStations,
    /// Pane 0: the figures; pane 1: the station's visits.
    StationDetail {
        id: String,
        pane: usize,
    },
    Branch {
        id: String,
        pane: usize,
    },
    County,
    Visits,
    Calendar,
    /// Today's visit plan.
    Plan,
}

impl Screen {
    pub fn kind(&self) -> ScreenKind {
        match self {
            Screen::MyStations => ScreenKind::MyStations,
            Screen::StationDetail { .. } => ScreenKind::StationDetail,
            Screen::Branch { .. } => ScreenKind::Branch,
            Screen::County => ScreenKind::County,
            Screen::Visits => ScreenKind::Visits,
            Screen::Calendar => ScreenKind::Calendar,
            Screen::Plan => ScreenKind::Plan,
        }
    }
}

/// How "my stations" is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortMode {
    Risk,
    Name,
    Reward,
    LastVisit,
}

impl SortMode {
    pub fn next(self) -> SortMode {
        match self {
            SortMode::Risk => SortMode::Name,
            SortMode::Name => SortMode::Reward,
            SortMode::Reward => SortMode::LastVisit,
            SortMode::LastVisit => SortMode::Risk,
        }
    }

    pub fn text(self) -> Text {
        match self {
            SortMode::Risk => Text::SortRisk,
            SortMode::Name => Text::SortName,
            SortMode::Reward => Text::SortReward,
            SortMode::LastVisit => Text::SortLastVisit,
        }
    }
}

/// A scrolling list's cursor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCursor {
    pub selected: usize,
    pub offset: usize,
}

impl ListCursor {
    pub fn clamp(&mut self, len: usize) {
        if len == 0 {
            self.selected = 0;
            self.offset = 0;
        } else if self.selected >= len {
            self.selected = len - 1;
        }
    }

    pub fn step(&mut self, delta: isize, len: usize) {
        if len == 0 {
            return;
        }
        let next = self.selected as isize + delta;
        self.selected = next.clamp(0, len as isize - 1) as usize;
    }

    /// Keeps the selection within `height` rows from the offset.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
    }

    /// The offset a list of `height` rows draws with: the stored one,
    /// moved only as far as the selection needs (the window may have
    /// shrunk since the last key).
    pub fn offset_for(&self, height: usize) -> usize {
        let mut shown = *self;
        shown.scroll_into_view(height);
        shown.offset
    }

    pub fn reset(&mut self) {
        *self = ListCursor::default();
    }
}

/// The sync state as the header shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncView {
    /// China time of the last sync that finished (`2026-11-29 08:05`).
    pub last_success: Option<String>,
    /// China time since when the server has been away.
    pub offline_since: Option<String>,
    pub pending: u64,
    pub running: bool,
    pub configured: bool,
}

/// One choice of the first-run picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub id: String,
    /// "name · branch"
    pub label: String,
    pub role: Text,
    pub viewer: super::data::Viewer,
}

/// The person picker of the first run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub choices: Vec<Choice>,
    pub cursor: ListCursor,
}

/// Screen areas the last frame drew, for mouse clicks and paging.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HitMap {
    /// Rows of the main list (first row of data, not the header).
    pub list: Rect,
    /// The list's first row shown.
    pub offset: usize,
    /// How far a pane that scrolls as text (the station's figures) can
    /// scroll; 0 for lists.
    pub scroll_max: usize,
}

/// A filter per screen: what is typed on one screen narrows that screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    text: HashMap<ScreenKind, String>,
    /// The screen whose filter is being typed.
    pub typing: Option<ScreenKind>,
}

impl Filters {
    pub fn get(&self, screen: ScreenKind) -> &str {
        self.text.get(&screen).map_or("", String::as_str)
    }

    pub fn get_mut(&mut self, screen: ScreenKind) -> &mut String {
        self.text.entry(screen).or_default()
    }

    pub fn clear(&mut self, screen: ScreenKind) {
        self.text.remove(&screen);
    }
}

/// The screens a filter narrows.
pub const FILTERED: &[ScreenKind] = &[
    ScreenKind::MyStations,
    ScreenKind::Visits,
    ScreenKind::County,
    ScreenKind::Branch,
];
