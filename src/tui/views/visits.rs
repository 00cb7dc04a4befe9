//! 走访: the visit notes of my stations, newest first, with who wrote
//! them (for a manager), the first line of each (marked when there is
//! more; Enter opens it in full) and its sync state.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row, Table, TableState};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::common::{cut, first_line, fit, no_match, scroll_mark, t, table_rows, titled, with_filter};
use crate::i18n::Text;
use crate::records::{NoteKind, SyncState};
use crate::tui::app::App;
use crate::tui::state::ScreenKind;

pub fn kind_name(app: &App, kind: NoteKind) -> &'static str {
    t(app, kind.text())
}

pub fn sync_span(app: &App, state: &SyncState) -> Span<'static> {
    match state {
        SyncState::Synced => Span::styled(t(app, Text::Synced), app.theme.good()),
        SyncState::Pending => Span::styled(t(app, Text::Pending), app.theme.warn()),
        SyncState::Rejected(reason) => Span::styled(format!("{}: {reason}", t(app, Text::Rejected)), app.theme.bad()),
        SyncState::Local => Span::styled(t(app, Text::DemoLocal), app.theme.dim()),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let data = app.data();
    let notes = app.visible_notes();
    let show_author = !app.is_maintainer();
    // Narrow: the kind gives way to the note itself.
    let show_kind = area.width >= 76;
    let names: Vec<&str> = notes.iter().map(|n| data.report.station_name(&n.station_id)).collect();
    let mut widths = vec![fit(t(app, Text::Date), [5])];
    widths.push(fit(t(app, Text::Station), names.iter().map(|n| n.width())).min(16));
    if show_author {
        widths.push(fit(
            t(app, Text::DashAuthor),
            notes.iter().map(|n| data.report.person_name(&n.author_id).width()),
        ));
    }
    if show_kind {
        widths.push(fit(
            t(app, Text::Kind),
            NoteKind::ALL.iter().map(|k| kind_name(app, *k).width()),
        ));
    }
    let follow = fit(t(app, Text::FollowUpShort), [5]);
    let sync = fit(
        t(app, Text::SyncShort),
        [
            t(app, Text::Synced).width(),
            t(app, Text::Pending).width(),
            t(app, Text::DemoLocal).width(),
        ],
    );
    // The note takes what is left.
    let spacing = widths.len() as u16 + 2;
    let note_width = area
        .width
        .saturating_sub(2 + spacing + widths.iter().sum::<u16>() + follow + sync)
        .max(8);
    let station_width = widths[1] as usize;
    let rows: Vec<Row> = notes
        .iter()
        .zip(&names)
        .map(|(n, name)| {
            let mut cells = vec![
                Cell::from(n.visited_on.format("%m-%d").to_string()),
                Cell::from(cut(name, station_width)),
            ];
            if show_author {
                cells.push(Cell::from(data.report.person_name(&n.author_id).to_string()));
            }
            if show_kind {
                cells.push(Cell::from(kind_name(app, n.kind)));
            }
            cells.extend([
                Cell::from(first_line(app, &n.body, note_width as usize)),
                Cell::from(
                    n.follow_up_on
                        .map(|d| d.format("%m-%d").to_string())
                        .unwrap_or_default(),
                ),
                Cell::from(sync_span(app, &n.sync)),
            ]);
            Row::new(cells)
        })
        .collect();
    let mut header = vec![Cell::from(t(app, Text::Date)), Cell::from(t(app, Text::Station))];
    if show_author {
        header.push(Cell::from(t(app, Text::DashAuthor)));
    }
    if show_kind {
        header.push(Cell::from(t(app, Text::Kind)));
    }
    header.extend([
        Cell::from(t(app, Text::Note)),
        Cell::from(t(app, Text::FollowUpShort)),
        Cell::from(t(app, Text::SyncShort)),
    ]);
    widths.extend([note_width, follow, sync]);
    let count = rows.len();
    let title = with_filter(format!("{} ({count})", t(app, Text::Visits)), app, ScreenKind::Visits);
    let block = titled(title, true, app);
    let inner = block.inner(area);
    let (list, offset) = table_rows(app, inner, 0, app.cursors.visits);
    let table = Table::new(rows, widths.into_iter().map(Constraint::Length))
        .header(Row::new(header).style(app.theme.dim()))
        .block(block)
        .column_spacing(1)
        .flex(ratatui::layout::Flex::Start)
        .row_highlight_style(app.theme.selected());
    let mut state = TableState::default()
        .with_selected((count > 0).then_some(app.cursors.visits.selected))
        .with_offset(offset);
    frame.render_stateful_widget(table, area, &mut state);
    if count == 0 {
        let filtered = !app.filters.get(ScreenKind::Visits).is_empty();
        no_match(frame, inner, app, filtered, Text::NoVisits);
    }
    scroll_mark(frame, area, offset, list.height as usize, count, app);
}
