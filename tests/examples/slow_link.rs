//! Benchmark: a day's work over a slow link (issue 5 §5). Not a test: `scripts/bench-link`.
//!
//! Two network stacks joined by a veth pair: the benchmark (the client) in the root namespace,
//! the real `pendata-server` binary in a namespace of its own. Both directions are shaped by
//! the kernel to 1 Mbit/s with `tc qdisc ... tbf rate 1mbit burst 16kb latency 500ms`:
//! a 16 KB bucket (more than rate/HZ, small against a 256 KiB chunk) and a queue of about
//! 500 ms at line rate (~62 KB, a modem-like buffer that does not drop TCP's bursts).
//!
//! The client is the real sync engine over a real encrypted `Device`: 40 usulan baru
//! households with nine photos each (`--quick`: 5), the photos run once through the app's photo
//! pipeline (1600 px, quality 80) and made distinct per household by a JPEG comment segment.
//! Reported (stdout and `--out FILE.json`):
//!
//! * `payload_bytes`: photo bytes plus the gzipped push bodies the protocol must carry;
//! * `wire_bytes`: bytes through the veth in both directions (/sys/class/net/*/statistics);
//! * `seconds`: wall time of the sync; `sync_link_efficiency` = payload ÷ (seconds × link
//!   rate), goal ≥ 0.9;
//! * `resent_bytes_after_cut`: a second sync of one more household goes through the fault
//!   proxy (root namespace, so its bytes still cross the shaped link), which forwards half of
//!   the second photo's chunk and then closes both TCP connections; the engine's count of
//!   bytes sent again, goal ≤ one chunk (262144).
//!
//! Where root, `ip`, `tc` or network namespaces are unavailable it says why, writes
//! `{"skipped": "..."}` and exits 0. The namespace and the veth are removed on every exit
//! (also on error and Ctrl-C).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pendata_core::photo::{process, PhotoConfig};
use pendata_core::sync::client::maybe_gzip;
use pendata_core::sync::SyncStore;
use pendata_e2e::procs::{binary, wait_healthy};
use pendata_e2e::proxy::{Fault, FaultSchedule, Proxy};
use pendata_e2e::workload::{camera_jpeg_sized, capture_usulan, Jpeg};
use pendata_e2e::{example_household, new_device, PASSWORD};
use pendata_server::auth::hash_password;
use pendata_server::store::{NewUser, Role};
use pendata_server::{AppState, Config};
use pendata_shared::protocol::{PushBatch, PHOTO_CHUNK_BYTES, PROTOCOL_VERSION};

const RATE_BITS: f64 = 1_000_000.0;
const SERVER_IP: &str = "10.231.0.2";
const CLIENT_IP: &str = "10.231.0.1";
const PORT: u16 = 8080;

struct Names {
    ns: String,
    host_if: String,
    ns_if: String,
}

impl Names {
    fn new() -> Self {
        let pid = std::process::id() % 100_000;
        Names {
            ns: format!("pdbench{pid}"),
            host_if: format!("pdb{pid}a"),
            ns_if: format!("pdb{pid}b"),
        }
    }
}

