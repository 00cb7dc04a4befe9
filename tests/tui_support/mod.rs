//! What the dashboard's tests share: the demo county opened inline
//! (`tui::Inline`: the worker answers every effect at once, no thread, no
//! timing), rendering to text on a `TestBackend` with a check that no
//! double-width character is cut, and a few ways to change the store
//! behind the app's back.

#![allow(dead_code)]

use chrono::NaiveDate;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

use bianmin::demo::build_demo;
use bianmin::i18n::Lang;
use bianmin::policy::Policy;
use bianmin::records::{NewNote, NoteKind};
use bianmin::store::Store;
use bianmin::tui::effect::Msg;
use bianmin::tui::{views, App, Inline};

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

pub fn demo_store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    build_demo(&mut store, bianmin::demo::DEFAULT_SEED, today()).unwrap();
    store
}

pub fn demo_app(person: Option<&str>, lang: Lang) -> Inline {
    Inline::open(demo_store(), Policy::dezhou_2012(), lang, person).unwrap()
}

/// The demo county's figures in a laptop's database (what a sync would
/// have brought): what is written there waits for the server.
pub fn laptop_app(person: Option<&str>, lang: Lang) -> Inline {
    let store = demo_store();
    store.set_meta("demo", "0").unwrap();
    Inline::open(store, Policy::dezhou_2012(), lang, person).unwrap()
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| views::draw(frame, app)).unwrap();
    let buffer = terminal.backend().buffer();
    let cut = cut_wide_characters(buffer);
    assert!(
        cut.is_empty(),
        "wide characters cut at {cut:?} ({width}×{height}):\n{}",
        terminal.backend()
    );
    plain_text(buffer)
}

/// Cells where a double-width character has something drawn over its
/// right half (it would show as garbage on a real terminal).
pub fn cut_wide_characters(buffer: &ratatui::buffer::Buffer) -> Vec<(u16, u16)> {
    use unicode_width::UnicodeWidthStr;
    let area = buffer.area;
    let mut cut = Vec::new();
    for y in 0..area.height {
        for x in 0..area.width.saturating_sub(1) {
            let cell = &buffer[(x, y)];
            if cell.symbol().width() == 2 {
                let next = buffer[(x + 1, y)].symbol();
                if !(next.is_empty() || next == " ") {
                    cut.push((x, y));
                }
            }
        }
    }
    cut
}

/// The screen as text, a line per row, wide characters once.
pub fn plain_text(buffer: &ratatui::buffer::Buffer) -> String {
    use unicode_width::UnicodeWidthStr;
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            out.push_str(symbol);
            skip = symbol.width().saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

/// Adds a note straight to the store, as a sync would have brought it.
pub fn add_note(dash: &mut Inline, station: &str, author: &str, visited: &str, body: &str, follow: Option<&str>) {
    dash.worker
        .store()
        .add_note(
            &NewNote {
                station_id: station.into(),
                author_id: author.into(),
                visited_on: visited.parse().unwrap(),
                kind: NoteKind::Equipment,
                body: body.into(),
                follow_up_on: follow.map(|d| d.parse().unwrap()),
            },
            chrono::Utc::now(),
        )
        .unwrap();
}

/// Moves the cursor `rows` rows down.
pub fn down(dash: &mut Inline, rows: usize) {
    for _ in 0..rows {
        dash.type_text("j");
    }
}

/// After writing to the store behind the app's back: read it again.
pub fn reread(dash: &mut Inline) {
    dash.send(Msg::Synced(bianmin::tui::background::SyncOutcome::Done(Box::default())));
}

pub const LONG_NOTE: &str = "站长反映：本月移动营业厅在村里设了代办点，话费代收明显下降，很多老人现在去营业厅交费。\n\
建议：下周二带宣传单再来一次，和站长一起到村委会门口宣传助农取款和惠农通，顺便检查商易通终端的打印机。\n\
另外，站长的绿卡还没办好，需要提醒支局长跟进。\n第四行：结束。";
