//! `kill -9` of the real `pendata-server` process in the middle of a sync, then a restart on
//! the same data directory.
//!
//! The server runs as a child process (the real binary). A device (the real sync engine over
//! the in-memory device store) pushes usulan baru households in batches of 200 and uploads
//! their photos (small real JPEGs, and large ones of several chunks). Each iteration adds 250
//! households, starts a sync, SIGKILLs the server after a seeded delay (the engine's phase at
//! that moment is printed), lets the engine give up, restarts the server on the same data
//! directory, and checks:
//!
//! * the server's SQLite passes `PRAGMA integrity_check`;
//! * every revision whose push the device saw acknowledged is stored, each exactly once;
//! * no half batch: the revisions stored of this iteration are a prefix of the device's save
//!   order whose length is a whole number of batches (0, 200 or 250);
//! * photo staging resumes: for every photo not complete, `photos/missing` reports exactly
//!   the bytes in its staging file;
//! * the next sync completes: every revision stored exactly once, every photo complete,
//!   byte-identical, no staging left.
//!
//! CI runs [`DEFAULT_ITERATIONS`]; `PENDATA_SERVER_CRASH_ITERATIONS=50` is the long run;
//! `PENDATA_CRASH_SEED` replays a seed, `PENDATA_CRASH_MAX_DELAY_MS` moves the kill window.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pendata_core::sync::{run_sync, Client, ClientConfig, Phase};
use pendata_e2e::device::MemDevice;
use pendata_e2e::procs::{env_u64, free_addr, integrity_check, ServerProcess, SplitMix};
use pendata_e2e::workload::{noisy_jpeg, tagged_jpeg, tiny_set, usulan_baru};
use pendata_e2e::{example_household, NoSleep};
use pendata_server::auth::hash_token;
use pendata_server::store::{NewUser, Role};
use pendata_server::{AppState, Config};
use pendata_shared::ids::{DeviceId, Sha256Hex};
use pendata_shared::photos::{PhotoKind, PhotoRef};
use pendata_shared::protocol::PushOutcome;
use pendata_shared::Household;

const DEFAULT_ITERATIONS: u64 = 2;
const DEFAULT_SEED: u64 = 0x5E4F_E4C4_2026;
/// Households added per iteration: one full batch of 200 and a part batch.
const PER_ITERATION: u32 = 250;
/// Of those, how many get nine photos of their own (the rest share the first one's).
const WITH_OWN_PHOTOS: u32 = 24;
/// Iterations on one data directory before a fresh one (NIK serials stay unique).
const ITERATIONS_PER_DIR: u64 = 3;
const BATCH: usize = 200;

fn photo_ref(device: &mut MemDevice, kind: PhotoKind, bytes: Vec<u8>, h: &Household) -> PhotoRef {
    let len = bytes.len() as u64;
    let sha = device.add_photo(bytes);
    PhotoRef {
        kind,
        sha256: sha,
        bytes: len,
        width: 40,
        height: 30,
        geotag: None,
        taken_at: chrono::Utc::now(),
        member_id: matches!(kind, PhotoKind::Ktp | PhotoKind::Krt)
            .then(|| h.members.first().map(|m| m.id))
            .flatten(),
    }
}

/// A fresh data directory with one enumerator and a session token (made in the store).
fn prepare(dir: &Path) -> (String, DeviceId) {
    let state = AppState::open(Config::with_data_dir(dir)).unwrap();
    let user = state
        .accounts
        .create_user(NewUser {
            username: "tksk.server".into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$dGVzdHRlc3Q$dGVzdHRlc3R0ZXN0dGVzdA"
                .into(),
            role: Role::Enumerator,
            wilayah: "320102".into(),
        })
        .unwrap();
    let device = DeviceId::new();
    let token = format!("uji-{}", uuid::Uuid::new_v4());
    state
        .accounts
        .create_session(user.id, device.0, "HP uji", hash_token(&token))
        .unwrap();
    (token, device)
}

