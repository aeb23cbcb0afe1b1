//! A backup restored twice, both copies synced (tests/browser/web_restore_sync.mjs): a phone
//! with two finalized, unsent prelist households with photos and a draft makes a backup; its
//! browser data is cleared; the backup is restored into it and into a second, fresh profile —
//! every household back with the same photos and state on both; both phones sync. The server's
//! own database then holds each finalized household EXACTLY ONCE (one revision, no collision,
//! nothing incomplete, nothing else created), every photo it references byte-identical (its
//! file hashes to its name); the draft is not on the server and stays unsent on both phones.
//!
//! Then the same backup with [`big_photos`] more photos sealed into it (real camera JPEG bytes,
//! ~40 MB in all) goes through a third, fresh profile (tests/browser/web_backup_memory.mjs):
//! restored, unlocked, backed up again. The new backup holds every photo byte for byte, and
//! neither the page's nor the worker's wasm memory grew by more than a quarter of the file: a
//! backup or a restore that holds the whole file in memory again fails here (it needs at least
//! the file's size, several times over).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use pendata_core::backup::format::{self, Writer};
use pendata_core::blobs::BlobStore;
use pendata_core::crypto::KeyStore;
use pendata_server::Config;
use pendata_shared::ids::Sha256Hex;

use super::scenario::{camera_photos, demo_server, run_node, PIN};

