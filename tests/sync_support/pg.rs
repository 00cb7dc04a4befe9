//! A throwaway PostgreSQL cluster for the tests of one test binary: made
//! with `initdb` in a temporary folder on 127.0.0.1 and a free port the
//! first time a test asks for it, stopped and deleted when the test binary
//! ends (a watcher process waits for this process's end; nothing is left
//! behind even when a test panics). Each test gets a database of its own.
//!
//! `initdb` refuses to run as root: as root, the cluster is run as the
//! `postgres` user (`runuser`). Where no PostgreSQL binaries exist
//! (`BIANMIN_PG_BIN`, else the newest /usr/lib/postgresql/*/bin), the
//! PostgreSQL tests print a loud SKIPPED line and pass; `.ci/run` installs
//! PostgreSQL so that in CI they run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

pub struct Cluster {
    bin: PathBuf,
    pub port: u16,
    /// Held until the process ends: its closing tells the watcher to stop
    /// and delete the cluster.
    _watcher: Mutex<ChildStdin>,
}

fn bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("BIANMIN_PG_BIN") {
        let dir = PathBuf::from(dir);
        return (dir.join("initdb").exists() && dir.join("pg_ctl").exists()).then_some(dir);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let version: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").exists() && bin.join("pg_ctl").exists()).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A command of the cluster's, as the `postgres` user when we are root.
fn as_owner(program: &Path) -> Command {
    if is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn start() -> Option<Cluster> {
    let bin = bin_dir()?;
    let dir = tempfile::Builder::new().prefix("bianmin-pg-").tempdir().unwrap().keep();
    if is_root() {
        run(Command::new("chown").arg("postgres:").arg(&dir), "chown");
    }
    let data = dir.join("data");
    run(
        as_owner(&bin.join("initdb"))
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "-D"])
            .arg(&data),
        "initdb",
    );
    // The watcher: when this process ends (its stdin closes), the
    // cluster stops and its folder goes. It outlives this process on
    // purpose, so it is never waited for.
    #[allow(clippy::zombie_processes)]
    let watcher = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "read _; {} {} -D '{}' stop -m immediate; rm -rf '{}'",
            if is_root() { "runuser -u postgres --" } else { "" },
            bin.join("pg_ctl").display(),
            data.display(),
            dir.display()
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut port = 0;
    for _ in 0..5 {
        port = free_port();
        let started = as_owner(&bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .arg("-o")
            .arg(format!(
                "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{}' -c fsync=off \
                 -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
                dir.display()
            ))
            .arg("-l")
            .arg(dir.join("log"))
            .args(["-w", "start"])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        if started.success() {
            break;
        }
        port = 0;
    }
    assert_ne!(
        port,
        0,
        "the PostgreSQL test cluster did not start; see {}",
        dir.join("log").display()
    );
    Some(Cluster {
        bin,
        port,
        _watcher: Mutex::new(watcher.stdin.unwrap()),
    })
}

/// The cluster, started on first use; `None` (said loudly) where there is
/// no PostgreSQL on this machine.
pub fn cluster() -> Option<&'static Cluster> {
    static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();
    let cluster = CLUSTER.get_or_init(start).as_ref();
    if cluster.is_none() {
        let mut err = std::io::stderr();
        let _ = writeln!(
            err,
            "\n*** SKIPPED: no PostgreSQL binaries (/usr/lib/postgresql/*/bin or BIANMIN_PG_BIN); \
             the PostgreSQL half of this test did not run ***\n"
        );
    }
    cluster
}

impl Cluster {
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Runs SQL as the superuser in the `postgres` database.
    pub fn admin(&self, sql: &str) {
        let mut client = postgres::Client::connect(&self.url("postgres"), postgres::NoTls).unwrap();
        client.batch_execute(sql).unwrap();
    }

    /// A new empty database, its name unique in this test binary.
    pub fn fresh_db(&self, hint: &str) -> String {
        let name = self.unique_name(hint);
        self.admin(&format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    /// A new database copied from `template` (which nobody may be
    /// connected to).
    pub fn copy_of(&self, template: &str, hint: &str) -> String {
        let name = self.unique_name(hint);
        self.admin(&format!("CREATE DATABASE {name} TEMPLATE {template}"));
        self.url(&name)
    }

    fn unique_name(&self, hint: &str) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let clean: String = hint
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(40)
            .collect();
        format!("t{}_{clean}", NEXT.fetch_add(1, Ordering::Relaxed))
    }

    pub fn bin(&self) -> &Path {
        &self.bin
    }
}
