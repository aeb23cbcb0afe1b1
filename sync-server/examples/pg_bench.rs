//! Benchmark of the PostgreSQL + S3 deployment (not a test): prints one JSON object.
//!
//! Runs inside `pg_virtualenv -t tests/s3/with-s3` (a throwaway PostgreSQL cluster and a
//! SeaweedFS S3 server, as scripts/test uses them; scripts/bench does this). Real
//! `pendata-server` processes (the release binary beside this example) are started on one
//! fresh schema and one bucket prefix, with `PENDATA_DATABASE_URL` and `PENDATA_BLOB_URL`.
//!
//! (a) Ingest, measured side by side in each of `--repeats` rounds (medians reported):
//!     `--households` households (the example household, 5 members, fresh ids) pushed through
//!     the real HTTP API as the sync engine sends them (batches of 200, gzipped, the nine
//!     photos they reference uploaded first, `--ingest-devices` devices each sending its next
//!     batch when the last is answered), once through ONE server process and once with the
//!     same devices dealt over TWO processes (the order alternates between rounds, as the
//!     database grows); and a raw bulk `COPY ... FROM STDIN (FORMAT binary)` of the same
//!     households (id, JSON) into a table of the same database, in one transaction. Figures:
//!     one process ÷ COPY (`ratio_http_to_raw_copy`, goal ≥ 0.5) and two processes ÷ one
//!     (`two_servers_speedup`, goal ≥ 1.6). Beside them, the CPU seconds each part used in the
//!     runs (server processes, PostgreSQL backends, SeaweedFS, this process's clients): on a
//!     machine of 2 cores they say what bounds the second process.
//! (b) Photos: `--photos` distinct camera-like JPEGs (~0.2 MB, the size class of the pipeline's
//!     output) uploaded in the phones' 256 KiB chunks by the same devices over both processes:
//!     photos/s, MB/s, and the PostgreSQL WAL written per photo byte (the chunks are staged in
//!     PostgreSQL before the one PUT to the bucket). Before them, the database's bytes per
//!     stored household (tables, indexes and TOAST of the schema, the COPY tables left out).
//! (c) Load: `--devices` devices (sessions made in the store) pushing 5 new households and
//!     pulling in a closed loop with no pause for `--seconds`, dealt over the two processes
//!     (common/load.rs, the loop ingest_bench runs on SQLite): errors, p50/p99, /healthz.
//!
//! `pg_virtualenv -t tests/s3/with-s3 target/release/examples/pg_bench [--households 3000]
//!  [--repeats 3] [--ingest-devices 4] [--photos 300] [--devices 500] [--seconds 60] [--prebuilt N]
//!  [--out FILE]` (the JSON goes to FILE instead of stdout, which the wrappers also write to)
//! (build: `cargo build --release -p pendata-server --example pg_bench --bin pendata-server`)
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/households.rs"]
mod households;
#[path = "common/load.rs"]
mod load;
#[path = "common/push.rs"]
mod push;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pendata_server::auth::{hash_password, hash_token};
use pendata_server::store::postgres::testing;
use pendata_server::store::{NewUser, Role};
use pendata_server::{AppState, Config};
use pendata_shared::model::Household;
use push::{arg, cpu_secs_of, household, login, push_all, upload_photos, BATCH, PASSWORD};
use serde_json::{json, Value};

