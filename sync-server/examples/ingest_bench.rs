//! Ingest benchmark (not a test): prints one JSON object.
//!
//! (a) households/s pushed through the real HTTP API (real server on 127.0.0.1:0, reqwest)
//!     against a raw rusqlite bulk insert of the same households' JSON (one transaction, same
//!     pragmas) in the same run; the ratio's goal is ≥ 0.5. The households (5 members each)
//!     are built from assets/examples/household.json with fresh ids and NIKs and sent as the
//!     sync engine sends them: batches of `MAX_BATCH_RECORDS` (200), gzipped, one batch at a
//!     time per device, the 9 photos they reference uploaded first (real JPEGs) so that the
//!     push takes the normal path (`--photos-missing` pushes before any photo). The headline
//!     figure has `--ingest-devices` (default 2) devices pushing at once, as at a kecamatan
//!     office, so that the server's two cores are both used; beside it, one device alone
//!     (`one_device_*`), whose batches wait for each other's round trips.
//! (b) N simulated devices (tokio tasks, each logged in with its own device id) pushing and
//!     pulling for T seconds in a closed loop with no pause: errors, p50 and p99 latency (goal
//!     p99 < 1 s), and a /healthz probe during the load. Each device's bodies (5 new
//!     households each) are built and hashed before the clock starts, as phones do on their
//!     own CPUs; one that runs out builds more in the loop (`bodies_built_during_run`).
//!
//! `cargo run --release -p pendata-server --example ingest_bench -- [--households 2000]
//!  [--ingest-devices 2] [--devices 200] [--seconds 60]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/households.rs"]
mod households;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pendata_server::auth::hash_password;
use pendata_server::store::{NewUser, Role};
use pendata_server::{AppState, Config};
use pendata_shared::model::Household;
use pendata_shared::protocol::{
    Change, PushBatch, PushRecord, MAX_BATCH_RECORDS, PROTOCOL_VERSION,
};
use pendata_shared::{BatchId, DeviceId, RevisionId, Sha256Hex};
use serde_json::{json, Value};

const EXAMPLE: &str = include_str!("../../assets/examples/household.json");
const PASSWORD: &str = "bench-password-123";
/// Records per push, as the sync engine sends them.
const BATCH: usize = MAX_BATCH_RECORDS;

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The example household, parsed once.
fn example() -> &'static Household {
    static EX: std::sync::OnceLock<Household> = std::sync::OnceLock::new();
    EX.get_or_init(|| serde_json::from_str(EXAMPLE).unwrap())
}

/// The SHA-256s the households reference, set once the photos are uploaded.
static PHOTO_SHAS: std::sync::OnceLock<Vec<(Sha256Hex, u64)>> = std::sync::OnceLock::new();

