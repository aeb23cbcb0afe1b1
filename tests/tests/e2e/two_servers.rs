//! Two real `pendata-server` processes on one PostgreSQL database and one S3 bucket, as a
//! province runs them behind a load balancer, with real client sync engines pushing through
//! both at random: the seeded fault schedules of `fault_schedules` (shared in
//! `pendata_e2e::schedules`), each device behind its own fault proxy that sends every request to
//! one of the two processes (a duplicated request goes to the other one), [`PARALLEL`] devices
//! at a time. Each schedule checks what fault_schedules checks (every revision the device saved
//! stored exactly once, the latest current, none a conflict or incomplete, every photo
//! byte-identical, read back from the bucket). Then, for the whole deployment:
//!
//! * every household is listed once, as many as the devices made;
//! * each photo is stored once in the bucket, under its SHA-256, and nothing else is there;
//! * no upload is left staged in PostgreSQL (`blob_uploads`, `blob_chunks` empty);
//! * both processes served requests, are still healthy, and logged no panic.
//!
//! Run it with the servers: `pg_virtualenv -t tests/s3/with-s3 cargo test -p pendata-e2e --test
//! e2e two_servers::` (scripts/test does, with `PENDATA_REQUIRE_POSTGRES=1` and
//! `PENDATA_REQUIRE_S3=1`, so that a missing server fails it; without them and without the
//! servers it is skipped and says so). `PENDATA_TWO_SERVER_SCHEDULES` changes the number of
//! schedules; `PENDATA_FAULT_SEED=<seed>` replays one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use pendata_e2e::procs::{env_u64, free_addr, wait_healthy, ServerProcess};
use pendata_e2e::proxy::SEED_ENV;
use pendata_e2e::schedules::{all_households, run_schedule, Schedule};
use pendata_e2e::workload::tiny_set;
use pendata_server::store::postgres::testing;
use pendata_server::store::s3::testing::{fresh_prefix, objects_or_skip};
use pendata_server::{AppState, Config};