/// A `pendata-server serve` process; killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(bin: &Path, dir: &Path, database: &str, blob_url: &str) -> Server {
        std::fs::create_dir_all(dir).unwrap();
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let log = std::fs::File::create(dir.join("server.log")).unwrap();
        let child = Command::new(bin)
            .arg("--data-dir")
            .arg(dir.join("data"))
            .args(["serve", "--listen", &addr.to_string()])
            .env("PENDATA_DATABASE_URL", database)
            .env("PENDATA_BLOB_URL", blob_url)
            .env("PENDATA_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
        Server {
            child,
            base: format!("http://{addr}"),
        }
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }

    async fn wait_healthy(&self, http: &reqwest::Client) {
        let start = Instant::now();
        loop {
            if let Ok(r) = http.get(format!("{}/healthz", self.base)).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{} did not become healthy",
                self.base
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The parent of process `pid`.
fn parent_of(pid: &str) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    after.split_whitespace().nth(1).map(str::to_owned)
}

/// CPU seconds used so far by the children of `parent` (named `comm`, if given). Only this
/// run's processes: other PostgreSQL clusters or S3 servers on the machine are not counted.
fn cpu_of_children(parent: &str, comm: Option<&str>) -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|pid| pid.bytes().all(|b| b.is_ascii_digit()))
        .filter(|pid| parent_of(pid).as_deref() == Some(parent))
        .filter(|pid| {
            comm.is_none_or(|comm| {
                std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == comm)
            })
        })
        .map(|pid| cpu_secs_of(&pid))
        .sum()
}

/// The processes whose CPU is counted: the PostgreSQL postmaster of this run's cluster (its
/// backends are its children) and the shell of tests/s3/with-s3 (SeaweedFS is its child).
struct Parts {
    postmaster: String,
    s3_shell: String,
}

/// CPU seconds so far of each part of the deployment.
fn cpu_snapshot(servers: &[Server], parts: &Parts) -> BTreeMap<&'static str, f64> {
    BTreeMap::from([
        (
            "server_processes",
            servers.iter().map(|s| cpu_secs_of(&s.pid())).sum(),
        ),
        (
            "postgres",
            cpu_secs_of(&parts.postmaster) + cpu_of_children(&parts.postmaster, None),
        ),
        ("seaweedfs", cpu_of_children(&parts.s3_shell, Some("weed"))),
        ("bench_clients", cpu_secs_of("self")),
    ])
}

/// One ingest run: households/s and the CPU seconds each part used.
async fn ingest_run(
    http: &reqwest::Client,
    bases: &[String],
    tokens: &[String],
    households: &[Household],
    servers: &[Server],
    parts: &Parts,
) -> (f64, Value) {
    let before = cpu_snapshot(servers, parts);
    let (accepted, secs, _) = push_all(http, bases, tokens, households).await;
    let after = cpu_snapshot(servers, parts);
    assert_eq!(accepted, households.len(), "every household accepted");
    let mut cpu = serde_json::Map::new();
    let mut total = 0.0;
    for (k, v) in &after {
        let used = v - before[k];
        total += used;
        cpu.insert((*k).into(), json!(round(used, 2)));
    }
    cpu.insert("total".into(), json!(round(total, 2)));
    cpu.insert("wall_seconds".into(), json!(round(secs, 2)));
    cpu.insert("cores_busy".into(), json!(round(total / secs, 2)));
    (households.len() as f64 / secs, Value::Object(cpu))
}

/// Households/s of a raw bulk COPY of `households` (id, JSON) into a new table of the schema,
/// in one transaction, timed from BEGIN to COMMIT.
async fn raw_copy(schema: &tokio_postgres::Config, households: &[Household], round: usize) -> f64 {
    use tokio_postgres::binary_copy::BinaryCopyInWriter;
    use tokio_postgres::types::Type;
    let rows: Vec<(uuid::Uuid, String)> = households
        .iter()
        .map(|h| (h.id.0, serde_json::to_string(h).unwrap()))
        .collect();
    let (mut client, connection) = schema.connect(tokio_postgres::NoTls).await.unwrap();
    let driver = tokio::spawn(connection);
    let table = format!("raw_households_{round}");
    client
        .batch_execute(&format!(
            "CREATE TABLE {table} (id uuid PRIMARY KEY, json text NOT NULL)"
        ))
        .await
        .unwrap();
    let started = Instant::now();
    let tx = client.transaction().await.unwrap();
    let sink = tx
        .copy_in(&format!(
            "COPY {table} (id, json) FROM STDIN (FORMAT binary)"
        ))
        .await
        .unwrap();
    let writer = BinaryCopyInWriter::new(sink, &[Type::UUID, Type::TEXT]);
    tokio::pin!(writer);
    for (id, j) in &rows {
        let row: [&(dyn tokio_postgres::types::ToSql + Sync); 2] = [id, j];
        writer.as_mut().write(&row).await.unwrap();
    }
    let copied = writer.finish().await.unwrap();
    tx.commit().await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(copied as usize, rows.len());
    drop(client);
    let _ = driver.await;
    rows.len() as f64 / secs
}

