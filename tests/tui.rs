//! The dashboard's screens, pictured: snapshots of every screen at 60×20,
//! 80×24 and 120×40 in Chinese and English (reached through `update`, the
//! worker answering inline). What the keys do is in tests/tui_flows.rs.

mod tui_support;

use ratatui::crossterm::event::KeyCode;

use bianmin::demo::build_demo;
use bianmin::i18n::Lang;
use bianmin::policy::Policy;
use bianmin::store::Store;
use bianmin::tui::effect::{Effect, Msg};
use bianmin::tui::state::Screen;
use bianmin::tui::{App, Inline};
use tui_support::*;

/// Snapshots of the current screen at three sizes in both languages.
fn snapshot_all(app: &mut App, name: &str) {
    for lang in [Lang::Zh, Lang::En] {
        app.lang = lang;
        for (w, h) in [(60, 20), (80, 24), (120, 40)] {
            let shown = render(app, w, h);
            let lang_name = if lang == Lang::Zh { "zh" } else { "en" };
            insta::assert_snapshot!(format!("{name}-{lang_name}-{w}x{h}"), shown);
        }
    }
    app.lang = Lang::Zh;
}

#[test]
fn snapshot_my_stations() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    snapshot_all(&mut dash.app, "my-stations");
}

#[test]
fn snapshot_station_detail() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    dash.key(KeyCode::Enter);
    assert!(matches!(dash.app.screen(), Screen::StationDetail { .. }));
    snapshot_all(&mut dash.app, "station-detail");
}

#[test]
fn snapshot_branch_and_county() {
    let mut dash = demo_app(Some("M01"), Lang::Zh);
    dash.type_text("2");
    assert!(matches!(dash.app.screen(), Screen::Branch { .. }));
    snapshot_all(&mut dash.app, "branch");
    let mut county = demo_app(Some("county"), Lang::Zh);
    assert_eq!(county.app.screen(), &Screen::County);
    snapshot_all(&mut county.app, "county");
}

#[test]
fn snapshot_visits_calendar_help() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    add_note(&mut dash, "S0003", "W01", "2026-11-20", LONG_NOTE, Some("2026-11-24"));
    reread(&mut dash);
    dash.type_text("3");
    snapshot_all(&mut dash.app, "visits");
    dash.type_text("4");
    snapshot_all(&mut dash.app, "calendar");
    dash.type_text("1?");
    assert!(dash.app.help);
    snapshot_all(&mut dash.app, "help");
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
    let mut dash = Inline::open(demo_store(), policy, Lang::Zh, Some("W01")).unwrap();
    dash.key(KeyCode::Enter);
    let Screen::StationDetail { id, .. } = dash.app.screen().clone() else {
        panic!("the station detail")
    };
    let s = dash.app.data().station(&id).unwrap().clone();
    let w = s.withholding.expect("November withholds");
    // November is no quarter end: nothing released yet, what stands is
    // October's and November's.
    assert!(!w.quarter_end && w.released.is_zero());
    assert!(dash.app.data().report.result.contest_pool.is_some());
    let shown = render(&dash.app, 120, 40);
    assert!(
        shown.contains("季度考核：本月扣留") && shown.contains("季末（按目前情况）"),
        "{shown}"
    );
    snapshot_all(&mut dash.app, "station-detail-withholding");
}

#[test]
fn snapshot_editor_note_prompt_and_picker() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    dash.type_text("n");
    assert!(dash.app.editor.is_some());
    dash.type_text("站长反映网络不稳定 network");
    snapshot_all(&mut dash.app, "editor");
    dash.key(KeyCode::Esc);
    dash.type_text("y");
    assert!(dash.app.editor.is_none());

    add_note(&mut dash, "S0001", "W01", "2026-11-26", LONG_NOTE, None);
    reread(&mut dash);
    dash.type_text("3");
    dash.key(KeyCode::Enter);
    assert!(dash.app.note_view.is_some());
    snapshot_all(&mut dash.app, "note");
    dash.key(KeyCode::Esc);

    dash.type_text("1");
    dash.key(KeyCode::Enter);
    dash.type_text("c");
    assert!(dash.app.prompt.is_some());
    snapshot_all(&mut dash.app, "sign-off");

    let mut first_run = demo_app(None, Lang::Zh);
    assert!(first_run.app.picker.is_some());
    snapshot_all(&mut first_run.app, "picker");
}

#[test]
fn a_draft_survives_the_program_and_is_offered_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("laptop.db");
    {
        let mut store = Store::open(&db).unwrap();
        build_demo(&mut store, bianmin::demo::DEFAULT_SEED, today()).unwrap();
        let mut dash = Inline::open(store, Policy::dezhou_2012(), Lang::Zh, Some("W01")).unwrap();
        dash.type_text("n");
        dash.paste(LONG_NOTE);
        // Killed here: nothing saved, no Esc.
    }
    let store = Store::open(&db).unwrap();
    let mut dash = Inline::open(store, Policy::dezhou_2012(), Lang::Zh, Some("W01")).unwrap();
    assert!(dash.app.draft_offered());
    // When it was written is the clock's; the picture needs a fixed one.
    dash.app.draft_offer.as_mut().unwrap().changed_at = "2026-11-27 08:05".into();
    let shown = render(&dash.app, 80, 24);
    assert!(shown.contains("未保存的走访记录"), "{shown}");
    snapshot_all(&mut dash.app, "draft-offer");
    dash.key(KeyCode::Enter);
    let editor = dash.app.editor.as_ref().expect("writing again");
    assert_eq!(editor.body_text(), LONG_NOTE);
    // Someone else opening the laptop is not offered another's draft.
    drop(dash);
    let store = Store::open(&db).unwrap();
    let other = Inline::open(store, Policy::dezhou_2012(), Lang::Zh, Some("W02")).unwrap();
    assert!(!other.app.draft_offered());
}

#[test]
fn todays_plan_is_made_by_the_worker_and_opens_its_stations() {
    let mut dash = demo_app(Some("W01"), Lang::Zh);
    let effects = dash.app.update(Msg::Key(key(KeyCode::Char('5'))));
    assert_eq!(dash.app.screen(), &Screen::Plan);
    assert!(
        matches!(effects.as_slice(), [Effect::LoadPlan { person, .. }] if person == "W01"),
        "{effects:?}"
    );
    assert!(render(&dash.app, 80, 24).contains("正在制定今日计划"));
    bianmin::tui::settle(&mut dash.app, &mut dash.worker, effects);
    let shown = render(&dash.app, 120, 40);
    assert!(shown.contains("今日走访") && shown.contains(" 1. "), "{shown}");
    let first = dash.app.plan_list_stations()[0].clone();
    dash.key(KeyCode::Enter);
    assert_eq!(dash.app.screen(), &Screen::StationDetail { id: first, pane: 0 });
    dash.key(KeyCode::Esc);
    assert_eq!(dash.app.screen(), &Screen::Plan);
    snapshot_all(&mut dash.app, "plan");
    // The county view has no plan of its own.
    let mut county = demo_app(Some("county"), Lang::Zh);
    county.type_text("5");
    assert_eq!(county.app.screen(), &Screen::County);
    assert!(county
        .app
        .flash
        .as_deref()
        .unwrap_or("")
        .contains("县局视图没有走访计划"));
}
