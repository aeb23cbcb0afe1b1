//! The facilitator's phone: the installable web app (app/ui built for wasm32, served by the real
//! `pendata-server` binary under `/app/`) in Debian's headless Chromium emulating an Android
//! phone (412×915, device scale factor 2.6, touch, an Android Chrome user agent), driven by
//! playwright-core (tests/browser/web_app.mjs): the service worker is active and the manifest
//! valid; enrol against the server, sync the prelist; then offline: reload from the cache, a
//! wrong PIN said as "PIN salah", unlock, the work list, the prelist household, GPS from the
//! emulated location with its accuracy, a 12 MP camera JPEG through the file chooser into the
//! photo pipeline; then what the phone refuses, each said in Bahasa Indonesia with nothing lost
//! (tests/browser/web_photos.mjs): a PDF ("Berkas ini bukan foto"), a 60 MP JPEG ("Resolusi foto
//! terlalu besar"), a photo while the origin's storage quota is full ("Penyimpanan penuh"; the
//! same photo is taken once there is room); then a camera JPEG for every other photo kind. At
//! 412 and 360 px nothing scrolls sideways and every button, input and select is at least 48 px
//! high; every request goes to the server's origin. Then the backup
//! (tests/browser/web_backup.mjs): *Cadangkan data* gives one download, still locked (no
//! SQLite header, no prelist id or username in clear); restoring it over the phone is refused
//! with "1 data belum terkirim"; *Keluar* says the same first and a new login still finds the
//! household; logged in again and online (tests/browser/web_review.mjs): the status step's skip
//! rule both ways, finalize, sync; the server holds the household once, its photos byte-identical
//! (the dashboard's JPEGs hash to their listed SHA-256); the supervisor rejects it with a note in
//! the dashboard; the phone syncs and shows the note in the sync summary and in the form. A
//! second browser profile refuses a cut copy ("Berkas cadangan rusak atau tidak
//! lengkap") and restores the whole file: the PIN unlocks it and the household shows its
//! photo's thumbnail. Screenshots: target/test-artifacts/web/.
//!
//! Needs `scripts/build-web app` (→ target/web/app, found by the server beside its binary),
//! Debian's chromium, node and `npm ci --prefix tests/browser`; scripts/test does all of them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use pendata_e2e::procs::{binary, free_addr, ServerProcess};
use pendata_e2e::workload::camera_jpeg_sized;

/// A demo account of `pendata-server demo` and one of its prelist households.
const USERNAME: &str = "tksk.gunungputri";
const PASSWORD: &str = "pendata-demo";
const PRELIST: &str = "3201022001-00004";
const PIN: &str = "246810";
/// The demo supervisor of the same kecamatan, and the note the rejection carries.
const SUPERVISOR: &str = "supervisor.gunungputri";
const NOTE: &str = "Foto dinding buram, mohon ulangi";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn a_facilitator_installs_the_web_app_enrols_and_works_offline_on_a_phone() {
    let app = repo().join("target/web/app");
    assert!(
        app.join("index.html").is_file(),
        "{} is missing: run `scripts/build-web app` (scripts/test does)",
        app.display()
    );
    let browser = repo().join("tests/browser");
    assert!(
        browser.join("node_modules/playwright-core").is_dir(),
        "tests/browser/node_modules is missing: run `npm ci --prefix tests/browser` (scripts/test does)"
    );
    let chromium = std::env::var("PD_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} not found: install Debian's chromium (scripts/install-deps test)"
    );

    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("server");
    std::fs::create_dir_all(&data).unwrap();
    let seeded = Command::new(binary("pendata-server", "pendata-server").unwrap())
        .arg("--data-dir")
        .arg(&data)
        .arg("demo")
        .output()
        .unwrap();
    assert!(seeded.status.success(), "demo: {seeded:?}");
    let mut server = ServerProcess::start(&data, free_addr().unwrap()).unwrap();

    // A 12 MP camera photo (4000×3000), as a phone takes it, and phone-sized ones (1600×1200)
    // for the other photo kinds.
    let photo = work.path().join("camera-12mp.jpg");
    std::fs::write(&photo, camera_jpeg_sized(12, 4000, 3000).unwrap()).unwrap();
    let photos = work.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    for k in 0..8u32 {
        std::fs::write(
            photos.join(format!("p{k}.jpg")),
            camera_jpeg_sized(200 + k, 1600, 1200).unwrap(),
        )
        .unwrap();
    }
    let shots = repo().join("target/test-artifacts/web");
    std::fs::create_dir_all(&shots).unwrap();

    let output = Command::new("node")
        .arg(browser.join("web_app.mjs"))
        .current_dir(&browser)
        .env("PD_CHROMIUM", &chromium)
        .env("PD_URL", server.url())
        .env("PD_USERNAME", USERNAME)
        .env("PD_PASSWORD", PASSWORD)
        .env("PD_PIN", PIN)
        .env("PD_PRELIST", PRELIST)
        .env("PD_JPEG", &photo)
        .env("PD_PHOTOS", &photos)
        .env("PD_SUPERVISOR", SUPERVISOR)
        .env("PD_NOTE", NOTE)
        .env("PD_PROFILE", work.path().join("profile"))
        .env("PD_SHOTS", &shots)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run node ({e}): install Node.js (scripts/install-deps test)")
        });
    server.kill().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the phone scenario failed ({}):\n{stderr}\n{stdout}\nscreenshots: {}",
        output.status,
        shots.display()
    );
    let line = stdout.lines().last().unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("the scenario printed no JSON ({e}): {stdout}"));
    eprintln!("web_app: {v}");
    assert_eq!(v["ok"], true, "{v}");
    assert!(v["backup_bytes"].as_u64().unwrap_or(0) > 0, "{v}");
    assert!(v["restored_thumb_width"].as_u64().unwrap_or(0) > 0, "{v}");
    // Every photo kind of the step was taken, after the three refusals.
    assert!(v["photo_kinds"].as_u64().unwrap_or(0) >= 9, "{v}");
    assert!(v["refused_60mp_bytes"].as_u64().unwrap_or(0) > 0, "{v}");
    // The server got every photo of the household (and the phone showed the note).
    assert_eq!(v["server_photos"], v["photo_kinds"], "{v}");
    // The screens were kept for people to look at.
    for name in [
        "enrol",
        "offline-unlock",
        "offline-form",
        "photo",
        "refused-pdf",
        "refused-60mp",
        "refused-full",
        "all-photos",
        "web-review-",
        "note",
        "settings-360",
        "web-backup-",
        "restore-refused",
        "logout-ask",
        "web-restore-",
        "restored-photo",
    ] {
        let kept = std::fs::read_dir(&shots)
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().contains(name));
        assert!(kept, "no screenshot of {name} in {}", shots.display());
    }
}
