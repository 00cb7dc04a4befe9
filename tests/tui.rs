//! The dashboard without a terminal: state and update, snapshots of every
//! screen at 80×24 and 120×40 in Chinese and English, every size from 1×1
//! to 300×100 without a panic, and NO_COLOR.

use chrono::NaiveDate;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;

use bianmin::demo::build_demo;
use bianmin::i18n::Lang;
use bianmin::policy::{Policy, Status};
use bianmin::store::notes::{Outcome, SyncState};
use bianmin::store::Store;
use bianmin::tui::app::{Screen, SortMode};
use bianmin::tui::theme::Theme;
use bianmin::tui::{views, App};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

fn demo_app(person: Option<&str>, lang: Lang) -> App {
    let mut store = Store::open_in_memory().unwrap();
    build_demo(&mut store, bianmin::demo::DEFAULT_SEED, today()).unwrap();
    App::new(store, Policy::dezhou_2012(), lang, person).unwrap()
}

/// The demo county's figures in a laptop's database (what a sync would
/// have brought): what is written there waits for the server.
fn laptop_app(person: Option<&str>, lang: Lang) -> App {
    let mut store = Store::open_in_memory().unwrap();
    build_demo(&mut store, bianmin::demo::DEFAULT_SEED, today()).unwrap();
    store.conn().execute("DELETE FROM meta WHERE key = 'demo'", []).unwrap();
    App::new(store, Policy::dezhou_2012(), lang, person).unwrap()
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn press(app: &mut App, keys: &str) {
    for c in keys.chars() {
        app.on_key(key(KeyCode::Char(c)));
    }
}

fn render(app: &mut App, width: u16, height: u16) -> String {
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
fn cut_wide_characters(buffer: &ratatui::buffer::Buffer) -> Vec<(u16, u16)> {
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
fn plain_text(buffer: &ratatui::buffer::Buffer) -> String {
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

/// Snapshots of the current screen at both sizes and in both languages.
fn snapshot_all(app: &mut App, name: &str) {
    for lang in [Lang::Zh, Lang::En] {
        app.lang = lang;
        for (w, h) in [(80, 24), (120, 40)] {
            let shown = render(app, w, h);
            let lang_name = if lang == Lang::Zh { "zh" } else { "en" };
            insta::assert_snapshot!(format!("{name}-{lang_name}-{w}x{h}"), shown);
        }
    }
}

#[test]
fn snapshot_my_stations() {
    let mut app = demo_app(Some("W01"), Lang::Zh);
    snapshot_all(&mut app, "my-stations");
}

#[test]
fn snapshot_station_detail() {
    let mut app = demo_app(Some("W01"), Lang::Zh);
    app.on_key(key(KeyCode::Enter));
    assert!(matches!(app.screen(), Screen::StationDetail { .. }));
    snapshot_all(&mut app, "station-detail");
}

#[test]
fn snapshot_branch_and_county() {
    let mut app = demo_app(Some("M01"), Lang::Zh);
    press(&mut app, "2");
    assert!(matches!(app.screen(), Screen::Branch { .. }));
    snapshot_all(&mut app, "branch");
    let mut county = demo_app(Some("county"), Lang::Zh);
    assert_eq!(county.screen(), &Screen::County);
    snapshot_all(&mut county, "county");
}

#[test]
fn snapshot_visits_calendar_help() {
    let mut app = demo_app(Some("W01"), Lang::Zh);
    press(&mut app, "3");
    snapshot_all(&mut app, "visits");
    press(&mut app, "4");
    snapshot_all(&mut app, "calendar");
    press(&mut app, "1?");
    assert!(app.help);
    snapshot_all(&mut app, "help");
}

/// The demo under the Dezhou policy with quarterly withholding from
/// 2026-10 (R14): the station detail shows what is withheld and why.
#[test]
fn snapshot_station_detail_with_withholding() {
    let policy = Policy::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/policies/dezhou-withholding-2026.toml"
    )))
    .unwrap();
    let mut store = Store::open_in_memory().unwrap();
    build_demo(&mut store, bianmin::demo::DEFAULT_SEED, today()).unwrap();
    let mut app = App::new(store, policy, Lang::Zh, Some("W01")).unwrap();
    app.on_key(key(KeyCode::Enter));
    let Screen::StationDetail { id, .. } = app.screen().clone() else {
        panic!("the station detail")
    };
    let s = app.data().station(&id).unwrap().clone();
    let w = s.withholding.expect("November withholds");
    // November is no quarter end: nothing released yet, what stands is
    // October's and November's.
    assert!(!w.quarter_end && w.released.is_zero());
    assert!(app.data().report.result.contest_pool.is_some());
    let shown = render(&mut app, 120, 40);
    assert!(
        shown.contains("季度考核 R14") && shown.contains("季末(目前)"),
        "{shown}"
    );
    snapshot_all(&mut app, "station-detail-withholding");
}

/// R15 and R16 in the county view and the lists: the exit candidates of
/// the last finished month, the funnel, and the marks.
#[test]
fn the_county_view_shows_the_watchlist_funnel_and_benchmarks() {
    let county = demo_app(Some("county"), Lang::En);
    let data = county.data().county.as_ref().expect("the county's figures");
    let list = data.watchlist.as_ref().expect("October's watchlist");
    assert_eq!(list.month.to_string(), "2026-10");
    let mut ids: Vec<&str> = list.entries.iter().map(|e| e.station.as_str()).collect();
    ids.sort_unstable();
    let mut expected = bianmin::demo::county_rules::EXIT_CANDIDATES.to_vec();
    expected.sort_unstable();
    assert_eq!(ids, expected);
    assert_eq!((data.funnel.signed, data.funnel.installed), (235, 215));
    let b = data.benchmarks.as_ref().expect("benchmarks");
    assert_eq!(b.top.len(), 10);
    // A maintainer is warned on their station that missed both plans last
    // month; a new station is marked.
    let mine = demo_app(Some("W01"), Lang::Zh);
    assert!(mine.data().missed_last_month.contains("S0002"));
    assert!(mine.data().marked_name("S0002", Lang::Zh).starts_with("! "));
    assert!(mine.data().marked_name("S0006", Lang::Zh).ends_with("[新站]"));
    let mut mine = mine;
    let shown = render(&mut mine, 120, 40);
    assert!(shown.contains("! ") && shown.contains("[新站]"), "{shown}");
}

#[test]
fn snapshot_editor_and_picker() {
    let mut app = demo_app(Some("W01"), Lang::Zh);
    press(&mut app, "n");
    assert!(app.editor.is_some());
    press(&mut app, "站长反映网络不稳定 network");
    snapshot_all(&mut app, "editor");
    let mut first_run = demo_app(None, Lang::Zh);
    assert!(first_run.picker.is_some());
    snapshot_all(&mut first_run, "picker");
}

#[test]
fn my_stations_are_mine_and_most_at_risk_first() {
    let app = demo_app(Some("W01"), Lang::Zh);
    let rows = app.visible_stations();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|s| s.maintainer == "W01"));
    let statuses: Vec<Status> = rows.iter().map(|s| s.status).collect();
    let first_valid = statuses
        .iter()
        .position(|s| *s == Status::Valid)
        .unwrap_or(statuses.len());
    assert!(
        statuses[first_valid..].iter().all(|s| *s == Status::Valid),
        "{statuses:?}"
    );
    // A manager sees the whole branch.
    let manager = demo_app(Some("M01"), Lang::Zh);
    assert!(manager.visible_stations().len() > rows.len());
}

