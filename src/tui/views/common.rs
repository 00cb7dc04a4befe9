//! Pieces every screen shares: header, tab bar, footer, popups, money in
//! words, text cut to a width (Chinese counts two columns), scroll marks.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::i18n::{fill, status_name, Text};
use crate::policy::{StationResult, Status};
use crate::tui::app::App;
use crate::tui::data::Viewer;
use crate::tui::keys;
use crate::tui::state::Screen;

pub fn t(app: &App, text: Text) -> &'static str {
    text.get(app.lang)
}

/// `▰▰▰▱▱ 24/30`: progress to a threshold, `width` cells of bar (none:
/// the figures alone).
pub fn bar(value: u64, threshold: u64, width: usize) -> String {
    if width == 0 {
        return format!("{value}/{threshold}");
    }
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
    Span::styled(status_name(status, app.lang), app.theme.status(status))
}

/// Text no wider than `width` columns, cut with "…" when it is longer.
pub fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// A line's spans cut to `width` columns, the last one with "…".
pub fn cut_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut left = width;
    for span in spans {
        let w = span.content.width();
        if w <= left {
            left -= w;
            out.push(span);
        } else {
            let style = span.style;
            out.push(Span::styled(cut(&span.content, left), style));
            break;
        }
    }
    out
}

/// An amount as people read it: `41,505.03 元`.
pub fn yuan(app: &App, amount: rust_decimal::Decimal) -> String {
    format!("{} {}", crate::money::format_grouped(amount), t(app, Text::Yuan))
}

/// An amount in a column whose header names the unit: `41,505.03`.
pub fn money(amount: rust_decimal::Decimal) -> String {
    crate::money::format_grouped(amount)
}

/// What a station still needs a day, short for a list, the thresholds
/// met left out: `缴费8 刷卡2`, `缴费8`.
pub fn needs_short(app: &App, s: &StationResult) -> Option<String> {
    let n = s.needed_per_day;
    let mut parts = Vec::new();
    if n.payments > 0 {
        parts.push(fill(t(app, Text::DashNeedsPayments), &[&n.payments]));
    }
    if n.card > 0 {
        parts.push(fill(t(app, Text::DashNeedsCard), &[&n.card]));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// What a station still needs a day in a sentence, as the plan says it:
/// "还需缴费 3 笔/天（本月还剩 4 天）".
pub fn needs_sentence(app: &App, s: &StationResult) -> String {
    let needs = crate::plan::Needs {
        payments_per_day: s.needed_per_day.payments,
        card_per_day: s.needed_per_day.card,
        days_left: u32::try_from(days_left(app)).unwrap_or(0),
    };
    crate::plan::render::needs_text(&needs, app.lang)
}

/// Days from the figures' last day to the month's end.
pub fn days_left(app: &App) -> i64 {
    let r = &app.data().report.result;
    (r.month.last_day() - r.as_of).num_days().max(0)
}

/// Header: who, which month, how fresh the figures and how many days
/// are left, sync. At any width the demo mark and the sync state stay;
/// the rest is cut with "…".
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
    let width = area.width as usize;
    let mut right = vec![Span::styled(format!(" {}", r.month), theme.title())];
    if let Some(month) = app.pending_month {
        right.push(Span::styled(
            format!(" → {month} {}", t(app, Text::DashLoading)),
            theme.dim(),
        ));
    } else if app.work_pending() {
        right.push(Span::styled(" ⟳", theme.dim()));
    }
    if app.demo {
        right.push(Span::styled(format!(" [{}]", t(app, Text::Demo)), theme.warn()));
    }
    let right_width: usize = right.iter().map(|s| s.content.width()).sum();
    let left = cut_spans(
        vec![Span::styled("便民 ", theme.title()), Span::raw(who)],
        width.saturating_sub(right_width + 1),
    );
    let left_width: usize = left.iter().map(|s| s.content.width()).sum();
    let mut first = left;
    first.push(Span::raw(" ".repeat(width.saturating_sub(left_width + right_width))));
    first.extend(right);

    // The sync state, as short as it can be said.
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
    let mut sync_spans = vec![Span::styled(format!(" {running}{sync}"), theme.dim())];
    if app.sync.pending > 0 || app.sync.configured {
        sync_spans.push(Span::raw(format!(" · {} {}", t(app, Text::Queued), app.sync.pending)));
    }
    let sync_width: usize = sync_spans.iter().map(|s| s.content.width()).sum();
    let freshness = if !app.months.contains(&app.month) {
        Span::styled(fill(t(app, Text::DashNoData), &[&app.month]), theme.warn())
    } else if r.projected {
        Span::raw(fill(
            t(app, Text::DashFreshProjected),
            &[&r.as_of.format("%m-%d"), &days_left(app)],
        ))
    } else {
        Span::raw(fill(t(app, Text::DashFreshActual), &[&r.as_of.format("%m-%d")]))
    };
    let mut second = cut_spans(vec![freshness], width.saturating_sub(sync_width));
    let second_width: usize = second.iter().map(|s| s.content.width()).sum();
    second.push(Span::raw(" ".repeat(width.saturating_sub(second_width + sync_width))));
    second.extend(sync_spans);
    let second = cut_spans(second, width);

    let [line1, line2] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(first)), line1);
    frame.render_widget(Paragraph::new(Line::from(second)), line2);
}

