//! The storage of the browser build, proven in Debian's headless Chromium before any screen is
//! built on it (docs/app.md, "The web build"): the real pendata-core compiled to wasm32 runs in
//! a dedicated worker (app/ui/examples/web_store.rs) with the PIN-wrapped key (argon2id at the
//! real parameters), the SQLite3MC-encrypted store with the app's migrations and the encrypted
//! photo blobs, all in the Origin Private File System. tests/browser/web_store.mjs enrols,
//! stores a household with eight camera photos (one 12 MP), then kills the browser with SIGKILL
//! 20 times at seeded moments (after an acknowledged autosave, or during one) and checks after
//! each relaunch that every acknowledged edit and photo is there. Finally no file of the
//! browser profile may hold the household's KK number, a NIK or an address typed in the test.
//!
//! Needs `scripts/build-web store-probe` (scripts/test runs it), Debian's chromium, node and
//! `npm ci --prefix tests/browser`. PENDATA_WEB_KILLS=N runs N kills instead of 20.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use pendata_e2e::example_household;
use pendata_e2e::workload::camera_jpeg_sized;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every file under `dir` (the browser profile).
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn the_encrypted_store_in_opfs_keeps_every_acknowledged_edit_and_photo_across_kills() {
    let pkg = repo().join("target/web/store-probe/pkg");
    assert!(
        pkg.join("web_store_bg.wasm").is_file(),
        "{} is missing: run `scripts/build-web store-probe` (scripts/test does)",
        pkg.display()
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
    let photos = work.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    // A 12 MP camera photo, and four phone-sized ones for the rest and for retakes.
    std::fs::write(
        photos.join("big.jpg"),
        camera_jpeg_sized(1, 4000, 3000).unwrap(),
    )
    .unwrap();
    for k in 0..4u32 {
        std::fs::write(
            photos.join(format!("p{k}.jpg")),
            camera_jpeg_sized(100 + k, 1600, 1200).unwrap(),
        )
        .unwrap();
    }
    let household = example_household().unwrap();
    let household_file = work.path().join("household.json");
    std::fs::write(&household_file, serde_json::to_vec(&household).unwrap()).unwrap();
    let profile = work.path().join("profile");
    std::fs::create_dir_all(&profile).unwrap();
    let kills = std::env::var("PENDATA_WEB_KILLS").unwrap_or_else(|_| "20".into());

    let output = Command::new("node")
        .arg(browser.join("web_store.mjs"))
        .current_dir(&browser)
        .env("PD_CHROMIUM", &chromium)
        .env("PD_PKG", &pkg)
        .env("PD_PHOTOS", &photos)
        .env("PD_PROFILE", &profile)
        .env("PD_HOUSEHOLD", &household_file)
        .env("PD_KILLS", &kills)
        .env("PD_SEED", "18")
        .output()
        .unwrap_or_else(|e| panic!("cannot run node ({e}): install Node.js"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "web_store.mjs failed ({}):\n{stderr}\n{stdout}",
        output.status
    );
    let line = stdout.lines().last().unwrap_or_default();
    let out: serde_json::Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("web_store.mjs printed no JSON ({e}): {stdout}"));
    eprintln!("web_store: {out}");
    assert_eq!(out["ok"], true);
    assert_eq!(out["kills"].as_u64(), kills.parse::<u64>().ok());
    assert!(out["after_ack"].as_u64().unwrap() > 0, "{out}");
    assert!(out["in_flight"].as_u64().unwrap() > 0, "{out}");
    assert_eq!(out["expected_photos"], 8);
    // The real key-derivation parameters, not weakened for the browser.
    assert_eq!(out["kdf"]["m_kib"], 65536, "{out}");
    assert_eq!(out["kdf"]["t"], 3, "{out}");
    // The 12 MP photo went through the whole pipeline in the browser.
    assert!(out["process"]["width"].as_u64().unwrap() <= 1600, "{out}");

    // Nothing personal in clear anywhere in the profile (OPFS files included).
    let mut secrets: Vec<String> = vec!["Jl. Uji Kill".into(), household.location.address.clone()];
    secrets.extend(household.families.iter().map(|f| f.kk_number.clone()));
    secrets.extend(household.members.iter().filter_map(|m| m.nik.clone()));
    let mut files = Vec::new();
    files_under(&profile, &mut files);
    assert!(
        files
            .iter()
            .any(|f| f.to_string_lossy().contains("File System")),
        "no OPFS files in the profile: {files:?}"
    );
    for file in files {
        let bytes = std::fs::read(&file).unwrap_or_default();
        for secret in &secrets {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds {secret:?} in clear",
                file.display()
            );
        }
    }
}
