//! Pushing households as the sync engine does, for the ingest benchmarks (ingest_bench on
//! SQLite, pg_bench on PostgreSQL + S3): the example household with fresh ids referencing nine
//! uploaded photos, batches of `MAX_BATCH_RECORDS` gzipped as the engine sends them, devices that
//! each send their next batch once the last one is answered.
//!
//! Included by both examples with `#[path]` next to `common/households.rs` (as `mod households`);
//! each uses a part of it.
#![allow(dead_code)]

use std::time::Instant;

use pendata_shared::model::Household;
use pendata_shared::protocol::{
    Change, PushBatch, PushRecord, MAX_BATCH_RECORDS, PROTOCOL_VERSION,
};
use pendata_shared::{BatchId, DeviceId, RevisionId, Sha256Hex};
use serde_json::{json, Value};

pub const EXAMPLE: &str = include_str!("../../../assets/examples/household.json");
pub const PASSWORD: &str = "bench-password-123";
/// Records per push, as the sync engine sends them.
pub const BATCH: usize = MAX_BATCH_RECORDS;

/// The value of `--name N` on the command line, or `default`.
pub fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The example household, parsed once.
pub fn example() -> &'static Household {
    static EX: std::sync::OnceLock<Household> = std::sync::OnceLock::new();
    EX.get_or_init(|| serde_json::from_str(EXAMPLE).unwrap())
}

/// The SHA-256s the households reference, set once the photos are uploaded.
pub static PHOTO_SHAS: std::sync::OnceLock<Vec<(Sha256Hex, u64)>> = std::sync::OnceLock::new();

/// A small real JPEG, different for each `seed`.
pub fn jpeg(seed: u8) -> Vec<u8> {
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
pub fn household(n: u64) -> Household {
    crate::households::fresh(example(), n, PHOTO_SHAS.get().map_or(&[], Vec::as_slice))
}

pub fn record(h: &Household) -> PushRecord {
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
pub fn batch_body(records: &[PushRecord]) -> Vec<u8> {
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
pub fn push_request(
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

pub async fn login(http: &reqwest::Client, base: &str, user: &str) -> String {
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

/// Uploads the nine photos the households reference (one chunk each) through `base` and
/// keeps their SHA-256s for [`household`].
pub async fn upload_photos(http: &reqwest::Client, base: &str, token: &str) {
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
            .bearer_auth(token)
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

/// CPU seconds of process `pid` (`"self"` for this one; all threads, user + system), from
/// /proc/PID/stat at the usual 100 ticks per second; 0 where that file does not exist.
pub fn cpu_secs_of(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
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

/// CPU seconds this process has used ([`cpu_secs_of`] `"self"`).
pub fn process_cpu_secs() -> f64 {
    cpu_secs_of("self")
}

/// Pushes `households` in batches of [`BATCH`], the batches dealt in turn to the devices
/// whose `tokens` are given; device `k` talks to `bases[k % bases.len()]` (one server, or
/// several processes on one database) and sends its next batch once the last one is answered
/// (as the sync engine does). Answers (households accepted, seconds, CPU seconds of this
/// process: the clients, and the server when it runs in this process).
pub async fn push_all(
    http: &reqwest::Client,
    bases: &[String],
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
    for (k, (token, share)) in tokens.iter().cloned().zip(shares).enumerate() {
        let http = http.clone();
        let base = bases[k % bases.len()].clone();
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

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}
