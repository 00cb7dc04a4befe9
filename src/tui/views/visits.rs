//! 走访: the visit notes of my stations, newest first, with sync state.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table, TableState};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::common::{dim, fit, t, titled};
use crate::i18n::Text;
use crate::store::notes::{NoteKind, SyncState};
use crate::tui::app::{App, HitMap};

pub fn kind_name(app: &App, kind: NoteKind) -> &'static str {
    t(
        app,
        match kind {
            NoteKind::Collection => Text::KindCollection,
            NoteKind::Equipment => Text::KindEquipment,
            NoteKind::Promotion => Text::KindPromotion,
            NoteKind::Reconciliation => Text::KindReconciliation,
            NoteKind::Other => Text::KindOther,
        },
    )
}

pub fn sync_span(app: &App, state: &SyncState) -> Span<'static> {
    match state {
        SyncState::Synced => Span::styled(t(app, Text::Synced), app.theme.good()),
        SyncState::Pending => Span::styled(t(app, Text::Pending), app.theme.warn()),
        SyncState::Rejected(reason) => Span::styled(format!("{}: {reason}", t(app, Text::Rejected)), app.theme.bad()),
        SyncState::Local => Span::styled(t(app, Text::DemoLocal), app.theme.dim()),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &mut App) {
    let data = app.data();
    let notes = app.visible_notes();
    let rows: Vec<Row> = notes
        .iter()
        .map(|n| {
            let first = n.body.lines().next().unwrap_or("").to_string();
            let follow = n
                .follow_up_on
                .map(|d| d.format("%m-%d").to_string())
                .unwrap_or_default();
            Row::new(vec![
                Cell::from(n.visited_on.format("%m-%d").to_string()),
                Cell::from(data.report.station_name(&n.station_id).to_string()),
                Cell::from(kind_name(app, n.kind)),
                Cell::from(first),
                Cell::from(follow),
                Cell::from(sync_span(app, &n.sync)),
            ])
        })
        .collect();
    let count = rows.len();
    let title = format!(
        "{} ({count}){}",
        t(app, Text::Visits),
        if app.filter.is_empty() {
            String::new()
        } else {
            format!(" · /{}", app.filter)
        }
    );
    let block = titled(title, true, app);
    let inner = block.inner(area);
    let table = Table::new(
        rows,
        [
            Constraint::Length(fit(t(app, Text::Date), [5])),
            Constraint::Length(
                fit(
                    t(app, Text::Station),
                    notes.iter().map(|n| data.report.station_name(&n.station_id).width()),
                )
                .min(24),
            ),
            Constraint::Length(fit(
                t(app, Text::Kind),
                NoteKind::ALL.iter().map(|k| kind_name(app, *k).width()),
            )),
            Constraint::Min(10),
            Constraint::Length(fit(t(app, Text::FollowUpShort), [5])),
            Constraint::Length(fit(
                t(app, Text::SyncShort),
                [t(app, Text::Synced).width(), t(app, Text::Pending).width()],
            )),
        ],
    )
    .header(
        Row::new(vec![
            Cell::from(t(app, Text::Date)),
            Cell::from(t(app, Text::Station)),
            Cell::from(t(app, Text::Kind)),
            Cell::from(t(app, Text::Note)),
            Cell::from(t(app, Text::FollowUpShort)),
            Cell::from(t(app, Text::SyncShort)),
        ])
        .style(app.theme.dim()),
    )
    .block(block)
    .row_highlight_style(app.theme.selected());
    let mut state = TableState::default()
        .with_selected((count > 0).then_some(app.visits.selected))
        .with_offset(app.visits.offset);
    frame.render_stateful_widget(table, area, &mut state);
    if count == 0 {
        let empty = Rect {
            y: inner.y + 1,
            height: 1,
            ..inner
        };
        frame.render_widget(Line::from(dim(app, t(app, Text::NoVisits))), empty);
    }
    app.visits.offset = state.offset();
    app.hits.set(HitMap {
        list: Rect {
            y: inner.y + 1,
            height: inner.height.saturating_sub(1),
            ..inner
        },
    });
}
