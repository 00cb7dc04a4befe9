//! 我的站点: the morning screen. One row per station, most at risk first.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table, TableState};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::common::{bar, dim, fit, money, status_span, t, titled};
use crate::i18n::Text;
use crate::tui::app::{App, HitMap};
use crate::tui::data::Viewer;

pub fn draw(frame: &mut Frame, area: Rect, app: &mut App) {
    let data = app.data();
    let validity = &data.report.version.validity;
    let wide = area.width >= 110;
    let show_maintainer = wide && !matches!(app.viewer, Some(Viewer::Maintainer { .. }));
    let rows_shown = app.visible_stations();
    let total = rows_shown.len();
    let valid = rows_shown.iter().filter(|s| s.counts_as_valid).count();

    let mut header = vec![
        Cell::from(t(app, Text::Station)),
        Cell::from(t(app, Text::PaymentsShort)),
        Cell::from(t(app, Text::CardShort)),
        Cell::from(t(app, Text::Status)),
        Cell::from(t(app, Text::NeededShort)),
        Cell::from(Line::from(t(app, Text::RewardShort)).right_aligned()),
        Cell::from(Line::from(t(app, Text::VisitShort)).right_aligned()),
        Cell::from(""),
    ];
    if show_maintainer {
        header.insert(1, Cell::from(t(app, Text::Maintainer)));
    }
    let bar_width = if wide { 8 } else { 4 };
    // Columns as wide as their widest bar ("▰▰▰▰ 1697/30").
    let bars: Vec<(String, String)> = rows_shown
        .iter()
        .map(|s| {
            let so_far = data.so_far(&s.id);
            (
                bar(so_far.payments, validity.min_payments, bar_width),
                bar(so_far.card, validity.min_card, bar_width.min(5)),
            )
        })
        .collect();
    let payments_width = bars.iter().map(|b| b.0.width()).max().unwrap_or(0);
    let card_width = bars.iter().map(|b| b.1.width()).max().unwrap_or(0);
    let rows: Vec<Row> = rows_shown
        .iter()
        .zip(bars)
        .map(|(s, (payments_bar, card_bar))| {
            let needed = if s.needed_per_day.payments == 0 && s.needed_per_day.card == 0 {
                dim(app, "-")
            } else {
                Span::raw(format!("{}/{}", s.needed_per_day.payments, s.needed_per_day.card))
            };
            let visit = match data.days_since_visit(&s.id, app.today) {
                Some(days) => format!("{days}{}", t(app, Text::DaysShort)),
                None => "-".into(),
            };
            let mark = if data.unsynced.contains(&s.id) { "●" } else { "" };
            let mut cells = vec![
                Cell::from(data.marked_name(&s.id, app.lang)),
                Cell::from(payments_bar),
                Cell::from(card_bar),
                Cell::from(status_span(app, s.status)),
                Cell::from(needed),
                Cell::from(Line::from(money(s.reward.total)).right_aligned()),
                Cell::from(Line::from(visit).right_aligned()),
                Cell::from(Span::styled(mark, app.theme.warn())),
            ];
            if show_maintainer {
                cells.insert(1, Cell::from(data.report.person_name(&s.maintainer).to_string()));
            }
            Row::new(cells)
        })
        .collect();

    // Every column as wide as it needs; the name takes what is left, up to
    // what the longest name needs, and spare room stays on the right.
    let names_width = rows_shown
        .iter()
        .map(|s| data.marked_name(&s.id, app.lang).width())
        .max()
        .unwrap_or(0);
    let statuses = rows_shown
        .iter()
        .map(|s| crate::i18n::status_name(s.status, app.lang).width());
    let needs = rows_shown
        .iter()
        .map(|s| format!("{}/{}", s.needed_per_day.payments, s.needed_per_day.card).width());
    let rewards = rows_shown.iter().map(|s| money(s.reward.total).len());
    let visits = rows_shown.iter().map(|s| {
        data.days_since_visit(&s.id, app.today)
            .map_or(1, |d| d.to_string().len() + 2)
    });
    let mut fixed = vec![
        fit(t(app, Text::PaymentsShort), [payments_width]),
        fit(t(app, Text::CardShort), [card_width]),
        fit(t(app, Text::Status), statuses),
        fit(t(app, Text::NeededShort), needs),
        fit(t(app, Text::RewardShort), rewards),
        fit(t(app, Text::VisitShort), visits),
        1,
    ];
    if show_maintainer {
        let maintainers = rows_shown
            .iter()
            .map(|s| data.report.person_name(&s.maintainer).width());
        fixed.insert(0, fit(t(app, Text::Maintainer), maintainers));
    }
    let spacing = fixed.len() as u16;
    let left = area.width.saturating_sub(2 + spacing + fixed.iter().sum::<u16>());
    let name_width = (names_width.max(t(app, Text::Station).width()) as u16).min(left).max(6);
    let widths: Vec<Constraint> = std::iter::once(name_width)
        .chain(fixed)
        .map(Constraint::Length)
        .collect();
    let sort = app.sort.text().get(app.lang);
    let title = format!(
        "{} {}/{} {} · {} {}{}",
        t(app, Text::MyStations),
        valid,
        total,
        t(app, Text::ValidOrProjected),
        t(app, Text::SortedBy),
        sort,
        if app.filter.is_empty() {
            String::new()
        } else {
            format!(" · /{}", app.filter)
        }
    );
    let block = titled(title, true, app);
    let inner = block.inner(area);
    // Data rows start below the header row.
    app.hits.set(HitMap {
        list: Rect {
            y: inner.y + 1,
            height: inner.height.saturating_sub(1),
            ..inner
        },
    });
    app.stations.scroll_into_view(inner.height.saturating_sub(1) as usize);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(app.theme.dim()))
        .block(block)
        .column_spacing(1)
        .flex(ratatui::layout::Flex::Start)
        .row_highlight_style(app.theme.selected());
    let mut state = TableState::default()
        .with_selected(if total == 0 { None } else { Some(app.stations.selected) })
        .with_offset(app.stations.offset);
    frame.render_stateful_widget(table, area, &mut state);
    app.stations.offset = state.offset();
}
