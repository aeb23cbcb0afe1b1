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
#[path = "common/load.rs"]
mod load;
#[path = "common/push.rs"]
mod push;

use std::time::Instant;

use pendata_server::auth::hash_password;
use pendata_server::store::{NewUser, Role};
use pendata_server::{AppState, Config};
use pendata_shared::model::Household;
use pendata_shared::protocol::Change;
use pendata_shared::{DeviceId, RevisionId, Sha256Hex};
use push::{arg, household, login, push_all, upload_photos, BATCH, PASSWORD};
use serde_json::json;

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
        upload_photos(&http, &base, &token).await;
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
    let bases = [base.clone()];
    let many = push_all(&http, &bases, &tokens, &households).await;
    let one = push_all(&http, &bases, &tokens[..1], &alone).await;
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
    let load = load::run(&http, &bases, tokens, seconds, per_device, 1_000_000).await;

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
        "load": load,
    });
    println!("{out}");
}
