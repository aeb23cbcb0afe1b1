//! What every phone scenario of the web app needs: the built app, node with playwright-core and
//! Debian's chromium (each missing one named with the command that provides it), the real
//! `pendata-server` seeded with its demo data, and a node script run against it whose last
//! line of output is its JSON answer.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use pendata_e2e::procs::{binary, free_addr, ServerProcess};

/// A demo account of `pendata-server demo` and its PIN on the phone.
pub const USERNAME: &str = "tksk.gunungputri";
pub const PASSWORD: &str = "pendata-demo";
pub const PIN: &str = "246810";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where the scenarios keep their screenshots.
pub fn shots_dir() -> PathBuf {
    let shots = repo().join("target/test-artifacts/web");
    std::fs::create_dir_all(&shots).unwrap();
    shots
}

/// The built app, playwright-core and chromium are there; returns chromium's path.
pub fn prerequisites() -> String {
    let app = repo().join("target/web/app");
    assert!(
        app.join("index.html").is_file(),
        "{} is missing: run `scripts/build-web app` (scripts/test does)",
        app.display()
    );
    assert!(
        repo()
            .join("tests/browser/node_modules/playwright-core")
            .is_dir(),
        "tests/browser/node_modules is missing: run `npm ci --prefix tests/browser` (scripts/test does)"
    );
    let chromium = std::env::var("PD_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} not found: install Debian's chromium (scripts/install-deps test)"
    );
    chromium
}

/// The real server on a loopback port, its data directory `work/server` seeded with the demo
/// accounts and prelist (it serves the app under /app/).
pub fn demo_server(work: &Path) -> (ServerProcess, PathBuf) {
    let data = work.join("server");
    std::fs::create_dir_all(&data).unwrap();
    let seeded = Command::new(binary("pendata-server", "pendata-server").unwrap())
        .arg("--data-dir")
        .arg(&data)
        .arg("demo")
        .output()
        .unwrap();
    assert!(seeded.status.success(), "demo: {seeded:?}");
    let server = ServerProcess::start(&data, free_addr().unwrap()).unwrap();
    (server, data)
}

/// Runs `tests/browser/<script>` with chromium, the server's URL, the demo account and `envs`;
/// returns its JSON answer (the last line it printed), failing with its output when it failed.
pub fn run_node(
    script: &str,
    server: &ServerProcess,
    envs: &[(&str, &dyn AsRef<OsStr>)],
) -> serde_json::Value {
    let browser = repo().join("tests/browser");
    let shots = shots_dir();
    let mut cmd = Command::new("node");
    cmd.arg(browser.join(script))
        .current_dir(&browser)
        .env("PD_CHROMIUM", prerequisites())
        .env("PD_URL", server.url())
        .env("PD_USERNAME", USERNAME)
        .env("PD_PASSWORD", PASSWORD)
        .env("PD_PIN", PIN)
        .env("PD_SHOTS", &shots);
    for (k, v) in envs {
        cmd.env(k, v.as_ref());
    }
    let output = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run node ({e}): install Node.js (scripts/install-deps test)")
    });
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed ({}):\n{stderr}\n{stdout}\nscreenshots: {}",
        output.status,
        shots.display()
    );
    let line = stdout.lines().last().unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("{script} printed no JSON ({e}): {stdout}"));
    eprintln!("{script}: {v}");
    assert_eq!(v["ok"], true, "{v}");
    v
}

/// Camera JPEGs of `w`×`h` (different bytes each, from `seed` on) in `dir`, named p0.jpg….
pub fn camera_photos(dir: &Path, count: u32, seed: u32, (w, h): (u32, u32)) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for k in 0..count {
        std::fs::write(
            dir.join(format!("p{k}.jpg")),
            pendata_e2e::workload::camera_jpeg_sized(seed + k, w, h).unwrap(),
        )
        .unwrap();
    }
    dir.to_path_buf()
}
