//! Shared by tests/sync.rs, tests/server.rs and tests/note.rs: a demo
//! county made once per test binary, the real `bianmin serve` as a child
//! process on 127.0.0.1 (port 0), tokens, and `bianmin sync` runs that a
//! test can stop at a known point (BIANMIN_TEST_PAUSE) to kill them.

#![allow(dead_code)]

pub mod pg;

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::Duration;

use bianmin::store::Store;

pub const BIN: &str = env!("CARGO_BIN_EXE_bianmin");

/// How long a test waits for a child to reach a point before failing.
const WAIT: Duration = Duration::from_secs(60);

/// `bianmin` with no outside influence: no BIANMIN_* variables, a config
/// file that does not exist.
pub fn bianmin() -> Command {
    let mut cmd = Command::new(BIN);
    for var in ["BIANMIN_DB", "BIANMIN_TOKEN", "BIANMIN_TEST_PAUSE"] {
        cmd.env_remove(var);
    }
    cmd.env("BIANMIN_CONFIG", scratch().join("no-config.toml"));
    cmd
}

/// A folder for this test binary's shared files.
fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

/// The demo county (8 branches, 200 stations, four months of facts), made
/// once; each test works on a copy.
fn template() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let db = scratch().join("template.db");
        let out = bianmin()
            .args(["demo", "--today", "2026-11-27", "--db"])
            .arg(&db)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        db
    })
}

/// A copy of the demo county at `dir/server.db`.
pub fn server_db(dir: &Path) -> PathBuf {
    let db = dir.join("server.db");
    for suffix in ["", "-wal"] {
        let from = PathBuf::from(format!("{}{suffix}", template().display()));
        if from.exists() {
            std::fs::copy(&from, format!("{}{suffix}", db.display())).unwrap();
        }
    }
    db
}

