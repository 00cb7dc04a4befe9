//! The dashboard without a terminal: `update` and the effects it
//! returns, run by the worker inline (no thread, no timing); what each
//! key does on each screen; every size from 1×1 to 300×100 without a
//! panic; NO_COLOR.

mod tui_support;

use chrono::NaiveDate;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;

use bianmin::demo::build_demo;
use bianmin::i18n::Lang;
use bianmin::month::Month;
use bianmin::policy::{Policy, Status};
use bianmin::records::{Outcome, SyncState};
use bianmin::store::Store;
use bianmin::tui::effect::{Effect, Msg};
use bianmin::tui::state::{Screen, SortMode};
use bianmin::tui::theme::Theme;
use bianmin::tui::{views, Inline};
use tui_support::*;

#[test]
fn keys_return_effects_and_nothing_changes_until_the_answer_comes() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    let app = &mut dash.app;
    assert_eq!(app.month.to_string(), "2026-11");
    let effects = app.update(Msg::Key(key(KeyCode::Char('['))));
    let Some(Effect::LoadMonth {
        month,
        scope,
        generation,
    }) = effects.first().cloned()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(month.to_string(), "2026-10");
    assert_eq!(app.month.to_string(), "2026-11", "shown once loaded");
    assert_eq!(app.pending_month, Some(month));
    // An answer to another question (an old generation) is dropped.
    let stale = dash.worker.run(Effect::LoadMonth {
        month,
        scope: scope.clone(),
        generation: generation + 7,
    });
    let _ = dash.app.update(stale.unwrap());
    assert_eq!(dash.app.month.to_string(), "2026-11");
    let answer = dash
        .worker
        .run(Effect::LoadMonth {
            month,
            scope,
            generation,
        })
        .unwrap();
    assert!(dash.app.update(answer).is_empty());
    assert_eq!(dash.app.month.to_string(), "2026-10");
    // Back again: cached, no effect.
    let effects = dash.app.update(Msg::Key(key(KeyCode::Char(']'))));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(dash.app.month.to_string(), "2026-11");
}

#[test]
fn opening_a_station_asks_for_its_days_and_the_view_reads_only_memory() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    let effects = dash.app.update(Msg::Key(key(KeyCode::Enter)));
    assert!(
        matches!(effects.as_slice(), [Effect::LoadStationDays { .. }]),
        "{effects:?}"
    );
    // Drawn before the days come: no days yet, and no read.
    render(&dash.app, 100, 30);
    let Screen::StationDetail { id, .. } = dash.app.screen().clone() else {
        panic!()
    };
    assert!(dash.app.station_days(&id).is_none());
    bianmin::tui::settle(&mut dash.app, &mut dash.worker, effects);
    assert!(dash.app.station_days(&id).is_some());
}

#[test]
fn my_stations_are_mine_and_most_at_risk_first() {
    let dash = demo_app(Some("W01"), Lang::Zh);
    let rows = dash.app.visible_stations();
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
    assert!(manager.app.visible_stations().len() > rows.len());
}

