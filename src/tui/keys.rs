//! The key table: one list that maps keys to actions and also writes the
//! footer and the help popup, so the three never disagree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::ScreenKind;
use crate::i18n::Text;

/// Something the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Open,
    NextPane,
    PrevMonth,
    NextMonth,
    Filter,
    CycleSort,
    Help,
    ShowStations,
    ShowBranch,
    ShowVisits,
    ShowCalendar,
    ShowPlan,
    NewNote,
    EditNote,
    SignOff,
    Dispute,
    Sync,
}

/// One row of the key table.
pub struct Binding {
    /// How the key is shown: `↑↓/jk`.
    pub label: &'static str,
    pub help: Text,
    pub action: Action,
    /// Shown in the footer (all bindings are in the help popup).
    pub footer: bool,
    /// The screens it works on; empty = everywhere.
    pub screens: &'static [ScreenKind],
    matches: fn(&KeyEvent) -> bool,
}

fn plain(key: &KeyEvent) -> bool {
    !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

fn char_is(key: &KeyEvent, chars: &[char]) -> bool {
    plain(key) && matches!(key.code, KeyCode::Char(c) if chars.contains(&c))
}

use ScreenKind::*;

/// Screens with a list to move in and open from (a station's visits are
/// its second pane).
const LISTS: &[ScreenKind] = &[MyStations, Branch, County, Visits, Calendar, StationDetail, Plan];

/// Every binding, in the order the help popup lists them.
pub static BINDINGS: &[Binding] = &[
    Binding {
        label: "↑↓/jk",
        help: Text::KeyMove,
        action: Action::Up,
        footer: true,
        screens: &[],
        matches: |k| k.code == KeyCode::Up || char_is(k, &['k']),
    },
    Binding {
        label: "",
        help: Text::KeyMove,
        action: Action::Down,
        footer: false,
        screens: &[],
        matches: |k| k.code == KeyCode::Down || char_is(k, &['j']),
    },
    Binding {
        label: "PgUp/PgDn",
        help: Text::KeyPage,
        action: Action::PageUp,
        footer: false,
        screens: &[],
        matches: |k| k.code == KeyCode::PageUp,
    },
    Binding {
        label: "",
        help: Text::KeyPage,
        action: Action::PageDown,
        footer: false,
        screens: &[],
        matches: |k| k.code == KeyCode::PageDown,
    },
    Binding {
        label: "g/G",
        help: Text::KeyEnds,
        action: Action::Home,
        footer: false,
        screens: &[],
        matches: |k| k.code == KeyCode::Home || char_is(k, &['g']),
    },
    Binding {
        label: "",
        help: Text::KeyEnds,
        action: Action::End,
        footer: false,
        screens: &[],
        matches: |k| k.code == KeyCode::End || char_is(k, &['G']),
    },
    Binding {
        label: "Enter",
        help: Text::KeyOpen,
        action: Action::Open,
        footer: true,
        screens: LISTS,
        matches: |k| k.code == KeyCode::Enter || k.code == KeyCode::Right || char_is(k, &['l']),
    },
    Binding {
        label: "c",
        help: Text::DashKeySign,
        action: Action::SignOff,
        footer: true,
        screens: &[StationDetail, Branch],
        matches: |k| char_is(k, &['c']),
    },
    Binding {
        label: "d",
        help: Text::DashKeyDispute,
        action: Action::Dispute,
        footer: true,
        screens: &[StationDetail, Branch],
        matches: |k| char_is(k, &['d']),
    },
    Binding {
        label: "n",
        help: Text::KeyNewNote,
        action: Action::NewNote,
        footer: true,
        screens: &[MyStations, StationDetail, Visits, Branch, Calendar, Plan],
        matches: |k| char_is(k, &['n']),
    },
    Binding {
        label: "e",
        help: Text::KeyEditNote,
        action: Action::EditNote,
        footer: true,
        screens: &[Visits, StationDetail],
        matches: |k| char_is(k, &['e']),
    },
    Binding {
        label: "Tab",
        help: Text::KeyPane,
        action: Action::NextPane,
        footer: true,
        screens: &[StationDetail, Branch],
        matches: |k| k.code == KeyCode::Tab,
    },
    Binding {
        label: "[ ]",
        help: Text::KeyMonth,
        action: Action::PrevMonth,
        footer: true,
        screens: &[MyStations, StationDetail, Branch, County, Calendar],
        matches: |k| char_is(k, &['[']),
    },
    Binding {
        label: "",
        help: Text::KeyMonth,
        action: Action::NextMonth,
        footer: false,
        screens: &[MyStations, StationDetail, Branch, County, Calendar],
        matches: |k| char_is(k, &[']']),
    },
    Binding {
        label: "/",
        help: Text::KeyFilter,
        action: Action::Filter,
        footer: true,
        screens: super::state::FILTERED,
        matches: |k| char_is(k, &['/']),
    },
    Binding {
        label: "s",
        help: Text::KeySort,
        action: Action::CycleSort,
        footer: true,
        screens: &[MyStations],
        matches: |k| char_is(k, &['s']),
    },
    Binding {
        label: "1-5",
        help: Text::DashKeyScreens,
        action: Action::ShowStations,
        // The tab bar shows them.
        footer: false,
        screens: &[],
        matches: |k| char_is(k, &['1']),
    },
    Binding {
        label: "",
        help: Text::DashKeyScreens,
        action: Action::ShowBranch,
        footer: false,
        screens: &[],
        matches: |k| char_is(k, &['2']),
    },
    Binding {
        label: "",
        help: Text::DashKeyScreens,
        action: Action::ShowVisits,
        footer: false,
        screens: &[],
        matches: |k| char_is(k, &['3']),
    },
    Binding {
        label: "",
        help: Text::DashKeyScreens,
        action: Action::ShowCalendar,
        footer: false,
        screens: &[],
        matches: |k| char_is(k, &['4']),
    },
    Binding {
        label: "",
        help: Text::DashKeyScreens,
        action: Action::ShowPlan,
        footer: false,
        screens: &[],
        matches: |k| char_is(k, &['5', 'p']),
    },
    Binding {
        label: "r",
        help: Text::KeySync,
        action: Action::Sync,
        footer: false,
        screens: &[],
        matches: |k| char_is(k, &['r']),
    },
    Binding {
        label: "?",
        help: Text::KeyHelp,
        action: Action::Help,
        footer: true,
        screens: &[],
        matches: |k| char_is(k, &['?']),
    },
    Binding {
        label: "Esc/h",
        help: Text::KeyBack,
        action: Action::Back,
        footer: true,
        screens: &[StationDetail, Branch, Visits, Calendar, Plan],
        matches: |k| {
            k.code == KeyCode::Esc || k.code == KeyCode::Left || k.code == KeyCode::Backspace || char_is(k, &['h'])
        },
    },
    Binding {
        label: "q",
        help: Text::KeyQuit,
        action: Action::Quit,
        footer: true,
        screens: &[],
        matches: |k| {
            char_is(k, &['q']) || (k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL))
        },
    },
];