fn sh(args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new(args[0]).args(&args[1..]).output()?;
    anyhow::ensure!(
        out.status.success(),
        "{} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn cleanup(n: &Names) {
    let _ = Command::new("ip")
        .args(["link", "del", &n.host_if])
        .stderr(Stdio::null())
        .status();
    let _ = Command::new("ip")
        .args(["netns", "del", &n.ns])
        .stderr(Stdio::null())
        .status();
}

/// Removes the namespace and the veth when dropped (errors and panics included).
struct Link {
    names: Names,
    server: Option<Child>,
}

impl Drop for Link {
    fn drop(&mut self) {
        if let Some(mut c) = self.server.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        cleanup(&self.names);
    }
}

fn setup(names: Names) -> anyhow::Result<Link> {
    let link = Link {
        names,
        server: None,
    };
    let n = &link.names;
    sh(&["ip", "netns", "add", &n.ns])?;
    sh(&[
        "ip", "link", "add", &n.host_if, "type", "veth", "peer", "name", &n.ns_if,
    ])?;
    sh(&["ip", "link", "set", &n.ns_if, "netns", &n.ns])?;
    sh(&[
        "ip",
        "addr",
        "add",
        &format!("{CLIENT_IP}/24"),
        "dev",
        &n.host_if,
    ])?;
    sh(&["ip", "link", "set", &n.host_if, "up"])?;
    let inns = |args: &[&str]| {
        let mut v = vec!["ip", "netns", "exec", n.ns.as_str()];
        v.extend_from_slice(args);
        sh(&v)
    };
    inns(&[
        "ip",
        "addr",
        "add",
        &format!("{SERVER_IP}/24"),
        "dev",
        &n.ns_if,
    ])?;
    inns(&["ip", "link", "set", &n.ns_if, "up"])?;
    inns(&["ip", "link", "set", "lo", "up"])?;
    let tbf = [
        "root", "tbf", "rate", "1mbit", "burst", "16kb", "latency", "500ms",
    ];
    let mut host = vec!["tc", "qdisc", "add", "dev", n.host_if.as_str()];
    host.extend_from_slice(&tbf);
    sh(&host)?;
    let mut ns = vec!["tc", "qdisc", "add", "dev", n.ns_if.as_str()];
    ns.extend_from_slice(&tbf);
    inns(&ns)?;
    Ok(link)
}

fn counters(iface: &str) -> anyhow::Result<u64> {
    let read = |f: &str| -> anyhow::Result<u64> {
        Ok(
            std::fs::read_to_string(format!("/sys/class/net/{iface}/statistics/{f}"))?
                .trim()
                .parse()?,
        )
    };
    Ok(read("tx_bytes")? + read("rx_bytes")?)
}

fn skip(out: Option<&Path>, why: &str) -> anyhow::Result<()> {
    println!("slow_link: skipped: {why}");
    if let Some(p) = out {
        std::fs::write(
            p,
            serde_json::to_vec_pretty(&serde_json::json!({ "skipped": why }))?,
        )?;
    }
    Ok(())
}

fn prepare_server(dir: &Path) -> anyhow::Result<()> {
    let state = AppState::open(Config::with_data_dir(dir))?;
    state.accounts.create_user(NewUser {
        username: "tksk.lambat".into(),
        password_hash: hash_password(PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?,
        role: Role::Enumerator,
        wilayah: "320102".into(),
    })?;
    Ok(())
}

/// Nine photos as the app stores them: camera-like captures through the photo pipeline.
fn pipeline_set() -> anyhow::Result<Vec<Jpeg>> {
    (0..9u32)
        .map(|k| {
            let raw = camera_jpeg_sized(7000 + k, 2000, 1500)?;
            let p = process(&raw, &PhotoConfig::standard())?;
            Ok((p.jpeg, p.width, p.height))
        })
        .collect()
}

/// What the protocol must carry for the pending records: gzipped push bodies of ≤ 200.
fn push_payload(device: &mut pendata_core::Device) -> anyhow::Result<u64> {
    let mut store = pendata_core::sync::DeviceSyncStore::new(device);
    let pending = store.pending_revisions()?;
    let mut total = 0u64;
    for chunk in pending.chunks(200) {
        let batch = PushBatch {
            protocol: PROTOCOL_VERSION,
            batch_id: pendata_shared::ids::BatchId::new(),
            device_id: pendata_shared::ids::DeviceId::new(),
            records: chunk.to_vec(),
        };
        let (body, _) = maybe_gzip(serde_json::to_vec(&batch)?)?;
        total += body.len() as u64;
    }
    Ok(total)
}

fn photo_bytes(device: &pendata_core::Device) -> anyhow::Result<u64> {
    Ok(device
        .store()
        .pending_photo_refs()?
        .iter()
        .map(|(_, b)| b)
        .sum())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let mut quick = false;
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => quick = true,
            "--out" => out = args.next().map(PathBuf::from),
            other => anyhow::bail!("unknown argument {other} (use --quick, --out FILE.json)"),
        }
    }
    let out = out.as_deref();
    if !Path::new("/proc/self/ns/net").exists() {
        return skip(out, "no network namespaces (/proc/self/ns/net missing)");
    }
    for tool in ["ip", "tc"] {
        if Command::new(tool).arg("-V").output().is_err() {
            return skip(out, &format!("`{tool}` not found (apt install iproute2)"));
        }
    }
    let names = Names::new();
    let (ns_name, host_if) = (names.ns.clone(), names.host_if.clone());
    let mut link = match setup(names) {
        Ok(l) => l,
        Err(e) => {
            return skip(
                out,
                &format!("cannot create the shaped link (root needed): {e}"),
            );
        }
    };
    // Ctrl-C: clean up, then leave.
    {
        let n = Names {
            ns: ns_name.clone(),
            host_if: host_if.clone(),
            ns_if: String::new(),
        };
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cleanup(&n);
                std::process::exit(130);
            }
        });
    }

    let households: u32 = if quick { 5 } else { 40 };
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("server");
    prepare_server(&data)?;
    let server_bin = binary("pendata-server", "pendata-server")?;
    let log = std::fs::File::create(tmp.path().join("server.log"))?;
    link.server = Some(
        Command::new("ip")
            .args(["netns", "exec", &ns_name])
            .arg(&server_bin)
            .arg("--data-dir")
            .arg(&data)
            .args(["serve", "--listen", &format!("{SERVER_IP}:{PORT}")])
            .env("PENDATA_LOG", "warn")
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?,
    );
    let addr: SocketAddr = format!("{SERVER_IP}:{PORT}").parse()?;
    wait_healthy(addr, Duration::from_secs(30))?;
    let url = format!("http://{addr}");

    eprintln!("slow_link: preparing {households} households x 9 photos (photo pipeline)...");
    let set = pipeline_set()?;
    let example = example_household()?;
    let mut device = new_device(&tmp.path().join("hp"))?;
    device
        .login(&url, None, "tksk.lambat", PASSWORD, "bench")
        .await
        .map_err(|e| anyhow::anyhow!("login: {e}"))?;
    for k in 1..=households {
        capture_usulan(&mut device, &example, k, &set, "bench")?;
    }
    let photos = households as u64 * 9;
    let payload = photo_bytes(&device)? + push_payload(&mut device)?;
    let client = device.client()?;

    eprintln!(
        "slow_link: syncing {:.1} MB over 1 Mbit/s (about {:.0} s)...",
        payload as f64 / 1e6,
        payload as f64 * 8.0 / RATE_BITS
    );
    let wire0 = counters(&host_if)?;
    let t0 = Instant::now();
    let outcome = device
        .sync_with(&client, &mut |_| {})
        .await
        .map_err(|e| anyhow::anyhow!("sync: {e}"))?;
    let seconds = t0.elapsed().as_secs_f64();
    let wire = counters(&host_if)? - wire0;
    anyhow::ensure!(
        outcome.report.issues.is_empty() && outcome.report.sent == u64::from(households),
        "the sync did not send everything: {:?}",
        outcome.report
    );
    let efficiency = payload as f64 * 8.0 / (seconds * RATE_BITS);

    // A cut in the middle of a photo: one more household; the client now talks to the server
    // through the fault proxy (in the root namespace, so every byte still crosses the shaped
    // link), which forwards the second photo's chunk only half and then closes both TCP
    // connections: the flow is killed mid-request.
    capture_usulan(&mut device, &example, households + 1, &set, "potong")?;
    let proxy = Proxy::start(addr, FaultSchedule::none()).await?;
    device
        .login(&proxy.url(), None, "tksk.lambat", PASSWORD, "bench")
        .await
        .map_err(|e| anyhow::anyhow!("login through the proxy: {e}"))?;
    let second_photo = set[1].0.len();
    // Requests: photos/missing, PUT photo 1, PUT photo 2 (cut halfway), ...
    proxy.set_schedule(FaultSchedule::script(vec![
        Fault::Pass,
        Fault::Pass,
        Fault::CutRequest {
            after_bytes: second_photo / 2,
        },
    ]));
    let proxied = device.client()?;
    let cut_wire0 = counters(&host_if)?;
    let cut_run = device
        .sync_with(&proxied, &mut |_| {})
        .await
        .map_err(|e| anyhow::anyhow!("the cut sync: {e}"))?;
    let cut_wire = counters(&host_if)? - cut_wire0;
    let cut_applied = proxy.stats().faults.cut_request == 1;
    anyhow::ensure!(
        cut_run.report.issues.is_empty() && cut_run.report.sent == 1,
        "the sync with a cut did not finish: {:?}",
        cut_run.report
    );
    let resent = cut_run.report.resent_bytes;

    let json = serde_json::json!({
        "sync_link_efficiency": (efficiency * 1000.0).round() / 1000.0,
        "resent_bytes_after_cut": resent,
        "cut_applied": cut_applied,
        "cut_photo_bytes": second_photo,
        "cut_run_wire_bytes": cut_wire,
        "chunk_bytes": PHOTO_CHUNK_BYTES,
        "payload_bytes": payload,
        "wire_bytes": wire,
        "wire_over_payload": ((wire as f64 / payload as f64) * 1000.0).round() / 1000.0,
        "seconds": (seconds * 10.0).round() / 10.0,
        "households": households,
        "photos": photos,
        "link": "veth, tbf rate 1mbit burst 16kb latency 500ms, both directions",
        "quick": quick,
    });
    println!("{}", serde_json::to_string_pretty(&json)?);
    if let Some(p) = out {
        std::fs::write(p, serde_json::to_vec_pretty(&json)?)?;
    }
    drop(link);
    Ok(())
}
