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
//! The other phone scenarios are modules here: `kills` (kill -9 of the browser around the
//! app's acknowledged edits) and `restore` (a backup restored into the wiped profile and a
//! second one, both synced, each household once on the server).
//!
//! Needs `scripts/build-web app` (→ target/web/app, found by the server beside its binary),
//! Debian's chromium, node and `npm ci --prefix tests/browser`; scripts/test does all of them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod kills;
mod restore;
mod scenario;

use pendata_e2e::workload::camera_jpeg_sized;
use scenario::{camera_photos, demo_server, run_node, shots_dir};

/// A prelist household of the demo account (`scenario::USERNAME`).
const PRELIST: &str = "3201022001-00004";
/// The demo supervisor of the same kecamatan, and the note the rejection carries.
const SUPERVISOR: &str = "supervisor.gunungputri";
const NOTE: &str = "Foto dinding buram, mohon ulangi";

#[test]
fn a_facilitator_installs_the_web_app_enrols_and_works_offline_on_a_phone() {
    scenario::prerequisites();
    let work = tempfile::tempdir().unwrap();
    let (mut server, _data) = demo_server(work.path());

    // A 12 MP camera photo (4000×3000), as a phone takes it, and phone-sized ones (1600×1200)
    // for the other photo kinds.
    let photo = work.path().join("camera-12mp.jpg");
    std::fs::write(&photo, camera_jpeg_sized(12, 4000, 3000).unwrap()).unwrap();
    let photos = camera_photos(&work.path().join("photos"), 8, 200, (1600, 1200));
    let shots = shots_dir();

    let v = run_node(
        "web_app.mjs",
        &server,
        &[
            ("PD_PRELIST", &PRELIST),
            ("PD_JPEG", &photo),
            ("PD_PHOTOS", &photos),
            ("PD_SUPERVISOR", &SUPERVISOR),
            ("PD_NOTE", &NOTE),
            ("PD_PROFILE", &work.path().join("profile")),
        ],
    );
    server.kill().unwrap();
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
