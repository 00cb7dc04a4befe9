//! 我的站点: the morning screen. One row per station, most at risk first.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table, TableState};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::common::{
    bar, cut, dim, fit, money, needs_short, no_match, scroll_mark, status_span, t, table_rows, titled, with_filter,
};
use crate::i18n::Text;
use crate::tui::app::App;
use crate::tui::state::ScreenKind;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let data = app.data();
    let validity = &data.report.version.validity;
    let wide = area.width >= 110;
    let show_maintainer = wide && !app.is_maintainer();
    let rows_shown = app.visible_stations();
    let total = rows_shown.len();
    let valid = rows_shown.iter().filter(|s| s.counts_as_valid).count();
    let reward_header = if data.report.result.projected {
        t(app, Text::DashRewardProjected)
    } else {
        t(app, Text::DashRewardActual)
    };

    // Narrow: the figures without the bars, so the names keep some room.
    let bar_width = if wide {
        8
    } else if area.width >= 76 {
        4
    } else {
        0
    };
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
    let needs: Vec<Option<String>> = rows_shown.iter().map(|s| needs_short(app, s)).collect();
    let visits: Vec<String> = rows_shown
        .iter()
        .map(|s| match data.days_since_visit(&s.id, app.today) {
            Some(days) => format!("{days}{}", t(app, Text::DaysShort)),
            None => "-".into(),
        })
        .collect();
    // ● marks a station with a note or sign-off not yet sent.
    let names: Vec<String> = rows_shown
        .iter()
        .map(|s| {
            let mark = if data.unsynced.contains(&s.id) { " ●" } else { "" };
            format!("{}{mark}", data.marked_name(&s.id, app.lang))
        })
        .collect();
    // Narrow: the days since the last visit give way to the name.
    let show_visit = area.width >= 70;

    let mut fixed = vec![
        fit(t(app, Text::PaymentsShort), bars.iter().map(|b| b.0.width())),
        fit(t(app, Text::CardShort), bars.iter().map(|b| b.1.width())),
        fit(
            t(app, Text::Status),
            rows_shown
                .iter()
                .map(|s| crate::i18n::status_name(s.status, app.lang).width()),
        ),
        fit(
            t(app, Text::DashNeedsHeader),
            needs.iter().map(|n| n.as_deref().map_or(1, UnicodeWidthStr::width)),
        ),
        fit(reward_header, rows_shown.iter().map(|s| money(s.reward.total).len())),
    ];
    if show_visit {
        fixed.push(fit(t(app, Text::VisitShort), visits.iter().map(|v| v.width())));
    }
    if show_maintainer {
        fixed.insert(
            0,
            fit(
                t(app, Text::Maintainer),
                rows_shown
                    .iter()
                    .map(|s| data.report.person_name(&s.maintainer).width()),
            ),
        );
    }
    // Every column as wide as it needs; the name takes what is left, up
    // to what the longest name needs; a longer name is cut with "…".
    let spacing = fixed.len() as u16;
    let left = area.width.saturating_sub(2 + spacing + fixed.iter().sum::<u16>());
    let names_width = names.iter().map(|n| n.width()).max().unwrap_or(0);
    let name_width = (names_width.max(t(app, Text::Station).width()) as u16).min(left).max(6);

    let mut header = vec![
        Cell::from(t(app, Text::Station)),
        Cell::from(t(app, Text::PaymentsShort)),
        Cell::from(t(app, Text::CardShort)),
        Cell::from(t(app, Text::Status)),
        Cell::from(t(app, Text::DashNeedsHeader)),
        Cell::from(Line::from(reward_header).right_aligned()),
    ];
    if show_visit {
        header.push(Cell::from(Line::from(t(app, Text::VisitShort)).right_aligned()));
    }
    if show_maintainer {
        header.insert(1, Cell::from(t(app, Text::Maintainer)));
    }
    let rows: Vec<Row> = rows_shown
        .iter()
        .zip(bars)
        .zip(needs)
        .zip(visits)
        .zip(&names)
        .map(|((((s, (payments_bar, card_bar)), need), visit), name)| {
            let need = match need {
                Some(text) => Span::raw(text),
                None => dim(app, "-"),
            };
            let mut cells = vec![
                Cell::from(cut(name, name_width as usize)),
                Cell::from(payments_bar),
                Cell::from(card_bar),
                Cell::from(status_span(app, s.status)),
                Cell::from(need),
                Cell::from(Line::from(money(s.reward.total)).right_aligned()),
            ];
            if show_visit {
                cells.push(Cell::from(Line::from(visit).right_aligned()));
            }
            if show_maintainer {
                cells.insert(1, Cell::from(data.report.person_name(&s.maintainer).to_string()));
            }
            Row::new(cells)
        })
        .collect();
    let widths: Vec<Constraint> = std::iter::once(name_width)
        .chain(fixed)
        .map(Constraint::Length)
        .collect();
    let title = with_filter(
        format!(
            "{} {}/{} {} · {} {}",
            t(app, Text::MyStations),
            valid,
            total,
            t(app, Text::ValidOrProjected),
            t(app, Text::SortedBy),
            app.sort.text().get(app.lang),
        ),
        app,
        ScreenKind::MyStations,
    );
    let block = titled(title, true, app);
    let inner = block.inner(area);
    let (list, offset) = table_rows(app, inner, 0, app.cursors.stations);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(app.theme.dim()))
        .block(block)
        .column_spacing(1)
        .flex(ratatui::layout::Flex::Start)
        .row_highlight_style(app.theme.selected());
    let mut state = TableState::default()
        .with_selected((total > 0).then_some(app.cursors.stations.selected))
        .with_offset(offset);
    frame.render_stateful_widget(table, area, &mut state);
    if total == 0 {
        let filtered = !app.filters.get(ScreenKind::MyStations).is_empty();
        no_match(frame, inner, app, filtered, Text::DashNoStations);
    }
    scroll_mark(frame, area, offset, list.height as usize, total, app);
}