#[test]
fn sort_by_name_is_pinyin_order() {
    let mut dash = demo_app(Some("M01"), Lang::Zh);
    dash.type_text("s");
    assert_eq!(dash.app.sort, SortMode::Name);
    let names: Vec<String> = dash
        .app
        .visible_stations()
        .iter()
        .map(|s| dash.app.data().report.station_name(&s.id).to_string())
        .collect();
    let keys: Vec<String> = names.iter().map(|n| bianmin::tui::names::sort_key(n)).collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{names:?}");
    // Not code point order: 柳 (U+67F3) before 石 (U+77F3) is the same either
    // way, but 双 (U+53CC) comes after 柳 in pinyin and before it by code.
    let pos = |prefix: &str| names.iter().position(|n| n.starts_with(prefix));
    if let (Some(liu), Some(shuang)) = (pos("柳"), pos("双")) {
        assert!(liu < shuang, "{names:?}");
    }
    dash.type_text("s");
    assert_eq!(dash.app.sort, SortMode::Reward);
    let rewards: Vec<_> = dash.app.visible_stations().iter().map(|s| s.reward.total).collect();
    assert!(rewards.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn a_filter_belongs_to_its_screen_and_says_when_nothing_matches() {
    let mut dash = demo_app(Some("M01"), Lang::Zh);
    dash.type_text("/双");
    dash.key(KeyCode::Enter);
    assert!(dash.app.filters.typing.is_none());
    let names: Vec<String> = dash
        .app
        .visible_stations()
        .iter()
        .map(|s| dash.app.data().report.station_name(&s.id).to_string())
        .collect();
    assert!(!names.is_empty() && names.iter().all(|n| n.contains('双')), "{names:?}");
    // Pinyin initials find stations too: shy = 双河沿.
    dash.type_text("/");
    dash.key(KeyCode::Esc);
    dash.type_text("/shy");
    dash.key(KeyCode::Enter);
    assert!(!dash.app.visible_stations().is_empty());
    // The visits screen has its own (empty) filter.
    dash.type_text("3");
    let shown = render(&dash.app, 100, 30);
    assert!(!shown.contains("/shy"), "{shown}");
    assert!(!dash.app.visible_notes().is_empty());
    dash.type_text("/没有这样的记录");
    dash.key(KeyCode::Enter);
    let shown = render(&dash.app, 100, 30);
    assert!(shown.contains("无匹配"), "{shown}");
    dash.type_text("1");
    let shown = render(&dash.app, 100, 30);
    assert!(shown.contains("/shy"), "{shown}");
}

#[test]
fn months_stop_where_the_data_stops_and_an_empty_month_says_so() {
    let mut dash = demo_app(Some("M01"), Lang::Zh);
    assert!(dash.app.data().report.result.projected);
    dash.type_text("[");
    assert_eq!(dash.app.month.to_string(), "2026-10");
    assert!(
        !dash.app.data().report.result.projected,
        "a past month shows actual figures"
    );
    assert!(dash
        .app
        .data()
        .report
        .result
        .stations
        .iter()
        .all(|s| matches!(s.status, Status::Valid | Status::Invalid)));
    dash.type_text("[[[[[");
    assert_eq!(dash.app.month.to_string(), "2026-08", "the first month with figures");
    assert!(
        dash.app.flash.as_deref().unwrap_or("").contains("没有更早的数据"),
        "{:?}",
        dash.app.flash
    );
    dash.type_text("]]]]]]");
    assert_eq!(dash.app.month.to_string(), "2026-11", "no month after today's");
    assert!(dash.app.flash.as_deref().unwrap_or("").contains("没有更晚的数据"));

    // A database whose month has no figures yet says so.
    let mut empty = Store::open_in_memory().unwrap();
    build_demo(&mut empty, bianmin::demo::DEFAULT_SEED, today()).unwrap();
    empty.set_meta("demo_today", "2027-01-05").unwrap();
    let dash = Inline::open(empty, Policy::dezhou_2012(), Lang::Zh, Some("W01")).unwrap();
    assert_eq!(dash.app.month, Month::new(2027, 1).unwrap());
    let shown = render(&dash.app, 100, 30);
    assert!(shown.contains("2027-01 没有数据"), "{shown}");
}

#[test]
fn enter_opens_and_esc_and_q_go_back_then_quit() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    dash.type_text("j");
    assert_eq!(dash.app.cursors.stations.selected, 1);
    dash.key(KeyCode::Enter);
    assert!(matches!(dash.app.screen(), Screen::StationDetail { .. }));
    dash.key(KeyCode::Tab);
    assert!(matches!(dash.app.screen(), Screen::StationDetail { pane: 1, .. }));
    dash.key(KeyCode::Esc);
    assert_eq!(dash.app.screen(), &Screen::MyStations);
    dash.type_text("3q");
    assert_eq!(dash.app.screen(), &Screen::MyStations);
    assert!(!dash.app.quit);
    dash.type_text("q");
    assert!(dash.app.quit);
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    dash.ctrl('c');
    assert!(dash.app.quit, "Ctrl-C quits from anywhere");
}

#[test]
fn a_county_user_drills_from_branches_to_a_station() {
    let mut dash = demo_app(Some("county"), Lang::En);
    let first = dash.app.ranked_branches()[0].id.clone();
    let shortfalls: Vec<u64> = dash.app.ranked_branches().iter().map(|b| b.shortfall).collect();
    assert!(shortfalls.windows(2).all(|w| w[0] >= w[1]), "{shortfalls:?}");
    dash.key(KeyCode::Enter);
    assert_eq!(
        dash.app.screen(),
        &Screen::Branch {
            id: first.clone(),
            pane: 0
        }
    );
    dash.key(KeyCode::Enter);
    match dash.app.screen() {
        Screen::StationDetail { id, .. } => assert_eq!(dash.app.data().station(id).unwrap().branch, first),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_county_table_labels_its_columns_and_adds_a_total_row() {
    let dash = demo_app(Some("county"), Lang::Zh);
    let shown = render(&dash.app, 120, 40);
    for label in [
        "站点数",
        "有效",
        "计划",
        "差额",
        "扣罚",
        "奖励合计",
        "金额单位：元",
        "合计",
    ] {
        assert!(shown.contains(label), "{label}:\n{shown}");
    }
    let total: u64 = dash.app.data().report.result.branches.iter().map(|b| b.stations).sum();
    let total_line = shown.lines().find(|l| l.starts_with("│合计")).unwrap();
    assert!(total_line.contains(&total.to_string()), "{total_line}");
    // Wide enough: where the payout of last month's rewards stands.
    assert!(shown.contains("2026-10 奖励兑现进度"), "{shown}");
}

#[test]
fn a_note_written_in_the_editor_is_saved_queued_and_the_draft_forgotten() {
    let mut dash = laptop_app(Some("W01"), Lang::Zh);
    let station = dash.app.visible_stations()[0].id.clone();
    let before = dash.app.notes.len();
    dash.type_text("n");
    assert_eq!(
        dash.app.editor.as_ref().unwrap().station_id(),
        Some(station.as_str()),
        "starts on the station in context"
    );
    dash.type_text("村里赶集，带宣传单");
    // Every change is kept as a draft, in the database.
    let draft = bianmin::tui::draft::load(dash.worker.store())
        .unwrap()
        .expect("a draft");
    assert_eq!(draft.body, "村里赶集，带宣传单");
    dash.key(KeyCode::Enter);
    dash.paste("第二行，从别处粘贴的文字");
    dash.key(KeyCode::Tab); // follow-up date
    dash.type_text("2026-12-03");
    dash.ctrl('s');
    assert!(dash.app.editor.is_none(), "saved and closed: {:?}", dash.app.flash);
    assert_eq!(dash.app.notes.len(), before + 1);
    let note = dash.app.notes.iter().find(|n| n.body.starts_with("村里赶集")).unwrap();
    assert_eq!(note.station_id, station);
    assert_eq!(note.body, "村里赶集，带宣传单\n第二行，从别处粘贴的文字");
    assert_eq!(note.follow_up_on, NaiveDate::from_ymd_opt(2026, 12, 3));
    assert_eq!(note.sync, SyncState::Pending);
    assert_eq!(dash.app.sync.pending, 1);
    assert!(dash.app.data().unsynced.contains(&station));
    assert_eq!(bianmin::tui::draft::load(dash.worker.store()).unwrap(), None);
    // Saved in the store, not only on screen.
    assert!(dash
        .worker
        .store()
        .notes(Some(&station))
        .unwrap()
        .iter()
        .any(|n| n.body == note.body));
}

#[test]
fn esc_on_changed_text_asks_before_discarding() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    dash.type_text("n");
    dash.key(KeyCode::Esc);
    assert!(dash.app.editor.is_none(), "nothing typed: Esc closes");
    dash.type_text("n半句话");
    dash.key(KeyCode::Esc);
    let editor = dash.app.editor.as_ref().expect("still open");
    assert!(editor.confirm_discard);
    assert!(render(&dash.app, 80, 24).contains("放弃已写的内容"));
    dash.type_text("n");
    let editor = dash.app.editor.as_ref().expect("kept");
    assert!(!editor.confirm_discard);
    assert_eq!(editor.body_text(), "半句话");
    dash.key(KeyCode::Esc);
    dash.type_text("y");
    assert!(dash.app.editor.is_none());
    assert_eq!(
        bianmin::tui::draft::load(dash.worker.store()).unwrap(),
        None,
        "discarded on purpose"
    );
}

#[test]
fn a_long_pasted_note_wraps_in_the_editor_and_opens_in_full_from_every_list() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    dash.type_text("n");
    dash.paste(&LONG_NOTE.replace('\n', "\r"));
    let shown = render(&dash.app, 80, 24);
    // Soft wrap: the start and the end of the paste are both in view.
    assert!(
        shown.contains("站长反映") && shown.contains("第四行：结束。"),
        "{shown}"
    );
    dash.ctrl('s');
    assert!(dash.app.editor.is_none(), "{:?}", dash.app.flash);
    let station = dash
        .app
        .notes
        .iter()
        .find(|n| n.body == LONG_NOTE)
        .unwrap()
        .station_id
        .clone();

    // The visits list: the first line, marked; Enter opens it in full.
    dash.type_text("3");
    let shown = render(&dash.app, 100, 30);
    assert!(shown.contains("(+3行)"), "{shown}");
    dash.key(KeyCode::Enter);
    let shown = render(&dash.app, 100, 30);
    assert!(
        shown.contains("第四行：结束。") && shown.contains("绿卡还没办好"),
        "{shown}"
    );
    dash.key(KeyCode::Esc);
    assert!(dash.app.note_view.is_none());

    // The station's visits pane.
    dash.type_text("1");
    let row = dash
        .app
        .visible_stations()
        .iter()
        .position(|s| s.id == station)
        .unwrap();
    down(&mut dash, row);
    dash.key(KeyCode::Enter);
    dash.key(KeyCode::Tab);
    dash.key(KeyCode::Enter);
    let view = dash.app.note_view.as_ref().expect("the note in full");
    assert_eq!(view.note.body, LONG_NOTE);
    dash.key(KeyCode::Esc);

    // The calendar's follow-up.
    add_note(
        &mut dash,
        &station,
        "W01",
        "2026-11-20",
        "设备回访\n第二行",
        Some("2026-11-28"),
    );
    reread(&mut dash);
    dash.type_text("4");
    let index = dash
        .app
        .todos()
        .iter()
        .position(|t| matches!(t.kind, bianmin::tui::lists::TodoKind::FollowUp { .. }))
        .expect("the follow-up is due");
    down(&mut dash, index);
    dash.key(KeyCode::Enter);
    assert_eq!(dash.app.note_view.as_ref().unwrap().note.body, "设备回访\n第二行");
}

#[test]
fn the_editor_finds_a_station_by_pinyin_initials() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    dash.type_text("3n");
    let editor = dash.app.editor.as_ref().unwrap();
    assert_eq!(editor.focus, bianmin::tui::editor::Field::Body);
    dash.send(Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)));
    dash.send(Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)));
    dash.send(Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)));
    assert_eq!(
        dash.app.editor.as_ref().unwrap().focus,
        bianmin::tui::editor::Field::Station
    );
    dash.type_text("gjj");
    let shown = render(&dash.app, 80, 24);
    assert!(shown.contains("高家集便民服务站"), "{shown}");
    dash.key(KeyCode::Enter);
    assert_eq!(dash.app.editor.as_ref().unwrap().station_id(), Some("S0004"));
    dash.send(Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)));
    dash.type_text("S0006");
    dash.key(KeyCode::Enter);
    assert_eq!(dash.app.editor.as_ref().unwrap().station_id(), Some("S0006"));
}

