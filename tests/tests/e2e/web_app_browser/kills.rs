//! kill -9 of the phone's browser in the middle of the real web app (tests/browser/web_kills.mjs):
//! enrolled against the real server, a prelist household open, the browser is killed with
//! SIGKILL right after the app answered a seeded moment of the form — a field typed and a skip
//! rule, a photo just taken (new or retaken), a member just added — and relaunched on the same
//! profile: every acknowledged edit, member and photo is there, each photo's thumbnail the same
//! bytes. The storage itself is killed 20 times at the probe level (`web_store::`); here the
//! whole app is, `PENDATA_WEB_KILLS` times (3 by default, every moment once; set it higher for a
//! long run).

use super::scenario::{camera_photos, demo_server, run_node};

#[test]
fn the_web_app_keeps_every_acknowledged_edit_and_photo_across_browser_kills() {
    super::scenario::prerequisites();
    let work = tempfile::tempdir().unwrap();
    let (mut server, _data) = demo_server(work.path());
    let photos = camera_photos(&work.path().join("photos"), 4, 300, (1600, 1200));
    let kills = std::env::var("PENDATA_WEB_KILLS").unwrap_or_else(|_| "3".into());

    let v = run_node(
        "web_kills.mjs",
        &server,
        &[
            ("PD_PRELIST", &"3201022001-00005"),
            ("PD_PHOTOS", &photos),
            ("PD_PROFILE", &work.path().join("profile")),
            ("PD_KILLS", &kills),
            ("PD_SEED", &"18"),
        ],
    );
    server.kill().unwrap();
    assert_eq!(v["kills"].as_u64(), kills.parse::<u64>().ok(), "{v}");
    // Every kind of moment was killed at least once (when there were kills enough).
    if v["kills"].as_u64().unwrap_or(0) >= 3 {
        for moment in ["field", "photo", "member"] {
            assert!(v["moments"][moment].as_u64().unwrap_or(0) >= 1, "{v}");
        }
    }
    assert!(v["photos"].as_u64().unwrap_or(0) >= 1, "{v}");
}
