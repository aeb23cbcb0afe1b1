//! `kill -9` of the real `pendata` CLI in the middle of `pendata sync`, then recovery.
//!
//! A real encrypted device (made with the library, cheap key derivation; the CLI unlocks it
//! with the same PIN) logged in to the real server on a real socket. Each iteration captures
//! new usulan baru households with nine real JPEGs each (through the photo pipeline), runs
//! `pendata sync` and SIGKILLs it after a seeded delay (during photo chunks, the push or the
//! pull; the moment is printed), sometimes runs and kills it once more, and opens the device
//! again with the library (it must open after every kill). After the last iteration one clean
//! `pendata sync` must succeed. Then:
//!
//! * every household the device captured is on the server exactly once, with exactly one
//!   revision, the one the device queued, current, complete and without conflict;
//! * every photo is stored once, byte-identical to the device's copy, no staging left;
//! * on the device nothing is lost: every household is there, `sent`, with its nine photos
//!   readable, nothing pending; the encrypted database passes `PRAGMA integrity_check`;
//! * the server's database passes `PRAGMA integrity_check`.
//!
//! CI runs [`DEFAULT_ITERATIONS`]; `PENDATA_CRASH_ITERATIONS=200` is the long run,
//! `PENDATA_CRASH_SEED` replays a seed, `PENDATA_CRASH_MAX_DELAY_MS` moves the kill window.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pendata_core::store::RecordState;
use pendata_core::Device;
use pendata_e2e::procs::{binary, env_u64, integrity_check, integrity_rows, SplitMix};
use pendata_e2e::workload::{camera_set, capture_usulan};
use pendata_e2e::{example_household, new_device, prelist_of, TestServer, PIN};
use pendata_server::store::{Role, Scope};
use pendata_shared::ids::RevisionId;
use pendata_shared::HouseholdId;

const DEFAULT_ITERATIONS: u64 = 3;
const HOUSEHOLDS_PER_ITERATION: u32 = 2;
const DEFAULT_SEED: u64 = 0xC7A5_4C11_2026;
const WILAYAH: &str = "320102";
/// Assignments imported for the user, so the first pulls span several pages.
const ASSIGNMENTS: u32 = 250;