#[test]
fn a_note_written_in_the_demo_stays_in_the_demo() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    dash.type_text("n演示里写的");
    dash.ctrl('s');
    let note = dash.app.notes.iter().find(|n| n.body == "演示里写的").unwrap();
    assert_eq!(note.sync, SyncState::Local);
    assert_eq!(dash.app.sync.pending, 0);
    assert!(!dash.app.data().unsynced.contains(&note.station_id));
    // `r` says the demo is not synced, in words.
    dash.type_text("r");
    assert!(
        dash.app.flash.as_deref().unwrap_or("").contains("演示数据不同步"),
        "{:?}",
        dash.app.flash
    );
}

#[test]
fn a_bad_date_keeps_the_editor_open_with_what_was_typed() {
    let mut dash = demo_app(Some("W01"), Lang::En);
    dash.type_text("nsome text");
    dash.send(Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT))); // kind
    dash.send(Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT))); // date
    for _ in 0..10 {
        dash.key(KeyCode::Backspace);
    }
    dash.type_text("27/11/2026");
    dash.ctrl('s');
    let editor = dash.app.editor.as_ref().expect("still open");
    assert!(editor.error.as_deref().unwrap_or("").contains("YYYY-MM-DD"));
    assert_eq!(editor.body_text(), "some text");
}

