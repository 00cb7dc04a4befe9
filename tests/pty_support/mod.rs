//! The real binary in a real terminal: tmux sessions a test can type into
//! and read, shared by tests/tui_pty.rs and tests/field.rs.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux session, killed when dropped.
pub struct Session(pub String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.0]).output();
    }
}

pub fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(args)
        .output()
        .expect("tmux runs (CI installs it)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn capture(session: &str) -> String {
    tmux(&["capture-pane", "-p", "-t", session])
}

/// How long a step may take before the test gives up: generous, because
/// the machines running the tests are shared and sometimes very slow; it
/// bounds a hang, it does not measure speed.
const PATIENCE: Duration = Duration::from_secs(90);

/// Waits until the screen shows `text`.
pub fn wait_for(session: &str, text: &str) -> String {
    let start = Instant::now();
    loop {
        let screen = capture(session);
        if screen.contains(text) {
            return screen;
        }
        assert!(start.elapsed() < PATIENCE, "waited for {text:?}; the screen:\n{screen}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn wait_for_file(path: &Path) -> String {
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            if !text.is_empty() {
                return text;
            }
        }
        assert!(start.elapsed() < PATIENCE, "{} never appeared", path.display());
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A demo county database made by the real binary in `dir`, for
/// 2026-11-27.
pub fn demo_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("demo.db");
    let made = Command::new(env!("CARGO_BIN_EXE_bianmin"))
        .arg("--db")
        .arg(&db)
        .args(["demo", "--today", "2026-11-27"])
        .output()
        .expect("bianmin runs");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    db
}

/// Sends text to the program as a bracketed paste (as a terminal does
/// when the user pastes), not as typed keys.
pub fn paste(session: &str, text: &str) {
    tmux(&["set-buffer", "-b", "bianmin-test", "--", text]);
    tmux(&["paste-buffer", "-p", "-d", "-b", "bianmin-test", "-t", session]);
}

/// Waits until the program in the session has turned its terminal's echo
/// off (a hidden prompt). The prompt is printed a moment before echo goes
/// off, and keys typed in that moment would be shown.
pub fn wait_for_hidden_input(session: &str) {
    let tty = tmux(&["display-message", "-p", "-t", session, "#{pane_tty}"]);
    let tty = tty.trim();
    let start = Instant::now();
    loop {
        let out = Command::new("stty")
            .args(["-F", tty, "-a"])
            .output()
            .expect("stty runs");
        let settings = String::from_utf8_lossy(&out.stdout);
        if settings.split_whitespace().any(|flag| flag == "-echo") {
            return;
        }
        assert!(start.elapsed() < PATIENCE, "echo never went off on {tty}:\n{settings}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