pub fn ok(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// `bianmin user add` on the server's database: the token.
pub fn token(db: impl AsRef<OsStr>, person: &str, role: &str) -> String {
    let mut cmd = bianmin();
    cmd.args(["user", "add", "--person", person, "--role", role, "--db"])
        .arg(db.as_ref());
    if role == "county" {
        cmd.args(["--name", "县局平台办"]);
    }
    let out = ok(&cmd.output().unwrap(), "user add");
    out.trim().to_string()
}

/// `bianmin serve` as a child process, killed when dropped.
pub struct Server {
    child: Child,
    pub url: String,
    pub port: u16,
    /// What `--db` was: a file, or a `postgres://` address.
    pub db: OsString,
}

impl Server {
    pub fn start(db: impl AsRef<OsStr>) -> Server {
        Server::start_on(db, "127.0.0.1:0", &[])
    }

    pub fn start_with(db: impl AsRef<OsStr>, args: &[&str]) -> Server {
        Server::start_on(db, "127.0.0.1:0", args)
    }

    pub fn start_on(db: impl AsRef<OsStr>, listen: &str, args: &[&str]) -> Server {
        Server::launch(db.as_ref(), listen, args, Stdio::null())
    }

    /// A server whose stderr (its log) goes to `log`.
    pub fn start_logged(db: impl AsRef<OsStr>, args: &[&str], log: &Path) -> Server {
        let file = std::fs::File::create(log).unwrap();
        Server::launch(db.as_ref(), "127.0.0.1:0", args, Stdio::from(file))
    }

    fn launch(db: &OsStr, listen: &str, args: &[&str], stderr: Stdio) -> Server {
        let mut child = bianmin()
            .args(["serve", "--listen", listen, "--db"])
            .arg(db)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = send.send(line);
        });
        let line = receive.recv_timeout(WAIT).expect("the server says where it listens");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        let port = url.rsplit(':').next().unwrap().parse().unwrap();
        Server {
            child,
            url,
            port,
            db: db.to_os_string(),
        }
    }

    /// SIGTERM, as a service manager stops it; how it exited. Panics if it
    /// has not exited a minute later.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success());
        for _ in 0..600 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("bianmin serve did not stop within a minute of SIGTERM");
    }

    /// Kills the server (SIGKILL) and waits for it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Kills the server and starts it again on the same port.
    pub fn restart(&mut self) {
        self.kill();
        let listen = format!("127.0.0.1:{}", self.port);
        for attempt in 0.. {
            // The port is free once the old process is gone; allow a moment.
            let db = self.db.clone();
            let started = std::panic::catch_unwind(|| Server::start_on(db.as_os_str(), &listen, &[]));
            match started {
                Ok(server) => {
                    *self = server;
                    return;
                }
                Err(_) if attempt < 20 => std::thread::sleep(Duration::from_millis(100)),
                Err(e) => std::panic::resume_unwind(e),
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A laptop's own config file (beside its database): connecting saves the
/// server, token and person there, and each laptop of a test is its own
/// computer.
pub fn laptop_config(laptop: &Path) -> PathBuf {
    PathBuf::from(format!("{}.config.toml", laptop.display()))
}

/// `bianmin sync` of a laptop database.
pub fn sync_cmd(laptop: &Path, url: &str, token: &str, extra: &[&str]) -> Command {
    let mut cmd = bianmin();
    cmd.env("BIANMIN_CONFIG", laptop_config(laptop))
        .args(["sync", "--server", url, "--token", token, "--db"])
        .arg(laptop)
        .args(extra);
    cmd
}

pub fn sync(laptop: &Path, url: &str, token: &str, extra: &[&str]) -> Output {
    sync_cmd(laptop, url, token, extra).output().unwrap()
}

/// Rows received, from `bianmin sync`'s summary.
pub fn received(summary: &str) -> u64 {
    let after = summary.split("received ").nth(1).expect(summary);
    after.split(' ').next().unwrap().parse().expect(summary)
}

/// A `bianmin sync` stopped at a checkpoint (BIANMIN_TEST_PAUSE).
pub struct PausedSync {
    child: Child,
    stdin: Option<ChildStdin>,
    stderr_rest: mpsc::Receiver<String>,
}

impl PausedSync {
    /// Starts a sync and waits until it pauses at `at` (`pull-committed:2`).
    pub fn start(laptop: &Path, url: &str, token: &str, at: &str, extra: &[&str]) -> PausedSync {
        let mut child = sync_cmd(laptop, url, token, extra)
            .env("BIANMIN_TEST_PAUSE", at)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut seen = Vec::new();
        loop {
            match receive.recv_timeout(WAIT) {
                Ok(line) if line.contains("paused at") => break,
                Ok(line) => seen.push(line),
                Err(_) => {
                    let _ = child.kill();
                    panic!("sync never paused at {at}; stderr: {seen:?}");
                }
            }
        }
        PausedSync {
            stdin: child.stdin.take(),
            child,
            stderr_rest: receive,
        }
    }

    /// SIGKILL, as a power cut would.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Lets it go on; its exit status, stdout and stderr.
    pub fn resume(mut self) -> (bool, String, String) {
        let mut stdin = self.stdin.take().unwrap();
        stdin.write_all(b"\n").unwrap();
        drop(stdin);
        let mut stdout = String::new();
        std::io::Read::read_to_string(self.child.stdout.as_mut().unwrap(), &mut stdout).unwrap();
        let status = self.child.wait().unwrap();
        // Until the pipe closes: the reader thread may still hold the last lines.
        let stderr: Vec<String> = self.stderr_rest.iter().collect();
        (status.success(), stdout, stderr.join("\n"))
    }
}

/// PRAGMA integrity_check of a database: what a pull stopped midway must
/// pass (references may still dangle there: rows arrive at their latest
/// revision, so a station may come a page before the person it names).
pub fn assert_not_corrupt(db: &Path) {
    let store = Store::open(db).unwrap();
    let check: String = store
        .sql_for_tests()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok", "{}", db.display());
}

/// PRAGMA integrity_check and foreign_key_check of a database: what a
/// finished sync (or a push, which changes no reference) must pass.
pub fn assert_intact(db: &Path) {
    assert_not_corrupt(db);
    let store = Store::open(db).unwrap();
    let dangling: i64 = store
        .sql_for_tests()
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(dangling, 0, "references that lead nowhere in {}", db.display());
}

/// A database a test reads: a laptop's file or the county's.
pub trait Db {
    fn strings_of(&self, sql: &str) -> Vec<String>;
}

impl Db for Path {
    fn strings_of(&self, sql: &str) -> Vec<String> {
        let store = Store::open(self).unwrap();
        let mut stmt = store.sql_for_tests().prepare(sql).unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok(match r.get::<_, rusqlite::types::Value>(0)? {
                    rusqlite::types::Value::Integer(n) => n.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    rusqlite::types::Value::Null => "NULL".into(),
                    other => format!("{other:?}"),
                })
            })
            .unwrap();
        rows.map(Result::unwrap).collect()
    }
}

impl Db for PathBuf {
    fn strings_of(&self, sql: &str) -> Vec<String> {
        self.as_path().strings_of(sql)
    }
}

impl Db for CountyDb {
    fn strings_of(&self, sql: &str) -> Vec<String> {
        self.strings(sql)
    }
}

/// A number from a query.
pub fn count<D: Db + ?Sized>(db: &D, sql: &str) -> i64 {
    let values = db.strings_of(sql);
    assert_eq!(values.len(), 1, "{sql}: {values:?}");
    values[0].parse().unwrap_or_else(|_| panic!("{sql}: {values:?}"))
}

/// The queries of `content` beyond `figures`: notes and sign-offs.
fn content_queries(stations_sql: &str) -> Vec<String> {
    vec![
        format!("SELECT uuid || '|' || kind || '|' || body || '|' || coalesce(follow_up_on, '') || '|' || visited_on FROM visit_notes WHERE station_id IN ({stations_sql}) ORDER BY 1"),
        format!("SELECT uuid || '|' || outcome || '|' || coalesce(reason, '') FROM signoffs WHERE station_id IN ({stations_sql}) ORDER BY 1"),
    ]
}

/// The queries of `figures`: registry rows and daily facts.
fn figure_queries(stations_sql: &str) -> Vec<String> {
    vec![
        format!("SELECT id || '|' || name || '|' || branch_id || '|' || maintainer_id || '|' || status FROM stations WHERE id IN ({stations_sql}) ORDER BY id"),
        format!("SELECT day || station_id || category || '|' || count || '|' || amount_fen FROM daily_payments WHERE station_id IN ({stations_sql}) ORDER BY 1"),
        format!("SELECT day || station_id || '|' || raw || '|' || valid FROM daily_cards WHERE station_id IN ({stations_sql}) ORDER BY 1"),
        format!("SELECT day || station_id || kind || '|' || count FROM daily_referrals WHERE station_id IN ({stations_sql}) ORDER BY 1"),
    ]
}

/// A digest of the synced tables' content (not their revisions), for
/// comparing a laptop with the server over some stations: figures, notes
/// and sign-offs.
pub fn content<D: Db + ?Sized>(db: &D, stations_sql: &str) -> Vec<String> {
    let mut out = figures(db, stations_sql);
    for sql in content_queries(stations_sql) {
        out.extend(db.strings_of(&sql));
    }
    out
}

/// The registry rows and daily facts of some stations.
pub fn figures<D: Db + ?Sized>(db: &D, stations_sql: &str) -> Vec<String> {
    figure_queries(stations_sql)
        .iter()
        .flat_map(|sql| db.strings_of(sql))
        .collect()
}

/// The stations of a maintainer on a database.
pub fn stations_of<D: Db + ?Sized>(db: &D, person: &str) -> Vec<String> {
    db.strings_of(&format!(
        "SELECT id FROM stations WHERE maintainer_id = '{person}' ORDER BY id"
    ))
}

/// Which database the county server runs on: the server and sync suites
/// run every test on both (`on_both!`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The county's database of one test: a copy of the demo county, in a
/// SQLite file or a PostgreSQL database of the test cluster.
pub enum CountyDb {
    Sqlite(PathBuf),
    Postgres(String),
}

impl AsRef<OsStr> for CountyDb {
    /// What `--db` is given.
    fn as_ref(&self) -> &OsStr {
        match self {
            CountyDb::Sqlite(path) => path.as_os_str(),
            CountyDb::Postgres(url) => OsStr::new(url),
        }
    }
}

/// The demo county in the test cluster, made once; each test works on a
/// copy (`CREATE DATABASE … TEMPLATE`).
fn pg_template(cluster: &pg::Cluster) -> &'static str {
    static NAME: OnceLock<&'static str> = OnceLock::new();
    NAME.get_or_init(|| {
        let name = "demo_template";
        cluster.admin(&format!("CREATE DATABASE {name}"));
        let out = bianmin()
            .args(["demo", "--today", "2026-11-27", "--db", &cluster.url(name)])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        name
    })
}

