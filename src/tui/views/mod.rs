//! Drawing: each screen from state, never changing what it shows.

pub mod branch;
pub mod calendar;
pub mod common;
pub mod county;
pub mod my_stations;
pub mod overlays;
pub mod station;
pub mod visits;

use ratatui::layout::{Constraint, Layout};
use ratatui::Frame;

use super::app::{App, Screen};

/// The smallest terminal the dashboard draws in.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

/// Draws the whole frame.
pub fn draw(frame: &mut Frame, app: &mut App) {
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
    // The one read a view needs, done here only when the station changed.
    app.refresh_station_days();
    let [header, body, footer] =
        Layout::vertical([Constraint::Length(2), Constraint::Min(0), Constraint::Length(1)]).areas(area);
    common::header(frame, header, app);
    match app.screen().clone() {
        Screen::MyStations => my_stations::draw(frame, body, app),
        Screen::StationDetail { id, pane } => station::draw(frame, body, app, &id, pane),
        Screen::Branch { id, pane } => branch::draw(frame, body, app, &id, pane),
        Screen::County => branch::draw_county(frame, body, app),
        Screen::Visits => visits::draw(frame, body, app),
        Screen::Calendar => calendar::draw(frame, body, app),
    }
    common::footer(frame, footer, app);
    if app.help {
        overlays::help(frame, app);
    }
    if app.editor.is_some() {
        overlays::editor(frame, app);
    }
    if app.prompt.is_some() {
        overlays::prompt(frame, app);
    }
    if app.picker.is_some() {
        overlays::picker(frame, app);
    }
}