/// A small real JPEG, different for each `seed`.
fn jpeg(seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(96, 64, |x, y| {
        image::Rgb([
            (x as u8).wrapping_mul(seed),
            (y as u8).wrapping_add(seed),
            seed,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

/// The example with fresh ids and NIKs unique to `n`, referencing the uploaded photos.
fn household(n: u64) -> Household {
    households::fresh(example(), n, PHOTO_SHAS.get().map_or(&[], Vec::as_slice))
}

fn record(h: &Household) -> PushRecord {
    PushRecord::new(
        RevisionId::new(),
        None,
        chrono::Utc::now(),
        h.id,
        Change::Upsert {
            household: Box::new(h.clone()),
        },
    )
}

/// The body as the sync engine sends it: the `PushBatch` serialised directly (a
/// `serde_json::Value` in between would reorder the keys of every record), then gzipped at
/// the default level, as the engine does with every body over 8 KiB
/// (`pendata_core::sync::client::maybe_gzip`; a batch of even one household is over that).
/// Sent with `Content-Encoding: gzip`.
fn batch_body(records: &[PushRecord]) -> Vec<u8> {
    use std::io::Write;
    let json = serde_json::to_vec(&PushBatch {
        protocol: PROTOCOL_VERSION,
        batch_id: BatchId::new(),
        device_id: DeviceId::new(),
        records: records.to_vec(),
    })
    .unwrap();
    assert!(json.len() > 8 * 1024, "the engine would send this plain");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&json).unwrap();
    gz.finish().unwrap()
}

/// A push of a body made by [`batch_body`].
fn push_request(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    body: Vec<u8>,
) -> reqwest::RequestBuilder {
    http.post(format!("{base}/api/v1/push"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(body)
}

async fn login(http: &reqwest::Client, base: &str, user: &str) -> String {
    let r: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({
            "username": user,
            "password": PASSWORD,
            "device_id": uuid::Uuid::now_v7(),
            "device_name": "bench",
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["token"].as_str().expect("login").to_owned()
}

/// CPU seconds this process has used (all threads, user + system), from /proc/self/stat at the
/// usual 100 ticks per second; 0 where that file does not exist.
fn process_cpu_secs() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of the line (utime, stime) are the 12th and 13th after the name.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// A second, informative anchor (the goal's anchor is the two-column insert): households/s of
/// a raw rusqlite insert of the rows the server itself writes for a new household — its
/// `households` row, its `revisions` row with the change as sent, its 9 `household_photos`
/// rows and its `household_pushers` row — into the server's own schema (its migrations), in
/// one transaction with prepared statements, same pragmas as the other anchor. The HTTP
/// figure divided by this one is what the server adds on top of storing its rows: parsing,
/// validation, HTTP, one commit per batch.
fn server_rows_insert(path: &std::path::Path, households: &[Household]) -> f64 {
    drop(pendata_server::store::sqlite::SqliteStore::open(path, 1).unwrap());
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let device = DeviceId::new().to_string();
    let rows: Vec<(String, String, String, String, String, Vec<String>)> = households
        .iter()
        .map(|h| {
            let change = serde_json::to_string(&Change::Upsert {
                household: Box::new(h.clone()),
            })
            .unwrap();
            let sha = Sha256Hex::digest(change.as_bytes()).as_str().to_owned();
            let mut photos: Vec<String> = h
                .photos
                .iter()
                .map(|p| p.sha256.as_str().to_owned())
                .collect();
            photos.sort();
            photos.dedup();
            (
                h.id.to_string(),
                RevisionId::new().to_string(),
                h.location.desa_code.clone(),
                change,
                sha,
                photos,
            )
        })
        .collect();
    let started = Instant::now();
    {
        let mut conn = rusqlite::Connection::open(path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "synchronous", "FULL").unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        let tx = conn.transaction().unwrap();
        {
            let mut house = tx
                .prepare(
                    "INSERT INTO households (id, desa_code, head_revision, deleted, review_state, \
                     incomplete, head_name, created_at, updated_at) \
                     VALUES (?1, ?2, ?3, 0, 'submitted', 0, 'Kepala', ?4, ?4)",
                )
                .unwrap();
            let mut revision = tx
                .prepare(
                    "INSERT INTO revisions (revision, household_id, base_revision, content_sha256, \
                     op, change_json, device_id, username, saved_at, received_at, state, \
                     conflict_reason, incomplete) \
                     VALUES (?1, ?2, NULL, ?3, 'upsert', ?4, ?5, 'bench0', ?6, ?6, 'current', NULL, 0)",
                )
                .unwrap();
            let mut photo = tx
                .prepare(
                    "INSERT OR IGNORE INTO household_photos (sha256, household_id) VALUES (?1, ?2)",
                )
                .unwrap();
            let mut pusher = tx
                .prepare("INSERT OR IGNORE INTO household_pushers (household_id, username) VALUES (?1, 'bench0')")
                .unwrap();
            for (hid, rev, desa, change, sha, photos) in &rows {
                house
                    .execute(rusqlite::params![hid, desa, rev, at])
                    .unwrap();
                revision
                    .execute(rusqlite::params![rev, hid, sha, change, device, at])
                    .unwrap();
                for p in photos {
                    photo.execute([p, hid]).unwrap();
                }
                pusher.execute([hid]).unwrap();
            }
        }
        tx.commit().unwrap();
    }
    households.len() as f64 / started.elapsed().as_secs_f64()
}

/// Pushes `households` in batches of [`BATCH`], the batches dealt in turn to the devices
/// whose `tokens` are given; each device sends its next batch once the last one is answered
/// (as the sync engine does). Answers (households accepted, seconds, CPU seconds of this
/// process: server and clients).
async fn push_all(
    http: &reqwest::Client,
    base: &str,
    tokens: &[String],
    households: &[Household],
) -> (usize, f64, f64) {
    let bodies: Vec<Vec<u8>> = households
        .chunks(BATCH)
        .map(|c| batch_body(&c.iter().map(record).collect::<Vec<_>>()))
        .collect();
    let mut shares: Vec<Vec<Vec<u8>>> = vec![Vec::new(); tokens.len()];
    for (i, body) in bodies.into_iter().enumerate() {
        shares[i % tokens.len()].push(body);
    }
    let cpu_before = process_cpu_secs();
    let started = Instant::now();
    let mut devices = tokio::task::JoinSet::new();
    for (token, share) in tokens.iter().cloned().zip(shares) {
        let http = http.clone();
        let base = base.to_owned();
        devices.spawn(async move {
            let mut accepted = 0;
            for body in share {
                let r: Value = push_request(&http, &base, &token, body)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                accepted += r["results"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter(|x| x["outcome"]["status"] == "accepted")
                            .count()
                    })
                    .unwrap_or(0);
            }
            accepted
        });
    }
    let mut accepted = 0;
    while let Some(n) = devices.join_next().await {
        accepted += n.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    (accepted, secs, process_cpu_secs() - cpu_before)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let total = arg("--households", 2000) as usize;
    let devices = arg("--devices", 200) as usize;
    let seconds = arg("--seconds", 60);

    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(Config::with_data_dir(dir.path().join("data"))).unwrap();
    let users = 10;
    for u in 0..users {
        state
            .accounts
            .create_user(NewUser {
                username: format!("bench{u}"),
                password_hash: hash_password(PASSWORD).unwrap(),
                role: Role::Enumerator,
                wilayah: "320102".into(),
            })
            .unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(pendata_server::serve_state(
        state.clone(),
        listener,
        async move {
            let _ = stop_rx.await;
        },
    ));

    // ---- (a) throughput against a raw insert anchor ----
    let photos_missing = std::env::args().any(|a| a == "--photos-missing");
    if !photos_missing {
        let http = reqwest::Client::new();
        let token = login(&http, &base, "bench0").await;
        let mut shas = Vec::new();
        for i in 0..example().photos.len() {
            let bytes = jpeg(i as u8 + 1);
            let sha = Sha256Hex::digest(&bytes);
            let r = http
                .put(format!(
                    "{base}/api/v1/photos/{}?offset=0&total={}",
                    sha.as_str(),
                    bytes.len()
                ))
                .bearer_auth(&token)
                .header("content-type", "application/octet-stream")
                .body(bytes.clone())
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "photo upload: {}", r.status());
            shas.push((sha, bytes.len() as u64));
        }
        PHOTO_SHAS.set(shas).unwrap();
    }
    // The headline: `ingest_devices` devices at once, each pushing its share one batch after
    // another as the sync engine does. Then, informative, one device alone with as many new
    // households (the server's database already holds the first ones).
    let ingest_devices = (arg("--ingest-devices", 2) as usize).max(1);
    let households: Vec<Household> = (0..total as u64).map(household).collect();
    let alone: Vec<Household> = (total as u64..2 * total as u64).map(household).collect();
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for _ in 0..ingest_devices {
        tokens.push(login(&http, &base, "bench0").await);
    }
    let many = push_all(&http, &base, &tokens, &households).await;
    let one = push_all(&http, &base, &tokens[..1], &alone).await;
    let (accepted, http_secs, http_cpu) = many;
    let http_rate = total as f64 / http_secs;
    let one_rate = total as f64 / one.1;

    let raw_path = dir.path().join("raw.db");
    let jsons: Vec<(String, String)> = households
        .iter()
        .map(|h| (h.id.to_string(), serde_json::to_string(h).unwrap()))
        .collect();
    let started = Instant::now();
    {
        let mut conn = rusqlite::Connection::open(&raw_path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "synchronous", "FULL").unwrap();
        conn.execute_batch("CREATE TABLE h (id TEXT PRIMARY KEY, json TEXT NOT NULL)")
            .unwrap();
        let tx = conn.transaction().unwrap();
        {
            let mut stmt = tx
                .prepare("INSERT INTO h (id, json) VALUES (?1, ?2)")
                .unwrap();
            for (id, j) in &jsons {
                stmt.execute([id, j]).unwrap();
            }
        }
        tx.commit().unwrap();
    }
    let raw_secs = started.elapsed().as_secs_f64();
    let raw_rate = total as f64 / raw_secs;
    let rows_rate = server_rows_insert(&dir.path().join("rows.db"), &households);

    // ---- (b) many devices pushing and pulling ----
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(devices)
        .build()
        .unwrap();
    let mut tokens = Vec::with_capacity(devices);
    for d in 0..devices {
        tokens.push(login(&http, &base, &format!("bench{}", d % users)).await);
    }
    // What each device sends is built (and hashed) before the clock starts: on a real day each
    // of the 200 phones does that on its own CPU, not on the server's cores. Enough for 3
    // pushes per device and second (this machine has served at most ~2.1); a device that runs
    // out builds more on the fly, and that is counted.
    let per_device = seconds as usize * 3 + 2;
    let counter = Arc::new(AtomicU64::new(
        1_000_000 + (devices * per_device * 5) as u64,
    ));
    let mut queues: Vec<Vec<Vec<u8>>> = (0..devices)
        .map(|_| Vec::with_capacity(per_device))
        .collect();
    {
        let starts: Vec<u64> = (0..devices)
            .map(|d| 1_000_000 + (d * per_device * 5) as u64)
            .collect();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = devices.div_ceil(cores.max(1)).max(1);
        std::thread::scope(|scope| {
            for (qs, ss) in queues.chunks_mut(chunk).zip(starts.chunks(chunk)) {
                scope.spawn(move || {
                    for (q, start) in qs.iter_mut().zip(ss) {
                        for b in 0..per_device as u64 {
                            let n = start + b * 5;
                            let records: Vec<PushRecord> =
                                (n..n + 5).map(|i| record(&household(i))).collect();
                            q.push(batch_body(&records));
                        }
                        // Popped from the end: send in the order built.
                        q.reverse();
                    }
                });
            }
        });
    }
    let errors = Arc::new(AtomicU64::new(0));
    let built_in_loop = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (token, mut queue) in tokens.into_iter().zip(queues) {
        let (http, base, errors, counter, built_in_loop) = (
            http.clone(),
            base.clone(),
            errors.clone(),
            counter.clone(),
            built_in_loop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut cursor = String::new();
            while Instant::now() < deadline {
                let body = match queue.pop() {
                    Some(body) => body,
                    None => {
                        built_in_loop.fetch_add(1, Ordering::Relaxed);
                        let n = counter.fetch_add(5, Ordering::Relaxed);
                        let records: Vec<PushRecord> =
                            (n..n + 5).map(|i| record(&household(i))).collect();
                        batch_body(&records)
                    }
                };
                let t = Instant::now();
                // The answer is read, as the sync engine reads its results (an unread body
                // would also cost the connection).
                let ok = match push_request(&http, &base, &token, body).send().await {
                    Ok(r) => {
                        let success = r.status().is_success();
                        r.bytes().await.is_ok() && success
                    }
                    Err(_) => false,
                };
                latencies.push(t.elapsed().as_secs_f64());
                if !ok {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                let t = Instant::now();
                let page = http
                    .get(format!("{base}/api/v1/pull?cursor={cursor}&limit=100"))
                    .bearer_auth(&token)
                    .send()
                    .await;
                match page {
                    Ok(r) if r.status().is_success() => {
                        if let Ok(v) = r.json::<Value>().await {
                            cursor = v["next_cursor"].as_str().unwrap_or("").to_owned();
                        }
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                latencies.push(t.elapsed().as_secs_f64());
            }
            latencies
        }));
    }
    let probe = {
        let (http, base) = (http.clone(), base.clone());
        tokio::spawn(async move {
            let mut worst: f64 = 0.0;
            let mut failures = 0u64;
            let mut probes = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                let ok = http
                    .get(format!("{base}/healthz"))
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false);
                worst = worst.max(t.elapsed().as_secs_f64());
                probes += 1;
                if !ok {
                    failures += 1;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            (probes, failures, worst)
        })
    };
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let (probes, probe_failures, probe_worst) = probe.await.unwrap();
    all.sort_by(|a, b| a.total_cmp(b));
    let requests = all.len();

    let _ = stop_tx.send(());
    server.await.unwrap().unwrap();

    let out = json!({
        "throughput": {
            "households": total,
            "members_per_household": households.first().map(|h| h.members.len()),
            "batch": BATCH,
            "accepted": accepted,
            "ingest_devices": ingest_devices,
            "photos_uploaded_first": !photos_missing,
            "http_households_per_s": (http_rate * 10.0).round() / 10.0,
            "http_cpu_ms_per_household": (http_cpu / total as f64 * 1e6).round() / 1000.0,
            "raw_insert_households_per_s": (raw_rate * 10.0).round() / 10.0,
            "ratio_http_to_raw": (http_rate / raw_rate * 1000.0).round() / 1000.0,
            "one_device_accepted": one.0,
            "one_device_households_per_s": (one_rate * 10.0).round() / 10.0,
            "one_device_cpu_ms_per_household": (one.2 / total as f64 * 1e6).round() / 1000.0,
            "ratio_one_device_to_raw": (one_rate / raw_rate * 1000.0).round() / 1000.0,
            "raw_server_rows_households_per_s": (rows_rate * 10.0).round() / 10.0,
            "ratio_http_to_raw_server_rows": (http_rate / rows_rate * 1000.0).round() / 1000.0,
            "goal_ratio": 0.5,
        },
        "load": {
            "devices": devices,
            "seconds": seconds,
            "requests": requests,
            "requests_per_s": (requests as f64 / seconds as f64 * 10.0).round() / 10.0,
            "bodies_prebuilt_per_device": per_device,
            "bodies_built_during_run": built_in_loop.load(Ordering::Relaxed),
            "errors": errors.load(Ordering::Relaxed),
            "p50_ms": (percentile(&all, 0.50) * 1000.0).round(),
            "p99_ms": (percentile(&all, 0.99) * 1000.0).round(),
            "max_ms": (all.last().copied().unwrap_or(0.0) * 1000.0).round(),
            "goal_p99_ms": 1000,
            "healthz_probes": probes,
            "healthz_failures": probe_failures,
            "healthz_worst_ms": (probe_worst * 1000.0).round(),
        },
    });
    println!("{out}");
}