/// A stored China time `2026-11-27 08:00` → `11-27 08:00`.
fn short_time(stamp: &str) -> String {
    stamp.get(5..).unwrap_or(stamp).to_string()
}

/// The tabs: the four screens, always in view, the current one marked.
pub fn tabs(frame: &mut Frame, area: Rect, app: &App) {
    let county = matches!(app.viewer, Some(Viewer::County));
    let current = app
        .stack
        .iter()
        .rev()
        .find_map(|s| match s {
            Screen::Visits => Some(3),
            Screen::Calendar => Some(4),
            Screen::Plan => Some(5),
            Screen::Branch { .. } if !county => Some(2),
            Screen::MyStations | Screen::County => Some(1),
            _ => None,
        })
        .unwrap_or(1);
    let first = if county { Text::BranchesByRisk } else { Text::MyStations };
    let mut tabs = vec![(1, first)];
    if !county {
        tabs.push((2, Text::DashBranchTab));
    }
    tabs.extend([(3, Text::Visits), (4, Text::DashCalendarTab)]);
    if !county {
        tabs.push((5, Text::DashPlanTab));
    }
    let mut spans = Vec::new();
    for (n, text) in tabs {
        let label = format!(" {n} {} ", t(app, text));
        let style = if n == current {
            app.theme.selected()
        } else {
            app.theme.dim()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    let spans = cut_spans(spans, area.width as usize);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Footer: the keys that work here (the screen's own first), or the
/// flash message.
pub fn footer(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme;
    let width = area.width as usize;
    if let Some(message) = &app.flash {
        frame.render_widget(Paragraph::new(Span::styled(cut(message, width), theme.warn())), area);
        return;
    }
    if let Some(screen) = app.filters.typing {
        let line = Line::from(cut_spans(
            vec![
                Span::styled("/", theme.key()),
                Span::raw(app.filters.get(screen).to_string()),
                Span::styled("▏", theme.key()),
                Span::styled(
                    format!("  Enter {}  Esc {}", t(app, Text::Done), t(app, Text::Clear)),
                    theme.dim(),
                ),
            ],
            width,
        ));
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
    } else if app.draft_offered() {
        vec![
            ("Enter", t(app, Text::DashKeepWriting)),
            ("Esc", t(app, Text::DashDiscard)),
        ]
    } else if let Some(editor) = &app.editor {
        if editor.confirm_discard {
            vec![("y", t(app, Text::DashDiscard)), ("n", t(app, Text::DashKeepWriting))]
        } else {
            vec![
                ("Ctrl-S", t(app, Text::Save)),
                ("Tab", t(app, Text::NextField)),
                ("Esc", t(app, Text::Cancel)),
            ]
        }
    } else if app.prompt.is_some() {
        vec![("Enter", t(app, Text::Confirm)), ("Esc", t(app, Text::Cancel))]
    } else if app.note_view.is_some() {
        vec![
            ("↑↓", t(app, Text::DashScroll)),
            ("e", t(app, Text::KeyEditNote)),
            ("Esc", t(app, Text::KeyBack)),
        ]
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
        let item_width = key.width() + 1 + words.width();
        if used + item_width > width {
            break;
        }
        used += item_width + 2;
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

/// A list's title with its filter, if one is set.
pub fn with_filter(title: String, app: &App, screen: crate::tui::state::ScreenKind) -> String {
    match app.filters.get(screen) {
        "" => title,
        filter => format!("{title} · /{filter}"),
    }
}

/// In a list drawn in `block_area`, rows `offset..offset + shown` of
/// `total`: marks on the bottom border say how many are above and below.
pub fn scroll_mark(frame: &mut Frame, block_area: Rect, offset: usize, shown: usize, total: usize, app: &App) {
    if total <= shown || block_area.height < 2 {
        return;
    }
    let above = offset;
    let below = total.saturating_sub(offset + shown);
    let mut text = String::new();
    if above > 0 {
        text.push_str(&format!("↑{above} "));
    }
    if below > 0 {
        text.push_str(&format!("↓{below} "));
    }
    let text = format!(" {text}");
    let w = text.width() as u16;
    if w + 2 > block_area.width {
        return;
    }
    let area = Rect {
        x: block_area.x + block_area.width - w - 1,
        y: block_area.y + block_area.height - 1,
        width: w,
        height: 1,
    };
    frame.render_widget(Paragraph::new(Span::styled(text, app.theme.key())), area);
}

/// A table's data rows inside its block (below the header row, above
/// `footer` rows), and the first row it draws (the cursor's, moved only
/// as far as the selection needs); both recorded for the mouse.
pub fn table_rows(app: &App, inner: Rect, footer: u16, cursor: crate::tui::state::ListCursor) -> (Rect, usize) {
    let list = Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1 + footer),
        ..inner
    };
    let offset = cursor.offset_for(list.height as usize);
    app.hits.set(crate::tui::state::HitMap {
        list,
        offset,
        ..Default::default()
    });
    (list, offset)
}

/// "No match" in a list's first row, when a filter hides everything.
pub fn no_match(frame: &mut Frame, inner: Rect, app: &App, filtered: bool, empty: Text) {
    if inner.height < 2 {
        return;
    }
    let row = Rect {
        y: inner.y + 1,
        height: 1,
        ..inner
    };
    let text = if filtered { Text::DashNoMatch } else { empty };
    frame.render_widget(Line::from(dim(app, t(app, text))), row);
}

pub fn dim(app: &App, text: impl Into<String>) -> Span<'static> {
    Span::styled(text.into(), app.theme.dim())
}

pub fn styled(text: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(text.into(), style)
}

/// Pads to `cells` display cells (Chinese counts double).
pub fn pad(text: &str, cells: usize) -> String {
    let width = text.width();
    format!("{text}{}", " ".repeat(cells.saturating_sub(width)))
}

/// A column as wide as its header and its widest cell.
pub fn fit(header: &str, cells: impl IntoIterator<Item = usize>) -> u16 {
    cells.into_iter().chain([header.width()]).max().unwrap_or(0) as u16
}

/// A note's first line for a list, cut to `width` columns, with a mark
/// when there is more (more lines, or more of the line).
pub fn first_line(app: &App, body: &str, width: usize) -> String {
    let mut lines = body.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().unwrap_or("").trim();
    let more = lines.count();
    if more == 0 {
        return cut(first, width);
    }
    let long = format!(" {}", fill(t(app, Text::DashMoreLines), &[&more]));
    // A narrow column keeps some of the text and a short mark.
    let mark = if width >= long.width() + 8 {
        long
    } else {
        format!(" {}", fill(t(app, Text::DashMoreLinesShort), &[&more]))
    };
    let room = width.saturating_sub(mark.width());
    format!("{}{mark}", cut(first, room))
}

/// Text broken into lines no wider than `width` columns: at its own line
/// ends, and anywhere a line is too long (Chinese has no spaces to break
/// at). Nothing is dropped.
pub fn wrap_text(text: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut out = Vec::new();
    for line in text.split('\n') {
        let mut current = String::new();
        let mut used = 0;
        for c in line.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width {
                out.push(std::mem::take(&mut current));
                used = 0;
            }
            current.push(c);
            used += w;
        }
        out.push(current);
    }
    out
}
