//! The encrypted client core end to end: `Device` and the `pendata` CLI on real files, a real
//! camera-like JPEG through the photo pipeline, and the at-rest scan of the data directory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::camera::{camera_like, encode_rgb, with_exif, ExifSpec};
use common::scan::{all_files, contains, RunDetector};
use pendata_core::crypto::{CryptoError, KdfParams, KEY_FILE};
use pendata_core::{Device, DeviceError, PhotoOptions};
use pendata_shared::model::GeoSource;
use pendata_shared::{HouseholdId, Lang, PhotoKind, Sha256Hex};

const BIN: &str = env!("CARGO_BIN_EXE_pendata");
const ID: &str = "0193a8f2-6b10-7c41-9a51-3c2d4e5f6000";
const PIN: &str = common::PIN;

fn cmd(dir: &Path, pin: Option<&str>) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("PENDATA_LANG")
        .env_remove("PENDATA_PASSPHRASE")
        .env_remove("PENDATA_NEW_PASSPHRASE")
        .env("PENDATA_KDF", "test")
        .stdin(Stdio::null());
    if let Some(p) = pin {
        c.env("PENDATA_PASSPHRASE", p);
    }
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    cmd(dir, Some(PIN)).args(args).output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "status {:?}\nstdout {}\nstderr {}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/examples/household.json")
}

/// A 1200x900 camera-like JPEG (gradients, noise, edges) with EXIF time and GPS (Jakarta).
fn camera_jpeg() -> Vec<u8> {
    let spec = ExifSpec {
        big_endian: false,
        orientation: Some(1),
        taken: Some("2026:03:14 09:26:53"),
        gps: Some(([6, 12, 3456], b'S', [106, 49, 1200], b'E')),
    };
    with_exif(
        &encode_rgb(&camera_like(1200, 900), 1200, 900, 92, false),
        &spec,
    )
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    all_files(dir)
        .into_iter()
        .map(|p| {
            let b = fs::read(&p).unwrap();
            (p, b)
        })
        .collect()
}