/// Revisions stored on the server, in insertion order.
fn stored_revisions(db: &Path) -> Vec<String> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut stmt = conn
        .prepare("SELECT revision FROM revisions ORDER BY seq")
        .unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_the_server_mid_batch_loses_and_duplicates_nothing() {
    let started = Instant::now();
    let seed = env_u64("PENDATA_CRASH_SEED").unwrap_or(DEFAULT_SEED);
    let iterations = env_u64("PENDATA_SERVER_CRASH_ITERATIONS").unwrap_or(DEFAULT_ITERATIONS);
    let max_delay = env_u64("PENDATA_CRASH_MAX_DELAY_MS").unwrap_or(1_500);
    eprintln!(
        "crash_server: seed {seed} (replay: PENDATA_CRASH_SEED={seed}), {iterations} \
         iterations, kills in the photos within {max_delay} ms, in push and pull within 40 ms"
    );
    let mut rng = SplitMix(seed);
    let example = example_household().unwrap();
    let tinies: Vec<Vec<u8>> = tiny_set().unwrap().into_iter().map(|(b, ..)| b).collect();
    let large = noisy_jpeg().unwrap();
    let mut phases: HashMap<String, u32> = HashMap::new();

    let mut it = 0u64;
    while it < iterations {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("server");
        let (token, device_id) = prepare(&data);
        let db = Config::with_data_dir(&data).db_path();
        let mut server = ServerProcess::start(&data, free_addr().unwrap()).unwrap();
        let mut config = ClientConfig::new(server.url(), device_id);
        config.retry.max_tries = 3;
        let client = Client::new(config).unwrap().with_sleeper(Arc::new(NoSleep));
        client.set_token(Some(token));
        let mut device = MemDevice::default();
        let mut serial = 0u32;
        let end = (it + ITERATIONS_PER_DIR).min(iterations);
        while it < end {
            let ctx = format!("seed {seed}, iteration {it}");
            // 250 new households; the first few with photos of their own, two of them large.
            let first_new = device.revisions.len();
            let mut shared: Option<Vec<PhotoRef>> = None;
            for n in 0..PER_ITERATION {
                serial += 1;
                let mut h = usulan_baru(&example, serial);
                let photos = match &shared {
                    Some(p) if n >= WITH_OWN_PHOTOS => p.clone(),
                    _ => {
                        let p: Vec<PhotoRef> = PhotoKind::VERIVALI_NINE
                            .iter()
                            .enumerate()
                            .map(|(i, kind)| {
                                let base = if n < 2 && i == 0 { &large } else { &tinies[i] };
                                let bytes = tagged_jpeg(base, &format!("{seed}/{it}/{n}/{i}"));
                                photo_ref(&mut device, *kind, bytes, &h)
                            })
                            .collect();
                        shared.get_or_insert_with(|| p.clone());
                        p
                    }
                };
                h.photos = photos;
                device.save(h);
            }
            let new_revisions: Vec<String> = device.revisions[first_new..]
                .iter()
                .map(|r| r.revision.to_string())
                .collect();

            // Sync, and kill the server after the seeded delay.
            let phase = std::cell::Cell::new(Phase::Photos);
            let target =
                [Phase::Photos, Phase::Push, Phase::Push, Phase::Pull][rng.range(0, 4) as usize];
            let delay = match target {
                Phase::Photos => rng.range(0, max_delay),
                _ => rng.range(0, 40),
            };
            let (finished, at_kill) = {
                let mut on_progress = |p: pendata_core::sync::Progress| phase.set(p.phase);
                let sync = run_sync(&mut device, &client, &mut on_progress);
                let kill = async {
                    // Wait for the seeded phase, then the seeded delay within it.
                    while phase.get() != target {
                        if phase.get() == Phase::Done {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                    let at = format!("{:?}", phase.get());
                    server.kill().unwrap();
                    at
                };
                let (r, at) = tokio::join!(sync, kill);
                (r.is_ok(), at)
            };
            let label = if finished {
                "finished before the kill".to_owned()
            } else {
                at_kill
            };
            eprintln!("crash_server: {ctx}: SIGKILL {delay} ms into {target:?} ({label})");
            *phases.entry(label).or_default() += 1;

            // Restarted on the same data directory.
            server.restart().unwrap();
            assert_eq!(
                integrity_check(&db).unwrap(),
                ["ok"],
                "{ctx}: integrity after restart"
            );
            let stored = stored_revisions(&db);
            let stored_set: HashSet<&String> = stored.iter().collect();
            assert_eq!(
                stored_set.len(),
                stored.len(),
                "{ctx}: a revision stored twice"
            );
            for r in &device.revisions {
                if matches!(
                    device.results.get(&r.revision),
                    Some(PushOutcome::Accepted { .. } | PushOutcome::Duplicate { .. })
                ) {
                    assert!(
                        stored_set.contains(&r.revision.to_string()),
                        "{ctx}: revision {} was acknowledged but is not stored",
                        r.revision
                    );
                }
            }
            let of_this: Vec<&String> = new_revisions
                .iter()
                .filter(|r| stored_set.contains(r))
                .collect();
            let n = of_this.len();
            assert!(
                n.is_multiple_of(BATCH) || n == new_revisions.len(),
                "{ctx}: {n} revisions of this iteration stored: half a batch is visible"
            );
            assert!(
                of_this.iter().zip(&new_revisions).all(|(a, b)| *a == b),
                "{ctx}: the stored revisions are not a prefix of whole batches"
            );
            // Staging resumes exactly where the bytes on disk end.
            let staging = Config::with_data_dir(&data).photos_staging_dir();
            let shas: Vec<Sha256Hex> = device.photos.keys().cloned().collect();
            for group in shas.chunks(1000) {
                let missing = client.photos_missing(group).await.unwrap();
                for m in missing.missing {
                    let on_disk =
                        std::fs::metadata(staging.join(format!("{}.part", m.sha256.as_str())))
                            .map(|md| md.len())
                            .unwrap_or(0);
                    assert_eq!(m.received, on_disk, "{ctx}: photo {} staging", m.sha256);
                }
            }

            // The next sync completes, everything exactly once.
            let report = run_sync(&mut device, &client, &mut |_| {})
                .await
                .unwrap_or_else(|e| panic!("{ctx}: the sync after the restart failed: {e}"));
            assert!(report.issues.is_empty(), "{ctx}: {:?}", report.issues);
            assert!(
                report.rejected.is_empty() && report.conflicts.is_empty(),
                "{ctx}: {report:?}"
            );
            let stored = stored_revisions(&db);
            let stored_set: HashSet<&String> = stored.iter().collect();
            assert_eq!(
                stored.len(),
                device.revisions.len(),
                "{ctx}: revisions on the server"
            );
            assert_eq!(
                stored_set.len(),
                stored.len(),
                "{ctx}: a revision stored twice"
            );
            for r in &device.revisions {
                assert!(
                    device.is_acknowledged(r.revision),
                    "{ctx}: {} pending",
                    r.revision
                );
                assert!(
                    stored_set.contains(&r.revision.to_string()),
                    "{ctx}: {} missing",
                    r.revision
                );
            }
            let photos_dir = Config::with_data_dir(&data).photos_dir();
            for (sha, bytes) in &device.photos {
                let h = sha.as_str();
                let path = photos_dir
                    .join(&h[0..2])
                    .join(&h[2..4])
                    .join(format!("{h}.jpg"));
                assert!(
                    std::fs::read(&path).ok().as_deref() == Some(bytes.as_slice()),
                    "{ctx}: photo {sha} not stored byte-identical"
                );
            }
            let left = std::fs::read_dir(&staging).map(|d| d.count()).unwrap_or(0);
            assert_eq!(left, 0, "{ctx}: staging files left");
            assert_eq!(
                integrity_check(&db).unwrap(),
                ["ok"],
                "{ctx}: integrity at the end"
            );
            it += 1;
        }
        server.kill().unwrap();
        assert!(server.starts() >= 2);
    }
    eprintln!(
        "crash_server: {iterations} iterations, kills by phase {phases:?}, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
