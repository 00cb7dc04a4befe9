//! Drawing: each screen from state, reading only memory (`&App`); the
//! one thing a view writes is where the list landed (`App::hits`), for
//! the mouse and paging.

pub mod branch;
pub mod calendar;
pub mod common;
pub mod county;
pub mod editor;
pub mod my_stations;
pub mod overlays;
pub mod plan;
pub mod station;
pub mod visits;

use ratatui::layout::{Constraint, Layout};
use ratatui::Frame;

use super::app::App;
use super::state::Screen;

/// The smallest terminal the dashboard draws in.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

/// Draws the whole frame.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        common::too_small(frame, app);
        return;
    }
    if app.viewer.is_none() {
        overlays::picker(frame, app);
        common::footer(
            frame,
            Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas::<2>(area)[1],
            app,
        );
        return;
    }
    let [header, tabs, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    common::header(frame, header, app);
    common::tabs(frame, tabs, app);
    match app.screen() {
        Screen::MyStations => my_stations::draw(frame, body, app),
        Screen::StationDetail { id, pane } => station::draw(frame, body, app, id, *pane),
        Screen::Branch { id, pane } => branch::draw(frame, body, app, id, *pane),
        Screen::County => county::draw(frame, body, app),
        Screen::Visits => visits::draw(frame, body, app),
        Screen::Calendar => calendar::draw(frame, body, app),
        Screen::Plan => plan::draw(frame, body, app),
    }
    common::footer(frame, footer, app);
    if app.help {
        overlays::help(frame, app);
    }
    if app.note_view.is_some() {
        overlays::note(frame, app);
    }
    if app.editor.is_some() {
        editor::draw(frame, app);
    }
    if app.prompt.is_some() {
        overlays::prompt(frame, app);
    }
    if app.draft_offered() {
        overlays::draft_offer(frame, app);
    }
}