fn pendata(bin: &Path, dir: &Path) -> Command {
    let mut c = Command::new(bin);
    c.arg("--data-dir")
        .arg(dir)
        .arg("sync")
        .env_remove("PENDATA_LANG")
        .env("PENDATA_PASSPHRASE", PIN)
        .env("PENDATA_KDF", "test")
        .env("PENDATA_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Where the sync was when it was killed, judged from the server.
async fn phase_on_server(
    server: &TestServer,
    device_photos: &[String],
    ids: &[HouseholdId],
) -> &'static str {
    for sha in device_photos {
        let hash = pendata_server::store::Sha256Hex::parse(sha).unwrap();
        if server.state.blobs.read(&hash).await.unwrap().is_none() {
            return "photos";
        }
    }
    for id in ids {
        if server
            .state
            .records
            .get(*id, &Scope::all())
            .unwrap()
            .is_none()
        {
            return "push";
        }
    }
    "pull or later"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_pendata_sync_loses_and_duplicates_nothing() {
    let started = Instant::now();
    let seed = env_u64("PENDATA_CRASH_SEED").unwrap_or(DEFAULT_SEED);
    let iterations = env_u64("PENDATA_CRASH_ITERATIONS").unwrap_or(DEFAULT_ITERATIONS);
    let max_delay = env_u64("PENDATA_CRASH_MAX_DELAY_MS").unwrap_or(800);
    eprintln!(
        "crash_client: seed {seed} (replay: PENDATA_CRASH_SEED={seed}), {iterations} iterations, \
         kills within {max_delay} ms"
    );
    let ctx = format!("seed {seed}");
    let mut rng = SplitMix(seed);
    let bin = binary("pendata", "pendata-core").unwrap();

    let server = TestServer::start().await.unwrap();
    server
        .add_user("tksk.kill", Role::Enumerator, WILAYAH)
        .unwrap();
    let example = example_household().unwrap();
    let set = camera_set(1024, 768).unwrap();
    let prelist: Vec<_> = (0..ASSIGNMENTS)
        .map(|i| {
            let mut p = prelist_of(
                &example,
                &format!("3201022001-{:05}", 7000 + i),
                Some("tksk.kill"),
            );
            for m in &mut p.members {
                m.nik = None;
            }
            p
        })
        .collect();
    server.import_prelist(&prelist).unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("hp");
    {
        let mut device = new_device(&dir).unwrap();
        server.login(&mut device, "tksk.kill").await.unwrap();
    }

    let mut captured: Vec<(HouseholdId, RevisionId)> = Vec::new();
    let mut phases: BTreeMap<&'static str, u32> = BTreeMap::new();
    let mut kills = 0u32;
    let mut k = 0u32;
    for it in 0..iterations {
        // Capture (the device must open after every kill).
        let (photos_now, ids_now) = {
            let mut device = Device::unlock(&dir, PIN)
                .unwrap_or_else(|e| panic!("{ctx}: iteration {it}: the device does not open: {e}"));
            for _ in 0..HOUSEHOLDS_PER_ITERATION {
                k += 1;
                captured.push(capture_usulan(&mut device, &example, k, &set, "hp").unwrap());
            }
            let mut shas = Vec::new();
            for (id, _) in &captured {
                for p in device.photos(*id).unwrap() {
                    shas.push(p.sha256.as_str().to_owned());
                }
            }
            let ids: Vec<HouseholdId> = captured.iter().map(|c| c.0).collect();
            (shas, ids)
        };
        // One or two killed runs.
        let runs = 1 + rng.range(0, 2);
        for _ in 0..runs {
            // Half the kills at a seeded time (mostly photo chunks), half a few milliseconds
            // after the server holds every photo (the push or the pull).
            let after_photos = rng.range(0, 2) == 1;
            let delay = if after_photos {
                rng.range(0, 30)
            } else {
                rng.range(0, max_delay)
            };
            let mut child = pendata(&bin, &dir).spawn().unwrap();
            if after_photos {
                let waited = Instant::now();
                while phase_on_server(&server, &photos_now, &ids_now).await == "photos"
                    && waited.elapsed() < Duration::from_secs(20)
                    && child.try_wait().unwrap().is_none()
                {
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
            }
            tokio::time::sleep(Duration::from_millis(delay)).await;
            let finished = child.try_wait().unwrap().is_some();
            if finished {
                *phases.entry("finished before the kill").or_default() += 1;
            } else {
                child.kill().unwrap();
                child.wait().unwrap();
                kills += 1;
                let phase = phase_on_server(&server, &photos_now, &ids_now).await;
                *phases.entry(phase).or_default() += 1;
                eprintln!(
                    "crash_client: iteration {it}: SIGKILL {delay} ms {} ({phase})",
                    if after_photos {
                        "after the photos"
                    } else {
                        "after the start"
                    }
                );
            }
        }
    }
    // One clean run.
    let out = pendata(&bin, &dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{ctx}: the clean sync failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // The device: everything there, sent, photos readable, database sound.
    let device = Device::unlock(&dir, PIN).unwrap();
    let store = device.store();
    let counts = store.status().unwrap();
    assert_eq!(counts.outbox_pending, 0, "{ctx}: {counts:?}");
    assert_eq!(counts.outbox_rejected, 0, "{ctx}: {counts:?}");
    assert_eq!(counts.open_conflicts, 0, "{ctx}: {counts:?}");
    let integrity = integrity_rows(store.connection()).unwrap();
    assert_eq!(integrity, ["ok"], "{ctx}: device PRAGMA integrity_check");

    let scope = Scope::all();
    let mut files: HashMap<String, u32> = HashMap::new();
    count_files(&server.state.config.photos_dir(), &mut files);
    for (id, rev) in &captured {
        assert_eq!(
            store.state(*id).unwrap(),
            RecordState::Sent,
            "{ctx}: household {id}"
        );
        let detail = server
            .state
            .records
            .get(*id, &scope)
            .unwrap()
            .unwrap_or_else(|| panic!("{ctx}: household {id} is not on the server"));
        assert_eq!(
            detail.revisions.len(),
            1,
            "{ctx}: household {id}: revisions"
        );
        assert_eq!(
            detail.summary.current_revision,
            Some(*rev),
            "{ctx}: household {id}"
        );
        assert!(
            !detail.summary.incomplete,
            "{ctx}: household {id} incomplete"
        );
        assert_eq!(detail.summary.open_conflicts, 0, "{ctx}: household {id}");
        let photos = device.photos(*id).unwrap();
        assert_eq!(
            photos.len(),
            9,
            "{ctx}: household {id}: photos on the device"
        );
        for p in photos {
            let sha = pendata_shared::ids::Sha256Hex::parse(&p.sha256).unwrap();
            let bytes = device.photo_bytes(&sha).unwrap();
            let hash = pendata_server::store::Sha256Hex::parse(p.sha256.as_str()).unwrap();
            assert!(
                server.state.blobs.read(&hash).await.unwrap().as_deref() == Some(bytes.as_slice()),
                "{ctx}: photo {} of household {id} is not byte-identical on the server",
                p.sha256
            );
            assert_eq!(
                files.get(&format!("{}.jpg", p.sha256.as_str())).copied(),
                Some(1),
                "{ctx}: photo {} stored once",
                p.sha256
            );
        }
    }
    let staging = server.state.config.photos_staging_dir();
    let left: Vec<_> = std::fs::read_dir(&staging)
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{ctx}: staging left behind: {left:?}");
    let listed = server
        .state
        .records
        .list(
            &Scope::of(Role::Supervisor, WILAYAH),
            &pendata_server::store::ListQuery {
                state: None,
                desa: None,
                limit: 500,
                after: None,
            },
        )
        .unwrap();
    let mut ids: Vec<_> = listed.iter().map(|s| s.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), listed.len(), "{ctx}: a household listed twice");
    let rows = integrity_check(&server.state.config.db_path()).unwrap();
    assert_eq!(rows, ["ok"], "{ctx}: server PRAGMA integrity_check");
    eprintln!(
        "crash_client: {iterations} iterations, {kills} kills {phases:?}, {} households, {} \
         photos, {:.1} s",
        captured.len(),
        captured.len() * 9,
        started.elapsed().as_secs_f64()
    );
}

fn count_files(dir: &Path, out: &mut HashMap<String, u32>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        if e.file_type().unwrap().is_dir() {
            if e.file_name() != ".partial" {
                count_files(&e.path(), out);
            }
        } else {
            *out.entry(e.file_name().to_string_lossy().into_owned())
                .or_default() += 1;
        }
    }
}
