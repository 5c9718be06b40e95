//! A throwaway PostgreSQL server for the tests: `initdb` and `pg_ctl` from Debian's postgresql
//! package in a temporary folder, listening only on a Unix socket in that folder, one per test
//! binary, with a fresh database for each test.
//!
//! Stopping it: statics are never dropped, so the server cannot be stopped from a destructor.
//! Instead a watchdog shell is started beside it, reading its standard input from a pipe whose
//! only writer is this process. When this process ends, however it ends (normal exit, panic,
//! `kill -9`), the kernel closes the pipe, the watchdog's `cat` sees end-of-file, and it stops the
//! server and deletes the folder. The watchdog has its own process group, so the Ctrl-C that
//! stops `cargo test` does not stop it first. Should a watchdog itself be killed, the next run
//! finds the orphaned folder (named after a process that no longer exists) and cleans it up.

use std::fs::{self, File};
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

/// The folders' prefix in the temporary directory.
const PREFIX: &str = "greenlane-pgtest-";
/// The port only names the socket file (`.s.PGSQL.5432`): nothing listens on TCP.
const PORT: u16 = 5432;

pub struct Server {
    /// Holds the socket.
    dir: PathBuf,
    admin: Mutex<postgres::Client>,
    next_db: AtomicU32,
    /// Never written, never closed while the process lives: see the module's comment.
    _watchdog: Mutex<ChildStdin>,
}

static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();

/// The shared server, started on first use; a test that cannot have one fails with the reason.
pub fn server() -> &'static Server {
    match SERVER.get_or_init(start) {
        Ok(server) => server,
        Err(why) => panic!("{why}"),
    }
}

impl Server {
    /// A connection URL (libpq form, socket folder in `host=`) for database `dbname`.
    pub fn url(&self, dbname: &str) -> String {
        format!("postgresql://postgres@/{dbname}?host={}&port={PORT}", self.dir.display())
    }

    /// Creates a new empty database and returns its URL.
    pub fn fresh_database(&self) -> String {
        let name = format!("t_{}", self.next_db.fetch_add(1, Ordering::Relaxed));
        let mut admin = self.admin.lock().unwrap_or_else(|e| e.into_inner());
        admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap_or_else(|e| panic!("CREATE DATABASE: {e:?}"));
        self.url(&name)
    }

    /// Ends every session on database `dbname`, as a server restart would.
    pub fn terminate_sessions(&self, dbname: &str) -> u64 {
        let mut admin = self.admin.lock().unwrap_or_else(|e| e.into_inner());
        let rows = admin
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                &[&dbname],
            )
            .unwrap_or_else(|e| panic!("pg_terminate_backend: {e:?}"));
        // pg_terminate_backend only signals: wait until the sessions are really gone.
        for _ in 0..500 {
            let left: i64 = admin
                .query_one("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", &[&dbname])
                .and_then(|r| r.try_get(0))
                .unwrap_or_else(|e| panic!("pg_stat_activity: {e:?}"));
            if left == 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        rows.len() as u64
    }
}

fn start() -> Result<Server, String> {
    let bin = find_bin_dir()?;
    let run_as = if is_root() { Some(postgres_user()?) } else { None };
    clean_orphans(&bin, run_as.as_ref());

    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let dir = std::env::temp_dir().join(format!("{PREFIX}{}-{nanos}", std::process::id()));
    fs::create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if let Some(user) = &run_as {
        // initdb refuses to run as root: the folder belongs to the postgres user, and the server
        // runs as it. Root can still reach the socket.
        std::os::unix::fs::chown(&dir, Some(user.uid), Some(user.gid))
            .map_err(|e| format!("cannot give {} to the postgres user: {e}", dir.display()))?;
    }
    let data = dir.join("data");
    let watchdog = start_watchdog(&bin, run_as.as_ref(), &dir, &data)?;

    run(
        pg_command(&bin, "initdb", run_as.as_ref()).arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        ]),
        &dir.join("initdb.log"),
    )?;
    // Appended to the file initdb wrote (it keeps its owner). fsync=off: the server's own
    // durability is not under test and the disk is shared with the rest of the build.
    let settings = format!(
        "\nlisten_addresses = ''\nunix_socket_directories = '{}'\nport = {PORT}\nfsync = off\nfull_page_writes = off\n\
         max_connections = 200\nshared_buffers = 32MB\n",
        dir.display()
    );
    fs::OpenOptions::new()
        .append(true)
        .open(data.join("postgresql.conf"))
        .and_then(|mut f| std::io::Write::write_all(&mut f, settings.as_bytes()))
        .map_err(|e| format!("cannot configure the test server: {e}"))?;
    run(
        pg_command(&bin, "pg_ctl", run_as.as_ref())
            .arg("start")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(dir.join("server.log"))
            .args(["-w", "-t", "60"]),
        &dir.join("pg_ctl.log"),
    )
    .map_err(|e| format!("{e}\nserver log:\n{}", read_lossy(&dir.join("server.log"))))?;

    let admin = postgres::Client::connect(
        &format!("host={} port={PORT} user=postgres dbname=postgres", dir.display()),
        postgres::NoTls,
    )
    .map_err(|e| format!("cannot connect to the test server: {e:?}"))?;
    Ok(Server { dir, admin: Mutex::new(admin), next_db: AtomicU32::new(1), _watchdog: Mutex::new(watchdog) })
}