/// A copy of the demo county on `backend` for the test `name`; `None`
/// (said loudly) for PostgreSQL where this machine has none.
pub fn county_db(backend: Backend, dir: &Path, name: &str) -> Option<CountyDb> {
    match backend {
        Backend::Sqlite => Some(CountyDb::Sqlite(server_db(dir))),
        Backend::Postgres => {
            let cluster = pg::cluster()?;
            Some(CountyDb::Postgres(cluster.copy_of(pg_template(cluster), name)))
        }
    }
}

/// An empty database on `backend` (a new file, or a new PostgreSQL
/// database); `None` as `county_db`.
pub fn empty_county_db(backend: Backend, dir: &Path, name: &str) -> Option<CountyDb> {
    match backend {
        Backend::Sqlite => Some(CountyDb::Sqlite(dir.join(format!("{name}.db")))),
        Backend::Postgres => Some(CountyDb::Postgres(pg::cluster()?.fresh_db(name))),
    }
}

impl CountyDb {
    pub fn backend(&self) -> Backend {
        match self {
            CountyDb::Sqlite(_) => Backend::Sqlite,
            CountyDb::Postgres(_) => Backend::Postgres,
        }
    }

    /// The first column of every row of a query (SQL both databases
    /// read the same), as text.
    pub fn strings(&self, sql: &str) -> Vec<String> {
        match self {
            CountyDb::Sqlite(path) => path.strings_of(sql),
            CountyDb::Postgres(url) => {
                let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
                client
                    .query(sql, &[])
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
                    .iter()
                    .map(|r| {
                        let value = match *r.columns()[0].type_() {
                            postgres::types::Type::INT8 => r.get::<_, Option<i64>>(0).map(|n| n.to_string()),
                            postgres::types::Type::INT4 => r.get::<_, Option<i32>>(0).map(|n| n.to_string()),
                            _ => r.get::<_, Option<String>>(0),
                        };
                        value.unwrap_or_else(|| "NULL".into())
                    })
                    .collect()
            }
        }
    }