fn applies(binding: &Binding, screen: ScreenKind) -> bool {
    binding.screens.is_empty() || binding.screens.contains(&screen)
}

/// The action of a key on a screen, if any.
pub fn action_for(key: &KeyEvent, screen: ScreenKind) -> Option<Action> {
    BINDINGS
        .iter()
        .find(|b| applies(b, screen) && (b.matches)(key))
        .map(|b| b.action)
}

/// The bindings the footer shows on a screen, most useful first: the
/// screen's own keys, then help and quit, then the keys that work
/// everywhere. A narrow footer keeps as many as fit from the start.
pub fn footer(screen: ScreenKind) -> impl Iterator<Item = &'static Binding> {
    let own = |b: &Binding| !b.screens.is_empty();
    let first = |b: &Binding| matches!(b.action, Action::Help | Action::Quit);
    let shown = move |b: &&'static Binding| b.footer && applies(b, screen);
    BINDINGS
        .iter()
        .filter(move |b| own(b))
        .filter(shown)
        .chain(BINDINGS.iter().filter(move |b| first(b)).filter(shown))
        .chain(BINDINGS.iter().filter(move |b| !own(b) && !first(b)).filter(shown))
}

/// The bindings the help popup lists on a screen (one line per label).
pub fn help(screen: ScreenKind) -> impl Iterator<Item = &'static Binding> {
    BINDINGS
        .iter()
        .filter(move |b| !b.label.is_empty() && applies(b, screen))
}