#[test]
fn sign_off_names_station_month_and_amount_and_a_dispute_keeps_its_reason() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    dash.key(KeyCode::Enter);
    let Screen::StationDetail { id, .. } = dash.app.screen().clone() else {
        panic!()
    };
    // Viewing November (running): the statement is October's.
    dash.type_text("d");
    let prompt = dash.app.prompt.as_ref().unwrap();
    assert_eq!(prompt.month.to_string(), "2026-10");
    let amount = bianmin::money::format_grouped(bianmin::payout::amount_to_pay(
        dash.app.month_data(prompt.month).unwrap().station(&id).unwrap(),
    ));
    let shown = render(&dash.app, 80, 24);
    let name = dash.app.data().report.station_name(&id).to_string();
    assert!(
        shown.contains(&name) && shown.contains("2026-10 奖励确认单") && shown.contains(&format!("{amount} 元")),
        "{shown}"
    );
    dash.key(KeyCode::Enter);
    assert!(
        dash.app.prompt.as_ref().unwrap().error.is_some(),
        "a dispute needs a reason"
    );
    dash.type_text("少算了3笔电费");
    dash.key(KeyCode::Enter);
    assert!(dash.app.prompt.is_none());
    assert_eq!(dash.app.flash.as_deref(), Some("异议已记录"));
    assert_eq!(dash.app.data().signoff(&id), Some(Outcome::Disputed));
    // The reason is shown on the station and in the calendar.
    assert!(render(&dash.app, 120, 40).contains("少算了3笔电费"));
    dash.type_text("4");
    assert!(render(&dash.app, 120, 40).contains("确认单有异议"));
    // The county answers it: the station says how, the to-do is done.
    let signoff = dash.app.data().signoff_record(&id).unwrap().uuid.clone();
    dash.worker
        .store()
        .resolve_dispute(
            &bianmin::records::NewResolution {
                signoff_uuid: signoff,
                outcome: bianmin::records::ResolutionOutcome::Accepted,
                corrected_fen: Some(1234),
                reason: "电费笔数已核实".into(),
                author_id: "M01".into(),
                resolved_on: today(),
            },
            chrono::Utc::now(),
        )
        .unwrap();
    reread(&mut dash);
    assert!(!render(&dash.app, 120, 40).contains("确认单有异议"));
    dash.key(KeyCode::Esc);
    dash.key(KeyCode::Enter);
    let shown = render(&dash.app, 120, 40);
    assert!(
        shown.contains("县局已处理：接受，更正为 12.34 元（电费笔数已核实）"),
        "{shown}"
    );
    dash.key(KeyCode::Esc);

    // Viewing October (finished): `c` signs October, and only October.
    dash.type_text("1");
    dash.key(KeyCode::Enter);
    dash.type_text("[");
    assert_eq!(dash.app.month.to_string(), "2026-10");
    dash.type_text("c");
    assert_eq!(dash.app.prompt.as_ref().unwrap().month.to_string(), "2026-10");
    dash.key(KeyCode::Enter);
    assert_eq!(dash.app.data().signoff(&id), Some(Outcome::Signed));
    dash.type_text("[");
    assert_eq!(dash.app.month.to_string(), "2026-09");
    assert_eq!(dash.app.data().statement_month.to_string(), "2026-09");
    assert_eq!(dash.app.data().signoff(&id), None, "September's statement is another");
}