/// A camera-like JPEG of ~0.2 MB (640x480, gradients and noise, quality 85).
fn camera_photo() -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let img = image::RgbImage::from_fn(640, 480, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state % 48) as u8;
        image::Rgb([
            ((x * 255 / 640) as u8).saturating_add(n),
            ((y * 255 / 480) as u8).saturating_add(n / 2),
            n,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .unwrap();
    out
}

/// `base` with a JPEG comment segment carrying `tag` after the SOI: a distinct valid JPEG.
fn tagged(base: &[u8], tag: &str) -> Vec<u8> {
    let len = (tag.len() + 2) as u16;
    let mut out = base[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&base[2..]);
    out
}

/// Uploads `photos` in 256 KiB chunks as phones do, the photos dealt over the devices
/// (`tokens`), device `k` talking to `bases[k % bases.len()]`. Answers the seconds taken.
async fn upload_all(
    http: &reqwest::Client,
    bases: &[String],
    tokens: &[String],
    photos: Vec<Vec<u8>>,
) -> f64 {
    const CHUNK: usize = pendata_shared::protocol::PHOTO_CHUNK_BYTES as usize;
    let mut shares: Vec<Vec<Vec<u8>>> = vec![Vec::new(); tokens.len()];
    for (i, p) in photos.into_iter().enumerate() {
        shares[i % tokens.len()].push(p);
    }
    let started = Instant::now();
    let mut devices = tokio::task::JoinSet::new();
    for (k, (token, share)) in tokens.iter().cloned().zip(shares).enumerate() {
        let http = http.clone();
        let base = bases[k % bases.len()].clone();
        devices.spawn(async move {
            for bytes in share {
                let sha = pendata_shared::Sha256Hex::digest(&bytes);
                for (n, chunk) in bytes.chunks(CHUNK).enumerate() {
                    let r = http
                        .put(format!(
                            "{base}/api/v1/photos/{}?offset={}&total={}",
                            sha.as_str(),
                            n * CHUNK,
                            bytes.len()
                        ))
                        .bearer_auth(&token)
                        .header("content-type", "application/octet-stream")
                        .body(chunk.to_vec())
                        .send()
                        .await
                        .unwrap();
                    assert!(r.status().is_success(), "photo chunk: {}", r.status());
                }
            }
        });
    }
    while let Some(done) = devices.join_next().await {
        done.unwrap();
    }
    started.elapsed().as_secs_f64()
}

/// One query's first value on a connection of its own.
async fn query_i64(schema: &tokio_postgres::Config, sql: &str) -> i64 {
    let (client, connection) = schema.connect(tokio_postgres::NoTls).await.unwrap();
    let driver = tokio::spawn(connection);
    let v: i64 = client.query_one(sql, &[]).await.unwrap().get(0);
    drop(client);
    let _ = driver.await;
    v
}

/// The cluster's WAL position in bytes.
async fn wal_bytes(schema: &tokio_postgres::Config) -> i64 {
    query_i64(
        schema,
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint",
    )
    .await
}

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    match s.len() {
        0 => 0.0,
        n if n % 2 == 1 => s[n / 2],
        n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
    }
}