#[test]
fn nik_and_photo_are_unreadable_at_rest_and_wrong_pin_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let input_dir = tmp.path().join("input");
    fs::create_dir(&input_dir).unwrap();
    let input = camera_jpeg();
    let input_file = input_dir.join("ktp.jpg");
    fs::write(&input_file, &input).unwrap();

    // The example already lists an F-KTP photo of one member: the new photo retakes it.
    let ktp_member = common::example()
        .photos
        .iter()
        .find(|p| p.kind == PhotoKind::Ktp)
        .and_then(|p| p.member_id)
        .unwrap()
        .to_string();

    // Set up, store the example household and a photo, all through the CLI.
    ok(&run(&dir, &["init"]));
    assert!(dir.join(KEY_FILE).is_file());
    ok(&run(
        &dir,
        &["household", "import", example_path().to_str().unwrap()],
    ));
    let out = ok(&run(
        &dir,
        &[
            "photo",
            "add",
            "--household",
            ID,
            "--kind",
            "F-KTP",
            "--member",
            &ktp_member,
            input_file.to_str().unwrap(),
        ],
    ));
    assert!(out.starts_with("F-KTP "), "{out}");
    let listed = ok(&run(&dir, &["photo", "list", "--household", ID]));
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.starts_with("F-KTP\t"), "{listed}");

    // Read back through the Device: the stored JPEG, its thumbnail and the record.
    let h = common::example();
    let niks: Vec<String> = h
        .members
        .iter()
        .filter_map(|m| m.nik.clone())
        .chain(h.families.iter().map(|f| f.kk_number.clone()))
        .collect();
    assert!(niks.len() >= 5);
    let (stored, thumb) = {
        let device = Device::unlock(&dir, PIN).unwrap();
        let id: HouseholdId = ID.parse().unwrap();
        let stored_h = device.store().household(id).unwrap();
        assert_eq!(stored_h.members[0].nik, h.members[0].nik);
        assert_eq!(stored_h.photos.len(), h.photos.len(), "replaced, not added");
        let ktp: Vec<_> = stored_h
            .photos
            .iter()
            .filter(|p| p.kind == PhotoKind::Ktp)
            .collect();
        assert_eq!(ktp.len(), 1);
        let p = ktp[0];
        assert_eq!(p.member_id.map(|m| m.to_string()), Some(ktp_member.clone()));
        assert!(out.contains(p.sha256.as_str()), "{out}");
        // Document kind: processed with the document settings (long edge <= 2000, no upscale).
        assert_eq!((p.width, p.height), (1200, 900));
        let geo = p.geotag.as_ref().expect("EXIF GPS becomes the geotag");
        assert_eq!(geo.source, GeoSource::PhotoExif);
        assert!((geo.latitude + 6.2096).abs() < 1e-3, "{}", geo.latitude);
        assert!((geo.longitude - 106.82).abs() < 1e-3, "{}", geo.longitude);
        let local = p.taken_at.with_timezone(&chrono::Local).naive_local();
        assert_eq!(local.to_string(), "2026-03-14 09:26:53");
        let stored = device.photo_bytes(&p.sha256).unwrap();
        assert_eq!(Sha256Hex::digest(&stored), p.sha256);
        assert_eq!(stored.len() as u64, p.bytes);
        assert!(stored.starts_with(&[0xFF, 0xD8]));
        assert!(!contains(&stored, b"Exif\0\0"), "metadata stripped");
        let thumb = device.thumbnail(&p.sha256).unwrap();
        assert!(thumb.starts_with(&[0xFF, 0xD8]) && thumb.len() < stored.len());
        (stored, thumb)
    };
    assert!(stored.len() > 100_000, "a real photo: {}", stored.len());

    // Everything closed: no NIK / KK digits, no 64-byte run of the stored JPEG, of its
    // thumbnail or of the original input in any file under the data directory.
    let detectors = [
        ("stored JPEG", RunDetector::new(&stored)),
        ("thumbnail", RunDetector::new(&thumb)),
        ("input", RunDetector::new(&input)),
    ];
    let files = all_files(&dir);
    let names: Vec<String> = files
        .iter()
        .map(|p| p.strip_prefix(&dir).unwrap().display().to_string())
        .collect();
    assert!(names.contains(&"pendata.db".to_owned()), "{names:?}");
    assert_eq!(
        names.iter().filter(|n| n.starts_with("photos")).count(),
        2,
        "photo and thumbnail: {names:?}"
    );
    let mut leaks = Vec::new();
    for (path, name) in files.iter().zip(&names) {
        let bytes = fs::read(path).unwrap();
        for nik in &niks {
            if contains(&bytes, nik.as_bytes()) {
                leaks.push(format!("NIK/KK in {name}"));
            }
        }
        for (what, det) in &detectors {
            if det.found_in(&bytes) {
                leaks.push(format!("{what} bytes in {name}"));
            }
        }
    }
    assert!(leaks.is_empty(), "plaintext at rest: {leaks:?}");
    // Positive control on the same detectors: they do find the plaintext where it is.
    assert!(detectors[0].1.found_in(&stored[100..300]));
    assert!(detectors[2].1.found_in(&fs::read(&input_file).unwrap()));

    // Wrong PIN: CLI exit code 3 and "PIN salah"; Device::unlock WrongPin; no file changes.
    let before = snapshot(&dir);
    let o = cmd(&dir, Some("135790"))
        .args(["household", "list"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("PIN salah"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let o = cmd(&dir, Some("135790"))
        .args(["--lang", "en", "status"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("Wrong PIN"), "{}", stderr(&o));
    let err = Device::unlock(&dir, "135790").unwrap_err();
    assert!(
        matches!(err, DeviceError::Crypto(CryptoError::WrongPin)),
        "{err:?}"
    );
    assert_eq!(err.code(), "store.wrong_pin");
    assert_eq!(err.to_string(), "PIN salah");
    let o = cmd(&dir, Some("135790"))
        .env("PENDATA_NEW_PASSPHRASE", "999999")
        .arg("change-pin")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(snapshot(&dir), before, "a wrong PIN changed files");

    // Change the PIN through the CLI: the old PIN stops working, the data is the same.
    let o = cmd(&dir, Some(PIN))
        .env("PENDATA_NEW_PASSPHRASE", "pasphrase baru")
        .arg("change-pin")
        .output()
        .unwrap();
    assert!(ok(&o).contains("PIN diganti"));
    let after = snapshot(&dir);
    assert_ne!(after[&dir.join(KEY_FILE)], before[&dir.join(KEY_FILE)]);
    assert_eq!(
        after[&dir.join("pendata.db")],
        before[&dir.join("pendata.db")]
    );
    assert_eq!(
        cmd(&dir, Some(PIN))
            .args(["household", "list"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(3)
    );
    let list = ok(&cmd(&dir, Some("pasphrase baru"))
        .args(["household", "list"])
        .output()
        .unwrap());
    assert!(list.starts_with(ID), "{list}");
    let device = Device::unlock(&dir, "pasphrase baru").unwrap();
    let sha = Sha256Hex::digest(&stored);
    assert_eq!(device.photo_bytes(&sha).unwrap(), stored);
}

#[test]
fn retake_replaces_the_photo_and_drops_the_unreferenced_blob() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut device = Device::create(dir, PIN, KdfParams::insecure_for_tests()).unwrap();
    assert!(matches!(
        Device::create(dir, PIN, KdfParams::insecure_for_tests()).unwrap_err(),
        DeviceError::Crypto(CryptoError::KeyFileExists { .. })
    ));
    let h = common::example();
    device.store_mut().create_household(&h).unwrap();

    // No EXIF: taken_at defaults to now, no geotag; standard settings for F-RUMAH (1600 px).
    let big = encode_rgb(&camera_like(2000, 1500), 2000, 1500, 90, false);
    let t0 = chrono::Utc::now();
    let first = device
        .add_photo(h.id, PhotoKind::Rumah, &big, PhotoOptions::default())
        .unwrap();
    assert_eq!((first.width, first.height), (1600, 1200));
    assert!(first.geotag.is_none());
    assert!(first.taken_at >= t0 && first.taken_at <= chrono::Utc::now());
    // The same input as a document kind keeps 2000 px.
    let doc = device
        .add_photo(h.id, PhotoKind::Kk, &big, PhotoOptions::default())
        .unwrap();
    assert_eq!((doc.width, doc.height), (2000, 1500));
    let first_path = device
        .blobs()
        .path_of(&pendata_core::blobs::BlobId::parse(first.sha256.as_str()).unwrap())
        .unwrap();
    assert!(first_path.is_file());

    // Retake with explicit overrides.
    let taken = chrono::DateTime::parse_from_rfc3339("2026-05-01T03:04:05Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let retake_input = with_exif(
        &encode_rgb(&camera_like(800, 600), 800, 600, 90, false),
        &ExifSpec {
            gps: Some(([6, 12, 3456], b'S', [106, 49, 1200], b'E')),
            ..ExifSpec::default()
        },
    );
    let manual = pendata_shared::model::Geotag {
        latitude: -7.0,
        longitude: 110.0,
        accuracy_m: Some(5.0),
        fix_time: taken,
        source: GeoSource::Manual,
    };
    let second = device
        .add_photo(
            h.id,
            PhotoKind::Rumah,
            &retake_input,
            PhotoOptions {
                taken_at: Some(taken),
                geotag: Some(manual.clone()),
                ..PhotoOptions::default()
            },
        )
        .unwrap();
    assert_ne!(second.sha256, first.sha256);
    assert_eq!(second.taken_at, taken);
    assert_eq!(second.geotag, Some(manual));
    let stored = device.store().household(h.id).unwrap();
    let rumah: Vec<_> = stored
        .photos
        .iter()
        .filter(|p| p.kind == PhotoKind::Rumah)
        .collect();
    assert_eq!(rumah.len(), 1, "the retake replaces the earlier photo");
    assert_eq!(rumah[0].sha256, second.sha256);
    assert_eq!(device.photos(h.id).unwrap().len(), 2);
    // The earlier photo is referenced by nothing any more: its blob and thumbnail are gone.
    assert!(!first_path.exists());
    assert_eq!(
        device.photo_bytes(&first.sha256).unwrap_err().code(),
        "blob.not_found"
    );
    assert_eq!(
        device.thumbnail(&first.sha256).unwrap_err().code(),
        "blob.not_found"
    );
    assert!(device.thumbnail(&second.sha256).is_ok());
    assert!(device.photo_bytes(&doc.sha256).is_ok());

    // The same input gives the same stored photo: its blob comes back under another kind.
    let again = device
        .add_photo(h.id, PhotoKind::Dapur, &big, PhotoOptions::default())
        .unwrap();
    assert_eq!(again.sha256, first.sha256, "same input, same output");
    assert!(first_path.is_file());

    // Errors: pipeline errors carry the photo code and the Indonesian message; an unknown
    // household fails before anything is written.
    let files_before = all_files(dir).len();
    let err = device
        .add_photo(
            h.id,
            PhotoKind::Atap,
            b"not a photo at all",
            PhotoOptions::default(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "photo.not_image");
    assert!(err.to_string().contains("bukan foto"), "{err}");
    assert!(err.message(Lang::En).contains("not a photo"));
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic");
    heic.resize(64, 0);
    let err = device
        .add_photo(h.id, PhotoKind::Atap, &heic, PhotoOptions::default())
        .unwrap_err();
    assert_eq!(err.code(), "photo.unsupported_format");
    assert!(err.to_string().contains("HEIC"));
    let err = device
        .add_photo(
            HouseholdId::new(),
            PhotoKind::Atap,
            &big,
            PhotoOptions::default(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "store.not_found");
    assert_eq!(all_files(dir).len(), files_before, "nothing written");

    // Deleting a household the server never saw removes its photos' blobs too.
    let photo_files = || {
        all_files(&dir.join("photos"))
            .into_iter()
            .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
            .count()
    };
    assert_eq!(photo_files(), 6, "three photos with thumbnails");
    device.delete_household(h.id).unwrap();
    assert_eq!(photo_files(), 0);
}

#[test]
fn cli_needs_init_first_and_parses_photo_kinds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fresh");
    for args in [
        &["household", "list"][..],
        &["status"],
        &["photo", "list", "--household", ID],
        &["change-pin"],
    ] {
        let o = run(&dir, args);
        assert_eq!(o.status.code(), Some(4), "{args:?}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains("pendata init"), "{e}");
        assert!(
            e.contains("belum disiapkan") && e.contains("Not set up"),
            "{e}"
        );
    }
    assert!(!dir.join(KEY_FILE).exists(), "nothing created");
    assert!(!dir.join("pendata.db").exists(), "nothing created");

    // PIN policy and no terminal: clear errors, nothing created.
    let o = cmd(&dir, Some("123")).arg("init").output().unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("PIN terlalu pendek"), "{}", stderr(&o));
    assert!(!dir.join(KEY_FILE).exists());
    let o = cmd(&dir, None).arg("init").output().unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("PENDATA_PASSPHRASE"), "{}", stderr(&o));
    assert!(!dir.join(KEY_FILE).exists());

    ok(&run(&dir, &["init"]));
    let key = fs::read(dir.join(KEY_FILE)).unwrap();
    let o = run(&dir, &["init"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("sudah disiapkan"), "{}", stderr(&o));
    assert_eq!(fs::read(dir.join(KEY_FILE)).unwrap(), key, "init twice");
    // PENDATA_KDF=test writes the cheap parameters (64 KiB) into the key file.
    let json: serde_json::Value = serde_json::from_slice(&key).unwrap();
    assert_eq!(json["kdf"]["m_kib"], 64);

    ok(&run(
        &dir,
        &["household", "import", example_path().to_str().unwrap()],
    ));
    let photo = tmp.path().join("p.jpg");
    fs::write(
        &photo,
        encode_rgb(&camera_like(320, 240), 320, 240, 90, false),
    )
    .unwrap();
    let p = photo.to_str().unwrap();
    let o = run(
        &dir,
        &["photo", "add", "--household", ID, "--kind", "F-RUANG", p],
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("jenis foto tidak dikenal") && stderr(&o).contains("F-BERITA-ACARA"),
        "{}",
        stderr(&o)
    );
    for kind in ["F-RUMAH", "berita-acara", "F-KRT"] {
        ok(&run(
            &dir,
            &["photo", "add", "--household", ID, "--kind", kind, p],
        ));
    }
    let listed = ok(&run(&dir, &["photo", "list", "--household", ID]));
    let kinds: Vec<&str> = listed
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(kinds, ["F-BERITA-ACARA", "F-KRT", "F-RUMAH"], "{listed}");
    let shown = ok(&run(&dir, &["household", "show", ID]));
    assert!(
        shown.contains("[x] F-RUMAH") && shown.contains("[x] F-KRT"),
        "{shown}"
    );
    let bad = tmp.path().join("bad.jpg");
    fs::write(&bad, b"\xFF\xD8\xFF\xE0 truncated").unwrap();
    let o = run(
        &dir,
        &[
            "photo",
            "add",
            "--household",
            ID,
            "--kind",
            "F-ATAP",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("(photo."), "{}", stderr(&o));
}
