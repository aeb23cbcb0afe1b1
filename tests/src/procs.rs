//! Real processes for crash tests: the `pendata` CLI and the `pendata-server` binary, found next
//! to the test executable (`cargo test --workspace` builds both), killed with SIGKILL.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `pendata-server --data-dir DATA ARGS…` to its end (logs at warn); its stdout, or an
/// error with both outputs when it fails.
pub fn server_cli(data: &Path, args: &[&str]) -> anyhow::Result<String> {
    let (ok, stdout, stderr) = server_cli_run(data, args, &[])?;
    anyhow::ensure!(ok, "pendata-server {args:?}: {stdout} {stderr}");
    Ok(stdout)
}

/// Runs `pendata-server --data-dir DATA ARGS…` with more environment (e.g. a backend's,
/// [`crate::backend::Backend::env`]) to its end, successful or not: (success, stdout, stderr).
pub fn server_cli_run(
    data: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> anyhow::Result<(bool, String, String)> {
    let out = Command::new(binary("pendata-server", "pendata-server")?)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("PENDATA_LOG", "warn")
        .envs(env.iter().copied())
        .output()?;
    Ok((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// The path of a binary of this workspace in the test's own target directory and profile. If it
/// is not built yet (a lone `cargo test -p pendata-e2e`), it is built with
/// `cargo build -p <package> --bin <name>`.
pub fn binary(name: &str, package: &str) -> anyhow::Result<PathBuf> {
    // target/<profile>/deps/<test-exe>
    let exe = std::env::current_exe()?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| anyhow::anyhow!("unexpected test executable path {}", exe.display()))?;
    let path = profile_dir.join(name);
    if path.exists() {
        return Ok(path);
    }
    let target_dir = profile_dir
        .parent()
        .ok_or_else(|| anyhow::anyhow!("no target directory above {}", profile_dir.display()))?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "-p", package, "--bin", name, "--target-dir"])
        .arg(target_dir);
    if profile_dir.file_name().is_some_and(|n| n == "release") {
        cmd.arg("--release");
    }
    let status = cmd.status()?;
    anyhow::ensure!(
        status.success() && path.exists(),
        "building {name} failed ({status})"
    );
    Ok(path)
}

/// A free local address (bound, then released).
pub fn free_addr() -> anyhow::Result<SocketAddr> {
    let l = TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?)
}

/// `GET /healthz` answered 200 within `within`.
pub fn wait_healthy(addr: SocketAddr, within: Duration) -> anyhow::Result<()> {
    let start = Instant::now();
    loop {
        if let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            if s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .is_ok()
            {
                let mut out = String::new();
                let _ = s.read_to_string(&mut out);
                if out.starts_with("HTTP/1.1 200") {
                    return Ok(());
                }
            }
        }
        anyhow::ensure!(
            start.elapsed() < within,
            "the server at {addr} did not become healthy within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `pendata-server serve` as a child process on a fixed address and data directory. Dropping
/// it kills the process.
pub struct ServerProcess {
    child: Option<Child>,
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    bin: PathBuf,
    log: PathBuf,
    env: Vec<(String, String)>,
    starts: u32,
}

impl ServerProcess {
    /// Starts the server and waits until `/healthz` answers. Its log goes to
    /// `<data_dir>/../server-<n>.log`.
    pub fn start(data_dir: &Path, addr: SocketAddr) -> anyhow::Result<Self> {
        Self::start_with_env(data_dir, addr, &[])
    }

    /// [`ServerProcess::start`] with more environment for the process, e.g.
    /// `PENDATA_DATABASE_URL` and `PENDATA_BLOB_URL` for PostgreSQL and S3 (the rest of the
    /// environment, such as `PENDATA_S3_ENDPOINT` and `AWS_*`, is inherited).
    pub fn start_with_env(
        data_dir: &Path,
        addr: SocketAddr,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let bin = binary("pendata-server", "pendata-server")?;
        let log = data_dir.parent().unwrap_or(data_dir).join("server.log");
        let mut me = ServerProcess {
            child: None,
            addr,
            data_dir: data_dir.to_owned(),
            bin,
            log,
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            starts: 0,
        };
        me.restart()?;
        Ok(me)
    }

    /// (Re)starts the process on the same address and data directory.
    pub fn restart(&mut self) -> anyhow::Result<()> {
        anyhow::ensure!(self.child.is_none(), "the server is still running");
        self.starts += 1;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)?;
        let child = Command::new(&self.bin)
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(["serve", "--listen", &self.addr.to_string()])
            .env("PENDATA_LOG", "warn")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        self.child = Some(child);
        wait_healthy(self.addr, Duration::from_secs(30))
    }

    /// SIGKILL, then reap.
    pub fn kill(&mut self) -> anyhow::Result<()> {
        if let Some(mut c) = self.child.take() {
            c.kill()?;
            c.wait()?;
        }
        Ok(())
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The process's log (stdout and stderr of every start).
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// How often the process was started.
    pub fn starts(&self) -> u32 {
        self.starts
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}

/// `PRAGMA integrity_check` of a plain SQLite file (read-only).
pub fn integrity_check(db: &Path) -> anyhow::Result<Vec<String>> {
    let conn = rusqlite::Connection::open_with_flags(
        db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    integrity_rows(&conn)
}

/// `PRAGMA integrity_check` on an open connection (e.g. a device's encrypted store): `["ok"]`
/// when the database is sound.
pub fn integrity_rows(conn: &rusqlite::Connection) -> anyhow::Result<Vec<String>> {
    let rows = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// SplitMix64: seeded choices that replay exactly.
#[derive(Debug, Clone)]
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..hi` (`lo` when empty).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            lo
        } else {
            lo + self.next_u64() % (hi - lo)
        }
    }
}

/// A `u64` from the environment (decimal or `0x` hex).
pub fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => v.parse().ok(),
    }
}