#[test]
fn after_the_12th_unsigned_statements_are_overdue_on_the_calendar_and_the_station() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    let todos = dash.app.todos();
    let first = todos.first().expect("something to do");
    assert!(
        matches!(first.due, bianmin::tui::lists::Due::Overdue(15)),
        "overdue first: {todos:?}"
    );
    dash.type_text("4");
    let shown = render(&dash.app, 120, 40);
    assert!(shown.contains("已逾期（11-12 截止）"), "{shown}");
    // The payout of October beside it: the stations' step is not done,
    // overdue, with the tally the data gives.
    assert!(
        shown.contains("2026-10 奖励兑现进度") && shown.contains("已签 "),
        "{shown}"
    );
    let line = shown.lines().find(|l| l.contains("便民站确认签字")).expect("the step");
    assert!(line.contains("逾期 15 天"), "{line}");
    // The station whose statement is unsigned says so.
    let unsigned = dash
        .app
        .visible_stations()
        .iter()
        .position(|s| dash.app.data().signoff(&s.id).is_none())
        .expect("an unsigned statement");
    dash.type_text("1");
    down(&mut dash, unsigned);
    dash.key(KeyCode::Enter);
    let shown = render(&dash.app, 120, 40);
    assert!(shown.contains("未签字，已逾期"), "{shown}");
}

