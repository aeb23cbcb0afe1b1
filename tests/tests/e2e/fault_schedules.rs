//! Faults, on purpose: seeded fault schedules between the real client sync engine and the real
//! server, through the fault-injecting proxy.
//!
//! Each schedule is one device (a fresh user and device on a shared real server) holding a few
//! verivali households built from `assets/examples/household.json` (fresh ids, NIKs, KK numbers
//! and prelist ids, desa 3201022001, wilayah 320102), each with nine small real JPEGs. The engine
//! runs up to [`ATTEMPTS`] times through a proxy with `FaultSchedule::seeded(seed, ..)` (a faulty
//! run may end in an error), the device edits some acknowledged households between runs, then
//! the proxy is switched to `FaultSchedule::none()` and the engine runs once more
//! (`pendata_e2e::schedules`, which tests/e2e/two_servers.rs shares). Then:
//!
//! * every revision the device saved is acknowledged (accepted or duplicate), nothing pending;
//! * every household is on the server once, its current revision is the device's latest, every
//!   revision the device saved is stored exactly once, none is a conflict, none is incomplete;
//! * every referenced photo is stored once, byte-identical, with no staging left behind;
//! * the server's SQLite passes `PRAGMA integrity_check`;
//! * the proxy injected faults.
//!
//! Every assertion message names the seed. Replay one schedule with
//! `PENDATA_FAULT_SEED=<seed> cargo test -p pendata-e2e --test e2e fault_schedules::`.
//!
//! CI runs [`DEFAULT_SCHEDULES`] schedules of [`DEFAULT_HOUSEHOLDS`] households. A long run:
//! `PENDATA_FAULT_SCHEDULES=5000 PENDATA_FAULT_HOUSEHOLDS=30 cargo test --release -p pendata-e2e
//! --test e2e fault_schedules:: -- --nocapture` (the base seed can be moved with
//! `PENDATA_FAULT_BASE_SEED`).
//!
//! Every third household of a schedule is a usulan baru, the others verivali visits. Beside the
//! in-memory schedules: [`DEFAULT_DEVICE_SCHEDULES`] schedules with the real encrypted `Device`
//! (`PENDATA_FAULT_DEVICE_SCHEDULES` raises it), a hand-placed lost acknowledgement and cut
//! chunk, and a seeded run of many cut chunks proving that each costs at most the chunk in
//! flight.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use pendata_core::sync::run_sync;
use pendata_core::sync::RetryPolicy;
use pendata_e2e::device::MemDevice;
use pendata_e2e::procs::{self, env_u64, integrity_rows, SplitMix};
use pendata_e2e::proxy::{Fault, FaultSchedule, Proxy, SEED_ENV};
use pendata_e2e::schedules::{
    all_households, fresh_device_client, fresh_device_client_with, household, nine_photos,
    probabilities, run_schedule, Schedule, ATTEMPTS, WILAYAH,
};
use pendata_e2e::workload::{noisy_jpeg, tagged_jpeg, tiny_set};
use pendata_e2e::NoSleep;
use pendata_e2e::TestServer;
use pendata_server::store::{Role, Scope};
use pendata_shared::ids::{HouseholdId, Sha256Hex};
use pendata_shared::protocol::{PushOutcome, PHOTO_CHUNK_BYTES};

/// Schedules run by default (CI).
const DEFAULT_SCHEDULES: u64 = 200;
/// Households per device by default (CI); the field default is 30.
const DEFAULT_HOUSEHOLDS: u64 = 3;
/// Schedules sharing one server before a fresh one starts (NIK serials are 4 digits).
const SCHEDULES_PER_SERVER: u64 = 100;
/// Seeds are `BASE_SEED + i * SEED_STEP`.
const BASE_SEED: u64 = 0x00FA_0175_2026_1123;
const SEED_STEP: u64 = 0x9E37_79B9_7F4A_7C15;

