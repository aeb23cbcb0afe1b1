//! Backup and restore benchmark (not a test): prints one JSON object.
//!
//! A server data directory with `--households` (default 20,000) households of the example
//! (5 members), each with nine distinct real JPEGs of about `--photo-kb` (default 16) KB,
//! written through the record store and the photo folder's layout. Then, in the same run:
//!
//! * the anchor: `cp -a` of the data directory;
//! * `backup` into a new folder (a full backup), its seconds per GB of data, and the ratio to
//!   the anchor;
//! * a second backup of the unchanged server (bytes of photos copied: 0), and a third after
//!   100 new households (bytes copied: exactly those households' photos);
//! * `restore` of the newest snapshot into a new directory, its seconds per GB and ratio.
//!
//! Page cache is not dropped (the machine is shared): both sides read from the same warm
//! cache, so the ratio compares the work done, not the disk.
//!
//! `cargo run --release -p pendata-server --example backup_bench -- [--households 20000]
//!  [--photo-kb 16] [--dir target/bench/backup]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/households.rs"]
mod households;

use std::path::{Path, PathBuf};
use std::time::Instant;

use pendata_server::backup::{self, Decryption, Encryption};
use pendata_server::store::sqlite::SqliteStore;
use pendata_server::store::{IncomingRecord, Pusher, RecordStore, Scope};
use pendata_server::Config;
use pendata_shared::model::Household;
use pendata_shared::protocol::{Change, PushRecord};
use pendata_shared::{RevisionId, Sha256Hex};
use serde_json::json;

const EXAMPLE: &str = include_str!("../../assets/examples/household.json");

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// A real JPEG of about `kb` KB, different for every `seed` (a comment segment of seeded
/// noise after the image's start marker).
fn photo(base: &[u8], seed: u64, kb: usize) -> Vec<u8> {
    let pad = (kb * 1024).saturating_sub(base.len()).clamp(16, 60_000);
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = base[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&((pad + 2) as u16).to_be_bytes());
    for _ in 0..pad {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        out.push(s as u8);
    }
    out.extend_from_slice(&base[2..]);
    out
}

fn base_jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(96, 64, |x, y| {
        image::Rgb([(x * 2) as u8, (y * 3) as u8, ((x + y) * 5) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

/// Adds households `from..to` with nine photos each; returns the photo bytes written.
fn add_households(config: &Config, store: &SqliteStore, from: u64, to: u64, kb: usize) -> u64 {
    let example: Household = serde_json::from_str(EXAMPLE).unwrap();
    let base = base_jpeg();
    let pusher = Pusher {
        username: "bench".into(),
        device_id: uuid::Uuid::now_v7(),
        scope: Scope::all(),
    };
    let photos_dir = config.photos_dir();
    let mut written = 0u64;
    let mut batch = Vec::new();
    for n in from..to {
        let mut shas = Vec::new();
        for i in 0..9u64 {
            let bytes = photo(&base, n * 9 + i, kb);
            let sha = Sha256Hex::digest(&bytes);
            let h = sha.as_str();
            let dir = photos_dir.join(&h[..2]).join(&h[2..4]);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{h}.jpg")), &bytes).unwrap();
            written += bytes.len() as u64;
            shas.push((sha, bytes.len() as u64));
        }
        let h = households::fresh(&example, n, &shas);
        let record = PushRecord::new(
            RevisionId::new(),
            None,
            chrono::Utc::now(),
            h.id,
            Change::Upsert {
                household: Box::new(h.clone()),
            },
        );
        batch.push(IncomingRecord {
            questionnaire: Default::default(),
            packed_change: None,
            change_json: serde_json::to_string(&record.change).unwrap(),
            desa_code: Some(h.location.desa_code.clone()),
            head_name: String::new(),
            photos: shas.iter().map(|(s, _)| s.clone()).collect(),
            missing_photos: Vec::new(),
            warnings: Vec::new(),
            period: None,
            record,
        });
        if batch.len() == 200 {
            store.push(&pusher, std::mem::take(&mut batch)).unwrap();
        }
    }
    if !batch.is_empty() {
        store.push(&pusher, batch).unwrap();
    }
    written
}

fn du(path: &Path) -> u64 {
    let out = std::process::Command::new("du")
        .args(["-sb"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let households: u64 = arg("--households")
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let kb: usize = arg("--photo-kb").and_then(|v| v.parse().ok()).unwrap_or(16);
    let root = PathBuf::from(arg("--dir").unwrap_or_else(|| "target/bench/backup".into()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let data = root.join("data");
    let config = Config::with_data_dir(&data);
    config.prepare_data_dir().unwrap();
    let store = SqliteStore::open(&config.db_path(), 2).unwrap();

    let t = Instant::now();
    add_households(&config, &store, 0, households, kb);
    let build_s = t.elapsed().as_secs_f64();
    // Let the checkpointer copy the log back, as on a quiet server at night.
    std::thread::sleep(std::time::Duration::from_millis(600));
    let data_bytes = du(&data);
    let gb = data_bytes as f64 / 1e9;

    let t = Instant::now();
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(&data)
        .arg(root.join("cp-copy"))
        .status()
        .unwrap();
    assert!(status.success());
    let cp_s = t.elapsed().as_secs_f64();
    std::fs::remove_dir_all(root.join("cp-copy")).unwrap();

    let repo = root.join("repo");
    let t = Instant::now();
    let full = backup::backup(&config, &repo, Encryption::None, &mut |_, _, _| {}).unwrap();
    let backup_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let again = backup::backup(&config, &repo, Encryption::None, &mut |_, _, _| {}).unwrap();
    let unchanged_s = t.elapsed().as_secs_f64();

    let new_photo_bytes = add_households(&config, &store, households, households + 100, kb);
    let third = backup::backup(&config, &repo, Encryption::None, &mut |_, _, _| {}).unwrap();

    let restored = root.join("restored");
    let t = Instant::now();
    let r = backup::restore(&repo, None, &Decryption::None, &restored, &mut |_, _, _| {}).unwrap();
    let restore_s = t.elapsed().as_secs_f64();
    assert_eq!(r.manifest.counts.households, households + 100);

    let backup_per_gb = backup_s / gb;
    let restore_per_gb = restore_s / gb;
    let cp_per_gb = cp_s / gb;
    println!(
        "{}",
        serde_json::to_string_pretty(&json!({
            "households": households,
            "photos": full.manifest.photos.count,
            "photo_kb": kb,
            "data_bytes": data_bytes,
            "database_bytes": full.manifest.database.bytes,
            "build_seconds": build_s,
            "cp_seconds": cp_s,
            "backup_seconds": backup_s,
            "restore_seconds": restore_s,
            "cp_seconds_per_gb": cp_per_gb,
            "backup_seconds_per_gb": backup_per_gb,
            "restore_seconds_per_gb": restore_per_gb,
            "backup_ratio_vs_cp": backup_s / cp_s,
            "restore_ratio_vs_cp": restore_s / cp_s,
            "unchanged_backup_seconds": unchanged_s,
            "unchanged_backup_photo_bytes_copied": again.manifest.photos.copied_bytes,
            "after_100_households_photo_bytes_copied": third.manifest.photos.copied_bytes,
            "after_100_households_photo_bytes_new": new_photo_bytes,
            "after_100_households_photos_copied": third.manifest.photos.copied,
        }))
        .unwrap()
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&root);
}