    /// One text from a query.
    pub fn string(&self, sql: &str) -> String {
        let mut values = self.strings(sql);
        assert_eq!(values.len(), 1, "{sql}: {values:?}");
        values.remove(0)
    }

    /// Runs statements (SQL both databases take).
    pub fn execute(&self, sql: &str) {
        match self {
            CountyDb::Sqlite(path) => Store::open(path).unwrap().sql_for_tests().execute_batch(sql).unwrap(),
            CountyDb::Postgres(url) => postgres::Client::connect(url, postgres::NoTls)
                .unwrap()
                .batch_execute(sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}")),
        }
    }
}

/// Runs a test on SQLite and on PostgreSQL: `on_both!(name)` makes
/// `name::sqlite` and `name::postgres` of `fn name(Backend)`.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name($crate::sync_support::Backend::Sqlite);
                }
                #[test]
                fn postgres() {
                    super::$name($crate::sync_support::Backend::Postgres);
                }
            }
        )*
    };
}

/// `bianmin` with the laptop's own config file.
pub fn on_laptop(laptop: &Path) -> Command {
    let mut cmd = bianmin();
    cmd.env("BIANMIN_CONFIG", laptop_config(laptop));
    cmd
}

/// Connects a laptop as the issue spells it: `BIANMIN_TOKEN=T bianmin sync
/// --db L --server URL`.
pub fn connect(laptop: &Path, url: &str, token: &str) -> String {
    ok(
        &on_laptop(laptop)
            .env("BIANMIN_TOKEN", token)
            .args(["sync", "--server", url, "--db"])
            .arg(laptop)
            .output()
            .unwrap(),
        "connect",
    )
}

/// `bianmin sync --db L` with nothing else: the config file has it all.
pub fn sync_again(laptop: &Path) -> String {
    ok(
        &on_laptop(laptop).args(["sync", "--db"]).arg(laptop).output().unwrap(),
        "sync with no flags",
    )
}