/// Counts the stored photo files by name (outside staging).
fn stored_photo_files(dir: &Path, out: &mut HashMap<String, u32>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != ".partial" {
                stored_photo_files(&path, out);
            }
        } else {
            *out.entry(entry.file_name().to_string_lossy().into_owned())
                .or_default() += 1;
        }
    }
}

fn integrity_check(server: &TestServer, ctx: &str) {
    let rows = procs::integrity_check(&server.state.config.db_path()).unwrap();
    assert_eq!(rows, ["ok"], "{ctx}: PRAGMA integrity_check");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_fault_schedules_lose_and_duplicate_nothing() {
    let started = Instant::now();
    let replay = env_u64(SEED_ENV);
    let schedules = env_u64("PENDATA_FAULT_SCHEDULES").unwrap_or(if replay.is_some() {
        1
    } else {
        DEFAULT_SCHEDULES
    });
    let households = env_u64("PENDATA_FAULT_HOUSEHOLDS")
        .unwrap_or(DEFAULT_HOUSEHOLDS)
        .clamp(1, 9999);
    let base = env_u64("PENDATA_FAULT_BASE_SEED").unwrap_or(BASE_SEED);
    let per_server = (9999 / households).clamp(1, SCHEDULES_PER_SERVER);
    eprintln!(
        "fault schedules: {schedules} x {households} households; replay one with \
         {SEED_ENV}=<seed> cargo test -p pendata-e2e --test e2e fault_schedules::"
    );
    let bases = Arc::new(tiny_set().unwrap());

    let mut injected = 0u64;
    let mut failed_runs = 0usize;
    let mut total_households = 0u64;
    let mut total_photos = 0u64;
    let mut i = 0u64;
    while i < schedules {
        let server = TestServer::start().await.unwrap();
        let mut serial = 0u64;
        let mut photo_shas = HashSet::new();
        let first = i;
        let end = (i + per_server).min(schedules);
        while i < end {
            let seed = match replay {
                Some(s) if schedules == 1 => s,
                Some(s) => s.wrapping_add(i.wrapping_mul(SEED_STEP)),
                None => base.wrapping_add(i.wrapping_mul(SEED_STEP)),
            };
            let out = run_schedule(Schedule {
                state: server.state.clone(),
                targets: vec![server.addr],
                bases: bases.clone(),
                seed,
                index: i,
                households,
                first_serial: serial,
                replay: "cargo test -p pendata-e2e --test e2e fault_schedules::".into(),
            })
            .await;
            serial += households;
            injected += out.injected;
            failed_runs += out.faulty_runs_failed;
            total_households += out.households;
            total_photos += out.photos.len() as u64;
            photo_shas.extend(out.photos);
            i += 1;
        }
        // Server-wide: each household once, each photo file once, a sound database.
        let ctx = format!("schedules {first}..{end} (base seed {base})");
        let ids = all_households(&server.state);
        let unique: HashSet<_> = ids.iter().collect();
        assert_eq!(
            unique.len(),
            ids.len(),
            "{ctx}: a household is listed twice"
        );
        assert_eq!(
            ids.len() as u64,
            serial,
            "{ctx}: the server lists {} households, the devices made {serial}",
            ids.len()
        );
        let mut files = HashMap::new();
        stored_photo_files(&server.state.config.photos_dir(), &mut files);
        for sha in &photo_shas {
            assert_eq!(
                files.get(&format!("{}.jpg", sha.as_str())).copied(),
                Some(1),
                "{ctx}: photo {sha} is not stored exactly once"
            );
        }
        assert_eq!(
            files.len(),
            photo_shas.len(),
            "{ctx}: stored photo files other than the devices' photos"
        );
        integrity_check(&server, &ctx);
        server.stop().await;
    }
    assert!(
        injected > 0,
        "no fault was injected in {schedules} schedules"
    );
    eprintln!(
        "fault schedules: {schedules} schedules, {total_households} households, {total_photos} \
         photos, {injected} faults injected, {failed_runs} faulty runs ended in an error, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

// -------------------------------------------------------------------------------------------
// Two faults placed by hand.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_acknowledgement_gives_duplicate_and_a_cut_chunk_resumes_from_the_server() {
    let server = TestServer::start().await.unwrap();
    let proxy = Proxy::start(server.addr, FaultSchedule::none())
        .await
        .unwrap();
    let client = fresh_device_client(&server.state, "tksk.tangan", &proxy.url());
    let mut device = MemDevice::default();
    let bases = tiny_set().unwrap();

    // 1. Lost acknowledgement: the push reaches the server, its answer never comes back.
    //    Requests: photos/missing for no photo (which server answers), photos/missing, nine
    //    PUTs, then the push.
    let photos = nine_photos(&mut device, &bases, "tangan");
    let first = device.save(household(1, &photos));
    let mut script = vec![Fault::Pass; 11];
    script.push(Fault::DropResponse);
    proxy.set_schedule(FaultSchedule::script(script));
    let report = match run_sync(&mut device, &client, &mut |_| {}).await {
        Ok(r) => r,
        Err(e) => *e.partial,
    };
    let log = proxy.fault_log();
    assert_eq!(log.get(11), Some(&Fault::DropResponse), "{log:?}");
    // A re-run if the engine did not already retry the push itself.
    let again = run_sync(&mut device, &client, &mut |_| {}).await.unwrap();
    assert_eq!(
        (report.sent + again.sent, report.duplicate + again.duplicate),
        (0, 1),
        "the lost push is answered duplicate on the re-send"
    );
    assert!(matches!(
        device.results.get(&first.revision),
        Some(PushOutcome::Duplicate { .. })
    ));
    let detail = server
        .state
        .records
        .get(first.household_id, &Scope::of(Role::Supervisor, WILAYAH))
        .unwrap()
        .unwrap();
    assert_eq!(detail.revisions.len(), 1, "one revision on the server");
    assert_eq!(detail.summary.current_revision, Some(first.revision));

    // 2. A chunk cut in the middle: the second chunk of a large photo loses its connection
    //    halfway. Requests: photos/missing (no photo), photos/missing, PUT chunk 1, PUT
    //    chunk 2 (cut), ...
    let big = noisy_jpeg().unwrap();
    let total = big.len() as u64;
    assert!(
        total > 2 * PHOTO_CHUNK_BYTES,
        "the large photo spans 3+ chunks, got {total} bytes"
    );
    let big_sha = device.add_photo(big.clone());
    let mut photos2 = photos.clone();
    photos2[0] = (big_sha.clone(), total, 1000, 800);
    let second = device.save(household(2, &photos2));
    let before = proxy.stats();
    proxy.set_schedule(FaultSchedule::script(vec![
        Fault::Pass,
        Fault::Pass,
        Fault::Pass,
        Fault::CutRequest {
            after_bytes: PHOTO_CHUNK_BYTES as usize / 2,
        },
    ]));
    let report = run_sync(&mut device, &client, &mut |_| {}).await.unwrap();
    let after = proxy.stats();
    eprintln!(
        "cut chunk: photo {total} B, engine sent {} B (resent {} B by its count), \
         {} B went upstream through the proxy",
        report.photo_bytes_sent,
        report.resent_bytes,
        after.bytes_upstream - before.bytes_upstream
    );
    assert_eq!(after.faults.cut_request, before.faults.cut_request + 1);
    assert!(report.issues.is_empty(), "{:?}", report.issues);
    assert_eq!(report.photos_uploaded, 1);
    // After the cut the engine asks the server how much it holds and resends only the part
    // of the chunk the server did not keep: half a chunk here, never a stale-offset chunk.
    // (Half a chunk when the question reaches the server after the cut chunk's handler kept
    // its half; the whole chunk, with the kept half skipped by the server, when it overtook it.)
    assert!(
        (PHOTO_CHUNK_BYTES / 2..=PHOTO_CHUNK_BYTES).contains(&report.resent_bytes),
        "the lost half of the cut chunk, at most the chunk, is sent again: {}",
        report.resent_bytes
    );
    assert_eq!(report.photo_bytes_sent, total + report.resent_bytes);
    // Measured at the proxy: the photo plus at most one chunk (and the small requests' bytes).
    let upstream = after.bytes_upstream - before.bytes_upstream;
    assert!(
        upstream <= total + PHOTO_CHUNK_BYTES + 64 * 1024,
        "{upstream} bytes went upstream for a {total}-byte photo"
    );
    assert_eq!(report.sent, 1);
    let hash = pendata_server::store::Sha256Hex::parse(big_sha.as_str()).unwrap();
    assert_eq!(
        server.state.blobs.read(&hash).await.unwrap().as_deref(),
        Some(big.as_slice())
    );
    let detail = server
        .state
        .records
        .get(second.household_id, &Scope::of(Role::Supervisor, WILAYAH))
        .unwrap()
        .unwrap();
    assert!(!detail.summary.incomplete);
    assert_eq!(detail.summary.current_revision, Some(second.revision));
    integrity_check(&server, "hand-placed faults");
    server.stop().await;
}

// -------------------------------------------------------------------------------------------
// Cut chunks, many times: each costs at most the chunk in flight.

/// Requests of a photo upload cut at seeded points (and some answers dropped after the server
/// kept the chunk). Measured on the wire at the proxy: the photo bodies the client sent add up
/// to the photos' sizes plus, for each cut chunk, exactly the part the server did not keep
/// (at most one chunk per cut); a dropped answer costs nothing; the engine's `resent_bytes`
/// is that same extra. Replay with `PENDATA_FAULT_SEED=<seed>`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_cut_chunk_costs_at_most_the_chunk_in_flight() {
    let seed = env_u64(SEED_ENV).unwrap_or(0x0C07_C4C7_2026);
    let mut rng = SplitMix(seed);
    let chunk = PHOTO_CHUNK_BYTES;
    // A script long enough for every request of the upload: a third cut somewhere in the
    // chunk, a tenth answered-but-dropped, the rest passed.
    let script: Vec<Fault> = (0..400)
        .map(|_| match rng.next_u64() % 30 {
            0..=9 => Fault::CutRequest {
                after_bytes: (rng.next_u64() % chunk) as usize,
            },
            10..=12 => Fault::DropResponse,
            _ => Fault::Pass,
        })
        .collect();
    let server = TestServer::start().await.unwrap();
    let proxy = Proxy::start(server.addr, FaultSchedule::script(script))
        .await
        .unwrap();
    let ctx = format!(
        "seed {seed} ({SEED_ENV}={seed} cargo test -p pendata-e2e --test e2e every_cut_chunk)"
    );
    // Many tries per step: this test is about the cost of cuts, not about giving up.
    let client = fresh_device_client_with(
        &server.state,
        "tksk.potong",
        &proxy.url(),
        RetryPolicy {
            max_tries: 60,
            ..RetryPolicy::default()
        },
    );

    let mut device = MemDevice::default();
    let bases = tiny_set().unwrap();
    let big = noisy_jpeg().unwrap();
    let big2 = tagged_jpeg(&big, "kedua");
    let total = (big.len() + big2.len()) as u64;
    let mut photos = nine_photos(&mut device, &bases, "potong");
    let (w, h) = (1000, 800);
    photos[0] = (device.add_photo(big.clone()), big.len() as u64, w, h);
    photos[1] = (device.add_photo(big2.clone()), big2.len() as u64, w, h);
    let small: u64 = photos[2..].iter().map(|p| p.1).sum();
    device.save(household(1, &photos));

    let report = run_sync(&mut device, &client, &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("{ctx}: sync failed: {} ({e})", e.code()));
    assert!(report.issues.is_empty(), "{ctx}: {:?}", report.issues);
    assert_eq!(report.photos_uploaded, 9, "{ctx}");
    assert_eq!(report.sent + report.duplicate, 1, "{ctx}");

    let log = proxy.request_log();
    let puts: Vec<_> = log.iter().filter(|r| r.method == "PUT").collect();
    let sent_on_wire: u64 = puts.iter().map(|r| r.body_len as u64).sum();
    let mut cuts = 0u64;
    let mut lost_in_cuts = 0u64;
    let mut cut_chunks = 0u64;
    for r in &puts {
        if let Fault::CutRequest { after_bytes } = r.fault {
            cuts += 1;
            let kept = after_bytes.min(r.body_len.saturating_sub(1));
            lost_in_cuts += (r.body_len - kept) as u64;
            cut_chunks += r.body_len as u64;
        }
    }
    let dropped = puts
        .iter()
        .filter(|r| r.fault == Fault::DropResponse)
        .count();
    eprintln!(
        "{ctx}: {} PUTs, {cuts} cut, {dropped} answers dropped; photos {} B, on the wire \
         {sent_on_wire} B, resent {} B (engine), lost in the cuts {lost_in_cuts} B",
        puts.len(),
        total + small,
        report.resent_bytes
    );
    assert!(cuts >= 5, "{ctx}: only {cuts} chunks were cut");
    assert!(dropped >= 1, "{ctx}: no chunk answer was dropped");
    let extra = sent_on_wire - (total + small);
    // What the server did not keep of a cut chunk has to go again; at most that chunk goes
    // again (when the device's question overtook the cut chunk's handler on the server, the
    // resend starts at the cut chunk's offset and the server skips what it already has). A
    // dropped answer costs nothing, and no chunk is ever sent at a stale offset.
    assert!(
        extra >= lost_in_cuts,
        "{ctx}: {extra} bytes resent, but {lost_in_cuts} were lost in the cuts"
    );
    assert!(
        extra <= cut_chunks && extra <= cuts * chunk,
        "{ctx}: {extra} bytes resent for {cuts} cut chunks of {cut_chunks} bytes in all"
    );
    assert_eq!(report.resent_bytes, extra, "{ctx}: the engine's count");
    assert_eq!(report.photo_bytes_sent, sent_on_wire, "{ctx}");
    for (bytes, sha) in [(&big, &photos[0].0), (&big2, &photos[1].0)] {
        let hash = pendata_server::store::Sha256Hex::parse(sha.as_str()).unwrap();
        assert_eq!(
            server.state.blobs.read(&hash).await.unwrap().as_deref(),
            Some(bytes.as_slice()),
            "{ctx}"
        );
    }
    integrity_check(&server, &ctx);
    server.stop().await;
}

// -------------------------------------------------------------------------------------------
// The same faults with the real encrypted device.

/// Schedules run with the real encrypted `Device` (SQLCipher store, encrypted photo blobs)
/// instead of the in-memory one; `PENDATA_FAULT_DEVICE_SCHEDULES` raises it.
const DEFAULT_DEVICE_SCHEDULES: u64 = 20;

/// Seeded fault schedules between the real engine on a real encrypted `Device` and the real
/// server: three usulan baru households with nine real JPEGs each (stored encrypted), three
/// faulty syncs through the proxy, then a clean one; in about half of the schedules one photo
/// file is removed or damaged on disk before a random faulty sync, and the facilitator retakes
/// it once a sync has set its household aside. Afterwards the device holds every household as
/// `sent` with nothing pending and no photo to retake, each is on the server once with only
/// revisions the device queued (each once, the latest current), complete, every photo
/// byte-identical, and both databases pass `PRAGMA integrity_check`. Replay one with
/// `PENDATA_FAULT_SEED=<seed>`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_fault_schedules_with_the_real_encrypted_device() {
    use pendata_core::store::RecordState;
    use pendata_e2e::workload::{capture_usulan, lose_photo, retake_lost_photos, PhotoLoss};
    use pendata_shared::ids::RevisionId;

    let replay = env_u64(SEED_ENV);
    let schedules = env_u64("PENDATA_FAULT_DEVICE_SCHEDULES").unwrap_or(if replay.is_some() {
        1
    } else {
        DEFAULT_DEVICE_SCHEDULES
    });
    let server = TestServer::start().await.unwrap();
    let example = pendata_e2e::example_household().unwrap();
    let set: Vec<(Vec<u8>, u32, u32)> = tiny_set().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut injected = 0;
    let (mut lost, mut retaken) = (0u64, 0u64);
    for i in 0..schedules {
        let seed = replay
            .unwrap_or(BASE_SEED ^ 0xDE71CE)
            .wrapping_add(i.wrapping_mul(SEED_STEP));
        let username = format!("tksk.d{i}");
        server
            .add_user(&username, Role::Enumerator, WILAYAH)
            .unwrap();
        let proxy = Proxy::start(server.addr, FaultSchedule::none())
            .await
            .unwrap();
        let ctx = format!(
            "seed {seed} (replay: {SEED_ENV}={seed} cargo test -p pendata-e2e --test \
             e2e real_encrypted)"
        );
        let dir = tmp.path().join(format!("hp{i}"));
        let mut device = pendata_e2e::new_device(&dir).unwrap();
        device
            .login(
                &proxy.url(),
                None,
                &username,
                pendata_e2e::PASSWORD,
                "HP uji",
            )
            .await
            .unwrap();
        // Every revision queued per household: the capture's, then one per photo retake.
        let mut queued: Vec<(HouseholdId, Vec<RevisionId>)> = Vec::new();
        for h in 0..3u32 {
            let k = (i as u32) * 3 + h + 1;
            let (id, rev) =
                capture_usulan(&mut device, &example, k, &set, &format!("{seed}")).unwrap();
            queued.push((id, vec![rev]));
        }
        // The "photo bytes lost" fault: in about half of the schedules one photo file of one
        // household is removed or damaged on disk before a random faulty sync. The sync sets
        // that household aside; the facilitator retakes the photo after the sync (as the
        // status screen asks) and it goes with a later one.
        let mut rng = SplitMix(seed ^ 0x1057_F070);
        let mut lost_bytes: HashMap<Sha256Hex, Vec<u8>> = HashMap::new();
        let loss = rng.next_u64().is_multiple_of(2).then(|| {
            let at = (rng.next_u64() % ATTEMPTS as u64) as usize;
            let household = (rng.next_u64() % 3) as usize;
            let photo = (rng.next_u64() % 9) as usize;
            let how = if rng.next_u64().is_multiple_of(2) {
                PhotoLoss::Removed
            } else {
                PhotoLoss::Damaged
            };
            (at, household, photo, how)
        });
        // Retakes what a sync set aside; notes the revisions it queues.
        let retake = |device: &mut pendata_core::Device,
                      queued: &mut Vec<(HouseholdId, Vec<RevisionId>)>,
                      round: usize|
         -> u64 {
            let done = retake_lost_photos(device, &set, &format!("{seed}/{round}")).unwrap();
            for (id, rev) in &done {
                let entry = queued.iter_mut().find(|(h, _)| h == id).unwrap();
                entry.1.push(*rev);
            }
            done.len() as u64
        };
        let client = device.client().unwrap().with_sleeper(Arc::new(NoSleep));
        proxy.set_schedule(FaultSchedule::seeded(seed, probabilities()));
        for attempt in 0..ATTEMPTS {
            if let Some((_, h, p, how)) = loss.filter(|l| l.0 == attempt) {
                let photos = device.photos(queued[h].0).unwrap();
                let sha = Sha256Hex::parse(&photos[p % photos.len()].sha256).unwrap();
                // Kept aside by the test only: the server may already hold the photo, and
                // then the household keeps referencing it (nothing needs its bytes again).
                lost_bytes.insert(sha.clone(), device.photo_bytes(&sha).unwrap());
                lose_photo(&device, &sha, how).unwrap();
                lost += 1;
            }
            let _ = device.sync_with(&client, &mut |_| {}).await;
            retaken += retake(&mut device, &mut queued, attempt);
        }
        injected += proxy.stats().faults.injected();
        proxy.set_schedule(FaultSchedule::none());
        // A loss a faulty sync never reached is found by the clean one: retake, sync again.
        let mut outcome = None;
        for round in 0..2 {
            let out = device
                .sync_with(&client, &mut |_| {})
                .await
                .unwrap_or_else(|e| panic!("{ctx}: the clean run failed: {e}"));
            let set_aside = !out.report.set_aside.is_empty();
            outcome = Some(out);
            if !set_aside {
                break;
            }
            retaken += retake(&mut device, &mut queued, ATTEMPTS + round);
        }
        let outcome = outcome.unwrap();
        assert!(
            outcome.report.issues.is_empty() && outcome.report.set_aside.is_empty(),
            "{ctx}: issues {:?}, set aside {:?}",
            outcome.report.issues,
            outcome.report.set_aside
        );

        let store = device.store();
        let counts = store.status().unwrap();
        assert_eq!(
            (
                counts.outbox_pending,
                counts.outbox_rejected,
                counts.open_conflicts
            ),
            (0, 0, 0),
            "{ctx}: {counts:?}"
        );
        let integrity = integrity_rows(store.connection()).unwrap();
        assert_eq!(integrity, ["ok"], "{ctx}: device integrity");
        assert!(
            store.photo_problems().unwrap().is_empty(),
            "{ctx}: photos to retake"
        );
        for (id, revs) in &queued {
            assert_eq!(store.state(*id).unwrap(), RecordState::Sent, "{ctx}: {id}");
            let detail = server
                .state
                .records
                .get(*id, &Scope::of(Role::Supervisor, WILAYAH))
                .unwrap()
                .unwrap_or_else(|| panic!("{ctx}: household {id} not on the server"));
            // Each stored revision is one the device queued, stored once; a revision set aside
            // before any push never reached the server. The current one is the latest queued.
            let stored: Vec<RevisionId> = detail.revisions.iter().map(|r| r.revision).collect();
            let unique: HashSet<&RevisionId> = stored.iter().collect();
            assert_eq!(
                unique.len(),
                stored.len(),
                "{ctx}: {id}: a revision stored twice"
            );
            assert!(
                stored.iter().all(|r| revs.contains(r)),
                "{ctx}: {id}: the server holds {stored:?}, the device queued {revs:?}"
            );
            assert_eq!(
                detail.summary.current_revision,
                revs.last().copied(),
                "{ctx}: {id}"
            );
            assert!(!detail.summary.incomplete, "{ctx}: {id} incomplete");
            for p in device.photos(*id).unwrap() {
                let sha = Sha256Hex::parse(&p.sha256).unwrap();
                let hash = pendata_server::store::Sha256Hex::parse(&p.sha256).unwrap();
                let local = match lost_bytes.get(&sha) {
                    Some(bytes) => bytes.clone(),
                    None => device.photo_bytes(&sha).unwrap(),
                };
                assert!(
                    server.state.blobs.read(&hash).await.unwrap() == Some(local),
                    "{ctx}: photo {} not byte-identical",
                    p.sha256
                );
            }
        }
    }
    integrity_check(&server, "real device schedules");
    assert!(injected > 0, "no fault injected");
    if replay.is_none() && schedules >= DEFAULT_DEVICE_SCHEDULES {
        assert!(
            lost > 0 && retaken > 0,
            "the photo-loss fault never ran: {lost} lost, {retaken} retaken"
        );
    }
    eprintln!(
        "real-device fault schedules: {schedules} schedules, {injected} faults injected, \
         {lost} photo files lost, {retaken} households retaken"
    );
}
