//! The real desktop binary starts in a real X window (Xvfb) and draws its first screen.
//!
//! Needs `xvfb-run` and ImageMagick's `import` (scripts/install-deps installs both). The
//! screenshot is kept in `target/test-artifacts/` for people to look at.
#![cfg(feature = "desktop")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

fn artifacts_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn desktop_binary_draws_its_first_screen_under_xvfb() {
    for tool in ["xvfb-run", "import"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .status()
            .unwrap()
            .success();
        assert!(
            found,
            "{tool} is missing: run scripts/install-deps build test"
        );
    }
    let shot = artifacts_dir().join("app-first-screen.png");
    let _ = std::fs::remove_file(&shot);
    let app = env!("CARGO_BIN_EXE_pendata-app");
    // Start the app, give it time to open its window and render, then photograph the screen.
    // Poll for up to 60 s: a cold WebKit start on a busy 2-core machine can take a while.
    let script = format!(
        r#"
        "{app}" > "{log}" 2>&1 &
        pid=$!
        ok=0
        for i in $(seq 1 60); do
          sleep 1
          if ! kill -0 $pid 2>/dev/null; then echo "app exited early"; cat "{log}"; exit 3; fi
          # a window with the app's title appears once the webview is up
          if xdotool search --name "Pendata" >/dev/null 2>&1 || xwininfo -root -tree 2>/dev/null | grep -q "Pendata"; then ok=1; sleep 4; break; fi
        done
        import -window root "{shot}"
        kill $pid 2>/dev/null; wait $pid 2>/dev/null
        [ $ok = 1 ] || {{ echo "no Pendata window after 60 s"; cat "{log}"; exit 4; }}
        "#,
        log = artifacts_dir().join("app-first-screen.log").display(),
        shot = shot.display(),
    );
    // A fresh data directory: the first screen is the enrolment form.
    let data = tempfile::tempdir().unwrap();
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1024x768x24", "sh", "-c", &script])
        .env_remove("WAYLAND_DISPLAY")
        .env("PENDATA_DATA_DIR", data.path())
        .env("PENDATA_KDF", "test")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "xvfb run failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    std::thread::sleep(Duration::from_millis(100));
    let img = image::open(&shot).unwrap().to_rgb8();
    // Not blank: many distinct colours (text, the checklist marks), not one flat fill.
    let mut colours = std::collections::HashSet::new();
    for p in img.pixels() {
        colours.insert(p.0);
        if colours.len() > 50 {
            break;
        }
    }
    assert!(
        colours.len() > 50,
        "the screenshot is (nearly) blank: {} colours",
        colours.len()
    );
}