#[test]
fn a_manager_sees_who_wrote_each_visit() {
    let mut dash = demo_app(Some("M01"), Lang::Zh);
    dash.type_text("3");
    let shown = render(&dash.app, 120, 40);
    assert!(shown.contains("填写人"), "{shown}");
    let mine = demo_app(Some("W01"), Lang::Zh);
    let mut mine = mine;
    mine.type_text("3");
    assert!(!render(&mine.app, 120, 40).contains("填写人"));
}

#[test]
fn the_mouse_scrolls_and_clicks() {
    let mut dash = demo_app(Some("M01"), Lang::Zh);
    render(&dash.app, 100, 30);
    let list = dash.app.hits.get().list;
    let click = |row| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: list.x + 2,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    dash.send(click(list.y + 2));
    assert_eq!(dash.app.cursors.stations.selected, 2);
    dash.send(click(list.y + 2));
    assert!(
        matches!(dash.app.screen(), Screen::StationDetail { .. }),
        "a second click opens"
    );
    dash.key(KeyCode::Esc);
    dash.send(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 0,
        row: 0,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(dash.app.cursors.stations.selected, 5);
}

#[test]
fn the_footer_and_help_come_from_one_table() {
    let mut dash = demo_app(Some("W01"), Lang::En);
    let shown = render(&dash.app, 200, 30);
    let footer = shown.lines().nth(29).unwrap();
    for binding in bianmin::tui::keys::footer(dash.app.screen().kind()) {
        assert!(footer.contains(binding.help.get(Lang::En)), "{footer}");
    }
    dash.type_text("?");
    let help = render(&dash.app, 200, 50);
    for binding in bianmin::tui::keys::help(dash.app.screen().kind()) {
        assert!(
            help.contains(binding.help.get(Lang::En)),
            "help lacks {}",
            binding.label
        );
    }
}

#[test]
fn at_80_columns_the_footer_keeps_the_screens_own_keys() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    dash.key(KeyCode::Enter);
    for lang in [Lang::Zh, Lang::En] {
        dash.app.lang = lang;
        let shown = render(&dash.app, 80, 24);
        let footer = shown.lines().nth(23).unwrap();
        for key in ["c ", "d "] {
            assert!(footer.contains(key), "{lang:?}: {footer}");
        }
        // The tab bar shows every screen.
        let tabs = shown.lines().nth(2).unwrap();
        for n in ["1 ", "2 ", "3 ", "4 "] {
            assert!(tabs.contains(n), "{tabs}");
        }
    }
}

#[test]
fn at_60_columns_names_are_cut_with_an_ellipsis_and_the_header_keeps_demo_and_sync() {
    let mut dash = demo_app(Some("M01"), Lang::Zh);
    for lang in [Lang::Zh, Lang::En] {
        dash.app.lang = lang;
        let shown = render(&dash.app, 60, 20);
        let header: String = shown.lines().take(2).collect::<Vec<_>>().join("\n");
        let demo = if lang == Lang::Zh { "演示数据" } else { "demo data" };
        let sync = if lang == Lang::Zh {
            "仅本机数据"
        } else {
            "local only"
        };
        assert!(header.contains(demo) && header.contains(sync), "{header}");
        assert!(shown.contains('…'), "{shown}");
        // More stations than rows: a scroll mark says how many are below.
        assert!(shown.contains('↓'), "{shown}");
    }
}

#[test]
fn no_size_panics_and_small_terminals_are_told_politely() {
    let dash = demo_app(Some("M01"), Lang::Zh);
    let small = render(&dash.app, 40, 10);
    assert!(small.contains("太小"), "{small}");
    let screens: [&str; 6] = ["1", "1\n", "2", "3", "4", "1?"];
    for keys in screens {
        let mut dash = demo_app(Some("M01"), Lang::Zh);
        for c in keys.chars() {
            if c == '\n' {
                dash.key(KeyCode::Enter);
            } else {
                dash.type_text(&c.to_string());
            }
        }
        for width in (1..=300).step_by(23).chain([59, 60, 79, 80, 300]) {
            for height in (1..=100).step_by(11).chain([11, 12, 23, 24, 100]) {
                render(&dash.app, width, height);
            }
        }
    }
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    dash.type_text("n");
    dash.paste(LONG_NOTE);
    for (w, h) in [(1, 1), (60, 12), (61, 13), (300, 100)] {
        render(&dash.app, w, h);
    }
}

