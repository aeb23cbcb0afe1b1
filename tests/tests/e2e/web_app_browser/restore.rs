//! A backup restored twice, both copies synced (tests/browser/web_restore_sync.mjs): a phone
//! with two finalized, unsent prelist households with photos and a draft makes a backup; its
//! browser data is cleared; the backup is restored into it and into a second, fresh profile —
//! every household back with the same photos and state on both; both phones sync. The server's
//! own database then holds each finalized household EXACTLY ONCE (one revision, no collision,
//! nothing incomplete, nothing else created), every photo it references byte-identical (its
//! file hashes to its name); the draft is not on the server and stays unsent on both phones.

use std::collections::BTreeMap;

use pendata_server::Config;
use pendata_shared::ids::Sha256Hex;

use super::scenario::{camera_photos, demo_server, run_node};

const FINALIZED: [&str; 2] = ["3201022001-00004", "3201022001-00010"];
const DRAFT: &str = "3201022001-00005";

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
    server.kill().unwrap();
    // (The scenario checked that only the draft is left unsent on both phones: the second
    // push was recognised.)
    assert!(v["backup_bytes"].as_u64().unwrap_or(0) > 0, "{v}");

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