#[test]
fn sort_filter_and_months() {
    let mut app = demo_app(Some("M01"), Lang::Zh);
    press(&mut app, "s");
    assert_eq!(app.sort, SortMode::Name);
    press(&mut app, "s");
    assert_eq!(app.sort, SortMode::Reward);
    let rewards: Vec<_> = app.visible_stations().iter().map(|s| s.reward.total).collect();
    assert!(rewards.windows(2).all(|w| w[0] >= w[1]));
    press(&mut app, "/二站");
    app.on_key(key(KeyCode::Enter));
    assert!(!app.filtering);
    let names: Vec<String> = app
        .visible_stations()
        .iter()
        .map(|s| app.data().report.station_name(&s.id).to_string())
        .collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| n.contains("二站")),
        "{names:?}"
    );
    press(&mut app, "/");
    app.on_key(key(KeyCode::Esc));
    assert!(app.filter.is_empty());

    assert!(app.data().report.result.projected);
    press(&mut app, "[");
    assert_eq!(app.month.to_string(), "2026-10");
    assert!(!app.data().report.result.projected, "a past month shows actual figures");
    assert!(app
        .data()
        .report
        .result
        .stations
        .iter()
        .all(|s| matches!(s.status, Status::Valid | Status::Invalid)));
    press(&mut app, "]]");
    assert_eq!(app.month.to_string(), "2026-11", "no month after today's");
}