/// The release `pendata-server` beside this example (target/release/examples/pg_bench).
fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("pendata-server"))
        .unwrap();
    assert!(
        bin.exists(),
        "{} is missing: cargo build --release -p pendata-server --bin pendata-server",
        bin.display()
    );
    bin
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let total = arg("--households", 3000) as usize;
    let repeats = arg("--repeats", 3).max(1) as usize;
    let ingest_devices = arg("--ingest-devices", 4).max(1) as usize;
    let devices = arg("--devices", 500) as usize;
    let seconds = arg("--seconds", 60);
    let per_device = arg("--prebuilt", seconds + 2) as usize;

    let Some(base) = testing::test_config() else {
        eprintln!("pg_bench: no PostgreSQL (run it inside pg_virtualenv -t tests/s3/with-s3)");
        std::process::exit(2);
    };
    let Ok(bucket) = std::env::var("PENDATA_TEST_S3_BUCKET") else {
        eprintln!("pg_bench: no S3 server (run it inside pg_virtualenv -t tests/s3/with-s3)");
        std::process::exit(2);
    };
    let schema = testing::fresh_schema(&base, "bench");
    let database = testing::url_of(&schema);
    let blob_url = format!(
        "s3://{bucket}/{}",
        pendata_server::store::s3::testing::fresh_prefix("bench")
    );
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(
        Config::with_data_dir(dir.path().join("setup"))
            .with_storage(Some(&database), Some(&blob_url))
            .unwrap(),
    )
    .unwrap();
    let users = 10;
    let mut user_ids = Vec::new();
    for u in 0..users {
        let user = state
            .accounts
            .create_user(NewUser {
                username: format!("bench{u}"),
                password_hash: hash_password(PASSWORD).unwrap(),
                role: Role::Enumerator,
                wilayah: "320102".into(),
            })
            .unwrap();
        user_ids.push(user.id);
    }
    let bin = server_binary();
    let servers = [
        Server::start(&bin, &dir.path().join("a"), &database, &blob_url),
        Server::start(&bin, &dir.path().join("b"), &database, &blob_url),
    ];
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(devices.max(16))
        .build()
        .unwrap();
    for s in &servers {
        s.wait_healthy(&http).await;
    }
    let backend = query_i64(&schema, "SELECT pg_backend_pid()::bigint").await;
    let parts = Parts {
        postmaster: parent_of(&backend.to_string()).unwrap_or_default(),
        s3_shell: std::os::unix::process::parent_id().to_string(),
    };
    let one: Vec<String> = vec![servers[0].base.clone()];
    let two: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();

    // ---- (a) ingest: one process, two processes, raw COPY, side by side per round ----
    let token = login(&http, &one[0], "bench0").await;
    upload_photos(&http, &one[0], &token).await;
    let mut tokens = Vec::new();
    for _ in 0..ingest_devices {
        tokens.push(login(&http, &one[0], "bench0").await);
    }
    let mut serial = 0u64;
    let mut batch = |n: usize| -> Vec<Household> {
        let out = (serial..serial + n as u64).map(household).collect();
        serial += n as u64;
        out
    };
    let (mut one_rates, mut two_rates, mut copy_rates) = (Vec::new(), Vec::new(), Vec::new());
    let (mut ratios, mut speedups) = (Vec::new(), Vec::new());
    let mut cpu_runs = Vec::new();
    for r in 0..repeats {
        let (for_one, for_two) = (batch(total), batch(total));
        let ((rate_one, cpu_one), (rate_two, cpu_two)) = if r % 2 == 0 {
            let a = ingest_run(&http, &one, &tokens, &for_one, &servers, &parts).await;
            let b = ingest_run(&http, &two, &tokens, &for_two, &servers, &parts).await;
            (a, b)
        } else {
            let b = ingest_run(&http, &two, &tokens, &for_two, &servers, &parts).await;
            let a = ingest_run(&http, &one, &tokens, &for_one, &servers, &parts).await;
            (a, b)
        };
        let rate_copy = raw_copy(&schema, &for_one, r).await;
        eprintln!(
            "round {r}: one process {rate_one:.0}/s, two {rate_two:.0}/s, COPY {rate_copy:.0}/s"
        );
        one_rates.push(round(rate_one, 1));
        two_rates.push(round(rate_two, 1));
        copy_rates.push(round(rate_copy, 1));
        ratios.push(rate_one / rate_copy);
        speedups.push(rate_two / rate_one);
        cpu_runs.push(json!({"one_process": cpu_one, "two_processes": cpu_two}));
    }

    // ---- (b) bytes per household; photos through both processes and the WAL they cost ----
    // Measured before the photos: their staged chunks leave dead rows until a vacuum.
    let stored_households = query_i64(&schema, "SELECT count(*) FROM households").await;
    let schema_bytes = query_i64(
        &schema,
        "SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm') \
         AND c.relname NOT LIKE 'raw_households_%'",
    )
    .await;
    let photo_count = arg("--photos", 300) as usize;
    let base_photo = camera_photo();
    let photos: Vec<Vec<u8>> = (0..photo_count)
        .map(|i| tagged(&base_photo, &format!("foto {i}")))
        .collect();
    let photo_bytes: usize = photos.iter().map(Vec::len).sum();
    let wal_before = wal_bytes(&schema).await;
    let before = cpu_snapshot(&servers, &parts);
    let photo_secs = upload_all(&http, &two, &tokens, photos).await;
    let after = cpu_snapshot(&servers, &parts);
    let wal = wal_bytes(&schema).await - wal_before;
    let photo_cpu: serde_json::Map<String, Value> = after
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(round(v - before[k], 2))))
        .collect();
    // ---- (c) many devices pushing and pulling through both processes ----
    // On a blocking thread, as the server calls its stores: the PostgreSQL store blocks its
    // thread on each call, and hundreds of calls in one poll of an async task spin forever
    // once tokio's cooperative budget of that poll is spent.
    let accounts = state.accounts.clone();
    let tokens = tokio::task::spawn_blocking(move || {
        (0..devices)
            .map(|d| {
                let token = format!("bench-{}-{}", uuid::Uuid::now_v7(), uuid::Uuid::new_v4());
                accounts
                    .create_session(
                        user_ids[d % users],
                        uuid::Uuid::now_v7(),
                        "bench",
                        hash_token(&token),
                    )
                    .unwrap();
                token
            })
            .collect::<Vec<String>>()
    })
    .await
    .unwrap();
    let load = load::run(&http, &two, tokens, seconds, per_device, 10_000_000).await;
    drop(servers);

    let out = json!({
        "pg": {
            "households_per_run": total,
            "members_per_household": push::example().members.len(),
            "batch": BATCH,
            "repeats": repeats,
            "ingest_devices": ingest_devices,
            "photos": "uploaded first, to the S3 store (SeaweedFS on loopback)",
            "one_process_households_per_s": one_rates,
            "two_processes_households_per_s": two_rates,
            "raw_copy_households_per_s": copy_rates,
            "one_process_households_per_s_median": round(median(&one_rates), 1),
            "two_processes_households_per_s_median": round(median(&two_rates), 1),
            "raw_copy_households_per_s_median": round(median(&copy_rates), 1),
            "ratio_http_to_raw_copy": round(median(&ratios), 3),
            "two_servers_speedup": round(median(&speedups), 3),
            "goal_ratio": 0.5,
            "goal_speedup": 1.6,
            "cpu_seconds_by_round": cpu_runs,
            "photo_upload": {
                "photos": photo_count,
                "mean_bytes": photo_bytes / photo_count.max(1),
                "seconds": round(photo_secs, 2),
                "photos_per_s": round(photo_count as f64 / photo_secs, 1),
                "mb_per_s": round(photo_bytes as f64 / photo_secs / 1e6, 2),
                "wal_bytes_per_photo_byte": round(wal as f64 / photo_bytes.max(1) as f64, 2),
                "cpu_seconds": photo_cpu,
            },
            "stored_households": stored_households,
            "database_bytes": schema_bytes,
            "database_bytes_per_household": schema_bytes / stored_households.max(1),
            "cpus": std::thread::available_parallelism().map_or(1, |n| n.get()),
        },
        "load": load,
    });
    let args: Vec<String> = std::env::args().collect();
    match args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
    {
        Some(path) => std::fs::write(path, format!("{out}\n")).unwrap(),
        None => println!("{out}"),
    }
}