/// Schedules run by default (CI): 3 households of 9 photos each.
const DEFAULT_SCHEDULES: u64 = 24;
const HOUSEHOLDS: u64 = 3;
/// Devices syncing at the same time.
const PARALLEL: u64 = 4;
const BASE_SEED: u64 = 0x0002_5E4F_2026_1207;
const SEED_STEP: u64 = 0x9E37_79B9_7F4A_7C15;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_server_processes_on_postgres_and_s3_lose_and_duplicate_nothing() {
    let started = Instant::now();
    let Some(objects) = objects_or_skip("two server processes") else {
        return;
    };
    let Some(base) = testing::config_or_skip("two server processes") else {
        return;
    };
    let bucket = std::env::var("PENDATA_TEST_S3_BUCKET").unwrap();
    let prefix = fresh_prefix("two");
    let schema = testing::fresh_schema(&base, "twoproc");
    let database = testing::url_of(&schema);
    let blob_url = format!("s3://{bucket}/{prefix}");

    // The test's own view of the deployment (accounts are made and outcomes read through it),
    // opened first so that the schema is migrated before the processes start.
    let tmp = tempfile::tempdir().unwrap();
    let checker = AppState::open(
        Config::with_data_dir(tmp.path().join("checker"))
            .with_storage(Some(&database), Some(&blob_url))
            .unwrap(),
    )
    .unwrap();
    let env = [
        ("PENDATA_DATABASE_URL", database.as_str()),
        ("PENDATA_BLOB_URL", blob_url.as_str()),
    ];
    let mut servers = Vec::new();
    for name in ["a", "b"] {
        let dir = tmp.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let server =
            ServerProcess::start_with_env(&dir.join("data"), free_addr().unwrap(), &env).unwrap();
        servers.push(server);
    }
    let targets: Vec<_> = servers.iter().map(|s| s.addr).collect();

    let replay = env_u64(SEED_ENV);
    let schedules = match replay {
        Some(_) => 1,
        None => env_u64("PENDATA_TWO_SERVER_SCHEDULES").unwrap_or(DEFAULT_SCHEDULES),
    }
    .clamp(1, 9999 / HOUSEHOLDS);
    let bases = Arc::new(tiny_set().unwrap());
    let (mut injected, mut failed_runs) = (0u64, 0usize);
    let mut by_target = vec![0u64; targets.len()];
    let mut photos = HashSet::new();
    let mut i = 0u64;
    while i < schedules {
        // The devices of a round sync side by side (polled together on this task; each
        // proxy runs on tasks of its own).
        let round: Vec<_> = (i..(i + PARALLEL).min(schedules))
            .map(|j| {
                run_schedule(Schedule {
                    state: checker.clone(),
                    targets: targets.clone(),
                    bases: bases.clone(),
                    seed: replay.unwrap_or(BASE_SEED.wrapping_add(j.wrapping_mul(SEED_STEP))),
                    index: j,
                    households: HOUSEHOLDS,
                    first_serial: j * HOUSEHOLDS,
                    replay: "pg_virtualenv -t tests/s3/with-s3 cargo test -p pendata-e2e --test \
                             e2e two_servers::"
                        .into(),
                })
            })
            .collect();
        i = (i + PARALLEL).min(schedules);
        for out in futures_util::future::join_all(round).await {
            injected += out.injected;
            failed_runs += out.faulty_runs_failed;
            for (n, count) in out.requests_by_target.iter().enumerate() {
                by_target[n] += count;
            }
            photos.extend(out.photos);
        }
    }
    let ctx = format!(
        "{schedules} schedules from base seed {BASE_SEED} through {targets:?} (server logs: {} and \
         {})",
        servers[0].log_path().display(),
        servers[1].log_path().display()
    );

    // Every household once, as many as the devices made.
    let ids = all_households(&checker);
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(
        unique.len(),
        ids.len(),
        "{ctx}: a household is listed twice"
    );
    assert_eq!(
        ids.len() as u64,
        schedules * HOUSEHOLDS,
        "{ctx}: the server lists {} households, the devices made {}",
        ids.len(),
        schedules * HOUSEHOLDS
    );

    // Each photo once in the bucket, under its name, and nothing else there.
    let listed: Vec<_> = objects
        .list(Some(&object_store::path::Path::from(prefix.as_str())))
        .try_collect()
        .await
        .unwrap();
    let mut stored: HashMap<String, u32> = HashMap::new();
    for meta in &listed {
        let key = meta.location.as_ref();
        let name = key.strip_prefix(prefix.as_str()).unwrap_or(key);
        *stored.entry(name.to_owned()).or_default() += 1;
    }
    for sha in &photos {
        let s = sha.as_str();
        let name = format!("{}/{}/{s}.jpg", &s[..2], &s[2..4]);
        assert_eq!(
            stored.get(&name).copied(),
            Some(1),
            "{ctx}: photo {s} is not stored exactly once in the bucket"
        );
    }
    assert_eq!(
        listed.len(),
        photos.len(),
        "{ctx}: the bucket holds {} objects for {} photos",
        listed.len(),
        photos.len()
    );

    // No upload left staged in PostgreSQL.
    let (uploads, chunks) = staged_rows(&schema).await;
    assert_eq!(
        (uploads, chunks),
        (0, 0),
        "{ctx}: uploads left staged (blob_uploads, blob_chunks)"
    );

    // Both processes took part and are still well.
    let total: u64 = by_target.iter().sum();
    assert!(
        by_target.iter().all(|&n| n * 8 >= total),
        "{ctx}: requests per process {by_target:?} (each should get about half)"
    );
    for s in &servers {
        wait_healthy(s.addr, Duration::from_secs(5)).unwrap();
        let log = std::fs::read_to_string(s.log_path()).unwrap_or_default();
        assert!(
            !log.contains("panicked"),
            "{ctx}: {} logged a panic:\n{log}",
            s.addr
        );
    }
    assert!(injected > 0, "{ctx}: no fault injected");
    eprintln!(
        "two server processes: {schedules} schedules x {HOUSEHOLDS} households, {} photos, \
         requests per process {by_target:?}, {injected} faults injected, {failed_runs} faulty \
         runs ended in an error, {:.1} s",
        photos.len(),
        started.elapsed().as_secs_f64()
    );
}

/// Rows in `blob_uploads` and `blob_chunks` of the test's schema.
async fn staged_rows(schema: &tokio_postgres::Config) -> (i64, i64) {
    let (client, connection) = schema.connect(tokio_postgres::NoTls).await.unwrap();
    let driver = tokio::spawn(connection);
    let row = client
        .query_one(
            "SELECT (SELECT count(*) FROM blob_uploads), (SELECT count(*) FROM blob_chunks)",
            &[],
        )
        .await
        .unwrap();
    let counts = (row.get(0), row.get(1));
    drop(client);
    let _ = driver.await;
    counts
}