#[test]
fn enter_opens_and_esc_and_q_go_back_then_quit() {
    let mut app = demo_app(Some("W01"), Lang::Zh);
    press(&mut app, "j");
    assert_eq!(app.stations.selected, 1);
    app.on_key(key(KeyCode::Enter));
    assert!(matches!(app.screen(), Screen::StationDetail { .. }));
    app.on_key(key(KeyCode::Tab));
    assert!(matches!(app.screen(), Screen::StationDetail { pane: 1, .. }));
    app.on_key(key(KeyCode::Esc));
    assert_eq!(app.screen(), &Screen::MyStations);
    press(&mut app, "3q");
    assert_eq!(app.screen(), &Screen::MyStations);
    assert!(!app.quit);
    press(&mut app, "q");
    assert!(app.quit);
    let mut app = demo_app(Some("W01"), Lang::Zh);
    app.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.quit, "Ctrl-C quits from anywhere");
}

#[test]
fn a_county_user_drills_from_branches_to_a_station() {
    let mut app = demo_app(Some("county"), Lang::En);
    let first = app.ranked_branches()[0].id.clone();
    let shortfalls: Vec<u64> = app.ranked_branches().iter().map(|b| b.shortfall).collect();
    assert!(shortfalls.windows(2).all(|w| w[0] >= w[1]), "{shortfalls:?}");
    app.on_key(key(KeyCode::Enter));
    assert_eq!(
        app.screen(),
        &Screen::Branch {
            id: first.clone(),
            pane: 0
        }
    );
    app.on_key(key(KeyCode::Enter));
    match app.screen() {
        Screen::StationDetail { id, .. } => {
            assert_eq!(app.data().station(id).unwrap().branch, first)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_note_written_in_the_editor_is_saved_and_queued() {
    let mut app = laptop_app(Some("W01"), Lang::Zh);
    let station = app.visible_stations()[0].id.clone();
    let before = app.notes.len();
    press(&mut app, "n");
    press(&mut app, "村里赶集，带宣传单");
    app.on_key(key(KeyCode::Enter));
    app.on_paste("第二行，从别处粘贴的文字");
    app.on_key(key(KeyCode::Tab)); // follow-up date
    press(&mut app, "2026-12-03");
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(app.editor.is_none(), "saved and closed: {:?}", app.flash);
    assert_eq!(app.notes.len(), before + 1);
    let note = app.notes.iter().find(|n| n.body.starts_with("村里赶集")).unwrap();
    assert_eq!(note.station_id, station);
    assert_eq!(note.body, "村里赶集，带宣传单\n第二行，从别处粘贴的文字");
    assert_eq!(note.follow_up_on, NaiveDate::from_ymd_opt(2026, 12, 3));
    assert_eq!(note.sync, SyncState::Pending);
    assert_eq!(app.sync.pending, 1);
    assert!(app.data().unsynced.contains(&station));
    // Saved in the store, not only on screen: a new App sees it.
    assert!(app
        .store
        .notes(Some(&station))
        .unwrap()
        .iter()
        .any(|n| n.body == note.body));
}

#[test]
fn a_note_written_in_the_demo_stays_in_the_demo() {
    let mut app = demo_app(Some("W01"), Lang::Zh);
    press(&mut app, "n");
    press(&mut app, "演示里写的");
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let note = app.notes.iter().find(|n| n.body == "演示里写的").unwrap();
    assert_eq!(note.sync, SyncState::Local);
    assert_eq!(app.sync.pending, 0);
    assert!(!app.data().unsynced.contains(&note.station_id));
    // `r` says the demo is not synced, in words.
    press(&mut app, "r");
    assert!(
        app.flash.as_deref().unwrap_or("").contains("演示数据不同步"),
        "{:?}",
        app.flash
    );
}

#[test]
fn a_bad_date_keeps_the_editor_open_with_what_was_typed() {
    let mut app = demo_app(Some("W01"), Lang::En);
    press(&mut app, "n");
    press(&mut app, "some text");
    app.on_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)); // kind
    app.on_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)); // date
    for _ in 0..10 {
        app.on_key(key(KeyCode::Backspace));
    }
    press(&mut app, "27/11/2026");
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let editor = app.editor.as_ref().expect("still open");
    assert!(editor.error.as_deref().unwrap_or("").contains("YYYY-MM-DD"));
    assert_eq!(editor.body_text(), "some text");
}