/// Where `initdb` and `pg_ctl` are: the newest `/usr/lib/postgresql/*/bin`, else `PATH`.
fn find_bin_dir() -> Result<PathBuf, String> {
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    if let Some(bin) = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .find(|p| p.join("initdb").is_file() && p.join("pg_ctl").is_file())
    {
        return Ok(bin);
    }
    let ci = if std::env::var_os("CI").is_some() {
        " CI is set: the PostgreSQL backend must be tested in CI, so .ci/run has to install the server."
    } else {
        ""
    };
    Err(format!(
        "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or on PATH: \
         install postgresql (Debian: apt-get install postgresql) to run the PostgreSQL store tests.{ci}"
    ))
}

struct User {
    uid: u32,
    gid: u32,
}

fn is_root() -> bool {
    // /proc/self belongs to the process's effective user.
    fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false)
}

fn postgres_user() -> Result<User, String> {
    let passwd = fs::read_to_string("/etc/passwd").map_err(|e| format!("cannot read /etc/passwd: {e}"))?;
    passwd
        .lines()
        .find_map(|line| {
            let f: Vec<&str> = line.split(':').collect();
            (f.first() == Some(&"postgres") && f.len() > 3)
                .then(|| Some(User { uid: f[2].parse().ok()?, gid: f[3].parse().ok()? }))
                .flatten()
        })
        .ok_or_else(|| {
            "running as root, and initdb refuses root, but there is no `postgres` user to run the test server \
             as: install postgresql (Debian: apt-get install postgresql), which creates it"
                .to_owned()
        })
}

/// A PostgreSQL program, run as the postgres user when we are root.
fn pg_command(bin: &Path, program: &str, run_as: Option<&User>) -> Command {
    match run_as {
        Some(_) => {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(bin.join(program));
            c
        }
        None => Command::new(bin.join(program)),
    }
}

/// Runs a command to completion with its output in `log` (never in a pipe: a server started by
/// `pg_ctl` could inherit the pipe and keep it open).
fn run(command: &mut Command, log: &Path) -> Result<(), String> {
    let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let status = command
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{command:?} failed ({status}):\n{}", read_lossy(log))) }
}

fn read_lossy(path: &Path) -> String {
    let mut bytes = Vec::new();
    let _ = File::open(path).and_then(|mut f| f.read_to_end(&mut bytes));
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The command that stops a server in `data` at once and deletes `dir`, as a shell line with the
/// paths in positional parameters ($1 bin folder, $2 data, $3 folder).
const STOP_AND_REMOVE: &str = r#"$RUNAS "$1/pg_ctl" stop -D "$2" -m immediate -w >/dev/null 2>&1; rm -rf "$3""#;

fn start_watchdog(bin: &Path, run_as: Option<&User>, dir: &Path, data: &Path) -> Result<ChildStdin, String> {
    let script = format!("cat >/dev/null; {STOP_AND_REMOVE}");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("greenlane-pg-watchdog")
        .arg(bin)
        .arg(data)
        .arg(dir)
        .env("RUNAS", if run_as.is_some() { "runuser -u postgres --" } else { "" })
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        // Its own process group: Ctrl-C in the terminal reaches the tests, not the watchdog.
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start the test server's watchdog: {e}"))?;
    child.stdin.take().ok_or_else(|| "the watchdog has no standard input".to_owned())
}

/// Stops the servers and deletes the folders of earlier runs whose process is gone and whose
/// watchdog did not clean up (it was killed too).
fn clean_orphans(bin: &Path, run_as: Option<&User>) {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)) else { continue };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        if Path::new(&format!("/proc/{pid}")).exists() {
            continue; // its owner (or, rarely, a process that reused the number) is alive
        }
        let dir = entry.path();
        let _ = Command::new("sh")
            .arg("-c")
            .arg(STOP_AND_REMOVE)
            .arg("greenlane-pg-cleanup")
            .arg(bin)
            .arg(dir.join("data"))
            .arg(&dir)
            .env("RUNAS", if run_as.is_some() { "runuser -u postgres --" } else { "" })
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