const FINALIZED: [&str; 2] = ["3201022001-00004", "3201022001-00010"];
const DRAFT: &str = "3201022001-00005";
/// Photos sealed into the large backup (3000×2250 camera JPEGs, ~0.8 MB each), unless
/// `PENDATA_WEB_BACKUP_PHOTOS` says how many (a longer run).
fn big_photos() -> usize {
    std::env::var("PENDATA_WEB_BACKUP_PHOTOS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(50)
}

/// `small` (a phone's backup) with [`big_photos`] more photo files sealed with its own key
/// (unlocked natively with the PIN; the store file is left as the phone wrote it), written to
/// `big`. Answers the photo files added (name, sealed bytes).
fn with_more_photos(small: &Path, big: &Path, scratch: &Path) -> Vec<(String, Vec<u8>)> {
    let entries = format::unpack(&fs::read(small).unwrap()).unwrap();
    fs::create_dir_all(scratch).unwrap();
    let (_, key_file) = entries.iter().find(|(n, _)| n == "keys.json").unwrap();
    fs::write(scratch.join("keys.json"), key_file).unwrap();
    let key = KeyStore::unlock(scratch, PIN).unwrap();
    let blobs = BlobStore::open(scratch, &key).unwrap();
    // Two real camera JPEGs, each photo one of them with a tail of its own (distinct blobs;
    // decoders stop at the end-of-image marker).
    let jpegs =
        [1, 2].map(|seed| pendata_e2e::workload::camera_jpeg_sized(seed, 3000, 2250).unwrap());
    let count = big_photos();
    for k in 0..count {
        let mut jpeg = jpegs[k % 2].clone();
        jpeg.extend_from_slice(format!("pendata-{k}").as_bytes());
        blobs.put(&jpeg).unwrap();
    }
    let added: Vec<(String, Vec<u8>)> = fs::read_dir(scratch.join("photos"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = format!("photos/{}", e.file_name().to_string_lossy());
            (name, fs::read(e.path()).unwrap())
        })
        .collect();
    assert_eq!(added.len(), count);
    let mut w = Writer::new(
        fs::File::create(big).unwrap(),
        (entries.len() + added.len()) as u32,
    )
    .unwrap();
    for (name, data) in entries.iter().chain(&added) {
        w.add(name, data.len() as u64, &mut &data[..]).unwrap();
    }
    w.finish().unwrap();
    added
}

#[test]
fn a_backup_restored_into_the_wiped_profile_and_a_second_one_syncs_each_household_once() {
    super::scenario::prerequisites();
    let work = tempfile::tempdir().unwrap();
    let (mut server, data) = demo_server(work.path());
    let photos = camera_photos(&work.path().join("photos"), 5, 400, (1600, 1200));

    let v = run_node(
        "web_restore_sync.mjs",
        &server,
        &[
            ("PD_PRELISTS", &FINALIZED.join(",")),
            ("PD_DRAFT", &DRAFT),
            ("PD_PHOTOS", &photos),
            ("PD_PROFILE", &work.path().join("profile")),
        ],
    );
    // (The scenario checked that only the draft is left unsent on both phones: the second
    // push was recognised.)
    assert!(v["backup_bytes"].as_u64().unwrap_or(0) > 0, "{v}");

    // The large backup through a third phone: restored, unlocked, backed up again.
    let (big, again) = (
        work.path().join("big.pdbackup"),
        work.path().join("again.pdbackup"),
    );
    let added = with_more_photos(
        &work.path().join("profile-backup.pdbackup"),
        &big,
        &work.path().join("sealing"),
    );
    let m = run_node(
        "web_backup_memory.mjs",
        &server,
        &[
            ("PD_BACKUP", &big),
            ("PD_OUT", &again),
            ("PD_PROFILE", &work.path().join("profile-third")),
        ],
    );
    server.kill().unwrap();
    let size = fs::metadata(&big).unwrap().len();
    let backed_up = format::unpack(&fs::read(&again).unwrap()).unwrap();
    for (name, data) in &added {
        assert!(
            backed_up.iter().any(|(n, d)| n == name && d == data),
            "{name} is not in the new backup as it was restored"
        );
    }
    let mib = |v: &serde_json::Value| v.as_u64().unwrap() as f64 / 1_048_576.0;
    let grew = |from: &str, to: &str, side: &str| mib(&m[to][side]) - mib(&m[from][side]);
    let limit = size as f64 / 1_048_576.0 / 4.0;
    for (from, to, side) in [
        ("start", "restored", "worker"),
        ("restored", "backed_up", "worker"),
        ("start", "backed_up", "page"),
    ] {
        let g = grew(from, to, side);
        eprintln!(
            "{side} wasm memory {from} -> {to}: +{g:.1} MiB (backup {:.1} MiB)",
            mib(&serde_json::json!(size))
        );
        assert!(
            g < limit,
            "the {side}'s wasm memory grew by {g:.1} MiB from {from} to {to}, over a quarter of \
             the {:.1} MiB backup: is the backup held whole in memory again? ({m})",
            limit * 4.0
        );
    }

    let db = rusqlite::Connection::open_with_flags(
        data.join("pendata.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    // Per pushed household: its prelist id, revisions, incomplete ones, photos referenced.
    let mut stmt = db
        .prepare(
            "SELECT h.prelist_id, count(r.revision), sum(r.incomplete),
                    (SELECT count(*) FROM household_photos p WHERE p.household_id = h.id)
             FROM households h JOIN revisions r ON r.household_id = h.id
             GROUP BY h.id ORDER BY h.prelist_id",
        )
        .unwrap();
    let pushed: BTreeMap<String, (i64, i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let expected: BTreeMap<String, (i64, i64, i64)> = FINALIZED
        .iter()
        .map(|p| {
            let photos = v["households"][p]["photos"].as_i64().unwrap();
            (p.to_string(), (1, 0, photos))
        })
        .collect();
    assert_eq!(pushed, expected, "the server's households ({v})");
    let collisions: i64 = db
        .query_row("SELECT count(*) FROM revision_collisions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(collisions, 0);

    // Every photo the server references is there, byte-identical to its SHA-256.
    let photos_dir = Config::with_data_dir(&data).photos_dir();
    let mut stmt = db.prepare("SELECT sha256 FROM household_photos").unwrap();
    let shas: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(shas.len(), 4);
    for sha in shas {
        let file = photos_dir
            .join(&sha[..2])
            .join(&sha[2..4])
            .join(format!("{sha}.jpg"));
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(
            Sha256Hex::digest(&bytes).to_string(),
            sha,
            "{}",
            file.display()
        );
    }
}
