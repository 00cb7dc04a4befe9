//! Pieces every screen shares: header, footer, bars, popups.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use crate::i18n::{status_name, Text};
use crate::policy::Status;
use crate::tui::app::App;
use crate::tui::data::Viewer;
use crate::tui::keys;

pub fn t(app: &App, text: Text) -> &'static str {
    text.get(app.lang)
}

/// `▰▰▰▱▱ 24/30`: progress to a threshold, `width` cells of bar.
pub fn bar(value: u64, threshold: u64, width: usize) -> String {
    let filled = if threshold == 0 {
        width
    } else {
        ((value.min(threshold) as usize) * width) / threshold as usize
    };
    format!(
        "{}{} {value}/{threshold}",
        "▰".repeat(filled),
        "▱".repeat(width - filled)
    )
}

pub fn status_span(app: &App, status: Status) -> Span<'static> {
    Span::styled(status_name(status, app.lang), app_theme(app).status(status))
}

pub fn app_theme(app: &App) -> crate::tui::theme::Theme {
    app.theme
}

/// Header: who, which month, how fresh the figures, sync.
pub fn header(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme;
    let data = app.data();
    let r = &data.report.result;
    let who = match &app.viewer {
        Some(Viewer::Maintainer { person, branch }) => format!(
            "{} {} · {}",
            t(app, Text::RoleMaintainer),
            data.report.person_name(person),
            data.report.branch_name(branch)
        ),
        Some(Viewer::Manager { person, branch }) => format!(
            "{} {} · {}",
            t(app, Text::RoleManager),
            data.report.person_name(person),
            data.report.branch_name(branch)
        ),
        Some(Viewer::County) => t(app, Text::RoleCounty).to_string(),
        None => String::new(),
    };
    let age = (app.today - r.as_of).num_days();
    let basis = if r.projected { Text::Projected } else { Text::Actual };
    let mut first = vec![
        Span::styled("便民 bianmin", theme.title()),
        Span::raw("  "),
        Span::raw(who),
        Span::raw("  "),
        Span::styled(format!("{}", r.month), theme.title()),
    ];
    if app.demo {
        first.push(Span::raw("  "));
        first.push(Span::styled(format!("[{}]", t(app, Text::Demo)), theme.warn()));
    }
    let sync = if !app.sync.configured && app.sync.last_success.is_none() {
        t(app, Text::SyncLocalOnly).to_string()
    } else {
        match (&app.sync.last_success, &app.sync.offline_since) {
            (_, Some(since)) => format!("{} {}", t(app, Text::OfflineSince), short_time(since)),
            (Some(at), None) => format!("{} {}", t(app, Text::LastSync), short_time(at)),
            (None, None) => t(app, Text::NeverSynced).to_string(),
        }
    };
    let running = if app.sync.running { "⟳ " } else { "" };
    let freshness = Line::from(format!(
        "{} {} ({age} {}) · {}",
        t(app, Text::AsOf),
        r.as_of,
        t(app, Text::DaysAgo),
        t(app, basis)
    ));
    let sync_line = Line::from(vec![
        Span::styled(format!("{running}{sync}"), theme.dim()),
        Span::raw(format!(" · {} {}", t(app, Text::Queued), app.sync.pending)),
    ])
    .right_aligned();
    let [line1, line2] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(first)), line1);
    frame.render_widget(Paragraph::new(freshness), line2);
    let sync_width = sync_line.width() as u16;
    if line2.width > sync_width + 44 {
        let right = Rect {
            x: line2.x + line2.width - sync_width,
            width: sync_width,
            ..line2
        };
        frame.render_widget(Paragraph::new(sync_line), right);
    }
}

/// `2026-11-27T08:00:00.000Z` → `11-27 08:00` (UTC as stored).
fn short_time(stamp: &str) -> String {
    stamp
        .get(5..16)
        .map(|s| s.replace('T', " "))
        .unwrap_or_else(|| stamp.to_string())
}

/// Footer: the keys that work here, or the flash message.
pub fn footer(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme;
    if let Some(message) = &app.flash {
        frame.render_widget(Paragraph::new(Span::styled(message.clone(), theme.warn())), area);
        return;
    }
    if app.filtering {
        let line = Line::from(vec![
            Span::styled("/", theme.key()),
            Span::raw(app.filter.clone()),
            Span::styled("▏", theme.key()),
            Span::styled(
                format!("  Enter {}  Esc {}", t(app, Text::Done), t(app, Text::Clear)),
                theme.dim(),
            ),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    // The keys of whatever has the keyboard: a popup, or the screen.
    let items: Vec<(&str, &str)> = if app.picker.is_some() {
        vec![
            ("↑↓", t(app, Text::KeyMove)),
            ("Enter", t(app, Text::Choose)),
            ("q", t(app, Text::KeyQuit)),
        ]
    } else if app.editor.is_some() {
        vec![
            ("Tab", t(app, Text::NextField)),
            ("Ctrl-S", t(app, Text::Save)),
            ("Esc", t(app, Text::Cancel)),
        ]
    } else if app.prompt.is_some() {
        vec![("Enter", t(app, Text::Confirm)), ("Esc", t(app, Text::Cancel))]
    } else if app.help {
        vec![("", t(app, Text::AnyKeyCloses))]
    } else {
        keys::footer(app.screen().kind())
            .map(|b| (b.label, b.help.get(app.lang)))
            .collect()
    };
    // Whole items only: a key without its words helps no one.
    let mut spans = Vec::new();
    let mut used = 0usize;
    for (key, words) in items {
        let item_width = key.width() + 1 + words.width() + 2;
        if used + item_width > area.width as usize + 2 {
            break;
        }
        used += item_width;
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {words}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A centred popup of at most `width`×`height`, cleared underneath.
pub fn popup(frame: &mut Frame, width: u16, height: u16) -> Rect {
    let area = frame.area();
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [h] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    frame.render_widget(Clear, h);
    // A wide (Chinese) character just left of the popup would have its
    // right half under the border: clear that column too.
    if h.x > 0 {
        frame.render_widget(
            Clear,
            Rect {
                x: h.x - 1,
                width: 1,
                ..h
            },
        );
    }
    h
}

/// The polite message when the terminal is too small.
pub fn too_small(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let text = format!(
        "{} {}×{} ({}×{})",
        t(app, Text::TooSmall),
        super::MIN_WIDTH,
        super::MIN_HEIGHT,
        area.width,
        area.height
    );
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

pub fn titled(title: String, focused: bool, app: &App) -> Block<'static> {
    Block::bordered()
        .title(Span::styled(title, app.theme.title()))
        .border_style(app.theme.focus_border(focused))
}

pub fn money(amount: rust_decimal::Decimal) -> String {
    crate::money::format_yuan(amount)
}

pub fn dim(app: &App, text: impl Into<String>) -> Span<'static> {
    Span::styled(text.into(), app.theme.dim())
}

pub fn styled(text: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(text.into(), style)
}

/// Pads to `cells` display cells (Chinese counts double).
pub fn pad(text: &str, cells: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let width = text.width();
    format!("{text}{}", " ".repeat(cells.saturating_sub(width)))
}

/// A column as wide as its header and its widest cell.
pub fn fit(header: &str, cells: impl IntoIterator<Item = usize>) -> u16 {
    cells.into_iter().chain([header.width()]).max().unwrap_or(0) as u16
}
