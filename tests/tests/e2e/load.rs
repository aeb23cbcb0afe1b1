//! Load: N simulated devices (tokio tasks, each with its own device session) push a new household
//! and pull, in a loop, for T seconds against the real server on a real socket, while a probe
//! asks `/healthz` every 100 ms. Asserted: 0 errors (every push answered 200 with the record
//! accepted, every pull 200) and every health probe answered 200. Reported, not asserted:
//! requests, p50 and p99 latency (the debug build's numbers; the release figures come from
//! `cargo run --release -p pendata-server --example ingest_bench`).
//!
//! Defaults: 200 devices for 8 s. Long run: `PENDATA_LOAD_DEVICES=500 PENDATA_LOAD_SECONDS=60`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use pendata_e2e::client::{batch, upsert};
use pendata_e2e::{example_household, TestServer};
use pendata_server::auth::Token;
use pendata_server::store::Role;
use pendata_shared::{Household, HouseholdId, MemberId};
use tokio::sync::Mutex;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The example household with fresh ids and NIK serials from `n`.
fn household(template: &Household, n: u64) -> Household {
    let mut h = template.clone();
    h.id = HouseholdId::new();
    h.kind = pendata_shared::RecordKind::Verivali {
        prelist_id: format!("LOAD-{n}"),
    };
    // The photos stay referenced (not uploaded): the record is accepted and waits for them.
    let serial = n % 1900 * 5 + 1;
    for (i, m) in h.members.iter_mut().enumerate() {
        let old = m.id;
        m.id = MemberId::new();
        for d in &mut h.dependents {
            if d.member_id == Some(old) {
                d.member_id = Some(m.id);
            }
        }
        if let Some(nik) = m.nik.clone() {
            let new = format!("{}{:04}", &nik[..12], serial + i as u64);
            for d in &mut h.dependents {
                if d.nik.as_deref() == Some(nik.as_str()) {
                    d.nik = Some(new.clone());
                }
            }
            m.nik = Some(new);
        }
    }
    h
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn devices_push_and_pull_without_errors_and_healthz_answers() {
    let devices = env_or("PENDATA_LOAD_DEVICES", 200);
    let seconds = env_or("PENDATA_LOAD_SECONDS", 8);
    let server = TestServer::start().await.unwrap();
    server
        .add_user("enum.beban", Role::Enumerator, "320102")
        .unwrap();
    let user = server
        .state
        .accounts
        .credentials("enum.beban")
        .unwrap()
        .unwrap()
        .user
        .id;
    // One session per device, made in the store (200 argon2 logins would only measure argon2).
    let mut tokens = Vec::new();
    for i in 0..devices {
        let token = Token::generate();
        server
            .state
            .accounts
            .create_session(user, uuid::Uuid::now_v7(), &format!("hp-{i}"), token.hash())
            .unwrap();
        tokens.push(token.as_str().to_owned());
    }
    let template = example_household().unwrap();
    let base = server.url();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(devices as usize)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let latencies = Arc::new(Mutex::new(Vec::<f64>::new()));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let deadline = Instant::now() + Duration::from_secs(seconds);

    let probe = {
        let http = http.clone();
        let base = base.clone();
        tokio::spawn(async move {
            let (mut ok, mut failed, mut worst) = (0u32, 0u32, 0f64);
            while Instant::now() < deadline {
                let t = Instant::now();
                match http.get(format!("{base}/healthz")).send().await {
                    Ok(r) if r.status().is_success() => ok += 1,
                    _ => failed += 1,
                }
                worst = worst.max(t.elapsed().as_secs_f64());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            (ok, failed, worst)
        })
    };

    let mut tasks = Vec::new();
    for (d, token) in tokens.into_iter().enumerate() {
        let (http, base, template) = (http.clone(), base.clone(), template.clone());
        let (latencies, errors) = (latencies.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = d as u64 * 10_000;
            let mut mine = Vec::new();
            while Instant::now() < deadline {
                n += 1;
                let h = household(&template, n);
                let batch = batch(vec![upsert(h).0]);
                let t = Instant::now();
                let push = http
                    .post(format!("{base}/api/v1/push"))
                    .bearer_auth(&token)
                    .json(&batch)
                    .send()
                    .await;
                match push {
                    Ok(r) if r.status().is_success() => {
                        let v: serde_json::Value = r.json().await.unwrap_or_default();
                        let status = &v["results"][0]["outcome"]["status"];
                        if status != "accepted" {
                            let code = &v["results"][0]["outcome"]["findings"][0]["code"];
                            errors
                                .lock()
                                .await
                                .push(format!("push outcome {status} {code}"));
                        }
                    }
                    Ok(r) => errors.lock().await.push(format!("push {}", r.status())),
                    Err(e) => errors.lock().await.push(format!("push: {e}")),
                }
                mine.push(t.elapsed().as_secs_f64());
                let t = Instant::now();
                match http
                    .get(format!("{base}/api/v1/pull?limit=100"))
                    .bearer_auth(&token)
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                    }
                    Ok(r) => errors.lock().await.push(format!("pull {}", r.status())),
                    Err(e) => errors.lock().await.push(format!("pull: {e}")),
                }
                mine.push(t.elapsed().as_secs_f64());
            }
            latencies.lock().await.extend(mine);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (probes_ok, probes_failed, probe_worst) = probe.await.unwrap();
    let mut all = latencies.lock().await.clone();
    all.sort_by(f64::total_cmp);
    let errors = errors.lock().await.clone();
    println!(
        "load: {devices} devices × {seconds} s: {} requests, errors={}, p50={:.0} ms, p99={:.0} ms, \
         healthz {probes_ok} ok / {probes_failed} failed (worst {:.0} ms)",
        all.len(),
        errors.len(),
        percentile(&all, 0.50) * 1000.0,
        percentile(&all, 0.99) * 1000.0,
        probe_worst * 1000.0,
    );
    assert!(
        errors.is_empty(),
        "first errors: {:?}",
        &errors[..errors.len().min(10)]
    );
    assert!(all.len() as u64 >= devices * 2, "every device got through");
    assert_eq!(probes_failed, 0);
    assert!(probes_ok > 0);
    server.stop().await;
}