#[test]
fn no_color_draws_without_colour() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    dash.app.theme = Theme { colour: false };
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal.draw(|frame| views::draw(frame, &dash.app)).unwrap();
    let buffer = terminal.backend().buffer();
    assert!(buffer
        .content()
        .iter()
        .all(|cell| cell.fg == ratatui::style::Color::Reset && cell.bg == ratatui::style::Color::Reset));
    dash.app.theme = Theme { colour: true };
    terminal.draw(|frame| views::draw(frame, &dash.app)).unwrap();
    assert!(terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .any(|cell| cell.fg != ratatui::style::Color::Reset));
}

#[test]
fn a_sync_runs_as_an_effect_and_its_outcome_reloads() {
    use bianmin::tui::background::{BackgroundSync, SyncOutcome};
    let mut dash = laptop_app(Some("W01"), Lang::Zh);
    let now = std::time::Instant::now();
    dash.app.schedule = Some(BackgroundSync::new(std::time::Duration::from_secs(300), now));
    let effects = dash.app.update(Msg::Tick(now));
    assert_eq!(effects, vec![Effect::Sync]);
    assert!(dash.app.sync.running);
    assert!(dash.app.update(Msg::Tick(now)).is_empty(), "one sync at a time");
    let effects = dash.app.update(Msg::Synced(SyncOutcome::Offline("refused".into())));
    assert_eq!(effects, vec![Effect::ReadStatus]);
    assert!(!dash.app.sync.running);
    // Asked for by the key: the outcome is said, briefly.
    dash.type_text("r");
    assert_eq!(dash.left.last(), Some(&Effect::Sync));
    dash.send(Msg::Synced(SyncOutcome::Offline(
        "push: Connection refused (os error 111)".into(),
    )));
    let flash = dash.app.flash.clone().unwrap_or_default();
    assert!(
        flash.contains("连不上县局服务器") && !flash.contains("os error"),
        "{flash}"
    );
    let effects = dash.app.update(Msg::Synced(SyncOutcome::Done(Box::default())));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::LoadMonth { .. })),
        "{effects:?}"
    );
    assert!(effects.contains(&Effect::ReadStatus));
}

#[test]
fn a_manager_sees_the_fewest_stations_that_close_the_shortfall() {
    let mut dash = demo_app(Some("M01"), Lang::Zh);
    dash.type_text("2");
    let Screen::Branch { id, .. } = dash.app.screen().clone() else {
        panic!()
    };
    let shortfall = dash
        .app
        .branch_shortfall(&id)
        .expect("the manager's plan is made")
        .clone();
    assert!(shortfall.shortfall > 0);
    let shown = render(&dash.app, 120, 40);
    let any_of = format!("任意 {} 个达标", shortfall.shortfall);
    assert!(shown.contains("补足计划差额") && shown.contains(&any_of), "{shown}");
    // Each with its maintainer and the penalty it saves on its own.
    let first = &shortfall.within_reach()[0];
    assert!(
        shown.contains(&first.station.maintainer_name) && shown.contains("单独达标免罚"),
        "{shown}"
    );
    dash.key(KeyCode::Enter);
    assert_eq!(
        dash.app.screen(),
        &Screen::StationDetail {
            id: first.station.id.clone(),
            pane: 0
        }
    );
    dash.key(KeyCode::Esc);
    // A past month has no shortfall to close: the stations not valid.
    dash.type_text("[");
    assert!(dash.app.branch_shortfall(&id).is_none());
    assert!(render(&dash.app, 120, 40).contains("尚未有效的站点"));
    // The manager's plan lists every maintainer and the shortfall.
    dash.type_text("]5");
    let shown = render(&dash.app, 120, 40);
    assert!(shown.contains(&any_of), "{shown}");
}