#[test]
fn sign_off_and_dispute_from_the_station() {
    let mut app = demo_app(Some("W01"), Lang::Zh);
    app.on_key(key(KeyCode::Enter));
    let Screen::StationDetail { id, .. } = app.screen().clone() else {
        panic!()
    };
    press(&mut app, "d");
    app.on_key(key(KeyCode::Enter));
    assert!(app.prompt.as_ref().unwrap().error.is_some(), "a dispute needs a reason");
    press(&mut app, "少算了3笔电费");
    app.on_key(key(KeyCode::Enter));
    assert!(app.prompt.is_none());
    assert_eq!(app.data().signoff(&id), Some(Outcome::Disputed));
    press(&mut app, "c");
    app.on_key(key(KeyCode::Enter));
    assert_eq!(app.data().signoff(&id), Some(Outcome::Signed));
}

#[test]
fn the_mouse_scrolls_and_clicks() {
    let mut app = demo_app(Some("M01"), Lang::Zh);
    render(&mut app, 100, 30);
    let list = app.hits.get().list;
    let click = |row| MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: list.x + 2,
        row,
        modifiers: KeyModifiers::NONE,
    };
    app.on_mouse(click(list.y + 2));
    assert_eq!(app.stations.selected, 2);
    app.on_mouse(click(list.y + 2));
    assert!(
        matches!(app.screen(), Screen::StationDetail { .. }),
        "a second click opens"
    );
    app.on_key(key(KeyCode::Esc));
    app.on_mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 0,
        row: 0,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(app.stations.selected, 5);
}

#[test]
fn the_footer_and_help_come_from_one_table() {
    let mut app = demo_app(Some("W01"), Lang::En);
    let shown = render(&mut app, 200, 30);
    let footer = shown.lines().nth(29).unwrap();
    for binding in bianmin::tui::keys::footer(app.screen().kind()) {
        assert!(footer.contains(binding.help.get(Lang::En)), "{footer}");
    }
    press(&mut app, "?");
    let help = render(&mut app, 200, 50);
    for binding in bianmin::tui::keys::help(app.screen().kind()) {
        assert!(
            help.contains(binding.help.get(Lang::En)),
            "help lacks {}",
            binding.label
        );
    }
}

#[test]
fn no_size_panics_and_small_terminals_are_told_politely() {
    let mut app = demo_app(Some("M01"), Lang::Zh);
    let small = render(&mut app, 40, 10);
    assert!(small.contains("太小"), "{small}");
    let screens: [&str; 6] = ["1", "1\n", "2", "3", "4", "1?"];
    for keys in screens {
        let mut app = demo_app(Some("M01"), Lang::Zh);
        for c in keys.chars() {
            if c == '\n' {
                app.on_key(key(KeyCode::Enter));
            } else {
                press(&mut app, &c.to_string());
            }
        }
        for width in (1..=300).step_by(23).chain([59, 60, 79, 80, 300]) {
            for height in (1..=100).step_by(11).chain([11, 12, 23, 24, 100]) {
                render(&mut app, width, height);
            }
        }
    }
    let mut app = demo_app(Some("W01"), Lang::Zh);
    press(&mut app, "n");
    for (w, h) in [(1, 1), (60, 12), (61, 13), (300, 100)] {
        render(&mut app, w, h);
    }
}

#[test]
fn no_color_draws_without_colour() {
    let mut app = demo_app(Some("W01"), Lang::Zh);
    app.theme = Theme { colour: false };
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal.draw(|frame| views::draw(frame, &mut app)).unwrap();
    let buffer = terminal.backend().buffer();
    assert!(buffer
        .content()
        .iter()
        .all(|cell| cell.fg == ratatui::style::Color::Reset && cell.bg == ratatui::style::Color::Reset));
    app.theme = Theme { colour: true };
    terminal.draw(|frame| views::draw(frame, &mut app)).unwrap();
    assert!(terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .any(|cell| cell.fg != ratatui::style::Color::Reset));
}
