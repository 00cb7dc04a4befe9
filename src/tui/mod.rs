//! The dashboard (issues 4, 9, 11): `App::update` takes a `Msg` and
//! returns `Effect`s (`effect`), which the worker — the only holder of the
//! `Store` — runs on its own thread (`worker`); views draw `&App` and read
//! only memory. `state` holds the plain types, `navigate` and `forms` the
//! key handling, `lists` what each list shows, `keys` the one key table
//! behind the key handling, the footer and the help. `run` owns the
//! terminal and restores it on exit, on Ctrl-C and on a panic.

pub mod app;
pub mod background;
pub mod data;
pub mod draft;
pub mod editor;
pub mod effect;
mod forms;
pub mod keys;
pub mod lists;
pub mod names;
mod navigate;
pub mod state;
pub mod theme;
pub mod views;
pub mod worker;

use std::io;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event, KeyEventKind,
};
use ratatui::crossterm::execute;

pub use app::App;
pub use effect::{Effect, Msg};
pub use forms::NoteView;
pub use worker::{settle, Inline, Worker, WorkerThread};

/// Runs the dashboard until the user quits. The worker thread answers
/// the effects; the screen is drawn again after every message.
pub fn run(app: &mut App, worker: WorkerThread, mouse: bool) -> io::Result<()> {
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
            let mut msgs = Vec::new();
            // Short waits, so the worker's answers show soon after they come.
            if event::poll(Duration::from_millis(50))? {
                match event::read()? {
                    Event::Key(key) if key.kind != KeyEventKind::Release => msgs.push(Msg::Key(key)),
                    Event::Mouse(m) => msgs.push(Msg::Mouse(m)),
                    Event::Paste(text) => msgs.push(Msg::Paste(text)),
                    _ => {}
                }
            }
            while let Some(msg) = worker.try_recv() {
                msgs.push(msg);
            }
            msgs.push(Msg::Tick(Instant::now()));
            for msg in msgs {
                for effect in app.update(msg) {
                    worker.send(effect);
                }
            }
        }
    })();
    let _ = execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::restore();
    result
}
