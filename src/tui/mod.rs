//! The dashboard (issue 4): state + update (`app`), the key table
//! (`keys`), views that only draw state (`views`), the note editor, the
//! theme. `run` owns the terminal and restores it on exit, on Ctrl-C and
//! on a panic.

pub mod app;
pub mod background;
pub mod data;
pub mod editor;
pub mod keys;
pub mod theme;
pub mod views;

use std::io;
use std::time::Duration;

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event, KeyEventKind,
};
use ratatui::crossterm::execute;

pub use app::App;

/// Runs the dashboard until the user quits.
pub fn run(app: &mut App, mouse: bool) -> io::Result<()> {
    // ratatui::init enters raw mode and the alternate screen, and installs
    // a panic hook that restores the terminal before the panic prints.
    let mut terminal = ratatui::init();
    let result = (|| -> io::Result<()> {
        execute!(io::stdout(), EnableBracketedPaste)?;
        if mouse {
            execute!(io::stdout(), EnableMouseCapture)?;
        }
        loop {
            terminal.draw(|frame| views::draw(frame, app))?;
            if app.quit {
                return Ok(());
            }
            if event::poll(Duration::from_millis(250))? {
                match event::read()? {
                    Event::Key(key) if key.kind != KeyEventKind::Release => app.on_key(key),
                    Event::Mouse(m) => app.on_mouse(m),
                    Event::Paste(text) => app.on_paste(&text),
                    _ => {}
                }
            }
            app.tick();
        }
    })();
    let _ = execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::restore();
    result
}
