//! The real binary in a real terminal (tmux): open the dashboard, write a
//! visit note, quit, and find the terminal restored and the note stored.

mod pty_support;

use std::process::Command;

use bianmin::store::notes::SyncState;
use bianmin::store::Store;
use pty_support::*;

#[test]
fn write_a_note_in_the_real_dashboard_and_quit_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let bin = env!("CARGO_BIN_EXE_bianmin");
    let made = Command::new(bin)
        .arg("--db")
        .arg(&db)
        .args(["demo", "--today", "2026-11-27"])
        .output()
        .unwrap();
    assert!(made.status.success());
    let done = dir.path().join("exit-status");
    let config = dir.path().join("config.toml");
    let session = format!("bianmin-test-{}", std::process::id());
    let command = format!(
        "BIANMIN_CONFIG={} {bin} --db {} --as W01 --lang zh; echo $? > {}; sleep 30",
        config.display(),
        db.display(),
        done.display()
    );
    tmux(&["new-session", "-d", "-s", &session, "-x", "100", "-y", "30", &command]);
    let _guard = Session(session.clone());

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
