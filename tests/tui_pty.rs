//! The real binary in a real terminal (tmux): write a visit note, the
//! morning journey with a long pasted Chinese note read back in full,
//! quit, and find the terminal restored and the note stored; `--as` a
//! person the database does not know is an error.

mod pty_support;

use std::process::Command;

use bianmin::records::SyncState;
use bianmin::store::Store;
use pty_support::*;

/// Starts the dashboard in a tmux session of `cols`×`rows` named after
/// the test; the exit status lands in `done`.
fn start(
    name: &str,
    dir: &std::path::Path,
    db: &std::path::Path,
    person: &str,
    cols: &str,
    rows: &str,
) -> (Session, std::path::PathBuf) {
    let bin = env!("CARGO_BIN_EXE_bianmin");
    let done = dir.join("exit-status");
    let config = dir.join("config.toml");
    let session = format!("bianmin-{name}-{}", std::process::id());
    let command = format!(
        "BIANMIN_CONFIG={} {bin} --db {} --as {person} --lang zh; echo $? > {}; sleep 30",
        config.display(),
        db.display(),
        done.display()
    );
    tmux(&["new-session", "-d", "-s", &session, "-x", cols, "-y", rows, &command]);
    (Session(session), done)
}

#[test]
fn write_a_note_in_the_real_dashboard_and_quit_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let (guard, done) = start("note", dir.path(), &db, "W01", "100", "30");
    let session = guard.0.clone();

    let screen = wait_for(&session, "我的站点");
    assert!(
        screen.contains("演示数据"),
        "the header says the data is a demo:\n{screen}"
    );
    tmux(&["send-keys", "-t", &session, "n"]);
    wait_for(&session, "新走访记录");
    tmux(&["send-keys", "-t", &session, "-l", "终端里写的走访记录 typed in tmux"]);
    wait_for(&session, "typed in tmux");
    tmux(&["send-keys", "-t", &session, "C-s"]);
    let screen = wait_for(&session, "走访记录已保存");
    assert!(
        !screen.contains("待同步 1"),
        "a demo note waits for no server:\n{screen}"
    );
    tmux(&["send-keys", "-t", &session, "q"]);
    assert_eq!(wait_for_file(&done).trim(), "0", "bianmin exited cleanly");
    // Out of the alternate screen: the terminal is restored.
    let alternate = tmux(&["display-message", "-p", "-t", &session, "#{alternate_on}"]);
    assert_eq!(alternate.trim(), "0");

    let store = Store::open(&db).unwrap();
    let notes = store.notes(None).unwrap();
    let note = notes
        .iter()
        .find(|n| n.body == "终端里写的走访记录 typed in tmux")
        .expect("the note is stored");
    assert_eq!(note.author_id, "W01");
    assert_eq!(note.sync, SyncState::Local);
    assert_eq!(store.pending_count().unwrap(), 0);
}

const LONG_NOTE: &str = "站长反映：本月移动营业厅在村里设了代办点，话费代收明显下降，很多老人现在去营业厅交费。
建议：下周二带宣传单再来一次，和站长一起到村委会门口宣传助农取款和惠农通，顺便检查商易通终端的打印机。
另外，站长的绿卡还没办好，需要提醒支局长跟进。
第四行：结束。";

/// The morning: open, today's plan, its first station, a long
/// multi-line Chinese note pasted (all of it in view while writing),
/// saved, opened again in full from the station's visits, back, quit.
#[test]
fn the_morning_journey_at_80_by_24() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let (guard, done) = start("morning", dir.path(), &db, "W01", "80", "24");
    let session = guard.0.clone();

    let screen = wait_for(&session, "我的站点");
    assert!(
        screen.contains("1 我的站点") && screen.contains("5 今日计划"),
        "the tabs:\n{screen}"
    );
    // Today's plan, made on the worker's thread; its first stop opens.
    tmux(&["send-keys", "-t", &session, "5"]);
    wait_for(&session, "今日走访计划");
    wait_for(&session, "  1. ");
    tmux(&["send-keys", "-t", &session, "Enter"]);
    // The footer is drawn last: once it shows the station's own keys, the
    // station is on screen.
    let screen = wait_for(&session, "c 签字确认");
    assert!(screen.contains("奖励明细"), "the station:\n{screen}");
    tmux(&["send-keys", "-t", &session, "n"]);
    wait_for(&session, "新走访记录");
    paste(&session, LONG_NOTE);
    let screen = wait_for(&session, "第四行：结束。");
    assert!(
        screen.contains("站长反映"),
        "the start of the paste is still in view:\n{screen}"
    );
    tmux(&["send-keys", "-t", &session, "C-s"]);
    wait_for(&session, "走访记录已保存");
    // The station's visits: the note's first line, marked as longer.
    tmux(&["send-keys", "-t", &session, "Tab"]);
    wait_for(&session, "(+3行)");
    tmux(&["send-keys", "-t", &session, "Enter"]);
    // Waiting for the note's last line: tmux may show a frame half drawn,
    // its first lines over the station pane still.
    let screen = wait_for(&session, "第四行：结束。");
    assert!(screen.contains("绿卡还没办好"), "the note in full:\n{screen}");
    // One Escape at a time: two at once read as one key with Alt.
    tmux(&["send-keys", "-t", &session, "Escape"]);
    wait_for(&session, "Tab 切换窗格");
    tmux(&["send-keys", "-t", &session, "Escape"]);
    wait_for(&session, "今日走访计划");
    tmux(&["send-keys", "-t", &session, "Escape"]);
    wait_for(&session, "排序");
    tmux(&["send-keys", "-t", &session, "q"]);
    assert_eq!(wait_for_file(&done).trim(), "0", "bianmin exited cleanly");

    let store = Store::open(&db).unwrap();
    let notes = store.notes(None).unwrap();
    assert!(
        notes.iter().any(|n| n.body == LONG_NOTE),
        "stored whole, line ends and all"
    );
}

#[test]
fn as_someone_unknown_is_an_error_not_the_picker() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_bianmin"))
        .arg("--db")
        .arg(&db)
        .args(["--lang", "zh", "--as", "W99"])
        .env("BIANMIN_CONFIG", dir.path().join("config.toml"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("W99") && stderr.contains("--as") && stderr.contains("没有"),
        "{stderr}"
    );
}