#[test]
fn the_branch_sheet_is_signed_on_the_branch_screen_by_the_people_on_it() {
    let october: Month = "2026-10".parse().unwrap();
    let disputed = demo_app(None, Lang::Zh)
        .worker
        .store()
        .branch_signoffs(october)
        .unwrap()
        .into_iter()
        .find(|s| s.outcome == Outcome::Disputed)
        .expect("the demo has a disputed sheet");
    // The maintainer who disputed October's sheet signs it after all.
    let mut dash = demo_app(Some(&disputed.signer), Lang::Zh);
    dash.type_text("2");
    assert_eq!(
        dash.app.screen(),
        &Screen::Branch {
            id: disputed.branch_id.clone(),
            pane: 0
        }
    );
    let shown = render(&dash.app, 120, 40);
    assert!(shown.contains("2026-10签字") && shown.contains("有异议"), "{shown}");
    // The open dispute is in the calendar's queue, with its reason.
    dash.type_text("4");
    let shown = render(&dash.app, 120, 40);
    assert!(shown.contains("待处理异议"), "{shown}");
    dash.type_text("2c");
    let prompt = dash.app.prompt.as_ref().expect("c asks");
    assert_eq!(prompt.month, october);
    let net = dash
        .app
        .month_data(october)
        .unwrap()
        .report
        .result
        .people
        .iter()
        .find(|p| p.id == disputed.signer && p.branch == disputed.branch_id)
        .unwrap()
        .net;
    let shown = render(&dash.app, 80, 24);
    assert!(
        shown.contains("支局奖励表") && shown.contains(&format!("{} 元", bianmin::money::format_grouped(net))),
        "{shown}"
    );
    dash.key(KeyCode::Enter);
    assert!(dash.app.prompt.is_none());
    assert_eq!(dash.app.flash.as_deref(), Some("签字情况已记录"));
    assert_eq!(
        dash.app.data().sheet_standing(&disputed.branch_id, &disputed.signer),
        Some(Outcome::Signed)
    );
    let stored = dash.worker.store().branch_signoffs(october).unwrap();
    let mine = stored.iter().find(|s| s.uuid == disputed.uuid).unwrap();
    assert_eq!(mine.outcome, Outcome::Signed);

    // And disputes it again, with a reason the county reads in its queue.
    dash.type_text("d");
    dash.key(KeyCode::Enter);
    assert!(
        dash.app.prompt.as_ref().unwrap().error.is_some(),
        "a dispute needs a reason"
    );
    dash.type_text("扣罚按120户计算有误");
    dash.key(KeyCode::Enter);
    assert_eq!(dash.app.flash.as_deref(), Some("异议已记录"));
    dash.type_text("4");
    let shown = render(&dash.app, 120, 40);
    assert!(shown.contains("扣罚按"), "{shown}");
}

#[test]
fn the_county_cannot_sign_a_branch_sheet() {
    let mut dash = demo_app(Some("county"), Lang::Zh);
    dash.key(KeyCode::Enter);
    assert!(
        matches!(dash.app.screen(), Screen::Branch { .. }),
        "{:?}",
        dash.app.screen()
    );
    dash.type_text("c");
    assert!(dash.app.prompt.is_none());
    assert_eq!(dash.app.flash.as_deref(), Some("县局账号不能代写走访记录或签字"));
}

#[test]
fn at_60_columns_the_station_figures_scroll_with_the_arrow_keys() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    dash.key(KeyCode::Enter);
    let first = render(&dash.app, 60, 20);
    assert!(first.contains('↓'), "the figures do not fit and say so:\n{first}");
    dash.key(KeyCode::Down);
    dash.key(KeyCode::Down);
    let scrolled = render(&dash.app, 60, 20);
    assert_ne!(first, scrolled);
    assert!(scrolled.contains("↑2"), "{scrolled}");
    // The end stops at the last row; Home comes back.
    for _ in 0..200 {
        dash.key(KeyCode::Down);
    }
    let end = render(&dash.app, 60, 20);
    assert!(end.contains('↑') && !end.contains('↓'), "{end}");
    dash.key(KeyCode::Up);
    assert_ne!(render(&dash.app, 60, 20), end, "one key up moves at once from the end");
    dash.key(KeyCode::Home);
    assert_eq!(render(&dash.app, 60, 20), first);
    // Another station starts at its top.
    dash.key(KeyCode::End);
    dash.key(KeyCode::Esc);
    dash.key(KeyCode::Down);
    dash.key(KeyCode::Enter);
    assert!(!render(&dash.app, 60, 20).contains("↑"));
}
